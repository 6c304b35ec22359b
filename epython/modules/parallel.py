/*
 parallel: who am I, how many are we, and messages between cores (epiphany-emu's own
 implementation of ePython's module, over the VM's natives).

 coreid() numcores() ishost() isdevice() sync()
 send(x, pid[, n])      blocking send of a scalar, or of the n first elements of x
 recv(pid[, n])         a scalar, or a new list of n elements
 sendrecv(x, pid[, n])  send to and receive from one partner in one step
 nonblocking_send(x, pid)  test_sent(pid)  wait_sent(pid)  probe(pid)
 bcast(x, root)         root's value on every core
 reduce(x, op)          op is "sum", "min", "max" or "prod"; the result on every core
*/

def coreid():
    return native rtl_coreid()

def numcores():
    return native rtl_numcores()

def ishost():
    return native rtl_ishost()

def isdevice():
    return native rtl_isdevice()

def sync():
    native rtl_sync()

def send(data, pid, n=none):
    if n is none:
        native rtl_send(data, pid)
    else:
        _k=0
        while _k < n:
            _item=data[_k]
            native rtl_send(_item, pid)
            _k+=1

def recv(pid, n=none):
    if n is none:
        return native rtl_recv(pid)
    _got=[0]*n
    _k=0
    while _k < n:
        _got[_k]=native rtl_recv(pid)
        _k+=1
    return _got

def sendrecv(data, pid, n=none):
    if n is none:
        return native rtl_sendrecv(data, pid)
    _got=[0]*n
    _k=0
    while _k < n:
        _item=data[_k]
        _got[_k]=native rtl_sendrecv(_item, pid)
        _k+=1
    return _got

def nonblocking_send(data, pid):
    native rtl_send_nonblocking(data, pid)

def test_sent(pid):
    return native rtl_test_for_send(pid)

def wait_sent(pid):
    return native rtl_wait_for_send(pid)

def probe(pid):
    return native rtl_probe(pid)

def bcast(data, root):
    return native rtl_bcast(data, root)

def reduce(data, op):
    # the operation codes are epython.bytecode.ReduceOp (a test checks them)
    _code=0
    if op == "min":
        _code=1
    elif op == "max":
        _code=2
    elif op == "prod":
        _code=3
    elif op == "sum":
        _code=0
    else:
        print "Operator "+op+" not found"
    return native rtl_reduce(data, _code)
