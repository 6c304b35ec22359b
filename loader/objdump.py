"""The ``epiphany-elf-objdump -d`` listing of an ELF file, byte for byte.

``isa.disassembler`` knows the text of one instruction; this module builds the listing around
it the way GNU objdump (binutils 2.40, ``binutils/objdump.c``) does:

* which sections are disassembled: those that hold code and contents (``SHF_EXECINSTR`` and
  not ``SHT_NOBITS``), non-empty, in section-header order; ``--section`` (objdump ``-j``)
  selects sections by name, code or not;
* the symbol table as BFD sees it: null, undefined, common, section and file symbols are
  dropped, values are absolute addresses (plus the section address in a relocatable file), and
  before each section the symbols are sorted with objdump's preferences (symbols of the section
  being disassembled first, then functions, objects, globals, larger sizes, names without a
  leading dot, and finally by name) — that order decides which of several symbols at one
  address names a block or a branch target;
* one block per symbol, headed ``80000030 <_main>:`` (or ``<.text+0x10>`` without symbols);
  bytes covered by an ``STT_OBJECT`` symbol are dumped as data, 16 bytes a line with ASCII;
* per line: the address column (leading zeros dropped in groups of four, then blanked), the raw
  bytes in 2-byte little-endian chunks padded to 4 bytes, a tab and the instruction text;
* runs of at least 8 zero bytes (or 1-2 zero bytes that end a block) print ``\\t...``; runs
  that do not end the block are shortened to a multiple of 4;
* the disassembler may read at most up to the next symbol: with only 2 bytes left a 32-bit
  word is decoded from its first halfword alone (the second taken as zero) and, like an unknown
  word, consumes 4 bytes; the raw-bytes column then shows only the 2 bytes that exist; with 1
  byte left objdump prints ``Address 0x... is out of bounds.`` and ends the block;
* branch targets print like objdump's ``objdump_print_address``: ``80000080 <f+0x20>``, or
  ``0x1c6`` when the file has no symbols.

Relocations are not applied or printed (objdump ``-d`` without ``-r`` does neither).

``epiphany-emu disasm`` also takes objdump's ``-S`` (source lines between the instructions:
``loader.objdump_source``) and its header dumps ``-f -p -h -t -r -x`` (``loader.objdump_info``).
"""
from __future__ import annotations

import argparse
import bisect
import os
import re
import struct
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from isa.disassembler import disasm_at
from isa.elfout import EM_EPIPHANY

FILE_FORMAT = "elf32-epiphany"

# ELF constants
_ET_EXEC, _ET_DYN = 2, 3
_SHT_NULL, _SHT_SYMTAB, _SHT_RELA, _SHT_NOBITS, _SHT_REL, _SHT_SYMTAB_SHNDX = 0, 2, 4, 8, 9, 18
_SHF_ALLOC, _SHF_EXECINSTR = 0x2, 0x4
_SHN_UNDEF, _SHN_COMMON = 0, 0xFFF2
_STB_LOCAL, _STB_GLOBAL, _STB_WEAK = 0, 1, 2
_STT_OBJECT, _STT_FUNC, _STT_SECTION, _STT_FILE, _STT_COMMON = 1, 2, 3, 4, 5

# The BFD symbol flags objdump's choices depend on.
F_LOCAL = 0x1
F_GLOBAL = 0x2
F_DEBUGGING = 0x8
F_FUNCTION = 0x10
F_SECTION_SYM = 0x100
F_FILE = 0x4000
F_OBJECT = 0x10000
F_WEAK = 0x80

_SHDR_FIELDS = ("sh_name", "sh_type", "sh_flags", "sh_addr", "sh_offset", "sh_size",
                "sh_link", "sh_info", "sh_addralign", "sh_entsize")

_NONZERO = re.compile(rb"[^\x00]")

SKIP_ZEROES = 8            # objdump DEFAULT_SKIP_ZEROES
SKIP_ZEROES_AT_END = 3     # objdump DEFAULT_SKIP_ZEROES_AT_END


class ObjdumpError(Exception):
    """A file that cannot be listed; the message names no file (the caller adds it)."""


@dataclass
class Section:
    index: int          #: section header index
    name: str
    vma: int            #: sh_addr
    size: int
    code: bool          #: SHF_EXECINSTR
    contents: bool      #: not SHT_NOBITS
    data: bytes


@dataclass
class Symbol:
    name: str
    value: int          #: bfd_asymbol_value: the address
    secidx: int         #: section header index, -1 for absolute symbols
    secname: str        #: "*ABS*" for absolute symbols
    flags: int
    size: int


@dataclass
class Image:
    """What objdump -d needs from an ELF file."""
    sections: List[Section]
    symbols: List[Symbol]   #: after objdump's remove_useless_symbols, in symbol-table order
    relocatable: bool       #: BFD's HAS_RELOC: the file has relocation sections


# ---------------------------------------------------------------------------------------------
# Reading the ELF file
# ---------------------------------------------------------------------------------------------

def _cstr(table: bytes, off: int) -> str:
    if off >= len(table):
        raise ObjdumpError(f"string offset 0x{off:x} out of range")
    end = table.find(b"\0", off)
    if end < 0:
        end = len(table)
    return table[off:end].decode("latin-1")


@dataclass
class ElfTables:
    """The raw tables of an ELF file and which section headers BFD makes sections of."""
    blob: bytes
    e_type: int
    e_entry: int
    e_flags: int
    e_phoff: int
    e_phnum: int
    shdrs: List[Dict[str, int]]
    shstr: bytes
    symtab_idx: int
    not_sections: set          #: section header indices that are no BFD section
    has_reloc: bool            #: BFD's HAS_RELOC
    reloc_for: Dict[int, List[int]]   #: section index -> its relocation sections

    def contents(self, h) -> bytes:
        if h["sh_type"] == _SHT_NOBITS:
            return b""
        off, size = h["sh_offset"], h["sh_size"]
        if off + size > len(self.blob):
            raise ObjdumpError("truncated ELF file (section data past end of file)")
        return self.blob[off:off + size]

    def secname(self, h) -> str:
        return _cstr(self.shstr, h["sh_name"]) if self.shstr else ""


def read_tables(blob: bytes) -> ElfTables:
    """The ELF header, section headers and BFD's view of them; raises ObjdumpError."""
    if blob[:4] != b"\x7fELF":
        raise ObjdumpError("not an ELF file")
    if len(blob) < 52:
        raise ObjdumpError("truncated ELF file (incomplete ELF header)")
    if blob[4] != 1 or blob[5] != 1:
        raise ObjdumpError("not a 32-bit little-endian ELF file, so not Epiphany")
    (e_type, e_machine, _ver, e_entry, e_phoff, e_shoff, e_flags, _ehsize, _phentsize, e_phnum,
     e_shentsize, e_shnum, e_shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", blob, 16)
    if e_machine != EM_EPIPHANY:
        raise ObjdumpError(f"ELF file for another machine (e_machine 0x{e_machine:x}), "
                           f"not Epiphany (0x{EM_EPIPHANY:x})")
    if e_shnum and e_shentsize != 40:
        raise ObjdumpError(f"corrupt ELF file (section header size {e_shentsize})")
    if e_shoff == 0:
        e_shnum = 0
    elif e_shnum == 0 and e_shoff + 40 <= len(blob):
        e_shnum = struct.unpack_from("<I", blob, e_shoff + 20)[0]   # extended numbering
    if e_shoff + 40 * e_shnum > len(blob):
        raise ObjdumpError("truncated ELF file (section headers past end of file)")
    if e_shstrndx == 0xFFFF and e_shnum:
        e_shstrndx = struct.unpack_from("<I", blob, e_shoff + 24)[0]
    shdrs = [dict(zip(_SHDR_FIELDS, struct.unpack_from("<10I", blob, e_shoff + 40 * i)))
             for i in range(e_shnum)]
    t = ElfTables(blob, e_type, e_entry, e_flags, e_phoff, e_phnum, shdrs, b"", 0, set(),
                  False, {})
    if 0 < e_shstrndx < len(shdrs):
        t.shstr = t.contents(shdrs[e_shstrndx])

    # the first SHT_SYMTAB is the symbol table (BFD's elf_onesymtab); its string table, the
    # section-name table and the relocation sections that apply to other sections are no
    # BFD sections (symbols "in" them count as absolute)
    symtab_idx = next((i for i, h in enumerate(shdrs) if h["sh_type"] == _SHT_SYMTAB), 0)
    t.symtab_idx = symtab_idx
    not_sections = {0, symtab_idx}
    if symtab_idx:
        not_sections.add(shdrs[symtab_idx]["sh_link"])
    if e_shstrndx < len(shdrs):
        not_sections.add(e_shstrndx)
    for i, h in enumerate(shdrs):
        typ = h["sh_type"]
        if typ == _SHT_SYMTAB_SHNDX:
            not_sections.add(i)
        if typ in (_SHT_REL, _SHT_RELA):
            executable = e_type in (_ET_EXEC, _ET_DYN)
            info = h["sh_info"]
            if ((executable and h["sh_flags"] & _SHF_ALLOC) or h["sh_link"] == 0
                    or h["sh_link"] != symtab_idx or info == 0 or info >= len(shdrs)
                    or shdrs[info]["sh_type"] in (_SHT_REL, _SHT_RELA)):
                continue            # BFD presents it as a normal section
            not_sections.add(i)
            t.has_reloc = True
            t.reloc_for.setdefault(info, []).append(i)
    t.not_sections = not_sections
    return t


def read_image(blob: bytes) -> Image:
    """Parse an Epiphany ELF file (its bytes); raises ObjdumpError for anything else."""
    t = read_tables(blob)
    shdrs, e_type, not_sections, has_reloc = t.shdrs, t.e_type, t.not_sections, t.has_reloc
    symtab_idx = t.symtab_idx
    contents, secname = t.contents, t.secname

    sections: List[Section] = []
    by_index: Dict[int, Section] = {}
    for i, h in enumerate(shdrs):
        if i in not_sections or h["sh_type"] == _SHT_NULL:
            continue
        code = bool(h["sh_flags"] & _SHF_EXECINSTR)
        has = h["sh_type"] != _SHT_NOBITS
        # only code is ever read (-j may name a data section: read lazily below)
        sec = Section(i, secname(h), h["sh_addr"], h["sh_size"], code, has,
                      contents(h) if (code and has) else b"")
        sections.append(sec)
        by_index[i] = sec

    def lazy_data(sec: Section) -> bytes:
        return contents(shdrs[sec.index]) if sec.contents else _Zeros(sec.size)

    for sec in sections:
        if not sec.code or not sec.contents:
            sec.data = _Lazy(lazy_data, sec)  # type: ignore[assignment]

    symbols: List[Symbol] = []
    if symtab_idx:
        h = shdrs[symtab_idx]
        raw = contents(h)
        link = h["sh_link"]
        strtab = contents(shdrs[link]) if 0 < link < len(shdrs) else b""
        # BFD keeps the values of a file that is neither executable nor shared section-relative
        relocatable = e_type not in (_ET_EXEC, _ET_DYN)
        for k, (st_name, st_value, st_size, st_info, _other, st_shndx) in enumerate(
                struct.iter_unpack("<IIIBBH", raw[:len(raw) // 16 * 16])):
            if k == 0:
                continue
            bind, typ = st_info >> 4, st_info & 0xF
            if st_shndx in (_SHN_UNDEF, _SHN_COMMON) or typ in (_STT_SECTION, _STT_FILE):
                # undefined/common symbols never name an address; section and file symbols
                # are "debugging" symbols objdump drops (unless named .plt*/.got*)
                if typ != _STT_SECTION or st_shndx in (_SHN_UNDEF, _SHN_COMMON):
                    continue
                if st_name == 0:
                    if st_shndx >= len(shdrs):
                        continue
                    name = secname(shdrs[st_shndx])
                else:
                    name = _cstr(strtab, st_name)
                if not (name.startswith(".plt") or name.startswith(".got")):
                    continue
            else:
                name = _cstr(strtab, st_name)
            if not name:
                continue
            sec = by_index.get(st_shndx)
            if sec is None:
                secidx, sname, base = -1, "*ABS*", 0
            else:
                secidx, sname = sec.index, sec.name
                base = sec.vma if relocatable else 0
            flags = 0
            if bind == _STB_LOCAL:
                flags |= F_LOCAL
            elif bind == _STB_GLOBAL:
                flags |= F_GLOBAL
            elif bind == _STB_WEAK:
                flags |= F_WEAK
            if typ == _STT_SECTION:
                flags |= F_SECTION_SYM | F_DEBUGGING
            elif typ == _STT_FUNC:
                flags |= F_FUNCTION
            elif typ in (_STT_OBJECT, _STT_COMMON):
                flags |= F_OBJECT
            size = 0 if typ == _STT_SECTION else st_size
            symbols.append(Symbol(name, st_value + base, secidx, sname, flags, size))

    return Image(sections, symbols, has_reloc)


class _Zeros:
    """The contents of a NOBITS section (BFD reads it as zeros), without allocating them."""

    def __init__(self, size: int):
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, k):
        if isinstance(k, slice):
            return bytes(len(range(*k.indices(self.size))))
        if not -self.size <= k < self.size:
            raise IndexError(k)
        return 0


class _Lazy:
    """Contents of a section read only if a listing asks for them."""

    def __init__(self, fn, sec):
        self.fn, self.sec = fn, sec

    def get(self) -> bytes:
        return self.fn(self.sec)


def load(path: str) -> Image:
    """Read ``path``; raises OSError or ObjdumpError."""
    with open(path, "rb") as f:
        blob = f.read()
    return read_image(blob)


# ---------------------------------------------------------------------------------------------
# The listing
# ---------------------------------------------------------------------------------------------

def _sanitize(name: str) -> str:
    """objdump's sanitize_string: control characters print as ``^X``."""
    if all(" " <= c != "\x7f" for c in name):
        return name
    return "".join(("^" + chr((ord(c) + 0x40) & 0xFF)) if (c < " " or c == "\x7f") else c
                   for c in name)


def _file_symbol(s: Symbol) -> bool:
    n = s.name
    return bool(s.flags & F_FILE) or (len(n) > 2 and n[-2] == "." and n[-1] in "oa")


def _sort_key(cur: str):
    def key(s: Symbol):
        n = s.name
        f = s.flags
        return (s.value,
                s.secname != cur,
                "gnu_compiled" in n or "gcc2_compiled" in n,
                _file_symbol(s),
                bool(f & F_DEBUGGING),
                bool(f & F_SECTION_SYM),
                not f & F_FUNCTION,
                not f & F_OBJECT,
                bool(f & F_LOCAL),
                not f & F_GLOBAL,
                -s.size,
                n[:1] == ".",
                n)
    return key


class Lister:
    """Produces the ``objdump -d`` text of one Image (objdump's disassemble_data)."""

    def __init__(self, image: Image, start_address: Optional[int] = None,
                 stop_address: Optional[int] = None):
        self.image = image
        self.start_address = start_address
        self.stop_address = stop_address
        self.syms: List[Symbol] = list(image.symbols)
        self.values: List[int] = []
        self.section: Optional[Section] = None
        # disassemble_info.bytes_per_chunk survives across blocks and sections: 0 until the
        # first instruction is disassembled (then the Epiphany disassembler sets 2)
        self.bytes_per_chunk = 0
        #: with a loader.objdump_source.SourceLines: -S, source lines before instructions
        self.source = None

    # -- symbols (objdump's find_symbol_for_address and friends) ------------------------------
    def _ok(self, want_section: bool, i: int) -> bool:
        return not want_section or self.syms[i].secidx == self.section.index

    def find_symbol(self, vma: int, require_sec: bool) -> Tuple[Optional[Symbol], int]:
        syms, values = self.syms, self.values
        count = len(syms)
        if count < 1:
            return None, 0
        sec = self.section
        i = bisect.bisect_right(values, vma) - 1
        if i < 0:
            i = 0
        thisplace = bisect.bisect_left(values, values[i])
        v = values[thisplace]
        k = thisplace
        while k < count and values[k] == v:
            if syms[k].secidx == sec.index:
                return syms[k], k
            k += 1
        lo_end = k      # objdump's "min": one past the run of equal values
        want = require_sec or (self.image.relocatable and sec.vma <= vma < sec.vma + sec.size)
        if not self._ok(want, thisplace):
            newplace = count
            for j in range(lo_end - 1, -1, -1):
                if self._ok(want, j):
                    if newplace == count:
                        newplace = j
                    if values[j] != values[newplace]:
                        break
                    newplace = j
            if newplace != count:
                thisplace = newplace
            else:
                for j in range(thisplace + 1, count):
                    if self._ok(want, j):
                        thisplace = j
                        break
            if not self._ok(want, thisplace):
                return None, 0
        return syms[thisplace], thisplace

    def addr_with_sym(self, sym: Optional[Symbol], vma: int, skip_zeroes: bool) -> str:
        a = f"{vma & 0xFFFFFFFF:x}" if skip_zeroes else f"{vma & 0xFFFFFFFF:08x}"
        if sym is None:
            sec = self.section
            base, name = sec.vma, _sanitize(sec.name)
        else:
            base, name = sym.value, _sanitize(sym.name)
        if vma < base:
            return f"{a} <{name}-0x{(base - vma) & 0xFFFFFFFF:x}>"
        if vma > base:
            return f"{a} <{name}+0x{(vma - base) & 0xFFFFFFFF:x}>"
        return f"{a} <{name}>"

    def print_address(self, vma: int) -> str:
        """objdump_print_address: how a branch target prints."""
        if not self.syms:
            return f"0x{vma & 0xFFFFFFFF:x}"
        sym, _ = self.find_symbol(vma, False)
        return self.addr_with_sym(sym, vma, True)

    # -- bytes (objdump's disassemble_bytes) ---------------------------------------------------
    def _bytes(self, out: List[str], data: bytes, insns: bool, start: int, stop: int,
               skip_addr_chars: int) -> None:
        sec = self.section
        vma = sec.vma
        print_address = self.print_address
        opl = 4 if insns else 16
        # the disassembler may read up to the next symbol in code, to the section end elsewhere
        limit = stop if (sec.code and sec.contents) else sec.size
        addr = start
        while addr < stop:
            # zero runs
            if data[addr]:
                z = addr
            elif isinstance(data, _Zeros):
                z = stop
            else:
                m = _NONZERO.search(data, addr, stop)
                z = m.start() if m else stop
            nz = z - addr
            if nz >= SKIP_ZEROES or (z == stop and 0 < nz < SKIP_ZEROES_AT_END):
                if z != stop:
                    nz &= ~3
                out.append("\t...\n")
                addr += nz
                continue
            if self.source is not None:
                out.append(self.source.show(vma + addr))
            col = f"{(vma + addr) & 0xFFFFFFFF:08x}"[skip_addr_chars:]
            stripped = col.lstrip("0")
            if not stripped:
                stripped = "0"
            col = " " * (len(col) - len(stripped)) + stripped
            if insns:
                self.bytes_per_chunk = 2
                n, text = disasm_at(data, addr, limit - addr, vma + addr, print_address)
                if n < 0:
                    out.append(f"{col}:\t{text}\n")
                    break
                if addr + n <= stop:       # the common case, formatted directly
                    if n == 4:
                        out.append(f"{col}:\t{data[addr + 1]:02x}{data[addr]:02x} "
                                   f"{data[addr + 3]:02x}{data[addr + 2]:02x} \t{text}\n")
                    else:
                        out.append(f"{col}:\t{data[addr + 1]:02x}{data[addr]:02x}      \t{text}\n")
                    addr += n
                    continue
                bpc = 2
            else:
                n = min(opl, stop - addr)
                text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in data[addr:addr + n])
                bpc = self.bytes_per_chunk or 1
            pb = n if n < opl else opl
            parts = [col, ":\t"]
            j = addr
            end = addr + pb
            while j < end:
                if j + bpc <= stop:
                    parts.append(data[j:j + bpc][::-1].hex())
                parts.append(" ")
                j += bpc
            while pb < opl:
                parts.append("  " * bpc + " ")
                pb += bpc
            parts.append("\t" if insns else "    ")
            parts.append(text)
            parts.append("\n")
            out.append("".join(parts))
            addr += n

    # -- sections (objdump's disassemble_section) ----------------------------------------------
    def section_listing(self, sec: Section, out: List[str]) -> None:
        size = sec.size
        if size == 0:
            return
        vma = sec.vma
        start_address, stop_address = self.start_address, self.stop_address
        addr_offset = 0 if start_address is None or start_address < vma else start_address - vma
        if stop_address is None:
            stop_offset = size
        else:
            stop_offset = 0 if stop_address < vma else min(stop_address - vma, size)
        if addr_offset >= stop_offset:
            return
        data = sec.data.get() if isinstance(sec.data, _Lazy) else sec.data

        self.section = sec
        self.syms.sort(key=_sort_key(sec.name))
        self.values = [s.value for s in self.syms]
        syms, values = self.syms, self.values
        count = len(syms)

        out.append(f"\nDisassembly of section {_sanitize(sec.name)}:\n")
        sym, place = self.find_symbol(vma + addr_offset, True)

        end = (vma + size) & 0xFFFFFFFF
        digits = f"{end:08x}"
        skip = len(digits) - len(digits.lstrip("0"))
        if skip == len(digits) and vma != 0:
            skip = 0
        if skip:
            skip = (skip - 1) & ~3

        while addr_offset < stop_offset:
            addr = vma + addr_offset
            out.append("\n" + self.addr_with_sym(sym, addr, False) + ":\n")
            if sym is not None and sym.value > addr:
                nextsym = sym
            elif sym is None:
                nextsym = None
            else:
                while place < count and not (syms[place].secname == sec.name
                                             and values[place] > sym.value):
                    place += 1
                nextsym = syms[place] if place < count else None
            if sym is not None and sym.value > addr:
                nextstop = sym.value - vma
            elif nextsym is None:
                nextstop = stop_offset
            else:
                nextstop = nextsym.value - vma
            if nextstop > stop_offset or nextstop <= addr_offset:
                nextstop = stop_offset
            insns = (sym is None or sym.secidx != sec.index or sym.value > addr
                     or (not sym.flags & F_OBJECT and "gnu_compiled" not in sym.name
                         and "gcc2_compiled" not in sym.name)
                     or bool(sym.flags & F_FUNCTION))
            self._bytes(out, data, insns, addr_offset, nextstop, skip)
            addr_offset = nextstop
            sym = nextsym

    def listing(self, sections: Optional[Sequence[str]] = None) -> str:
        out: List[str] = []
        for sec in self.image.sections:
            if sections is None:
                if not (sec.code and sec.contents):
                    continue
            elif sec.name not in sections:
                continue
            self.section_listing(sec, out)
        return "".join(out)


def file_header(filename: str) -> str:
    return f"\n{filename}:     file format {FILE_FORMAT}\n\n"


def disassemble(image: Image, filename: Optional[str] = None,
                sections: Optional[Sequence[str]] = None,
                start_address: Optional[int] = None,
                stop_address: Optional[int] = None) -> str:
    """The ``epiphany-elf-objdump -d`` output for ``image``.

    With ``filename``, the output starts with objdump's header naming it (as objdump prints
    the name given on its command line); without, it starts at the first section.
    """
    text = Lister(image, start_address, stop_address).listing(sections)
    return (file_header(filename) if filename is not None else "") + text


def disassemble_file(path: str, **kw) -> str:
    """Like ``epiphany-elf-objdump -d PATH`` (header included)."""
    return disassemble(load(path), path, **kw)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def _int(s: str) -> int:
    try:
        return int(s, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {s!r}") from None


#: the parser is made without -h/--help: -h is objdump's --section-headers (emu.cli)
ADD_HELP = False


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="ELF file(s) to disassemble")
    p.add_argument("--help", action="help", help="show this help message and exit")
    p.add_argument("-d", "--disassemble", action="store_true",
                   help="disassemble the code sections (the default without other options)")
    p.add_argument("-S", "--source", action="store_true",
                   help="disassemble with the source lines interleaved (DWARF line table; "
                        "the sources are read from where the debug information says)")
    p.add_argument("-f", "--file-headers", action="store_true",
                   help="the file header: architecture, BFD flags, start address")
    p.add_argument("-p", "--private-headers", action="store_true",
                   help="the program header (segments)")
    p.add_argument("-h", "--section-headers", "--headers", action="store_true",
                   help="the section headers: size, VMA, LMA, file offset, alignment, flags")
    p.add_argument("-t", "--syms", action="store_true", help="the symbol table")
    p.add_argument("-r", "--reloc", action="store_true",
                   help="the relocations of a relocatable file (not with -d)")
    p.add_argument("-a", "--archive-headers", action="store_true",
                   help="the file's name (objdump prints archive members here)")
    p.add_argument("-x", "--all-headers", action="store_true",
                   help="all of -a -f -p -h -r -t")
    p.add_argument("-j", "--section", action="append", metavar="NAME",
                   help="only this section (may be repeated; data sections too), like "
                        "objdump -j")
    p.add_argument("--start-address", type=_int, metavar="ADDR",
                   help="only from this address on")
    p.add_argument("--stop-address", type=_int, metavar="ADDR",
                   help="only up to (not including) this address")
    p.add_argument("--no-header", action="store_true",
                   help="omit the 'file format' header lines")
    p.set_defaults(func=run)


def _describe(exc: OSError) -> str:
    return exc.strerror if exc.strerror else str(exc)


def _write(text: str) -> bool:
    """Write to stdout; False if the reader went away (e.g. ``| head``)."""
    out = sys.stdout
    try:
        buf = getattr(out, "buffer", None)
        if buf is not None:
            out.flush()
            buf.write(text.encode("latin-1"))
        else:
            out.write(text)
        out.flush()
        return True
    except BrokenPipeError:
        try:   # keep the interpreter's final flush quiet
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return False


def run(args) -> int:
    status = 0
    seen = set()
    x = args.all_headers
    heads = dict(archive=args.archive_headers or x, file_header=args.file_headers or x,
                 private=args.private_headers or x, headers=args.section_headers or x,
                 syms=args.syms or x, relocs=args.reloc or x)
    dis = args.disassemble or args.source or not any(heads.values())
    for path in args.files:
        try:
            with open(path, "rb") as f:
                blob = f.read()
            tables = read_tables(blob)
            image = read_image(blob)
            if args.section:
                seen.update(s.name for s in image.sections if s.name in args.section)
            if dis and args.reloc and tables.has_reloc:
                raise ObjdumpError("-r with -d (relocations inside the listing) is not "
                                   "supported; use them one at a time")
            text = ""
            if any(heads.values()):
                from .objdump_info import dump
                text = dump(tables, path, sections=args.section, disassemble=dis, **heads)
            if dis:
                lister = Lister(image, args.start_address, args.stop_address)
                if args.source:
                    from .objdump_source import SourceLines
                    lister.source = SourceLines(blob)
                body = lister.listing(args.section)
                if not text and not args.no_header:
                    text = file_header(path)
                text += body
        except OSError as exc:
            print(f"epiphany-emu: {path}: {_describe(exc)}", file=sys.stderr)
            status = 2
            continue
        except ObjdumpError as exc:
            print(f"epiphany-emu: {path}: {exc}", file=sys.stderr)
            status = 2
            continue
        if not _write(text):
            return status
    if args.section:
        for name in args.section:
            if name not in seen and status == 0:
                print(f"epiphany-emu: section '{name}' mentioned in --section, "
                      f"but not found in any input file", file=sys.stderr)
                status = 1
    return status


__all__ = ["Image", "Lister", "ObjdumpError", "Section", "Symbol", "add_arguments",
           "disassemble", "disassemble_file", "load", "read_image", "run"]
