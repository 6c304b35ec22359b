"""The assembler's candidate forms, derived from the spec: every mnemonic GNU as accepts, with
its operand syntaxes in the order GNU tries them (``form_table``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Tuple

from .spec import COND_NAMES, INSNS, Insn

_PH = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Form:
    ins: Insn
    tokens: Tuple[str, ...]           #: literal characters and "{placeholder}" tokens
    fixed: Tuple[Tuple[str, int], ...]  #: field values fixed by the spelling / alias
    relaxable: bool                   #: plain mnemonic of a row with ``relax``
    primary: bool = True              #: spelled with the row's own mnemonic (not an ``asm`` one)

    @property
    def kind(self) -> str:
        return imm_kind(self.ins)


def imm_kind(ins: Insn) -> str:
    if ins.asm_imm:
        return ins.asm_imm
    return {"addr": "branch", "dec": "simm", "hex": "uimm"}[ins.imm_fmt]


def _tokens(operands: str) -> Tuple[str, ...]:
    out: List[str] = []
    pos = 0
    for m in _PH.finditer(operands):
        out.extend(operands[pos:m.start()])
        out.append(m.group(0))
        pos = m.end()
    out.extend(operands[pos:])
    return tuple(out)


def _cond_values(ins: Insn):
    excluded = {dict(c).get("cond") for c in ins.exclude if len(c) == 1 and c[0][0] == "cond"}
    return [c for c in range(16) if c not in excluded]


def _expand(spelling: str, ins: Insn):
    """(mnemonic, fixed fields) for a spelling that may contain ``{cond}``."""
    if "{cond}" not in spelling:
        return [(spelling, ())]
    return [(spelling.replace("{cond}", COND_NAMES[c]), (("cond", c),)) for c in _cond_values(ins)]


@lru_cache(maxsize=None)
def form_table() -> Dict[str, Tuple[Form, ...]]:
    """Mnemonic (lower case) → candidate forms in the order GNU as tries them."""
    table: Dict[str, List[Tuple[int, int, Form]]] = {}
    seq = 0
    for ins in INSNS:
        mn, _, ops = ins.syntax.partition(" ")
        variants = [(mn, ops, (), True)]
        for when, alt in tuple(ins.dis_alias) + tuple(ins.asm_alias):
            amn, _, aops = alt.partition(" ")
            variants.insert(0, (amn, aops, tuple(when), False))
        for vmn, vops, when, main in variants:
            spellings = [(vmn, main)] + [(a, False) for a in ins.asm
                                         if main or a == vmn or a.startswith(vmn + ".")]
            toks = _tokens(vops)
            for sp, primary in spellings:
                for word, fixed in _expand(sp, ins):
                    relaxable = primary and ins.relax is not None and imm_kind(ins) in (
                        "branch", "simm")
                    f = Form(ins, toks, tuple(fixed) + tuple(when), relaxable, primary)
                    table.setdefault(word.lower(), []).append((ins.width, seq, f))
                    seq += 1
    return {k: tuple(f for _, _, f in sorted(v, key=lambda t: (t[0], t[1])))
            for k, v in table.items()}
