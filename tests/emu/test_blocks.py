"""Timed blocks (emu/_blocks.pxi) are an implementation of the pipeline model, not a model of
their own: every program must give the same cycles, stalls, traffic and output with them as
instruction by instruction, and a block's replay must never disagree with its schedule."""
import glob
import io
import os

import pytest
from dataclasses import replace

from emu.chip import Chip, ChipConfig
from emu.timing import DEFAULT as DEFAULT_TIMING
from emu.syscalls import HostIO
from isa.encoder import encode
from loader.elf import read_elf
from emu.stops import Stop
from tests.emu.conftest import Harness

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
# fine slices (while cores talk, and at the start) of 32 cycles, not 8: long enough for blocks
FINE32 = replace(DEFAULT_TIMING, fine_quantum=32)


def _programs():
    fx = os.path.join(ROOT, "tests", "fixtures")
    progs = sorted(glob.glob(os.path.join(ROOT, "bench", "programs", "*.elf")))
    progs += sorted(glob.glob(os.path.join(fx, "timing", "*.elf")))
    progs += sorted(glob.glob(os.path.join(fx, "multicore", "*.elf")))
    # every fourth C and csmith fixture: all the compiler's idioms, a bounded test time
    progs += sorted(glob.glob(os.path.join(fx, "c", "*.elf")))[::4]
    progs += sorted(glob.glob(os.path.join(fx, "csmith", "*.elf")))[::4]
    return [os.path.relpath(p, ROOT) for p in progs]


def _run(path, blocks, timed=True, traces=True, hot=1):
    img = read_elf(os.path.join(ROOT, path))
    out = io.BytesIO()
    cfg = ChipConfig.for_image(img)
    if not timed:
        cfg = replace(cfg, timing=replace(DEFAULT_TIMING, pipeline=False))
    chip = Chip(cfg, HostIO(stdin=io.BytesIO(), stdout=out,
                                                  stderr=io.BytesIO(), prefix="never"))
    chip.engine.use_blocks = blocks
    chip.engine.block_hot = hot      # (1: blocks from the first arrival, code run once too)
    chip.engine.use_traces = traces
    chip.load_elf(img)
    res = chip.run(30_000_000)
    cnt = [chip.counters(k) for k in range(chip.ncores)]
    links = chip.engine.link_counters()
    st = dict(chip.engine.block_stats(), slices=chip.engine.sched_stats()["slices"])
    return (res.stop, res.exit_code, out.getvalue(), cnt, links), st


def _same(ref, st0, got, st):
    """The run with blocks (got, its block statistics st) is the run without (ref, st0)."""
    assert st0["runs"] == 0
    # (code fetched from outside the core's SRAM runs instruction by instruction: every
    # 8-byte line costs a read over the mesh or the eLink; legacy_crc runs all from DRAM)
    far = all(c["fetch_ext"] + c["fetch_remote"] > 0 for c in ref[3] if c["instructions"])
    # (nor do slices of a few cycles, BLK_MIN_SLICE: cores that talk all the time)
    short = st["slices"] * 16 > max(c["cycles"] for c in ref[3])
    assert st["runs"] > 0 or far or short, "no block ran"
    assert st["mismatches"] == 0
    assert got[:3] == ref[:3]
    for k, (a, b) in enumerate(zip(got[3], ref[3])):
        assert a == b, (k, {n: (a[n], b[n]) for n in a if a[n] != b[n]})
    assert got[4] == ref[4]


@pytest.mark.parametrize("path", _programs())
def test_blocks_change_nothing_but_speed(path):
    ref, st0 = _run(path, False)
    got, st = _run(path, True)
    _same(ref, st0, got, st)


@pytest.mark.parametrize("path", _programs()[1::3])
def test_warm_blocks_change_nothing_but_speed(path):
    """With the default Engine.block_hot (an entry's block built at its third arrival, the
    per-instruction loop running it before) the runs are the same too."""
    ref, st0 = _run(path, False)
    got, st = _run(path, True, hot=3)
    _same(ref, st0, got, st)


def test_block_hot_bounds():
    chip = Chip(ChipConfig(rows=1, cols=1), HostIO(stdout=io.BytesIO()))
    assert chip.engine.block_hot == 3       # the documented default (emu/_blocks.pxi BLK_HOT)
    for bad in (0, 256):
        with pytest.raises(ValueError):
            chip.engine.block_hot = bad


@pytest.mark.parametrize("path", _programs()[::3])
def test_untimed_blocks_change_nothing_but_speed(path):
    """With the timing model off (--timing off) the blocks' schedule is the untimed one (an
    instruction issues when the previous one completed): the same runs as instruction by
    instruction there too."""
    ref, st0 = _run(path, False, timed=False)
    got, st = _run(path, True, timed=False)
    _same(ref, st0, got, st)


def _profiled(path, blocks, timed=True):
    img = read_elf(os.path.join(ROOT, path))
    cfg = ChipConfig.for_image(img)
    if not timed:
        cfg = replace(cfg, timing=replace(DEFAULT_TIMING, pipeline=False))
    chip = Chip(cfg, HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(),
                                                  stderr=io.BytesIO(), prefix="never"))
    chip.engine.use_blocks = blocks
    chip.engine.block_hot = 1        # (blocks from the first arrival: code run once too)
    chip.load_elf(img)
    chip.engine.enable_profiling()
    chip.run(30_000_000)
    e = chip.engine
    prof = [e.prof_entries(k).tolist() for k in range(chip.ncores)]
    prof += [e.prof_ext_entries(j).tolist() for j in range(len(chip.config.ext))]
    hist = [e.data_hist(k).tolist() for k in range(chip.ncores)]
    return prof, hist, e.block_stats()


@pytest.mark.parametrize("path", [p for p in _programs() if "bench" in p]
                         + [p for p in _programs() if "timing" in p or "multicore" in p][::2])
def test_profile_same_with_blocks_on_and_off(path):
    """A profiled run counts a block's runs in the block and adds them to the instructions'
    entries when the profile is read (_observe.pxi prof_block_ran): the same profile as the
    per-instruction loop's, entry for entry."""
    ref = _profiled(path, False)
    got = _profiled(path, True)
    assert got[0] == ref[0]
    assert got[1] == ref[1]


@pytest.mark.parametrize("path", [p for p in _programs() if "bench" in p][::2]
                         + [p for p in _programs() if "multicore" in p][::3])
def test_profile_same_with_blocks_on_and_off_timing_off(path):
    """As above with the timing model off (the untimed blocks)."""
    ref = _profiled(path, False, timed=False)
    got = _profiled(path, True, timed=False)
    assert got[0] == ref[0]
    assert got[1] == ref[1]


def test_benchmarks_run_mostly_in_blocks():
    """The kernels of the benchmark suite run in blocks, not in the per-instruction loop."""
    for name in ("int_crc", "float_matmul", "mem_stream"):
        (stop, _, _, cnt, _), st = _run(os.path.join("bench", "programs", name + ".elf"), True)
        assert stop == "exit"
        # the kernels' blocks are 6-8 instructions long
        assert st["runs"] * 5 > cnt[0]["instructions"], (name, st)
        assert st["deviations"] * 100 < st["runs"], (name, st)
        # their inner loops are loops of one block, run again without a lookup
        assert st["loops"] * 2 > st["runs"], (name, st)
        if name == "int_crc":
            # its inner loop is one of plain instructions (run_tight)
            assert st["tight"] * 2 > st["runs"], (name, st)


def _patching_loop(blocks):
    """A loop whose third instruction rewrites its first (mov r0,1 -> mov r0,99) while the
    block holding both runs; 10 iterations summed in r4, then TRAP (stop).  (It all runs in
    the hot window at the start, whose slices of fine_quantum cycles are too short for blocks
    by default, BLK_MIN_SLICE: longer fine slices.)"""
    h = Harness(timing=FINE32)
    h.e.use_blocks = blocks
    h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
    new = encode("mov_i16", rd=0, imm=99)
    h.asm(("mov_i16", dict(rd=0, imm=1)),                # 0x100  (patched)
          ("add16", dict(rd=4, rn=4, rm=0)),             # 0x102
          ("strh_d16", dict(rd=2, rn=3, imm=0)),         # 0x104  patch 0x100
          ("subi16", dict(rd=5, rn=5, imm=1)),           # 0x106
          ("bcond16", dict(cond=1, imm=-4)),             # 0x108  bne 0x100
          ("trap16", dict(imm=0)))                       # 0x10a
    h.start(r2=new, r3=0x100, r4=0, r5=10)
    st, _ = h.e.run(100000)
    assert Stop(st) == "trap" and h.e.get_pc(0) == 0x10c        # (TRAP completes)
    return h.get("r4"), h.e.counters(0), h.e.block_stats()


def test_code_written_inside_a_running_block_is_seen():
    r4, cnt, st = _patching_loop(True)
    r4_ref, cnt_ref, _ = _patching_loop(False)
    assert r4 == r4_ref == 1 + 9 * 99
    assert cnt == cnt_ref
    assert st["built"] >= 2 and st["deviations"] >= 1 and st["mismatches"] == 0


def _flat_patching_loop(blocks, at=0xFF8):
    """_patching_loop in the flat layout's memory, across a 4 KB page: the loop starts in one
    page and the instruction it rewrites is in the next (one fetch window for the region:
    the block goes on across the page; the page's records are still found by the store).
    At 4 MB - 8: from the region's one window into a window of one page (PD_ALL_PAGES)."""
    from emu.chip import FLAT_EXT
    h = Harness(timing=FINE32, ext=FLAT_EXT)
    h.e.use_blocks = blocks
    h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
    base = FLAT_EXT[0][0] + at
    code = [("add16", dict(rd=6, rn=6, rm=7)),              # 0xFF8
            ("add16", dict(rd=1, rn=1, rm=7)),
            ("add16", dict(rd=1, rn=1, rm=7)),
            ("add16", dict(rd=1, rn=1, rm=7)),
            ("mov_i16", dict(rd=0, imm=1)),                 # 0x1000 (patched)
            ("add16", dict(rd=4, rn=4, rm=0)),
            ("strh_d16", dict(rd=2, rn=3, imm=0)),          # patch 0x1000
            ("subi16", dict(rd=5, rn=5, imm=1)),
            ("bcond16", dict(cond=1, imm=-8)),              # bne 0xFF8
            ("trap16", dict(imm=0))]
    h.e.mem_write(base, b"".join(encode(n, **f).to_bytes(2, "little") for n, f in code), 0)
    h.start(pc=base, r2=encode("mov_i16", rd=0, imm=99), r3=base + 8, r4=0, r5=10, r7=1)
    st, _ = h.e.run(100000)
    assert Stop(st) == "trap" and h.e.get_pc(0) == base + 20
    return h.get("r4"), h.e.counters(0), h.e.block_stats()


@pytest.mark.parametrize("at", [0xFF8, (4 << 20) - 8])
def test_code_written_across_a_page_of_the_flat_layout_is_seen(at):
    r4, cnt, st = _flat_patching_loop(True, at)
    r4_ref, cnt_ref, _ = _flat_patching_loop(False, at)
    assert r4 == r4_ref == 1 + 9 * 99
    assert cnt == cnt_ref
    assert st["built"] >= 2 and st["mismatches"] == 0


def test_random_loops_same_with_blocks_on_and_off():
    """Random loops of integer, FPU, local/remote/off-chip memory instructions and forward
    branches on four cores (tools/fuzz_core.py --blocks runs many more): same stop, registers,
    memory, counters and link traffic with the blocks on and off."""
    import random
    from tools.fuzz_core import blocks_differ, one_loop
    ran = 0
    for seed in range(30):
        assert blocks_differ(9000 + seed, one_loop, fine_quantum=32) == "", seed
        chips = []
        one_loop(random.Random(9000 + seed), True, chips, fine_quantum=32)
        ran += chips[0].engine.block_stats()["runs"] > 0
    # (fine slices of 32 cycles, long enough for blocks: they would otherwise run only in
    # the few runs that leave the hot window at the start)  Many of them ran blocks: not
    # those with a quantum of 1 or 7 (slices shorter than BLK_MIN_SLICE), nor those whose
    # cores talk to each other all the time (slices are a cycle long right after a remote
    # access) or run core 0's code from its SRAM (fetched line by line over the mesh)
    assert ran >= 9


def test_random_one_block_loops_same_with_blocks_on_and_off():
    """Random loops that are one block (integer, FPU, local loads and stores: results in
    flight across iterations, stalls), which run again without a lookup (Block.self_loop):
    same stop, registers, STATUS, memory, counters with the blocks on and off."""
    import random
    from tools.fuzz_core import blocks_differ, one_tight_loop
    looped = 0
    for seed in range(30):
        assert blocks_differ(7000 + seed, one_tight_loop) == "", seed
        chips = []
        one_tight_loop(random.Random(7000 + seed), True, chips)
        looped += chips[0].engine.block_stats()["loops"] > 0
    assert looped >= 25


@pytest.mark.parametrize("gen", ["one_loop", "one_tight_loop", "one_phased"])
def test_random_loops_same_with_blocks_on_and_off_timing_off(gen):
    """As above with the timing model off: the untimed blocks' schedules."""
    import random
    import tools.fuzz_core as fz
    ran = 0
    for seed in range(12):
        assert fz.blocks_differ(5000 + seed, getattr(fz, gen), timed=False,
                                fine_quantum=32) == "", seed
        chips = []
        getattr(fz, gen)(random.Random(5000 + seed), True, chips, timed=False, fine_quantum=32)
        ran += chips[0].engine.block_stats()["runs"] > 0
    assert ran >= 4


def test_random_plain_loops_same_with_blocks_on_and_off():
    """Random loops of one block of plain instructions (integer, FPU, conditional moves:
    Block.tight, run in a loop of their own by run_tight), timing on and off: same stop,
    registers, STATUS, memory, counters with the blocks on and off."""
    import random
    from tools.fuzz_core import blocks_differ, one_plain_loop
    tight = 0
    for seed in range(40):
        timed = seed % 2 == 0
        assert blocks_differ(8000 + seed, one_plain_loop, timed) == "", seed
        chips = []
        one_plain_loop(random.Random(8000 + seed), True, chips, timed=timed)
        tight += chips[0].engine.block_stats()["tight"] > 0
    assert tight >= 30


def test_blocks_over_their_memory_limit_are_dropped_and_rebuilt():
    path = os.path.join("bench", "programs", "flat_printf.elf")
    ref, _ = _run(path, False)
    img = read_elf(os.path.join(ROOT, path))
    out = io.BytesIO()
    chip = Chip(ChipConfig.flat(), HostIO(stdin=io.BytesIO(), stdout=out, stderr=io.BytesIO(),
                                          prefix="never"))
    chip.engine.set_block_memory(20000)
    chip.load_elf(img)
    res = chip.run(30_000_000)
    st = chip.engine.block_stats()
    assert st["bytes"] <= 20000 + 8192 and st["mismatches"] == 0
    assert st["built"] > 2 * _run(path, True)[1]["built"]      # rebuilt after the drops
    assert (res.stop, res.exit_code, out.getvalue()) == ref[:3]
    assert [chip.counters(k) for k in range(chip.ncores)] == ref[3]


def _shared_code_run(blocks):
    """Core 0 runs a loop from its SRAM at its local address, core 1 the same decoded code
    from core 0's global address; both load from their own bank 0 (where a load delays the
    next fetch only for the core fetching from its own SRAM).  (Fine slices long enough for
    blocks, as _patching_loop.)"""
    chip = Chip(ChipConfig(rows=1, cols=2, timing=FINE32), HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(),
                                                  stderr=io.BytesIO()))
    chip.engine.use_blocks = blocks
    chip.engine.block_hot = 1        # (blocks from the first arrival: code run once too)
    code = [("addi32", dict(rd=20, rn=20, imm=1)), ("ldr_d32", dict(rd=21, rn=10, imm=1)),
            ("add32", dict(rd=22, rn=22, rm=21)), ("ldr_d32", dict(rd=23, rn=10, imm=2)),
            ("subi32", dict(rd=13, rn=13, imm=1)), ("bcond32", dict(cond=1, imm=-10)),
            ("trap16", dict(imm=3))]
    blob = b"".join(encode(nm, **fl).to_bytes(2 if nm.endswith("16") else 4, "little")
                    for nm, fl in code)
    chip.mem_write(0x102, blob, 0)
    for k in range(2):
        chip.engine.reg_write(k, 10, 0x800)
        chip.engine.reg_write(k, 13, 50)
        chip.mem_write(0x800, bytes(range(16)), k)
        chip.engine.set_idle(k, False)
    chip.engine.set_pc(0, 0x102)
    chip.engine.set_pc(1, (chip.coreid(0) << 20) | 0x102)
    chip.loaded_cores = [0, 1]
    res = chip.run(100000)
    return res.stop, [chip.counters(k) for k in range(2)], chip.engine.block_stats()


def test_code_run_by_two_cores_from_different_addresses():
    stop, cnt, st = _shared_code_run(True)
    stop_ref, cnt_ref, _ = _shared_code_run(False)
    assert stop == stop_ref and st["runs"] > 0 and st["mismatches"] == 0
    assert cnt[0]["bank_conflict_cycles"] > 0 and cnt[1]["bank_conflict_cycles"] == 0
    assert cnt == cnt_ref


def _ldst_loop(blocks, data, profile_at=0, code=0x100):
    """A loop of loads and stores through r10 = data (a word, a double-word post-modified
    through r14, a byte) and integer work, 40 iterations, then TRAP; `profile_at`: profiling
    turned on after that many cycles.  (FINE32: the hot window's slices are long enough for
    blocks.)  Returns the registers, counters, the 1 KiB at 0x2000, block statistics, the
    data histogram of the profile."""
    from emu.chip import FLAT_EXT
    h = Harness(timing=FINE32, unaligned="report", ext=FLAT_EXT)
    h.e.use_blocks = blocks
    h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
    h.asm(("ldr_d32", dict(rd=16, rn=10, imm=0)),         # code (0x100)
          ("add32", dict(rd=17, rn=17, rm=16)),
          ("str_d32", dict(rd=17, rn=10, imm=1)),
          ("ldrd_dpm32", dict(rd=18, rn=14, imm=1)),
          ("eor32", dict(rd=17, rn=17, rm=19)),
          ("strb_d32", dict(rd=17, rn=10, imm=9)),
          ("ldrh_d32", dict(rd=20, rn=10, imm=3)),
          ("subi32", dict(rd=5, rn=5, imm=1)),
          ("bcond32", dict(cond=1, imm=-16)),             # bne code (halfwords)
          ("trap16", dict(imm=0)), at=code)
    for k in range(0, 0x400, 4):
        h.e.mem_write(0x2000 + k, (k * 2654435761 & 0xFFFFFFFF).to_bytes(4, "little"), 0)
        h.e.mem_write(0x600 + k, (k * 40503 & 0xFFFFFFFF).to_bytes(4, "little"), 0)
    h.start(pc=code, r5=40, r10=data, r14=0x2100, r17=7)
    h.e.mem_write(FLAT_EXT[0][0] + 0x10000, bytes(range(256)) * 4, 0)
    if profile_at:
        st, _ = h.e.run(profile_at)
        h.e.enable_profiling()
    st, _ = h.e.run(200000)
    assert Stop(st) == "trap"
    regs = [h.e.reg_read(0, r) for r in range(64)]
    hist = h.e.data_hist(0).tolist() if profile_at else None
    return regs, h.e.counters(0), bytes(h.e.sram(0)), h.e.block_stats(), hist


@pytest.mark.parametrize("data", [0x2000, 0x600, 0x7FF0, 0x2002, 0x80010000])
def test_loads_and_stores_run_as_plain_instructions_when_local(data):
    """A block's loads and stores run as plain instructions (their _L variant) while their
    access is an aligned one to the core's own SRAM that does not meet the fetch, and lose
    that variant (demoted) when it is not: data in another bank than the code (plain), in
    the code's bank (0x600: bank conflicts with the fetch, which the block takes as stalls
    in its plain run), at the end of the SRAM (0x7FF0),
    misaligned (0x2002: the word accesses, reported by the unaligned policy, go on at the
    address rounded down), in the flat layout's external memory (0x80010000: plain).  Same
    registers, memory and counters as instruction by instruction."""
    ref = _ldst_loop(False, data)
    got = _ldst_loop(True, data)
    assert got[0] == ref[0]
    assert got[1] == ref[1], {n: (got[1][n], ref[1][n]) for n in ref[1] if got[1][n] != ref[1][n]}
    assert got[2] == ref[2]
    st = got[3]
    assert st["runs"] > 0 and st["mismatches"] == 0
    if data in (0x2000, 0x80010000):
        assert st["demoted"] == 0 and st["loops"] > 20, st
    if data == 0x600:
        assert got[1]["bank_conflict_cycles"] > 0 and st["demoted"] == 0, st
        assert st["tight"] >= 15, st
    if data == 0x2002:
        assert got[1]["unaligned"] == ref[1]["unaligned"] > 0 and st["demoted"] >= 2, st


def _conflict_loop(blocks, nloads, quantum=None):
    """A loop in bank 0 whose nloads word loads (32-bit, so every other one ends a fetch
    line) read bank 0 too: about nloads / 2 bank conflicts per run.  Returns the registers,
    counters and block statistics."""
    from emu.chip import FLAT_EXT
    h = Harness(timing=FINE32, ext=FLAT_EXT, **({} if quantum is None else
                                                  dict(quantum=quantum)))
    h.e.use_blocks = blocks
    h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
    body = [("ldr_d32", dict(rd=16 + j, rn=10, imm=j)) for j in range(nloads)]
    h.asm(*body, ("add32", dict(rd=17, rn=17, rm=16)),
          ("subi32", dict(rd=5, rn=5, imm=1)),
          ("bcond32", dict(cond=1, imm=-(2 * nloads + 4))),
          ("trap16", dict(imm=0)), at=0x100)
    for k in range(0, 0x100, 4):
        h.e.mem_write(0x600 + k, (k * 2654435761 & 0xFFFFFFFF).to_bytes(4, "little"), 0)
    h.start(pc=0x100, r5=300, r10=0x600, r17=7)
    st, _ = h.e.run(200000)
    assert Stop(st) == "trap"
    return [h.e.reg_read(0, r) for r in range(64)], h.e.counters(0), h.e.block_stats()


@pytest.mark.parametrize("nloads,quantum", [(4, None), (8, None), (12, None), (4, 37),
                                            (8, 53)])
def test_bank_conflicts_in_a_plain_run_are_its_stalls(nloads, quantum):
    """The bank conflicts of a block's loads in their _L variant are taken in the plain run as
    the stalls they are (up to BLK_SHIFTS per run, and not past the slice's end: beyond, the
    access goes the general way without the variant being lost): same registers and counters
    as instruction by instruction (the oracle), with short slices (quantum) too."""
    ref = _conflict_loop(False, nloads, quantum)
    got = _conflict_loop(True, nloads, quantum)
    assert got[0] == ref[0]
    assert got[1] == ref[1], {n: (got[1][n], ref[1][n]) for n in ref[1] if got[1][n] != ref[1][n]}
    assert ref[1]["bank_conflict_cycles"] >= 300 * (nloads // 2)
    st = got[2]
    assert st["runs"] > 0 and st["mismatches"] == 0 and st["demoted"] == 0, st


def test_profiling_turned_on_drops_the_blocks_with_plain_loads():
    """The _L variant does not look at the profile (it is not built while observing): the
    blocks built before profiling is turned on are dropped, and the profile's data histogram
    is the per-instruction loop's."""
    ref = _ldst_loop(False, 0x2000, profile_at=300)
    got = _ldst_loop(True, 0x2000, profile_at=300)
    assert got[3]["built"] >= 2
    assert got[4] == ref[4] and any(any(r) for r in ref[4])
    assert got[1] == ref[1]


def test_a_poll_after_a_loop_of_plain_instructions_sees_writes_on_time():
    """A loop of one block run in a loop of its own (run_tight) leaves the issue cycle of its
    last run's branch as the core's time (Core.now), which decides when another core's write
    into it becomes visible (causal_arrival): a found case (tools/fuzz_core.py --blocks, seed
    11, one_phased, fine slices of 32 cycles) where it left its first run's instead, and the
    poll that followed saw a write four iterations early."""
    from tools.fuzz_core import blocks_differ, one_phased
    assert blocks_differ(11000084, one_phased, True, 32) == ""


@pytest.mark.parametrize("code", [0x100, 0x80020000])
def test_loop_rewriting_its_code_off_chip_too(code):
    """The patching loop (above) with its code in the core's SRAM or in the flat layout's
    external memory, the store in its _L variant: a store over decoded code is not plain
    (off-chip: ext_code_at), and the rewritten instruction is seen."""
    def run(blocks):
        from emu.chip import FLAT_EXT
        h = Harness(timing=FINE32, ext=FLAT_EXT)
        h.e.use_blocks = blocks
        h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
        new = encode("mov_i16", rd=0, imm=99)
        h.asm(("mov_i16", dict(rd=0, imm=1)),            # code     (patched)
              ("add16", dict(rd=4, rn=4, rm=0)),
              ("strh_d16", dict(rd=2, rn=3, imm=0)),     # patch code
              ("subi16", dict(rd=5, rn=5, imm=1)),
              ("bcond16", dict(cond=1, imm=-4)),
              ("trap16", dict(imm=0)), at=code)
        h.start(pc=code, r2=new, r3=code, r4=0, r5=10)
        st, _ = h.e.run(100000)
        assert Stop(st) == "trap"
        return h.get("r4"), h.e.counters(0), h.e.block_stats()
    r4, cnt, st = run(True)
    r4_ref, cnt_ref, _ = run(False)
    assert r4 == r4_ref == 1 + 9 * 99
    assert cnt == cnt_ref
    assert st["runs"] > 0 and st["mismatches"] == 0


def test_random_flat_loops_same_with_blocks_on_and_off():
    """Random loops whose off-chip data is the flat layout's directly mapped memory (plain
    loads and stores there), core 3 running its code from it and core 0's stores reaching
    that code: same stop, registers, memory, counters with the blocks on and off."""
    import random
    from tools.fuzz_core import blocks_differ, one_flat_loop
    ran = 0
    for seed in range(16):
        assert blocks_differ(6000 + seed, one_flat_loop, seed % 3 != 0, 32) == "", seed
        chips = []
        one_flat_loop(random.Random(6000 + seed), True, chips, timed=seed % 3 != 0,
                      fine_quantum=32)
        ran += chips[0].engine.block_stats()["runs"] > 0
    assert ran >= 4


# CTIMER0 counting clock cycles (CONFIG[7:4] = 1) or events ({mode}: IALU or FPU
# instructions, dual issues, stall cycles) around a loop of blocks: its value read with
# MOVFS in the loop (every 16th run) and after it, and with the timer set to expire inside
# the loop, its interrupt (TIMER0, IVT entry 3) counting in r20 and re-arming it.
TIMER_LOOP = """
    b.l start               ; IVT: reset
    b.l start
    b.l start
    b.l isr                 ; TIMER0
start:
    mov r0, %low({first})
    movt r0, %high({first})
    movts ctimer0, r0
    mov r1, {mode}
    lsl r1, r1, 4
    movts config, r1        ; CTIMER0 counts clock cycles or events
    mov r0, 0
    movts imask, r0
    gie
    movfs r3, ctimer0
    mov r4, {n}
    mov r9, 0
    mov r14, 15
loop:
    add r5, r5, r4
    eor r6, r6, r5
    fadd r16, r16, r17      ; (FPU, dual issue)
    lsl r7, r6, 3
    str r7, [r9, +0x100]
    ldr r18, [r9, +0x100]
    add r19, r19, r18       ; (a load stall)
    and r8, r4, r14
    sub r8, r8, 0
    bne skip
    movfs r10, ctimer0      ; every 16th run
    add r11, r11, r10
skip:
    sub r4, r4, 1
    bne loop
    movfs r12, ctimer0
    sub r13, r3, r12
    trap 3
isr:
    add r20, r20, 1
    mov r21, %low({rearm})
    movt r21, %high({rearm})
    movts ctimer0, r21
    rti
"""


def _timer_loop(blocks, n, first, rearm, timed=True, mode=1):
    from isa.assembler import assemble_text
    h = Harness(timing=replace(DEFAULT_TIMING, pipeline=timed))
    h.e.use_blocks = blocks
    h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
    h.e.mem_write(0, assemble_text(TIMER_LOOP.format(n=n, first=first, rearm=rearm, mode=mode), 0), 0)
    h.start(pc=0)
    st, _ = h.e.run(10_000_000)
    assert Stop(st) == "trap"
    return [h.e.reg_read(0, r) for r in range(64)], h.e.counters(0), h.e.block_stats()


@pytest.mark.parametrize("timed", [True, False])
@pytest.mark.parametrize("first,rearm", [(0xFFFFFFFF, 0xFFFFFFFF), (3000, 997), (211, 53)])
@pytest.mark.parametrize("mode", [1, 4, 5, 6, 7, 8, 10, 13])
def test_blocks_run_while_a_timer_counts(first, rearm, timed, mode):
    """With CTIMER0 counting clock cycles (mode 1) or events (4 IALU instructions, 5 FPU
    instructions, 6 dual issues, 7 load stall cycles, 8 register stall cycles, 10 local
    fetch stalls, 13 external load stalls: few or none in this loop) the blocks
    still run (the timer is counted per run of blocks, and the run ends before it can
    expire but at its last instruction: run_blocks_timers), and the timer's values, its
    interrupts and every counter are the per-instruction loop's (the oracle), with the
    timing model on and off."""
    ref = _timer_loop(False, 3000, first, rearm, timed, mode)
    got = _timer_loop(True, 3000, first, rearm, timed, mode)
    assert got[0] == ref[0]
    assert got[1] == ref[1], {k: (got[1][k], ref[1][k]) for k in ref[1] if got[1][k] != ref[1][k]}
    st = got[2]
    # (a quarter of the instructions at least ran in blocks)
    assert st["insns"] * 4 > got[1]["instructions"] and st["mismatches"] == 0, st
    regs = ref[0]
    if first != 0xFFFFFFFF:
        if mode != 1 and (mode > 5 and not timed or mode >= 8):
            return                              # (no such events: no interrupt)
        assert regs[20] > (3 if mode in (1, 4) else 0)     # (its interrupts were taken)
    elif mode == 1:
        assert regs[13] > 3000 * 6              # (the timer counted the loop's cycles)
    elif mode == 4:
        # (the IALU instructions from the first MOVFS to the last: 7 a pass, 1 more in the
        # passes with r4 a multiple of 16, 3 before the loop)
        assert regs[13] == 7 * 3000 + 3000 // 16 + 3
    elif mode == 5:
        assert regs[13] == 3000                 # (one FADD a pass)


# A hardware loop (LS, LE, LC) around a body of two blocks (a forward branch inside it) or of
# one ({beq} empty), in an outer loop of branches: sums {n} words from 0x2000 into r0, counts
# the odd ones in r9 (or, without the branch, adds their low bits there) and the passes in
# r10; the store to LC in the body ({lcstore}) ends the loop early from inside.
HWLOOP = """
    mov r0, 0
    mov r1, 0x2000
    mov r6, {outer}
    mov r8, 1
outer:
    mov r2, %low(ls_)
    movts ls, r2
    mov r2, %low(le_)
    movts le, r2
    mov r2, {n}
    movts lc, r2
    mov r11, 0
    mov r12, 0x0414
    movt r12, 0xf           ; its own LC's address (MMR)
ls_:
    ldr r3, [r1], +1
    add r0, r0, r3
    and r7, r3, r8
    sub r7, r7, 0
    {beq}
    add r9, r9, r7
even:
    add r10, r10, 1
    {lcstore}
    lsl r4, r0, 3
le_:
    add r5, r5, r4
    sub r6, r6, 1
    bne outer
    trap 3
"""


def _hwloop(blocks, n, outer, lcstore, timed=True, beq="beq even"):
    from isa.assembler import assemble_text
    h = Harness(timing=replace(DEFAULT_TIMING, pipeline=timed))
    h.e.use_blocks = blocks
    h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
    h.e.mem_write(0, assemble_text(HWLOOP.format(n=n, outer=outer, lcstore=lcstore, beq=beq), 0), 0)
    words = [(k * 2654435761) & 0xFFFF for k in range(n * outer + outer)]
    h.e.mem_write(0x2000, b"".join(w.to_bytes(4, "little") for w in words), 0)
    h.start(pc=0)
    st, _ = h.e.run(10_000_000)
    assert Stop(st) == "trap"
    return [h.e.reg_read(0, r) for r in range(64)], h.e.counters(0), h.e.block_stats(), words


@pytest.mark.parametrize("timed", [True, False])
@pytest.mark.parametrize("n,lcstore,beq", [(500, "", "beq even"), (1, "", "beq even"),
                                           (0, "", "beq even"),
                                           (300, "str r11, [r12]", "beq even"),
                                           (500, "", ""), (2, "", ""),
                                           (300, "str r11, [r12]", "")])
def test_blocks_run_inside_hardware_loops(n, lcstore, beq, timed):
    """Inside a hardware loop the blocks end at LE and the loop goes back to LS as
    instruction by instruction (the oracle: every register and counter the same with the
    blocks off), its passes those of the documented rule (LC for LC >= 1, one for LC = 0:
    esim-corner-cases row 8) -- and the blocks ran in it; a body of one block runs again
    without a lookup (Block.hw_loop).  A store to LC inside the body ends the loop after
    that pass."""
    outer = 7
    ref = _hwloop(False, n, outer, lcstore, timed, beq)
    got = _hwloop(True, n, outer, lcstore, timed, beq)
    assert got[0] == ref[0]
    assert got[1] == ref[1], {k: (got[1][k], ref[1][k]) for k in ref[1] if got[1][k] != ref[1][k]}
    passes = (1 if lcstore else max(n, 1)) * outer
    regs, words = ref[0], ref[3]
    assert regs[10] == passes
    assert regs[0] == sum(words[:passes]) & 0xFFFFFFFF
    assert regs[9] == sum(w & 1 for w in words[:passes])
    st = got[2]
    assert st["mismatches"] == 0
    if passes > 100:
        if beq:
            assert st["runs"] >= 1.5 * passes, st     # (two or three blocks a pass)
        else:
            assert st["loops"] >= 0.9 * passes, st


def test_random_hardware_loops_same_with_blocks_on_and_off():
    """Random hardware loops (tools/fuzz_core.py one_hwloop: random bodies, LE at the last
    or an earlier instruction, LC 0, 1 or many, stores to LC from inside, bodies of one
    block and of plain instructions, CTIMER0 counting cycles or events and interrupting the
    loop) on four cores, timing on and off: same stop, registers, STATUS, memory, counters
    with the blocks on and off -- and the blocks ran in the loops, bodies of one block again
    without a lookup, plain ones in run_tight, some with the timer's interrupts."""
    import random
    from tools.fuzz_core import blocks_differ, one_hwloop
    ran = loops = tight = irqs = 0
    for seed in range(40):
        timed = seed % 3 != 0
        assert blocks_differ(11000 + seed, one_hwloop, timed, fine_quantum=32) == "", seed
        chips = []
        one_hwloop(random.Random(11000 + seed), True, chips, timed=timed, fine_quantum=32)
        st = chips[0].engine.block_stats()
        ran += st["runs"] > 0
        loops += st["loops"] > 0
        tight += st["tight"] > 0
        irqs += st["runs"] > 0 and sum(chips[0].counters(k)["interrupts"] for k in range(4)) > 0
    assert ran >= 20 and loops >= 8 and tight >= 5 and irqs >= 3, (ran, loops, tight, irqs)


def test_hardware_loops_with_odd_bounds_same_with_blocks_on_and_off():
    """LS and LE anywhere -- odd, inside an instruction, out of the SRAM, LE before LS, one
    instruction long -- with LC 100 over the random loops of one_hwloop: nothing crashes,
    and the blocks on and off leave the same stop, registers, LC, memory and counters."""
    import random
    import tools.fuzz_core as fz
    bounds = [0x100, 0x104, 0x106, 0x107, 0x111, 0x90, 0x8000, 0xFFFFFFFF, 0xFFFFFFFE, 0x50]
    ran = 0
    for seed in range(24):
        ls, le = bounds[seed % len(bounds)], bounds[(seed * 7 + 3) % len(bounds)]
        out = []
        for blocks in (True, False):
            chips = []
            res = fz.one_hwloop(random.Random(12000 + seed), blocks, chips, fine_quantum=32,
                                bounds=(ls, le), count=100)
            out.append(fz.snapshot(chips[0], res))
        assert out[0] == out[1], (seed, hex(ls), hex(le))
        ran += sum(c["instructions"] for c in out[0][1])
    assert ran > 24 * 4 * 50


# ---- traces: blocks that go on after direct branches --------------------------------------

@pytest.mark.parametrize("name", ["flat_sieve", "flat_printf", "int_crc"])
def test_traces_change_nothing_but_speed(name):
    """The same run with traces (blocks that go on after the direct branches they meet) as
    without them and as instruction by instruction (the oracle); and (self-consistency) the
    traces make the runs fewer and longer: flat_sieve's outer loop, a branch back and one
    forward, is one trace; newlib's printf follows its calls (BL) and its branches."""
    path = os.path.join("bench", "programs", name + ".elf")
    ref, st0 = _run(path, False)
    plain, st1 = _run(path, True, traces=False)
    got, st = _run(path, True)
    _same(ref, st0, plain, st1)
    _same(ref, st0, got, st)
    assert st1["side_exits"] == 0 and st1["retired"] == 0
    if name != "int_crc":
        assert st["runs"] * 5 < st1["runs"] * 4, (st, st1)
        assert st["insns"] * 10 > st1["insns"] * 9, (st, st1)
        # (their guesses adapt: few runs leave at a branch)
        assert st["side_exits"] * 10 < st["runs"], st


def test_random_branchy_code_same_with_blocks_on_and_off():
    """Random branchy code (tools/fuzz_core.py one_branchy: segments ending in branches to
    any segment, forward or back, B, BL to subroutines, data-dependent paths), with the
    timing model on and off: the same registers, memory and counters with the blocks (and
    their traces) as instruction by instruction.  Runs left traces at their branches and
    traces took other paths."""
    import random
    from tools.fuzz_core import blocks_differ, one_branchy
    side = retired = 0
    for seed in range(14):
        assert blocks_differ(13000 + seed, one_branchy, seed % 3 != 0, 32 * (seed & 1)) == "", seed
        chips = []
        one_branchy(random.Random(13000 + seed), True, chips)
        st = chips[0].engine.block_stats()
        assert st["mismatches"] == 0
        side += st["side_exits"]
        retired += st["retired"]
    assert side > 0 and retired > 0, (side, retired)


# a loop whose forward branch is taken 15 times in 16 (a trace first guesses it falls
# through), with a call (BL) to a subroutine and a branch back inside it
TRACE_LOOP = """
    mov r4, {n}
    mov r5, 0
    mov r15, 15
loop:
    add r5, r5, r4
    and r8, r4, r15
    sub r8, r8, 0
    bne skip
    add r6, r6, 1           ; every 16th pass
skip:
    bl sub
    sub r4, r4, 1
    bne loop
    trap 3
sub:
    mov r9, 3
again:
    eor r7, r7, r5
    sub r9, r9, 1
    bgt again
    rts
"""


@pytest.mark.parametrize("timed", [True, False])
def test_a_trace_takes_the_path_its_runs_take(timed):
    """A trace guesses that a forward branch falls through; where its runs keep jumping, it
    is rebuilt for the other path (block_trace_adapt), and the registers and every counter
    stay the per-instruction loop's (the oracle).  The loop calls a subroutine with BL
    (the trace goes on into it) that loops back inside (a branch back: taken)."""
    from isa.assembler import assemble_text
    out = []
    for blocks, traces in ((False, False), (True, False), (True, True)):
        h = Harness(timing=replace(DEFAULT_TIMING, pipeline=timed))
        h.e.use_blocks = blocks
        h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
        h.e.use_traces = traces
        h.e.mem_write(0, assemble_text(TRACE_LOOP.format(n=2000), 0), 0)
        h.start(pc=0)
        st, _ = h.e.run(10_000_000)
        assert Stop(st) == "trap"
        out.append(([h.e.reg_read(0, r) for r in range(64)], h.e.counters(0),
                     h.e.block_stats()))
    (r0, c0, _), (r2, c2, st2), (r1, c1, st) = out
    assert r1 == r0 and r2 == r0 and r1[6] == 2000 // 16
    assert c1 == c0, {k: (c1[k], c0[k]) for k in c0 if c1[k] != c0[k]}
    assert c2 == c0, {k: (c2[k], c0[k]) for k in c0 if c2[k] != c0[k]}
    assert st["mismatches"] == 0 and st["retired"] >= 1, st
    # (self-consistency) the blocks ran nearly all of it, in fewer runs than without traces
    # and with few side exits once the trace took the path its runs take
    assert st["insns"] * 10 > c0["instructions"] * 9, st
    assert st["runs"] * 4 < st2["runs"] * 3, (st, st2)
    assert st["side_exits"] * 8 < 2000, st


# a loop that a trace closes by falling through to its start: from `top`, a branch back to
# `mid` (taken) and one forward (not taken) that falls through to `top` again
FALL_LOOP = """
    mov r4, {n}
    b top
mid:
    add r5, r5, r4
    sub r4, r4, 1
    beq done
top:
    eor r6, r6, r5
    lsl r7, r6, 3
    sub r8, r4, 0
    bne mid
done:
    trap 3
"""


@pytest.mark.parametrize("timed", [True, False])
def test_a_trace_that_falls_through_to_its_start_runs_again(timed):
    """A trace whose last branch falls through to its own start runs again without a lookup
    when its run leaves the state it was built for (Block.ft_loop); registers and every
    counter are the per-instruction loop's (the oracle)."""
    from isa.assembler import assemble_text
    out = []
    for blocks in (False, True):
        h = Harness(timing=replace(DEFAULT_TIMING, pipeline=timed))
        h.e.use_blocks = blocks
        h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
        h.e.mem_write(0, assemble_text(FALL_LOOP.format(n=3000), 0), 0)
        h.start(pc=0)
        st, _ = h.e.run(10_000_000)
        assert Stop(st) == "trap"
        out.append(([h.e.reg_read(0, r) for r in range(64)], h.e.counters(0),
                     h.e.block_stats()))
    (r0, c0, _), (r1, c1, st) = out
    assert r1 == r0 and r0[5] == 3000 * 3001 // 2
    assert c1 == c0, {k: (c1[k], c0[k]) for k in c0 if c1[k] != c0[k]}
    # (self-consistency) most passes ran again at once (not those after a slice's end)
    assert st["mismatches"] == 0 and st["loops"] > 2500, st
