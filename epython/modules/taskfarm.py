/*
 taskfarm: a master core hands function calls out to worker cores (epiphany-emu's own
 implementation of ePython's module).

 initTaskFarm(master)           on every core, first
 worker()                       on the workers: run calls until the master shuts the farm down
 execFunction(pid, fn, a..e)    (master) start fn(a, ...) on core pid (up to 5 arguments,
                                scalars or arrays); returns once the call is handed over
 testFunctionFinish(pid)        (master) has pid's call finished?
 waitFunctionFinish(pid)        (master) waits for pid's call and gives its result
 shutdownTaskFarm()             (master) waits for every call, then stops the workers

 Messages: master -> worker: the number of arguments (-1 stops the worker), the function,
 then per argument its length (0 for a scalar) and its value or elements.  Worker -> master:
 -1 for none, else the length of the result (0 for a scalar) and its value or elements.
*/
from parallel import *
from array import len

_tfMaster=0
_tfBusy=0

def initTaskFarm(master):
    _tfMaster=master
    if coreid() == master:
        _tfBusy=[false]*numcores()

def execFunction(pid, fn, a=none, b=none, c=none, d=none, e=none):
    waitFunctionFinish(pid)
    _tfBusy[pid]=true
    _nargs=0
    if not a is none: _nargs+=1
    if not b is none: _nargs+=1
    if not c is none: _nargs+=1
    if not d is none: _nargs+=1
    if not e is none: _nargs+=1
    send(_nargs, pid)
    send(fn, pid)
    if not a is none: _tfSendValue(a, pid)
    if not b is none: _tfSendValue(b, pid)
    if not c is none: _tfSendValue(c, pid)
    if not d is none: _tfSendValue(d, pid)
    if not e is none: _tfSendValue(e, pid)

def testFunctionFinish(pid):
    if _tfBusy[pid]:
        return probe(pid)
    return false

def waitFunctionFinish(pid):
    if _tfBusy[pid]:
        _tfBusy[pid]=false
        return _tfRecvValue(pid)
    return none

def shutdownTaskFarm():
    _w=0
    while _w < numcores():
        if _w != _tfMaster:
            waitFunctionFinish(_w)
            send(-1, _w)
        _w+=1

def worker():
    _nargs=recv(_tfMaster)
    while _nargs >= 0:
        _fn=recv(_tfMaster)
        _result=none
        if _nargs == 0: _result=_fn()
        if _nargs == 1: _result=_fn(_tfRecvArg())
        if _nargs == 2: _result=_fn(_tfRecvArg(), _tfRecvArg())
        if _nargs == 3: _result=_fn(_tfRecvArg(), _tfRecvArg(), _tfRecvArg())
        if _nargs == 4: _result=_fn(_tfRecvArg(), _tfRecvArg(), _tfRecvArg(), _tfRecvArg())
        if _nargs == 5: _result=_fn(_tfRecvArg(), _tfRecvArg(), _tfRecvArg(), _tfRecvArg(), _tfRecvArg())
        if _result is none:
            send(-1, _tfMaster)
        else:
            _tfSendValue(_result, _tfMaster)
        _nargs=recv(_tfMaster)

def _tfRecvArg():
    return _tfRecvValue(_tfMaster)

def _tfSendValue(value, pid):
    _n=len(value)
    send(_n, pid)
    if _n > 0:
        send(value, pid, _n)
    else:
        send(value, pid)

def _tfRecvValue(pid):
    _n=recv(pid)
    if _n == -1:
        return none
    if _n == 0:
        return recv(pid)
    return recv(pid, _n)
