"""Statistics built once from the core's C counters after a run (text summary)."""
from __future__ import annotations

from typing import List


def text_summary(chip) -> List[str]:
    lines = ["epiphany-emu: per-core statistics",
             "  core   instructions       cycles    IPC  loads(l/r/ext)       stores(l/r/ext)"]
    tot_i = tot_c = 0
    for k in range(chip.ncores):
        n = chip.counters(k)
        if n["instructions"] == 0:
            continue
        tot_i += n["instructions"]
        tot_c = max(tot_c, n["cycles"])
        ipc = n["instructions"] / n["cycles"] if n["cycles"] else 0.0
        lines.append(f"  {chip.coreid(k):#05x} {n['instructions']:14d} {n['cycles']:12d} "
                     f"{ipc:6.3f}  {n['loads_local']}/{n['loads_remote']}/{n['ext_reads']}"
                     f"  {n['stores_local']}/{n['stores_remote']}/{n['ext_writes']}")
    lines.append(f"  total  {tot_i} instructions, {tot_c} cycles")
    return lines
