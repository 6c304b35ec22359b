"""Read an Epiphany ELF file into a ``LoadImage`` (segments, entry, symbols, line table).

Pure: no side effects on any emulator.  Errors are ``LoadError`` with one clear line naming the
file, so the CLI can print them without a traceback.
"""
from __future__ import annotations

import bisect
import io
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from isa.elfout import EM_EPIPHANY


class LoadError(Exception):
    """A file that cannot be loaded; ``str(err)`` is a one-line message naming the file."""


@dataclass
class Segment:
    addr: int          #: load address (p_paddr == p_vaddr for Epiphany executables)
    data: bytes        #: p_filesz bytes
    memsz: int         #: bytes in memory (the rest is zero-filled BSS)
    flags: int = 0

    @property
    def end(self) -> int:
        return self.addr + self.memsz


@dataclass
class Symbol:
    name: str
    addr: int
    size: int
    kind: str          #: "func", "object", "notype", "section"
    section: str = ""


@dataclass
class LoadImage:
    path: str
    entry: int
    segments: List[Segment]
    symbols: List[Symbol]
    sections: Dict[str, Tuple[int, int]]        #: name -> (addr, size) of allocated sections
    _raw: bytes = field(repr=False, default=b"")
    _sym_addrs: List[int] = field(repr=False, default_factory=list)
    _sym_sorted: List[Symbol] = field(repr=False, default_factory=list)
    _lines: Optional[List[Tuple[int, str, int]]] = field(repr=False, default=None)

    # -- layout ---------------------------------------------------------------------------
    def is_core_local(self) -> bool:
        """True when some segment is core-local (address < 1 MiB): the ESDK layouts."""
        return any(s.addr < 0x100000 for s in self.segments if s.memsz)

    def symbol_addr(self, name: str) -> Optional[int]:
        for s in self.symbols:
            if s.name == name:
                return s.addr
        return None

    # -- symbolisation ----------------------------------------------------------------------
    def _index(self):
        if not self._sym_sorted:
            useful = [s for s in self.symbols if s.kind in ("func", "object", "notype")
                      and s.name and not s.name.startswith("$")]
            useful.sort(key=lambda s: (s.addr, s.kind != "func", s.kind != "object", s.name))
            self._sym_sorted = useful
            self._sym_addrs = [s.addr for s in useful]

    def symbolize(self, addr: int) -> Optional[Tuple[Symbol, int]]:
        """(symbol, offset) of the closest symbol at or below addr, or None.  Among symbols
        at the same address, functions and objects win over untyped labels."""
        self._index()
        k = bisect.bisect_right(self._sym_addrs, addr) - 1
        if k < 0:
            return None
        j = bisect.bisect_left(self._sym_addrs, self._sym_addrs[k])
        s = self._sym_sorted[j]
        return s, addr - s.addr

    def describe(self, addr: int) -> str:
        """``<sym+0x10>`` or empty string."""
        r = self.symbolize(addr)
        if r is None:
            return ""
        s, off = r
        return f"<{s.name}+0x{off:x}>" if off else f"<{s.name}>"

    def source_line(self, addr: int) -> Optional[Tuple[str, int]]:
        """(file, line) from the DWARF line table, or None (no -g)."""
        if self._lines is None:
            self._lines = _read_lines(self._raw)
        rows = self._lines
        if not rows:
            return None
        k = bisect.bisect_right(rows, (addr, "\xff", 1 << 30)) - 1
        if k < 0:
            return None
        a, f, ln = rows[k]
        # rows mark the start of each line's code; accept up to the next row's address
        if k + 1 < len(rows) and rows[k + 1][0] <= addr:
            return None
        if ln <= 0:
            return None
        return f, ln


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


def read_elf(path: str) -> LoadImage:
    """Read an Epiphany executable.  Raises LoadError with a one-line message."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{path}: is a directory") from None
    except OSError as e:
        raise LoadError(f"{path}: cannot read: {e.strerror}") from None
    return parse_elf(raw, path)


def parse_elf(raw: bytes, path: str = "<memory>") -> LoadImage:
    if raw[:4] != b"\x7fELF":
        raise LoadError(f"{path}: not an ELF file")
    if len(raw) < 52:
        raise LoadError(f"{path}: truncated ELF file (no complete header)")
    if raw[4] != 1 or raw[5] != 1:
        raise LoadError(f"{path}: not a 32-bit little-endian ELF (Epiphany executables are ELF32 LE)")
    machine = int.from_bytes(raw[18:20], "little")
    if machine != EM_EPIPHANY:
        raise LoadError(f"{path}: ELF for another machine (e_machine {machine:#x}, "
                        f"Epiphany is {EM_EPIPHANY:#x})")
    try:
        from elftools.common.exceptions import ELFError
        from elftools.elf.elffile import ELFFile
        from elftools.elf.sections import SymbolTableSection
        ef = ELFFile(io.BytesIO(raw))
        if ef.header.e_type not in ("ET_EXEC",):
            raise LoadError(f"{path}: not an executable (ELF type {ef.header.e_type}); link it first")
        segs = []
        for seg in ef.iter_segments():
            if seg.header.p_type != "PT_LOAD":
                continue
            h = seg.header
            if h.p_offset + h.p_filesz > len(raw):
                raise LoadError(f"{path}: truncated ELF file (segment at 0x{h.p_paddr:08x} "
                                f"extends past the end of the file)")
            data = raw[h.p_offset:h.p_offset + h.p_filesz]
            segs.append(Segment(h.p_paddr, data, max(h.p_memsz, h.p_filesz), h.p_flags))
        if not segs:
            raise LoadError(f"{path}: no loadable segments")
        syms: List[Symbol] = []
        sections: Dict[str, Tuple[int, int]] = {}
        secnames = []
        for sec in ef.iter_sections():
            secnames.append(sec.name)
            if sec.header.sh_flags & 0x2:      # SHF_ALLOC
                sections[sec.name] = (sec.header.sh_addr, sec.header.sh_size)
        for sec in ef.iter_sections():
            if isinstance(sec, SymbolTableSection):
                for s in sec.iter_symbols():
                    t = s.entry.st_info.type
                    kind = {"STT_FUNC": "func", "STT_OBJECT": "object", "STT_NOTYPE": "notype",
                            "STT_SECTION": "section"}.get(t)
                    # linker constants (SHN_ABS) and undefined symbols name no location
                    if kind is None or s.entry.st_shndx in ("SHN_UNDEF", "SHN_ABS", "SHN_COMMON"):
                        continue
                    shn = s.entry.st_shndx
                    secname = secnames[shn] if isinstance(shn, int) and shn < len(secnames) else ""
                    syms.append(Symbol(s.name, s.entry.st_value, s.entry.st_size, kind, secname))
        return LoadImage(path, ef.header.e_entry, segs, syms, sections, _raw=raw)
    except LoadError:
        raise
    except (ELFError, Exception) as e:   # pyelftools raises many types on corrupt input
        raise LoadError(f"{path}: corrupt or truncated ELF file ({type(e).__name__}: {e})") from None
