"""The header dumps of ``epiphany-elf-objdump``: ``-f`` (file header), ``-p`` (program header),
``-h`` (section headers), ``-t`` (symbol table), ``-r`` (relocations) and ``-x`` (all of them
with ``-a``), byte for byte as binutils 2.40 prints them for Epiphany ELF files.

What objdump shows is BFD's view of the file (``bfd/elf.c``, ``bfd/elfcode.h``,
``binutils/objdump.c``):

* BFD sections are the section headers that are not the null header, the symbol table, its
  string table, the section-name table or a relocation section applied to another section
  (``loader.objdump.read_tables``); they are numbered from 0 in header order.  Their flags come
  from the header (``CONTENTS`` unless NOBITS, ``ALLOC``, ``LOAD`` for allocated contents,
  ``READONLY`` without SHF_WRITE, ``CODE`` for SHF_EXECINSTR else ``DATA`` if loaded, ``RELOC``
  when relocations apply to it, ``DEBUGGING, OCTETS`` for unallocated ``.debug*``); the LMA is
  taken from the PT_LOAD segment holding the section.
* Symbols are the symbol table's entries after the first, in file order, with BFD's flags
  (``l``/``g``/``w``, ``d`` for section and file symbols, ``F``/``f``/``O``) and section
  names (``*UND*``, ``*ABS*``, ``*COM*``); a section symbol without a name is named after its
  section.
"""
from __future__ import annotations

import struct
from typing import Dict, List, Optional, Sequence

from .objdump import (FILE_FORMAT, ElfTables, ObjdumpError, _SHF_ALLOC, _SHF_EXECINSTR,
                      _SHT_NOBITS, _SHT_RELA, _cstr, _sanitize)

_ET_EXEC, _ET_DYN = 2, 3
_SHF_WRITE, _SHF_TLS, _SHF_EXCLUDE = 0x1, 0x400, 0x80000000
_SHT_GROUP = 17
_SHN_UNDEF, _SHN_LORESERVE, _SHN_ABS, _SHN_COMMON = 0, 0xFF00, 0xFFF1, 0xFFF2
_PT_LOAD, _PT_TLS = 1, 7

#: segment type names (bfd/elf.c get_segment_type)
_SEGMENT = {0: "NULL", 1: "LOAD", 2: "DYNAMIC", 3: "INTERP", 4: "NOTE", 5: "SHLIB", 6: "PHDR",
            7: "TLS", 0x6474E550: "EH_FRAME", 0x6474E551: "STACK", 0x6474E552: "RELRO",
            0x6474E553: "PROPERTY"}

#: Epiphany relocation types (include/elf/epiphany.h)
RELOC_NAMES = {0: "R_EPIPHANY_NONE", 1: "R_EPIPHANY_8", 2: "R_EPIPHANY_16", 3: "R_EPIPHANY_32",
               4: "R_EPIPHANY_8_PCREL", 5: "R_EPIPHANY_16_PCREL", 6: "R_EPIPHANY_32_PCREL",
               7: "R_EPIPHANY_SIMM8", 8: "R_EPIPHANY_SIMM24", 9: "R_EPIPHANY_HIGH",
               10: "R_EPIPHANY_LOW", 11: "R_EPIPHANY_SIMM11", 12: "R_EPIPHANY_IMM11",
               13: "R_EPIPHANY_IMM8"}

# BFD section flags, in objdump's printing order (dump_section_header)
_SEC_FLAGS = ["CONTENTS", "ALLOC", "LOAD", "RELOC", "READONLY", "CODE", "DATA", "DEBUGGING",
              "EXCLUDE", "OCTETS", "THREAD_LOCAL", "GROUP"]

# BFD file flags (bfd.h) and their printing order (dump_bfd_header)
_HAS_RELOC, _EXEC_P, _HAS_SYMS, _DYNAMIC, _D_PAGED = 0x1, 0x2, 0x10, 0x40, 0x100
_FILE_FLAGS = [(_HAS_RELOC, "HAS_RELOC"), (_EXEC_P, "EXEC_P"), (0x4, "HAS_LINENO"),
               (0x8, "HAS_DEBUG"), (_HAS_SYMS, "HAS_SYMS"), (0x20, "HAS_LOCALS"),
               (_DYNAMIC, "DYNAMIC"), (0x80, "WP_TEXT"), (_D_PAGED, "D_PAGED")]


class Info:
    """BFD's view of one file, for the header dumps."""

    def __init__(self, t: ElfTables):
        self.t = t
        blob = t.blob
        self.phdrs: List[tuple] = []
        if t.e_phnum and t.e_phoff:
            if t.e_phoff + 32 * t.e_phnum > len(blob):
                raise ObjdumpError("truncated ELF file (program headers past end of file)")
            self.phdrs = [struct.unpack_from("<8I", blob, t.e_phoff + 32 * i)
                          for i in range(t.e_phnum)]
        # BFD sections: (header index, name, flags, lma)
        self.sections = []
        self.bfd_index: Dict[int, int] = {}
        for i, h in enumerate(t.shdrs):
            if i in t.not_sections or h["sh_type"] == 0:
                continue
            name = t.secname(h)
            self.bfd_index[i] = len(self.sections)
            self.sections.append((i, name, self._sec_flags(i, h, name), self._lma(h)))
        self.symbols = self._symbols()

    # -- sections ---------------------------------------------------------------------------
    def _sec_flags(self, i, h, name) -> List[str]:
        f = set()
        nobits = h["sh_type"] == _SHT_NOBITS
        if not nobits:
            f.add("CONTENTS")
        if h["sh_type"] == _SHT_GROUP:
            f.add("GROUP")
        if h["sh_flags"] & _SHF_ALLOC:
            f.add("ALLOC")
            if not nobits:
                f.add("LOAD")
        if not h["sh_flags"] & _SHF_WRITE:
            f.add("READONLY")
        if h["sh_flags"] & _SHF_EXECINSTR:
            f.add("CODE")
        elif "LOAD" in f:
            f.add("DATA")
        if h["sh_flags"] & _SHF_TLS:
            f.add("THREAD_LOCAL")
        if h["sh_flags"] & _SHF_EXCLUDE:
            f.add("EXCLUDE")
        if not h["sh_flags"] & _SHF_ALLOC and name.startswith("."):
            if name.startswith((".debug", ".gnu.debuglto_.debug_", ".gnu.linkonce.wi.",
                                ".zdebug")):
                f.update(("DEBUGGING", "OCTETS"))
            elif name.startswith((".gnu.build.attributes", ".note.gnu")):
                f.add("OCTETS")
            elif name.startswith((".line", ".stab")) or name == ".gdb_index":
                f.add("DEBUGGING")
        if i in self.t.reloc_for:
            f.add("RELOC")
        return [n for n in _SEC_FLAGS if n in f]

    def _lma(self, h) -> int:
        """BFD's LMA: from the PT_LOAD (or PT_TLS) segment holding the section."""
        if not h["sh_flags"] & _SHF_ALLOC:
            return h["sh_addr"]
        lma = h["sh_addr"]
        nobits = h["sh_type"] == _SHT_NOBITS
        for (p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, _pf, _pa) in self.phdrs:
            if not ((p_type == _PT_LOAD and not h["sh_flags"] & _SHF_TLS) or p_type == _PT_TLS):
                continue
            size = h["sh_size"]
            in_addr = p_vaddr <= h["sh_addr"] and h["sh_addr"] + size <= p_vaddr + p_memsz \
                and (size > 0 or h["sh_addr"] < p_vaddr + p_memsz or p_memsz == 0)
            in_file = nobits or (p_offset <= h["sh_offset"]
                                 and h["sh_offset"] + size <= p_offset + p_filesz)
            if not (in_addr and in_file):
                continue
            if nobits:
                lma = p_paddr + h["sh_addr"] - p_vaddr
            else:
                lma = p_paddr + h["sh_offset"] - p_offset
            break
        return lma & 0xFFFFFFFF

    # -- symbols ----------------------------------------------------------------------------
    def _symbols(self):
        """[(value, flags text, section name, size, st_other, name)] in file order."""
        t = self.t
        if not t.symtab_idx:
            return []
        h = t.shdrs[t.symtab_idx]
        raw = t.contents(h)
        link = h["sh_link"]
        strtab = t.contents(t.shdrs[link]) if 0 < link < len(t.shdrs) else b""
        relocatable = t.e_type not in (_ET_EXEC, _ET_DYN)
        out = []
        for k, (st_name, st_value, st_size, st_info, st_other, st_shndx) in enumerate(
                struct.iter_unpack("<IIIBBH", raw[:len(raw) // 16 * 16])):
            if k == 0:
                continue
            bind, typ = st_info >> 4, st_info & 0xF
            if st_shndx == _SHN_UNDEF:
                sec, vma = "*UND*", 0
            elif st_shndx == _SHN_ABS:
                sec, vma = "*ABS*", 0
            elif st_shndx == _SHN_COMMON:
                sec, vma = "*COM*", 0
            elif st_shndx < _SHN_LORESERVE and st_shndx in self.bfd_index:
                sh = t.shdrs[st_shndx]
                sec, vma = t.secname(sh), sh["sh_addr"]
            else:
                sec, vma = "*ABS*", 0
            if st_name == 0 and typ == 3 and st_shndx < len(t.shdrs):
                name = t.secname(t.shdrs[st_shndx])
            else:
                name = _cstr(strtab, st_name) if st_name < len(strtab) or st_name == 0 else ""
            local = bind == 0
            glob = bind == 1 and st_shndx not in (_SHN_UNDEF, _SHN_COMMON)
            weak = bind == 2
            unique = bind == 10
            debugging = typ in (3, 4)
            c1 = ("l" if local else "g" if glob else "u" if unique else " ")
            c7 = ("F" if typ == 2 else "f" if typ == 4 else "O" if typ in (1, 5) else " ")
            text = (c1 + ("w" if weak else " ") + "  " + ("i" if typ == 10 else " ")
                    + ("d" if debugging else " ") + c7)
            value = st_value + (vma if relocatable and sec not in ("*UND*", "*ABS*", "*COM*")
                                else 0)
            size = st_value if sec == "*COM*" else st_size
            out.append((value & 0xFFFFFFFF, text, sec, size, st_other, name))
        return out

    # -- the dumps --------------------------------------------------------------------------
    def file_flags(self) -> int:
        t = self.t
        f = 0
        if t.e_type == _ET_EXEC:
            f |= _EXEC_P
        elif t.e_type == _ET_DYN:
            f |= _DYNAMIC
        if t.has_reloc:
            f |= _HAS_RELOC
        if self.symbols:
            f |= _HAS_SYMS
        if f & (_EXEC_P | _DYNAMIC) and any(p[0] == _PT_LOAD for p in self.phdrs):
            f |= _D_PAGED
        return f

    def file_header(self) -> str:
        f = self.file_flags()
        names = ", ".join(n for bit, n in _FILE_FLAGS if f & bit)
        return (f"architecture: epiphany32, flags 0x{f:08x}:\n{names}\n"
                f"start address 0x{self.t.e_entry:08x}\n")

    def program_header(self) -> str:
        if not self.phdrs:
            return ""
        lines = ["", "Program Header:"]
        for (p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align) in \
                self.phdrs:
            pt = _SEGMENT.get(p_type, f"0x{p_type:x}")
            lines.append(f"{pt:>8s} off    0x{p_offset:08x} vaddr 0x{p_vaddr:08x} "
                         f"paddr 0x{p_paddr:08x} align 2**{_log2(p_align)}")
            rwx = ("r" if p_flags & 4 else "-") + ("w" if p_flags & 2 else "-") + \
                  ("x" if p_flags & 1 else "-")
            extra = p_flags & ~7
            lines.append(f"         filesz 0x{p_filesz:08x} memsz 0x{p_memsz:08x} flags {rwx}"
                         + (f" {extra:x}" if extra else ""))
        return "\n".join(lines) + "\n"

    def section_headers(self, only: Optional[Sequence[str]] = None) -> str:
        out = ["Sections:\n", "Idx Name          Size      VMA       LMA       File off  Algn\n"]
        for idx, (i, name, flags, lma) in enumerate(self.sections):
            if only is not None and name not in only:
                continue
            h = self.t.shdrs[i]
            out.append(f"{idx:3d} {_sanitize(name):<13s} {h['sh_size']:08x}  "
                       f"{h['sh_addr']:08x}  {lma:08x}  {h['sh_offset']:08x}  "
                       f"2**{_log2(h['sh_addralign'])}\n")
            out.append("                  " + ", ".join(flags) + "\n")
        return "".join(out)

    def symbol_table(self) -> str:
        out = ["SYMBOL TABLE:\n"]
        if not self.symbols:
            out.append("no symbols\n")
        for value, flags, sec, size, other, name in self.symbols:
            vis = {0: "", 1: " .internal", 2: " .hidden", 3: " .protected"}.get(
                other, f" 0x{other:02x}")
            out.append(f"{value:08x} {flags} {_sanitize(sec)}\t{size:08x}{vis} "
                       f"{_sanitize(name)}\n")
        out.append("\n\n")
        return "".join(out)

    def relocations(self, only: Optional[Sequence[str]] = None) -> str:
        t = self.t
        out = []
        symtab = t.shdrs[t.symtab_idx] if t.symtab_idx else None
        for i, name, _flags, _lma in self.sections:
            if i not in t.reloc_for or (only is not None and name not in only):
                continue
            out.append(f"RELOCATION RECORDS FOR [{_sanitize(name)}]:\n"
                       f"OFFSET   TYPE              VALUE\n")
            for ri in t.reloc_for[i]:
                rh = t.shdrs[ri]
                rela = rh["sh_type"] == _SHT_RELA
                ent = 12 if rela else 8
                raw = t.contents(rh)
                for off in range(0, len(raw) // ent * ent, ent):
                    r_offset, r_info = struct.unpack_from("<II", raw, off)
                    addend = struct.unpack_from("<i", raw, off + 8)[0] if rela else 0
                    typ, symi = r_info & 0xFF, r_info >> 8
                    tname = RELOC_NAMES.get(typ, "*unknown*")
                    if symi == 0 or symtab is None or symi > len(self.symbols):
                        sym = "*ABS*"
                    else:
                        sym = self.symbols[symi - 1][5]
                    line = f"{r_offset:08x} {tname:<16s}  {_sanitize(sym)}"
                    if addend:
                        line += (f"-0x{-addend:08x}" if addend < 0 else f"+0x{addend:08x}")
                    out.append(line + "\n")
            out.append("\n\n")
        return "".join(out)


def _log2(x: int) -> int:
    """bfd_log2: the smallest n with 2**n >= x (0 for 0 and 1)."""
    n = 0
    while (1 << n) < x:
        n += 1
    return n


def dump(t: ElfTables, filename: str, *, archive=False, file_header=False,
         private=False, headers=False, syms=False, relocs=False,
         sections: Optional[Sequence[str]] = None, disassemble=False) -> str:
    """objdump's dump_bfd up to the disassembly, which the caller appends."""
    info = Info(t)
    out = [f"\n{filename}:     file format {FILE_FORMAT}\n"]
    if archive:
        out.append(f"{filename}\n")
    if file_header:
        out.append(info.file_header())
    if private:
        out.append(info.program_header())
    out.append("\n")
    if headers:
        out.append(info.section_headers(sections))
    if syms:
        out.append(info.symbol_table())
    if relocs and not disassemble:
        out.append(info.relocations(sections))
    return "".join(out)
