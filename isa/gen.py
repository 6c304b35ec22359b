"""Generate the core's decoder and dispatch from ``isa/spec.py``.

    python -m isa gen            # writes emu/_gen_isa.pxi and emu/_gen_regs.pxi
    python -m isa gen --check    # exits 1 if a committed file is stale (CI, tests)

The output is committed, so ``pip install`` never runs this generator.
"""
from __future__ import annotations

import hashlib
import os
import re
from typing import Dict, List

from . import bits as B
from .check import check_or_raise
from .spec import INSNS, OVERLAPS, TCLASSES, Insn, issue_unit, latency_class, operands

#: timing-model register indices beyond the 64 GPRs
REG_BFLAGS = 64
REG_NONE = 65        # an unused source: never written, always ready
REG_SINK = 66        # an unused destination: written, never read
LAT_CLASSES = ("ialu", "fpu", "ldw", "ldb")
UNITS = ("none", "ialu", "fpu", "ldst")


def _timing_slots(r: Insn):
    """C expressions for the (up to 3) source and (up to 3) destination register indices."""
    reads, writes = operands(r)
    # address registers first: they gate the access; the data register of a store last
    order = {"rn": 0, "rm": 1, "rd": 2, "bflags": 3, "rd+1": 4}
    reads = sorted(reads, key=lambda x: order.get(x, 9))[:3]
    sem = r.sem.split("(")[0]

    def expr(tok, is_dest):
        if tok == "rd+1":
            return "v_rd + 1"
        if tok == "lr":
            return f"(14 if v_cond == 15 else {REG_SINK})" if sem == "bcond" else "14"
        if tok == "bflags":
            if sem in ("bcond", "movcond") and not is_dest:
                return f"({REG_BFLAGS} if v_cond >= 10 and v_cond <= 13 else {REG_NONE})"
            return str(REG_BFLAGS)
        return "v_" + {"rd": "rd", "rn": "rn", "rm": "rm"}[tok]
    src = [expr(t, False) for t in reads] + [str(REG_NONE)] * (3 - len(reads))
    dst = [expr(t, True) for t in writes] + [str(REG_SINK)] * (3 - len(writes))
    return src, dst

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PXI = os.path.join(ROOT, "emu", "_gen_isa.pxi")
REGS_PXI = os.path.join(ROOT, "emu", "_gen_regs.pxi")
SPEC = os.path.join(ROOT, "isa", "spec.py")

#: The order in which the core's Insn record lists operand slots filled from fields.
_SLOTS = ("rd", "rn", "rm", "cond", "sub")


def _spec_hash() -> str:
    with open(SPEC, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def _extract_expr(word: str, positions) -> str:
    parts = []
    for lsb, width, shift in B.runs(positions):
        e = f"(({word} >> {lsb}) & {hex((1 << width) - 1)})" if lsb else f"({word} & {hex((1 << width) - 1)})"
        if shift:
            e = f"({e} << {shift})"
        parts.append(e)
    return " | ".join(parts)


def _cy_imm(expr: str) -> str:
    """Spec imm expressions are Python; make them typed C arithmetic for Cython."""
    # `a if c else b` is valid Cython; names are the local C ints of the decoder.
    return re.sub(r"\b0x([0-9A-Fa-f]+)\b", lambda m: str(int(m.group(1), 16)), expr)


def op_const(ins: Insn) -> str:
    return "OP_" + ins.name.upper()


def writes_aflags(ins: Insn) -> bool:
    """The row writes the arithmetic flags AZ AN AC AV (spec flags A or L)."""
    return ins.flags in ("A", "L")


def reads_aflags(ins: Insn) -> bool:
    """The row tests a condition (a cond field: B<cond>, MOV<cond>): it reads the flags."""
    return "cond" in ins.fields


def _sem_call(ins: Insn, flags: int = 1, plain: int = 0) -> str:
    """The call of the row's semantic function.  A row that writes the arithmetic flags gets
    one more constant argument: 1, or 0 for its variant whose flags nothing reads (the timed
    blocks' _NF variants: only the sticky AVS is kept).  An FPU-class row gets `plain`: 1
    for its timed blocks' _P variant (float mode, no exception enabled), else 0."""
    m = re.match(r"^(\w+)(?:\((.*)\))?$", ins.sem)
    name, args = m.group(1), m.group(2)
    call = f"sem_{name}(c, i"
    if args:
        conv = []
        for a in args.split(","):
            a = a.strip()
            conv.append(f"AM_{a}" if a.isalpha() else a)
        call += ", " + ", ".join(conv)
    if writes_aflags(ins):
        call += f", {flags}"
    if ins.tclass == "fpu":
        call += f", {plain}"
    return call + ")"


def _switch(arms, first: str) -> List[str]:
    """An if/elif chain on `op` (Cython makes it a C switch): arms is a list of (op constant,
    body lines); ops with the same body share one arm (one copy of the code: the chains are
    inlined into every loop that dispatches).  `first` is the body of the OP_INVALID arm."""
    groups: Dict[str, List[str]] = {}
    bodies: Dict[str, List[str]] = {}
    for const, body in arms:
        key = "\n".join(body)
        groups.setdefault(key, []).append(const)
        bodies[key] = body
    out = ["    if op == OP_INVALID:"] + [f"        {ln}" for ln in first]
    for key, consts in groups.items():
        conds = [f"op == {k}" for k in consts]
        lines = []
        line = "    elif "
        for k, cond in enumerate(conds):
            piece = cond + (" or " if k + 1 < len(conds) else ":")
            if len(line) + len(piece) > 96:
                lines.append(line.rstrip())
                line = "            "
            line += piece
        lines.append(line)
        if len(lines) > 1:          # (a parenthesised condition over several lines)
            lines[0] = lines[0].replace("elif ", "elif (", 1)
            lines[-1] = lines[-1][:-1] + "):"
        out += lines + [f"        {ln}" for ln in bodies[key]]
    # (every op that can get here has an arm: the switch needs no range check)
    out += ["    else:", "        __builtin_unreachable()"]
    return out


def _decoder(width: int) -> List[str]:
    L = [f"cdef inline bint decode{width}(uint32_t w, Insn* o) noexcept nogil:",
         f'    """Decode a {width}-bit word into *o; return 0 (and OP_INVALID) if it is none."""',
         "    cdef uint32_t v",
         "    cdef int32_t imm = 0",
         "    cdef uint32_t nib = w & 0xF",
         f"    o.size = {width // 8}",
         "    o.rd = 0; o.rn = 0; o.rm = 0; o.cond = 0; o.sub = 0; o.imm = 0"]
    rows = [r for r in INSNS if r.width == width]
    first = True
    for nib in range(16):
        nrows = [r for r in rows if (r.match & 0xF) == nib]
        if not nrows:
            continue
        nrows.sort(key=lambda r: -bin(r.mask).count("1"))
        L.append(f"    {'if' if first else 'elif'} nib == {nib}:")
        first = False
        for r in nrows:
            f = r.fields
            L.append(f"        if (w & {hex(r.mask)}u) == {hex(r.match)}u:  # {r.name}")
            locs = {}
            for name, pos in f.items():
                var = "v_" + name
                locs[name] = var
                L.append(f"            {var} = {_extract_expr('w', pos)}")
                if name == "imm" and r.imm_signed:
                    n = len(pos)
                    L.append(f"            {var} = <uint32_t>((<int32_t>({var} << {32 - n})) >> {32 - n})")
            guard = ""
            if r.exclude:
                conds = [" and ".join(f"v_{k} == {v}" for k, v in c) for c in r.exclude]
                guard = " or ".join(f"({c})" for c in conds)
                L.append(f"            if not ({guard}):")
            ind = "                " if guard else "            "
            for slot in _SLOTS:
                if slot in f:
                    L.append(f"{ind}o.{slot} = <uint8_t>v_{slot}")
            expr = r.imm
            for name in f:
                expr = re.sub(rf"\b{name}\b", f"<int32_t>v_{name}", expr)
            L.append(f"{ind}o.imm = {_cy_imm(expr)}")
            L.append(f"{ind}o.op = {op_const(r)}")
            L.append(f"{ind}o.tclass = TC_{r.tclass.upper()}")
            src, dst = _timing_slots(r)
            L.append(f"{ind}o.s0 = <uint8_t>({src[0]}); o.s1 = <uint8_t>({src[1]}); "
                     f"o.s2 = <uint8_t>({src[2]})")
            L.append(f"{ind}o.d0 = <uint8_t>({dst[0]}); o.d1 = <uint8_t>({dst[1]}); "
                     f"o.d2 = <uint8_t>({dst[2]})")
            L.append(f"{ind}o.lat = LAT_{latency_class(r).upper()}; "
                     f"o.unit = UNIT_{issue_unit(r).upper()}")
            L.append(f"{ind}return 1")
    L.append("    o.op = OP_INVALID")
    L.append("    o.tclass = TC_SYS")
    L.append(f"    o.s0 = o.s1 = o.s2 = {REG_NONE}")
    L.append(f"    o.d0 = o.d1 = o.d2 = {REG_SINK}")
    L.append("    o.lat = LAT_IALU; o.unit = UNIT_NONE")
    L.append("    return 0")
    # declare the per-field locals once (Cython needs cdefs at function top)
    names = sorted({n for r in rows for n in r.fields})
    L.insert(3, "    cdef uint32_t " + ", ".join("v_" + n for n in names))
    return L


#: exception causes in the order of the core's EXC_* index (its tables of codes per chip)
EXC_ORDER = (("SWI", "swi"), ("UNALIGNED", "unaligned"), ("FPU", "fpu"),
             ("UNIMPL", "unimplemented"), ("ILLEGAL", "illegal"))


def generate_regs() -> str:
    """Register facts of isa/regs.py (and the length rule of isa/bits.py) for the core:
    memory-mapped register offsets and address-space bounds, interrupt numbers, STATUS and
    CONFIG bits, the exception-cause tables."""
    from . import regs as R
    from .bits import LEN32_MASK
    out = [f"# GENERATED by `python -m isa gen` from isa/regs.py and isa/bits.py — DO NOT EDIT",
           "# Register facts for the core (included first: other includes use them in enums).",
           "",
           "cdef enum:  # address space and memory-mapped registers (isa/regs.py)",
           f"    LOCAL_SPACE = {hex(R.LOCAL_SPACE)}",
           f"    MMR_LO = {hex(R.MMR_BASE)}",
           f"    MMR_GPR_END = {hex(R.MMR_GPR_END)}",
           f"    MMR_HI = {hex(R.MMR_END)}"]
    for r in R.SREGS:
        out.append(f"    MMR_{r.name} = {hex(r.offset)}")
    out += ["", "cdef enum:  # interrupts: ILAT/IMASK/IPEND bit numbers (isa/regs.py IRQ)"]
    for name, n in R.IRQ.items():
        out.append(f"    IRQ_{name} = {n}")
    out += [f"    N_IRQ = {R.N_IRQ}", f"    IRQ_ALL = {hex((1 << R.N_IRQ) - 1)}",
            "", "cdef enum:  # STATUS bits (isa/regs.py STATUS_BITS)"]
    for name, b in R.STATUS_BITS.items():
        out.append(f"    ST_{name} = {hex(1 << b)}")
    out += [f"    ST_EXCAUSE_SHIFT = {R.EXCAUSE_SHIFT}", f"    ST_EXCAUSE = {hex(R.EXCAUSE_MASK)}",
            "", "cdef enum:  # CONFIG fields (isa/regs.py)",
            f"    CFG_RMODE = {hex(R.CONFIG_RMODE)}", f"    CFG_IEN = {hex(R.CONFIG_IEN)}",
            f"    CFG_OEN = {hex(R.CONFIG_OEN)}", f"    CFG_UEN = {hex(R.CONFIG_UEN)}",
            f"    CFG_CTIMER0_SHIFT = {R.CONFIG_CTIMER0_SHIFT}",
            f"    CFG_CTIMER1_SHIFT = {R.CONFIG_CTIMER1_SHIFT}",
            f"    CFG_ARITHMODE_SHIFT = {R.CONFIG_ARITHMODE_SHIFT}",
            f"    CFG_ARITHMODE_MASK = {hex(R.CONFIG_ARITHMODE_MASK)}",
            f"    ARITHMODE_FLOAT = {R.ARITHMODE_FLOAT}", f"    ARITHMODE_INT = {R.ARITHMODE_INT}"]
    for name, v in R.CTIMER_MODE.items():
        out.append(f"    CTIMER_{name} = {v}")
    out += ["", "cdef enum:  # exception causes: index into EXCAUSE_E3/EXCAUSE_E4"]
    for k, (const, _) in enumerate(EXC_ORDER):
        out.append(f"    EXC_{const} = {k}")
    out.append(f"    N_EXC = {len(EXC_ORDER)}")
    e3 = ", ".join(hex(R.EXCAUSE_E3[n]) for _, n in EXC_ORDER)
    e4 = ", ".join(hex(R.EXCAUSE_E4[n]) for _, n in EXC_ORDER)
    out += [f"cdef uint32_t[{len(EXC_ORDER)}] EXCAUSE_E3 = [{e3}]   # E16G301 codes",
            f"cdef uint32_t[{len(EXC_ORDER)}] EXCAUSE_E4 = [{e4}]   # Epiphany-IV / GNU simulator",
            "", "cdef enum:  # bits 3:0 of the first halfword that mark a 32-bit instruction",
            f"    LEN32_MASK = {hex(LEN32_MASK)}"]
    return "\n".join(out) + "\n"


def generate() -> str:
    check_or_raise(INSNS, OVERLAPS)
    out = [
        f"# GENERATED by `python -m isa gen` from isa/spec.py (sha256 {_spec_hash()}) — DO NOT EDIT",
        "# Op numbers, timing classes, the decoders and the dispatch switch of the core.",
        "",
        "cdef enum:",
        "    OP_INVALID = 0",
    ]
    for k, r in enumerate(INSNS):
        out.append(f"    {op_const(r)} = {k + 1}")
    out.append(f"    N_OPS = {len(INSNS) + 1}")
    out += ["", "cdef enum:"]
    for k, t in enumerate(TCLASSES):
        out.append(f"    TC_{t.upper()} = {k}")
    out.append(f"    N_TCLASSES = {len(TCLASSES)}")
    out += ["", "cdef enum:  # timing model: register indices, latency classes, issue units",
            f"    REG_BFLAGS = {REG_BFLAGS}", f"    REG_NONE = {REG_NONE}",
            f"    REG_SINK = {REG_SINK}", f"    N_TREGS = {REG_SINK + 1}"]
    for k, n in enumerate(LAT_CLASSES):
        out.append(f"    LAT_{n.upper()} = {k}")
    for k, n in enumerate(UNITS):
        out.append(f"    UNIT_{n.upper()} = {k}")
    out.append("")
    # the memory-mapped registers (isa/regs.py): core-local offsets for the core's MMR code
    out += _decoder(16)
    out.append("")
    out += _decoder(32)
    out.append("")
    out += [
        "cdef inline int execute(Core* c, const Insn* i) noexcept nogil:",
        '    """Run the semantics of *i; returns an EXEC_* status."""',
        "    cdef uint16_t op = i.op",
    ]
    out += _switch([(op_const(r), [f"return {_sem_call(r)}"]) for r in INSNS],
                   ["return sem_invalid(c, i)"])
    out.append("")
    # the plain instructions of the timed blocks (_blocks.pxi): they always complete and need
    # neither the PC nor the time.  The IALU class, and its variants without the flags; the
    # FPU class in its _P variant (which the builder gives it where it is plain: float
    # mode, no exception enabled).  execute_plain runs one and returns 1, or returns 0 for
    # any other op (a control, memory or unmarked FPU instruction, or OP_INVALID: the
    # sentinel after a block's last instruction), which ends a run of them.
    ialu = [r for r in INSNS if r.tclass == "ialu"]
    fpu = [r for r in INSNS if r.tclass == "fpu"]
    # A load or store in its _L variant (_sem_ldst.pxi sem_load_local) runs as a plain
    # instruction when its access is the plain case (aligned, the core's own SRAM, no bank
    # conflict with the next fetch, nothing observed), else execute_plain returns 0 having
    # done nothing and the block loop runs it through execute_ldst as the op it is.
    local = [r for r in INSNS if re.match(r"^(load|store)\(", r.sem)]
    # The variants are ops of their own, numbered after the ISA's (one dense switch); tables
    # map an op to its variants (itself where it has none) and a variant to its op.
    # A trace's branch that it goes on after (_blocks.pxi block_make) in its _TJ variant
    # (it goes on at the target: a B, a BL, or a B<cond> guessed to jump) or _TF (a B<cond>
    # guessed to fall through): plain while it goes that way (sem_trace_jump,
    # sem_trace_fall), else execute_plain returns 0 and the block loop leaves the trace there.
    bcond = [r for r in INSNS if r.sem == "bcond"]
    variants = ([(r, "NF") for r in ialu if writes_aflags(r)] + [(r, "P") for r in fpu]
                + [(r, "L") for r in local] + [(r, "TJ") for r in bcond]
                + [(r, "TF") for r in bcond])
    n_all = len(INSNS) + 1 + len(variants)
    out += ["cdef enum:  # variants of ops in the timed blocks' copies of instructions:",
            "    # _NF an IALU op that leaves the arithmetic flags (AVS kept); _P an FPU op that",
            "    # runs as a plain instruction; _L a load or store that runs as one when it can;",
            "    # _TJ, _TF a trace's branch that runs as one while it jumps, falls through"]
    num = {}
    for k, (r, v) in enumerate(variants):
        num[(op_const(r), v)] = len(INSNS) + 1 + k
        out.append(f"    {op_const(r)}_{v} = {len(INSNS) + 1 + k}")
    out += [f"    N_ALL_OPS = {n_all}", "    VK_NF = 1", "    VK_P = 2", "    VK_L = 3",
            "    VK_TJ = 4", "    VK_TF = 5", ""]

    def table(name: str, comment: str, vals: List[str]) -> List[str]:
        lines = [f"# {comment}", f"cdef uint16_t[N_ALL_OPS] {name} = ["]
        for k in range(0, len(vals), 12):
            lines.append("    " + ", ".join(vals[k:k + 12])
                         + ("," if k + 12 < len(vals) else "]"))
        return lines + [""]

    base = [str(k) for k in range(len(INSNS) + 1)] + [
        str(INSNS.index(r) + 1) for r, _ in variants]
    out += table("OP_BASE_OF", "per op: the op it is a variant of (itself for an ISA op)", base)
    kind = ["0"] * (len(INSNS) + 1) + [f"VK_{v}" for _, v in variants]
    out += table("OP_KIND", "per op: 0 for an ISA op, else its VK_* kind", kind)
    for v, what in (("NF", "without the flags"), ("P", "plain FPU"), ("L", "local load/store"),
                    ("TJ", "a trace's branch jumping"), ("TF", "a trace's branch falling through")):
        vals = [str(num.get((op_const(r), v), k + 1)) for k, r in enumerate(INSNS)]
        out += table(f"OP_{v}_OF", f"per ISA op: its _{v} variant ({what}), else itself",
                     ["0"] + vals + [str(len(INSNS) + 1 + k) for k in range(len(variants))])
    out += [
        "",
        "cdef inline bint execute_plain(Core* c, const Insn* i) noexcept nogil:",
        '    """Run *i if it is a plain instruction of a timed block and return 1, else return 0',
        "    (see above)." + '"""',
        "    cdef uint16_t op = i.op",
    ]
    arms = [(op_const(r), [_sem_call(r), "return 1"] if r.tclass == "ialu" else ["return 0"])
            for r in INSNS]
    arms += [(op_const(r) + "_NF", [_sem_call(r, 0), "return 1"]) for r in ialu
             if writes_aflags(r)]
    arms += [(op_const(r) + "_P", [_sem_call(r, plain=1), "return 1"]) for r in fpu]
    arms += [(op_const(r) + "_TJ", ["if sem_trace_jump(c, i):", "    return 1", "return 0"])
             for r in bcond]
    arms += [(op_const(r) + "_TF", ["if sem_trace_fall(c, i):", "    return 1", "return 0"])
             for r in bcond]
    out += _switch(arms + [(op_const(r) + "_L", ["return 0"]) for r in local],
                   ["return 0"]) + ["    return 0", ""]
    # the same with the loads and stores in their _L variant: the block loop's dispatch
    # (execute_plain, without them, keeps the loop of a block of ALU instructions small:
    # run_tight)
    out += [
        "cdef inline bint execute_plain_mem(Core* c, const Insn* i) noexcept nogil:",
        '    """execute_plain, and the loads and stores in their _L variant: run *i and',
        '    return 1 when it is plain (sem_load_local), else return 0 having done nothing."""',
        "    cdef uint16_t op = i.op",
    ]
    arms += [(op_const(r) + "_L", ["return " + _sem_call(r).replace("(", "_local(", 1)])
             for r in local]
    out += _switch(arms, ["return 0"]) + ["    return 0", ""]
    # the same without a trace's branches, for the loops of one block (run_tight_mem: no
    # such branch in them, and the host code of the loop is the better for it)
    out += [
        "cdef inline bint execute_plain_mem_nt(Core* c, const Insn* i) noexcept nogil:",
        '    """execute_plain_mem for a block without a trace\'s branches."""',
        "    cdef uint16_t op = i.op",
    ]
    out += _switch([a for a in arms if not a[0].endswith(("_TJ", "_TF"))],
                   ["return 0"]) + ["    return 0", ""]
    # the loads and stores of the timed blocks, dispatched in the block loop itself
    ldst = ("load", "store")
    out += ["cdef inline int execute_ldst(Core* c, const Insn* i) noexcept nogil:",
            '    """Run *i if it is a load or a store and return its EXEC_* status, else return',
            '    EXEC_OTHER (the timed blocks run those through execute_checked)."""',
            "    cdef uint16_t op = i.op"]
    arms = [(op_const(r), [f"return {_sem_call(r)}" if r.tclass in ldst else "return EXEC_OTHER"])
            for r in INSNS]
    arms += [(op_const(r) + "_NF", ["return EXEC_OTHER"]) for r in ialu if writes_aflags(r)]
    arms += [(op_const(r) + "_P", ["return EXEC_OTHER"]) for r in fpu]
    arms += [(op_const(r) + v, ["return EXEC_OTHER"]) for r in bcond for v in ("_TJ", "_TF")]
    arms += [(op_const(r) + "_L", [f"return {_sem_call(r)}"]) for r in local]
    out += _switch(arms, ["return EXEC_OTHER"]) + ["    return EXEC_OTHER", ""]
    out += ["cdef enum:  # arithmetic flags AZ AN AC AV of an op (OP_AFL)",
            "    AFL_W = 1            # writes them (spec flags A or L)",
            "    AFL_R = 2            # reads them (a condition)", ""]
    # what each op does with the arithmetic flags (the blocks' dead-flag analysis)
    afl = ["AFL_W" if writes_aflags(r) else ("AFL_R" if reads_aflags(r) else "0")
           for r in INSNS]
    out += ["cdef uint8_t[N_OPS] OP_AFL = ["]
    afl = ["0"] + afl
    for k in range(0, len(afl), 12):
        out.append("    " + ", ".join(afl[k:k + 12]) + ("," if k + 12 < len(afl) else "]"))
    out.append("")
    # which ops have an _L variant, and their access size (the blocks' builder)
    out += ["# per ISA op: 1 + log2 of the access size of a load or store with an _L variant, else 0",
            "cdef uint8_t[N_OPS] OP_LOCAL_SZ = ["]
    lsz = ["0"] + [str(int(re.match(r"^\w+\((\d)", r.sem).group(1)) + 1) if r in local else "0"
                   for r in INSNS]
    for k in range(0, len(lsz), 12):
        out.append("    " + ", ".join(lsz[k:k + 12]) + ("," if k + 12 < len(lsz) else "]"))
    out.append("")
    # flags class per op (for the timing model / profiler)
    return "\n".join(out) + "\n"


def outputs() -> Dict[str, str]:
    """Every generated file: path -> text."""
    return {PXI: generate(), REGS_PXI: generate_regs()}


def main(argv=None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m isa gen")
    ap.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    a = ap.parse_args(argv)
    if a.check:
        stale = [p for p, text in outputs().items()
                 if (open(p).read() if os.path.exists(p) else "") != text]
        for p in stale:
            print(f"{p} is stale: run `python -m isa gen`")
        if stale:
            return 1
        print("generated files are up to date")
        return 0
    for p, text in outputs().items():
        with open(p, "w") as f:
            f.write(text)
        print(f"wrote {p}")
    return 0
