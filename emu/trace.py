"""Instruction trace: one line per executed instruction, from the engine's trace records.

    tw = TraceWriter(chip, open("run.trace", "w"))
    chip.trace_sink = tw                      # chip.run drains the engine's buffer into it
    chip.engine.enable_trace(65536, lo, hi, cores)
    chip.run()

A line is the core's cycle count when the instruction completed, the core id, the PC, the
instruction disassembled, then what it wrote: registers (their values after the
instruction) and memory (address, value; the width of the value is the store's size)::

       1234 0x808 80000030: add r0,r1,r2           r0=0x00000003
       1240 0x808 80000034: str r0,[r2,+0x1]       [0x8000d3f0]=0x00000003

Records are tuples (cycle, core_index, pc, word, size, ((reg, value), ...),
(waddr, wsize, wval) or None) as Engine.trace_drain returns them.
"""
from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Sequence, Tuple

from isa.disassembler import disasm_one
from isa.regs import gpr_name
from loader.symbols import symbolizer

#: width given to the disassembly before the register/memory effects
EFFECT_COL = 24
_PREFIX = len(f"{0:8d} 0x{0:03x} {0:08x}: ")


class Disassembler:
    """Cached disassembly of (pc, word, size), branch targets named by the image's symbols."""

    def __init__(self, image=None):
        self._addr = symbolizer(image).address_text
        self._cache: Dict[Tuple[int, int, int], str] = {}

    def __call__(self, pc: int, word: int, size: int) -> str:
        key = (pc, word, size)
        t = self._cache.get(key)
        if t is None:
            data = word.to_bytes(4, "little")[:size]
            n, t, _ = disasm_one(data, 0, pc, self._addr)
            if not n:
                t = f".word 0x{word:0{2 * size}x}"
            self._cache[key] = t
        return t


def format_effects(regs: Sequence[Tuple[int, int]], mem) -> str:
    parts = [f"{gpr_name(r)}=0x{v & 0xFFFFFFFF:08x}" for r, v in regs]
    if mem is not None:
        addr, size, val = mem
        parts.append(f"[0x{addr:08x}]=0x{val & ((1 << (8 * size)) - 1):0{2 * size}x}")
    return " ".join(parts)


def format_record(rec, coreid: Callable[[int], int], dis: Disassembler) -> str:
    cycle, core, pc, word, size, regs, mem = rec
    text = dis(pc, word, size)
    eff = format_effects(regs, mem)
    line = f"{cycle:8d} 0x{coreid(core):03x} {pc:08x}: {text}"
    if eff:
        line = f"{line:<{_PREFIX + EFFECT_COL}s} {eff}"
    return line


class TraceWriter:
    """A chip.trace_sink that formats records and writes them to a text file."""

    def __init__(self, chip, out, image=None):
        self.out = out
        self.lines = 0
        ids = [chip.coreid(k) for k in range(chip.ncores)]
        self._coreid = ids.__getitem__
        self._dis = Disassembler(image if image is not None else chip.image)

    def __call__(self, records: Iterable) -> None:
        fmt = format_record
        cid = self._coreid
        dis = self._dis
        lines = [fmt(r, cid, dis) for r in records]
        if lines:
            self.out.write("\n".join(lines))
            self.out.write("\n")
            self.lines += len(lines)


def parse_cores(text: str, chip) -> List[int]:
    """Core indices from 'LIST': core ids in hex (0x808) or indices (0, 1, ...), comma
    separated.  Raises ValueError with a one-line message."""
    out = []
    ids = {chip.coreid(k): k for k in range(chip.ncores)}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            if item.lower().startswith("0x"):
                cid = int(item, 16)
                if cid not in ids:
                    raise ValueError(f"--trace-cores: no core with id {item} on this chip "
                                     f"(ids 0x{min(ids):03x}..0x{max(ids):03x})")
                out.append(ids[cid])
            else:
                k = int(item, 10)
                if not 0 <= k < chip.ncores:
                    raise ValueError(f"--trace-cores: core index {k} out of range "
                                     f"0..{chip.ncores - 1}")
                out.append(k)
        except ValueError as e:
            if str(e).startswith("--trace-cores"):
                raise
            raise ValueError(f"--trace-cores: expected core ids like 0x808,0x809 or indices "
                             f"like 0,1, got {item!r}") from None
    if not out:
        raise ValueError("--trace-cores: empty list")
    return out


def parse_range(text: str) -> Tuple[int, int]:
    """(lo, hi) from 'LO:HI' in hex (0x optional; either side may be empty).  Raises
    ValueError with a one-line message."""
    if text.count(":") != 1:
        raise ValueError(f"--trace-range: expected LO:HI in hex like 0x100:0x400, got {text!r}")
    a, b = text.split(":")
    try:
        lo = int(a, 16) if a.strip() else 0
        hi = int(b, 16) if b.strip() else 1 << 32
    except ValueError:
        raise ValueError(f"--trace-range: expected LO:HI in hex like 0x100:0x400, "
                         f"got {text!r}") from None
    if not 0 <= lo < hi <= 1 << 32:
        raise ValueError(f"--trace-range: empty or out-of-range PC range {text!r} "
                         f"(need 0 <= LO < HI <= 0x100000000)")
    return lo, min(hi, 0xFFFFFFFF)
