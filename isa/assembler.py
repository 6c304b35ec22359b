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

The parts, in the order a source goes through them: ``isa/asm_lexer.py`` (comments, statements,
operands, strings; ``AsmError``), ``isa/asm_expr.py`` (expressions), ``isa/asm_forms.py`` (the
candidate forms of every mnemonic, from the spec), this module (directives, instructions,
symbols: one pass that leaves sections of frags), ``isa/linker.py`` (relaxation, layout,
relocations, the ld default script) and ``isa/elfout.py`` (the ELF file).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Dict, List, Optional, Tuple

from . import regs
from . import bits as B
from . import elfout as E
from .asm_expr import ExprParser, Val
from .asm_forms import Form, form_table, imm_kind
from .asm_lexer import (AsmError, operand_end, parse_string, scrub, shorten, split_args,
                        statements)
from .encoder import EncodeError, encode_insn, field_range
from .linker import (Align, Fixup, Frag, Linked, Relax, Section, Symbol, link, link_to_elf,
                     section_defaults)
from .spec import Insn

__all__ = ["AsmError", "Assembler", "add_arguments", "assemble", "assemble_sections",
           "assemble_text", "form_table", "imm_kind", "link_to_elf", "run"]


# =============================================================================================
# The assembler
# =============================================================================================

_REG_WORD = re.compile(r"[A-Za-z0-9_]*")

#: GNU's messages of the load/store checks (``check_ldst``)
DISPMOD = "destination register modified by displacement-post-modified address"
LDSTODD = "ldrd/strd requires even:odd register pair"


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
            f, t = section_defaults(name)
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
        for lineno, stmts in statements(source):
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
        args = split_args(rest)
        if d in (".word", ".long", ".int", ".4byte"):
            self.data(args, 4)
        elif d in (".short", ".hword", ".2byte", ".half"):
            self.data(args, 2)
        elif d == ".byte":
            self.data(args, 1)
        elif d in (".ascii", ".asciz", ".string"):
            for a in args:
                b = parse_string(a)
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
            _, typ = section_defaults(name)
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
        mnem, ops = m.group(1), scrub(m.group(2))
        if mnem.lower() in ("push", "pop") and ops.startswith("{"):
            return self.push_pop(mnem.lower(), ops)
        forms = form_table().get(mnem.lower())
        if not forms:
            raise AsmError(f"unrecognized instruction `{shorten(st)}'")
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
        raise AsmError(f"unrecognized form of instruction `{shorten(mnem + ' ' + ops)}'")

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
                j = operand_end(ops, i, stop)
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
                return B.sign_extend(c, n)     # CGEN does not range-check split fields
        if not lo <= c <= hi:
            raise AsmError(f"operand out of range ({c} not between {lo} and {hi})")
        return c

    @staticmethod
    def check_ldst(ins: Insn, f):
        """GNU's checks after parsing a load/store (tc-epiphany.c ``epiphany_assemble``): a
        post-modify load must not write its base register (nor, for ldrd, the register below
        it); ldrd/strd need an even register, except in the 16-bit post-modify form, where
        GNU's test reads the 32-bit forms' size field (``f_wordsize``, 0 there) and so never
        fires: ``strd r3,[r3],r3`` assembles."""
        m = re.match(r"(load|store)\((\d), (\w+)\)", ins.sem)
        if not m:
            return
        load, size, mode = m.group(1) == "load", int(m.group(2)), m.group(3)
        rd, rn = f.get("rd", 0), f.get("rn", 0)
        if load and mode in ("PM", "DPM") and (rd == rn or (rd + 1 == rn and size == 3)):
            raise AsmError(DISPMOD)
        if rd & 1 and size == 3 and not (mode == "PM" and ins.width == 16):
            raise AsmError(LDSTODD)

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
# Public API
# =============================================================================================

def _build(source: str, base: int, filename: str) -> Linked:
    asm = Assembler(filename)
    asm.assemble(source)
    try:
        return link(asm, base)
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
