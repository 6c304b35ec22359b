#!/usr/bin/env python3
"""Fuzz the core: random code and registers on a 2x2 chip, random policies and quanta.  The
process must never crash: every outcome is a clean stop (fault report, exit, deadlock,
max cycles).  `tools/fuzz_core.py SEED COUNT` (a quick slice of it runs in the tests).
`tools/fuzz_core.py SEED COUNT --blocks` also runs each program with the blocks off, timing
on and off, and checks that the outcome, the registers, memory and every counter are the same;
`--threads` runs each on 1, 2 and 4 host threads and checks the same; `--parking` runs the
multicore ones with parked spins (emu/_park.pxi) allowed and not and checks the same;
`--skip` with the slices in which nothing can happen passed over and not (Engine.use_skip).
`--hot N`: blocks built at an entry's N-th arrival (Engine.block_hot; 1 by default here, so
that code run once runs through the blocks too; the product's default is 3)."""
import io
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from dataclasses import replace             # noqa: E402

from emu.chip import FLAT_EXT, Chip, ChipConfig      # noqa: E402
from emu.timing import DEFAULT as DEFAULT_TIMING    # noqa: E402
from emu.syscalls import HostIO            # noqa: E402
from isa.encoder import encode             # noqa: E402
from isa.regs import SREG_BY_NAME          # noqa: E402

STATUS = SREG_BY_NAME["STATUS"].offset
LC = SREG_BY_NAME["LC"].offset


# parked spins allowed (emu/_park.pxi; parking_differ turns them off to compare)
PARKING = True
# Engine.block_hot of the runs (--hot)
HOT = 1
# slices in which nothing can happen passed over (Engine.use_skip; skip_differ compares)
SKIP = True


def _timing(timed, fine_quantum=0):
    """The timing model: the default one, or the pipeline model off (--timing off); with
    fine_quantum, slices of that many cycles while cores talk (and at the start) instead of
    the default 8, long enough for blocks (BLK_MIN_SLICE)."""
    tm = DEFAULT_TIMING if timed else replace(DEFAULT_TIMING, pipeline=False)
    return replace(tm, fine_quantum=fine_quantum) if fine_quantum else tm


def _address(rnd):
    return rnd.choice([
        rnd.getrandbits(15), 0x80800000 + rnd.getrandbits(15), 0x80900000 + rnd.getrandbits(15),
        0x8E000000 + rnd.getrandbits(20), 0xF0400 + 4 * rnd.randrange(512),
        rnd.getrandbits(32)]) & ~rnd.choice([0, 1, 3, 7])


def start_random_dma(rnd, chip, k, ch):
    """A random descriptor (sizes, counts, strides, chaining, interrupts, any addresses) in
    core k's SRAM, started on channel ch."""
    at = rnd.randrange(0, 0x8000 - 24) & ~7
    cfg = (rnd.getrandbits(16) & 0x7 | 1) | (rnd.getrandbits(3) << 4)   # EN, MASTER, CHAIN, IRQEN, size
    if rnd.random() < 0.3:
        cfg |= (rnd.randrange(0, 0x8000) & ~7) << 16                     # chain to anywhere
    desc = [cfg, rnd.getrandbits(32) & 0x00F000F0 if rnd.random() < 0.5 else rnd.getrandbits(32),
            (rnd.randrange(0, 9) << 16) | rnd.randrange(0, 300), rnd.getrandbits(32),
            _address(rnd), _address(rnd)]
    chip.mem_write(at, b"".join(w.to_bytes(4, "little") for w in desc), k)
    chip.engine.sreg_write(k, 0xF0500 + 0x20 * ch, (at << 16) | 8)


def one(rnd: random.Random, blocks: bool = True, chip_out=None, threads: int = 0,
        timed: bool = True, fine_quantum: int = 0):
    chip = Chip(ChipConfig(rows=2, cols=2, unaligned=rnd.choice(["stop", "report", "trap"]),
                           invalid=rnd.choice(["stop", "trap"]),
                           quantum=rnd.choice([1, 7, 100, 1000]), threads=threads,
                           timing=_timing(timed, fine_quantum)),
                HostIO(stdin=io.BytesIO(b"abc"), stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.engine.use_blocks = blocks
    chip.engine.block_hot = HOT
    chip.engine.use_parking = PARKING
    chip.engine.use_skip = SKIP
    if chip_out is not None:
        chip_out.append(chip)
    for k in range(4):
        code = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([64, 512, 4096])))
        chip.engine.sram(k)[:] = 0
        chip.mem_write(0, code, k)
        for r in range(64):
            chip.engine.reg_write(k, r, rnd.choice([
                0, rnd.getrandbits(32), 0x80800000 + rnd.getrandbits(15), rnd.getrandbits(15),
                0x8E000000 + rnd.getrandbits(20), 0xF0400 + 4 * rnd.randrange(64)]))
        chip.engine.set_pc(k, rnd.randrange(0, 32) * 2)
        chip.engine.set_idle(k, False)
        for ch in range(2):
            if rnd.random() < 0.4:
                start_random_dma(rnd, chip, k, ch)
    chip.loaded_cores = [0, 1, 2, 3]
    return chip.run(rnd.choice([100, 5000, 50000]))


_ALU = ("add32", "sub32", "and32", "orr32", "eor32", "lsl32", "lsr32", "asr32")
_FPU = ("fadd32", "fsub32", "fmul32", "fmadd32", "fmsub32")
_LD = ("ldrb_d32", "ldrh_d32", "ldr_d32", "ldrd_d32")
_ST = ("strb_d32", "strh_d32", "str_d32", "strd_d32")


def _loop_body(rnd, tight=False, plain=False):
    """Random valid 32-bit instructions for a loop body: integer and FPU arithmetic on their
    own registers (and mixed), conditional moves, loads and stores to local data (r10,
    possibly in the code's bank), another core (r11) and off-chip memory (r12), post-modified
    loads (r14), and forward conditional branches.  `tight`: no branches and only local data,
    at most 28 instructions (the loop is one timed block); `plain`: tight, and no loads or
    stores either (the loop is one block of plain instructions: Block.tight)."""
    def g():
        return rnd.randrange(16, 32)

    def f():
        return rnd.randrange(32, 48) if rnd.random() < 0.85 else g()
    body = []
    n = rnd.randrange(3, 29 if tight else 31)
    while len(body) < n:
        x = rnd.random()
        if tight and x >= 0.92 or plain and 0.65 <= x:
            continue
        if x < 0.04:        # reads the flags the instructions before it leave
            body.append(("mov_cc32", dict(rd=g(), rn=g(), cond=rnd.randrange(0, 14))))
        elif x < 0.35:
            body.append((rnd.choice(_ALU), dict(rd=g(), rn=g(), rm=g())))
        elif x < 0.45:
            body.append((rnd.choice(("addi32", "subi32")), dict(rd=g(), rn=g(),
                                                                 imm=rnd.randrange(-50, 50))))
        elif x < 0.65:
            body.append((rnd.choice(_FPU), dict(rd=f(), rn=f(), rm=f())))
        elif x < 0.85:
            sz = rnd.randrange(4)
            name = (_LD if rnd.random() < 0.6 else _ST)[sz]
            base = 10 if tight else rnd.choice((10, 10, 10, 11, 12))
            rd = g() & ~1 if sz == 3 else (g() if rnd.random() < 0.7 else f())
            body.append((name, dict(rd=rd, rn=base, imm=rnd.randrange(0, 32))))
        elif x < 0.92:
            body.append(("ldr_dpm32", dict(rd=g(), rn=14, imm=rnd.randrange(0, 3))))
        else:
            skip = rnd.randrange(1, 4)
            body.append(("bcond32", dict(cond=rnd.randrange(0, 14), imm=2 * (1 + skip))))
    return body


def one_loop(rnd: random.Random, blocks: bool = True, chip_out=None, tight=False,
             threads: int = 0, timed: bool = True, plain: bool = False,
             fine_quantum: int = 0, flat: bool = False):
    """A random loop (see _loop_body) on each core of a 2x2 chip, with random data and
    quantum, timing on; runs to its exit.  `tight`: a loop of one block with a long
    quantum (the blocks' Block.self_loop path).  `flat`: the off-chip memory (r12) is the
    flat layout's directly mapped memory, shared by the cores, where core 3 runs its code."""
    extra = dict(ext=FLAT_EXT) if flat else {}
    chip = Chip(ChipConfig(rows=2, cols=2, quantum=1000 if tight else rnd.choice([1, 7, 100,
                                                                                   1000]),
                           threads=threads, timing=_timing(timed, fine_quantum), **extra),
                HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.engine.use_blocks = blocks
    chip.engine.block_hot = HOT
    chip.engine.use_parking = PARKING
    chip.engine.use_skip = SKIP
    if chip_out is not None:
        chip_out.append(chip)
    body = _loop_body(rnd, tight, plain)
    code = [("addi32", dict(rd=14, rn=10, imm=0))] + body + [
        ("subi32", dict(rd=13, rn=13, imm=1)),
        ("bcond32", dict(cond=1, imm=-(2 * (len(body) + 2)))),
        ("trap16", dict(imm=3))]
    return _run_code(rnd, chip, code, lambda: rnd.randrange(3, 400 if tight else 40), flat,
                     not tight)


def _run_code(rnd, chip, code, count, flat=False, shared=True, cycles=2_000_000):
    """Run `code` (all 32-bit but a last TRAP 3) at 0x100 on each core of the 2x2 `chip`
    with random registers, r10 pointing to local data (possibly in the code's bank), r11 to
    the neighbour's SRAM, r12 off-chip (`flat`: the flat layout's memory, where core 3 runs
    its copy), r13 `count()` (drawn for each core); `shared`: some cores run core 0's copy
    from its global address."""
    blob = b"".join(encode(nm, **fl).to_bytes(2 if nm.endswith("16") else 4, "little")
                    for nm, fl in code)
    for k in range(4):
        chip.engine.sram(k)[:] = 0
        chip.mem_write(0x100, blob, k)
        chip.mem_write(0x800, bytes(rnd.getrandbits(8) for _ in range(0x800)), k)
        for r in range(64):
            chip.engine.reg_write(k, r, rnd.choice([
                rnd.getrandbits(32), rnd.getrandbits(5),
                0x3F800000 + (rnd.getrandbits(20) << 3)]))        # around 1.0f
        chip.engine.reg_write(k, 10, rnd.choice([0x800, 0x2400, 0x4000, 0x7000]))
        chip.engine.reg_write(k, 11, (chip.coreid(k ^ 1) << 20) | 0x4000)
        chip.engine.reg_write(k, 12, (FLAT_EXT[0][0] + 0x80 if flat else 0x8E000000)
                              + 0x10000 * k)      # (flat: core 0's stores reach core 3's code)
        chip.engine.reg_write(k, 13, count())
        chip.engine.set_pc(k, 0x100)
        if flat and k == 3:
            chip.mem_write(FLAT_EXT[0][0] + 0x100, blob, 0)
            chip.engine.set_pc(k, FLAT_EXT[0][0] + 0x100)
        if k and shared and rnd.random() < 0.3:  # run core 0's copy, from its global address
            chip.engine.set_pc(k, (chip.coreid(0) << 20) | 0x100)
        chip.engine.set_idle(k, False)
    chip.loaded_cores = [0, 1, 2, 3]
    return chip.run(cycles)


def one_branchy(rnd: random.Random, blocks: bool = True, chip_out=None, threads: int = 0,
                timed: bool = True, fine_quantum: int = 0):
    """Branchy code for the traces (blocks that go on after direct branches): segments of
    random loop bodies (see _loop_body), each counting r13 down to the exit first, then
    ending in a conditional branch to any segment (forward or back: the flags of its body),
    a B to one, a BL to a subroutine (a body without branches, then JR LR) or nothing; paths
    that change as the data does, so traces leave at their branches and take other paths
    (block_trace_adapt).  On each core of a 2x2 chip, flat layout or not, random quantum,
    fine slices of 32 cycles unless told.  (Tight bodies have no forward branches: every
    segment but one in five.)"""
    flat = rnd.random() < 0.3
    chip = Chip(ChipConfig(rows=2, cols=2, quantum=rnd.choice([7, 100, 1000, 5000]),
                           threads=threads, timing=_timing(timed, fine_quantum or 32),
                           **(dict(ext=FLAT_EXT) if flat else {})),
                HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.engine.use_blocks = blocks
    chip.engine.block_hot = HOT
    chip.engine.use_parking = PARKING
    chip.engine.use_skip = SKIP
    if chip_out is not None:
        chip_out.append(chip)
    nseg, nsub = rnd.randrange(2, 9), rnd.randrange(0, 3)
    # (most bodies local: the cores talk rarely, their slices are long enough for blocks)
    segs = [_loop_body(rnd, rnd.random() < 0.8)[:rnd.randrange(1, 9)] for _ in range(nseg)]
    subs = [[op for op in _loop_body(rnd, True)[:rnd.randrange(1, 7)]
             if op[0] not in ("bcond32", "ldr_dpm32")] for _ in range(nsub)]   # (r14: LR)
    ends = [rnd.choice(["bcond", "bcond", "b", "bl", "none"] if nsub else
                       ["bcond", "bcond", "b", "none"]) for _ in range(nseg)]
    # addresses (every instruction 4 bytes but the TRAPs): segment i is 2 + len(body) + (1
    # if it ends in a branch) instructions; then TRAP 3 (the exit) and seven more (16
    # bytes: a skip in the last segment lands there); then the subroutines
    seg_at, at = [], 0x100 + 4
    for body, end in zip(segs, ends):
        seg_at.append(at)
        at += 4 * (2 + len(body) + (end != "none"))
    exit_at = at
    sub_at, at = [], exit_at + 16
    for body in subs:
        sub_at.append(at)
        at += 4 * (len(body) + 1)
    code = [("addi32", dict(rd=14, rn=10, imm=0))]
    for body, end in zip(segs, ends):
        here = 0x100 + 4 * len(code)
        code.append(("subi32", dict(rd=13, rn=13, imm=1)))
        code.append(("bcond32", dict(cond=0, imm=(exit_at - here - 4) // 2)))      # BEQ
        code += body
        here = 0x100 + 4 * len(code)
        if end == "bcond":
            code.append(("bcond32", dict(cond=rnd.randrange(0, 14),
                                         imm=(rnd.choice(seg_at) - here) // 2)))
        elif end == "b":
            code.append(("bcond32", dict(cond=14, imm=(rnd.choice(seg_at) - here) // 2)))
        elif end == "bl":
            code.append(("bcond32", dict(cond=15, imm=(rnd.choice(sub_at) - here) // 2)))
    code += [("trap16", dict(imm=3))] * 8
    for body in subs:
        code += body + [("jr32", dict(rn=14))]
    code.append(("trap16", dict(imm=3)))
    return _run_code(rnd, chip, code, lambda: rnd.randrange(20, 3000), flat,
                     cycles=3_000_000)


def one_phased(rnd: random.Random, blocks: bool = True, chip_out=None, threads: int = 0,
               timed: bool = True, fine_quantum: int = 0):
    """Compute phases and exchanges, on each core of a 2x2 chip: an inner loop of local work
    (a loop of one block) run K times, a random loop body that may touch the neighbour (core
    k ^ 1) and off-chip memory, then the iteration number written into the neighbour's flag
    word and a poll of its own until the neighbour has got as far -- the parallel phase's
    cases: long private runs, first messages after them, polling loops.  Timing on, random
    quantum; runs to its exit."""
    chip = Chip(ChipConfig(rows=2, cols=2, quantum=rnd.choice([100, 300, 1000, 4000]),
                           threads=threads, timing=_timing(timed, fine_quantum)),
                HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.engine.use_blocks = blocks
    chip.engine.block_hot = HOT
    chip.engine.use_parking = PARKING
    chip.engine.use_skip = SKIP
    if chip_out is not None:
        chip_out.append(chip)
    inner = _loop_body(rnd, True)
    comm = _loop_body(rnd, False) if rnd.random() < 0.7 else []
    code = [("addi32", dict(rd=14, rn=10, imm=0)),
            ("addi32", dict(rd=15, rn=8, imm=0))] + inner + [
        ("subi32", dict(rd=15, rn=15, imm=1)),
        ("bcond32", dict(cond=1, imm=-(2 * (len(inner) + 1))))] + comm + [
        ("addi32", dict(rd=9, rn=9, imm=1)),
        ("str_d32", dict(rd=9, rn=7, imm=0)),
        ("ldr_d32", dict(rd=6, rn=5, imm=0)),
        ("sub32", dict(rd=6, rn=6, rm=9)),
        ("bcond32", dict(cond=8, imm=-4)),                  # LT: back to the load
        ("subi32", dict(rd=13, rn=13, imm=1))]
    code.append(("bcond32", dict(cond=1, imm=-2 * len(code))))      # (all 32-bit)
    code.append(("trap16", dict(imm=3)))
    blob = b"".join(encode(nm, **fl).to_bytes(2 if nm.endswith("16") else 4, "little")
                    for nm, fl in code)
    rounds = rnd.randrange(2, 12)
    for k in range(4):
        chip.engine.sram(k)[:] = 0
        chip.mem_write(0x100, blob, k)
        chip.mem_write(0x800, bytes(rnd.getrandbits(8) for _ in range(0x800)), k)
        for r in range(64):
            chip.engine.reg_write(k, r, rnd.choice([
                rnd.getrandbits(32), rnd.getrandbits(5),
                0x3F800000 + (rnd.getrandbits(20) << 3)]))        # around 1.0f
        chip.engine.reg_write(k, 5, 0x3000)                           # its flag word
        chip.engine.reg_write(k, 6, 0)
        chip.engine.reg_write(k, 7, (chip.coreid(k ^ 1) << 20) | 0x3000)
        chip.engine.reg_write(k, 8, rnd.randrange(1, 400))          # K
        chip.engine.reg_write(k, 9, 0)
        chip.engine.reg_write(k, 10, rnd.choice([0x800, 0x2400, 0x4000, 0x7000]))
        chip.engine.reg_write(k, 11, (chip.coreid(k ^ 1) << 20) | 0x4000)
        chip.engine.reg_write(k, 12, 0x8E000000 + 0x10000 * k)
        chip.engine.reg_write(k, 13, rounds)
        chip.engine.set_pc(k, 0x100)
        chip.engine.set_idle(k, False)
    chip.loaded_cores = [0, 1, 2, 3]
    return chip.run(20_000_000)


def one_tight_loop(rnd: random.Random, blocks: bool = True, chip_out=None, threads: int = 0,
                   timed: bool = True, fine_quantum: int = 0):
    return one_loop(rnd, blocks, chip_out, tight=True, threads=threads, timed=timed,
                    fine_quantum=fine_quantum)


def one_plain_loop(rnd: random.Random, blocks: bool = True, chip_out=None, threads: int = 0,
                   timed: bool = True, fine_quantum: int = 0):
    """one_tight_loop without loads or stores: a loop of one block of plain instructions
    (integer, FPU, conditional moves), which the blocks run in a loop of their own
    (run_tight)."""
    return one_loop(rnd, blocks, chip_out, tight=True, threads=threads, timed=timed,
                    plain=True, fine_quantum=fine_quantum)


def one_flat_loop(rnd: random.Random, blocks: bool = True, chip_out=None, threads: int = 0,
                  timed: bool = True, fine_quantum: int = 0):
    """one_loop with the flat layout's external memory (loads and stores there, core 3's
    code there, which the stores may hit)."""
    return one_loop(rnd, blocks, chip_out, threads=threads, timed=timed,
                    fine_quantum=fine_quantum, flat=True)


def one_hwloop(rnd: random.Random, blocks: bool = True, chip_out=None, threads: int = 0,
               timed: bool = True, fine_quantum: int = 0, bounds=None, count=None):
    """A hardware loop (LS, LE, LC) in an outer loop, on each core of a 2x2 chip: its body a
    random loop body (see _loop_body; forward branches may leave it), LE at its last or at
    an earlier instruction, LC 0 (one pass), 1 or many; the body sometimes stores to LC
    (a loop ended early, or restarted, from inside) or is a loop of one block; sometimes
    CTIMER0 counts clock cycles or events and interrupts the loop (its handler re-arms it).
    Random quantum; runs to its exit.  `bounds` (LS, LE) and `count` (LC) replace the
    loop's own."""
    tight = rnd.random() < 0.5
    # (a body of local work: long slices, where the blocks run)
    quantum = rnd.choice([100, 1000, 4000] if tight else [1, 7, 100, 1000, 4000])
    chip = Chip(ChipConfig(rows=2, cols=2, quantum=quantum,
                           threads=threads, timing=_timing(timed, fine_quantum)),
                HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.engine.use_blocks = blocks
    chip.engine.block_hot = HOT
    chip.engine.use_parking = PARKING
    chip.engine.use_skip = SKIP
    if chip_out is not None:
        chip_out.append(chip)
    body = _loop_body(rnd, tight, tight and rnd.random() < 0.5)
    if rnd.random() < 0.15:
        # a store of r16 to its own LC (r17: 0xF0414) inside the body
        body.insert(rnd.randrange(len(body)), ("str_d32", dict(rd=16, rn=17, imm=0)))
    if rnd.random() < 0.3:
        # LC read inside the body (it counts down on arrival at LS), into a result register
        body.insert(rnd.randrange(len(body)), ("movfs32", dict(rd=rnd.randrange(16, 32),
                                                               imm=SREG_BY_NAME["LC"].index)))
    head = [("addi32", dict(rd=14, rn=10, imm=0)),
            ("movts32", dict(rd=15, imm=5))]                    # movts lc, r15
    timer = rnd.random() < 0.4
    if timer:
        head.append(("gie16", {}))
        head.append(("nop16", {}))
    ls = 0x100 + sum(2 if nm.endswith("16") else 4 for nm, _ in head)
    le = ls + 4 * (len(body) - 1 if rnd.random() < 0.7 else rnd.randrange(len(body)))
    code = head + body + [
        ("subi32", dict(rd=13, rn=13, imm=1)),
        ("bcond32", dict(cond=1, imm=-(ls - 0x100 + 4 * len(body) + 4) // 2)),
        ("trap16", dict(imm=3))]
    blob = b"".join(encode(nm, **fl).to_bytes(2 if nm.endswith("16") else 4, "little")
                    for nm, fl in code)
    lc = rnd.choice([0, 1, 2, rnd.randrange(3, 50), rnd.randrange(50, 400),
                     rnd.randrange(400, 1500), rnd.randrange(400, 1500)])
    if bounds is not None:
        ls, le = bounds
    if count is not None:
        lc = count
    for k in range(4):
        chip.engine.sram(k)[:] = 0
        chip.mem_write(0x100, blob, k)
        chip.mem_write(0x800, bytes(rnd.getrandbits(8) for _ in range(0x800)), k)
        for r in range(64):
            chip.engine.reg_write(k, r, rnd.choice([
                rnd.getrandbits(32), rnd.getrandbits(5),
                0x3F800000 + (rnd.getrandbits(20) << 3)]))        # around 1.0f
        chip.engine.reg_write(k, 10, rnd.choice([0x800, 0x2400, 0x4000, 0x7000]))
        chip.engine.reg_write(k, 11, (chip.coreid(k ^ 1) << 20) | 0x4000)
        chip.engine.reg_write(k, 12, 0x8E000000 + 0x10000 * k)
        chip.engine.reg_write(k, 13, rnd.randrange(2, 12))
        chip.engine.reg_write(k, 15, lc)
        chip.engine.reg_write(k, 16, rnd.choice([0, 1, 2, 40]))
        chip.engine.reg_write(k, 17, SREG_BY_NAME["LC"].offset)
        chip.engine.sreg_write(k, SREG_BY_NAME["LS"].offset, ls)
        chip.engine.sreg_write(k, SREG_BY_NAME["LE"].offset, le)
        if timer:
            # TIMER0's vector (IVT entry 3) to a handler at 0x80 that re-arms it from r24
            isr = [("movts32", dict(rd=24, imm=SREG_BY_NAME["CTIMER0"].index)),
                   ("rti16", {})]
            chip.mem_write(0xC, encode("bcond32", cond=14, imm=(0x80 - 0xC) // 2)
                           .to_bytes(4, "little"), k)
            chip.mem_write(0x80, b"".join(encode(nm, **fl).to_bytes(
                2 if nm.endswith("16") else 4, "little") for nm, fl in isr), k)
            chip.engine.reg_write(k, 24, rnd.choice([37, 200, 1500]))
            chip.engine.sreg_write(k, SREG_BY_NAME["IMASK"].offset, 0)
            chip.engine.sreg_write(k, SREG_BY_NAME["CTIMER0"].offset, rnd.choice([50, 900, 5000]))
            chip.engine.sreg_write(k, SREG_BY_NAME["CONFIG"].offset,
                                   rnd.choice([1, 4, 5, 6, 7]) << 4)
        chip.engine.set_pc(k, 0x100)
        chip.engine.set_idle(k, False)
    chip.loaded_cores = [0, 1, 2, 3]
    return chip.run(20_000_000)


def snapshot(chip, res):
    """Everything a run leaves that the timed blocks must not change."""
    e = chip.engine
    return (res.stop, [e.counters(k) for k in range(4)], [[e.reg_read(k, r) for r in range(64)]
            + [e.get_pc(k), e.sreg_read(k, STATUS), e.sreg_read(k, LC)] for k in range(4)],
            [bytes(e.sram(k)) for k in range(4)], e.link_counters())


def parking_differ(seed_value, gen=None, timed=True) -> str:
    """Run one random program (from `gen`) with parked spins (emu/_park.pxi) allowed and
    not: '' if the runs agree, else what differs."""
    global PARKING
    out = []
    try:
        for park in (True, False):
            PARKING = park
            chips = []
            res = (gen or one)(random.Random(seed_value), True, chips, timed=timed)
            out.append(snapshot(chips[0], res))
    finally:
        PARKING = True
    if chips[0].engine.sched_stats()["parks"]:
        return "parked with use_parking off"
    names = ("stop", "counters", "registers", "memory", "links")
    return ", ".join(n for n, a, b in zip(names, out[0], out[1]) if a != b)


def skip_differ(seed_value, gen=None, timed=True) -> str:
    """Run one random program (from `gen`) with the slices in which nothing can happen
    passed over (Engine.use_skip) and slice by slice: '' if the runs agree, else what
    differs."""
    global SKIP
    out = []
    try:
        for skip in (True, False):
            SKIP = skip
            chips = []
            res = (gen or one)(random.Random(seed_value), True, chips, timed=timed)
            out.append(snapshot(chips[0], res))
    finally:
        SKIP = True
    names = ("stop", "counters", "registers", "memory", "links")
    return ", ".join(n for n, a, b in zip(names, out[0], out[1]) if a != b)


def blocks_differ(seed_value, gen=None, timed=True, fine_quantum=0) -> str:
    """Run one random program (from `gen`: one or one_loop) with the blocks on and off, with
    the timing model on or (`timed` false) off, and fine slices of fine_quantum cycles (0:
    the default): '' if the runs agree, else what differs."""
    out = []
    for blocks in (True, False):
        chips = []
        res = (gen or one)(random.Random(seed_value), blocks, chips, timed=timed,
                           fine_quantum=fine_quantum)
        out.append(snapshot(chips[0], res))
    if chips[0].engine.block_stats()["runs"]:
        return "blocks ran with use_blocks off"
    names = ("stop", "counters", "registers", "memory", "links")
    return ", ".join(n for n, a, b in zip(names, out[0], out[1]) if a != b)


def threads_differ(seed_value, gen=None, counts=(1, 2, 4), timed=True) -> str:
    """Run one random program (from `gen`: one, one_loop or one_tight_loop) on each number of
    host threads in `counts`, the timing model on or (`timed` false) off: '' if every run
    agrees with the first, else what differs."""
    out = []
    for n in counts:
        chips = []
        res = (gen or one)(random.Random(seed_value), True, chips, threads=n, timed=timed)
        out.append(snapshot(chips[0], res))
    names = ("stop", "counters", "registers", "memory", "links")
    return ", ".join(f"{n} ({counts[0]} and {m} threads)" for j, m in enumerate(counts[1:], 1)
                     for n, a, b in zip(names, out[0], out[j]) if a != b)


def main(argv):
    global HOT
    if "--hot" in argv:
        HOT = int(argv[argv.index("--hot") + 1])
        argv = argv[:argv.index("--hot")] + argv[argv.index("--hot") + 2:]
    seed = int(argv[1]) if len(argv) > 1 else 1
    count = int(argv[2]) if len(argv) > 2 else 1000
    stops = {}
    for it in range(count):
        if "--blocks" in argv:
            for gen in (one, one_loop, one_tight_loop, one_plain_loop, one_phased,
                        one_flat_loop, one_hwloop, one_branchy):
                for timed in (True, False):
                    diff = blocks_differ(seed * 1_000_003 + it, gen, timed, 32 * (it & 1))
                    if diff:
                        print(f"{gen.__name__}, seed value {seed * 1_000_003 + it}"
                              f"{'' if timed else ', timing off'}: blocks on/off differ in"
                              f" {diff}")
                        return 1
        if "--threads" in argv:
            for gen in (one, one_loop, one_tight_loop, one_plain_loop, one_phased,
                        one_flat_loop, one_hwloop, one_branchy):
                diff = threads_differ(seed * 1_000_003 + it, gen)
                if diff:
                    print(f"{gen.__name__}, seed value {seed * 1_000_003 + it}: thread counts"
                          f" differ in {diff}")
                    return 1
        if "--parking" in argv:
            for gen in (one, one_loop, one_tight_loop, one_phased, one_hwloop, one_branchy):
                for timed in (True, False):
                    diff = parking_differ(seed * 1_000_003 + it, gen, timed)
                    if diff:
                        print(f"{gen.__name__}, seed value {seed * 1_000_003 + it}"
                              f"{'' if timed else ', timing off'}: parking on/off differ in"
                              f" {diff}")
                        return 1
        if "--skip" in argv:
            for gen in (one, one_loop, one_phased, one_hwloop, one_branchy, one_flat_loop):
                for timed in (True, False):
                    diff = skip_differ(seed * 1_000_003 + it, gen, timed)
                    if diff:
                        print(f"{gen.__name__}, seed value {seed * 1_000_003 + it}"
                              f"{'' if timed else ', timing off'}: slices passed over or"
                              f" not differ in {diff}")
                        return 1
        res = one(random.Random(seed * 1_000_003 + it))
        stops[res.stop] = stops.get(res.stop, 0) + 1
    print(f"seed {seed}: {count} runs, no crash; stops: {stops}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
