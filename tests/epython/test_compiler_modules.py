"""Our bundled modules (epython/modules): each compiles with every function linked, keeps the
API of spec §2.1-2.2, and uses the numbers of epython/bytecode.py."""
import os
import re
import struct

import pytest

from epython.bytecode import NATIVE_FUNCTIONS, MathOp, Op, ReduceOp, native_byte
from epython.compiler import BUNDLED_MODULES, compile_source

MODULES = ["parallel", "util", "math", "random", "array", "memory", "concurrency", "taskfarm"]

API = {
    "parallel": {"coreid", "numcores", "ishost", "isdevice", "send", "recv", "sendrecv",
                 "nonblocking_send", "test_sent", "wait_sent", "probe", "bcast", "reduce",
                 "sync"},
    "util": {"range", "xrange", "oddSort"},
    "math": {"pow", "pi", "e", "exp", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan",
             "sinh", "cosh", "tanh", "floor", "ceil", "log", "log10"},
    "random": {"random", "randrange", "randint"},
    "array": {"array", "shared_mem_array", "len", "size", "ndim", "shape", "nbytes",
              "flatten", "arraycopy", "freearray"},
    "memory": {"free", "gc"},
    "concurrency": {"expose", "access"},
    "taskfarm": {"initTaskFarm", "worker", "execFunction", "testFunctionFinish",
                 "waitFunctionFinish", "shutdownTaskFarm"},
}


def module_source(name):
    with open(os.path.join(BUNDLED_MODULES, name + ".py")) as f:
        return f.read()


def defs(name):
    return re.findall(r"^def (\w+)\(", module_source(name), re.M)


def linked_all(name):
    """The module with every one of its functions linked (each used as a value)."""
    src = f"from {name} import *\n" + "".join(f"v{i}={fn}\n" for i, fn in enumerate(defs(name)))
    return compile_source(src, "all.py", [])


@pytest.mark.parametrize("name", MODULES)
def test_module_compiles_with_every_function(name):
    p = linked_all(name)
    assert set(defs(name)) <= set(p.functions)
    assert len(p.code) < 2048 or name in ("taskfarm", "array")


@pytest.mark.parametrize("name", MODULES)
def test_module_api(name):
    assert API[name] <= set(defs(name))


@pytest.mark.parametrize("name", MODULES)
def test_no_line_is_mistaken_for_an_import(name):
    # the preprocessor splices a file for ANY line containing "import" (spec §1.2.1)
    for line in module_source(name).splitlines():
        if "import" in line:
            assert re.fullmatch(r"(from \w+ import [\w*, ]+|import \w+)", line), line


def test_importing_a_module_adds_no_code_until_used():
    for name in MODULES:
        if name != "taskfarm":           # taskfarm has two module globals
            assert compile_source(f"from {name} import *\n", "t.py", []).code == b"\x01"


def _function_body(program, name):
    start = program.functions[name]
    later = [a for a in program.functions.values() if a > start]
    return program.code[start:min(later) if later else len(program.code)]


def _math_native(op, nargs):
    """The start of ``native rtl_math(op, ...)`` with nargs arguments in all."""
    return (bytes([Op.NATIVE, native_byte(*NATIVE_FUNCTIONS["rtl_math"])])
            + struct.pack("<H", nargs) + bytes([Op.INTEGER]) + struct.pack("<i", op))


@pytest.mark.parametrize("op", [m for m in MathOp if m != MathOp.RANDOM])
def test_math_functions_use_the_contract_operation_codes(op):
    body = _function_body(linked_all("math"), op.name.lower())
    assert _math_native(op, 2) in body


def test_random_uses_the_random_operation():
    p = linked_all("random")
    for fn in ("random", "randrange", "randint"):
        assert _math_native(MathOp.RANDOM, 1) in _function_body(p, fn)


def test_reduce_operation_codes_match_the_contract():
    src = module_source("parallel")
    body = src[src.index("def reduce("):]
    for op in ReduceOp:
        if op == ReduceOp.SUM:
            continue
        assert re.search(rf'op == "{op.name.lower()}":\n\s+_code={int(op)}\n', body), op


def test_natives_called_by_the_modules_exist():
    for name in MODULES:
        for native in re.findall(r"native (\w+)\(", module_source(name)):
            assert native in NATIVE_FUNCTIONS, (name, native)
