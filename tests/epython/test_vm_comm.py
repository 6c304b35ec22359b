"""Messages between cores, the barrier, broadcast and reduction on 1, 2, 4 and 16 cores and on
core subsets (spec §1.7, §2.2).  Programs in the ePython dialect, compiled by epython.compiler;
expected outputs from the semantics."""
import pytest

from epython.bytecode import Err, error_message
from tests.epython.vm_harness import ok, run_source


def test_send_recv_between_two_cores():
    src = """from parallel import *
if coreid() == 0:
    send(42, 1)
    send(2.5, 1)
    send(true, 1)
    send(none, 1)
    print recv(1)
else:
    print recv(0)
    print recv(0)
    print recv(0)
    print recv(0)
    send(coreid()*100, 0)
"""
    r = ok(run_source(src, [0, 1]))
    assert r.lines(1) == ["42", "2.500000", "true", "NONE"]
    assert r.lines(0) == ["100"]


def test_send_and_recv_of_n_elements():
    src = """from parallel import *
if coreid() == 0:
    a=[3, 1, 4, 1, 5]
    send(a, 1, 5)
else:
    b=recv(0, 5)
    s=0
    for v in b:
        s=s+v
    print s
"""
    assert ok(run_source(src, [0, 1])).lines(1) == ["14"]


def test_ring_on_sixteen_cores():
    # even cores send first, odd cores receive first: blocking sends never all wait
    src = """from parallel import *
me=coreid()
n=numcores()
right=(me+1) % n
left=(me+n-1) % n
v=0
if me % 2 == 0:
    send(me*10, right)
    v=recv(left)
else:
    v=recv(left)
    send(me*10, right)
print v
"""
    r = ok(run_source(src, range(16)))
    for me in range(16):
        assert r.lines(me) == [str(((me + 15) % 16) * 10)]


def test_sendrecv_halo_swap_on_four_cores():
    src = """from parallel import *
me=coreid()
l=0
r=0
if me > 0:
    l=sendrecv(me, me-1)
else:
    l=-1
if me < numcores()-1:
    r=sendrecv(me+0.5, me+1)
else:
    r=-1
print l
print r
"""
    r = ok(run_source(src, range(4)))
    assert r.lines(0) == ["-1", "1"]
    for me in (1, 2):
        assert r.lines(me) == [f"{me - 0.5:f}", str(me + 1)]
    assert r.lines(3) == ["2.500000", "-1"]


@pytest.mark.parametrize("cores", [[0], [0, 1, 2, 3], list(range(16))])
def test_barrier_orders_the_phases(cores):
    src = """from parallel import *
print "a"
sync()
print "b"
sync()
sync()
print "c"
"""
    r = ok(run_source(src, cores))
    lines = [ln.split("] ", 1)[1] for ln in r.out.splitlines()]
    n = len(cores)
    assert lines == ["a"] * n + ["b"] * n + ["c"] * n


def test_bcast_from_every_root():
    src = """from parallel import *
i=0
while i < numcores():
    v=bcast(coreid()*7+1, i)
    print v
    i=i+1
"""
    r = ok(run_source(src, range(4)))
    for me in range(4):
        assert r.lines(me) == [str(root * 7 + 1) for root in range(4)]


@pytest.mark.parametrize("op,ints,reals", [
    ("sum", "120", "128.000000"),
    ("min", "0", "0.500000"),
    ("max", "15", "15.500000"),
    ("prod", "0", None),
])
def test_reduce_on_sixteen_cores(op, ints, reals):
    src = f"""from parallel import *
print reduce(coreid(), "{op}")
print reduce(coreid()+0.5, "{op}")
"""
    r = ok(run_source(src, range(16)))
    for me in range(16):
        assert r.lines(me)[0] == ints
        if reals is not None:
            assert r.lines(me)[1] == reals


def test_reduce_product_and_unknown_operator():
    src = """from parallel import *
print reduce(coreid()+1, "prod")
print reduce(2, "avg")
"""
    r = ok(run_source(src, range(4)))
    for me in range(4):
        # an unknown operator prints a message (module parallel) and sums
        assert r.lines(me) == ["24", "Operator avg not found", "8"]


def test_probe_nonblocking_send_test_and_wait():
    src = """from parallel import *
if coreid() == 0:
    sync()
    nonblocking_send(7, 1)
    print test_sent(1)
    sync()
    print wait_sent(1)
else:
    p1=probe(0)
    sync()
    sync()
    p2=probe(0)
    v=recv(0)
    print p1
    print p2
    print v
"""
    r = ok(run_source(src, [0, 1]))
    assert r.lines(0) == ["false", "true"]
    assert r.lines(1) == ["false", "true", "7"]


def test_core_subset_ids_and_messages():
    # -c 5:10: ids 5..10, numcores() 6, the lowest active core leads the barrier
    src = """from parallel import *
me=coreid()
print numcores()
sync()
if me == 5:
    total=me
    i=6
    while i <= 10:
        total=total+recv(i)
        i=i+1
    print total
else:
    send(me, 5)
sync()
print reduce(me, "max")
"""
    r = ok(run_source(src, range(5, 11)))
    assert r.lines(5) == ["6", "45", "10"]
    for me in range(6, 11):
        assert r.lines(me) == ["6", "10"]


def test_non_contiguous_cores():
    src = """from parallel import *
sync()
print reduce(coreid(), "sum")
print bcast(coreid(), 15)
"""
    r = ok(run_source(src, [3, 9, 15]))
    for me in (3, 9, 15):
        assert r.lines(me) == ["27", "15"]


@pytest.mark.parametrize("body,err", [
    # cores 1 and 2 run: num_procs = 2, so ids 0 and 1 are device ids and 0 is inactive;
    # id 3 is neither a device id nor active: "non-existent or inactive process"
    ("send(1, 0)", Err.SEND_TO_INACTIVE_CORE),
    ("x=recv(0)", Err.RECV_FROM_INACTIVE_CORE),
    ("x=sendrecv(1, 0)", Err.SEND_TO_INACTIVE_CORE),
    ("x=probe(0)", Err.RECV_FROM_INACTIVE_CORE),
    ("send(1, 3)", Err.RECV_FROM_UNKNOWN_CORE),
    ("x=recv(20)", Err.RECV_FROM_UNKNOWN_CORE),
    ('send("s", 2)', Err.ONLY_SEND_INT_AND_REAL),
])
def test_message_errors(body, err):
    src = f"""from parallel import *
if coreid() == 1:
    {body}
    print "not reached"
"""
    r = ok(run_source(src, [1, 2]))
    assert r.lines(1) == [] and r.errors(1) == [error_message(err)]
    assert r.lines(2) == [] and r.errors(2) == []


def test_functions_travel_between_cores():
    src = """from parallel import *
def double(x):
    return x*2
if coreid() == 0:
    send(double, 1)
else:
    f=recv(0)
    print f(21)
"""
    assert ok(run_source(src, [0, 1])).lines(1) == ["42"]


def test_remote_memory_access_expose_and_access():
    # concurrency module: core 1 reads and writes core 0's array over the mesh
    src = """from parallel import *
from concurrency import *
if coreid() == 0:
    data=[1, 2, 3]
    expose(data, 1)
    sync()
    sync()
    print data[1]
else:
    r=access(0)
    sync()
    print r[2]
    r[1]=20
    sync()
"""
    r = ok(run_source(src, [0, 1]))
    assert r.lines(1) == ["3"]
    assert r.lines(0) == ["20"]
