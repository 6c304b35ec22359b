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

    def symbol(self, name: str) -> Optional[Symbol]:
        """The symbol of that name (the first one), or None."""
        return next((s for s in self.symbols if s.name == name), None)

    # -- layout ---------------------------------------------------------------------------
    def is_core_local(self) -> bool:
        """True when some segment is core-local (address < 1 MiB): the ESDK layouts."""
        return any(s.addr < 0x100000 for s in self.segments if s.memsz)


def read_elf(path: str) -> LoadImage:
    """Read an Epiphany executable: ELF, or Motorola S-records (``epiphany-elf-objcopy -O
    srec``; e-loader loads both).  Raises LoadError with a one-line message."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{path}: is a directory") from None
    except OSError as e:
        raise LoadError(f"{path}: cannot read: {e.strerror}") from None
    if raw[:1] == b"S" and raw[1:2].isdigit():
        return parse_srec(raw, path)
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


#: where e-loader writes its records in an S-record image, which has no section table
#: (LIBS e-loader.c: "No symbol info in SREC files, use hard coded values")
SREC_LOADER_SECTIONS = {"workgroup_cfg": (0x28, 0x28), "ext_mem_cfg": (0x50, 8),
                        "loader_cfg": (0x58, 0x10)}


def parse_srec(raw: bytes, path: str = "<memory>") -> LoadImage:
    """Motorola S-records: S0 header, S1/S2/S3 data (16/24/32-bit addresses), S5/S6 counts,
    S7/S8/S9 the entry point; every record's checksum is checked.  Adjacent data records
    become one segment."""
    chunks: List[Tuple[int, bytes]] = []
    entry = 0
    for lineno, line in enumerate(raw.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        where = f"{path}:{lineno}"
        if line[:1] != b"S" or len(line) < 4 or not line[1:2].isdigit():
            raise LoadError(f"{where}: not an S-record")
        kind = line[1] - 0x30
        try:
            rec = bytes.fromhex(line[2:].decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            raise LoadError(f"{where}: S-record with non-hex characters") from None
        if not rec or rec[0] != len(rec) - 1:
            raise LoadError(f"{where}: S-record length byte does not match the record")
        if (sum(rec[:-1]) + rec[-1]) & 0xFF != 0xFF:
            raise LoadError(f"{where}: S-record checksum mismatch")
        alen = {0: 2, 1: 2, 2: 3, 3: 4, 5: 2, 6: 3, 7: 4, 8: 3, 9: 2}.get(kind)
        if alen is None or len(rec) < 2 + alen:
            raise LoadError(f"{where}: unknown or short S-record type S{kind}")
        addr = int.from_bytes(rec[1:1 + alen], "big")
        data = rec[1 + alen:-1]
        if kind in (1, 2, 3):
            if addr + len(data) > 1 << 32:
                raise LoadError(f"{where}: S-record data past the 4 GB address space")
            chunks.append((addr, data))
        elif kind in (7, 8, 9):
            entry = addr
    if not chunks:
        raise LoadError(f"{path}: no data records in the S-record file")
    chunks.sort(key=lambda c: c[0])
    segs: List[Segment] = []
    for addr, data in chunks:
        last = segs[-1] if segs else None
        if last is not None and addr < last.end:
            raise LoadError(f"{path}: overlapping S-records at 0x{addr:08x}")
        if last is not None and addr == last.end:
            last.data += data
            last.memsz += len(data)
        else:
            segs.append(Segment(addr, bytes(data), len(data), 0x7))
    img = LoadImage(path, entry, segs, [], {}, _raw=raw)
    if img.is_core_local():
        img.sections = dict(SREC_LOADER_SECTIONS)
    return img
