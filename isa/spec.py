"""THE single source of truth for the Epiphany instruction set.

Everything that knows an encoding — the Python decoder/encoder, the assembler, the disassembler,
and the Cython core's decoder and dispatch — is generated from or driven by the tables below.

How to read a row
-----------------
``Insn(name, pattern, syntax, sem=..., tclass=..., ...)``

* ``pattern`` lists the instruction bits MSB→LSB (16 or 32 of them; spaces and ``_`` are only
  for the eye).  ``0``/``1`` are fixed opcode bits, ``.`` are bits the hardware ignores (encoded
  as 0), and a letter is a bit of an operand field.  A field's value is the concatenation of its
  bits in MSB→LSB order, which is exactly how Epiphany splits its fields: ``rd`` of a 32-bit
  instruction is ``bits[31:29] ++ bits[15:13]``, ``disp11`` is ``bits[23:16] ++ bits[9:7]``.

  Field letters (meaning fixed for the whole table):

  ====  ==============================================================
  d     RD  (destination / data register; special-register operand of MOVTS is ``i``)
  n     RN  (first source / base register)
  m     RM  (second source / index register)
  c     condition code (bits 7:4)
  s     subtract/direction bit (``-`` index or displacement)
  g     special-register group (bits 21:20 of 32-bit MOVTS/MOVFS)
  i     the instruction's immediate (see ``imm_signed``/``imm``)
  ====  ==============================================================

* ``syntax`` is the disassembly text exactly as ``epiphany-elf-objdump -d`` prints it, with
  ``{...}`` placeholders: ``{rd} {rn} {rm}`` registers, ``{cond}`` condition suffix, ``{sign}``
  ``+``/``-`` from the ``s`` bit, ``{sreg}`` special register ``(g, i)``, ``{imm}`` the immediate
  formatted by ``imm_fmt`` (``hex`` ``0x..``, ``dec`` signed decimal, ``addr`` PC-relative target).
* ``asm`` lists extra mnemonics the assembler accepts for this row (the ``.s``/``.l`` spellings
  and integer-mode aliases of binutils).  The disassembly mnemonic is always accepted.
* ``imm`` is an expression (valid Python *and* Cython) over the field names giving the value the
  core stores in its decoded record: scaled, signed, ready to use.
* ``sem`` names the core's semantic function (``sem_<sem>`` in ``emu/_sem_*.pxi``), optionally
  with compile-time constant arguments, e.g. ``load(2, IDX)``.
* ``tclass`` is the timing class (costs live in ``emu/timing.py``), ``flags`` the STATUS flags
  the instruction writes: ``A`` arithmetic (AZ AN AC AV AVS), ``L`` logic/shift (AZ AN, AC=AV=0),
  ``F`` FPU (BN BZ BV BIS BVS BUS), ``-`` none.
* ``exclude`` lists field values that do NOT belong to this row (they decode as invalid).
* ``dis_alias`` lists ``(when, syntax)`` pairs: when the decoded fields equal ``when``, objdump
  prints ``syntax`` instead (e.g. ``jr lr`` prints ``rts``).  An alias adds no encoding.  The
  assembler accepts every alias syntax too (fields of ``when`` fixed), under its own mnemonic and
  under the ``asm`` spellings that extend it (``str.l`` for ``str``).
* ``asm_alias`` has the same shape as ``dis_alias`` but only the assembler knows it (binutils'
  ``ldr rd,[rn]`` 32-bit macros, which objdump never prints).
* ``asm_imm`` says how GNU as parses the ``{imm}`` operand (default from ``imm_fmt``: ``addr`` →
  ``branch``, ``dec`` → ``simm``, ``hex`` → ``uimm``):

  ==========  ============================================================================
  ``branch``  PC-relative target; a plain number N means ``.+N`` (binutils parse_branch_addr)
  ``simm``    signed; GNU pre-checks ``-(2**bits - 1) .. 2**(bits-1) - 1``, then the field range
              (a split field, like the 32-bit simm11, is not checked again: the value wraps)
  ``uimm``    unsigned constant; a symbol must resolve to an absolute value by the end
  ``disp``    load/store displacement (unsigned magnitude, ``{sign}`` carries the direction)
  ``imm8``    ``mov.b``: constants only (binutils: "byte relocation unsupported")
  ``imm16``   ``mov``/``movt``: ``%low(x)``/``%high(x)``/symbols (R_EPIPHANY_LOW/HIGH); GNU
              truncates constants to 16 bits without complaint
  ==========  ============================================================================
* ``asm_range`` narrows the values the assembler accepts for ``{imm}`` (binutils' field is
  narrower than the hardware's, e.g. ``swi`` takes only 0).

Facts: Epiphany Architecture Reference (opcode tables), binutils 2.40 ``cpu/epiphany.cpu``; the
conformance tests compare everything generated from here against ``epiphany-elf-as`` and
``epiphany-elf-objdump`` (``tests/isa``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

#: Field letters → canonical names used in ``imm`` expressions, syntax and the decoded record.
FIELD_LETTERS: Dict[str, str] = {
    "d": "rd", "n": "rn", "m": "rm", "c": "cond", "s": "sub", "g": "group", "i": "imm",
}

#: Condition-code suffixes (MAN §4 table 4).  Branches print ``b<suffix>``; index 14 is the
#: unconditional form (``b`` / ``mov``) and 15 is ``bl`` (branches only).
COND_NAMES: Tuple[str, ...] = (
    "eq", "ne", "gtu", "gteu", "lteu", "ltu", "gt", "gte",
    "lt", "lte", "beq", "bne", "blt", "blte", "", "l",
)

#: Timing classes (their costs are parameters in ``emu/timing.py``).
TCLASSES: Tuple[str, ...] = (
    "ialu",      # integer ALU, shifts, moves (MAN: IALU)
    "fpu",       # FPU / IALU2 (same unit; ARITHMODE selects float or integer)
    "load",      # loads (incl. TESTSET)
    "store",     # stores
    "branch",    # B<cond>, BL (3-cycle penalty when taken)
    "jump",      # JR, JALR
    "ctrl",      # MOVTS, MOVFS, NOP, GIE, GID
    "sys",       # TRAP, SWI, IDLE, RTI, BKPT, MBKPT, WAND, SYNC, UNIMPL
)

#: Instruction formats of the decoded record's ``mod`` byte (bit meanings).
MOD_SUB = 1          # index/displacement is subtracted

# Addressing modes passed to the load/store semantics as compile-time constants.
IDX, PM, DISP, DPM = "IDX", "PM", "DISP", "DPM"
SIZE_NAMES = ("b", "h", "", "d")      # ldrb ldrh ldr ldrd


@dataclass(frozen=True)
class Insn:
    name: str
    pattern: str
    syntax: str
    sem: str
    tclass: str
    flags: str = "-"
    imm: str = "0"
    imm_signed: bool = False
    imm_fmt: str = "hex"
    asm: Tuple[str, ...] = ()
    exclude: Tuple[Tuple[Tuple[str, int], ...], ...] = ()
    dis_alias: Tuple[Tuple[Tuple[Tuple[str, int], ...], str], ...] = ()
    #: 16-bit row whose operands may not fit: the 32-bit row GNU as falls back to / relaxes to.
    relax: Optional[str] = None
    asm_alias: Tuple[Tuple[Tuple[Tuple[str, int], ...], str], ...] = ()
    asm_imm: str = ""
    asm_range: Optional[Tuple[int, int]] = None
    doc: str = ""

    # -- derived ------------------------------------------------------------------------------
    @property
    def bits(self) -> str:
        return self.pattern.replace(" ", "").replace("_", "")

    @property
    def width(self) -> int:
        return len(self.bits)

    @property
    def size(self) -> int:
        return self.width // 8

    @property
    def mask(self) -> int:
        b = self.bits
        return sum(1 << (len(b) - 1 - k) for k, ch in enumerate(b) if ch in "01")

    @property
    def match(self) -> int:
        b = self.bits
        return sum(1 << (len(b) - 1 - k) for k, ch in enumerate(b) if ch == "1")

    @property
    def fields(self) -> Dict[str, Tuple[int, ...]]:
        """Field name → bit positions (MSB first)."""
        b = self.bits
        out: Dict[str, List[int]] = {}
        for k, ch in enumerate(b):
            if ch.isalpha():
                out.setdefault(FIELD_LETTERS[ch], []).append(len(b) - 1 - k)
        return {name: tuple(pos) for name, pos in out.items()}

    @property
    def mnemonic(self) -> str:
        return self.syntax.split(" ", 1)[0]


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------

INSNS: List[Insn] = []


def _add(*rows: Insn) -> None:
    INSNS.extend(rows)


# ---- branches (BRANCH16 0000, BRANCH32 1000) --------------------------------------------------
_add(
    Insn("bcond16", "iiiiiiii cccc 0000", "b{cond} {imm}", sem="bcond", tclass="branch",
         imm="imm << 1", imm_signed=True, imm_fmt="addr", relax="bcond32", asm=("b{cond}.s",),
         doc="if cond: PC = PC + 2*simm8 (cond 14 = always, 15 = BL: LR = PC + 2)"),
    Insn("bcond32", "iiiiiiiiiiiiiiiiiiiiiiii cccc 1000", "b{cond} {imm}", sem="bcond",
         tclass="branch", imm="imm << 1", imm_signed=True, imm_fmt="addr", asm=("b{cond}.l",),
         doc="if cond: PC = PC + 2*simm24 (cond 15 = BL: LR = PC + 4)"),
)

# ---- jumps (FLOW16 0010 / MISC32 1111 with bits 19:16 = 0010) ---------------------------------
_add(
    Insn("jr16", "000 nnn 0 10100 0010", "jr {rn}", sem="jr", tclass="jump"),
    Insn("jalr16", "000 nnn 0 10101 0010", "jalr {rn}", sem="jalr", tclass="jump"),
    # (binutils has no jr.l / jalr.l spelling: `jr.l r0` is "unrecognized form of instruction")
    Insn("jr32", "000 nnn 000000 0010 000 nnn 0 10100 1111", "jr {rn}", sem="jr", tclass="jump",
         dis_alias=(((("rn", 14),), "rts"),)),
    Insn("jalr32", "000 nnn 000000 0010 000 nnn 0 10101 1111", "jalr {rn}", sem="jalr",
         tclass="jump"),
)

# ---- loads and stores -------------------------------------------------------------------------
# size field bits 6:5 (B H W D), bit 4 = store.  Seven addressing forms per size and direction.
_LDST_FORMS = (
    # (suffix, width, pattern with Z=size bits, S=store bit, mode, syntax operands, imm expr, 16-bit relax)
    ("x16", "ddd nnn mmm ZZ S 0001", IDX, "{rd},[{rn},{rm}]", "0"),
    ("p16", "ddd nnn mmm ZZ S 0101", PM, "{rd},[{rn}],{rm}", "0"),
    ("d16", "ddd nnn iii ZZ S 0100", DISP, "{rd},[{rn},{imm}]", "imm << SZ"),
    ("x32", "ddd nnn mmm 0 0 s 0000 ddd nnn mmm ZZ S 1001", IDX, "{rd},[{rn},{sign}{rm}]", "0"),
    ("p32", "ddd nnn mmm 0 0 s 0000 ddd nnn mmm ZZ S 1101", PM, "{rd},[{rn}],{sign}{rm}", "0"),
    ("d32", "ddd nnn 0 s iiiiiiii ddd nnn iii ZZ S 1100", DISP, "{rd},[{rn},{sign}{imm}]",
     "-(imm << SZ) if sub else (imm << SZ)"),
    ("dpm32", "ddd nnn 1 s iiiiiiii ddd nnn iii ZZ S 1100", DPM, "{rd},[{rn}],{sign}{imm}",
     "-(imm << SZ) if sub else (imm << SZ)"),
)
for _store in (0, 1):
    for _sz in range(4):
        _mn = ("str" if _store else "ldr") + SIZE_NAMES[_sz]
        for _suffix, _pat, _mode, _ops, _imm in _LDST_FORMS:
            _bits = (_pat.replace("ZZ", format(_sz, "02b")).replace("S", str(_store)))
            _is32 = _suffix.endswith("32")
            _alias: tuple = ()
            _asm_alias: tuple = ()
            if _suffix == "d16":
                # objdump prints a zero 16-bit displacement as plain [rn] (binutils *ds0 macros)
                _alias = (((("imm", 0),), f"{_mn} {{rd}},[{{rn}}]"),)
            if _suffix == "d32" and _store:
                # ... and a zero 32-bit store displacement too (the load form has no such alias)
                _alias = (((("sub", 0), ("imm", 0)), f"{_mn} {{rd}},[{{rn}}]"),)
            if _suffix == "d32" and not _store:
                # the assembler takes `ldr r8,[r9]` (binutils ldrdl0 macros); objdump never prints it
                _asm_alias = (((("sub", 0), ("imm", 0)), f"{_mn} {{rd}},[{{rn}}]"),)
            _add(Insn(
                f"{_mn}_{_suffix}", _bits, f"{_mn} {_ops}",
                sem=f"{'store' if _store else 'load'}({_sz}, {_mode})",
                tclass="store" if _store else "load",
                imm=_imm.replace("SZ", str(_sz)),
                asm=(f"{_mn}.l",) if _is32 else (),
                dis_alias=_alias,
                asm_alias=_asm_alias,
                asm_imm="disp" if _mode in (DISP, DPM) else "",
                relax=f"{_mn}_d32" if _suffix == "d16" else None,
            ))

for _sz in range(3):
    _mn = "testset" + SIZE_NAMES[_sz]
    _add(Insn(f"{_mn}32", f"ddd nnn mmm 0 1 s 0000 ddd nnn mmm {_sz:02b} 0 1001",
              f"{_mn} {{rd}},[{{rn}},{{sign}}{{rm}}]", sem=f"testset({_sz})", tclass="load",
              asm=(f"{_mn}.l",)))

# ---- moves ------------------------------------------------------------------------------------
_add(
    Insn("mov_cc16", "ddd nnn 0 0 cccc 0010", "mov{cond} {rd},{rn}", sem="movcond", tclass="ialu",
         exclude=((("cond", 15),),)),
    Insn("mov_cc32", "ddd nnn 000000 0010 ddd nnn 0 0 cccc 1111", "mov{cond} {rd},{rn}",
         sem="movcond", tclass="ialu", exclude=((("cond", 15),),), asm=("mov{cond}.l",)),
    Insn("mov_i16", "ddd iiiiiiii 0 0011", "mov {rd},{imm}", sem="movi", tclass="ialu",
         imm="imm", asm=("mov.b",), relax="mov_i32", asm_imm="imm8"),
    Insn("mov_i32", "ddd 0 iiiiiiii 0010 ddd iiiiiiii 0 1011", "mov {rd},{imm}", sem="movi",
         tclass="ialu", imm="imm", asm=("mov.l",), asm_imm="imm16"),
    Insn("movt32", "ddd 1 iiiiiiii 0010 ddd iiiiiiii 0 1011", "movt {rd},{imm}", sem="movt",
         tclass="ialu", imm="imm << 16", asm=("movt.l",), asm_imm="imm16"),
    # special registers: MMR offset = 0xF0400 + 0x100*group + 4*index
    Insn("movts16", "ddd iii 0 10000 0010", "movts {sreg},{rd}", sem="movts", tclass="ctrl",
         imm="0xF0400 + (imm << 2)"),
    Insn("movfs16", "ddd iii 0 10001 0010", "movfs {rd},{sreg}", sem="movfs", tclass="ctrl",
         imm="0xF0400 + (imm << 2)"),
    Insn("movts32", "ddd iii 0000 gg 0010 ddd iii 0 1 0000 1111", "movts {sreg},{rd}",
         sem="movts", tclass="ctrl", imm="0xF0400 + (group << 8) + (imm << 2)",
         asm=("movts.l",)),
    Insn("movfs32", "ddd iii 0000 gg 0010 ddd iii 0 1 0001 1111", "movfs {rd},{sreg}",
         sem="movfs", tclass="ctrl", imm="0xF0400 + (group << 8) + (imm << 2)",
         asm=("movfs.l",)),
)

# ---- control (FLOW16, exact encodings) --------------------------------------------------------
_add(
    Insn("nop16", "0000000 1 1010 0010", "nop", sem="nop", tclass="ctrl"),
    Insn("snop16", "0000001 1 1010 0010", "snop", sem="nop", tclass="ctrl"),
    Insn("idle16", "0000000 1 1011 0010", "idle", sem="idle", tclass="sys"),
    Insn("bkpt16", "0000000 1 1100 0010", "bkpt", sem="bkpt", tclass="sys"),
    Insn("mbkpt16", "0000001 1 1100 0010", "mbkpt", sem="mbkpt", tclass="sys"),
    Insn("rti16", "0000000 1 1101 0010", "rti", sem="rti", tclass="sys"),
    Insn("wand16", "0000000 1 1000 0010", "wand", sem="wand", tclass="sys"),
    Insn("sync16", "0000000 1 1111 0010", "sync", sem="sync", tclass="sys"),
    Insn("gie16", "0000000 1 1001 0010", "gie", sem="gie", tclass="ctrl"),
    Insn("gid16", "0000001 1 1001 0010", "gid", sem="gid", tclass="ctrl"),
    Insn("swi16", "iiiiii 0 1 1110 0010", "swi {imm}", sem="swi", tclass="sys", imm="imm",
         dis_alias=(((("imm", 0),), "swi"),), asm_range=(0, 0)),
    Insn("trap16", "iiiiii 1 1 1110 0010", "trap {imm}", sem="trap", tclass="sys", imm="imm"),
    Insn("unimpl32", "0000 0000 0000 1111 0000 0000 0000 1111", "unimpl", sem="unimpl",
         tclass="sys"),
)

# ---- integer ALU ------------------------------------------------------------------------------
_ALU = (  # (mnemonic, 3-bit opcode, semantic, flags)
    ("eor", "000", "eor", "L"), ("add", "001", "add", "A"), ("lsl", "010", "lsl", "L"),
    ("sub", "011", "sub", "A"), ("lsr", "100", "lsr", "L"), ("and", "101", "and", "L"),
    ("asr", "110", "asr", "L"), ("orr", "111", "orr", "L"),
)
for _mn, _op, _sem, _fl in _ALU:
    _add(
        Insn(f"{_mn}16", f"ddd nnn mmm {_op} 1010", f"{_mn} {{rd}},{{rn}},{{rm}}", sem=_sem,
             tclass="ialu", flags=_fl),
        Insn(f"{_mn}32", f"ddd nnn mmm 000 1010 ddd nnn mmm {_op} 1111",
             f"{_mn} {{rd}},{{rn}},{{rm}}", sem=_sem, tclass="ialu", flags=_fl,
             asm=(f"{_mn}.l",)),
    )

_add(
    Insn("addi16", "ddd nnn iii 001 0011", "add {rd},{rn},{imm}", sem="addi", tclass="ialu",
         flags="A", imm="imm", imm_signed=True, imm_fmt="dec", asm=("add.s",), relax="addi32"),
    Insn("subi16", "ddd nnn iii 011 0011", "sub {rd},{rn},{imm}", sem="subi", tclass="ialu",
         flags="A", imm="imm", imm_signed=True, imm_fmt="dec", asm=("sub.s",), relax="subi32"),
    Insn("addi32", "ddd nnn 00 iiiiiiii ddd nnn iii 001 1011", "add {rd},{rn},{imm}",
         sem="addi", tclass="ialu", flags="A", imm="imm", imm_signed=True, imm_fmt="dec",
         asm=("add.l",)),
    Insn("subi32", "ddd nnn 00 iiiiiiii ddd nnn iii 011 1011", "sub {rd},{rn},{imm}",
         sem="subi", tclass="ialu", flags="A", imm="imm", imm_signed=True, imm_fmt="dec",
         asm=("sub.l",)),
    # shifts by immediate
    Insn("lsr_i16", "ddd nnn iiiii 0 0110", "lsr {rd},{rn},{imm}", sem="lsri", tclass="ialu",
         flags="L", imm="imm"),
    Insn("lsl_i16", "ddd nnn iiiii 1 0110", "lsl {rd},{rn},{imm}", sem="lsli", tclass="ialu",
         flags="L", imm="imm"),
    Insn("lsr_i32", "ddd nnn 000000 0110 ddd nnn iiiii 0 1111", "lsr {rd},{rn},{imm}",
         sem="lsri", tclass="ialu", flags="L", imm="imm", asm=("lsr.l",)),
    Insn("lsl_i32", "ddd nnn 000000 0110 ddd nnn iiiii 1 1111", "lsl {rd},{rn},{imm}",
         sem="lsli", tclass="ialu", flags="L", imm="imm", asm=("lsl.l",)),
    Insn("asr_i16", "ddd nnn iiiii 0 1110", "asr {rd},{rn},{imm}", sem="asri", tclass="ialu",
         flags="L", imm="imm"),
    Insn("asr_i32", "ddd nnn 000000 1110 ddd nnn iiiii 0 1111", "asr {rd},{rn},{imm}",
         sem="asri", tclass="ialu", flags="L", imm="imm", asm=("asr.l",)),
    Insn("bitr16", "ddd nnn 00000 1 1110", "bitr {rd},{rn}", sem="bitr", tclass="ialu",
         flags="L"),
    Insn("bitr32", "ddd nnn 000000 1110 ddd nnn 00000 1 1111", "bitr {rd},{rn}", sem="bitr",
         tclass="ialu", flags="L", asm=("bitr.l",)),
    # Epiphany-IV/V bit-field ops: decoded (binutils knows them) but unimplemented on E16G301
    Insn("fext32", "ddd nnn mmm 00 1 1010 ddd nnn mmm 000 1111", "fext {rd},{rn},{rm}",
         sem="iext", tclass="sys", asm=("fext.l",)),
    Insn("fdep32", "ddd nnn mmm 00 1 1010 ddd nnn mmm 001 1111", "fdep {rd},{rn},{rm}",
         sem="iext", tclass="sys", asm=("fdep.l",)),
    Insn("lfsr32", "ddd nnn mmm 00 1 1010 ddd nnn mmm 010 1111", "lfsr {rd},{rn},{rm}",
         sem="iext", tclass="sys", asm=("lfsr.l",)),
)

# ---- FPU / IALU2 (CONFIG.ARITHMODE selects float or signed-integer meaning) -------------------
_FPU = (  # (mnemonic, opcode, semantic, integer-mode alias or None, operands)
    ("fadd", "000", "fadd", "iadd", 3), ("fsub", "001", "fsub", "isub", 3),
    ("fmul", "010", "fmul", "imul", 3), ("fmadd", "011", "fmadd", "imadd", 3),
    ("fmsub", "100", "fmsub", "imsub", 3), ("float", "101", "float", None, 2),
    ("fix", "110", "fix", None, 2), ("fabs", "111", "fabs", None, 2),
)
for _mn, _op, _sem, _ialias, _nops in _FPU:
    _m16, _m32 = ("mmm", "mmm") if _nops == 3 else ("...", "...")
    _ops = "{rd},{rn},{rm}" if _nops == 3 else "{rd},{rn}"
    _syn16 = f"{_mn} {_ops}"
    if _mn == "fabs":
        _syn16 = "fabs rd,rn"   # binutils' description lacks the '$': objdump prints it literally
    _add(
        Insn(f"{_mn}16", f"ddd nnn {_m16} {_op} 0111", _syn16, sem=_sem, tclass="fpu", flags="F",
             asm=(_ialias,) if _ialias else ()),
        Insn(f"{_mn}32", f"ddd nnn {_m32} 000 0111 ddd nnn {_m32} {_op} 1111", f"{_mn} {_ops}",
             sem=_sem, tclass="fpu", flags="F",
             asm=(f"{_mn}.l",) + ((_ialias, f"{_ialias}.l") if _ialias else ())),
    )
_add(
    Insn("frecip32", "ddd nnn ... 00 1 0111 ddd nnn ... 000 1111", "frecip {rd},{rn}",
         sem="unimpl", tclass="sys", asm=("frecip.l",)),
    Insn("fsqrt32", "ddd nnn ... 00 1 0111 ddd nnn ... 001 1111", "fsqrt {rd},{rn}",
         sem="unimpl", tclass="sys", asm=("fsqrt.l",)),
)

INSN_BY_NAME: Dict[str, Insn] = {i.name: i for i in INSNS}

# ---------------------------------------------------------------------------------------------
# Register operands for the timing model (which registers an instruction reads and writes).
# By semantic function; "rd+1" is the odd register of a pair, "lr" r14, "bflags" the FPU
# flags a B-condition reads (bcond/movcond with cond 10..13 only).  Loads/stores add their
# index/base registers from their addressing mode below.
# ---------------------------------------------------------------------------------------------
SEM_OPERANDS: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {
    "add": (("rn", "rm"), ("rd",)), "sub": (("rn", "rm"), ("rd",)),
    "and": (("rn", "rm"), ("rd",)), "orr": (("rn", "rm"), ("rd",)),
    "eor": (("rn", "rm"), ("rd",)), "lsl": (("rn", "rm"), ("rd",)),
    "lsr": (("rn", "rm"), ("rd",)), "asr": (("rn", "rm"), ("rd",)),
    "addi": (("rn",), ("rd",)), "subi": (("rn",), ("rd",)), "lsli": (("rn",), ("rd",)),
    "lsri": (("rn",), ("rd",)), "asri": (("rn",), ("rd",)), "bitr": (("rn",), ("rd",)),
    "movi": ((), ("rd",)), "movt": (("rd",), ("rd",)), "movcond": (("rn", "bflags"), ("rd",)),
    "movts": (("rd",), ()), "movfs": ((), ("rd",)),
    "bcond": (("bflags",), ("lr",)), "jr": (("rn",), ()), "jalr": (("rn",), ("lr",)),
    "fadd": (("rn", "rm"), ("rd", "bflags")), "fsub": (("rn", "rm"), ("rd", "bflags")),
    "fmul": (("rn", "rm"), ("rd", "bflags")),
    "fmadd": (("rd", "rn", "rm"), ("rd", "bflags")),
    "fmsub": (("rd", "rn", "rm"), ("rd", "bflags")),
    "float": (("rn",), ("rd", "bflags")), "fix": (("rn",), ("rd", "bflags")),
    "fabs": (("rn",), ("rd", "bflags")),
    "testset": (("rd", "rn", "rm"), ("rd",)),
    "load": ((), ("rd",)), "store": (("rd",), ()),
    "nop": ((), ()), "idle": ((), ()), "bkpt": ((), ()), "mbkpt": ((), ()), "rti": ((), ()),
    "wand": ((), ()), "sync": ((), ()), "gie": ((), ()), "gid": ((), ()), "swi": ((), ()),
    "trap": ((), ()), "unimpl": ((), ()),
    # FEXT/FDEP/LFSR (Epiphany-V): what the GNU simulator does (CGEN epiphany.cpu): AZ/AN
    # from RD, RD unchanged
    "iext": (("rd",), ()),
}


def operands(ins: Insn) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """(registers read, registers written) of a row, for the timing model."""
    name = ins.sem.split("(")[0]
    reads, writes = SEM_OPERANDS[name]
    if name in ("load", "store"):
        lsz, mode = (a.strip() for a in ins.sem[ins.sem.index("(") + 1:-1].split(","))
        reads = reads + ("rn",) + (("rm",) if mode in (IDX, PM) else ())
        if lsz == "3":
            writes = writes + ("rd+1",) if name == "load" else writes
            reads = reads + ("rd+1",) if name == "store" else reads
        if mode in (PM, DPM):
            writes = writes + ("rn",)
    return reads, writes


def latency_class(ins: Insn) -> str:
    """How soon a result is usable (the producer side of MAN §4's separation table)."""
    name = ins.sem.split("(")[0]
    if name in ("load", "testset"):
        lsz = ins.sem[ins.sem.index("(") + 1:].split(",")[0].rstrip(")")
        return "ldw" if int(lsz) >= 2 else "ldb"
    if ins.tclass == "fpu":
        return "fpu"
    return "ialu"


def issue_unit(ins: Insn) -> str:
    """Dual-issue group (MAN §4): ialu, fpu (FPU/IALU2), ldst, or none (control)."""
    return {"ialu": "ialu", "fpu": "fpu", "load": "ldst", "store": "ldst"}.get(ins.tclass, "none")

#: Declared overlaps: (more specific row, more general row).  The checker rejects any other
#: overlap.  (The table above has none: the special encodings all differ in fixed bits.)
OVERLAPS: Tuple[Tuple[str, str], ...] = ()
