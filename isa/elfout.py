"""Minimal ELF32 little-endian executable writer for the assembler (no dependencies but struct).

``write_exec(sections, symbols, entry)`` lays the sections out in the file in the order given,
one PT_LOAD program header per allocated section with contents (NOBITS ones have only a memory
size), followed by .symtab/.strtab/.shstrtab.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import List, Optional

EM_EPIPHANY = 0x1223
ET_EXEC = 2
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS = 1, 2, 3, 8
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4
STB_LOCAL, STB_GLOBAL, STB_WEAK = 0, 1, 2
STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_SECTION, STT_FILE = 0, 1, 2, 3, 4
SHN_ABS = 0xFFF1


@dataclass
class OutSection:
    name: str
    addr: int
    data: bytes                 #: contents (empty for NOBITS)
    size: int                   #: memory size
    flags: int                  #: SHF_*
    type: int = SHT_PROGBITS
    align: int = 1
    index: int = 0              #: filled in by the writer


@dataclass
class OutSymbol:
    name: str
    value: int
    section: Optional[str]      #: output section name, None = absolute
    bind: int = STB_LOCAL
    type: int = STT_NOTYPE
    size: int = 0


class _StrTab:
    def __init__(self):
        self.data = bytearray(b"\0")
        self.index = {"": 0}

    def add(self, s: str) -> int:
        if s not in self.index:
            self.index[s] = len(self.data)
            self.data += s.encode() + b"\0"
        return self.index[s]


def write_exec(sections: List[OutSection], symbols: List[OutSymbol], entry: int,
               filename: str = "") -> bytes:
    ehsize, phentsize, shentsize = 52, 32, 40
    loads = [s for s in sections if s.flags & SHF_ALLOC and s.size > 0]
    phoff = ehsize
    off = phoff + phentsize * len(loads)
    body = bytearray()
    offsets = {}
    for k, s in enumerate(sections):
        s.index = k + 1
        a = max(s.align, 1)
        pad = (-(off + len(body))) % a
        body += b"\0" * pad
        offsets[s.name] = off + len(body)
        if s.type != SHT_NOBITS:
            body += s.data
    # symbol table: null, section symbols, locals, then globals
    strtab = _StrTab()
    sec_index = {s.name: s.index for s in sections}
    syms = [struct.pack("<IIIBBH", 0, 0, 0, 0, 0, 0)]
    for s in sections:
        syms.append(struct.pack("<IIIBBH", 0, s.addr, 0, (STB_LOCAL << 4) | STT_SECTION, 0,
                                s.index))
    if filename:
        syms.append(struct.pack("<IIIBBH", strtab.add(filename), 0, 0,
                                (STB_LOCAL << 4) | STT_FILE, 0, SHN_ABS))
    ordered = ([y for y in symbols if y.bind == STB_LOCAL]
               + [y for y in symbols if y.bind != STB_LOCAL])
    n_local = len(syms) + sum(1 for y in symbols if y.bind == STB_LOCAL)
    for y in ordered:
        shndx = SHN_ABS if y.section is None else sec_index.get(y.section, SHN_ABS)
        syms.append(struct.pack("<IIIBBH", strtab.add(y.name), y.value & 0xFFFFFFFF, y.size,
                                (y.bind << 4) | y.type, 0, shndx))
    symtab = b"".join(syms)
    shstr = _StrTab()
    extra = []
    for name, typ, data, link, info, align, entsize in (
            (".symtab", SHT_SYMTAB, symtab, len(sections) + 2, n_local, 4, 16),
            (".strtab", SHT_STRTAB, bytes(strtab.data), 0, 0, 1, 0)):
        pad = (-(off + len(body))) % align
        body += b"\0" * pad
        extra.append((name, typ, off + len(body), len(data), link, info, align, entsize))
        body += data
    for s in sections:
        shstr.add(s.name)
    for e in extra:
        shstr.add(e[0])
    shstr.add(".shstrtab")
    shstr_off = off + len(body)
    body += shstr.data
    pad = (-(off + len(body))) % 4
    body += b"\0" * pad
    shoff = off + len(body)
    shnum = len(sections) + 4
    hdr = struct.pack("<4sBBBBB7sHHIIIIIHHHHHH", b"\x7fELF", 1, 1, 1, 0, 0, b"\0" * 7,
                      ET_EXEC, EM_EPIPHANY, 1, entry & 0xFFFFFFFF, phoff if loads else 0,
                      shoff, 0, ehsize, phentsize, len(loads), shentsize, shnum, shnum - 1)
    ph = bytearray()
    for s in loads:
        pflags = PF_R | (PF_W if s.flags & SHF_WRITE else 0) | (PF_X if s.flags & SHF_EXECINSTR
                                                                 else 0)
        filesz = 0 if s.type == SHT_NOBITS else len(s.data)
        ph += struct.pack("<IIIIIIII", PT_LOAD, offsets[s.name], s.addr, s.addr, filesz, s.size,
                          pflags, max(s.align, 1))
    sh = bytearray(b"\0" * shentsize)
    for s in sections:
        sh += struct.pack("<IIIIIIIIII", shstr.index[s.name], s.type, s.flags, s.addr,
                          offsets[s.name], s.size, 0, 0, max(s.align, 1), 0)
    for name, typ, o, size, link, info, align, entsize in extra:
        sh += struct.pack("<IIIIIIIIII", shstr.index[name], typ, 0, 0, o, size, link, info,
                          align, entsize)
    sh += struct.pack("<IIIIIIIIII", shstr.index[".shstrtab"], SHT_STRTAB, 0, 0, shstr_off,
                      len(shstr.data), 0, 0, 1, 0)
    return bytes(hdr + ph + body + sh)
