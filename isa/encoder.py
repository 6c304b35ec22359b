"""Encode instructions from the spec table: ``encode("add32", rd=32, rn=33, rm=34)``.

Used by the assembler and by every test that needs machine code (tests never write hex by hand).
Field values are the *raw* field values (as ``Decoded.fields`` reports them): a branch takes its
offset in halfwords, a displacement its unscaled magnitude plus ``sub``.
"""
from __future__ import annotations

from . import bits as B
from .spec import INSN_BY_NAME, Insn


class EncodeError(ValueError):
    pass


def field_range(ins: Insn, name: str):
    """(lo, hi) inclusive range of raw values field ``name`` accepts in row ``ins``."""
    n = len(ins.fields[name])
    if name == "imm" and ins.imm_signed:
        return -(1 << (n - 1)), (1 << (n - 1)) - 1
    return 0, (1 << n) - 1


def encode_insn(ins: Insn, **values: int) -> int:
    fields = ins.fields
    unknown = set(values) - set(fields)
    if unknown:
        raise EncodeError(f"{ins.name}: no field(s) {sorted(unknown)}")
    word = ins.match
    for name, pos in fields.items():
        v = values.get(name, 0)
        lo, hi = field_range(ins, name)
        if not lo <= v <= hi:
            raise EncodeError(f"{ins.name}: {name}={v} out of range [{lo}, {hi}]")
        word = B.insert(word, pos, v & ((1 << len(pos)) - 1))
    for cond in ins.exclude:
        if all(values.get(k, 0) == v for k, v in cond):
            raise EncodeError(f"{ins.name}: {dict(cond)} is not an encoding of this instruction")
    return word


def encode(name: str, **values: int) -> int:
    """Instruction word for row ``name`` (16- or 32-bit value)."""
    try:
        ins = INSN_BY_NAME[name]
    except KeyError:
        raise EncodeError(f"unknown instruction {name!r}") from None
    return encode_insn(ins, **values)


def to_bytes(name: str, **values: int) -> bytes:
    """Little-endian bytes of the instruction, as they sit in memory."""
    ins = INSN_BY_NAME[name]
    return encode_insn(ins, **values).to_bytes(ins.size, "little")
