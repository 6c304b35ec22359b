"""Decode Epiphany instruction words using the spec table (pure Python reference decoder).

The Cython core has its own generated decoder (``emu/_gen_isa.pxi``), generated from the same
table; ``tests/isa`` checks that both agree on every 16-bit word and on a sample of 32-bit words.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Optional, Tuple

from . import bits as B
from .spec import INSNS, Insn

#: Op numbers: 0 is "invalid", row k of ``spec.INSNS`` is ``k + 1`` (the core uses the same).
OP_INVALID = 0
OP_OF: Dict[str, int] = {ins.name: k + 1 for k, ins in enumerate(INSNS)}


@dataclass(frozen=True)
class Decoded:
    insn: Insn
    word: int                   #: the instruction bits (16 or 32 of them)
    fields: Dict[str, int]      #: raw field values (signed where the row says so)
    imm: int                    #: the core's immediate (int32: scaled, signed), see ``Insn.imm``

    @property
    def size(self) -> int:
        return self.insn.size

    @property
    def op(self) -> int:
        return OP_OF[self.insn.name]


@lru_cache(maxsize=None)
def _imm_fn(expr: str):
    return eval("lambda f: " + _rewrite(expr))  # noqa: S307 - spec expressions, not user input


def _rewrite(expr: str) -> str:
    import re
    return re.sub(r"\b(rd|rn|rm|cond|sub|group|imm)\b", r"f['\1']", expr)


def eval_imm(ins: Insn, fields: Dict[str, int]) -> int:
    """The core's immediate: the spec expression, as a signed 32-bit value (like the C record)."""
    return B.sign_extend(_imm_fn(ins.imm)(fields), 32)


@lru_cache(maxsize=None)
def _rows(width: int, nibble: int) -> Tuple[Tuple[int, int, Insn, Tuple], ...]:
    """The rows a ``width``-bit word with low nibble ``nibble`` may be, most specific first
    (only relevant for declared overlaps), with what decoding needs computed once:
    ``(mask, match, row, ((field, extractor), ...))``."""
    rows = sorted((i for i in INSNS if i.width == width and (i.match & 0xF) == nibble),
                  key=lambda i: -bin(i.mask).count("1"))
    return tuple((ins.mask, ins.match, ins,
                  tuple((name, B.extractor(pos, name == "imm" and ins.imm_signed))
                        for name, pos in ins.fields.items()))
                 for ins in rows)


def _excluded(ins: Insn, fields: Dict[str, int]) -> bool:
    return any(all(fields.get(k) == v for k, v in cond) for cond in ins.exclude)


def decode_word(word: int, width: int) -> Optional[Decoded]:
    """Decode a 16- or 32-bit instruction word; None if no row matches (invalid instruction)."""
    for mask, match, ins, fields in _rows(width, word & 0xF):
        if (word & mask) == match:
            f = {name: get(word) for name, get in fields}
            if ins.exclude and _excluded(ins, f):
                continue
            return Decoded(ins, word, f, eval_imm(ins, f))
    return None


def decode(data: bytes, offset: int = 0) -> Tuple[int, Optional[Decoded]]:
    """Decode the instruction at ``data[offset:]``.

    Returns ``(length, decoded)``: the length the hardware fetches (2 or 4, from bits 3:0 of the
    first halfword) and the decoded instruction or None when the word is not an instruction or
    the buffer ends inside it.
    """
    if offset + 2 > len(data):
        return 0, None
    lo = data[offset] | (data[offset + 1] << 8)
    n = B.insn_length(lo)
    if n == 2:
        return 2, decode_word(lo, 16)
    if offset + 4 > len(data):
        return 4, None
    hi = data[offset + 2] | (data[offset + 3] << 8)
    return 4, decode_word(B.halfwords_to_word(lo, hi), 32)
