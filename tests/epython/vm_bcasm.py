"""A tiny assembler of ePython bytecode for the VM tests, built on ``epython.bytecode``.

Code is a list of pieces: ``bytes``, ``Label(name)`` (defines an address, no bytes) and
``Ref(name)`` (a 2-byte absolute address, resolved at the end), so lengths are known before
addresses.  The helpers mirror the shapes of spec §1.3 (and of ePython's compiler: a ``while``
is ``IF cond len(body+4) body GOTO top`` plus one never-executed byte).

    main = [let("a", INT(1)), pr(ADD(ID("a"), INT(2)))]
    prog = program(main)              # -> epython.bytecode.Program
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Union

from epython.bytecode import Native, Op, Program, native_byte


@dataclass(frozen=True)
class Label:
    name: str


@dataclass(frozen=True)
class Ref:
    name: str


Piece = Union[bytes, Label, Ref]


class Syms:
    """Variable names -> 16-bit symbol ids (from 1, as ePython's compiler numbers them)."""

    def __init__(self):
        self.ids: Dict[str, int] = {}

    def __call__(self, name: str) -> int:
        if name not in self.ids:
            self.ids[name] = len(self.ids) + 1
        return self.ids[name]


S = Syms()


def reset():
    """Start numbering symbols afresh (call before building each program)."""
    S.ids.clear()


def flat(*parts) -> List[Piece]:
    out: List[Piece] = []
    for p in parts:
        if isinstance(p, (bytes, Label, Ref)):
            out.append(p)
        elif isinstance(p, int):
            out.append(bytes([p]))
        elif p is None:
            continue
        else:
            out.extend(flat(*p))
    return out


def size(code) -> int:
    return sum(2 if isinstance(p, Ref) else 0 if isinstance(p, Label) else len(p)
               for p in flat(code))


def u16(v: int) -> bytes:
    return struct.pack("<H", v & 0xFFFF)


def i32(v: int) -> bytes:
    return struct.pack("<i", v) if v < 0x80000000 else struct.pack("<I", v)


def sym(name) -> int:
    return name if isinstance(name, int) else S(name)


# ---- expressions ----------------------------------------------------------------------------
def INT(v: int):
    return flat(Op.INTEGER, i32(v))


def REAL(v: float):
    return flat(Op.REAL, struct.pack("<f", v))


def BOOL(v: bool):
    return flat(Op.BOOLEAN, i32(1 if v else 0))


def STR(s: str):
    return flat(Op.STRING, s.encode() + b"\0")


def NONE():
    return flat(Op.NONE)


def ID(name):
    return flat(Op.IDENTIFIER, u16(sym(name)))


def IDX(name, *indexes):
    return flat(Op.ARRAYACCESS, u16(sym(name)), len(indexes), *indexes)


def _bin(op):
    return lambda a, b: flat(op, a, b)


ADD, SUB, MUL, DIV, MOD, POW = (_bin(o) for o in (Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MOD,
                                                  Op.POW))
EQ, NEQ, LT, GT, LEQ, GEQ, IS = (_bin(o) for o in (Op.EQ, Op.NEQ, Op.LT, Op.GT, Op.LEQ,
                                                   Op.GEQ, Op.IS))
AND, OR = _bin(Op.AND), _bin(Op.OR)


def NOT(e):
    return flat(Op.NOT, e)


def ARRAY(items: Sequence, repeat=None):
    return flat(Op.ARRAY, i32(len(items)), 1 if repeat is not None else 0, repeat, *items)


def FN_ADDR(fn: str):
    return flat(Op.FN_ADDR, Ref("fn:" + fn))


def REF(name):
    return flat(Op.REFERENCE, u16(sym(name)))


def SYMBOL(name):
    return flat(Op.SYMBOL, u16(sym(name)))


def NAT(native: Native, *args, expected: Optional[int] = None):
    exp = len(args) if expected is None else expected
    return flat(Op.NATIVE, native_byte(native, exp), u16(len(args)), *args)


def CALL(fn: str, *args):
    """FNCALL with argument variables (names)."""
    return flat(Op.FNCALL, Ref("fn:" + fn), u16(len(args)), *[u16(sym(a)) for a in args])


def CALL_VAR(var, *args):
    return flat(Op.FNCALL_BY_VAR, u16(sym(var)), u16(len(args)), *[u16(sym(a)) for a in args])


def WITH_LET(target, value, expr):
    """An expression preceded by a LET (the compiler's hidden argument variables)."""
    return flat(let(target, value), expr)


# ---- statements ------------------------------------------------------------------------------
def let(target, value, noalias: bool = False):
    op = Op.LETNOALIAS if noalias else Op.LET
    if isinstance(target, (str, int)):
        target = ID(target)
    return flat(op, target, value)


def pr(e):
    return NAT(Native.PRINT, e)


def IF(cond, *body):
    b = flat(*body)
    return flat(Op.IF, cond, u16(size(b)), b)


_n = [0]


def _label(kind: str) -> str:
    _n[0] += 1
    return f"{kind}{_n[0]}"


def IFELSE(cond, then, other):
    t, o = flat(then), flat(other)
    end = _label("endif")
    return flat(Op.IFELSE, cond, u16(size(t) + 3), t, Op.GOTO, Ref(end), o, Label(end))


def WHILE(cond, *body):
    top = _label("while")
    b = flat(*body)
    return flat(Label(top), Op.IF, cond, u16(size(b) + 4), b, Op.GOTO, Ref(top), 0)


def FOR(var, iterable, *body):
    """for var in iterable: body -- with a hidden counter, as the compiler does."""
    ctr = "#ctr" + _label("")
    top = _label("for")
    b = flat(*body, let(ctr, ADD(ID(ctr), INT(1))))
    return flat(let(ctr, INT(0)), Label(top), let(var, INT(0)), Op.FOR, u16(sym(ctr)),
                u16(sym(var)), iterable, u16(size(b)), b, Op.GOTO, Ref(top))


def GOTO(label: str):
    return flat(Op.GOTO, Ref(label))


def RETURN(e=None):
    return flat(Op.RETURN) if e is None else flat(Op.RETURN_EXP, e)


def STOP():
    return flat(Op.STOP)


def ALIAS(name, e):
    return flat(Op.ALIAS, u16(sym(name)), e)


def func(name: str, params: Sequence[str], *body, defaults: Optional[dict] = None):
    """A function body: nparams, param ids, LETNOALIAS defaults, body, RETURN."""
    defs = [let(p, v, noalias=True) for p, v in (defaults or {}).items()]
    return flat(Label("fn:" + name), u16(len(params)), *[u16(sym(p)) for p in params], *defs,
                *body, Op.RETURN)


def assemble(code) -> bytes:
    pieces = flat(code)
    addr, labels = 0, {}
    for p in pieces:
        if isinstance(p, Label):
            labels[p.name] = addr
        else:
            addr += 2 if isinstance(p, Ref) else len(p)
    out = bytearray()
    for p in pieces:
        if isinstance(p, Ref):
            out += u16(labels[p.name])
        elif isinstance(p, bytes):
            out += p
    return bytes(out)


def program(main, functions=(), nsymbols: Optional[int] = None, stop: bool = True) -> Program:
    code = assemble(flat(main, STOP() if stop else None, *functions))
    # the compiler's budget: every id, plus 9 more copies of a recursive function's ids; we
    # budget 10 copies of every id
    n = 10 * (max(S.ids.values(), default=0) + 1) if nsymbols is None else nsymbols
    return Program(code, n)
