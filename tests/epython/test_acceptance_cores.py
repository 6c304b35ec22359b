"""The acceptance programs of tests/epython/acceptance on 1, 4 and 16 cores.

Each program is ePython dialect written for any core count; what it must print on ``n``
cores comes from a plain-Python reference of its semantics
(``tests/epython/acceptance_reference.py``), never from a run of ours.  Output is compared
phase by phase (a ``sync()`` or a message orders phases), each core's own lines in order
(``expected_output.compare_phases``).

* on our firmware (always);
* on ePython's genuine device firmware under our monitor (``EPYTHON_GENUINE_FIRMWARE``);
* the references themselves against ePython's host-standalone build running the same
  programs on ``-h n`` host threads (``EPYTHON_ORACLE``): a check of the references that
  involves no code of ours but the bundled modules.

Every run uses the default chip configuration, so a misaligned access stops it with a
fault: a run passes only if it ends with every core completed (``stop == "exit"``).
"""
from __future__ import annotations

import functools
import glob
import io
import os
import subprocess

import pytest

from epython.compiler import BUNDLED_MODULES, compile_file
from tests.epython import acceptance_reference as ref
from tests.epython.expected_output import compare_phases
from tests.epython.oracle import ORACLE
from tests.epython.vm_harness import GENUINE, run

HERE = os.path.dirname(os.path.abspath(__file__))
ACCEPTANCE = os.path.join(HERE, "acceptance")
NAMES = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(ACCEPTANCE, "*.py")))
CORES = ref.core_counts()

#: the kinds of program of spec §4 and the brief of issue 11, and the programs showing them
KINDS = {
    "hello": "hello", "arithmetic": "arithmetic", "strings": "strings",
    "functions": "functions", "by-reference": "byref", "lists/arrays": "lists_arrays",
    "loops": "loops", "control flow on coreid()": "controlflow", "input": "input",
    "send/recv": "sendrecv", "bcast": "bcast", "reduce": "reduce", "sync": "sync",
    "halo swap with sendrecv": "haloswap", "Jacobi": "jacobi",
    "Monte Carlo pi with random": "pi", "task farm": "taskfarm_squares",
    "merge sort": "mergesort", "odd-even sort": "oddeven_sort", "pipeline": "pipeline",
    "run-time errors": "errors",
}


@functools.lru_cache(maxsize=None)
def _program(name):
    return compile_file(os.path.join(ACCEPTANCE, name + ".py"), search_path=[])


def _expected(name, n):
    exp = ref.expected(name, n)
    if exp is None:
        pytest.skip(f"no reference for {name} on this machine (needs glibc's rand())")
    return exp


def _run(name, n, firmware=None):
    exp = _expected(name, n)
    warn = io.StringIO()
    r = run(_program(name), range(n), stdin="".join(s + "\n" for s in exp.stdin),
            firmware=firmware, max_cycles=400_000_000, warn=warn)
    assert r.stop == "exit", (r.stop, r.res.message, r.out, r.err)
    problems = compare_phases(exp.phases, exp.errors, r.out, r.err)
    assert not problems, "\n".join(problems)


def test_every_kind_has_a_program_and_a_reference():
    assert set(KINDS.values()) <= set(NAMES)
    assert set(NAMES) == set(ref.REFERENCES)


def test_no_program_is_named_like_a_module():
    modules = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(BUNDLED_MODULES, "*.py"))}
    assert not modules & set(NAMES)


@pytest.mark.parametrize("n", CORES)
@pytest.mark.parametrize("name", NAMES)
def test_program_on_our_firmware(name, n):
    _run(name, n)


@pytest.mark.skipif(not GENUINE, reason="set EPYTHON_GENUINE_FIRMWARE to ePython's device ELF")
@pytest.mark.parametrize("n", CORES)
@pytest.mark.parametrize("name", NAMES)
def test_program_on_the_genuine_firmware(name, n):
    # ePython's receive copies a postbox slot byte by byte, the sequence byte last: it needs
    # the sender's byte stores to land one by one, in order (tests/fixtures/multicore/postbox.c
    # checks that with a program of ours)
    _run(name, n, firmware=GENUINE)


# ---- the references against ePython's own interpreter ---------------------------------------------
#: programs whose output on ePython's host-standalone build cannot match the reference
ORACLE_DIFFERS = {
    # its host seeds rand() with the time
    "pi": "random numbers differ from run to run",
    # its host-standalone build garbles every input after the first (a string of junk)
    "input": "the second input() reads junk there",
}


@pytest.mark.skipif(not (ORACLE and os.access(ORACLE, os.X_OK)),
                    reason="EPYTHON_ORACLE (ePython's epython-host) not set")
@pytest.mark.parametrize("n", CORES)
@pytest.mark.parametrize("name", NAMES)
def test_reference_agrees_with_epythons_interpreter(name, n, tmp_path):
    """ePython's host-standalone build runs the program on ``n`` host threads (``-h n``) with
    our bundled modules; its ``[host N]`` lines must be the reference's."""
    if name in ORACLE_DIFFERS:
        pytest.skip(ORACLE_DIFFERS[name])
    if name == "errors" and n > 1:
        pytest.skip("there the first run-time error ends every host thread")
    exp = _expected(name, n)
    src = os.path.join(ACCEPTANCE, name + ".py")
    (tmp_path / (name + ".py")).write_bytes(open(src, "rb").read())
    env = dict(os.environ, EPYTHONPATH=BUNDLED_MODULES)
    proc = subprocess.run([ORACLE, "-h", str(n), name + ".py"], cwd=tmp_path, env=env,
                          input="".join(s + "\n" for s in exp.stdin).encode(),
                          capture_output=True, timeout=600)
    out = proc.stdout.decode(errors="replace").replace("[host ", "[device ")
    for core in range(n):
        out = out.replace(f"host {core}> ", f"device {core}> ")
    err = proc.stderr.decode(errors="replace")
    if n == 1:
        err = err.replace("Error from host virtual core: ", "Error from core 0: ")
    problems = compare_phases(exp.phases, exp.errors, out, err)
    assert not problems, "\n".join(problems)


# ---- the comparison itself can fail -----------------------------------------------------------------
def test_compare_phases_finds_each_kind_of_difference():
    phases = [[(0, "a"), (1, "b")], [(0, "c")]]
    ok_out = "[device 1] b\n[device 0] a\n[device 0] c\n"
    assert compare_phases(phases, [], ok_out, "") == []
    # a line of the second phase before one of the first
    assert compare_phases(phases, [], "[device 0] a\n[device 0] c\n[device 1] b\n", "")
    # a wrong text, a missing line, an extra line, text without a prefix
    assert compare_phases(phases, [], ok_out.replace("c", "x"), "")
    assert compare_phases(phases, [], "[device 1] b\n[device 0] a\n", "")
    assert compare_phases(phases, [], ok_out + "[device 1] d\n", "")
    assert compare_phases(phases, [], "Warning\n" + ok_out, "")
    # errors in any order, but all of them
    errs = ["Error from core 1: x", "Error from core 0: y"]
    assert compare_phases(phases, errs, ok_out, "Error from core 0: y\nError from core 1: x\n") == []
    assert compare_phases(phases, errs, ok_out, "Error from core 0: y\n")
    # a prompt followed on its line by the next output
    prompt = [[(0, "Count? "), (0, ""), (0, "12")]]
    assert compare_phases(prompt, [], "[device 0] Count? device 0> [device 0] 12\n", "") == []


def test_references_depend_on_the_core_count():
    """A reference that printed the same for every core count would test nothing about it."""
    for name in NAMES:
        outs = [ref.expected(name, n) for n in CORES]
        if outs[0] is None:
            continue
        assert len({repr(o.phases) for o in outs}) == len(CORES), name
