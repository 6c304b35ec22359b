/*
 util: ranges and sorting (epiphany-emu's own implementation of ePython's module).

 range(a[, b[, c]])   the list a, a+c, ... up to and INCLUDING b (range(n) is 0..n, n+1
                      items); with one argument a is the upper bound and 0 the start
 xrange(a[, b[, c]])  the same as range
 oddSort(x[, length]) sorts the first length elements of x (all of them by default) in place
*/
from array import len

def range(a, b=none, c=none):
    _first=0
    _last=a
    _step=1
    if not b is none:
        _first=a
        _last=b
    if not c is none:
        _step=c
    _count=(_last - _first) / _step + 1
    if _count < 0:
        _count=0
    _values=[0]*_count
    _k=0
    while _k < _count:
        _values[_k]=_first + _k * _step
        _k+=1
    return _values

def xrange(a, b=none, c=none):
    return range(a, b, c)

def oddSort(x, length=none):
    _n=length
    if length is none:
        _n=len(x)
    _done=false
    while not _done:
        _done=true
        _start=0
        while _start < 2:
            _k=_start
            while _k + 1 < _n:
                if x[_k] > x[_k + 1]:
                    _t=x[_k]
                    x[_k]=x[_k + 1]
                    x[_k + 1]=_t
                    _done=false
                _k+=2
            _start+=1
