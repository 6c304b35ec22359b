#!/usr/bin/env python3
"""Overheads of @offload (epython._offload, docs/offload.md) on the emulated 16-core chip.

    python bench/offload_bench.py              # 5 repeats
    python bench/offload_bench.py --repeat 9

Rows:
  empty call       one blocking call of a kernel that does nothing, on all 16 cores
  4 KB to 1 core   copy_to_device of a 1024-element float32 numpy array to one core
  4 KB from 1 core copy_from_device of it back (a list)
  4 KB to 16       the same array to every core (each core its own copy)
  4 KB from 16     back from every core

each with lists moved in bulk (the core makes the list and sends id() of it; the host writes
or reads its cells directly: the default) and element by element (ePython's way: one host
round trip per element; those rows run once).  Emulated cycles are the chip's global time
from the call to its return (deterministic: the chip does not run while it waits for the
host); they vary between repeats only with the state left behind: a new 4 KB list does not
fit a core's local heap beside the old one, so every other copy makes it in the DRAM heap,
whose zeroing goes through the eLink (16 cores at once: ~260,000 cycles).  Wall and CPU time
(both threads) are the host's, medians over the repeats.  The host's own time is not modelled: its writes into a
core's memory take no emulated time; at the eLink's write bandwidth (emu/timing.py, 143 MiB/s)
4 KB would take about 16,400 cycles (27 us at 600 MHz) per copy.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import numpy as np                                # noqa: E402

import epython._offload as eo                      # noqa: E402

ARRAY = np.arange(1024, dtype=np.float32)         # 4 KB

buf = None
eo.define_on_device("buf", None)


@eo.offload
def nothing():
    pass


def cases():
    return [
        ("empty call", lambda: nothing()),
        ("4 KB to 1 core", lambda: eo.copy_to_device("buf", ARRAY, target=0)),
        ("4 KB from 1 core", lambda: eo.copy_from_device("buf", target=0)),
        ("4 KB to 16 cores", lambda: eo.copy_to_device("buf", ARRAY)),
        ("4 KB from 16 cores", lambda: eo.copy_from_device("buf")),
    ]


def measure(fn, repeat: int):
    """(median wall s, median CPU s of the process (both threads), cycles of each run)."""
    s = eo.default.session()
    walls, cpus, cycles = [], [], []
    for _ in range(repeat):
        c0 = int(s.engine.now)
        t0, p0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - p0)
        cycles.append(int(s.engine.now) - c0)
    return statistics.median(walls), statistics.median(cpus), cycles


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"{'':19s} {'transfer':8s} {'wall ms':>8s} {'CPU ms':>7s} {'cycles (median)':>16s} "
          f"{'min..max':>17s} {'us@600MHz':>9s}")
    for transfer in ("bulk", "element"):
        eo.configure(transfer=transfer)
        nothing()                                   # the chip started, every core waiting
        eo.copy_to_device("buf", ARRAY)             # the list exists on every core
        for name, fn in cases():
            reps = args.repeat if transfer == "bulk" or name == "empty call" else 1
            wall, cpu, cyc = measure(fn, reps)
            med = int(statistics.median(cyc))
            print(f"{name:19s} {transfer:8s} {wall * 1e3:8.1f} {cpu * 1e3:7.1f} {med:16d} "
                  f"{f'{min(cyc)}..{max(cyc)}':>17s} {med / 600:9.1f}")
    st = eo.stats()
    print(f"\nprogram: {st['code_bytes']} bytes of bytecode, {st['symbols']} symbols, "
          f"code {'on the cores' if st['code_on_cores'] else 'in DRAM'}")
    eo.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
