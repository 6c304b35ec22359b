"""Instruction text in GNU syntax, identical to what ``epiphany-elf-objdump -d`` prints.

``disasm_one`` works on the instruction at an offset of a buffer, ``disasm_word`` on an
instruction word, ``disasm_at`` reads one as objdump's disassembler does (both cached: listings
and traces see the same words over and over); ``loader.objdump`` builds the objdump listing of
whole ELF files (symbol headers, address columns, zero-skipping) around them.
"""
from __future__ import annotations

import re
from typing import Callable, Dict, Optional, Tuple

from . import regs
from .bits import LEN32_MASK
from .decoder import Decoded, decode, decode_word
from .spec import COND_NAMES

UNKNOWN = "*unknown*"
_PH = re.compile(r"\{(\w+)\}")


def default_print_address(addr: int) -> str:
    """How objdump prints a branch target when the file has no symbols."""
    return f"0x{addr:x}"


def format_insn(d: Decoded, pc: int = 0,
                print_address: Callable[[int], str] = default_print_address) -> str:
    """Text of decoded instruction ``d`` located at address ``pc``."""
    ins = d.insn
    f = d.fields
    syntax = ins.syntax
    for when, alt in ins.dis_alias:
        if all(f.get(k) == v for k, v in when):
            syntax = alt
            break

    def sub(m: "re.Match[str]") -> str:
        key = m.group(1)
        if key in ("rd", "rn", "rm"):
            return regs.gpr_name(f[key])
        if key == "cond":
            return COND_NAMES[f["cond"]]
        if key == "sign":
            return "-" if f["sub"] else "+"
        if key == "sreg":
            return regs.sreg_asm_name(f.get("group", 0), f["imm"])
        if key == "imm":
            if ins.imm_fmt == "addr":
                return print_address((pc + d.imm) & 0xFFFFFFFF)
            if ins.imm_fmt == "dec":
                return str(f["imm"])
            return f"0x{f['imm']:x}"
        raise KeyError(key)

    return _PH.sub(sub, syntax)


#: (size, text, None) of a word whose text does not depend on its address, (size, None,
#: Decoded) of one that prints a branch target; one cache per width, by word
_WORDS16: Dict[int, Tuple[int, Optional[str], Optional[Decoded]]] = {}
_WORDS32: Dict[int, Tuple[int, Optional[str], Optional[Decoded]]] = {}


def _word_entry(word: int, width: int) -> Tuple[int, Optional[str], Optional[Decoded]]:
    d = decode_word(word, width)
    if d is None:
        e = (4, UNKNOWN, None)
    elif d.insn.imm_fmt == "addr":
        e = (d.size, None, d)
    else:
        e = (d.size, format_insn(d), None)
    (_WORDS16 if width == 16 else _WORDS32)[word] = e
    return e


def disasm_word(word: int, width: int, pc: int = 0,
                print_address: Callable[[int], str] = default_print_address) -> Tuple[int, str]:
    """Size and text of the ``width``-bit instruction ``word`` located at address ``pc``.

    Like objdump, a word that is no instruction prints ``*unknown*`` and has size 4.
    """
    n, t, d = (_WORDS16 if width == 16 else _WORDS32).get(word) or _word_entry(word, width)
    return (n, t) if d is None else (n, format_insn(d, pc, print_address))


def disasm_at(data: bytes, off: int, avail: int, pc: int,
              print_address: Callable[[int], str] = default_print_address) -> Tuple[int, str]:
    """Size and text of the instruction at ``data[off:]`` when ``avail`` bytes may be read,
    as binutils' ``epiphany_print_insn`` (the objdump listing's instruction reader).

    It reads 4 bytes, or only 2 when fewer than 4 are readable (the rest of the word is then
    zero), and returns 4 for an unknown word.  Returns size -1 and objdump's memory-error text
    when fewer than 2 bytes are readable.
    """
    if avail < 2:
        return -1, f"Address 0x{pc:x} is out of bounds.\n"
    lo = data[off] | (data[off + 1] << 8)
    if (LEN32_MASK >> (lo & 0xF)) & 1:          # isa.bits.insn_length, inline (hot path)
        word = lo | ((data[off + 2] | (data[off + 3] << 8)) << 16) if avail >= 4 else lo
        n, t, d = _WORDS32.get(word) or _word_entry(word, 32)
    else:
        n, t, d = _WORDS16.get(lo) or _word_entry(lo, 16)
    return (n, t) if d is None else (n, format_insn(d, pc, print_address))


def disasm_one(data: bytes, offset: int = 0, pc: int = 0,
               print_address: Callable[[int], str] = default_print_address
               ) -> Tuple[int, str, Optional[Decoded]]:
    """Disassemble the instruction at ``data[offset:]`` located at address ``pc``.

    Returns ``(nbytes, text, decoded)``.  Like objdump, a word that is no instruction prints
    ``*unknown*`` and consumes 4 bytes (binutils' default instruction size for Epiphany).
    ``nbytes`` is 0 when fewer than 2 bytes remain.
    """
    n, d = decode(data, offset)
    if n == 0:
        return 0, "", None
    if d is None:
        return 4, UNKNOWN, None
    return d.size, format_insn(d, pc, print_address), d
