"""Read an Epiphany ELF file into a ``LoadImage`` (segments, entry, symbols, sections).

Symbols are named by ``loader.symbols`` (which also reads the DWARF line table).

Pure: no side effects on any emulator.  Errors are ``LoadError`` with one clear line naming the
file, so the CLI can print them without a traceback.
"""
from __future__ import annotations

import struct
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

    def has_loader_records(self) -> bool:
        """True when the image carries e-loader's records (the workgroup_cfg, ext_mem_cfg,
        loader_cfg sections of the ESDK's link scripts; an S-record image gets them at their
        fixed addresses): a program written for e-loader.  A core-local image without them
        is bare metal (hand-written assembly, the GNU simulator's testsuite)."""
        return any(n in self.sections for n in ("workgroup_cfg", "ext_mem_cfg", "loader_cfg"))


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
        return _parse_elf32(raw, path)
    except LoadError:
        raise
    except (struct.error, IndexError, ValueError, OverflowError) as e:
        raise LoadError(f"{path}: corrupt or truncated ELF file ({type(e).__name__}: {e})") \
            from None


_SHT_SYMTAB, _SHT_NOBITS, _SHT_DYNSYM = 2, 8, 11
_SHN_UNDEF, _SHN_LORESERVE, _SHN_ABS, _SHN_COMMON = 0, 0xFF00, 0xFFF1, 0xFFF2
_SYMBOL_KINDS = {0: "notype", 1: "object", 2: "func", 3: "section"}     # STT_*


def _cstr(raw: bytes, at: int) -> str:
    """The NUL-terminated string at offset `at` (a string table entry)."""
    if not 0 <= at < len(raw):
        raise ValueError(f"string offset 0x{at:x} outside the file")
    end = raw.find(b"\0", at)
    return raw[at:end if end >= 0 else len(raw)].decode("utf-8", "replace")


def _parse_elf32(raw: bytes, path: str) -> LoadImage:
    """ELF32 little-endian, read with struct (the ELF specification's Elf32_Ehdr, Elf32_Phdr,
    Elf32_Shdr, Elf32_Sym): no third-party parser to import on the start-up path."""
    (e_type, _machine, _version, entry, phoff, shoff, _flags, _ehsize, phentsize, phnum,
     shentsize, shnum, shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", raw, 16)
    if e_type != 2:                                               # ET_EXEC
        kind = {0: "ET_NONE", 1: "ET_REL", 3: "ET_DYN", 4: "ET_CORE"}.get(e_type, e_type)
        raise LoadError(f"{path}: not an executable (ELF type {kind}); link it first")
    segs: List[Segment] = []
    if phnum and phentsize < 32:
        raise ValueError(f"program header entries of {phentsize} bytes")
    for i in range(phnum):
        (p_type, p_offset, _vaddr, p_paddr, p_filesz, p_memsz, p_flags,
         _align) = struct.unpack_from("<8I", raw, phoff + i * phentsize)
        if p_type != 1:                                           # PT_LOAD
            continue
        if p_offset + p_filesz > len(raw):
            raise LoadError(f"{path}: truncated ELF file (segment at 0x{p_paddr:08x} "
                            f"extends past the end of the file)")
        segs.append(Segment(p_paddr, raw[p_offset:p_offset + p_filesz],
                            max(p_memsz, p_filesz), p_flags))
    if not segs:
        raise LoadError(f"{path}: no loadable segments")
    if shnum and shentsize < 40:
        raise ValueError(f"section header entries of {shentsize} bytes")
    shdrs = [struct.unpack_from("<10I", raw, shoff + i * shentsize) for i in range(shnum)]
    if shdrs and shstrndx >= len(shdrs):
        raise ValueError(f"section name table index {shstrndx} of {len(shdrs)} sections")

    def data(h) -> bytes:
        if h[1] == _SHT_NOBITS:
            return b""
        if h[4] + h[5] > len(raw):
            raise ValueError(f"section at file offset 0x{h[4]:x} extends past the end")
        return raw[h[4]:h[4] + h[5]]

    names_raw = data(shdrs[shstrndx]) if shdrs else b""
    secnames = [_cstr(names_raw, h[0]) if h[0] or names_raw else "" for h in shdrs]
    sections: Dict[str, Tuple[int, int]] = {}
    comment: Tuple[str, ...] = ()
    for name, h in zip(secnames, shdrs):
        if h[2] & 0x2:                                            # SHF_ALLOC
            sections[name] = (h[3], h[5])
        elif name == ".comment" and h[1] != _SHT_NOBITS and h[5] <= 1 << 16:
            comment = tuple(x.decode("utf-8", "replace") for x in data(h).split(b"\0") if x)
    syms: List[Symbol] = []
    for h in shdrs:
        if h[1] not in (_SHT_SYMTAB, _SHT_DYNSYM):
            continue
        table = data(h)
        if h[6] >= len(shdrs):
            raise ValueError(f"symbol table's string table index {h[6]}")
        strtab = data(shdrs[h[6]])
        for off in range(0, len(table) - 15, 16):
            st_name, value, size, info, _other, shn = struct.unpack_from("<IIIBBH", table, off)
            kind = _SYMBOL_KINDS.get(info & 0xF)
            # linker constants (SHN_ABS) and undefined symbols name no location
            if kind is None or shn in (_SHN_UNDEF, _SHN_ABS, _SHN_COMMON):
                continue
            secname = secnames[shn] if shn < _SHN_LORESERVE and shn < len(secnames) else ""
            name = _cstr(strtab, st_name) if st_name or strtab else ""
            syms.append(Symbol(name, value, size, kind, secname))
    return LoadImage(path, entry, segs, syms, sections, comment, _raw=raw)


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
