"""The published Parallella measurements the timing model is checked against, and the fixtures
that reproduce each one's method on the emulator (tests/fixtures/timing, docs/timing.md).

Every figure is in core clock cycles (the E16G301 of the Parallella runs at 600 MHz: fact sheet
§5.2).  `rows()` runs the fixtures and pairs each published figure with the emulator's;
`bench/timing_table.py` prints them, `tests/emu/test_timing_calibration.py` checks them.
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "timing")
CLOCK_HZ = 600_000_000
MIB = 1 << 20

# ---- the sources -------------------------------------------------------------------------
FORUM307 = ("Parallella forum t=307, quoted in coduin/epiphany-bsp docs/memory_details.rst: "
            "Adapteva's e-bandwidth-test, core (0,0), 8 KiB")
FABIGB_LAT = "fabigB/myParallella noCPerformance/latency/README.md (100 runs, timer removed)"
FABIGB_BW = ("fabigB/myParallella realTime/latencyBandwidthTest/README.md "
             "(e_dma_copy + answer, raw cycles incl. the 89-cycle timer)")

# ---- the figures -------------------------------------------------------------------------
#: e-bandwidth-test, 8 KiB, cycles (MiB/s at 600 MHz in the forum post: 504.09, 115.65, 142.99,
#: 4.19 with memcpy; 1949.88, 480.82, 493.21, 154.52 with DMA)
EBW_MEMCPY = {"to other core": 9299, "from other core": 40531, "to ERAM": 32782,
              "from ERAM": 1119132}
EBW_DMA = {"to other core": 2404, "from other core": 9749, "to ERAM": 9504,
           "from ERAM": 30336}
#: write/answer round trip from core 0 to core k (row-major), cycles, timer cost removed
LATENCY = {1: 14.5, 2: 15.895, 3: 17.20, 4: 14.58, 5: 16.03, 6: 17.555, 7: 19.0, 8: 15.85,
           9: 17.29, 10: 19.14, 11: 20.12, 12: 17.47, 13: 19.095, 14: 20.045, 15: 21.74}
#: fabigB's timer cost: "Running just the timer takes 89 cycles"
FABIGB_TIMER = 89
#: e_dma_copy of N ints from core 0 to core F (3,3) and the answer back: raw cycles
DMA_TO_F = {2: 443, 128: 657, 512: 1199, 1024: 2066, 2048: 3794, 3072: 5414}
#: ... to core 3 (0,3): "Same numbers" (no 12 KB row)
DMA_TO_3 = {2: 443, 128: 657, 512: 1199, 1024: 2066, 2048: 3794}
#: 4 KB to core F while other cores' DMA streams (source-target) compete: raw cycles ("approx")
DMA_COMPETING = {"1-0": 2075, "1-3": 2075, "1-7": 2075, "1-B": 2075, "1-B 2-7": 2192,
                 "1-B 3-B": 2168, "3-B 2-7": 2125, "1-B 2-7 3-B": 2647}

TOLERANCE = 0.15


@dataclass
class Row:
    group: str          # which measurement
    what: str           # which figure of it
    board: float        # published, cycles
    emu: Optional[float]  # the emulator's, cycles (None: the fixture did not print it)
    source: str

    @property
    def ratio(self) -> Optional[float]:
        return None if self.emu is None else self.emu / self.board

    @property
    def ok(self) -> bool:
        return self.ratio is not None and abs(self.ratio - 1) <= TOLERANCE


def run_fixture(elf: str, cores=None, timing=None, max_cycles: int = 400_000_000) -> str:
    """Run a fixture on the E16G301 (the whole 4x4 chip unless `cores` = (rows, cols)) and
    return its standard output."""
    from emu.chip import Chip, ChipConfig
    from emu.syscalls import HostIO
    cfg = ChipConfig() if timing is None else ChipConfig(timing=timing)
    out = io.BytesIO()
    chip = Chip(cfg, HostIO(stdin=io.BytesIO(), stdout=out, stderr=io.BytesIO(),
                            prefix="never"))
    chip.load_elf(os.path.join(FIXTURES, elf), None if cores is None else chip.group(*cores))
    res = chip.run(max_cycles)
    if res.fault is not None or res.exit_code != 0:
        raise RuntimeError(f"{elf}: {res}")
    return out.getvalue().decode()


def _cycles(text: str) -> Dict[str, int]:
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(.*?): (\d+) cycles", text, re.M)}


def ebw(dma: bool, timing=None) -> Dict[str, int]:
    """e-bandwidth-test's four transfers (one core loaded, as e_load_group(..., 1, 1))."""
    return _cycles(run_fixture("ebw_dma.elf" if dma else "ebw_memcpy.elf", (1, 1), timing))


def latency(timing=None) -> Dict[int, float]:
    """Average write/answer round trip to each core, timer removed."""
    text = run_fixture("latency.elf", None, timing)
    return {int(m.group(1)): int(m.group(2)) / int(m.group(3))
            for m in re.finditer(r"^core (\d+): (\d+) cycles in (\d+) runs", text, re.M)}


def dmabw(timing=None) -> Dict[str, int]:
    """fabigB's DMA bandwidth and competition measurements, timer removed."""
    return _cycles(run_fixture("dmabw.elf", None, timing))


def rows(timing=None) -> List[Row]:
    """Every published figure with the emulator's, in the order of docs/timing.md."""
    out: List[Row] = []
    got = ebw(False, timing)
    for k, v in EBW_MEMCPY.items():
        out.append(Row("memcpy 8 KiB (e-bandwidth-test)", k, v, got.get(k), FORUM307))
    got = ebw(True, timing)
    for k, v in EBW_DMA.items():
        out.append(Row("DMA 8 KiB (e-bandwidth-test)", k, v, got.get(k), FORUM307))
    got = latency(timing)
    for k, v in LATENCY.items():
        out.append(Row("write/answer round trip (fabigB)", f"core {k:X} ({k // 4},{k % 4})",
                       v, got.get(k), FABIGB_LAT))
    got = dmabw(timing)
    for target, table in (("F", DMA_TO_F), ("3", DMA_TO_3)):
        for n, v in table.items():
            e = got.get(f"{target} {n} ints")
            out.append(Row(f"DMA core 0 -> core {target} (fabigB)", f"{n * 4} bytes",
                           v - FABIGB_TIMER, e, FABIGB_BW))
    for k, v in DMA_COMPETING.items():
        out.append(Row("DMA 4 KB 0 -> F, streams competing (fabigB)", k, v - FABIGB_TIMER,
                       got.get(f"F with {k}"), FABIGB_BW))
    return out


def _num(x: Optional[float]) -> str:
    if x is None:
        return "—"
    text = f"{x:,.2f}" if x != int(x) else f"{int(x):,}"
    return text.replace(",", "\u2009")          # (a thin space between thousands)


def table(rs: List[Row]) -> str:
    """The rows as a Markdown table (cycles; ratio emulator / board; within ±15 %)."""
    lines = ["| measurement | figure | board | emulator | emu/board | ±15 % |",
             "|---|---|---:|---:|---:|:-:|"]
    for r in rs:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"| {r.group} | {r.what} | {_num(r.board)} | {_num(r.emu)} | {ratio} | "
                     f"{'yes' if r.ok else 'NO'} |")
    return "\n".join(lines)
