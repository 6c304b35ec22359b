"""The e-lib test programs (tests/elib/programs, built by tests/elib/build.sh against our
firmware/elib and its ESDK-style linker scripts) run on 1, 4 and 16 cores of the emulated
E16G301.  Each core records what it saw in its `result`; the expected values are computed
here from the C semantics of the programs and the ESDK's documented API, never taken from an
earlier run."""
from __future__ import annotations

import struct

import pytest

from emu.chip import DRAM_BASE
from emu.stops import Stop

from .elibrun import ELF_DIR, PROGRAMS, SHAPES, Run, check_ok, elf_path, run

DONE = 0x600DF00D
SHM_TABLE = 0x8F000000

#: True when the programs under test were built against the ESDK's own e-lib
#: (tests/elib/test_esdk_oracle.py): the few places where it differs from ours by design
#: (docs/elib.md) are then expected to behave as the ESDK's does
ESDK = ELF_DIR != PROGRAMS


# ------------------------------------------------------------------------------ helpers

class Result:
    """The words of one core's `result`, by field name.  `spec` lists (name, words) in the
    C struct's order (the programs' RESULT_WORDS pins the layout)."""

    def __init__(self, r: Run, k: int, spec):
        n = sum(w for _, w in spec)
        words = r.words("result", k, n)
        self.raw = struct.pack(f"<{n}I", *words)
        self.fields = {}
        i = 0
        for name, w in spec:
            self.fields[name] = words[i] if w == 1 else words[i:i + w]
            i += w

    def __getattr__(self, name):
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def bytes_of(self, spec, name):
        i = 0
        for n, w in spec:
            if n == name:
                return self.raw[4 * i:4 * (i + w)]
            i += w
        raise KeyError(name)


def coreid(row0, col0, r, c):
    """Mesh id of group core (r, c) of a group whose origin is (row0, col0) of the chip."""
    return ((32 + row0 + r) << 6) | (8 + col0 + c)


def sym(r: Run, name: str) -> int:
    s = r.img.symbol(name)
    assert s is not None, name
    return s.addr


def neighbours(rows, cols, r, c):
    """e_neighbor_id for [wrap][dir]: wrap GROUP, ROW, COL; dir PREV, NEXT (the ESDK
    documents row-major order with wrap-around)."""
    if ESDK:
        return neighbours_masked(rows, cols, r, c)
    out = []
    # E_GROUP_WRAP: along the row, off its end onto the previous/next row
    prev = (r, c - 1) if c > 0 else ((r - 1) % rows, cols - 1)
    nxt = (r, c + 1) if c + 1 < cols else ((r + 1) % rows, 0)
    out.append([prev, nxt])
    out.append([(r, (c - 1) % cols), (r, (c + 1) % cols)])        # E_ROW_WRAP
    out.append([((r - 1) % rows, c), ((r + 1) % rows, c)])        # E_COL_WRAP
    return [x for wrap in out for d in wrap for x in d]


def neighbours_masked(rows, cols, r, c):
    """The ESDK's arithmetic: step, then mask with size - 1 (meant for power-of-two sizes)."""
    out = []
    for wrap in range(3):
        for d in (-1, 1):
            row = r + (d if wrap == 2 else 0)
            col = c + (0 if wrap == 2 else d)
            if wrap == 0 and not 0 <= col < cols:
                row += d
            out += [row & (rows - 1), col & (cols - 1)]
    return out


@pytest.mark.parametrize("rows,cols", [(1, 1), (1, 2), (2, 2), (4, 4), (2, 8), (8, 8)])
def test_neighbours_agree_with_the_esdk_on_power_of_two_groups(rows, cols):
    saved = globals()["ESDK"]
    try:
        globals()["ESDK"] = False
        for r in range(rows):
            for c in range(cols):
                assert neighbours(rows, cols, r, c) == neighbours_masked(rows, cols, r, c)
    finally:
        globals()["ESDK"] = saved


# ------------------------------------------------------------------------------ the API

def test_api_program_links_and_runs():
    """api.c names every header, type, constant and function of the ESDK's e-lib (its
    static asserts pin the values; its link needs every function)."""
    check_ok(run(elf_path("api")))


# ------------------------------------------------------------------------------ identity

IDENTITY = [("coreid", 1), ("row", 1), ("col", 1), ("from_coords", 1), ("from_coords_other", 1),
            ("g_self", 1), ("g_origin", 1), ("g_mine", 1), ("g_row_self", 1), ("g_global", 1),
            ("on_core", 4), ("neighbor", 12), ("group", 10), ("emem", 2), ("reg_coreid", 1),
            ("reg_imask", 1), ("reg_ctimer1", 1), ("reg_dma1stride", 1),
            ("reg_config_timer", 1), ("reg_status_gid", 1), ("reg_ilat_user", 1),
            ("reg_ilat_cleared", 1), ("outside_row", 1), ("outside_col", 1), ("done", 1)]


@pytest.mark.parametrize("layout", ["fast", "internal"])
@pytest.mark.parametrize("rows,cols,row0,col0", [(1, 1, 0, 0), (2, 2, 0, 0), (4, 4, 0, 0),
                                                  (2, 2, 1, 1), (1, 3, 3, 1)])
def test_identity(layout, rows, cols, row0, col0):
    r = run(elf_path("identity", layout), rows, cols, row0, col0)
    check_ok(r)
    probe = sym(r, "_probe")
    origin = coreid(row0, col0, 0, 0)
    for k in range(rows * cols):
        gr, gc = divmod(k, cols)
        me = coreid(row0, col0, gr, gc)
        assert r.coreid(k) == me
        res = Result(r, k, IDENTITY)
        assert res.done == DONE
        assert res.coreid == me and res.reg_coreid == me
        assert (res.row, res.col) == (gr, gc)
        assert res.from_coords == me
        assert res.from_coords_other == coreid(row0, col0, rows - 1, cols - 1)
        assert res.g_self == me << 20 | probe
        assert res.g_origin == origin << 20 | probe
        assert res.g_mine == res.g_row_self == me << 20 | probe
        assert res.g_global == 0x8F001234
        last = (gr, gc) == (rows - 1, cols - 1)
        assert res.on_core == [1, 1, int(last), 0]
        assert res.neighbor == neighbours(rows, cols, gr, gc)
        assert res.group == [3, 0, origin, 32 + row0, 8 + col0, rows, cols, gr, gc, 0xDEADBEEF]
        assert res.emem == [5, DRAM_BASE]
        assert (res.reg_imask, res.reg_ctimer1, res.reg_dma1stride) == (0x155, 123456, 0x00080004)
        assert res.reg_config_timer == 2                # E_CTIMER_IDLE in CONFIG[11:8]
        assert res.reg_status_gid == 1
        assert (res.reg_ilat_user, res.reg_ilat_cleared) == (1, 0)
        # outside the group: the 6-bit fields of coreid - group_id (here -1)
        assert (res.outside_row, res.outside_col) == (63, 63)


@pytest.mark.parametrize("rows,cols", SHAPES)
def test_register_access(rows, cols):
    """e_reg_read of 27 registers agrees with MOVFS of the same register; e_reg_write of 16
    is what MOVFS reads back."""
    r = run(elf_path("regs"), rows, cols)
    check_ok(r)
    spec = [("read_mismatch", 1), ("write_mismatch", 1), ("reads", 1), ("writes", 1),
            ("done", 1)]
    for k in range(rows * cols):
        res = Result(r, k, spec)
        assert (res.read_mismatch, res.write_mismatch) == (0, 0)
        assert (res.reads, res.writes, res.done) == (27, 16, DONE)


# ------------------------------------------------------------------------------ e_read/e_write

MEMCOPY = [("wrote_to", 1), ("read_from", 1), ("ext_wrote_to", 1), ("ext_read_from", 1),
           ("self_read_from", 1), ("inbox", 8), ("got", 5), ("ext", 6), ("self", 2), ("done", 1)]


def outbox(k):
    return bytes((k * 0x01010101 ^ i * 37) & 0xFF for i in range(32))


@pytest.mark.parametrize("rows,cols", SHAPES)
def test_read_write(rows, cols):
    r = run(elf_path("memcopy"), rows, cols)
    check_ok(r)
    n = rows * cols
    inbox, box = sym(r, "_inbox"), sym(r, "_outbox")
    for k in range(n):
        nxt, prv = (k + 1) % n, (k - 1) % n
        res = Result(r, k, MEMCOPY)
        assert res.done == DONE
        assert res.wrote_to == r.coreid(nxt) << 20 | (inbox + 3)
        assert res.read_from == r.coreid(prv) << 20 | (box + 5)
        assert res.ext_wrote_to == res.ext_read_from == 0x8F100000 + 64 * k
        assert res.self_read_from == r.coreid(k) << 20 | (box + 1)
        assert res.bytes_of(MEMCOPY, "inbox") == b"\0" * 3 + outbox(prv)[:13] + b"\0" * 16
        assert res.bytes_of(MEMCOPY, "got") == outbox(prv)[5:25]
        assert res.bytes_of(MEMCOPY, "ext") == outbox(k)[2:26]
        assert r.chip.mem_read(0x8F100000 + 64 * k, 24) == outbox(k)[2:26]
        assert res.bytes_of(MEMCOPY, "self") == outbox(k)[1:9]


# ------------------------------------------------------------------------------ mutex, barrier

@pytest.mark.parametrize("rows,cols", SHAPES)
def test_mutex_counts_every_increment(rows, cols):
    r = run(elf_path("mutex"), rows, cols)
    check_ok(r)
    n = rows * cols
    spec = [("counter", 1), ("busy_owner", 1), ("trylock_free", 1), ("done", 1)]
    first = Result(r, 0, spec)
    assert first.counter == 40 * n                     # ROUNDS per core, none lost
    for k in range(n):
        res = Result(r, k, spec)
        assert res.done == DONE
        assert res.busy_owner == (0 if k == 0 else r.coreid(0))
        if k == n - 1:
            assert res.trylock_free == 0
    # the mutex word itself: released
    assert r.words("mtx", 0, 1) == [0]


@pytest.mark.parametrize("rows,cols", SHAPES)
def test_barrier_holds_every_core(rows, cols):
    r = run(elf_path("barrier"), rows, cols)
    check_ok(r)
    spec = [("errors", 1), ("rounds", 1), ("phase", 1), ("done", 1)]
    first = Result(r, 0, spec)
    assert (first.errors, first.rounds) == (0, 30)
    for k in range(rows * cols):
        res = Result(r, k, spec)
        assert (res.phase, res.done) == (30, DONE)


# ------------------------------------------------------------------------------ DMA

@pytest.mark.parametrize("rows,cols", SHAPES)
def test_dma(rows, cols):
    r = run(elf_path("dma"), rows, cols)
    check_ok(r)
    for k in range(rows * cols):
        res = Result(r, k, [("ok", 1), ("busy_after_start", 1), ("done", 1)])
        assert res.done == DONE
        failed = [b for b in range(11) if not res.ok >> b & 1]
        assert failed == [], f"core {k}: checks {failed} failed"
        src = [k << 24 | i for i in range(256)]
        # the 2D block (6 rows of 5 words from row 2, column 3 of a 16-word-wide matrix) and
        # the three chained pieces, recomputed here
        assert r.words("block", k, 30) == [src[(2 + y) * 16 + 3 + x]
                                           for y in range(6) for x in range(5)]
        assert r.words("chained", k, 24) == src[100:108] + src[40:48] + src[7:15]
        assert r.chip.mem_read(0x8F200000 + 1024 * k, 512) == struct.pack("<128I", *src[64:192])


def set_host_flags(flags):
    def host(chip, img):
        chip.mem_write(img.symbol("_host_flags").addr, struct.pack("<I", flags),
                       chip.group(1, 1)[0])
    return host


def test_dma_negative_stride():
    """A descriptor whose source stride is negative: e_dma_set_desc keeps it out of the
    destination's half of the stride word (the ESDK's ors it over it: its channel then walks
    the destination backwards out of the buffer, which the emulator stops as a DMA fault)."""
    r = run(elf_path("dma"), prepare=set_host_flags(1))
    if ESDK:
        assert r.result.fault is not None and r.result.fault.kind == "dma_fault"
        return
    check_ok(r)
    assert Result(r, 0, [("ok", 1)]).ok == 0xFFF


def test_dma_copy_of_more_than_65535_elements():
    """e_dma_copy of 70001 bytes (odd: byte elements) between two areas of external memory:
    more than one descriptor's count, so it goes in two runs."""
    big = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(70001))
    flags = set_host_flags(2)

    def host(chip, img):
        chip.mem_write(0x8F300000, big)
        flags(chip, img)

    r = run(elf_path("dma"), prepare=host, max_cycles=100_000_000)
    check_ok(r)
    copied = big
    if ESDK:
        # the ESDK's puts the element count into one descriptor: 70001 overflows into the
        # outer count, which leaves 70001 & 0xFFFF elements
        copied = big[:70001 & 0xFFFF] + bytes(70001 - (70001 & 0xFFFF))
    assert r.chip.mem_read(0x8F340000, 70003) == b"\0" + copied + b"\0"


# ------------------------------------------------------------------------------ interrupts

@pytest.mark.parametrize("rows,cols", SHAPES)
def test_interrupts(rows, cols):
    r = run(elf_path("irq"), rows, cols)
    check_ok(r)
    n = rows * cols
    spec = [("user_irqs", 1), ("sender", 1), ("timer0_irqs", 1), ("timer0_value", 1),
            ("timer1_irqs", 1), ("masked_ilat", 1), ("masked_taken", 1), ("cleared_ilat", 1),
            ("gid_taken", 1), ("gie_taken", 1), ("done", 1)]
    for k in range(n):
        res = Result(r, k, spec)
        assert res.done == DONE
        assert res.user_irqs == 1
        assert res.sender == r.coreid((k - 1) % n)      # from the previous core
        assert (res.timer0_irqs, res.timer0_value, res.timer1_irqs) == (1, 0, 1)
        assert (res.masked_ilat, res.masked_taken, res.cleared_ilat) == (1, 0, 0)
        assert (res.gid_taken, res.gie_taken) == (0, 1)
    # timer1's handler is reached through the IVT slot GCC's interrupt("timer1") filled
    ivt4 = struct.unpack("<I", r.chip.mem_read(0x10, 4, r.cores[0]))[0]
    assert ivt4 & 0xFF == 0xE8 and 0x10 + ((ivt4 >> 8) << 1) == sym(r, "_timer1_isr")


def test_irq_attach_refuses_a_handler_out_of_reach():
    """With legacy.ldf the program's code is in DRAM: a handler there cannot be reached by
    the vector table's branch.  e_irq_attach says so and ends the program (the ESDK's writes
    a wrong branch); a handler in SRAM works."""
    r = run(elf_path("irq_reach", "legacy"))
    assert r.result.fault is None and r.result.stop == Stop.EXIT
    if ESDK:
        return                                   # it returns, having written a bad branch
    assert r.result.exit_code == 124
    assert b"e_irq_attach: the handler is out of the vector table's reach" in r.stderr
    assert r.words("calls", 0, 1) == [1]


# ------------------------------------------------------------------------------ timers

TIMER = [("clk", 2), ("ialu", 2), ("stopped", 2), ("wait_cycles", 1), ("set_returned", 1),
         ("start_returned", 1), ("done", 1)]


def test_timers_against_the_cycle_counter():
    """CTIMER0 counting clock cycles sees exactly the cycles the emulator counts for the same
    instructions: spin(1000) and spin(2000) are timed by the program and, between breakpoints
    at spin and spin_end, by the emulator's cycle counter."""
    path = elf_path("timer")
    probe = run(path)
    spans = []
    entered = {}

    def on_break(chip, res):
        pc = chip.engine.get_pc(0)
        cycles = chip.counters(0)["cycles"]
        if pc == sym(probe, "_spin"):
            entered["at"] = cycles
        else:
            spans.append(cycles - entered.pop("at"))

    r = run(path, breaks=(sym(probe, "_spin"), sym(probe, "_spin_end")), on_break=on_break)
    check_ok(r)
    res = Result(r, 0, TIMER)
    assert res.done == DONE
    # spin(1000), spin(2000) for CTIMER0, again for CTIMER1, spin(100), e_wait's none
    assert len(spans) == 5
    assert res.clk[1] - res.clk[0] == spans[1] - spans[0]
    assert 0 < res.clk[0] - spans[0] < 100          # the calls around spin cost a little
    assert res.ialu[1] - res.ialu[0] == 1000        # one SUB per iteration
    assert res.stopped[0] == res.stopped[1]
    assert 5000 <= res.wait_cycles < 5400
    assert (res.set_returned, res.start_returned) == (777, 4242)
    # the breakpoints changed nothing
    assert Result(probe, 0, TIMER).fields == res.fields


@pytest.mark.parametrize("rows,cols", SHAPES)
def test_timers_on_every_core(rows, cols):
    """Every core times the same local loop alike (no core shares anything here)."""
    r = run(elf_path("timer"), rows, cols)
    check_ok(r)
    spans = set()
    for k in range(rows * cols):
        res = Result(r, k, TIMER)
        assert res.done == DONE and res.ialu[1] - res.ialu[0] == 1000
        assert 5000 <= res.wait_cycles < 5400
        spans.add(res.clk[1] - res.clk[0])
    assert len(spans) == 1


# ------------------------------------------------------------------------------ shared memory

def shm_table(segments):
    """An e-hal shared-memory table (e_shm.h): segments = [(name, offset, size, valid)]."""
    t = bytearray(19000)
    struct.pack_into("<II", t, 0, 0xABCDEF00, 1)
    for i, (name, off, size, valid) in enumerate(segments):
        base = 8 + 296 * i
        struct.pack_into("<Q", t, base, 0x7F0000000000 + off)             # host address
        t[base + 8:base + 8 + len(name)] = name.encode()
        struct.pack_into("<QQQII", t, base + 264, size, SHM_TABLE + off, off, 1, valid)
    struct.pack_into("<QQQQ", t, 18952 + 16, SHM_TABLE, 0x3F000000, 0, 0)
    return bytes(t)


SHM_SEGMENTS = [("gone", 0x5000, 0x100, 0), ("test_shm", 0x6000, 0x1000, 1),
                ("trace_buffer", 0x10000, 0x200000, 1)]


def prepare_shm(chip, img):
    chip.mem_write(SHM_TABLE, shm_table(SHM_SEGMENTS))
    chip.mem_write(SHM_TABLE + 0x6000 + 2048, struct.pack("<4I", 0x11111111, 0x22222222,
                                                          0x33333333, 0x44444444))


@pytest.mark.parametrize("rows,cols", SHAPES)
def test_shared_memory_and_trace(rows, cols):
    r = run(elf_path("shm"), rows, cols, prepare=prepare_shm)
    check_ok(r)
    n = rows * cols
    spec = [("seg", 5), ("attach_rc", 1), ("gone_rc", 1), ("missing_rc", 1), ("null_rc", 1),
            ("release_rc", 1), ("release_missing_rc", 1), ("wrote_to", 1), ("host_words", 4),
            ("trace_init_rc", 1), ("done", 1)]
    seg = SHM_TABLE + 0x6000
    err = 0xFFFFFFFF                                     # E_ERR
    slice_ = 0x200000 // n
    for k in range(n):
        res = Result(r, k, spec)
        me = r.coreid(k)
        assert res.done == DONE
        assert res.attach_rc == 0
        assert res.seg == [7, 0x3F000000 + 0x6000, seg, 0x1000, 3]   # E_SHARED_MEM, E_RDWR
        assert (res.gone_rc, res.missing_rc, res.null_rc) == (err, err, err)
        # the ESDK's e_shm_release answers E_ERR exactly when the table is valid
        assert (res.release_rc, res.release_missing_rc) == ((err, err) if ESDK else (0, err))
        assert res.wrote_to == seg + 64 * k
        assert r.chip.mem_read(seg + 64 * k, 16) == struct.pack("<4I", me, k, 0xC0DE0000 | k,
                                                                 ~me & 0xFFFFFFFF)
        assert res.host_words == [0x11111111, 0x22222222, 0x33333333, 0x44444444]
        assert res.trace_init_rc == 0
        recs = struct.unpack("<6I", r.chip.mem_read(SHM_TABLE + 0x10000 + k * slice_, 24))
        times, what = recs[0::2], recs[1::2]
        assert what == ((1 << 30) | (0 << 24) | (1 << 20) | me << 8 | 0x11,
                        (2 << 30) | (2 << 24) | (2 << 20) | me << 8 | 0x22,
                        (3 << 30) | (1 << 24) | (15 << 20) | me << 8 | 0x33)
        assert 0xFFFFFFFF > times[0] > times[1] > times[2] > 0xFFFFFFFF - 100000


# ------------------------------------------------------------------------------ scheduling

@pytest.mark.parametrize("name,spec", [("memcopy", MEMCOPY), ("mutex", 4), ("barrier", 4),
                                       ("dma", 1), ("irq", 11), ("identity", IDENTITY)])
def test_results_do_not_depend_on_the_quantum(name, spec):
    """The programs synchronise only through the API (barriers, mutexes, waiting for what
    they read), so what 16 cores record is the same whatever the scheduling slice."""
    n = spec if isinstance(spec, int) else sum(w for _, w in spec)
    seen = set()
    for q in (1, 1000, 20000):
        r = run(elf_path(name), 4, 4, quantum=q)
        check_ok(r)
        seen.add(tuple(tuple(r.words("result", k, n)) for k in range(16)))
    assert len(seen) == 1


# ------------------------------------------------------------------------------ link layouts

LAYOUT = [("bank1_data", 1), ("bank2_zero", 1), ("bank3_word", 1), ("shared_word", 1),
          ("big_bss", 1), ("data_init", 1), ("in_bank1", 1), ("in_bank2", 1),
          ("in_code_dram", 1), ("main_addr", 1), ("bank1_sum", 1), ("bank2_sum", 1),
          ("bank3_value", 1), ("bss_sum", 1), ("data_value", 1), ("f1", 1), ("f2", 1),
          ("f3", 1), ("heap", 1), ("heap_again", 1), ("done", 1)]


def bank_addresses(r: Run):
    """Where .data_bank1/2/3 must be: at their bank's start (0x2000, 0x4000, 0x6000), or right
    after the SRAM contents below them when those reach further (docs/elib.md)."""
    secs = sorted((a, s, name) for name, (a, s) in r.img.sections.items() if a < 0x8000 and s)
    out = []
    for name, base in ((".data_bank1", 0x2000), (".data_bank2", 0x4000), (".data_bank3", 0x6000)):
        addr = r.img.sections[name][0]
        below = max(a + s for a, s, nm in secs if a < addr)
        if below <= base:
            assert addr == base, name
        else:
            assert below <= addr < below + 8, name
        out.append(addr)
    return tuple(out)


@pytest.mark.parametrize("layout,rows,cols", [("internal", 1, 1), ("internal", 2, 2),
                                              ("internal", 4, 4), ("fast", 1, 1),
                                              ("fast", 2, 2), ("fast", 4, 4),
                                              ("legacy", 1, 1), ("legacy-r1c2", 1, 1)])
def test_link_layout(layout, rows, cols):
    if ESDK and rows * cols > 1:
        pytest.skip("the ESDK's e-lib has no per-core _sbrk: cores running one image share "
                    "libgloss's heap, and newlib's malloc corrupts it")
    row0, col0 = (1, 2) if layout == "legacy-r1c2" else (0, 0)
    r = run(elf_path("layout", layout), rows, cols, row0, col0)
    check_ok(r)
    n = rows * cols
    lines = sorted(r.stdout.decode().splitlines())
    assert lines == sorted(f"layout: core {k} of {n}, data 12345" for k in range(n))
    slice_ = 0x8E000000 + (0x600000 if layout == "legacy-r1c2" else 0)
    banks = bank_addresses(r)
    if layout != "internal":
        assert banks == (0x2000, 0x4000, 0x6000)
    objects = tuple(sym(r, s) for s in ("_bank1_data", "_bank2_zero", "_bank3_word"))
    for obj, bank in zip(objects, banks):
        assert bank <= obj < bank + 8
    for k in range(n):
        res = Result(r, k, LAYOUT)
        assert res.done == DONE
        assert (res.bank1_data, res.bank2_zero, res.bank3_word) == objects
        assert res.shared_word == 0x8F000000
        for f, name, bank in ((res.in_bank1, ".text_bank1", 0x2000),
                              (res.in_bank2, ".text_bank2", 0x4000)):
            a, s = r.img.sections[name]
            assert a <= f < a + s
            assert layout == "internal" or bank <= f < bank + 0x2000
        if layout == "internal":
            for a in (res.in_code_dram, res.main_addr, res.big_bss, res.data_init):
                assert 0x100 < a < 0x8000
        elif layout == "fast":
            assert 0x8E000000 <= res.in_code_dram < 0x8E100000 and res.main_addr < 0x2000
        else:
            for a in (res.in_code_dram, res.main_addr, res.big_bss, res.data_init):
                assert slice_ <= a < slice_ + 0x100000
        assert (res.bank1_sum, res.bank2_sum, res.bank3_value) == (110, 0, 0x33)
        assert (res.bss_sum, res.data_value) == (0, 12345)
        assert (res.f1, res.f2, res.f3) == (16, 5 ^ 0x5A5A, 1005)
        heap = 0x8F800000 + 0x20000 * k                    # the core's own heap slot
        # (libgloss's _sbrk, with the ESDK's e-lib: slot 0 for every core)
        assert heap <= res.heap < heap + 0x20000 and res.heap_again == res.heap
    assert r.chip.mem_read(0x8F000000, 4) == struct.pack("<I", 0xABCD0000 | n)
