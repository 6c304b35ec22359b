"""Running the e-lib test programs (tests/elib/programs) on the emulator, and reading what
each core recorded in its `result`."""
from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass
from typing import Callable, List, Optional

from emu.chip import Chip, ChipConfig, RunResult
from emu.stops import Stop
from emu.syscalls import HostIO
from loader.elf import LoadImage, read_elf

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(HERE, "programs")
ROOT = os.path.dirname(os.path.dirname(HERE))

#: the group shapes every SPMD program runs on: 1, 4 and 16 cores of the E16G301
SHAPES = [(1, 1), (2, 2), (4, 4)]


#: where elf_path finds the ELFs: the committed ones, or (ESDK_ELIB_PROGRAMS) the same
#: programs built against another e-lib (tests/elib/test_esdk_oracle.py)
ELF_DIR = os.environ.get("ESDK_ELIB_PROGRAMS") or PROGRAMS


def elf_path(name: str, layout: str = "fast") -> str:
    return os.path.join(ELF_DIR, f"{name}.{layout}.elf")


@dataclass
class Run:
    chip: Chip
    img: LoadImage
    result: RunResult
    cores: List[int]
    stdout: bytes
    stderr: bytes

    def words(self, symbol: str, k: int, n: int, offset: int = 0) -> List[int]:
        """n 32-bit words at `symbol` + offset in the memory of group core k."""
        s = self.img.symbol("_" + symbol)
        assert s is not None, symbol
        addr = s.addr + offset
        data = self.chip.mem_read(addr, 4 * n, self.cores[k] if addr < 0x100000 else -1)
        return list(struct.unpack(f"<{n}I", data))

    def coreid(self, k: int) -> int:
        return self.chip.coreid(self.cores[k])


def run(path: str, rows: int = 1, cols: int = 1, row0: int = 0, col0: int = 0,
        max_cycles: int = 20_000_000, prepare: Optional[Callable[[Chip, LoadImage], None]] = None,
        on_break: Optional[Callable[[Chip, RunResult], None]] = None,
        breaks: tuple = (), quantum: int = 1000) -> Run:
    """Load `path` onto a rows x cols workgroup at (row0, col0) of an E16G301 the way e-loader
    does and run it to the end.  `prepare(chip, img)` runs after loading (to set up shared
    memory, as a host would); every breakpoint address in `breaks` stops the run and calls
    `on_break(chip, result)` before it goes on.  `quantum`: the scheduling slice (cycles)."""
    img = read_elf(path)
    out, err = io.BytesIO(), io.BytesIO()
    chip = Chip(ChipConfig.for_image(img, quantum=quantum),
                HostIO(stdin=io.BytesIO(), stdout=out, stderr=err, prefix="never"))
    cores = chip.group(rows, cols, row0, col0)
    chip.load_elf(img, cores)
    if prepare:
        prepare(chip, img)
    for a in breaks:
        chip.engine.break_add(a)
    while True:
        res = chip.run(max_cycles)
        if res.stop != Stop.BRK:
            break
        on_break(chip, res)
    return Run(chip, img, res, cores, out.getvalue(), err.getvalue())


def check_ok(r: Run) -> None:
    """The run ended by every core returning 0 from main, without a fault."""
    assert r.result.fault is None, r.result.fault
    assert r.result.stop == Stop.EXIT, (r.result.stop, r.stderr)
    assert r.result.exit_code == 0, r.stderr
