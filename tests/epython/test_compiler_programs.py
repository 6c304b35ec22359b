"""The acceptance programs of tests/epython/programs: each compiles with our bundled modules
and has a well-formed .expected file; with ePython's host-standalone build at hand
(EPYTHON_ORACLE), each one's output on it matches the .expected file."""
import glob
import os

import pytest

from epython.compiler import BUNDLED_MODULES, compile_file
from tests.epython.expected_output import compare, load_expected
from tests.epython.oracle import needs_oracle, run_oracle

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "*.py")))
KINDS = {"hello", "arithmetic", "strings", "functions", "byref", "lists_arrays", "loops",
         "controlflow", "input", "sendrecv", "bcast", "reduce", "sync", "haloswap", "jacobi",
         "pi_montecarlo", "task_farm", "mergesort", "oddeven_sort", "pipeline", "mandelbrot",
         "error_index"}


def _name(path):
    return os.path.basename(path)[:-3]


def test_every_kind_of_program_is_there():
    assert KINDS <= {_name(p) for p in PROGRAMS}


def test_no_program_is_named_like_a_module():
    # ePython looks for an imported module in the current directory first: a program named
    # taskfarm.py that imports taskfarm would import itself
    modules = {os.path.basename(p)[:-3]
               for p in glob.glob(os.path.join(BUNDLED_MODULES, "*.py"))}
    assert not modules & {_name(p) for p in PROGRAMS}


@pytest.mark.parametrize("path", PROGRAMS, ids=_name)
def test_program_compiles_and_has_expected_output(path):
    program = compile_file(path, [])
    assert program.code and program.nsymbols > 0
    exp = load_expected(path[:-3] + ".expected")
    assert 1 <= exp.cores <= 16
    assert exp.stdout or exp.stderr
    cores_seen = {int(line.split("]")[0].split()[-1]) for line in exp.stdout
                  if line.startswith("[device ")}
    assert cores_seen <= set(range(exp.cores))


@needs_oracle
@pytest.mark.parametrize("path", PROGRAMS, ids=_name)
def test_program_output_on_the_oracle(path):
    """ePython's host-standalone build runs the program on host threads (-h N): its lines say
    ``[host N]`` and its errors ``Error from host virtual core``, which we map to what the
    device monitor prints."""
    exp = load_expected(path[:-3] + ".expected")
    if exp.oracle_note:
        pytest.skip(exp.oracle_note)
    with open(path) as f:
        source = f.read()
    proc, _ = run_oracle(source, os.path.basename(path), ["-h", str(exp.cores)],
                         BUNDLED_MODULES, "".join(s + "\n" for s in exp.stdin))
    stdout = proc.stdout.decode(errors="replace").replace("[host ", "[device ")
    for core in range(exp.cores):
        stdout = stdout.replace(f"host {core}> ", f"device {core}> ")
    stderr = proc.stderr.decode(errors="replace").replace("Error from host virtual core: ",
                                                          "Error from core 0: ")
    assert compare(exp, stdout, stderr) == []
