/*
 coprocessor: the device side of @offload (epiphany-emu's own; the host side is
 epython/_offload.py, described in docs/offload.md).  Every core runs offloadWorker(): it waits
 for a call from the host (host virtual core numcores()-1), runs it, sends the result back,
 and waits again, until the host tells it to stop.

 Host to core, one call:
   w      the number of arguments + 16 * (bit i set: argument i is a list)
          + 4096 when the result goes back element by element; w < 0 ends the worker
   fn     the function value (its bytecode address)
   then per argument: a scalar is sent as it is; a list as its length n >= 0 followed by its
   n elements, or (bulk) as -(4 * n + t) - 1 alone (t: 0 int, 1 real, 3 bool): the core makes
   the list and sends id() of it to the host, which writes the n elements into its cells.
 Core to host, the result: a list as id() of it (the host reads its cells), or element by
 element as its length and its elements; anything else as it is (after -1 element-wise).
*/
from parallel import *
from array import *

def offloadWorker():
    _h=numcores()-1
    _w=native rtl_recv(_h)
    while _w >= 0:
        _cpCall(_w, _h)
        _w=native rtl_recv(_h)

def _cpCall(_w, _h):
    _n=_w % 16
    _m=(_w / 16) % 256
    _fn=native rtl_recv(_h)
    if _n > 0: _a0=_cpArg(_h, _m % 2)
    if _n > 1: _a1=_cpArg(_h, (_m / 2) % 2)
    if _n > 2: _a2=_cpArg(_h, (_m / 4) % 2)
    if _n > 3: _a3=_cpArg(_h, (_m / 8) % 2)
    if _n > 4: _a4=_cpArg(_h, (_m / 16) % 2)
    if _n > 5: _a5=_cpArg(_h, (_m / 32) % 2)
    if _n > 6: _a6=_cpArg(_h, (_m / 64) % 2)
    if _n > 7: _a7=_cpArg(_h, (_m / 128) % 2)
    _r=none
    if _n == 0:
        _r=_fn()
    elif _n == 1:
        _r=_fn(_a0)
    elif _n == 2:
        _r=_fn(_a0, _a1)
    elif _n == 3:
        _r=_fn(_a0, _a1, _a2)
    elif _n == 4:
        _r=_fn(_a0, _a1, _a2, _a3)
    elif _n == 5:
        _r=_fn(_a0, _a1, _a2, _a3, _a4)
    elif _n == 6:
        _r=_fn(_a0, _a1, _a2, _a3, _a4, _a5)
    elif _n == 7:
        _r=_fn(_a0, _a1, _a2, _a3, _a4, _a5, _a6)
    else:
        _r=_fn(_a0, _a1, _a2, _a3, _a4, _a5, _a6, _a7)
    if native rtl_numdims(_r) > 0:
        if _w < 4096:
            native rtl_send(id(_r), _h)
        else:
            _k=size(_r)
            native rtl_send(_k, _h)
            send(_r, _h, _k)
    else:
        if _w >= 4096: native rtl_send(0-1, _h)
        native rtl_send(_r, _h)

def _cpArg(_h, _list):
    if _list == 0:
        return native rtl_recv(_h)
    _k=native rtl_recv(_h)
    if _k >= 0:
        return recv(_h, _k)
    _k=0-_k-1
    _t=_k % 4
    _k=_k / 4
    _got=none
    if _t == 1:
        _got=[0.0]*_k
    elif _t == 3:
        _got=[false]*_k
    else:
        _got=[0]*_k
    native rtl_send(id(_got), _h)
    return _got
