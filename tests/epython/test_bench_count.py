"""bench/epython_bench.py counts bytecode statements at the firmware's statement dispatch:
the count must be the one the program's bytecode implies, and the same on every firmware."""
import importlib.util
import os

import pytest

from epython.compiler import compile_source
from epython.monitor import DEFAULT_FIRMWARE
from tests.epython.vm_harness import GENUINE

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
spec = importlib.util.spec_from_file_location("epython_bench",
                                              os.path.join(ROOT, "bench", "epython_bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

LOOP = "i=0\ns=0\nwhile i < {n}:\n    s=s+i\n    i=i+1\nprint s\n"
FIRMWARES = [DEFAULT_FIRMWARE] + ([GENUINE] if GENUINE else [])


def test_the_bench_programs_are_there():
    for path, ncores, marker in bench.WORKLOADS.values():
        assert os.path.isfile(os.path.join(bench.PROGRAMS, path))


@pytest.mark.parametrize("firmware", FIRMWARES, ids=["ours", "genuine"][:len(FIRMWARES)])
def test_a_loop_counts_four_statements_an_iteration(firmware):
    assert bench.dispatch_pc(firmware) is not None
    for n in (10, 250):
        st, _, _, out, _ = bench.run_once(compile_source(LOOP.format(n=n)), 1, firmware,
                                          profile=True)
        assert out == f"[device 0] {n * (n - 1) // 2}\n"
        assert st == bench.loop_statements(n) == 4 * n + 5


@pytest.mark.parametrize("firmware", FIRMWARES, ids=["ours", "genuine"][:len(FIRMWARES)])
def test_function_calls_count_their_body(firmware):
    """A call statement, then the callee's statements (its default store, its body and the
    appended RETURN), on each core."""
    src = "def f(a, b=1):\n    a=a+b\n    a=a+b\nx=0\nf(x)\nf(x)\nprint x\n"
    st, _, _, out, _ = bench.run_once(compile_source(src), 2, firmware, profile=True)
    assert out.count("4") == 2
    # per core: x=0, 2 x (call, LETNOALIAS, 2 LETs, RETURN), print, STOP
    assert st == 2 * (1 + 2 * 5 + 1 + 1)


def test_an_unknown_firmware_has_no_dispatch(tmp_path):
    assert bench.dispatch_pc(os.path.join(ROOT, "examples", "hello.elf")) is None
