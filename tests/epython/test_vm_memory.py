"""Heap, garbage collection and spilling (spec §1.5, §1.6): local heap -> GC -> shared heap in
DRAM -> GC -> error; the scalar stack and the symbol table continuing in DRAM; bytecode larger
than 2 KB interpreted from DRAM; -datashared.  Expected values from the semantics and the
memory map (layout.py), not from earlier runs."""
from epython import layout as L
from epython.bytecode import Err, error_message
from tests.epython.vm_harness import compile_text, ok, run, run_source

DRAM_AREA = 0x8E000000 + L.AREA_OFFSET


def addr_of(line: str) -> int:
    """The address in ``0x... points to ...``."""
    return int(line.split()[0], 16)


def test_gc_reclaims_unreferenced_lists_in_the_local_heap():
    # 300 lists of 800 bytes (240 KB) through a ~6 KB local heap: only garbage collection
    # keeps them local
    src = """i=0
a=0
while i < 300:
    a=[i]*200
    i=i+1
print a[199]
print id(a)
"""
    out = ok(run_source(src)).lines(0)
    assert out[0] == "299"
    assert addr_of(out[1]) < L.LOCAL_CORE_MEMORY_MAP_TOP


def test_a_list_larger_than_the_local_heap_goes_to_dram():
    src = """a=[7]*3000
a[2999]=a[0]+1
print a[2999]
print id(a)
b=[1, 2]
print id(b)
"""
    out = ok(run_source(src)).lines(0)
    assert out[0] == "8"
    heap = DRAM_AREA + L.shared_heap_offset(0)
    assert heap <= addr_of(out[1]) < heap + L.SHARED_HEAP_DATA_AREA_PER_CORE
    assert addr_of(out[2]) < L.LOCAL_CORE_MEMORY_MAP_TOP


def test_live_data_survives_gc():
    src = """from memory import *
a=[1, 2, 3]
s="x"+5
b=[0]*10
gc()
c=[9]*10
print a[2]
print s
print c[9]
"""
    assert ok(run_source(src)).lines(0) == ["3", "x5", "9"]


def test_out_of_core_and_shared_heap():
    src = """print "start"
a=[0]*120000
print "not reached"
"""
    r = ok(run_source(src))
    assert r.lines(0) == ["start"]
    assert r.errors(0) == [error_message(Err.OUT_OF_CORE_SHARED_HEAP_MEM)]


def test_out_of_shared_heap():
    src = """from array import *
a=shared_mem_array(120000)
print "not reached"
"""
    r = ok(run_source(src))
    assert r.errors(0) == [error_message(Err.OUT_OF_SHARED_HEAP_MEM)]


def test_strings_are_collected_in_a_nearly_full_shared_heap():
    # a shared array leaves ~8 KB of the 448,000-byte shared heap; 400 concatenations of
    # ~60 bytes need it collected several times (the host cannot: the device makes room)
    src = """from array import *
big=shared_mem_array(109900)
big[109899]=5
i=0
s=""
while i < 400:
    s="abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz-"+i
    i=i+1
print s
print big[109899]
"""
    r = ok(run_source(src))
    assert r.lines(0) == ["abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz-399",
                          "5"]


def _recursive(depth):
    return f"""def down(n, acc):
    a=n*2
    b=a+1
    c=b-a
    if n == 0:
        return acc
    return down(n-1, acc+c)
print down({depth}, 0)
"""


def test_deep_recursion_spills_stack_and_symbols_to_dram():
    # each level holds n, acc, a, b, c and two hidden argument variables: 60 levels need
    # ~420 symbol-table entries and scalar cells, beyond the SRAM budget (nsymbols x 18
    # bytes, 1 KB = 256 scalar cells)
    prog = compile_text(_recursive(60))
    assert prog.nsymbols * L.SYMBOL_ENTRY_BUDGET // 16 < 60 * 7
    assert 60 * 7 > L.LOCAL_CORE_STACK_SIZE // 4
    assert ok(run(prog)).lines(0) == ["60"]


def test_runaway_recursion_is_an_error_not_a_crash():
    # the C stack of the VM runs out first (well after ePython's ~10 levels)
    r = ok(run_source("def r(n):\n    return r(n+1)\nprint r(0)\n"))
    assert r.lines(0) == []
    assert r.errors(0) == [error_message(Err.OUT_OF_CORE_SHARED_STACK_MEM)]


def _big_program(nprints=150):
    body = "".join(f'print "line {i} of a long program"\n' for i in range(nprints))
    return body + "x=0\nfor v in [1, 2, 3]:\n    x=x+v\nprint x\n"


def test_bytecode_over_2kb_runs_from_dram():
    prog = compile_text(_big_program())
    assert len(prog.code) > 2048
    r = ok(run(prog))
    assert r.lines(0)[-1] == "6" and len(r.lines(0)) == 151
    # ePython's warning, on stdout before the program's output
    assert r.out.startswith("Warning: Your code size of %d bytes exceeds the 2048 byte limit "
                            "for placement on cores so storing in shared memory\n"
                            % len(prog.code))
    # the cores fetched the bytecode from DRAM (no copy in SRAM)
    sb = L.AREA_OFFSET
    _, ext = r.res.chip.engine.ext_region(0)
    assert ext[sb + L.SB["codeOnCores"].offset] == 0


def test_code_placement_can_be_forced():
    prog = compile_text(_big_program(60))
    for placement in ("core", "shared"):
        r = ok(run(prog, code_placement=placement))
        assert r.lines(0)[-1] == "6"
    small = compile_text("print 1+1\n")
    assert ok(run(small, code_placement="shared")).lines(0) == ["2"]


def test_data_shared_puts_stack_and_heap_in_dram():
    src = """def f(n):
    if n == 0:
        return 0
    return n+f(n-1)
a=[1, 2, 3]
x=5
print f(20)
print id(a)
print id(x)
"""
    out = ok(run_source(src, data_shared=True)).lines(0)
    assert out[0] == "210"
    base = DRAM_AREA + L.shared_stack_offset(0)
    assert base <= addr_of(out[1]) < base + L.SHARED_PER_CORE
    assert base <= addr_of(out[2]) < base + L.SHARED_PER_CORE


def test_many_cores_each_use_their_own_areas():
    src = """from parallel import *
a=[coreid()]*3000
b=[coreid()*2]*100
print a[2999]+b[99]
"""
    r = ok(run_source(src, range(16)))
    for me in range(16):
        assert r.lines(me) == [str(3 * me)]


def test_temporary_strings_survive_collections_in_a_full_shared_heap():
    # the operands of a concatenation are garbage (no variable holds them) while room is
    # made for the result; they must not be collected before the host reads them
    src = """from array import *
big=shared_mem_array(111900)
i=0
while i < 60:
    print ("left-"+i)+("-right-"+i)
    i=i+1
"""
    r = ok(run_source(src))
    assert r.lines(0) == [f"left-{i}-right-{i}" for i in range(60)]
