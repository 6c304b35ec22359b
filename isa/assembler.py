"""GNU-syntax Epiphany assembler and single-file linker: ``epiphany-emu asm prog.s -o prog.elf``.

The output equals what ``epiphany-elf-as`` + ``epiphany-elf-ld -Ttext=BASE`` produce for the same
source (section addresses and bytes), for code that needs no linker script.  Everything about
instructions comes from ``isa/spec.py``: the spellings (row mnemonic, ``asm`` spellings, the
``dis_alias``/``asm_alias`` syntaxes), the operand syntax, the operand kinds (``asm_imm``) and
the 16→32-bit relaxation targets (``relax``); bits are produced by ``isa.encoder`` only.

How GNU as chooses a form (binutils 2.40, CGEN): it tries the candidate syntaxes of a mnemonic
in order and takes the first whose operands parse and fit; 16-bit forms come first.  Operands
whose value is not known while the line is parsed (labels, forward references) take the value 0
for that choice.  The *plain* mnemonics of branches and of ``add``/``sub`` immediates are
RELAXABLE: with a symbolic operand they start 16-bit and grow to 32-bit by distance (symbols in
another section, global or undefined ones make them 32-bit at once, with a relocation).  The
``.s``/``.l`` spellings never relax.  A few GNU quirks are reproduced on purpose (see
docs/assembler.md): relaxed add/sub immediates are PC-relative, and their 16-bit form keeps
only the low 3 bits in a garbled byte; ``mov``/``movt`` of a symbol get R_EPIPHANY_LOW/HIGH
by mnemonic; ld's SIMM11/IMM11 relocations only reach 0..7.

API: ``assemble(source, base=0) -> bytes`` (ELF), ``assemble_text(source, base=0) -> bytes``
(.text contents), ``assemble_sections(source, base=0)`` (name → (addr, bytes)).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from . import regs
from .encoder import EncodeError, encode_insn, field_range
from .spec import COND_NAMES, INSN_BY_NAME, INSNS, Insn
from . import bits as B
from . import elfout as E

NOP = INSN_BY_NAME["nop16"]


class AsmError(Exception):
    def __init__(self, msg: str, line: int = 0, filename: str = ""):
        super().__init__(msg)
        self.msg = msg
        self.line = line
        self.filename = filename

    def __str__(self):
        return f"{self.filename or '<input>'}:{self.line}: error: {self.msg}"


# =============================================================================================
# Candidate forms, derived from the spec
# =============================================================================================

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


# =============================================================================================
# Expressions
# =============================================================================================

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
    def __init__(self, asm: "Assembler", text: str, pos: int = 0):
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
        return Val(_wrap(r))

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
            return Val(_wrap({"-": -v.const, "~": ~v.const, "!": int(not v.const)}[c]))
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
            return Val(_wrap(v))
        m = _SYM.match(self.s, self.i)
        if m:
            self.i = m.end()
            return self.asm.symbol_value(m.group(0))
        if not c:
            raise AsmError("missing operand")
        raise AsmError(f"illegal operand '{self.s[self.i:]}'")


def _wrap(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


# =============================================================================================
# Sections, frags, symbols
# =============================================================================================

@dataclass
class Fixup:
    offset: int          #: byte offset within the frag's fixed part
    kind: str            #: data8/16/32, or an instruction operand kind
    val: Val
    line: int
    form: Optional[Form] = None
    fields: Optional[dict] = None


@dataclass
class Relax:
    form: Form
    fields: dict
    val: Val
    line: int
    big: bool = False
    addr: int = 0


@dataclass
class Align:
    align: int
    fill: Optional[int]      #: None = code (nop) fill
    max: Optional[int]
    line: int
    addr: int = 0
    size: int = 0


@dataclass
class Frag:
    data: bytearray = field(default_factory=bytearray)
    fixups: List[Fixup] = field(default_factory=list)
    var: object = None
    addr: int = 0


@dataclass
class Section:
    name: str
    flags: int
    type: int
    frags: List[Frag] = field(default_factory=list)
    align: int = 0       #: log2
    order: int = 0
    addr: int = 0        #: final address
    size: int = 0

    def cur(self) -> Frag:
        if not self.frags or self.frags[-1].var is not None:
            self.frags.append(Frag())
        return self.frags[-1]


@dataclass
class Symbol:
    name: str
    section: Optional[str] = None   #: None = absolute / undefined
    frag: Optional[Frag] = None
    offset: int = 0
    value: Optional[int] = None     #: absolute value (equates)
    expr: Optional[Val] = None      #: equated to a symbolic expression
    defined: bool = False
    glob: bool = False
    weak: bool = False
    type: int = E.STT_NOTYPE
    size: int = 0
    internal: bool = False


def _section_defaults(name: str):
    """(flags, type) ELF gives a section by name when .section has no flags."""
    A, W, X = E.SHF_ALLOC, E.SHF_WRITE, E.SHF_EXECINSTR
    for pre, fl, ty in ((".text", A | X, E.SHT_PROGBITS), (".init", A | X, E.SHT_PROGBITS),
                        (".fini", A | X, E.SHT_PROGBITS), (".data", A | W, E.SHT_PROGBITS),
                        (".sdata", A | W, E.SHT_PROGBITS), (".rodata", A, E.SHT_PROGBITS),
                        (".bss", A | W, E.SHT_NOBITS), (".sbss", A | W, E.SHT_NOBITS),
                        (".tdata", A | W, E.SHT_PROGBITS), (".tbss", A | W, E.SHT_NOBITS)):
        if name == pre or name.startswith(pre + "."):
            if name in (".sdata", ".sbss") or name.startswith((".sdata.", ".sbss.")):
                return 0, ty      # not in binutils' special-section table for this target
            return fl, ty
    return 0, E.SHT_PROGBITS


# =============================================================================================
# The assembler
# =============================================================================================

_REG_WORD = re.compile(r"[A-Za-z0-9_]*")


class Assembler:
    def __init__(self, filename: str = "<input>"):
        self.filename = filename
        self.sections: Dict[str, Section] = {}
        self.symbols: Dict[str, Symbol] = {}
        self.local_counts: Dict[str, int] = {}
        self.line = 0
        self.warnings: List[str] = []
        self.tmp = 0
        for n in (".text", ".data", ".bss"):
            self._section(n)
        self.sec = self.sections[".text"]

    # -- sections / symbols ------------------------------------------------------------------
    def _section(self, name, flags=None, typ=None) -> Section:
        if name not in self.sections:
            f, t = _section_defaults(name)
            self.sections[name] = Section(name, f if flags is None else flags,
                                          t if typ is None else typ, order=len(self.sections))
        return self.sections[name]

    def sym(self, name) -> Symbol:
        if name not in self.symbols:
            self.symbols[name] = Symbol(name)
        return self.symbols[name]

    def local_ref(self, num: str, d: str) -> str:
        k = self.local_counts.get(num, 0)
        if d == "b":
            if k == 0:
                raise AsmError(f"undefined local label {num}b")
            return f"{num}\x02{k}"
        return f"{num}\x02{k + 1}"

    def here(self) -> Tuple[Frag, int]:
        f = self.sec.cur()
        return f, len(f.data)

    def define_label(self, name: str):
        if name.isdigit():
            self.local_counts[name] = self.local_counts.get(name, 0) + 1
            name = f"{name}\x02{self.local_counts[name]}"
        s = self.sym(name)
        f, off = self.here()
        if s.defined and not (s.frag is f and s.offset == off):
            raise AsmError(f"symbol `{name}' is already defined")
        s.section, s.frag, s.offset, s.defined = self.sec.name, f, off, True

    def symbol_value(self, name: str) -> Val:
        if name == ".":
            self.tmp += 1
            t = self.sym(f".L.dot\x02{self.tmp}")
            f, off = self.here()
            t.section, t.frag, t.offset, t.defined, t.internal = self.sec.name, f, off, True, True
            return Val(0, t.name)
        s = self.symbols.get(name)
        if s is not None and s.defined and s.value is not None:
            return Val(s.value)
        if s is not None and s.defined and s.expr is not None:
            return Val(s.expr.const, s.expr.add, s.expr.sub)
        self.sym(name)
        return Val(0, name)

    def fold(self, v: Val) -> Val:
        """a - b of two labels with a fixed distance known now (same frag) becomes a constant."""
        a, b = self.symbols.get(v.add), self.symbols.get(v.sub)
        if a and b and a.defined and b.defined and a.frag is not None and a.frag is b.frag:
            return Val(v.const + a.offset - b.offset)
        return v

    def eval(self, text: str) -> Val:
        p = ExprParser(self, text)
        v = p.parse()
        p.ws()
        if p.i != len(text):
            raise AsmError(f"junk at end of line, first unrecognized character is `{text[p.i]}'")
        return v

    # -- emitting ------------------------------------------------------------------------------
    def emit(self, data: bytes, fix: Optional[Fixup] = None):
        if self.sec.type == E.SHT_NOBITS and any(data):
            raise AsmError("attempt to store non-zero value in section `%s'" % self.sec.name)
        f = self.sec.cur()
        if fix is not None:
            fix.offset = len(f.data)
            f.fixups.append(fix)
        f.data += data

    def emit_var(self, var):
        f = self.sec.cur()
        f.var = var

    def record_align(self, p2: int):
        self.sec.align = max(self.sec.align, p2)

    def code_align(self, p2: int, fill=None, maxskip=None):
        self.record_align(p2)
        self.emit_var(Align(1 << p2, fill, maxskip, self.line))

    # -- source handling -----------------------------------------------------------------------
    def assemble(self, source: str):
        for lineno, stmts in _statements(source):
            self.line = lineno
            for st in stmts:
                try:
                    if self.statement(st):
                        return
                except AsmError as e:
                    e.line = e.line or lineno
                    e.filename = self.filename
                    raise

    def statement(self, st: str) -> bool:
        st = st.strip()
        while True:
            m = re.match(r"([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+)\s*:(?!:)", st)
            if not m:
                break
            self.define_label(m.group(1))
            st = st[m.end():].strip()
        if not st:
            return False
        m = re.match(r"([A-Za-z_.$][A-Za-z0-9_.$]*)\s*=\s*(.*)$", st)
        if m and not st.startswith("."):
            self.set_symbol(m.group(1), m.group(2))
            return False
        if st.startswith("."):
            name, _, rest = st.partition(" ")
            name2, _, rest2 = st.partition("\t")
            if len(name2) < len(name):
                name, rest = name2, rest2
            return self.directive(name.lower(), rest.strip())
        self.instruction(st)
        return False

    # -- directives ----------------------------------------------------------------------------
    def set_symbol(self, name: str, expr: str):
        v = self.eval(expr)
        s = self.sym(name)
        if s.defined and s.frag is not None:
            raise AsmError(f"symbol `{name}' is already defined")
        s.defined = True
        if v.is_const:
            s.value, s.expr, s.section = v.const, None, None
        else:
            s.value, s.expr = None, v

    def directive(self, d: str, rest: str) -> bool:
        args = _split_args(rest)
        if d in (".word", ".long", ".int", ".4byte"):
            self.data(args, 4)
        elif d in (".short", ".hword", ".2byte", ".half"):
            self.data(args, 2)
        elif d == ".byte":
            self.data(args, 1)
        elif d in (".ascii", ".asciz", ".string"):
            for a in args:
                b = _parse_string(a)
                self.emit(b + (b"\0" if d != ".ascii" else b""))
        elif d in (".space", ".skip", ".zero"):
            n = self.const(args[0])
            fill = self.const(args[1]) & 0xFF if len(args) > 1 and d != ".zero" else 0
            if n < 0:
                raise AsmError(f"{d} with negative value")
            self.emit(bytes([fill]) * n)
        elif d == ".fill":
            rep = self.const(args[0])
            size = self.const(args[1]) if len(args) > 1 and args[1] else 1
            val = self.const(args[2]) if len(args) > 2 else 0
            size = min(size, 8)
            one = (val & 0xFFFFFFFF).to_bytes(4, "little")[:min(size, 4)] + b"\0" * max(0, size - 4)
            self.emit(one * rep)
        elif d in (".balign", ".p2align", ".align", ".balignw", ".balignl", ".p2alignw",
                   ".p2alignl"):
            if not args or not args[0]:
                raise AsmError(f"{d} needs an alignment")
            n = self.const(args[0])
            if d.startswith(".balign"):
                if n & (n - 1):
                    raise AsmError("alignment not a power of 2")
                p2 = max(n, 1).bit_length() - 1
            else:
                p2 = n
            fill = self.const(args[1]) & 0xFF if len(args) > 1 and args[1] else None
            mx = self.const(args[2]) if len(args) > 2 and args[2] else None
            if fill is None and not (self.sec.flags & E.SHF_EXECINSTR):
                fill = 0
            self.code_align(p2, fill, mx)
        elif d in (".global", ".globl", ".weak"):
            for a in args:
                s = self.sym(a)
                s.glob = True
                s.weak = s.weak or d == ".weak"
        elif d in (".set", ".equ", ".equiv"):
            if len(args) < 2:
                raise AsmError(f"{d} needs a symbol and an expression")
            if d == ".equiv" and self.symbols.get(args[0]) and self.symbols[args[0]].defined:
                raise AsmError(f"symbol `{args[0]}' is already defined")
            self.set_symbol(args[0], ",".join(args[1:]))
        elif d == ".text":
            self.sec = self._section(".text")
            self.code_align(1)
        elif d in (".data", ".bss"):
            self.sec = self._section(d)
        elif d in (".section", ".sect"):
            self.section_directive(args, d)
        elif d == ".type":
            if len(args) >= 2:
                t = args[1].lstrip("@%#").lower()
                self.sym(args[0]).type = {"function": E.STT_FUNC, "object": E.STT_OBJECT}.get(
                    t, E.STT_NOTYPE)
        elif d == ".size":
            if len(args) >= 2:
                v = self.eval(args[1])
                if v.is_const:
                    self.sym(args[0]).size = v.const
        elif d in (".file", ".ident", ".cpu", ".code", ".thumb_func", ".local", ".hidden",
                   ".protected", ".internal", ".loc", ".cfi_startproc", ".cfi_endproc",
                   ".cfi_sections", ".ltorg", ".list", ".nolist", ".eject", ".title", ".psize",
                   ".sbttl"):
            pass
        elif d == ".end":
            return True
        else:
            raise AsmError(f"unknown pseudo-op: `{d}'")
        return False

    def section_directive(self, args, d):
        if not args or not args[0]:
            raise AsmError("missing name")
        name = args[0].strip('"')
        flags = typ = None
        if len(args) > 1:
            fl = args[1].strip()
            if not (fl.startswith('"') and fl.endswith('"')):
                raise AsmError("junk at end of line")
            flags = 0
            for ch in fl[1:-1]:
                flags |= {"a": E.SHF_ALLOC, "w": E.SHF_WRITE, "x": E.SHF_EXECINSTR}.get(ch, 0)
            _, typ = _section_defaults(name)
            if len(args) > 2:
                t = args[2].strip().lstrip("@%")
                typ = E.SHT_NOBITS if t == "nobits" else E.SHT_PROGBITS
        if name in self.sections and flags is not None:
            pass        # gas keeps the first flags (and warns if they differ)
        self.sec = self._section(name, flags, typ)

    def const(self, text: str) -> int:
        v = self.eval(text)
        if not v.is_const:
            raise AsmError("expression is not a constant")
        return v.const

    def data(self, args, size):
        if args == [""]:
            return
        for a in args:
            v = self.eval(a)
            if v.is_const:
                c = v.const
                if size < 4 and not (-(1 << (8 * size)) < c < (1 << (8 * size))):
                    self.warnings.append(f"{self.filename}:{self.line}: warning: value "
                                         f"{c & 0xFFFFFFFF:#x} truncated to "
                                         f"{c & ((1 << 8 * size) - 1):#x}")
                self.emit((c & ((1 << 8 * size) - 1)).to_bytes(size, "little"))
            else:
                self.emit(bytes(size), Fixup(0, f"data{8 * size}", v, self.line))

    # -- instructions --------------------------------------------------------------------------
    def instruction(self, st: str):
        m = re.match(r"(\S+)\s*(.*)$", st)
        mnem, ops = m.group(1), _scrub(m.group(2))
        if mnem.lower() in ("push", "pop") and ops.startswith("{"):
            return self.push_pop(mnem.lower(), ops)
        forms = form_table().get(mnem.lower())
        if not forms:
            raise AsmError(f"unrecognized instruction `{_shorten(st)}'")
        first_err = None
        for form in forms:
            try:
                fields, sym = self.match(form, ops)
            except AsmError as e:
                first_err = first_err or e
                continue
            self.check_ldst(form.ins, fields)
            self.emit_insn(form, fields, sym)
            return
        raise AsmError(f"unrecognized form of instruction `{_shorten(mnem + ' ' + ops)}'")

    def push_pop(self, op, ops):
        if not ops.endswith("}"):
            raise AsmError("bad register list")
        mask = 0
        for r in ops[1:-1].split(","):
            n = regs.gpr_number(r.strip())
            if n is None:
                raise AsmError("unrecognized keyword/register name")
            if n > 15:
                raise AsmError("register number too large for push/pop")
            mask |= 1 << n
        lines = ["mov r15,4"]
        if op == "push":
            lines.append("sub sp,sp,r15")
            top = mask.bit_length() - 1
            for i in range(16):
                if mask >> i & 1:
                    lines.append(f"str r{i},[sp]" if i == top else f"str r{i},[sp],-r15")
        else:
            for i in range(15, -1, -1):
                if mask >> i & 1:
                    lines.append(f"ldr r{i},[sp],+r15")
        for ln in lines:
            self.instruction(ln)

    def match(self, form: Form, ops: str):
        """Parse ``ops`` against the form; returns (fields, symbolic Val or None)."""
        fields = dict(form.fixed)
        ins = form.ins
        sym = None
        i = 0
        toks = form.tokens
        for k, t in enumerate(toks):
            if len(t) == 1:
                if i < len(ops) and ops[i].lower() == t.lower():
                    i += 1
                    continue
                raise AsmError(f"syntax error (expected char `{t}')")
            key = t[1:-1]
            if key in ("rd", "rn", "rm"):
                n, i = self.parse_reg(ops, i)
                if n is None:
                    raise AsmError("unrecognized keyword/register name")
                hi = field_range(ins, key)[1]
                if n > hi:
                    raise AsmError("register unavailable for short instructions")
                fields[key] = n
            elif key == "sign":
                if ops[i:i + 1] == "#":
                    i += 1
                if ops[i:i + 1] in ("+", "-"):
                    fields["sub"] = int(ops[i] == "-")
                    i += 1
                else:
                    fields["sub"] = 0
            elif key == "sreg":
                word = ops[i] + _REG_WORD.match(ops, i + 1).group(0) if i < len(ops) else ""
                r = regs.sreg_lookup(word)
                if r is None:
                    raise AsmError("unrecognized keyword/register name")
                if "group" in ins.fields:
                    fields["group"] = r.group
                elif r.group != 0:
                    raise AsmError("unrecognized keyword/register name")
                if r.index > field_range(ins, "imm")[1]:
                    raise AsmError("register unavailable for short instructions")
                fields["imm"] = r.index
                i += len(word)
            elif key == "imm":
                # the immediate runs up to the next literal of the syntax (or the end)
                stop = toks[k + 1] if k + 1 < len(toks) else None
                j = _operand_end(ops, i, stop)
                v = self.parse_imm(form, ops[i:j], fields)
                if isinstance(v, Val):
                    sym = v
                else:
                    fields["imm"] = v
                i = j
            else:
                raise AsmError(f"internal: placeholder {t}")
        if i != len(ops):
            raise AsmError("junk at end of line")
        if sym is None:
            try:
                encode_insn(ins, **fields)
            except EncodeError:
                raise AsmError("operand out of range")
        return fields, sym

    @staticmethod
    def parse_reg(ops, i):
        if i >= len(ops):
            return None, i
        word = ops[i] + _REG_WORD.match(ops, i + 1).group(0)
        n = regs.gpr_number(word)
        return n, i + len(word)

    def parse_imm(self, form: Form, text: str, fields):
        kind = form.kind
        ins = form.ins
        if not text:
            raise AsmError("missing operand")
        t = text[1:] if text.startswith("#") else text
        if kind != "branch" and (regs.gpr_number(t) is not None or (
                kind in ("imm8", "imm16") and regs.sreg_lookup(t) is not None)):
            raise AsmError("register name used as immediate value")
        if kind == "imm16":
            lo = text.lower()
            for pfx, shift in (("%high(", 16), ("%low(", 0)):
                if lo.startswith(pfx):
                    if not text.endswith(")"):
                        raise AsmError("missing `)'")
                    v = self.eval(text[len(pfx):-1])
                    if v.is_const:
                        return (v.const >> shift) & 0xFFFF
                    return v
            v = self.eval(text)
            if not v.is_const and regs.gpr_number(v.add or "") is not None:
                raise AsmError("register name used as immediate value")
            return (v.const & 0xFFFF) if v.is_const else v
        v = self.eval(text)
        for n in (v.add, v.sub):
            if n and regs.gpr_number(n) is not None:
                raise AsmError("register name used as immediate value")
        if kind == "branch":
            if v.is_const:      # a number N means .+N
                dot = self.symbol_value(".")
                v = Val(v.const, dot.add)
            return v
        if not v.is_const:
            if kind == "imm8":
                raise AsmError("byte relocation unsupported")
            return v
        c = v.const
        lo, hi = field_range(ins, "imm")
        if ins.asm_range is not None:
            lo, hi = ins.asm_range
        if kind == "simm":
            n = len(ins.fields["imm"])
            if not -((1 << n) - 1) <= c <= (1 << (n - 1)) - 1:
                raise AsmError("operand out of range")
            if len(B.runs(ins.fields["imm"])) > 1:
                return _sign_wrap(c, n)     # CGEN does not range-check split fields
        if not lo <= c <= hi:
            raise AsmError(f"operand out of range ({c} not between {lo} and {hi})")
        return c

    @staticmethod
    def check_ldst(ins: Insn, f):
        m = re.match(r"(load|store)\((\d), (\w+)\)", ins.sem)
        if not m:
            return
        load, size, mode = m.group(1) == "load", int(m.group(2)), m.group(3)
        rd, rn = f.get("rd", 0), f.get("rn", 0)
        if load and mode in ("PM", "DPM") and (rd == rn or (rd + 1 == rn and size == 3)):
            raise AsmError("destination register modified by displacement-post-modified address")
        if rd & 1 and size == 3:
            raise AsmError("ldrd/strd requires even:odd register pair")

    def emit_insn(self, form: Form, fields, sym: Optional[Val]):
        ins = form.ins
        if sym is not None and form.relaxable:
            self.emit_var(Relax(form, fields, sym, self.line))
            return
        if sym is not None:
            fields = dict(fields, imm=0)
        word = encode_insn(ins, **fields)
        fix = None
        if sym is not None:
            fix = Fixup(0, form.kind, sym, self.line, form, fields)
        self.emit(word.to_bytes(ins.size, "little"), fix)


# =============================================================================================
# Lines, statements, strings
# =============================================================================================

def _strip_comments(source: str) -> List[str]:
    """Remove /* */ comments (keeping line structure), then per line `;`, `//` and `#` at start."""
    out_lines = []
    in_c = False
    for raw in source.split("\n"):
        s = ""
        i = 0
        q = None
        while i < len(raw):
            c = raw[i]
            if in_c:
                if raw.startswith("*/", i):
                    in_c = False
                    i += 2
                    s += " "
                else:
                    i += 1
                continue
            if q:
                s += c
                if c == "\\" and i + 1 < len(raw):
                    s += raw[i + 1]
                    i += 2
                    continue
                if c == q:
                    q = None
                i += 1
                continue
            if c == '"':
                q = c
                s += c
            elif c == "'" and i + 1 < len(raw):
                s += raw[i:i + 2]
                i += 2
                continue
            elif raw.startswith("/*", i):
                in_c = True
                i += 2
                continue
            elif c == ";" or raw.startswith("//", i):
                break
            else:
                s += c
            i += 1
        if s.lstrip().startswith("#"):
            s = ""
        out_lines.append(s)
    return out_lines


def _statements(source: str):
    for n, line in enumerate(_strip_comments(source), 1):
        if "`" in line:
            yield n, line.split("`")
        else:
            yield n, [line]


def _scrub(ops: str) -> str:
    """Collapse whitespace like GNU as' input scrubber (keep one blank between two words)."""
    out = []
    prev = ""
    i = 0
    pending = False
    while i < len(ops):
        c = ops[i]
        if c in " \t":
            pending = True
            i += 1
            continue
        if pending and prev and (prev.isalnum() or prev in "_.$") and (c.isalnum() or c in "_.$"):
            out.append(" ")
        pending = False
        out.append(c)
        prev = c
        i += 1
    return "".join(out)


def _operand_end(ops: str, i: int, stop: Optional[str]) -> int:
    if stop is None:
        return len(ops)
    depth = 0
    j = i
    while j < len(ops):
        c = ops[j]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == stop and depth <= 0:
            return j
        j += 1
    return j


def _split_args(rest: str) -> List[str]:
    args, cur, q, depth = [], "", None, 0
    i = 0
    while i < len(rest):
        c = rest[i]
        if q:
            cur += c
            if c == "\\" and i + 1 < len(rest):
                cur += rest[i + 1]
                i += 2
                continue
            if c == q:
                q = None
        elif c == '"':
            q = c
            cur += c
        elif c == "(":
            depth += 1
            cur += c
        elif c == ")":
            depth -= 1
            cur += c
        elif c == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    args.append(cur.strip())
    return args


def _parse_string(a: str) -> bytes:
    a = a.strip()
    if len(a) < 2 or a[0] != '"' or a[-1] != '"':
        raise AsmError("expected string")
    s = a[1:-1]
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("latin-1", "replace")
            i += 1
            continue
        i += 1
        c = s[i] if i < len(s) else "\\"
        if c in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += len(m.group(0))
            continue
        if c == "x":
            m = re.match(r"[0-9a-fA-F]+", s[i + 1:])
            if m:
                out.append(int(m.group(0), 16) & 0xFF)
                i += 1 + len(m.group(0))
                continue
        out.append(ord({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v",
                        "a": "\a"}.get(c, c)) & 0xFF)
        i += 1
    return bytes(out)


def _shorten(s: str) -> str:
    return s if len(s) <= 50 else s[:50] + "..."


# =============================================================================================
# Layout, relaxation, fixups, linking
# =============================================================================================

def _var_size(var) -> int:
    if var is None:
        return 0
    if isinstance(var, Relax):
        return 4 if var.big else 2
    return var.size


def _layout(sec: Section):
    addr = 0
    for f in sec.frags:
        f.addr = addr
        addr += len(f.data)
        v = f.var
        if isinstance(v, Align):
            v.addr = addr
            pad = (-addr) % v.align
            if v.max is not None and pad > v.max:
                pad = 0
            v.size = pad
        elif isinstance(v, Relax):
            v.addr = addr
        addr += _var_size(v)
    sec.size = addr


class Linked:
    """Result of assembling + linking one source."""

    def __init__(self, asm: Assembler, base: int):
        self.asm = asm
        self.base = base
        self.out: List[E.OutSection] = []
        self.warnings = list(asm.warnings)

    # symbol resolution ---------------------------------------------------------------------
    def resolve(self, name: str, depth=0) -> Tuple[Optional[str], int]:
        """(section or None for absolute, offset/value).  Raises for undefined symbols."""
        s = self.asm.symbols.get(name)
        if s is None or not s.defined:
            raise AsmError(f"undefined reference to `{name.split(chr(2))[0]}'")
        if s.value is not None:
            return None, s.value
        if s.expr is not None:
            if depth > 50:
                raise AsmError(f"symbol `{name}' is defined in terms of itself")
            return self.resolve_val(s.expr, depth + 1)
        return s.section, s.frag.addr + s.offset

    def resolve_val(self, v: Val, depth=0) -> Tuple[Optional[str], int]:
        sec, val = None, v.const
        if v.add:
            sa, a = self.resolve(v.add, depth)
            sec, val = sa, val + a
        if v.sub:
            sb, b = self.resolve(v.sub, depth)
            if sb != sec:
                raise AsmError("can't resolve difference of symbols in different sections")
            sec, val = None, val - b
        return sec, val

    def is_external(self, v: Val) -> bool:
        for n in (v.add,):
            s = self.asm.symbols.get(n) if n else None
            if s is not None and (s.glob or s.weak):
                return True
            if s is not None and s.expr is not None:
                return self.is_external(s.expr)
        return False

    def addr_of(self, sec: Optional[str], off: int) -> int:
        return off if sec is None else self.asm.sections[sec].addr + off


def _relax(asm: Assembler, lk: Linked):
    for sec in asm.sections.values():
        for f in sec.frags:
            v = f.var
            if isinstance(v, Relax):
                try:
                    tsec, _ = lk.resolve_val(v.val)
                except AsmError as e:
                    e.line = v.line
                    raise
                v.big = tsec != sec.name or lk.is_external(v.val)
        while True:
            _layout(sec)
            changed = False
            for f in sec.frags:
                v = f.var
                if isinstance(v, Relax) and not v.big:
                    _, t = lk.resolve_val(v.val)
                    lo, hi = field_range(v.form.ins, "imm")
                    disp = t - v.addr
                    if v.form.kind == "branch":
                        ok = 2 * lo <= disp <= 2 * hi + 1
                    else:       # GNU compares (value - 2) against the 16-bit range
                        ok = lo <= disp - 2 <= hi
                    if not ok:
                        v.big = True
                        changed = True
            if not changed:
                break


def _sign_wrap(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


# ld's default script order (epiphany-elf-ld --verbose), with the input patterns that matter
_SCRIPT = [
    (".text", (".text", ".stub", ".text.*", ".gnu.linkonce.t.*")), (".fini", (".fini",)),
    (".rodata1", (".rodata1",)), (".sdata2", (".sdata2", ".sdata2.*")),
    (".sbss2", (".sbss2", ".sbss2.*")), (".tdata", (".tdata", ".tdata.*")),
    (".tbss", (".tbss", ".tbss.*")), (".init_array", (".init_array",)),
    (".fini_array", (".fini_array",)), (".ctors", (".ctors",)), (".dtors", (".dtors",)),
    (".data", (".data", ".data.*", ".gnu.linkonce.d.*")), (".data1", (".data1",)),
    (".rodata", (".rodata", ".rodata.*", ".gnu.linkonce.r.*")),
    (".sdata", (".sdata", ".sdata.*")), ("#bss_start", ()),
    (".sbss", (".sbss", ".sbss.*")), (".bss", (".bss", ".bss.*")),
]
_INIT = (".init",)


def _out_name(name: str) -> Optional[str]:
    import fnmatch
    if name == ".init":
        return ".init"
    for out, pats in _SCRIPT:
        if any(fnmatch.fnmatchcase(name, p) for p in pats):
            return out
    return None


def _link(asm: Assembler, base: int) -> Linked:
    lk = Linked(asm, base)
    _relax(asm, lk)
    # end-of-section padding to the section's alignment (gas does this for the last frag)
    for sec in asm.sections.values():
        _layout(sec)
        if sec.size and sec.align:
            f = sec.cur()
            f.var = Align(1 << sec.align, None if sec.flags & E.SHF_EXECINSTR else 0, None, 0)
            _layout(sec)
    # group input sections into output sections
    outs: Dict[str, List[Section]] = {}
    orphans: List[Section] = []
    for sec in sorted(asm.sections.values(), key=lambda s: s.order):
        if sec.size == 0:
            continue
        o = _out_name(sec.name)
        if o is None:
            orphans.append(sec)
        else:
            outs.setdefault(o, []).append(sec)
    order = [".init"] + [o for o, _ in _SCRIPT]
    # orphans go after the last output section of their kind (ld's lang_insert_orphan)
    for sec in orphans:
        if not sec.flags & E.SHF_ALLOC:
            kind = None
        elif sec.flags & E.SHF_EXECINSTR:
            kind = ".text"
        elif sec.type == E.SHT_NOBITS:
            kind = ".bss"
        elif sec.flags & E.SHF_WRITE:
            kind = ".data"
        else:
            kind = ".rodata"
        name = sec.name
        outs[name] = [sec]
        if kind is None:
            order.append(name)
            continue
        k = order.index(kind)
        while k + 1 < len(order) and order[k + 1] in [s.name for s in orphans]:
            k += 1
        order.insert(k + 1, name)
    dot = base
    text_seen = False
    syms_extra = {}
    for oname in order:
        if oname == "#bss_start":
            dot = (dot + 7) & ~7
            syms_extra["_edata"] = syms_extra["__bss_start"] = dot
            continue
        ins = outs.get(oname)
        if not ins:
            continue
        alloc = any(s.flags & E.SHF_ALLOC for s in ins) or oname in (".sdata", ".sbss")
        al = max(1 << s.align for s in ins)
        if oname == ".text" or (not text_seen and oname == ".init"):
            dot = base if not text_seen else dot
        text_seen = text_seen or oname == ".text"
        if not alloc:
            start = 0 if _out_name(oname) is None else dot
        else:
            start = (dot + al - 1) & -al
        a = start
        for s in ins:
            sal = 1 << s.align
            a = (a + sal - 1) & -sal
            s.addr = a
            a += s.size
        size = a - start
        if oname == ".bss" and size:
            size = ((a + 7) & ~7) - start
        nobits = all(s.type == E.SHT_NOBITS for s in ins)
        flags = 0
        for s in ins:
            flags |= s.flags
        lk.out.append(E.OutSection(oname, start, b"", size, flags,
                                   E.SHT_NOBITS if nobits else E.SHT_PROGBITS, al))
        if alloc and (flags & E.SHF_ALLOC or oname in (".sdata", ".sbss")):
            dot = start + size
    if "_edata" not in syms_extra:
        syms_extra["_edata"] = syms_extra["__bss_start"] = (dot + 7) & ~7
    syms_extra["_end"] = (max(dot, syms_extra["_edata"]) + 7) & ~7
    lk.syms_extra = syms_extra
    # contents
    contents: Dict[str, bytearray] = {}
    for sec in asm.sections.values():
        buf = bytearray(sec.size)
        for f in sec.frags:
            buf[f.addr:f.addr + len(f.data)] = f.data
            v = f.var
            if isinstance(v, Align) and v.size:
                buf[v.addr:v.addr + v.size] = _align_fill(v)
        contents[sec.name] = buf
    for sec in asm.sections.values():
        buf = contents[sec.name]
        for f in sec.frags:
            for fx in f.fixups:
                _apply_fixup(lk, sec, buf, f.addr + fx.offset, fx)
            if isinstance(f.var, Relax):
                _convert_relax(lk, sec, buf, f.var)
    for o in lk.out:
        if o.type == E.SHT_NOBITS:
            continue
        data = bytearray(o.size)
        for sec in asm.sections.values():
            if sec.size and (_out_name(sec.name) or sec.name) == o.name:
                off = sec.addr - o.addr
                data[off:off + sec.size] = contents[sec.name]
        o.data = bytes(data)
    return lk


def _align_fill(v: Align) -> bytes:
    n = v.size
    if v.fill is not None:
        return bytes([v.fill]) * n
    out = bytearray()
    if n & 1:
        out.append(0)
        n -= 1
    if n & 2:
        out += encode_insn(NOP).to_bytes(2, "little")
        n -= 2
    return bytes(out) + bytes(n)


def _or_word(buf, at, size, word):
    old = int.from_bytes(buf[at:at + size], "little")
    buf[at:at + size] = (old | word).to_bytes(size, "little")


def _ld_reloc(lk: Linked, buf, at, pc, form: Form, fields, value, line, kind):
    """Apply a relocation the way epiphany-elf-ld does (value = S + A)."""
    ins = form.ins
    n = len(ins.fields["imm"])
    if kind == "branch":
        d = (value - pc) >> 1
        if not -(1 << (n - 1)) <= d < (1 << (n - 1)):
            raise AsmError("relocation truncated to fit: R_EPIPHANY_SIMM%d" % n, line)
        imm = d
    elif kind == "imm16":
        imm = (value >> 16 if ins.mnemonic == "movt" else value) & 0xFFFF
    elif kind in ("simm", "disp"):
        # elf32-epiphany.c: range check (only a warning: the field is left alone), then
        # r = (v & 7) << 5 | (v & 0x7f8) << 13 added under the howto mask 0x00ff0380, with a
        # bitfield overflow check on r: in practice only 0..7 link
        if kind == "simm" and not -1024 <= _wrap(value) <= 1023 or \
                kind == "disp" and not 0 <= value <= 0x7FF:
            lk.warnings.append(f"{lk.asm.filename}:{line}: warning: internal error: out of "
                               f"range error")
            return
        r = ((value & 7) << 5) | ((value & 0x7F8) << 13)
        if not 0 <= r <= 0x7FF:
            raise AsmError("relocation truncated to fit: R_EPIPHANY_%s" %
                           ("SIMM11" if kind == "simm" else "IMM12"), line)
        mask = 0x00FF0380
        x = int.from_bytes(buf[at:at + 4], "little")
        x = (x & ~mask) | (((x & mask) + r) & mask)
        buf[at:at + 4] = x.to_bytes(4, "little")
        return
    else:
        raise AsmError("unresolved expression that must be resolved", line)
    lo, hi = field_range(ins, "imm")
    word = encode_insn(ins, **dict(fields, imm=_sign_wrap(imm, n) if lo < 0 else imm & hi))
    _or_word(buf, at, ins.size, word)


def _apply_fixup(lk: Linked, sec: Section, buf, at: int, fx: Fixup):
    asm = lk.asm
    pc = sec.addr + at
    try:
        tsec, off = lk.resolve_val(fx.val)
    except AsmError as e:
        e.line = fx.line
        raise
    value = lk.addr_of(tsec, off)
    if fx.kind.startswith("data"):
        bits = int(fx.kind[4:])
        if tsec is not None or lk.is_external(fx.val):
            # R_EPIPHANY_32 / _16 / _8 (ld): _16 uses binutils' field mask 0x1fe0
            if bits < 32 and not -(1 << bits) < value < (1 << bits):
                raise AsmError(f"relocation truncated to fit: R_EPIPHANY_{bits}", fx.line)
            if bits == 16:
                value &= 0x1FE0
        elif bits < 32 and not -(1 << bits) < value < (1 << bits):
            lk.warnings.append(f"{asm.filename}:{fx.line}: warning: value {value:#x} truncated")
        size = bits // 8
        buf[at:at + size] = (value & ((1 << bits) - 1)).to_bytes(size, "little")
        return
    form, fields = fx.form, fx.fields
    ins = form.ins
    kind = fx.kind
    local = tsec == sec.name and not lk.is_external(fx.val)
    if kind == "branch" and local:
        d = value - pc
        lo, hi = field_range(ins, "imm")
        if not lo <= d >> 1 <= hi:
            raise AsmError("operand out of range", fx.line)
        _or_word(buf, at, ins.size, encode_insn(ins, **dict(fields, imm=d >> 1)))
        return
    if tsec is None and not lk.is_external(fx.val):
        # an absolute value known only at the end: gas inserts it (with the operand checks)
        if kind == "imm16":
            value &= 0xFFFF
        lo, hi = field_range(ins, "imm")
        if kind == "branch":
            value = (value - pc) >> 1
        if not lo <= value <= hi:
            raise AsmError("operand out of range", fx.line)
        _or_word(buf, at, ins.size, encode_insn(ins, **dict(fields, imm=value)))
        return
    if ins.width == 16 and kind in ("simm", "disp") or kind == "uimm" or (
            kind == "imm16" and not form.primary):
        # no relocation for the operand (binutils: "unknown imm16 operand" for mov.l/movt.l)
        raise AsmError("unresolved expression that must be resolved", fx.line)
    _ld_reloc(lk, buf, at, pc, form, fields, value, fx.line, kind)


def _arith32(row16: Insn, row32: Insn, fields, imm: int) -> int:
    """The 32-bit add/sub GNU writes when relaxing: md_convert_frag builds it from *signed*
    chars, so when the second byte of the 16-bit form is >= 0x80 (rd >= 4) the sign extension
    sets the whole upper halfword."""
    word = encode_insn(row32, **dict(fields, imm=imm))
    if encode_insn(row16, **dict(fields, imm=0)) & 0x8000:
        word |= 0xFFFF0000
    return word


def _convert_relax(lk: Linked, sec: Section, buf, v: Relax):
    form = v.form
    at = v.addr
    pc = sec.addr + at
    tsec, off = lk.resolve_val(v.val)
    target = lk.addr_of(tsec, off)
    external = tsec != sec.name or lk.is_external(v.val)
    row = INSN_BY_NAME[form.ins.relax] if v.big else form.ins
    big_form = Form(row, form.tokens, form.fixed, False)
    if external:
        # md_convert_frag leaves the field 0 and emits a relocation (always the 32-bit form)
        if form.kind == "branch":
            _ld_reloc(lk, buf, at, pc, big_form, v.fields, target, v.line, "branch")
        elif tsec is None and not lk.is_external(v.val):
            # an absolute symbol: gas resolves the fixup itself (epiphany_apply_fix)
            n = len(row.fields["imm"])
            word = _arith32(form.ins, row, v.fields, _sign_wrap(target, n))
            buf[at:at + 4] = word.to_bytes(4, "little")
        else:
            buf[at:at + 4] = _arith32(form.ins, row, v.fields, 0).to_bytes(4, "little")
            _ld_reloc(lk, buf, at, pc, big_form, v.fields, target, v.line, "simm")
        return
    d = target - pc
    n = len(row.fields["imm"])
    if form.kind == "branch":
        word = encode_insn(row, **dict(v.fields, imm=_sign_wrap(d >> 1, n)))
        buf[at:at + row.size] = word.to_bytes(row.size, "little")
    elif v.big:
        buf[at:at + 4] = _arith32(form.ins, row, v.fields, _sign_wrap(d, n)).to_bytes(4, "little")
    else:
        # GNU quirk (tc-epiphany.c md_convert_frag, EPIPHANY_RELAX_ARITH_SIMM3): the second
        # byte of the 16-bit insn is overwritten by ((value & 7) << 5) | first byte
        b = encode_insn(row, **dict(v.fields, imm=0)).to_bytes(2, "little")
        buf[at] = b[0]
        buf[at + 1] = (((d & 7) << 5) | b[0]) & 0xFF


# =============================================================================================
# Public API
# =============================================================================================

def _build(source: str, base: int, filename: str) -> Linked:
    asm = Assembler(filename)
    asm.assemble(source)
    try:
        return _link(asm, base)
    except AsmError as e:
        e.filename = filename
        raise


def assemble_sections(source: str, base: int = 0, filename: str = "<input>"
                      ) -> Dict[str, Tuple[int, bytes]]:
    lk = _build(source, base, filename)
    return {o.name: (o.addr, o.data) for o in lk.out if o.flags & E.SHF_ALLOC}


def assemble_text(source: str, base: int = 0) -> bytes:
    """The bytes of .text (what ``objdump -s -j .text`` shows)."""
    return assemble_sections(source, base).get(".text", (base, b""))[1]


def link_to_elf(lk: Linked, filename: str = "") -> bytes:
    asm = lk.asm
    syms = []
    for s in asm.symbols.values():
        if not s.defined or s.internal or "\x02" in s.name or s.name.startswith(".L"):
            continue
        try:
            sec, off = lk.resolve(s.name)
        except AsmError:
            continue
        out = None
        if sec is not None:
            out = _out_name(sec) or sec
        syms.append(E.OutSymbol(s.name, lk.addr_of(sec, off), out,
                                E.STB_WEAK if s.weak else E.STB_GLOBAL if s.glob else E.STB_LOCAL,
                                s.type, s.size))
    sec_of = {o.name: o for o in lk.out}
    last_alloc = [o for o in lk.out if o.flags & E.SHF_ALLOC]
    anchor = last_alloc[-1].name if last_alloc else None
    for name in ("__bss_start", "_edata", "_end"):
        if name not in asm.symbols or not asm.symbols[name].defined:
            syms.append(E.OutSymbol(name, lk.syms_extra[name], anchor, E.STB_GLOBAL))
    start = asm.symbols.get("_start")
    if start is not None and start.defined:
        sec, off = lk.resolve("_start")
        entry = lk.addr_of(sec, off)
    else:
        entry = sec_of[".text"].addr if ".text" in sec_of else lk.base
    return E.write_exec(lk.out, syms, entry, filename)


def assemble(source: str, base: int = 0, filename: str = "<input>") -> bytes:
    """Assemble and link ``source``; returns the bytes of an ELF executable."""
    lk = _build(source, base, filename)
    return link_to_elf(lk, os.path.basename(filename) if filename != "<input>" else "")


# =============================================================================================
# CLI
# =============================================================================================

def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", help="assembly source (GNU syntax)")
    p.add_argument("-o", "--output", help="output ELF (default: SOURCE with .elf)")
    p.add_argument("--base", default="0", help="address of .text (like ld -Ttext=ADDR; "
                                                "default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        base = int(args.base, 0)
    except ValueError:
        print(f"epiphany-emu asm: error: bad --base {args.base!r}", file=sys.stderr)
        return 2
    try:
        with open(args.source, encoding="utf-8", errors="surrogateescape") as f:
            src = f.read()
    except OSError as e:
        print(f"{args.source}: error: {e.strerror}", file=sys.stderr)
        return 2
    try:
        lk = _build(src, base, args.source)
        elf = link_to_elf(lk, os.path.basename(args.source))
    except AsmError as e:
        print(str(e), file=sys.stderr)
        return 2
    for w in lk.warnings:
        print(w, file=sys.stderr)
    out = args.output or os.path.splitext(args.source)[0] + ".elf"
    with open(out, "wb") as f:
        f.write(elf)
    return 0
