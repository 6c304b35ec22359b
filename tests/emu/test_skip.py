"""Slices in which nothing can happen -- every core waiting past them (an off-chip read, a
stall, IDLE), no write arriving in them -- are passed over in one step (chip_run,
Engine.use_skip), also while writes are in flight.  Self-consistency tests (labelled so): the
oracle is the same run with the skipping off, slice by slice; every counter, register, SRAM
byte, link counter, the output and the stop must be the same."""
import glob
import io
import os
import sys

import pytest

from emu.chip import Chip, ChipConfig
from emu.syscalls import HostIO
from loader.elf import read_elf

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MULTI = sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "multicore", "*.elf")))


def _state(chip):
    e = chip.engine
    return ([e.counters(k) for k in range(chip.ncores)],
            [[e.reg_read(k, r) for r in range(64)] + [e.get_pc(k)] for k in range(chip.ncores)],
            [bytes(e.sram(k)) for k in range(chip.ncores)], e.link_counters())


def _run(path, skip):
    img = read_elf(path)
    out = io.BytesIO()
    chip = Chip(ChipConfig.for_image(img), HostIO(stdin=io.BytesIO(), stdout=out,
                                                  stderr=io.BytesIO()))
    chip.engine.use_skip = skip
    chip.load_elf(img)
    res = chip.run(200_000_000)
    return (res.stop, res.exit_code, out.getvalue(), _state(chip)), \
        chip.engine.sched_stats()["slices"]


@pytest.mark.parametrize("path", [os.path.relpath(p, ROOT) for p in MULTI])
def test_multicore_programs_same_with_slices_passed_over(path):
    """(self-consistency) The multicore fixtures: barriers, DMA, remote reads, messages,
    deadlocks, the ESDK link scripts' code in DRAM."""
    on, n_on = _run(os.path.join(ROOT, path), True)
    off, n_off = _run(os.path.join(ROOT, path), False)
    assert on == off
    assert n_on <= n_off


def test_slices_passed_over_while_writes_are_in_flight():
    """(self-consistency) scripts_fast.elf: cores wait on off-chip reads while others' writes
    to DRAM are in flight; whole slices before the next arrival and the next core's action
    are passed over (1.43 M slices one by one, about half of that passed over)."""
    path = os.path.join(ROOT, "tests", "fixtures", "multicore", "scripts_fast.elf")
    on, n_on = _run(path, True)
    off, n_off = _run(path, False)
    assert on == off
    assert n_on * 3 < n_off * 2


def test_epython_ring_same_with_slices_passed_over():
    """(self-consistency) ePython's message ring on our VM firmware, 16 cores, timing on."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import epython_bench as eb
    path, ncores, marker = eb.WORKLOADS["ring"]
    program = eb.compile_file(os.path.join(eb.PROGRAMS, path))
    got = []
    for skip in (True, False):
        chip = Chip(ChipConfig(), HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(),
                                         stderr=io.BytesIO()))
        chip.engine.use_skip = skip
        out, err = io.StringIO(), io.StringIO()
        res = eb.run_program(program, list(range(ncores)), firmware=eb.DEFAULT_FIRMWARE,
                             chip=chip, stdout=out, stderr=err, warn=err, timing=True)
        got.append((res.stop, out.getvalue(), err.getvalue(), _state(chip)))
    assert marker in got[0][1]
    assert got[0] == got[1]
