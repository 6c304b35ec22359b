"""What the debugger knows of a program's source: DWARF lines, functions, variables, types and
frames, read once per image with pyelftools.

    info = debug_info(img)
    info.line_at(pc)                     # Line(file, line, start, end) or None
    info.addresses_for_line("t.c", 12)   # where `break t.c:12` goes
    info.function_at(pc)                 # Function(name, lo, hi, ...)
    info.variables(pc)                   # locals and parameters in scope, innermost first
    info.global_var("counter")           # a Variable
    info.unwind(pc, regs, read)          # the caller's registers (CFI of .debug_frame)

Values are read through a ``Frame`` (registers of one core at one level of its call chain and
a memory reader) and printed the way GDB prints them (``format_value``).
"""
from __future__ import annotations

import bisect
import io
import math
import os
import struct
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

#: DWARF register numbers are the GPRs r0..r63 (GCC's epiphany DBX_REGISTER_NUMBER is the
#: identity); the return address column of .debug_frame is lr (r14)
SP, LR = 13, 14


class DebugInfoError(Exception):
    """A question the debug information cannot answer (the message says why)."""


@dataclass(frozen=True)
class Line:
    file: str
    line: int
    start: int          #: first address of this line-table row
    end: int            #: first address after it (the next row)


@dataclass
class Function:
    name: str
    lo: int
    hi: int             #: exclusive
    die: object = field(repr=False, default=None)
    cu: object = field(repr=False, default=None)


@dataclass
class Type:
    """A C type, reduced to what printing needs."""
    kind: str           #: base | pointer | array | struct | union | enum | func | void
    name: str = ""
    size: int = 0
    encoding: int = 0   #: DW_ATE_* of a base type
    target: Optional["Type"] = None      #: pointee, element type
    count: Optional[int] = None          #: array elements (None: unknown)
    members: List[Tuple[str, int, "Type"]] = field(default_factory=list)
    enumerators: Dict[int, str] = field(default_factory=dict)

    def c_name(self) -> str:
        if self.kind == "pointer":
            t = self.target
            if t is not None and t.kind == "func":
                return "void (*)()" if not t.name else f"{t.name} (*)()"
            return (t.c_name() if t is not None else "void") + " *"
        if self.kind == "array":
            return f"{self.target.c_name()} [{self.count if self.count is not None else ''}]"
        if self.kind in ("struct", "union", "enum") and self.name:
            return f"{self.kind} {self.name}"
        return self.name or self.kind


VOID = Type("void", "void")
INT = Type("base", "int", 4, 5)
UINT = Type("base", "unsigned int", 4, 7)
CODE_PTR = Type("pointer", "", 4, target=Type("func"))
DATA_PTR = Type("pointer", "", 4, target=VOID)

# DW_ATE_* encodings of base types
ATE_BOOLEAN, ATE_FLOAT, ATE_SIGNED, ATE_SIGNED_CHAR, ATE_UNSIGNED, ATE_UNSIGNED_CHAR = \
    2, 4, 5, 6, 7, 8


@dataclass
class Variable:
    name: str
    type: Type
    die: object = field(repr=False, default=None)
    cu: object = field(repr=False, default=None)
    is_param: bool = False
    func: Optional[Function] = None


class Frame:
    """One level of a core's call chain: its registers (r0..r63 by number, and "pc") and a
    memory reader ``read(addr, n) -> bytes`` (raises on unmapped memory)."""

    def __init__(self, regs: Dict, read: Callable[[int, int], bytes], level: int = 0):
        self.regs = regs
        self.read = read
        self.level = level

    @property
    def pc(self) -> int:
        return self.regs["pc"]


@dataclass
class Value:
    """A value: its type and either an address in memory or its bytes (a register, a
    computed value)."""
    type: Type
    addr: Optional[int] = None
    data: Optional[bytes] = None
    lval_reg: Optional[int] = None

    def bytes(self, frame: Frame) -> bytes:
        if self.data is not None:
            return self.data
        return frame.read(self.addr, max(self.type.size, 0))


class DebugInfo:
    """The DWARF of one image (empty when it has none)."""

    def __init__(self, img):
        self.image = img
        self.rows: List[Tuple[int, str, int, bool]] = []      # addr, file, line, is_stmt
        self.functions: List[Function] = []
        self.globals: Dict[str, Variable] = {}
        self._fdes: List[Tuple[int, int, object]] = []
        self._loclist_cus = set()
        self._types: Dict[int, Type] = {}
        self._dw = None
        self._loc_parser = None
        raw = getattr(img, "_raw", None) if img is not None else None
        if raw:
            try:
                self._load(raw)
            except Exception:          # broken or unusual DWARF: debug without it
                self.rows, self.functions, self.globals = [], [], {}
        self._row_addrs = [r[0] for r in self.rows]
        self.functions.sort(key=lambda f: f.lo)
        self._func_los = [f.lo for f in self.functions]

    # -- reading ------------------------------------------------------------------------------
    def _load(self, raw: bytes) -> None:
        from elftools.elf.elffile import ELFFile
        ef = ELFFile(io.BytesIO(raw))
        if not ef.has_dwarf_info():
            return
        dw = ef.get_dwarf_info()
        self._dw = dw
        from elftools.dwarf.locationlists import LocationParser
        self._loc_parser = LocationParser(dw.location_lists())
        for cu in dw.iter_CUs():
            self._load_lines(dw, cu)
            if self._has_loclist(cu):
                self._loclist_cus.add(cu.cu_offset)
            top = cu.get_top_DIE()
            for die in top.iter_children():
                if die.tag == "DW_TAG_subprogram":
                    f = self._function(die, cu)
                    if f is not None:
                        self.functions.append(f)
                elif die.tag == "DW_TAG_variable":
                    v = self._variable(die, cu)
                    if v is not None and self._location_attr(die) is not None:
                        self.globals.setdefault(v.name, v)
        self.rows.sort(key=lambda r: r[0])
        if dw.has_CFI():
            for e in dw.CFI_entries():
                if "initial_location" in e.header:
                    lo = e.header["initial_location"]
                    self._fdes.append((lo, lo + e.header["address_range"], e))
            self._fdes.sort(key=lambda t: t[0])

    @staticmethod
    def _has_loclist(cu) -> bool:
        """Whether a variable of the CU has a location list (GDB: the CU's locations are
        valid at every address, so `break FUNC` need not skip the prologue)."""
        forms = ("DW_FORM_sec_offset", "DW_FORM_loclistx") + \
            (("DW_FORM_data4", "DW_FORM_data8") if cu["version"] < 4 else ())
        for die in cu.iter_DIEs():
            if die.tag in ("DW_TAG_variable", "DW_TAG_formal_parameter"):
                a = die.attributes.get("DW_AT_location")
                if a is not None and a.form in forms:
                    return True
        return False

    def _load_lines(self, dw, cu) -> None:
        """The line table as GDB 8.2 (the Epiphany GDB) records it (dwarf2read.c,
        lnp_state_machine::record_line): rows that are not statements are dropped, and a row
        repeating the line of the previous one is dropped once that line had a non-zero
        discriminator (loops: GCC marks their parts so).  `step`, `break LINE` and the
        "0x... in" of a frame then agree with GDB's."""
        lp = dw.line_program_for_CU(cu)
        if lp is None:
            return
        files = lp.header["file_entry"]
        v5 = lp.header["version"] >= 5
        last_file, last_line, nz_disc, prev_line = None, None, False, None
        for entry in lp.get_entries():
            st = entry.state
            if st is None:
                continue
            if st.end_sequence:
                self.rows.append((st.address, "", 0, False))
                last_file, last_line, nz_disc, prev_line = None, None, False, None
                continue
            disc = getattr(st, "discriminator", 0) or 0
            if st.line != prev_line:
                nz_disc = disc != 0
            else:
                nz_disc = nz_disc or disc != 0
            prev_line = st.line
            if not st.is_stmt:
                continue
            idx = st.file if v5 else st.file - 1
            name = "?"
            if 0 <= idx < len(files):
                n = files[idx].name
                name = n.decode(errors="replace") if isinstance(n, bytes) else str(n)
            if name == last_file and st.line == last_line and nz_disc:
                continue
            last_file, last_line = name, st.line
            self.rows.append((st.address, name, st.line, True))

    @staticmethod
    def _name(die) -> Optional[str]:
        a = die.attributes.get("DW_AT_name")
        if a is None:
            return None
        return a.value.decode(errors="replace") if isinstance(a.value, bytes) else str(a.value)

    @staticmethod
    def _range(die) -> Optional[Tuple[int, int]]:
        lo = die.attributes.get("DW_AT_low_pc")
        hi = die.attributes.get("DW_AT_high_pc")
        if lo is None or hi is None:
            return None
        h = hi.value if hi.form == "DW_FORM_addr" else lo.value + hi.value
        return lo.value, h

    def _function(self, die, cu) -> Optional[Function]:
        r = self._range(die)
        name = self._name(die)
        if r is None or name is None:
            return None
        return Function(name, r[0], r[1], die, cu)

    def _variable(self, die, cu, func=None) -> Optional[Variable]:
        name = self._name(die)
        if name is None and "DW_AT_specification" in die.attributes:
            spec = die.get_DIE_from_attribute("DW_AT_specification")
            name = self._name(spec)
            tdie = spec
        else:
            tdie = die
        if name is None:
            return None
        return Variable(name, self._type_of(tdie), die, cu,
                        die.tag == "DW_TAG_formal_parameter", func)

    def _type_of(self, die) -> Type:
        if "DW_AT_type" not in die.attributes:
            return VOID
        return self._type(die.get_DIE_from_attribute("DW_AT_type"))

    def _type(self, die) -> Type:
        key = die.offset
        t = self._types.get(key)
        if t is not None:
            return t
        tag = die.tag
        name = self._name(die) or ""
        size = die.attributes["DW_AT_byte_size"].value if "DW_AT_byte_size" in die.attributes \
            else 0
        if tag in ("DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type",
                   "DW_TAG_restrict_type", "DW_TAG_atomic_type"):
            t = self._type_of(die)
            self._types[key] = t
            return t
        if tag == "DW_TAG_base_type":
            t = Type("base", name, size, die.attributes["DW_AT_encoding"].value)
        elif tag == "DW_TAG_pointer_type":
            t = Type("pointer", "", size or 4)
            self._types[key] = t            # (recursive structures point at themselves)
            t.target = self._type_of(die)
        elif tag == "DW_TAG_array_type":
            t = Type("array", "")
            self._types[key] = t
            t.target = self._type_of(die)
            dims = [c for c in die.iter_children() if c.tag == "DW_TAG_subrange_type"]
            counts = []
            for d in dims:
                if "DW_AT_count" in d.attributes:
                    counts.append(d.attributes["DW_AT_count"].value)
                elif "DW_AT_upper_bound" in d.attributes:
                    counts.append(d.attributes["DW_AT_upper_bound"].value + 1)
                else:
                    counts.append(None)
            counts = counts or [None]
            # int a[2][3]: an array of 2 arrays of 3
            inner = t.target
            for c in reversed(counts[1:]):
                inner = Type("array", "", (inner.size * c) if c else 0, target=inner, count=c)
            t.target = inner
            t.count = counts[0]
            t.size = inner.size * counts[0] if counts[0] else 0
        elif tag in ("DW_TAG_structure_type", "DW_TAG_union_type", "DW_TAG_class_type"):
            t = Type("union" if tag == "DW_TAG_union_type" else "struct", name, size)
            self._types[key] = t
            for m in die.iter_children():
                if m.tag != "DW_TAG_member":
                    continue
                off = m.attributes.get("DW_AT_data_member_location")
                off = off.value if off is not None and isinstance(off.value, int) else 0
                t.members.append((self._name(m) or "", off, self._type_of(m)))
        elif tag == "DW_TAG_enumeration_type":
            t = Type("enum", name, size)
            for e in die.iter_children():
                if e.tag == "DW_TAG_enumerator":
                    t.enumerators[e.attributes["DW_AT_const_value"].value] = self._name(e)
        elif tag == "DW_TAG_subroutine_type":
            t = Type("func", "")
        else:
            t = Type("base", name or "?", size, ATE_UNSIGNED)
        self._types[key] = t
        return t

    # -- lines --------------------------------------------------------------------------------
    def _row_index(self, pc: int) -> int:
        return bisect.bisect_right(self._row_addrs, pc) - 1

    def line_at(self, pc: int) -> Optional[Line]:
        """The line-table row holding pc (its line and address range), or None."""
        k = self._row_index(pc)
        if k < 0:
            return None
        addr, f, ln, _ = self.rows[k]
        # several rows may share an address: the last one counts (as in GDB)
        j = k + 1
        while j < len(self.rows) and self.rows[j][0] == addr:
            j += 1
        if ln <= 0:
            return None
        end = self.rows[j][0] if j < len(self.rows) else addr + 2
        return Line(f, ln, addr, end)

    def is_line_start(self, pc: int) -> bool:
        """pc starts a statement row (where `step` stops)."""
        k = bisect.bisect_left(self._row_addrs, pc)
        while k < len(self.rows) and self.rows[k][0] == pc:
            if self.rows[k][3] and self.rows[k][2] > 0:
                return True
            k += 1
        return False

    def files(self) -> List[str]:
        return sorted({r[1] for r in self.rows if r[1]})

    def _match_file(self, name: str, row_file: str) -> bool:
        if not row_file:
            return False
        return row_file == name or os.path.basename(row_file) == name or \
            row_file.endswith("/" + name)

    def addresses_for_line(self, file: Optional[str], line: int) -> Tuple[int, List[int]]:
        """(the line actually used, addresses) for `break FILE:LINE`: per function, the lowest
        address of a statement row of that line, or of the next line that has code (as GDB
        does).  Raises DebugInfoError when the file is unknown or no line follows."""
        rows = [r for r in self.rows if r[3] and r[2] > 0 and
                (file is None or self._match_file(file, r[1]))]
        if not rows:
            raise DebugInfoError(f'No source file named {file}.' if file else
                                 "No line number information available.")
        later = sorted({r[2] for r in rows if r[2] >= line})
        if not later:
            raise DebugInfoError(f"Line {line} out of range; \"{file}\" has "
                                 f"{max(r[2] for r in rows)} lines.")
        use = later[0]
        best: Dict[object, int] = {}
        for addr, _, ln, _ in rows:
            if ln != use:
                continue
            f = self.function_at(addr)
            key = f.lo if f is not None else None
            if key not in best or addr < best[key]:
                best[key] = addr
        return use, sorted(best.values())

    # -- functions ----------------------------------------------------------------------------
    def function_at(self, pc: int) -> Optional[Function]:
        k = bisect.bisect_right(self._func_los, pc) - 1
        while k >= 0:
            f = self.functions[k]
            if f.lo <= pc < f.hi:
                return f
            k -= 1
            if k >= 0 and self.functions[k].hi <= pc and f.lo > pc:
                break
        return None

    def function_named(self, name: str) -> Optional[Function]:
        for f in self.functions:
            if f.name == name:
                return f
        return None

    def prologue_end(self, f: Function) -> int:
        """Where `break FUNC` stops, as GDB 8.2 decides (skip_prologue_sal with the Epiphany
        GDB's epiphany_skip_prologue = skip_prologue_using_sal): the entry when the CU has
        location lists or two line rows share the entry, else the end of the first line
        unless lines with smaller numbers follow (code scheduled into the prologue); the
        entry without line rows."""
        first = self.line_at(f.lo)
        if first is None:
            return f.lo
        if f.cu is not None and f.cu.cu_offset in self._loclist_cus:
            # GDB's skip_prologue_sal: a CU with location lists (optimised code) has valid
            # variable locations from the entry on: the breakpoint stays at the entry
            return f.lo
        k = bisect.bisect_left(self._row_addrs, f.lo)
        at_start = [r for r in self.rows[k:k + 4] if r[0] == f.lo and r[2] > 0]
        if len(at_start) >= 2:
            return f.lo
        if first.end >= f.hi:
            return f.lo
        sal = first
        while sal.end < f.hi:
            nxt = self.line_at(sal.end)
            if nxt is None:
                break
            if nxt.line >= sal.line and nxt.end <= f.hi:
                break
            sal = nxt
        return sal.end if sal.end < f.hi else sal.start

    # -- variables ----------------------------------------------------------------------------
    def global_var(self, name: str) -> Optional[Variable]:
        return self.globals.get(name)

    def variables(self, pc: int) -> List[Variable]:
        """Locals and parameters visible at pc, innermost scope first (statics included)."""
        f = self.function_at(pc)
        if f is None or f.die is None:
            return []
        scopes: List[List[Variable]] = []

        def walk(die, depth):
            here = []
            for c in die.iter_children():
                if c.tag in ("DW_TAG_variable", "DW_TAG_formal_parameter"):
                    v = self._variable(c, f.cu, f)
                    if v is not None:
                        here.append(v)
                elif c.tag == "DW_TAG_lexical_block" and self._block_has(c, f.cu, pc):
                    walk(c, depth + 1)
            scopes.append(here)

        walk(f.die, 0)
        out = []
        for s in scopes:          # the innermost block was appended first
            out.extend(s)
        return out

    def _block_has(self, die, cu, pc) -> bool:
        r = self._range(die)
        if r is not None:
            return r[0] <= pc < r[1]
        if "DW_AT_ranges" in die.attributes and self._dw is not None:
            try:
                rl = self._dw.range_lists()
                ranges = rl.get_range_list_at_offset(die.attributes["DW_AT_ranges"].value,
                                                     cu=cu)
                base = cu.get_top_DIE().attributes.get("DW_AT_low_pc")
                base = base.value if base is not None else 0
                for r in ranges:
                    if hasattr(r, "begin_offset"):
                        lo, hi = r.begin_offset, r.end_offset
                        if not getattr(r, "is_absolute", False):
                            lo, hi = lo + base, hi + base
                        if lo <= pc < hi:
                            return True
            except Exception:
                return True
            return False
        return True

    @staticmethod
    def _location_attr(die):
        return die.attributes.get("DW_AT_location")

    def location(self, var: Variable, frame: Frame) -> Value:
        """Where var lives in frame: a Value (address or register bytes).  Raises
        DebugInfoError for '<optimized out>'."""
        attr = self._location_attr(var.die)
        if attr is None:
            cv = var.die.attributes.get("DW_AT_const_value")
            if cv is not None and isinstance(cv.value, int):
                return Value(var.type, data=(cv.value & ((1 << 64) - 1)).to_bytes(8, "little"))
            raise DebugInfoError("<optimized out>")
        loc = self._loc_parser.parse_from_attribute(attr, var.cu["version"], var.die)
        from elftools.dwarf.locationlists import LocationExpr
        if isinstance(loc, LocationExpr):
            expr = loc.loc_expr
        else:
            expr = None
            base = var.cu.get_top_DIE().attributes.get("DW_AT_low_pc")
            base = base.value if base is not None else 0
            pc = frame.pc
            for e in loc:
                if not hasattr(e, "loc_expr"):
                    if hasattr(e, "base_address"):
                        base = e.base_address
                    continue
                lo, hi = e.begin_offset, e.end_offset
                if not getattr(e, "is_absolute", False):
                    lo, hi = lo + base, hi + base
                if lo <= pc < hi:
                    expr = e.loc_expr
                    break
            if expr is None:
                raise DebugInfoError("<optimized out>")
        return self._eval(expr, var, frame)

    def _eval(self, expr, var: Variable, frame: Frame) -> Value:
        from elftools.dwarf.dwarf_expr import DWARFExprParser
        ops = DWARFExprParser(var.cu.structs).parse_expr(expr)
        stack: List[int] = []
        regval = None
        pieces: List[bytes] = []
        stack_value = False
        for op in ops:
            n, a = op.op_name, op.args
            if n == "DW_OP_addr":
                stack.append(a[0])
            elif n == "DW_OP_fbreg":
                stack.append((self.frame_base(var.func, frame) + a[0]) & 0xFFFFFFFF)
            elif n.startswith("DW_OP_breg"):
                r = int(n[len("DW_OP_breg"):]) if n != "DW_OP_bregx" else a[0]
                off = a[-1]
                stack.append((frame.regs[r] + off) & 0xFFFFFFFF)
            elif n.startswith("DW_OP_reg"):
                r = int(n[len("DW_OP_reg"):]) if n != "DW_OP_regx" else a[0]
                regval = r
            elif n == "DW_OP_call_frame_cfa":
                stack.append(self.cfa(frame))
            elif n == "DW_OP_plus_uconst":
                stack.append((stack.pop() + a[0]) & 0xFFFFFFFF)
            elif n.startswith("DW_OP_lit"):
                stack.append(int(n[len("DW_OP_lit"):]))
            elif n.startswith("DW_OP_const"):
                stack.append(a[0])
            elif n == "DW_OP_stack_value":
                stack_value = True
            elif n == "DW_OP_piece":
                if regval is not None:
                    pieces.append(frame.regs[regval].to_bytes(4, "little")[:a[0]])
                elif stack_value:
                    pieces.append((stack.pop() & 0xFFFFFFFF).to_bytes(4, "little")[:a[0]])
                elif stack:
                    pieces.append(frame.read(stack.pop(), a[0]))
                else:
                    raise DebugInfoError("<optimized out>")
                regval, stack_value = None, False
            elif n in ("DW_OP_plus", "DW_OP_minus", "DW_OP_and", "DW_OP_or"):
                y, x = stack.pop(), stack.pop()
                stack.append({"DW_OP_plus": x + y, "DW_OP_minus": x - y, "DW_OP_and": x & y,
                              "DW_OP_or": x | y}[n] & 0xFFFFFFFF)
            elif n == "DW_OP_deref":
                stack.append(int.from_bytes(frame.read(stack.pop(), 4), "little"))
            else:
                raise DebugInfoError(f"<unsupported location {n}>")
        if pieces:
            return Value(var.type, data=b"".join(pieces))
        if regval is not None:
            data = frame.regs[regval].to_bytes(4, "little")
            if var.type.size > 4 and regval + 1 < 64:
                data += frame.regs[regval + 1].to_bytes(4, "little")
            return Value(var.type, data=data, lval_reg=regval)
        if stack_value:
            return Value(var.type, data=(stack.pop() & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"))
        if not stack:
            raise DebugInfoError("<optimized out>")
        return Value(var.type, addr=stack.pop())

    def frame_base(self, func: Optional[Function], frame: Frame) -> int:
        if func is None or "DW_AT_frame_base" not in func.die.attributes:
            raise DebugInfoError("no frame base")
        fb = func.die.attributes["DW_AT_frame_base"]
        from elftools.dwarf.dwarf_expr import DWARFExprParser
        ops = DWARFExprParser(func.cu.structs).parse_expr(fb.value)
        if len(ops) == 1 and ops[0].op_name == "DW_OP_call_frame_cfa":
            return self.cfa(frame)
        if len(ops) == 1 and ops[0].op_name.startswith("DW_OP_breg"):
            return (frame.regs[int(ops[0].op_name[10:])] + ops[0].args[0]) & 0xFFFFFFFF
        if len(ops) == 1 and ops[0].op_name.startswith("DW_OP_reg"):
            return frame.regs[int(ops[0].op_name[9:])]
        raise DebugInfoError("unsupported frame base")

    # -- call frames (.debug_frame) -----------------------------------------------------------
    def _cfi_row(self, pc: int):
        k = bisect.bisect_right([f[0] for f in self._fdes], pc) - 1
        if k < 0 or not (self._fdes[k][0] <= pc < self._fdes[k][1]):
            return None
        rows = self._fdes[k][2].get_decoded().table
        row = None
        for r in rows:
            if r["pc"] <= pc:
                row = r
            else:
                break
        return row

    def cfa(self, frame: Frame) -> int:
        row = self._cfi_row(frame.pc)
        if row is None:
            raise DebugInfoError("no call frame information")
        rule = row["cfa"]
        if rule.expr is not None:
            raise DebugInfoError("unsupported CFA rule")
        return (frame.regs[rule.reg] + rule.offset) & 0xFFFFFFFF

    def unwind(self, frame: Frame) -> Optional[Frame]:
        """The caller's frame (registers restored by the CFI rules; pc = return address), or
        None where the chain ends (no CFI, a zero return address, no progress)."""
        row = self._cfi_row(frame.pc)
        if row is None:
            return None
        try:
            cfa = self.cfa(frame)
        except DebugInfoError:
            return None
        regs = dict(frame.regs)
        for r, rule in row.items():
            if not isinstance(r, int):
                continue
            if rule.type == "OFFSET":
                try:
                    regs[r] = int.from_bytes(frame.read((cfa + rule.arg) & 0xFFFFFFFF, 4),
                                             "little")
                except Exception:
                    return None
            elif rule.type == "VAL_OFFSET":
                regs[r] = (cfa + rule.arg) & 0xFFFFFFFF
            elif rule.type == "REGISTER":
                regs[r] = frame.regs[rule.arg]
        ra = regs[LR]
        # at a function's entry the CFA is sp + 8 (the CIE's rule: GCC's -mstack-offset, the
        # 8 bytes above sp belong to the callee), so the caller's sp is the CFA - 8
        regs[SP] = (cfa - 8) & 0xFFFFFFFF
        if ra == 0 or (ra == frame.pc and regs[SP] == frame.regs[SP]):
            return None
        regs["pc"] = ra
        return Frame(regs, frame.read, frame.level + 1)


def debug_info(img) -> DebugInfo:
    """The image's DebugInfo, made once per image."""
    if img is None:
        return DebugInfo(None)
    d = getattr(img, "_debug_info", None)
    if d is None:
        d = DebugInfo(img)
        try:
            img._debug_info = d
        except AttributeError:
            pass
    return d


# ---- printing values as GDB does -------------------------------------------------------------

def _int(data: bytes, size: int, signed: bool) -> int:
    return int.from_bytes(data[:size], "little", signed=signed)


def format_float(v: float, size: int) -> str:
    """GDB's %g with the type's precision (9 digits for float, 17 for double)."""
    if math.isnan(v):
        bits = struct.unpack("<I", struct.pack("<f", v))[0] if size == 4 else \
            struct.unpack("<Q", struct.pack("<d", v))[0]
        mant = bits & ((1 << 23) - 1 if size == 4 else (1 << 52) - 1)
        return ("-" if math.copysign(1, v) < 0 else "") + "nan(0x%x)" % mant
    if math.isinf(v):
        return "-inf" if v < 0 else "inf"
    return "%.*g" % (9 if size == 4 else 17, v)


def format_scalar(t: Type, data: bytes, fmt: Optional[str] = None,
                  describe: Optional[Callable[[int], str]] = None,
                  read_string: Optional[Callable[[int], Optional[str]]] = None) -> str:
    size = t.size or 4
    if fmt in ("x", "d", "u", "o", "t", "c", "a", "z"):
        v = _int(data, size, fmt == "d")
        if fmt == "x":
            return hex(v)
        if fmt == "z":
            return "0x" + format(v, "0%dx" % (2 * size))
        if fmt == "o":
            return "0" + format(v, "o") if v else "0"
        if fmt == "t":
            return format(v, "b")
        if fmt == "c":
            return _char(v & 0xFF)
        if fmt == "a":
            d = describe(v) if describe else ""
            return hex(v) + (f" {d}" if d else "")
        return str(v)
    if t.kind == "pointer":
        v = _int(data, 4, False)
        tgt = t.target
        if tgt is not None and tgt.kind == "func":
            d = describe(v) if describe else ""
            return f"({t.c_name()}) {hex(v)}" + (f" {d}" if d else "")
        if tgt is not None and tgt.kind == "base" and tgt.size == 1 and read_string:
            s = read_string(v)
            d = describe(v) if describe else ""
            return hex(v) + (f" {d}" if d else "") + (f" {s}" if s is not None else "")
        d = describe(v) if describe else ""
        return f"({t.c_name()}) {hex(v)}" + (f" {d}" if d else "")
    if t.kind == "enum":
        v = _int(data, size, True)
        return t.enumerators.get(v, str(v))
    if t.kind == "base":
        if t.encoding == ATE_FLOAT:
            if size == 4:
                return format_float(struct.unpack("<f", data[:4])[0], 4)
            if size == 8:
                return format_float(struct.unpack("<d", data[:8])[0], 8)
        if t.encoding == ATE_BOOLEAN:
            v = _int(data, size, False)
            return "true" if v == 1 else ("false" if v == 0 else str(v))
        signed = t.encoding in (ATE_SIGNED, ATE_SIGNED_CHAR)
        v = _int(data, size, signed)
        if size == 1 and t.encoding in (ATE_SIGNED_CHAR, ATE_UNSIGNED_CHAR):
            return f"{v} {_char(v & 0xFF)}"
        return str(v)
    return "0x" + data[:size][::-1].hex()


#: GDB's "set print repeats" default: runs longer than this print as <repeats N times>
REPEAT_THRESHOLD = 10


def _char(b: int) -> str:
    esc = {0: "\\000", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f",
           13: "\\r", 27: "\\033", 39: "\\'", 92: "\\\\"}
    if b in esc:
        return f"'{esc[b]}'"
    if 32 <= b < 127:
        return f"'{chr(b)}'"
    return "'\\%03o'" % b


def c_string(read: Callable[[int, int], bytes], addr: int, limit: int = 200) -> Optional[str]:
    """GDB's rendering of the string at addr ("..." with escapes, runs of more than 10 equal
    characters as 'c' <repeats N times>), None if unreadable."""
    out = bytearray()
    more = False
    try:
        for k in range(limit):
            b = read(addr + k, 1)[0]
            if b == 0:
                break
            out.append(b)
        else:
            more = True
    except Exception:
        if not out:
            return None
    return _string_text(bytes(out)) + ("..." if more else "")


def _string_text(b: bytes) -> str:
    parts, k, run = [], 0, bytearray()
    while k < len(b):
        j = k
        while j < len(b) and b[j] == b[k]:
            j += 1
        if j - k > REPEAT_THRESHOLD:
            if run:
                parts.append('"' + _escape(bytes(run)) + '"')
                run = bytearray()
            parts.append(f"{_char(b[k])} <repeats {j - k} times>")
        else:
            run += b[k:j]
        k = j
    if run or not parts:
        parts.append('"' + _escape(bytes(run)) + '"')
    return ", ".join(parts)


def _escape(b: bytes) -> str:
    s = []
    for c in b:
        if c == 34:
            s.append('\\"')
        elif c == 92:
            s.append("\\\\")
        elif 32 <= c < 127:
            s.append(chr(c))
        elif c == 10:
            s.append("\\n")
        elif c == 9:
            s.append("\\t")
        else:
            s.append("\\%03o" % c)
    return "".join(s)


def format_value(val: Value, frame: Frame, fmt: Optional[str] = None,
                 describe: Optional[Callable[[int], str]] = None, top: bool = True) -> str:
    """GDB's rendering of a value: scalars, pointers, arrays {..}, structs {x = 1, ...}."""
    t = val.type
    if t.kind == "void":
        return "void"
    if t.kind == "func":
        return "{function}"
    data = val.bytes(frame) if t.size else b""
    return _fmt(t, data, frame, fmt, describe)


def _fmt(t: Type, data: bytes, frame: Frame, fmt, describe) -> str:
    if t.kind == "array":
        el = t.target
        n = t.count or 0
        if el.kind == "base" and el.size == 1 and "char" in el.name and fmt is None:
            # GDB (print null-stop off): every element; trailing NULs after the first as
            # '\000' <repeats N times> when more than the threshold, else dropped
            raw = data[:n]
            end = len(raw)
            while end > 0 and raw[end - 1] == 0:
                end -= 1
            zeros = len(raw) - end
            body = raw[:end + (1 if zeros else 0)]
            if zeros > 1:
                if zeros - 1 > REPEAT_THRESHOLD:
                    return (_string_text(raw[:end]) + ", " if end else "") + \
                        f"'\\000' <repeats {zeros - 1} times>"
                body = raw[:end]
            elif zeros == 1:
                body = raw[:end]
            return _string_text(body)
        parts = []
        for k in range(min(n, 200)):
            parts.append(_fmt(el, data[k * el.size:(k + 1) * el.size], frame, fmt, describe))
        return "{" + _repeats(parts) + ("..." if n > 200 else "") + "}"
    if t.kind in ("struct", "union"):
        parts = [f"{name} = {_fmt(mt, data[off:off + mt.size], frame, fmt, describe)}"
                 for name, off, mt in t.members]
        return "{" + ", ".join(parts) + "}"

    def read_string(a):
        return c_string(frame.read, a)
    return format_scalar(t, data, fmt, describe, read_string)


def _repeats(parts: List[str]) -> str:
    """GDB's <repeats N times> for runs of 10 or more equal elements."""
    out = []
    k = 0
    while k < len(parts):
        j = k
        while j < len(parts) and parts[j] == parts[k]:
            j += 1
        if j - k > REPEAT_THRESHOLD:
            out.append(f"{parts[k]} <repeats {j - k} times>")
        else:
            out.extend(parts[k:j])
        k = j
    return ", ".join(out)
