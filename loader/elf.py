"""Read an Epiphany ELF file into a ``LoadImage`` (segments, entry, symbols, sections).

Symbols are named by ``loader.symbols`` (which also reads the DWARF line table).

Pure: no side effects on any emulator.  Errors are ``LoadError`` with one clear line naming the
file, so the CLI can print them without a traceback.
"""
from __future__ import annotations

import io
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
    #: the strings of the .comment section (which compilers built the program)
    comment: Tuple[str, ...] = ()
    _raw: bytes = field(repr=False, default=b"")
    #: its loader.symbols.Symbolizer, made on first use by loader.symbols.symbolizer
    _symbolizer: Optional[object] = field(repr=False, compare=False, default=None)

    # -- layout ---------------------------------------------------------------------------
    def is_core_local(self) -> bool:
        """True when some segment is core-local (address < 1 MiB): the ESDK layouts."""
        return any(s.addr < 0x100000 for s in self.segments if s.memsz)


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
        comment: Tuple[str, ...] = ()
        for sec in ef.iter_sections():
            secnames.append(sec.name)
            if sec.header.sh_flags & 0x2:      # SHF_ALLOC
                sections[sec.name] = (sec.header.sh_addr, sec.header.sh_size)
            elif sec.name == ".comment" and sec.header.sh_type != "SHT_NOBITS" \
                    and sec.header.sh_size <= 1 << 16:
                comment = tuple(x.decode("utf-8", "replace")
                                for x in sec.data().split(b"\0") if x)
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
        return LoadImage(path, ef.header.e_entry, segs, syms, sections, comment, _raw=raw)
    except LoadError:
        raise
    except (ELFError, Exception) as e:   # pyelftools raises many types on corrupt input
        raise LoadError(f"{path}: corrupt or truncated ELF file ({type(e).__name__}: {e})") from None

