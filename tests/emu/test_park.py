"""Parked spins (emu/_park.pxi): a core polling its own memory while others talk is not run
until something touches it.  Self-consistency tests: the oracle is the same emulator with
parking off (Engine.use_parking), which runs every pass of every polling loop; the two runs
must agree in every counter, register, byte of memory, link counter and the output."""
import io
import os
import random
import sys

import pytest

from emu.chip import Chip, ChipConfig
from emu.stops import Stop
from emu.syscalls import HostIO
from isa.assembler import assemble_text
from loader.elf import read_elf

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import fuzz_core as fz                           # noqa: E402


def _state(chip):
    e = chip.engine
    return ([e.counters(k) for k in range(chip.ncores)],
            [[e.reg_read(k, r) for r in range(64)] + [e.get_pc(k)] for k in range(chip.ncores)],
            [bytes(e.sram(k)) for k in range(chip.ncores)], e.link_counters())


def _postbox(park):
    img = read_elf(os.path.join(ROOT, "tests", "fixtures", "multicore", "postbox.elf"))
    out = io.BytesIO()
    chip = Chip(ChipConfig.for_image(img), HostIO(stdout=out, stderr=io.BytesIO()))
    chip.engine.use_parking = park
    chip.load_elf(img)
    res = chip.run()
    return res.stop, out.getvalue(), _state(chip), chip.engine.sched_stats()


def test_postbox_same_with_parking_on_and_off():
    """Sixteen cores exchanging byte-wise messages: receivers poll their postboxes."""
    on, off = _postbox(True), _postbox(False)
    assert on[:3] == off[:3]
    assert on[3]["parks"] > 0 and off[3]["parks"] == 0


@pytest.mark.parametrize("name", ["ring", "jacobi"])
def test_epython_programs_same_with_parking_on_and_off(name):
    """ePython's message passing on our VM firmware: a token around 16 cores (most of them
    wait in recv's poll), and a Jacobi with halo swaps and reductions."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import epython_bench as eb
    path, ncores, marker = eb.WORKLOADS[name]
    program = eb.compile_file(os.path.join(eb.PROGRAMS, path))
    got = []
    for park in (True, False):
        chip = Chip(ChipConfig(), HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(),
                                         stderr=io.BytesIO()))
        chip.engine.use_parking = park
        out, err = io.StringIO(), io.StringIO()
        res = eb.run_program(program, list(range(ncores)), firmware=eb.DEFAULT_FIRMWARE,
                             chip=chip, stdout=out, stderr=err, warn=err)
        got.append((res.stop, out.getvalue(), err.getvalue(), _state(chip),
                    chip.engine.sched_stats()["parks"]))
    assert marker in got[0][1]
    assert got[0][:4] == got[1][:4]
    assert got[0][4] > 0 and got[1][4] == 0


# core 0 computes, then reads core 1's STATUS and test-and-sets a word of core 1's SRAM (both
# while core 1 polls, parked: it must be brought up to date to the cycle), then sets core 1's
# flag with a posted write; core 1 then copies what it finds and sets core 2's flag, which
# core 2 has been polling all along.
_SRC = """
    .text
    mov r0, %(n)d           ; core 0: a compute phase
1:  add r3, r3, r0
    sub r0, r0, 1
    bne 1b
    mov r1, %%low(%(c1)d)
    movt r1, %%high(%(c1)d)
    ldr r4, [r1]            ; core 1's STATUS (0xF0404 of its space)
    mov r1, %%low(%(t1)d)
    movt r1, %%high(%(t1)d)
    mov r2, 0
    mov r5, 7
    testset r5, [r1, r2]    ; a word of core 1's SRAM
    mov r1, %%low(%(f1)d)
    movt r1, %%high(%(f1)d)
    mov r5, 1
    str r5, [r1]            ; core 1's flag
    mov r2, 0x2000
    str r4, [r2]
    trap 3
"""

_SPIN = """
    .text
    mov r1, 0x3000          ; core 1 (and 2): poll the flag
1:  ldr r2, [r1]
    sub r2, r2, 0
    beq 1b
    mov r3, 0x3004
    ldr r4, [r3]
    str r4, [r1, 2]         ; (0x3008)
    mov r5, %(next)d
    movt r5, %(nexth)d
    str r2, [r5]            ; the next core's flag (core 2 for core 1, nobody for core 2)
    trap 3
"""


# the same, core 1 polling as ePython's firmware does: it copies the message slot byte by byte
# into a buffer of its own (stores of what is already there) through a called loop, then looks
# at the copy: a pass of several jumps back that stores
_SPIN_COPY = """
    .text
    mov r1, 0x3000
1:  mov r2, 0x3100
    bl 3f
    ldrb r4, [r2]
    sub r4, r4, 0
    beq 1b
    mov r3, 0x3004
    ldr r4, [r3]
    str r4, [r1, 2]         ; (0x3008)
    mov r5, %(next)d
    movt r5, %(nexth)d
    str r4, [r5]
    trap 3
3:  mov r0, 0               ; copy 6 bytes from r1 to r2
4:  ldrb r3, [r1, r0]
    strb r3, [r2, r0]
    add r0, r0, 1
    sub r6, r0, 6
    blt 4b
    rts
"""


def _three(park, n, spin=_SPIN, max_cycles=0):
    chip = Chip(ChipConfig(rows=1, cols=3),
                HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.engine.use_parking = park
    e = chip.engine
    c1, c2 = chip.coreid(1) << 20, chip.coreid(2) << 20
    code0 = assemble_text(_SRC % dict(n=n, c1=c1 | 0xF0404, t1=c1 | 0x3004, f1=c1 | 0x3000))
    for k in range(3):
        e.sram(k)[:] = 0
    chip.mem_write(0x100, code0, 0)
    for k, nxt in ((1, c2 | 0x3000), (2, 0x3010)):
        chip.mem_write(0x100, assemble_text((spin if k == 1 else _SPIN)
                                            % dict(next=nxt & 0xFFFF, nexth=nxt >> 16)), k)
    for k in range(3):
        e.set_pc(k, 0x100)
        e.set_idle(k, False)
    chip.loaded_cores = [0, 1, 2]
    res = chip.run(max_cycles)
    return res.stop, _state(chip), e.sched_stats()["parks"]


@pytest.mark.parametrize("spin", ["plain", "copy"])
@pytest.mark.parametrize("n", [50, 3000, 20000])
def test_a_parked_core_read_tested_and_written_is_as_if_it_ran(n, spin):
    spin = _SPIN if spin == "plain" else _SPIN_COPY
    on, off = _three(True, n, spin), _three(False, n, spin)
    assert on[:2] == off[:2]
    if n >= 3000:
        assert on[2] > 0
    assert off[2] == 0


def test_a_parked_core_that_stores_as_it_polls_keeps_the_deadlock_check_as_it_was():
    """Core 1 polls a byte that never changes, copying the slot (stores) each pass: the
    chip never proves a deadlock (memory is written all along) and runs to its bound, parked
    or not (chip_writes counts the stores the parked passes stand for)."""
    spin = _SPIN_COPY.replace("ldrb r4, [r2]", "ldrb r4, [r2, 5]")
    on, off = _three(True, 3000, spin, 400_000), _three(False, 3000, spin, 400_000)
    assert on[0] == off[0] == Stop.MAX_CYCLES
    assert on[:2] == off[:2]
    assert on[2] > 0


@pytest.mark.parametrize("gen", ["one_phased", "one", "one_tight_loop", "one_hwloop"])
def test_random_multicore_programs_same_with_parking_on_and_off(gen):
    """tools/fuzz_core.py's programs (one_phased: compute phases and polling loops on 2x2)
    with parking allowed and not, timing on and off."""
    for seed in range(12):
        for timed in (True, False):
            assert fz.parking_differ(13000 + seed, getattr(fz, gen), timed) == "", (seed, timed)
