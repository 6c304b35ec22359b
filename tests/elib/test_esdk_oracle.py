"""The oracle: the same test programs built against the ESDK's own e-lib.

ESDK_ELIB names a directory holding the ESDK's e-lib built for this toolchain: its headers in
ESDK_ELIB/include (e_lib.h ...) and ESDK_ELIB/libe-lib.a.  Nothing of it is in this project;
the test skips without it.  tests/elib/build.sh compiles the programs of tests/elib/programs
against it (with our linker scripts: the ESDK's own do not place this toolchain's crt0), and
the checks of test_programs.py run on the results, expecting the ESDK's behaviour where
docs/elib.md says ours differs on purpose."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .elibrun import ROOT

ESDK_ELIB = os.environ.get("ESDK_ELIB")


@pytest.mark.toolchain
@pytest.mark.skipif(not ESDK_ELIB, reason="ESDK_ELIB (the ESDK's e-lib built here) not set")
@pytest.mark.skipif(shutil.which("epiphany-elf-gcc") is None,
                    reason="epiphany-elf toolchain not on PATH")
def test_programs_built_against_the_esdk_elib(tmp_path):
    out = tmp_path / "elf"
    b = subprocess.run([os.path.join(ROOT, "tests", "elib", "build.sh"), "--out", str(out),
                        "--elib", os.path.abspath(ESDK_ELIB)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert b.returncode == 0, b.stderr
    env = dict(os.environ, ESDK_ELIB_PROGRAMS=str(out))
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        os.path.join(ROOT, "tests", "elib", "test_programs.py")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-4000:]
