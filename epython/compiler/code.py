"""Bytecode fragments and the encoders of each construct (spec §1.3).

A :class:`Code` is a piece of bytecode under construction: the bytes, the places still to be
patched with a 16-bit absolute address (a GOTO to a label, a call or a function value to a
function by name) and the labels defined in it.  Appending one fragment to another shifts
both.  Every multi-byte field is little-endian and unaligned, as the VM reads it.

The encoders below give each statement exactly ePython v2.0's shape; the opcodes come from
:mod:`epython.bytecode`, the one place they are written.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from ..bytecode import NATIVE_FUNCTIONS, MathOp, Native, Op, native_byte

GOTO, CALL, FNADDR = "goto", "call", "fnaddr"
#: not patched: marks the byte after a while loop's GOTO (never executed; ePython leaves it
#: uninitialised, we write 0), so that comparisons with ePython's output can skip it
PAD = "pad"


@dataclass
class Reloc:
    """A 16-bit field at ``offset`` to be filled with an absolute address when linking."""
    offset: int
    kind: str                 # GOTO (target: label number) | CALL | FNADDR (target: name)
    target: object
    filename: str = ""
    line: int = 0


class Code:
    __slots__ = ("buf", "relocs", "labels")

    def __init__(self, data: bytes = b"") -> None:
        self.buf = bytearray(data)
        self.relocs: List[Reloc] = []
        self.labels: Dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.buf)

    def op(self, opcode: int) -> "Code":
        self.buf.append(opcode)
        return self

    def u8(self, v: int) -> "Code":
        self.buf.append(v & 0xFF)
        return self

    def u16(self, v: int) -> "Code":
        self.buf += struct.pack("<H", v & 0xFFFF)
        return self

    def i32(self, v: int) -> "Code":
        self.buf += struct.pack("<i", v)
        return self

    def f32(self, v: float) -> "Code":
        self.buf += struct.pack("<f", v)
        return self

    def address(self, kind: str, target: object, filename: str = "", line: int = 0) -> "Code":
        """A 16-bit address field filled in by the linker."""
        self.relocs.append(Reloc(len(self.buf), kind, target, filename, line))
        return self.u16(0)

    def label(self, label: int) -> "Code":
        self.labels[label] = len(self.buf)
        return self

    def add(self, *others: Optional["Code"]) -> "Code":
        for other in others:
            if other is None:
                continue
            base = len(self.buf)
            self.buf += other.buf
            for r in other.relocs:
                self.relocs.append(Reloc(r.offset + base, r.kind, r.target, r.filename, r.line))
            for lab, off in other.labels.items():
                self.labels[lab] = off + base
        return self

    def copy(self) -> "Code":
        return Code().add(self)

    def identifier_id(self) -> Optional[int]:
        """The symbol id when this fragment is a bare variable reference (``0F id``)."""
        if len(self.buf) == 3 and self.buf[0] == Op.IDENTIFIER:
            return self.buf[1] | (self.buf[2] << 8)
        return None


# ---------------------------------------------------------------- expressions

def integer(v: int) -> Code:
    return Code().op(Op.INTEGER).i32(v)


def real(v: float) -> Code:
    return Code().op(Op.REAL).f32(v)


def string(s: str) -> Code:
    return Code(bytes([Op.STRING]) + s.encode("utf-8", "surrogateescape") + b"\0")


def boolean(v: bool) -> Code:
    return Code().op(Op.BOOLEAN).i32(1 if v else 0)


def none() -> Code:
    return Code().op(Op.NONE)


def identifier(sym: int) -> Code:
    return Code().op(Op.IDENTIFIER).u16(sym)


def array_access(sym: int, indexes: Sequence[Code]) -> Code:
    return Code().op(Op.ARRAYACCESS).u16(sym).u8(len(indexes)).add(*indexes)


def fn_addr(name: str, filename: str, line: int) -> Code:
    return Code().op(Op.FN_ADDR).address(FNADDR, name, filename, line)


def binary(opcode: int, left: Code, right: Code) -> Code:
    return Code().op(opcode).add(left, right)


def unary(opcode: int, operand: Code) -> Code:
    return Code().op(opcode).add(operand)


def array_literal(items: Sequence[Code], repeat: Optional[Code]) -> Code:
    code = Code().op(Op.ARRAY).i32(len(items)).u8(0 if repeat is None else 1)
    return code.add(repeat, *items)


def native_call(native: Native, expected: int, args: Sequence[Code]) -> Code:
    code = Code().op(Op.NATIVE).u8(native_byte(native, expected)).u16(len(args))
    return code.add(*args)


def native_named(name: str, args: Sequence[Code]) -> Code:
    native, expected = NATIVE_FUNCTIONS[name]
    return native_call(native, expected, args)


def floor_of(value: Code) -> Code:
    """``math floor`` of a value: how ``a // b`` and ``a //= b`` finish (a real result)."""
    return native_named("rtl_math", [integer(MathOp.FLOOR), value])


def reference(sym: int) -> Code:
    return Code().op(Op.REFERENCE).u16(sym)


def symbol(sym: int) -> Code:
    return Code().op(Op.SYMBOL).u16(sym)


# ---------------------------------------------------------------- statements

def let(target: Code, value: Code, opcode: int = Op.LET) -> Code:
    return Code().op(opcode).add(target, value)


def alias(sym: int, value: Code) -> Code:
    return Code().op(Op.ALIAS).u16(sym).add(value)


def stop() -> Code:
    return Code().op(Op.STOP)


def ret(value: Optional[Code] = None) -> Code:
    if value is None:
        return Code().op(Op.RETURN)
    return Code().op(Op.RETURN_EXP).add(value)


def if_(cond: Code, then: Optional[Code]) -> Code:
    """``IF cond len then``: a false condition skips ``len`` bytes."""
    then = then or Code()
    return Code().op(Op.IF).add(cond).u16(len(then)).add(then)


def if_else(cond: Code, then: Optional[Code], other: Optional[Code], end: int) -> Code:
    """``IFELSE cond len(then)+3 then GOTO end else``, ``end`` labelled after the else."""
    then = then or Code()
    code = Code().op(Op.IFELSE).add(cond).u16(len(then) + 3).add(then)
    code.op(Op.GOTO).address(GOTO, end)
    return code.add(other).label(end)


def while_(cond: Code, body: Optional[Code], top: int) -> Code:
    """``IF cond len(body)+4 body GOTO top`` and one byte never executed.  ePython leaves that
    byte uninitialised; we write 0."""
    body = body or Code()
    code = Code().label(top).op(Op.IF).add(cond).u16(len(body) + 4).add(body)
    code.op(Op.GOTO).address(GOTO, top)
    code.relocs.append(Reloc(len(code), PAD, None))
    return code.u8(0)


def for_(counter: int, var: int, iterable: Code, body: Optional[Code], top: int) -> Code:
    """``LET ctr=0``, top: ``LET v=0``, ``FOR ctr v iterable len``, body, ``LET ctr=ctr+1``,
    ``GOTO top``.  ``len`` covers the body and the increment, not the GOTO: a finished loop
    continues ``len + 3`` bytes after the length field."""
    increment = let(identifier(counter),
                    binary(Op.ADD, identifier(counter), integer(1)))
    inner = Code().add(body, increment)
    code = let(identifier(counter), integer(0)).label(top)
    code.add(let(identifier(var), integer(0)))
    code.op(Op.FOR).u16(counter).u16(var).add(iterable).u16(len(inner)).add(inner)
    return code.op(Op.GOTO).address(GOTO, top)


def call(name: str, by_var: Optional[int], arg_ids: Sequence[int], filename: str,
         line: int) -> Code:
    """``FNCALL addr nargs ids`` or, through a variable, ``FNCALL_BY_VAR var nargs ids``."""
    if by_var is None:
        code = Code().op(Op.FNCALL).address(CALL, name, filename, line)
    else:
        code = Code().op(Op.FNCALL_BY_VAR).u16(by_var)
    code.u16(len(arg_ids))
    for sym in arg_ids:
        code.u16(sym)
    return code
