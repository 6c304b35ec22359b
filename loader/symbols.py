"""Names of addresses in a loaded image: the one symbolizer of fault reports, traces and profiles.

    sym = symbolizer(img)              # made once per LoadImage
    sym.lookup(0x80000198)             # (Symbol _sum_words, 0xc) or None
    sym.describe(0x80000198)           # '<_sum_words+0xc>'
    sym.source_line(0x80000198)        # ('ua.c', 7) from the DWARF line table, or None
    sym.where(0x80000198)              # '<_sum_words+0xc> at ua.c:7'

Which symbol names an address: the smallest sized symbol (function or object) that contains
it; else the closest symbol at or below it, functions before untyped labels before objects,
then by name.  Symbols without a section (SHN_ABS linker-script constants, dropped by
``loader.elf``), section symbols and ``$`` mapping symbols never name an address, so an address
inside a function is not named after a constant that happens to lie below it.
"""
from __future__ import annotations

import bisect
import io
from typing import Dict, List, Optional, Tuple

from .elf import LoadImage, Symbol

#: the symbol kinds that may name an address
_KINDS = ("func", "notype", "object")


class Symbolizer:
    """Address → symbol, ``<name+0xoff>`` and source line for one image (or none: every
    answer is then empty)."""

    def __init__(self, img: Optional[LoadImage]):
        self.image = img
        syms: List[Symbol] = []
        if img is not None:
            syms = [x for x in img.symbols if x.kind in _KINDS
                    and x.name and not x.name.startswith("$") and x.section]
        syms.sort(key=lambda x: (x.addr, x.kind != "func", x.kind != "notype", x.name))
        self._all = syms
        self._addrs = [x.addr for x in syms]
        self._sized = [x for x in syms if x.size > 0]
        self._sized_starts = [x.addr for x in self._sized]
        #: the largest end address of the sized symbols up to each one
        self._maxend: List[int] = []
        m = 0
        for x in self._sized:
            m = max(m, x.addr + x.size)
            self._maxend.append(m)
        self._cache: Dict[int, Optional[Tuple[Symbol, int]]] = {}
        self._lines: Optional[List[Tuple[int, str, int]]] = None

    def lookup(self, addr: int) -> Optional[Tuple[Symbol, int]]:
        """(symbol, offset of addr from it) or None."""
        r = self._cache.get(addr, False)
        if r is not False:
            return r
        r = None
        j = bisect.bisect_right(self._sized_starts, addr) - 1
        best = None
        while j >= 0 and self._maxend[j] > addr:
            x = self._sized[j]
            if x.addr + x.size > addr and (best is None or x.size < best.size):
                best = x           # the innermost containing symbol
            j -= 1
        if best is not None:
            r = (best, addr - best.addr)
        else:
            k = bisect.bisect_right(self._addrs, addr) - 1
            if k >= 0:
                k = bisect.bisect_left(self._addrs, self._addrs[k])
                r = (self._all[k], addr - self._all[k].addr)
        self._cache[addr] = r
        return r

    def describe(self, addr: int) -> str:
        """``<sym+0x10>``, ``<sym>``, or '' when no symbol names addr."""
        r = self.lookup(addr)
        if r is None:
            return ""
        x, off = r
        return f"<{x.name}+0x{off:x}>" if off else f"<{x.name}>"

    def source_line(self, addr: int) -> Optional[Tuple[str, int]]:
        """(file, line) from the DWARF line table, or None (no -g, or no row covers addr)."""
        if self._lines is None:
            self._lines = _read_lines(self.image._raw) if self.image is not None else []
        rows = self._lines
        if not rows:
            return None
        k = bisect.bisect_right(rows, (addr, "\xff", 1 << 30)) - 1
        if k < 0:
            return None
        _, f, ln = rows[k]
        # rows mark the start of each line's code; accept up to the next row's address
        if k + 1 < len(rows) and rows[k + 1][0] <= addr:
            return None
        if ln <= 0:
            return None
        return f, ln

    def where(self, addr: int) -> str:
        """``<sym+0x10> at file.c:12`` (the parts that are known; '' if none)."""
        parts = []
        d = self.describe(addr)
        if d:
            parts.append(d)
        ln = self.source_line(addr)
        if ln:
            parts.append(f"at {ln[0]}:{ln[1]}")
        return " ".join(parts)

    def address_text(self, addr: int) -> str:
        """A branch target or address in an instruction: ``0x80000080 <f+0x20>``."""
        d = self.describe(addr)
        return f"0x{addr:x}" + (f" {d}" if d else "")


def symbolizer(img: Optional[LoadImage]) -> Symbolizer:
    """The image's symbolizer, made once per image (its DWARF line table is read once)."""
    if img is None:
        return Symbolizer(None)
    if img._symbolizer is None:
        img._symbolizer = Symbolizer(img)
    return img._symbolizer


def _read_lines(raw: bytes) -> List[Tuple[int, str, int]]:
    """Flatten the DWARF line programs into sorted (address, file, line) rows."""
    try:
        from elftools.elf.elffile import ELFFile
        ef = ELFFile(io.BytesIO(raw))
        if not ef.has_dwarf_info():
            return []
        dw = ef.get_dwarf_info()
        rows = []
        for cu in dw.iter_CUs():
            lp = dw.line_program_for_CU(cu)
            if lp is None:
                continue
            hdr = lp.header
            files = hdr["file_entry"]
            version = hdr["version"]
            for entry in lp.get_entries():
                st = entry.state
                if st is None:
                    continue
                idx = st.file if version >= 5 else st.file - 1
                name = "?"
                if 0 <= idx < len(files):
                    fe = files[idx]
                    name = fe.name.decode(errors="replace") if isinstance(fe.name, bytes) else str(fe.name)
                if st.end_sequence:
                    rows.append((st.address, "", 0))
                else:
                    rows.append((st.address, name, st.line))
        rows.sort()
        return rows
    except Exception:   # debug info is optional: a broken table only loses line numbers
        return []
