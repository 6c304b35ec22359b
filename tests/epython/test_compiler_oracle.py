"""Byte-for-byte comparisons with ePython's own compiler (skipped without EPYTHON_ORACLE).

Both compilers get the same module files: ePython through EPYTHONPATH, ours through
search_path.  The byte after each while loop is skipped (ePython leaves it uninitialised)."""
import glob
import os

import pytest

from epython.compiler import BUNDLED_MODULES, CompileError, compile_with_pads, preprocess_source
from tests.epython.oracle import (SOURCE, needs_oracle, needs_source, oracle_compile,
                                  run_oracle, same_bytes)

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sorted(glob.glob(os.path.join(HERE, "corpus", "*.py")))
PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "*.py")))


def _name(path):
    return os.path.basename(path)[:-3]


def _compare(source, name, module_dir):
    theirs, message = oracle_compile(source, name, module_dir)
    assert theirs is not None, message
    ours, pads = compile_with_pads(source, name, [module_dir])
    assert same_bytes(ours.to_bytes(), theirs, pads) == []


@needs_oracle
@pytest.mark.parametrize("path", CORPUS + PROGRAMS, ids=_name)
def test_same_bytes_as_epython(path):
    with open(path) as f:
        _compare(f.read(), os.path.basename(path), BUNDLED_MODULES)


@needs_oracle
@needs_source
def test_same_bytes_on_epythons_examples():
    examples = [p for p in sorted(glob.glob(os.path.join(SOURCE, "examples", "*.py")))
                if "offload" not in p]          # the offload ones are CPython programs
    assert examples
    for path in examples:
        with open(path) as f:
            _compare(f.read(), os.path.basename(path), os.path.join(SOURCE, "modules"))


@needs_source
def test_jacobi_example_size_from_the_spec():
    path = os.path.join(SOURCE, "examples", "jacobi.py")
    with open(path) as f:
        program, _ = compile_with_pads(f.read(), "jacobi.py", [os.path.join(SOURCE, "modules")])
    assert (len(program.code), program.nsymbols) == (1287, 24)


ERRORS = [
    "a=1\nb=-a\n", "a=1\nprint id(zz)\n", "a=1\nnofn(a)\n", "import notamodule\n",
    "native rtl_bogus(1)\n", "x=[]\n", "a=1;b=2\n", "def f(:\n    pass\n", "a=1\n  b=2\n",
    "for i in [1]:\nprint i\n", "next=1\n", "a=1\nalias(q, 1)\n", "print symbol(r)\n",
    "x=mod.fn(1)\n",
]


@needs_oracle
@pytest.mark.parametrize("source", ERRORS)
def test_same_error_message_as_epython(source):
    """Cases where ePython's line counting is right (no blank lines, the error not found
    at the end of a line)."""
    theirs, message = oracle_compile(source, "err.py", None)
    assert theirs is None
    with pytest.raises(CompileError) as err:
        compile_with_pads(source, "err.py", [])
    assert str(err.value) == message


@needs_oracle
@pytest.mark.parametrize("path", [p for p in PROGRAMS if _name(p) in
                                  ("task_farm", "jacobi", "hello")], ids=_name)
def test_same_preprocessed_text_as_epython(path):
    with open(path) as f:
        source = f.read()
    name = os.path.basename(path)
    proc, _ = run_oracle(source, name, ["-pp", "-o", "out.bin"], BUNDLED_MODULES)
    ours = preprocess_source(source, name, ["", "modules", BUNDLED_MODULES])
    assert proc.stdout.decode() == ours + "\n"
