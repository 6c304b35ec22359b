"""The assembler's expressions: ``Val`` (a constant plus/minus symbols) and the GNU as expression
parser (operator ranks, number and character syntax, local labels)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .asm_lexer import AsmError
from .bits import sign_extend


def wrap32(v: int) -> int:
    """``v`` as a signed 32-bit value (expressions are evaluated in 32 bits)."""
    return sign_extend(v, 32)


@dataclass
class Val:
    """``const + add - sub`` where add/sub are symbol names (or None)."""
    const: int = 0
    add: Optional[str] = None
    sub: Optional[str] = None

    @property
    def is_const(self):
        return self.add is None and self.sub is None


_RANK = {"*": 8, "/": 8, "%": 8, "<<": 8, ">>": 8, "|": 7, "^": 7, "&": 7, "!": 7,
         "+": 5, "-": 5, "==": 4, "!=": 4, "<>": 4, "<": 4, ">": 4, "<=": 4, ">=": 4,
         "&&": 3, "||": 2}
_OPS = sorted(_RANK, key=len, reverse=True)
_SYM = re.compile(r"[A-Za-z_.$][A-Za-z0-9_.$]*")


class ExprParser:
    """GNU as expressions over ``Val``: ``asm`` resolves what the text names (``symbol_value``,
    ``local_ref`` for ``1b``/``1f``, ``fold`` for label differences known now)."""

    def __init__(self, asm, text: str, pos: int = 0):
        self.asm, self.s, self.i = asm, text, pos

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def peek(self, n=1):
        self.ws()
        return self.s[self.i:self.i + n]

    def parse(self, rank: int = 0) -> Val:
        left = self.unary()
        while True:
            self.ws()
            op = next((o for o in _OPS if self.s.startswith(o, self.i)), None)
            if op is None or _RANK[op] <= rank:
                return left
            self.i += len(op)
            right = self.parse(_RANK[op])
            left = self.binop(op, left, right)

    def binop(self, op, a: Val, b: Val) -> Val:
        if op == "+":
            if a.is_const:
                a, b = b, a
            if b.is_const:
                return Val(a.const + b.const, a.add, a.sub)
            if a.sub is None and b.add is None and b.sub is not None:
                return Val(a.const + b.const, a.add, b.sub)
            if a.add is None and a.sub is not None and b.sub is None:
                return Val(a.const + b.const, b.add, a.sub)
            raise AsmError("expression too complex")
        if op == "-":
            if b.is_const:
                return Val(a.const - b.const, a.add, a.sub)
            if b.sub is None and a.sub is None:
                v = Val(a.const - b.const, a.add, b.add)
                return self.asm.fold(v)
            raise AsmError("expression too complex")
        if not (a.is_const and b.is_const):
            raise AsmError("invalid operands to a non-additive operator (symbol not constant)")
        x, y = a.const, b.const
        if op in ("/", "%") and y == 0:
            raise AsmError("division by zero")
        r = {"*": lambda: x * y, "/": lambda: int(x / y), "%": lambda: x - int(x / y) * y,
             "<<": lambda: x << y, ">>": lambda: (x & 0xFFFFFFFF) >> y if x < 0 else x >> y,
             "|": lambda: x | y, "^": lambda: x ^ y, "&": lambda: x & y, "!": lambda: x | ~y,
             "==": lambda: -(x == y), "!=": lambda: -(x != y), "<>": lambda: -(x != y),
             "<": lambda: -(x < y), ">": lambda: -(x > y), "<=": lambda: -(x <= y),
             ">=": lambda: -(x >= y), "&&": lambda: int(bool(x and y)),
             "||": lambda: int(bool(x or y))}[op]()
        return Val(wrap32(r))

    def unary(self) -> Val:
        self.ws()
        c = self.s[self.i:self.i + 1]
        if c == "#":
            self.i += 1
            return self.unary()
        if c in ("-", "~", "!", "+"):
            self.i += 1
            v = self.unary()
            if c == "+":
                return v
            if not v.is_const:
                if c == "-" and v.sub is None:
                    raise AsmError("expression too complex")
                raise AsmError("invalid operand to unary operator")
            return Val(wrap32({"-": -v.const, "~": ~v.const, "!": int(not v.const)}[c]))
        if c == "(":
            self.i += 1
            v = self.parse()
            if self.peek() != ")":
                raise AsmError("missing ')'")
            self.i += 1
            return v
        if c == "'":
            if self.i + 1 >= len(self.s):
                raise AsmError("bad character constant")
            ch = self.s[self.i + 1]
            self.i += 2
            if ch == "\\" and self.i < len(self.s):
                ch = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\"}.get(
                    self.s[self.i], self.s[self.i])
                self.i += 1
            if self.s[self.i:self.i + 1] == "'":
                self.i += 1
            return Val(ord(ch))
        if c == "$" and self.i + 1 < len(self.s) and self.s[self.i + 1] in "0123456789abcdefABCDEF":
            m = re.compile(r"\$([0-9a-fA-F]+)").match(self.s, self.i)
            self.i = m.end()
            return Val(int(m.group(1), 16))
        if c.isdigit():
            m = re.compile(r"([0-9]+)([bf])(?![0-9A-Za-z_])").match(self.s, self.i)
            if m:
                self.i = m.end()
                return Val(0, self.asm.local_ref(m.group(1), m.group(2)))
            m = re.compile(r"0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|([0-9]+)").match(self.s, self.i)
            self.i = m.end()
            if m.group(1) is not None:
                v = int(m.group(1), 16)
            elif m.group(2) is not None:
                v = int(m.group(2), 2)
            else:
                t = m.group(3)
                v = int(t, 8) if len(t) > 1 and t[0] == "0" else int(t)
            if self.i < len(self.s) and (self.s[self.i].isalnum() or self.s[self.i] == "_"):
                raise AsmError(f"bad number '{self.s[m.start():self.i + 1]}'")
            return Val(wrap32(v))
        m = _SYM.match(self.s, self.i)
        if m:
            self.i = m.end()
            return self.asm.symbol_value(m.group(0))
        if not c:
            raise AsmError("missing operand")
        raise AsmError(f"illegal operand '{self.s[self.i:]}'")
