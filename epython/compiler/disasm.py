"""A listing of ePython bytecode, one statement a line (``python -m epython.compiler --dis``).

For reading what the compiler made; it walks the prefix encoding of spec §1.3 the way the VM
does.  Variables print as ``v<id>``, addresses in hex.
"""
from __future__ import annotations

import struct
from typing import Dict, List, Optional, Tuple

from ..bytecode import MathOp, Native, Op, Program

_BINARY = {Op.OR: "or", Op.AND: "and", Op.EQ: "==", Op.NEQ: "!=", Op.LT: "<", Op.GT: ">",
           Op.LEQ: "<=", Op.GEQ: ">=", Op.ADD: "+", Op.SUB: "-", Op.MUL: "*", Op.DIV: "/",
           Op.MOD: "%", Op.POW: "^", Op.IS: "is"}


class _Reader:
    def __init__(self, code: bytes) -> None:
        self.code = code

    def u8(self, pc: int) -> Tuple[int, int]:
        return self.code[pc], pc + 1

    def u16(self, pc: int) -> Tuple[int, int]:
        return struct.unpack_from("<H", self.code, pc)[0], pc + 2

    def i32(self, pc: int) -> Tuple[int, int]:
        return struct.unpack_from("<i", self.code, pc)[0], pc + 4

    def f32(self, pc: int) -> Tuple[float, int]:
        return struct.unpack_from("<f", self.code, pc)[0], pc + 4

    def expr(self, pc: int) -> Tuple[str, int]:
        op, pc = self.u8(pc)
        if op in _BINARY:
            a, pc = self.expr(pc)
            b, pc = self.expr(pc)
            return f"({a} {_BINARY[op]} {b})", pc
        if op == Op.NOT:
            a, pc = self.expr(pc)
            return f"not {a}", pc
        if op == Op.IDENTIFIER:
            v, pc = self.u16(pc)
            return f"v{v}", pc
        if op == Op.INTEGER:
            v, pc = self.i32(pc)
            return str(v), pc
        if op == Op.REAL:
            v, pc = self.f32(pc)
            return repr(v), pc
        if op == Op.BOOLEAN:
            v, pc = self.i32(pc)
            return "true" if v else "false", pc
        if op == Op.NONE:
            return "none", pc
        if op == Op.STRING:
            end = self.code.index(0, pc)
            return '"' + self.code[pc:end].decode("utf-8", "replace") + '"', end + 1
        if op == Op.ARRAYACCESS:
            return self.access(pc)
        if op == Op.ARRAY:
            n, pc = self.i32(pc)
            rep, pc = self.u8(pc)
            times = ""
            if rep:
                times, pc = self.expr(pc)
                times = "*" + times
            items = []
            for _ in range(n):
                item, pc = self.expr(pc)
                items.append(item)
            return "[" + ", ".join(items) + "]" + times, pc
        if op == Op.NATIVE:
            return self.native(pc)
        if op == Op.FN_ADDR:
            a, pc = self.u16(pc)
            return f"fn@{a:04x}", pc
        if op in (Op.REFERENCE, Op.SYMBOL):
            v, pc = self.u16(pc)
            return f"{'id' if op == Op.REFERENCE else 'symbol'}(v{v})", pc
        if op == Op.LET:        # a hidden argument store, then the expression it serves
            s, pc = self.let(pc, "let")
            v, pc = self.expr(pc)
            e, pc = self.expr(pc)
            return f"{{{s} {v}}} {e}", pc
        if op in (Op.FNCALL, Op.FNCALL_BY_VAR):
            return self.call(op, pc)
        raise ValueError(f"not an expression opcode 0x{op:02x} at 0x{pc - 1:04x}")

    def access(self, pc: int) -> Tuple[str, int]:
        v, pc = self.u16(pc)
        n, pc = self.u8(pc)
        idx = ""
        for _ in range(n):
            e, pc = self.expr(pc)
            idx += f"[{e}]"
        return f"v{v}{idx}", pc

    def native(self, pc: int) -> Tuple[str, int]:
        b, pc = self.u8(pc)
        n, pc = self.u16(pc)
        args = []
        for _ in range(n):
            a, pc = self.expr(pc)
            args.append(a)
        try:
            name = Native(b & 0x1F).name.lower()
        except ValueError:
            name = f"native{b & 0x1F:#x}"
        if name == "math" and args and args[0].lstrip("-").isdigit():
            try:
                args[0] = MathOp(int(args[0])).name.lower()
            except ValueError:
                pass
        return f"native {name}/{b >> 5}({', '.join(args)})", pc

    def call(self, op: int, pc: int) -> Tuple[str, int]:
        a, pc = self.u16(pc)
        n, pc = self.u16(pc)
        ids = []
        for _ in range(n):
            v, pc = self.u16(pc)
            ids.append(f"v{v}")
        target = f"@{a:04x}" if op == Op.FNCALL else f"via v{a}"
        return f"call {target}({', '.join(ids)})", pc

    def let(self, pc: int, word: str) -> Tuple[str, int]:
        kind, pc = self.u8(pc)
        if kind == Op.IDENTIFIER:
            v, pc = self.u16(pc)
            target = f"v{v}"
        elif kind == Op.ARRAYACCESS:
            target, pc = self.access(pc)
        elif kind == Op.FN_ADDR:
            a, pc = self.u16(pc)
            target = f"fn@{a:04x}"
        else:
            raise ValueError(f"bad LET target 0x{kind:02x} at 0x{pc - 1:04x}")
        return f"{word} {target} =", pc


def disassemble(program: Program) -> str:
    code = program.code
    r = _Reader(code)
    starts: Dict[int, str] = {addr: name for name, addr in program.functions.items()}
    out: List[str] = []
    pc = 0
    pads = set()
    while pc < len(code):
        at = pc
        if at in starts:
            n, pc = r.u16(pc)
            params = []
            for _ in range(n):
                v, pc = r.u16(pc)
                params.append(f"v{v}")
            out.append(f"\n{at:04x}: def {starts[at]}({', '.join(params)})")
            continue
        if at in pads:
            out.append(f"{at:04x}: (never executed: {code[at]:#04x})")
            pc += 1
            continue
        op, pc = r.u8(pc)
        text: Optional[str]
        if op in (Op.LET, Op.LETNOALIAS):
            text, pc = r.let(pc, "let" if op == Op.LET else "let-unless-bound")
            e, pc = r.expr(pc)
            text += " " + e
        elif op == Op.STOP:
            text = "stop"
        elif op in (Op.IF, Op.IFELSE):
            c, pc = r.expr(pc)
            n, pc = r.u16(pc)
            word = "if" if op == Op.IF else "if-else"
            text = f"{word} {c} else skip {n} to {pc + n:04x}"
        elif op == Op.FOR:
            ctr, pc = r.u16(pc)
            var, pc = r.u16(pc)
            e, pc = r.expr(pc)
            n, pc = r.u16(pc)
            text = f"for v{var} (counter v{ctr}) in {e}, done: to {pc + n + 3:04x}"
        elif op == Op.GOTO:
            a, pc = r.u16(pc)
            text = f"goto {a:04x}"
            if a < len(code) and code[a] == Op.IF:
                _, p2 = r.expr(a + 1)
                n, p2 = r.u16(p2)
                if p2 + n == pc + 1:
                    pads.add(pc)
        elif op in (Op.FNCALL, Op.FNCALL_BY_VAR):
            text, pc = r.call(op, pc)
        elif op == Op.NATIVE:
            text, pc = r.native(pc)
        elif op == Op.ALIAS:
            v, pc = r.u16(pc)
            e, pc = r.expr(pc)
            text = f"alias v{v} {e}"
        elif op == Op.RETURN:
            text = "return"
        elif op == Op.RETURN_EXP:
            e, pc = r.expr(pc)
            text = f"return {e}"
        else:
            raise ValueError(f"not a statement opcode 0x{op:02x} at 0x{at:04x}")
        out.append(f"{at:04x}: {text}")
    return "\n".join(out).lstrip("\n") + "\n"
