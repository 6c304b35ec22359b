"""Every ePython run of the test suite uses ``--unaligned=stop`` (tests/epython/conftest.py
enforces it for runs in this process; this file checks the enforcement and the runs made in
subprocesses)."""
import glob
import io
import os
import re

import pytest

from emu.chip import Chip, ChipConfig
from emu.syscalls import HostIO
from epython.runtime import run_program
from tests.epython.vm_harness import compile_text

HERE = os.path.dirname(os.path.abspath(__file__))


def _chip(policy):
    return Chip(ChipConfig(unaligned=policy),
                HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))


def test_a_run_with_another_policy_is_refused_by_the_suite():
    prog = compile_text('print "x"\n')
    for policy in ("report", "trap"):
        with pytest.raises(AssertionError, match="unaligned"):
            run_program(prog, [0], chip=_chip(policy))


def test_a_run_with_the_default_policy_goes_through():
    out = io.StringIO()
    res = run_program(compile_text('print "x"\n'), [0], chip=_chip("stop"), stdout=out)
    assert res.stop == "exit" and out.getvalue() == "[device 0] x\n"


def test_no_test_asks_for_another_policy_outside_the_marked_ones():
    """Only tests marked unaligned_policy may name another policy; runs in subprocesses
    cannot be checked by the fixture, so their command lines are looked at here."""
    pattern = re.compile(r"""unaligned\s*=\s*["'](report|trap)|--unaligned[= ]["']?(report|trap)""")
    offenders = []
    for path in glob.glob(os.path.join(HERE, "**", "*.py"), recursive=True):
        if os.path.basename(path) in ("test_unaligned_stop.py", "conftest.py"):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # comment lines say nothing; a test function marked unaligned_policy may use it:
        # drop those functions
        text = re.sub(r"(?m)^\s*#.*$", "", text)
        text = re.sub(r"@pytest\.mark\.unaligned_policy\n(?:@.*\n)*def .*?(?=\n\S|\Z)", "",
                      text, flags=re.S)
        if pattern.search(text):
            offenders.append(os.path.relpath(path, HERE))
    assert offenders == []
