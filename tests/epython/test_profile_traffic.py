"""The traffic profile of an ePython Jacobi run (issue 11): what ``epython --profile
FILE.json`` shows (docs/profile.md).

* the postbox messages are remote stores into the partner's SRAM (six byte stores a
  message: type, value, sequence) and remote loads polling the partner's slot for the
  acknowledgement, over cMesh and rMesh links between the cores that run;
* the host requests (print, string building) are DRAM traffic through the eLink, on each
  core's ``core_ctrl`` record of ``shared_basic``;
* a program over 2 KB of bytecode is interpreted from the DRAM code area
  (``epython.layout.SHARED_CODE_AREA_START``): its bytecode reads go there, while a small
  program's code area is read once per core, by the copy onto the core.

The message counts come from the program's semantics: Jacobi on ``n`` cores does, on each
core, one ``sendrecv`` per neighbour per iteration and ``sendrecv`` with every other core in
each of its ``reduce`` calls (spec §1.7)."""
from __future__ import annotations

import json
import os

import pytest

from epython import layout as L
from epython.compiler import compile_file
from tests.epython import acceptance_reference as ref
from tests.epython.expected_output import compare_phases
from tests.epython.test_cli import epython

HERE = os.path.dirname(os.path.abspath(__file__))
JACOBI = os.path.join(HERE, "acceptance", "jacobi.py")
N = 4
ITERATIONS, REDUCES = 12, 12 // 4 + 1          # jacobi.py: a max every 4 iterations, a sum


def messages_sent(core: int, n: int = N) -> int:
    neighbours = (core > 0) + (core < n - 1)
    return ITERATIONS * neighbours + REDUCES * (n - 1)


def big_jacobi(tmp_path) -> str:
    """jacobi.py with a function called once at the end that makes the bytecode > 2 KB
    (and prints nothing)."""
    with open(JACOBI) as f:
        src = f.read()
    src += "def padding():\n    p=0\n" + "    p=p+1\n" * 200 + "    return p\npad=padding()\n"
    path = tmp_path / "jacobi_big.py"
    path.write_text(src)
    return str(path)


WARNING = "Warning: Your code size of "


def profile_of(tmp_path, program, *options):
    """Run ``program`` on N cores with ``--profile``: the JSON document (the output checked
    against the Jacobi reference on the way)."""
    path = tmp_path / "profile.json"
    code, out, err = epython("--profile", path, "-d", N, *options, program)
    assert code == 0, err
    lines = out.splitlines(keepends=True)
    warnings = [ln for ln in lines if ln.startswith(WARNING)]
    exp = ref.jacobi(N)
    assert compare_phases(exp.phases, exp.errors,
                          "".join(ln for ln in lines if not ln.startswith(WARNING)), "") == []
    placed_in_dram = len(compile_file(program, search_path=[]).code) > 2048 and \
        "-codecore" not in options
    assert len(warnings) == (1 if placed_in_dram else 0)
    doc = json.loads(path.read_text())
    assert doc["profiled"] and doc["config"]["timing"] == "on"
    return doc


def _area(doc) -> int:
    return doc["config"]["ext_regions"][0]["base"] + L.AREA_OFFSET


def _overlapping(doc, memory, lo, hi, core=None):
    return [h for h in doc["hot_data"] if h["memory"] == memory
            and (core is None or h.get("coreid") == core)
            and h["addr"] < hi and lo < h["addr"] + h["size"]]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return profile_of(tmp_path_factory.mktemp("small"), JACOBI)


def test_messages_are_remote_stores_and_remote_polls(small):
    doc = small
    cores = [c for c in doc["cores"] if c["loaded"]]
    assert [c["index"] for c in cores] == list(range(N))
    for c in cores:
        m = messages_sent(c["index"])
        # six byte stores per message into the partner's postbox (plus a few barrier words)
        assert 6 * m <= c["stores_remote"] <= 6 * m + 16, (c["index"], m, c["stores_remote"])
        assert c["bytes_stores_remote"] >= 6 * m
        # a blocking send polls the partner's slot until it is acknowledged: at least one
        # remote load per message
        assert c["loads_remote"] >= m
    # the function that makes them
    sendrecv = next(s for s in doc["symbols"] if s["name"] == "_ep_sendrecv")
    assert sendrecv["remote"] >= sum(6 * messages_sent(k) for k in range(N))


def test_messages_travel_between_the_cores_that_run(small):
    doc = small
    ids = {c["coreid"] for c in doc["cores"] if c["loaded"]}
    between = [ln for ln in doc["links"] if ln["from"] in ids and ln["to"] in ids]
    # writes on the cMesh and read requests on the rMesh, in both directions along the row
    for mesh in ("c", "r"):
        pairs = {(ln["from"], ln["to"]) for ln in between if ln["mesh"] == mesh and ln["bytes"]}
        assert len(pairs) >= N - 1, (mesh, pairs)
    assert all(ln["bytes"] % 8 == 0 for ln in between if ln["mesh"] == "r")


def test_postboxes_are_written(small):
    doc = small
    prog = compile_file(JACOBI, search_path=[])
    area = _area(doc)
    for c in doc["cores"]:
        if not c["loaded"]:
            continue
        a = L.core_area(c["index"], area, prog.nsymbols, len(prog.code), True)
        hot = _overlapping(doc, "sram", a.postbox_start, a.postbox_start + L.POSTBOX_SIZE,
                           c["coreid"])
        assert hot and sum(h["writes"] for h in hot) >= 6 * messages_sent(c["index"])


def test_host_requests_are_dram_traffic(small):
    doc = small
    area = _area(doc)
    hot = _overlapping(doc, "ext", area, area + L.SHARED_BASIC_SIZE)
    assert hot and all(h["reads"] and h["writes"] for h in hot)
    for c in doc["cores"]:
        if c["loaded"]:
            prints = 1 + (4 if c["index"] == 0 else 0)     # its line; core 0: 3 + the sum
            # a request writes at least core_command and core_busy, then reads core_busy
            assert c["ext_writes"] >= 2 * prints and c["ext_reads"] >= prints
    # all of it crosses the eLink (none of it goes to another core)
    el = doc["elink"]
    assert el["bytes_written"] == doc["totals"]["bytes_ext_writes"] > 0
    assert el["bytes_read"] == doc["totals"]["bytes_ext_reads"] > 0
    request = next(s for s in doc["symbols"] if s["name"] == "_ep_request")
    assert request["ext"] > 0 and request["remote"] == 0


def test_small_program_reads_its_code_area_only_to_copy_it(small):
    doc = small
    prog = compile_file(JACOBI, search_path=[])
    assert len(prog.code) <= 2048
    code = _area(doc) + L.SHARED_CODE_AREA_START
    hot = _overlapping(doc, "ext", code, code + len(prog.code))
    # each core copies the bytecode onto itself with word loads, once
    assert sum(h["reads"] for h in hot) == N * ((len(prog.code) + 3) // 4)


def test_big_program_is_interpreted_from_the_dram_code_area(tmp_path):
    path = big_jacobi(tmp_path)
    prog = compile_file(path, search_path=[])
    assert len(prog.code) > 2048
    doc = profile_of(tmp_path, path)
    code = _area(doc) + L.SHARED_CODE_AREA_START
    hot = _overlapping(doc, "ext", code, code + len(prog.code))
    reads = sum(h["reads"] for h in hot)
    # every byte of the padding function is read once per core (it runs once), and the
    # Jacobi loops run 12 times over their part of the code: far more than a copy would
    assert reads >= N * len(prog.code)
    # the same program kept on the cores (-codecore) reads its code area only to copy it
    doc_core = profile_of(tmp_path, path, "-codecore")
    hot_core = _overlapping(doc_core, "ext", code, code + len(prog.code))
    assert sum(h["reads"] for h in hot_core) == N * ((len(prog.code) + 3) // 4)
    assert doc["totals"]["ext_reads"] > doc_core["totals"]["ext_reads"] + N * len(prog.code)
