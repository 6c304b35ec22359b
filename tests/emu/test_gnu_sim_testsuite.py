"""Oracle: the GNU Epiphany simulator's own testsuite (Adapteva's binutils-gdb fork,
sim/testsuite/sim/epiphany), run by tools/gnu_sim_testsuite.py the way its DejaGnu driver runs
it on the simulator.  Its path comes from GNU_SIM_TESTSUITE (never committed here); needs the
toolchain on PATH.  Skips without either."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUITE = os.environ.get("GNU_SIM_TESTSUITE")


@pytest.mark.skipif(not SUITE or shutil.which("epiphany-elf-as") is None,
                    reason="set GNU_SIM_TESTSUITE to sim/testsuite/sim/epiphany of Adapteva's "
                           "binutils-gdb and put the toolchain on PATH")
def test_every_test_the_toolchain_can_build_passes():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gnu_sim_testsuite.py"),
                        SUITE], capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert " pass" in r.stdout.splitlines()[-1]
