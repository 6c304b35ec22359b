"""C programs compiled by epiphany-elf-gcc (-O0/-Og/-O2, newlib) must print under the emulator
exactly what the same program prints compiled for the host (tests/fixtures/c/manifest.json,
built by tools/build_fixtures.py; replayed here without the toolchain)."""
import json
import os

import pytest

from emu.chip import run_elf

HERE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "c")
MANIFEST = json.load(open(os.path.join(HERE, "manifest.json")))

CASES = [(p, e) for p in MANIFEST["programs"] for e in p["elfs"]]


def _read(name):
    if name is None:
        return b""
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


@pytest.mark.parametrize("prog,elf", CASES, ids=[f"{p['name']}{e['opt']}" for p, e in CASES])
def test_program_matches_host(prog, elf, tmp_path):
    sandbox = str(tmp_path) if prog.get("needs_sandbox") else None
    res, out, err, chip = run_elf(os.path.join(HERE, elf["path"]), stdin=_read(prog.get("stdin")),
                                  sandbox=sandbox, max_cycles=2_000_000_000)
    assert res.fault is None, res.fault
    assert out == _read(prog["expected_stdout"])
    assert err == _read(prog.get("expected_stderr"))
    assert res.exit_code == prog["expected_exit_code"]
