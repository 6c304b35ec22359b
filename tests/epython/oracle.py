"""ePython's own host-standalone build as an oracle, when one is at hand.

``EPYTHON_ORACLE`` names the ``epython-host`` binary (built with ``make standalone`` from
ePython's sources, outside this repository); ``EPYTHON_SOURCE`` names a checkout of ePython's
sources (its ``examples/`` and ``modules/``).  Tests that need them skip without them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import List, Optional, Tuple

import pytest

ORACLE = os.environ.get("EPYTHON_ORACLE")
SOURCE = os.environ.get("EPYTHON_SOURCE")

needs_oracle = pytest.mark.skipif(not (ORACLE and os.access(ORACLE, os.X_OK)),
                                  reason="EPYTHON_ORACLE (ePython's epython-host) not set")
needs_source = pytest.mark.skipif(not (SOURCE and os.path.isdir(os.path.join(SOURCE or "",
                                                                             "examples"))),
                                  reason="EPYTHON_SOURCE (ePython's sources) not set")


def run_oracle(source: str, name: str, args: List[str], module_dir: Optional[str],
               stdin: str = "", timeout: float = 120) -> Tuple[subprocess.CompletedProcess,
                                                                Optional[bytes]]:
    """Run the oracle on ``source`` saved as ``name`` in a fresh directory (the current
    directory of the run), modules from ``module_dir``; returns the process and the bytes of
    ``out.bin`` if the arguments asked for ``-o out.bin``."""
    d = tempfile.mkdtemp(prefix="epy-oracle-")
    try:
        with open(os.path.join(d, name), "w") as f:
            f.write(source)
        env = dict(os.environ)
        env.pop("EPYTHONPATH", None)
        if module_dir:
            env["EPYTHONPATH"] = module_dir
        proc = subprocess.run([ORACLE, *args, name], cwd=d, env=env, input=stdin.encode(),
                              capture_output=True, timeout=timeout)
        out = os.path.join(d, "out.bin")
        data = None
        if os.path.exists(out):
            with open(out, "rb") as f:
                data = f.read()
        return proc, data
    finally:
        shutil.rmtree(d, ignore_errors=True)


def oracle_compile(source: str, name: str, module_dir: Optional[str]):
    """(saved bytes or None, the oracle's first message line)"""
    proc, data = run_oracle(source, name, ["-o", "out.bin"], module_dir, timeout=30)
    message = (proc.stderr.decode(errors="replace").strip().splitlines() or [""])[0]
    return data, message


def same_bytes(ours: bytes, theirs: bytes, pads: List[int]) -> List[int]:
    """Offsets where two saved programs differ, ignoring the bytes ePython leaves
    uninitialised after each while loop (``pads``, offsets in the code)."""
    if len(ours) != len(theirs):
        return [-1]
    skip = {p + 6 for p in pads}
    return [i for i in range(len(ours)) if ours[i] != theirs[i] and i not in skip]
