"""The assembler's linker: what assembling a source leaves (sections of frags with fixups,
relaxable instructions and alignments; symbols), relaxed, laid out and linked the way
``epiphany-elf-ld -Ttext=BASE`` links one object with its default script, relocations applied
as ld applies them; ``link_to_elf`` writes the result through ``isa.elfout``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from . import elfout as E
from .asm_expr import Val, wrap32
from .asm_forms import Form
from .asm_lexer import AsmError
from .bits import sign_extend
from .encoder import encode_insn, field_range
from .spec import INSN_BY_NAME, Insn

if TYPE_CHECKING:
    from .assembler import Assembler

NOP = INSN_BY_NAME["nop16"]


# =============================================================================================
# What the assembler leaves: sections of frags, fixups, variable parts, symbols
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


def section_defaults(name: str):
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
# Layout and relaxation
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


# =============================================================================================
# Linking: output sections, contents, relocations
# =============================================================================================

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


def out_name(name: str) -> Optional[str]:
    import fnmatch
    if name == ".init":
        return ".init"
    for out, pats in _SCRIPT:
        if any(fnmatch.fnmatchcase(name, p) for p in pats):
            return out
    return None


def link(asm: Assembler, base: int) -> Linked:
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
        o = out_name(sec.name)
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
            start = 0 if out_name(oname) is None else dot
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
            if sec.size and (out_name(sec.name) or sec.name) == o.name:
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
        if kind == "simm" and not -1024 <= wrap32(value) <= 1023 or \
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
    word = encode_insn(ins, **dict(fields, imm=sign_extend(imm, n) if lo < 0 else imm & hi))
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
            word = _arith32(form.ins, row, v.fields, sign_extend(target, n))
            buf[at:at + 4] = word.to_bytes(4, "little")
        else:
            buf[at:at + 4] = _arith32(form.ins, row, v.fields, 0).to_bytes(4, "little")
            _ld_reloc(lk, buf, at, pc, big_form, v.fields, target, v.line, "simm")
        return
    d = target - pc
    n = len(row.fields["imm"])
    if form.kind == "branch":
        word = encode_insn(row, **dict(v.fields, imm=sign_extend(d >> 1, n)))
        buf[at:at + row.size] = word.to_bytes(row.size, "little")
    elif v.big:
        buf[at:at + 4] = _arith32(form.ins, row, v.fields, sign_extend(d, n)).to_bytes(4, "little")
    else:
        # GNU quirk (tc-epiphany.c md_convert_frag, EPIPHANY_RELAX_ARITH_SIMM3): the second
        # byte of the 16-bit insn is overwritten by ((value & 7) << 5) | first byte
        b = encode_insn(row, **dict(v.fields, imm=0)).to_bytes(2, "little")
        buf[at] = b[0]
        buf[at + 1] = (((d & 7) << 5) | b[0]) & 0xFF


# =============================================================================================
# The ELF file
# =============================================================================================

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
            out = out_name(sec) or sec
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
