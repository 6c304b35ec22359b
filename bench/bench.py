#!/usr/bin/env python3
"""Benchmarks: emulated MIPS and wall time per workload.

    python bench/bench.py              # all workloads, 5 runs each
    python bench/bench.py --repeat 5 int_crc

Workloads (compiled with the toolchain by bench/programs/build.sh, committed):
  int_crc       integer kernel (bitwise CRC-32), core-local SRAM, one core
  float_matmul  float kernel (32x32 matrix multiply), core-local SRAM, one core
  mem_stream    load/store kernel over word arrays, core-local SRAM, one core
  hwloop_dot    float dot product and integer mix on hardware loops (hand-written LS/LE/LC
                loops, as tuned Epiphany kernels are), core-local SRAM, one core
  flat_printf   newlib printf + soft double, default flat layout (external memory)
  flat_sieve    sieve of Eratosthenes over a byte array, default flat layout
  mc16_crc      int_crc on all 16 cores of the E16G301 (scheduler overhead)
  dram_crc      int_crc with the kernel's code in external DRAM (fast.ld, .code_dram)
  mc16_dram     dram_crc on all 16 cores (every core fetching from DRAM)
  legacy_crc    int_crc linked with legacy.ld: code and data in the core's DRAM slice
                (every load of the buffer stalls ~550 cycles on the eLink)
  mc16_postbox  tests/fixtures/multicore/postbox.elf on 16 cores: all-pairs message
                exchanges between uneven compute phases (communication-heavy)

ePython programs on the VM firmware have their own script, bench/epython_bench.py: bytecodes
per second and emulated cycles per bytecode for a loop, a Jacobi and a message ring (ours and,
with EPYTHON_GENUINE_FIRMWARE, ePython's genuine firmware), and the wall time of
`epython examples/epython/hello.py` on 16 cores; its docstring says what a bytecode is.

The last line is the start-up time: the whole `epiphany-emu load examples/hello.elf`
process, best of the repeats, with a bare interpreter's start for comparison.

MIPS = emulated instructions / wall seconds of the run loop (loading excluded).  Each
workload runs with the timing model on (the default: pipeline, mesh and eLink model), off
(every instruction its class cost; --timing off on the command line) and on with the profile
(--profile: counts per instruction address and per data block).  The last two columns are
the speed with timing on relative to off, and the time of a profiled run relative to a plain
one: medians over the repeats of the ratio between runs made back to back (robust to the
machine's speed drifting).  Those columns run on one host thread.  For the multi-core
workloads the last columns give MIPS with timing on at 2 and 4 host threads (--threads; the
outcome is the same at every count: the cycles column is checked) and the speed-up at 4
over 1.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import dataclasses                                # noqa: E402

from emu import timing                            # noqa: E402
from emu.chip import Chip, ChipConfig            # noqa: E402
from emu.syscalls import HostIO                  # noqa: E402
from loader.elf import read_elf                  # noqa: E402

PROG = os.path.join(HERE, "programs")
WORKLOADS = {
    "int_crc": ("int_crc.elf", 1),
    "float_matmul": ("float_matmul.elf", 1),
    "mem_stream": ("mem_stream.elf", 1),
    "hwloop_dot": ("hwloop_dot.elf", 1),
    "flat_printf": ("flat_printf.elf", 1),
    "flat_sieve": ("flat_sieve.elf", 1),
    "mc16_crc": ("int_crc.elf", 16),
    "dram_crc": ("dram_crc.elf", 1),
    "mc16_dram": ("dram_crc.elf", 16),
    "legacy_crc": ("legacy_crc.elf", 1),
    "mc16_postbox": (os.path.join("..", "..", "tests", "fixtures", "multicore", "postbox.elf"),
                     16),
}
THREADS = (2, 4)


def run_once(elf: str, ncores: int, timed: bool = True, profiled: bool = False,
             threads: int = 1):
    img = read_elf(os.path.join(PROG, elf))
    out = io.BytesIO()
    tm = dataclasses.replace(timing.DEFAULT, pipeline=timed)
    chip = Chip(ChipConfig.for_image(img, timing=tm, threads=threads),
                HostIO(stdout=out, stderr=io.BytesIO()))
    cores = chip.group(1, 1) if ncores == 1 else None      # None: the whole 4x4 chip
    chip.load_elf(img, cores)
    if profiled:
        chip.engine.enable_profiling()
    t0 = time.perf_counter()
    res = chip.run()
    dt = time.perf_counter() - t0
    if res.exit_code != 0 or res.fault is not None:
        raise SystemExit(f"{elf}: run failed ({res.stop}, exit {res.exit_code})")
    n = sum(chip.counters(k)["instructions"] for k in range(chip.ncores))
    cyc = max(chip.counters(k)["cycles"] for k in range(chip.ncores))
    return n, cyc, dt


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[1:]))
    ap.add_argument("workloads", nargs="*", choices=[[]] + list(WORKLOADS), default=[],
                    metavar="WORKLOAD", help="subset to run (default: all)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="runs per workload and mode; the best time is kept")
    a = ap.parse_args(argv)
    names = a.workloads or list(WORKLOADS)
    print(f"{'workload':14s} {'instructions':>13s} {'cycles':>12s} {'wall s':>8s} {'MIPS':>8s}"
          f" {'MIPS(off)':>10s} {'MIPS(prof)':>11s} {'on/off':>7s} {'prof/plain':>11s}"
          + "".join(f" {'MIPS(t%d)' % t:>9s}" for t in THREADS) + f" {'t4/t1':>6s}")
    for name in names:
        elf, ncores = WORKLOADS[name]
        best = {}
        ratios = []
        pratios = []
        for _ in range(max(1, a.repeat)):
            # the modes back to back, so that they see the same machine: this VM's speed
            # drifts by tens of percent from minute to minute
            pair = {}
            modes = ["on", "off", "prof"] + ([f"t{t}" for t in THREADS] if ncores > 1 else [])
            for mode in modes:
                n, cyc, dt = run_once(elf, ncores, mode != "off", mode == "prof",
                                      int(mode[1:]) if mode[0] == "t" else 1)
                pair[mode] = dt
                if mode not in best or dt < best[mode][2]:
                    best[mode] = (n, cyc, dt)
                if mode[0] == "t" and (n, cyc) != best["on"][:2]:
                    raise SystemExit(f"{name}: {mode} ran {n} instructions in {cyc} cycles, "
                                     f"one thread {best['on'][1]}")
            ratios.append(pair["off"] / pair["on"])
            pratios.append(pair["prof"] / pair["on"])
        n, cyc, dt = best["on"]
        dt_off = best["off"][2]
        dt_prof = best["prof"][2]
        ratios.sort()
        pratios.sort()
        print(f"{name:14s} {n:13d} {cyc:12d} {dt:8.3f} {n / dt / 1e6:8.1f}"
              f" {n / dt_off / 1e6:10.1f} {n / dt_prof / 1e6:11.1f}"
              f" {ratios[len(ratios) // 2]:7.2f} {pratios[len(pratios) // 2]:11.2f}"
              + ("".join(f" {n / best[f't{t}'][2] / 1e6:9.1f}" for t in THREADS)
                 + f" {dt / best['t4'][2]:6.2f}" if ncores > 1 else ""))
    if not a.workloads:
        startup(a.repeat)
    return 0


def startup(repeat: int) -> None:
    """Wall time of the whole `epiphany-emu load examples/hello.elf` process (interpreter
    start, imports, loading, the run, exit), best of `repeat`, next to a bare `python -c
    pass` on the same machine (what no Python program can go below)."""
    import subprocess
    root = os.path.dirname(HERE)
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))

    def best(cmd):
        times = []
        for _ in range(max(3, repeat)):
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - t0)
        return min(times)
    load = best([sys.executable, "-m", "emu", "load", "examples/hello.elf"])
    bare = best([sys.executable, "-c", "pass"])
    print(f"start-up: epiphany-emu load examples/hello.elf {load * 1000:.0f} ms "
          f"(python -c pass {bare * 1000:.0f} ms on this machine)")


if __name__ == "__main__":
    sys.exit(main())
