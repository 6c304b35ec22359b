"""Running ePython programs on the emulated chip for the VM tests (tests/epython/test_vm*.py).

Every run uses the default chip configuration, so any misaligned access stops the run with a
fault (``unaligned=stop``) and the test sees ``stop != "exit"``.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import List, Optional, Sequence

from epython.bytecode import Program
from epython.runtime import RunOutcome, run_program

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
#: the genuine ePython v2.0 device firmware, if someone built it (never committed)
GENUINE = os.environ.get("EPYTHON_GENUINE_FIRMWARE", "")
#: ePython's host-standalone build (``make standalone``), if someone built it (the compiler's
#: tests call the same binary EPYTHON_ORACLE)
ORACLE = os.environ.get("EPYTHON_ORACLE_HOST", "") or os.environ.get("EPYTHON_ORACLE", "")


@dataclass
class Run:
    res: RunOutcome
    out: str
    err: str

    def lines(self, core: int = 0) -> List[str]:
        return self.res.output(core)

    def errors(self, core: int = 0) -> List[str]:
        return self.res.cores[core].errors

    @property
    def stop(self) -> str:
        return self.res.stop


def run(prog: Program, cores: Sequence[int] = (0,), stdin: str = "",
        firmware: Optional[str] = None, max_cycles: int = 400_000_000, **kw) -> Run:
    out, err = io.StringIO(), io.StringIO()
    res = run_program(prog, list(cores), firmware=firmware, stdout=out, stderr=err,
                      stdin=io.StringIO(stdin), max_cycles=max_cycles, **kw)
    return Run(res, out.getvalue(), err.getvalue())


def compile_text(text: str, name: str = "test.py") -> Program:
    from epython.compiler import compile_source
    return compile_source(text, name)


def run_source(text: str, cores: Sequence[int] = (0,), **kw) -> Run:
    return run(compile_text(text), cores, **kw)


def ok(r: Run) -> Run:
    """Assert the run completed normally on every core and return it."""
    assert r.stop == "exit", (r.stop, r.res.message, r.out, r.err)
    return r
