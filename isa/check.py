"""Consistency checks of the ISA table (run by ``python -m isa check``, by the generator and by
the tests).  A spec that fails any check must not generate code.

Checks (cf. riscv-opcodes / QEMU decodetree):
* every row has a unique name, a 16- or 32-bit pattern, only known letters, a known timing
  class, a syntax whose placeholders are fields of the row, a known flag set and a semantic name;
* every bit is fixed, ignored (``.``) or owned by exactly one field (a letter is one field);
* bits 3:0 are fixed and decide the width the way the hardware does (``isa.bits.insn_length``);
* no two rows overlap unless the pair is declared in ``OVERLAPS`` (more specific first);
* exclusions and aliases only name fields the row has, with values that fit.
"""
from __future__ import annotations

import re
from typing import Iterable, List, Sequence

from . import bits as B
from .spec import FIELD_LETTERS, TCLASSES, Insn

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SYNTAX_NEEDS = {"rd": "rd", "rn": "rn", "rm": "rm", "cond": "cond", "sign": "sub",
                 "sreg": "imm", "imm": "imm"}
_SEM = re.compile(r"^[a-z_0-9]+(\(.*\))?$")


class SpecError(ValueError):
    pass


def _overlap(a: Insn, b: Insn) -> bool:
    if a.width != b.width:
        return False
    common = a.mask & b.mask
    return (a.match & common) == (b.match & common)


def check(insns: Sequence[Insn], overlaps: Iterable = ()) -> List[str]:
    """Return a list of problems (empty when the spec is consistent)."""
    errs: List[str] = []
    seen = set()
    for ins in insns:
        where = f"{ins.name}: "
        if ins.name in seen:
            errs.append(where + "duplicate name")
        seen.add(ins.name)
        b = ins.bits
        if len(b) not in (16, 32):
            errs.append(where + f"pattern has {len(b)} bits, want 16 or 32")
            continue
        bad = {ch for ch in b if not (ch in "01." or ch in FIELD_LETTERS)}
        if bad:
            errs.append(where + f"unknown pattern characters {sorted(bad)}")
            continue
        if not all(ch in "01" for ch in b[-4:]):
            errs.append(where + "bits 3:0 must be fixed (they select the instruction length)")
        elif B.insn_length(int(b[-4:], 2)) != ins.size:
            errs.append(where + f"bits 3:0 = {b[-4:]} imply a {B.insn_length(int(b[-4:], 2))}-byte "
                        f"instruction, pattern is {ins.size} bytes")
        if ins.tclass not in TCLASSES:
            errs.append(where + f"unknown timing class {ins.tclass!r}")
        if ins.flags not in ("-", "A", "L", "F"):
            errs.append(where + f"unknown flags {ins.flags!r}")
        if not ins.syntax or not ins.mnemonic:
            errs.append(where + "missing syntax")
        if not _SEM.match(ins.sem):
            errs.append(where + f"bad semantic name {ins.sem!r}")
        fields = ins.fields
        for ph in _PLACEHOLDER.findall(ins.syntax):
            need = _SYNTAX_NEEDS.get(ph)
            if need is None:
                errs.append(where + f"unknown placeholder {{{ph}}}")
            elif need not in fields:
                errs.append(where + f"syntax uses {{{ph}}} but the pattern has no {need} field")
        if ins.imm_fmt not in ("hex", "dec", "addr"):
            errs.append(where + f"unknown imm_fmt {ins.imm_fmt!r}")
        for cond in list(ins.exclude) + [w for w, _ in ins.dis_alias]:
            for fname, val in cond:
                if fname not in fields:
                    errs.append(where + f"constraint on missing field {fname}")
                elif not 0 <= val < (1 << len(fields[fname])):
                    errs.append(where + f"constraint {fname}={val} does not fit the field")
        if ins.relax is not None and ins.relax not in seen and ins.relax not in {
                i.name for i in insns}:
            errs.append(where + f"relax target {ins.relax} does not exist")
        try:
            compile(ins.imm, ins.name, "eval")
        except SyntaxError:
            errs.append(where + f"bad imm expression {ins.imm!r}")
        for name in re.findall(r"\b[A-Za-z_]\w*", ins.imm):
            if name not in fields and name not in ("if", "else"):
                errs.append(where + f"imm expression uses {name}, not a field of the row")
    declared = {tuple(p) for p in overlaps}
    for i, a in enumerate(insns):
        for b2 in insns[i + 1:]:
            if _overlap(a, b2) and (a.name, b2.name) not in declared and (
                    b2.name, a.name) not in declared:
                errs.append(f"{a.name} and {b2.name} overlap (declare the pair in OVERLAPS)")
    return errs


def check_or_raise(insns: Sequence[Insn], overlaps: Iterable = ()) -> None:
    errs = check(insns, overlaps)
    if errs:
        raise SpecError("ISA spec is inconsistent:\n  " + "\n  ".join(errs))
