/*
 array: fixed multi-dimensional arrays (epiphany-emu's own implementation of ePython's module).

 array(d1[, d2 ... d7])             a new array, indexed a[i][j]...
 shared_mem_array(d1[, d2 ... d7])  the same, allocated in shared (DRAM) memory
 len(a) = size(a)   total number of elements (0 for a scalar)
 ndim(a)   shape(a) (a list)   nbytes(a) = 4 * size(a)
 flatten(a)   arraycopy(target, source) (same total size)   freearray(a)
*/

def array(a, b=none, c=none, d=none, e=none, f=none, g=none):
    if b is none:
        return native rtl_allocatearray(a)
    if c is none:
        return native rtl_allocatearray(a, b)
    if d is none:
        return native rtl_allocatearray(a, b, c)
    if e is none:
        return native rtl_allocatearray(a, b, c, d)
    if f is none:
        return native rtl_allocatearray(a, b, c, d, e)
    if g is none:
        return native rtl_allocatearray(a, b, c, d, e, f)
    return native rtl_allocatearray(a, b, c, d, e, f, g)

def shared_mem_array(a, b=none, c=none, d=none, e=none, f=none, g=none):
    if b is none:
        return native rtl_allocatesharedarray(a)
    if c is none:
        return native rtl_allocatesharedarray(a, b)
    if d is none:
        return native rtl_allocatesharedarray(a, b, c)
    if e is none:
        return native rtl_allocatesharedarray(a, b, c, d)
    if f is none:
        return native rtl_allocatesharedarray(a, b, c, d, e)
    if g is none:
        return native rtl_allocatesharedarray(a, b, c, d, e, f)
    return native rtl_allocatesharedarray(a, b, c, d, e, f, g)

def ndim(arr):
    return native rtl_numdims(arr)

def size(arr):
    _dims=native rtl_numdims(arr)
    _total=0
    if _dims > 0:
        _total=1
        _k=0
        while _k < _dims:
            _total=_total * native rtl_dsize(arr, _k)
            _k+=1
    return _total

def len(arr):
    return size(arr)

def shape(arr):
    _dims=native rtl_numdims(arr)
    _extents=[0]*_dims
    _k=0
    while _k < _dims:
        _extents[_k]=native rtl_dsize(arr, _k)
        _k+=1
    return _extents

def nbytes(arr):
    return 4 * size(arr)

def flatten(arr):
    native rtl_flatten(arr, size(arr))
    return arr

def arraycopy(target, source):
    _n=size(target)
    if _n == size(source):
        native rtl_arraycopy(target, source, native rtl_numdims(target), native rtl_numdims(source), _n)
    else:
        print "Error, array copy overall sizes must match"
        exit()

def freearray(arr):
    native rtl_free(arr)
