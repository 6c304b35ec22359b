"""The bytecode listing walks every compiled program from end to end (so every statement and
expression we emit has the prefix shape the VM expects)."""
import glob
import os

import pytest

from epython.compiler import compile_file, compile_source
from epython.compiler.disasm import disassemble

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = sorted(glob.glob(os.path.join(HERE, "corpus", "*.py"))
                 + glob.glob(os.path.join(HERE, "programs", "*.py")))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: os.path.basename(p)[:-3])
def test_listing_covers_the_whole_program(path):
    program = compile_file(path, [])
    listing = disassemble(program)
    assert listing.rstrip().splitlines()[-1]
    for name, addr in program.functions.items():
        assert f"{addr:04x}: def {name}(" in listing


def test_listing_of_hidden_arguments():
    p = compile_source("def f(a):\n    return a\nx=f(1)\n", "t.py")
    assert disassemble(p).splitlines()[0] == "0000: let v2 = {let v3 = 1} call @0015(v3)"
