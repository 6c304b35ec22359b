"""Multi-core programs built with our linker scripts and device runtime
(tests/fixtures/multicore, tools/build_multicore_fixtures.sh): the ESDK loading model, remote
stores and loads, TESTSET mutexes, barriers, WAND, DMA (1D, 2D, chained), timers, inter-core
interrupts, deadlock reports; on 1, 4, 8, 16 cores and on an 8x8 chip."""
import io
import json
import os

import pytest

from emu.chip import Chip, ChipConfig
from emu.syscalls import HostIO

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
HERE = os.path.join(ROOT, "tests", "fixtures", "multicore")
MANIFEST = json.load(open(os.path.join(HERE, "manifest.json")))
CASES = [(p, r) for p in MANIFEST["programs"] for r in p["runs"]]


def run(prog, rn, quantum=1000):
    cfg = MANIFEST["configurations"][rn["config"]]
    chip_cfg = cfg["chip"]
    g = cfg["group"]
    out = io.BytesIO()
    chip = Chip(ChipConfig(rows=chip_cfg["rows"], cols=chip_cfg["cols"],
                           first_row=chip_cfg["first_row"], first_col=chip_cfg["first_col"],
                           quantum=quantum),
                HostIO(stdin=io.BytesIO(), stdout=out, stderr=io.BytesIO(), prefix="never"))
    chip.load_elf(os.path.join(HERE, prog["elf"]), chip.group(g["rows"], g["cols"], g["row"], g["col"]))
    res = chip.run(rn["max_cycles"])
    return res, out.getvalue(), chip


@pytest.mark.parametrize("prog,rn", CASES, ids=[f"{p['name']}-{r['config']}" for p, r in CASES])
def test_multicore_program(prog, rn):
    res, out, chip = run(prog, rn)
    with open(os.path.join(HERE, rn["expected_stdout"]), "rb") as f:
        assert out == f.read()
    assert res.fault is None, res.fault
    assert res.exit_code in rn.get("accepted_exit_codes", [rn["expected_exit_code"]])
    assert res.stop == rn["expected_stop"]


def test_same_result_whatever_the_quantum():
    prog = next(p for p in MANIFEST["programs"] if p["name"] == "reduce")
    rn = next(r for r in prog["runs"] if r["config"] == "4x4")
    outs = {run(prog, rn, q)[1] for q in (1, 37, 1000, 20000)}
    assert len(outs) == 1


def test_runs_are_deterministic():
    prog = next(p for p in MANIFEST["programs"] if p["name"] == "dma")
    rn = next(r for r in prog["runs"] if r["config"] == "4x4")
    a = run(prog, rn)[2]
    b = run(prog, rn)[2]
    ca = [a.counters(k) for k in range(a.ncores)]
    cb = [b.counters(k) for k in range(b.ncores)]
    assert ca == cb
