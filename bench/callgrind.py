#!/usr/bin/env python3
"""Host instructions per emulated instruction, counted with valgrind's callgrind.

    python bench/callgrind.py                       # the default set (see WORKLOAD below)
    python bench/callgrind.py --mode prof mc16_crc  # profiled; any workload of bench.py

Each workload of bench/bench.py runs once under `valgrind --tool=callgrind`, counting only
the host instructions executed inside `Engine.run` (the emulator's core and scheduler;
loading, Python's start-up and the syscalls serviced in Python between runs are left out).
The count divided by the emulated instructions is printed per workload.  Unlike wall time,
the count does not depend on what else the machine is doing, so two builds can be compared
on a shared or noisy machine (it does not see cache misses or branch mispredictions).

Modes: `on` (timing model on, the default run), `off` (--timing off), `prof` (timing on,
profiled).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = ["int_crc", "float_matmul", "mem_stream", "hwloop_dot", "flat_printf", "flat_sieve"]
# the C function of Engine.run (Cython's name for the Python-visible method)
TOGGLE = "__pyx_pw_3emu_5_core_6Engine_*run"


def child(name: str, mode: str) -> None:
    sys.path.insert(0, HERE)
    from bench import WORKLOADS, run_once
    elf, ncores = WORKLOADS[name]
    n, cyc, _ = run_once(elf, ncores, mode != "off", mode == "prof")
    print(f"insns {n} cycles {cyc}")


def measure(name: str, mode: str, valgrind: str):
    """(host instructions in Engine.run, emulated instructions, cycles) of one run."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [valgrind, "--tool=callgrind", "--collect-atstart=no",
               f"--toggle-collect={TOGGLE}",
               f"--callgrind-out-file={os.path.join(tmp, 'callgrind.out')}",
               sys.executable, os.path.abspath(__file__), "--child", name, mode]
        r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{name}: {' '.join(cmd)} failed:\n{r.stderr[-2000:]}")
    ir = re.search(r"Collected\s*:\s*(\d+)", r.stderr)
    m = re.search(r"insns (\d+) cycles (\d+)", r.stdout)
    if not ir or not m:
        raise SystemExit(f"{name}: unexpected output:\n{r.stdout}\n{r.stderr[-2000:]}")
    return int(ir.group(1)), int(m.group(1)), int(m.group(2))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[1:]))
    ap.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                    help=f"bench.py workloads (default: {' '.join(DEFAULT)})")
    ap.add_argument("--mode", choices=["on", "off", "prof"], default="on")
    ap.add_argument("--valgrind", default="valgrind")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        child(*a.child)
        return 0
    sys.path.insert(0, HERE)
    from bench import WORKLOADS
    for name in a.workloads:
        if name not in WORKLOADS:
            ap.error(f"unknown workload {name!r} (bench.py has: {' '.join(WORKLOADS)})")
    print(f"{'workload':14s} {'instructions':>13s} {'cycles':>12s} {'host insns':>14s}"
          f" {'per insn':>9s}")
    for name in a.workloads or DEFAULT:
        ir, n, cyc = measure(name, a.mode, a.valgrind)
        print(f"{name:14s} {n:13d} {cyc:12d} {ir:14d} {ir / n:9.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
