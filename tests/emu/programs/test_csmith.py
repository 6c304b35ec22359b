"""Differential random testing: csmith programs compiled for Epiphany print the checksum the
same program prints compiled for the host (tests/fixtures/csmith, regenerated/extended by
tools/csmith_campaign.py when the toolchain is present)."""
import json
import os

import pytest

from emu.chip import run_elf

HERE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "csmith")
MANIFEST = json.load(open(os.path.join(HERE, "manifest.json")))


@pytest.mark.parametrize("prog", MANIFEST["programs"], ids=[p["name"] for p in MANIFEST["programs"]])
def test_csmith_checksum_matches_host(prog):
    res, out, err, _ = run_elf(os.path.join(HERE, prog["elf"]), max_cycles=4_000_000_000)
    assert res.fault is None, res.fault
    with open(os.path.join(HERE, prog["expected_stdout"]), "rb") as f:
        assert out == f.read()
    assert res.exit_code == prog["expected_exit_code"]
