"""`epiphany-emu batch`: a matrix of programs x option sets, one row per run, on a process
pool or a Dask cluster, resumable.  Expected outputs come from the fixtures' committed
expectations (examples/hello.expected is the host twin's output)."""
import csv
import hashlib
import json
import os

import pytest

from emu import batch
from emu.cli import main as cli

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
HELLO = os.path.join(ROOT, "examples", "hello.elf")
RING = os.path.join(ROOT, "tests", "fixtures", "multicore", "ring.elf")


def _hello_sha():
    with open(os.path.join(ROOT, "examples", "hello.expected"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_matrix_on_a_process_pool_and_resume(tmp_path):
    out = str(tmp_path / "t.csv")
    assert cli(["batch", HELLO, RING, "--opts", "", "--opts", "--timing off", "-o", out,
                "-j", "2", "-q"]) == 0
    rows = _rows(out)
    assert sorted((os.path.basename(r["program"]), r["options"]) for r in rows) == [
        ("hello.elf", ""), ("hello.elf", "--timing off"), ("ring.elf", ""),
        ("ring.elf", "--timing off")]
    hello = {r["options"]: r for r in rows if r["program"].endswith("hello.elf")}
    for r in hello.values():
        assert (r["exit_code"], r["stop"], r["error"]) == ("0", "exit", "")
        assert r["stdout_sha256"] == _hello_sha()
    # the same instructions whatever the timing model; emulated time differs
    assert hello[""]["instructions"] == hello["--timing off"]["instructions"]
    assert hello[""]["cycles"] != hello["--timing off"]["cycles"]
    # run again: nothing to do; a new option set: only its runs
    assert cli(["batch", HELLO, RING, "--opts", "", "--opts", "--timing off",
                "--opts", "--quantum 50", "-o", out, "-q"]) == 0
    rows = _rows(out)
    assert len(rows) == 6 and sum(r["options"] == "--quantum 50" for r in rows) == 2


def test_failures_are_rows_not_crashes(tmp_path):
    out = str(tmp_path / "t.jsonl")
    with open(out, "w") as f:
        f.write('{"program": "x", "options": "", "wall_seco')     # a crashed driver's line
    assert cli(["batch", HELLO, "--opts=--no-such-option", "--opts", "--max-cycles 100",
                "-o", out, "-q"]) == 0
    rows = [json.loads(line) for line in open(out).read().splitlines()[1:]]
    by = {r["options"]: r for r in rows}
    assert by["--no-such-option"]["exit_code"] == 2 and by["--no-such-option"]["error"]
    assert by["--max-cycles 100"]["stop"] == "max_cycles"
    assert by["--max-cycles 100"]["exit_code"] == 124


def test_bad_invocations(tmp_path):
    assert cli(["batch", "-o", str(tmp_path / "t.csv")]) == 2
    assert cli(["batch", str(tmp_path / "missing.elf"), "-o", str(tmp_path / "t.csv")]) == 2


def test_on_a_local_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                       dashboard_address=None)
    try:
        out = str(tmp_path / "t.csv")
        assert cli(["batch", HELLO, "--opts", "", "--opts", "--timing off", "-o", out,
                    "--scheduler", cluster.scheduler_address, "-q"]) == 0
        rows = _rows(out)
        assert len(rows) == 2 and all(r["stdout_sha256"] == _hello_sha() for r in rows)
    finally:
        cluster.close()
