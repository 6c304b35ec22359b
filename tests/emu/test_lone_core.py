"""A core that runs alone (every other core exited, or idle with nothing that could wake it)
gets coarse slices LONE_SPAN times longer: there is nobody to interleave it with, and the
per-slice work was about 14 % of a one-core run's host time.  Slices are deterministic
counts (no wall clock).  The results must not depend on the slice length: the same run at
several quanta agrees in everything (a self-consistency test; the run's cycles are checked
against the board by the timing table and against the pipeline model by test_timing)."""
import io
import os

import pytest

from emu.chip import Chip, ChipConfig
from emu.syscalls import HostIO
from loader.elf import read_elf

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def _run(path, quantum, cores=(1, 1)):
    img = read_elf(os.path.join(ROOT, path))
    out = io.BytesIO()
    chip = Chip(ChipConfig.for_image(img, quantum=quantum, threads=1),
                HostIO(stdout=out, stderr=io.BytesIO()))
    chip.load_elf(img, chip.group(*cores) if cores else None)
    res = chip.run(200_000_000)
    cnt = [chip.counters(k) for k in range(chip.ncores)]
    return (res.stop, res.exit_code, res.cycles, out.getvalue(), cnt,
            chip.engine.link_counters()), chip.engine.sched_stats()


def test_a_lone_core_gets_long_slices():
    (stop, code, cycles, _, cnt, _), st = _run("bench/programs/int_crc.elf", 1000)
    assert stop == "exit" and code == 0
    # 14.5 M cycles at a quantum of 1000: 14 500 slices without the rule, ~900 with it
    assert st["slices"] * 8 < cycles // 1000, st


@pytest.mark.parametrize("path", ["bench/programs/int_crc.elf", "bench/programs/mem_stream.elf",
                                  "bench/programs/flat_printf.elf"])
def test_a_lone_core_runs_the_same_whatever_the_slice_length(path):
    ref, _ = _run(path, 1000)
    for q in (7, 100, 5000):
        got, _ = _run(path, q)
        assert got == ref, q


VECTORS = "\n".join(["        b.l start"] * 9) + "\n        b.l user_isr\n"

SLEEPER = VECTORS + """
start:  mov r0, 0x200
        movts imask, r0         ; (IMASK: 0, every interrupt unmasked)
        mov r0, 0
        movts imask, r0
        gie
        idle                    ; until the other core raises USER
        trap 1
user_isr:
        trap 0                  ; the handler's first instruction: the time it was taken
"""

WORKER = """
        mov r1, 0
        mov r2, %low({n})
        movt r2, %high({n})
loop:   add r1, r1, 3
        eor r3, r1, r2
        sub r2, r2, 1
        bne loop
        mov r4, %low({ilatst})
        movt r4, %high({ilatst})
        mov r5, 0x200           ; USER
        str r5, [r4]            ; ILATST of the sleeper, through the mesh
        trap 2
"""


@pytest.mark.parametrize("quantum", [100, 1000, 5000])
def test_a_core_woken_by_a_lone_core_takes_the_interrupt_when_it_arrives(quantum):
    """Core 0 sleeps in IDLE; core 1, the only one that can act, computes for ~100 000
    cycles (long lone slices) and then raises core 0's USER interrupt through the mesh.  The
    sleeper is before the worker in the slice order: it must not be moved to the end of the
    long slice before the worker runs, or the interrupt would be taken thousands of cycles
    late.  Expected: taken within the mesh's latency and the interrupt entry of the write
    (fact sheet: a few tens of cycles), whatever the quantum."""
    from emu.stops import Stop
    from isa.assembler import assemble_text
    chip = Chip(ChipConfig(rows=1, cols=2, quantum=quantum, threads=1),
                HostIO(stdout=io.BytesIO(), stderr=io.BytesIO()))
    e = chip.engine
    ilatst = (chip.coreid(0) << 20) | 0xF042C
    e.mem_write(0, assemble_text(SLEEPER, 0), 0)
    e.mem_write(0, assemble_text(WORKER.format(n=25000, ilatst=ilatst), 0), 1)
    for k in (0, 1):
        e.set_pc(k, 0)
        e.set_idle(k, False)
    st, k = e.run(10_000_000)
    assert (Stop(st), k) == (Stop.TRAP, 1)           # the worker's trap 2, after its store
    t_store = chip.counters(1)["cycles"]
    assert t_store > 90_000
    st, k = e.run(10_000_000)
    # the handler's trap 0, the sleeper's last instruction (TRAP completes)
    assert (Stop(st), k) == (Stop.TRAP, 0)
    assert e.get_pc(0) == len(assemble_text(SLEEPER, 0))
    t_taken = chip.counters(0)["cycles"]
    assert 0 < t_taken - t_store < 100, (t_store, t_taken)
