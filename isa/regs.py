"""Register names: general-purpose aliases and every special (memory-mapped) register, declared once.

Sources: the Epiphany Architecture Reference register table (MAN §6), the CGEN keyword tables of
binutils 2.40 (names accepted/printed by ``epiphany-elf-as``/``objdump``), e-hal's register map.
See ``shared/spec/epiphany-arch.md`` §1.2.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

# --------------------------------------------------------------------------------------------
# General-purpose registers
# --------------------------------------------------------------------------------------------

#: Names objdump prints for GPRs (first match in binutils' keyword table wins): r11→fp, r13→sp,
#: r14→lr; everything else prints as rN.
GPR_PRINT = {11: "fp", 13: "sp", 14: "lr"}

#: Every name the assembler accepts for a GPR (case-insensitive), number by name.
GPR_ALIASES: Dict[str, int] = {
    "fp": 11, "sp": 13, "lr": 14, "ip": 12, "sb": 9, "sl": 10,
    "a1": 0, "a2": 1, "a3": 2, "a4": 3,
    "v1": 4, "v2": 5, "v3": 6, "v4": 7, "v5": 8, "v6": 9, "v7": 10, "v8": 11,
}


def gpr_name(n: int) -> str:
    return GPR_PRINT.get(n, f"r{n}")


def gpr_number(name: str) -> Optional[int]:
    """Register number for an assembler register name, or None."""
    s = name.lower()
    if s in GPR_ALIASES:
        return GPR_ALIASES[s]
    if len(s) >= 2 and s[0] == "r" and s[1:].isdigit() and (len(s) == 2 or s[1] != "0"):
        n = int(s[1:])
        if n < 64:
            return n
    return None


# --------------------------------------------------------------------------------------------
# Special registers
# --------------------------------------------------------------------------------------------

#: Access classes: how a write through MOVTS or a store reaches the register.
RW = "rw"          # plain read/write
RO = "ro"          # writes ignored
WO = "wo"          # reads return 0
STATUS_W = "status"    # MOVTS/external store keep bits [2:0]
FSTATUS_W = "fstatus"  # writes every STATUS bit
ILATST_W = "ilatst"    # ILAT |= value
ILATCL_W = "ilatcl"    # ILAT &= ~value

MMR_BASE = 0xF0000       #: GPR r0 is at 0xF0000 + 4*n
MMR_GPR_END = 0xF0100    #: end of the GPR window (64 registers)
SREG_BASE = 0xF0400      #: special register (group G, index N) at SREG_BASE + 0x100*G + 4*N
MMR_END = 0xF0800        #: end of the memory-mapped register space (fact sheet §1.2)
LOCAL_SPACE = 0x100000   #: addresses below this are the executing core's own (1 MiB per core)


@dataclass(frozen=True)
class SReg:
    name: str              #: manual name (upper case)
    group: int             #: MOVTS/MOVFS group (bits 21:20 of the 32-bit form)
    index: int             #: register number within the group (0..63)
    asm: Optional[str]     #: assembler/disassembler keyword, None if binutils has none
    access: str = RW
    reset: int = 0
    width: int = 32

    @property
    def offset(self) -> int:
        """Core-local MMR address (0xF04xx …)."""
        return SREG_BASE + 0x100 * self.group + 4 * self.index


SREGS: Tuple[SReg, ...] = (
    # group 0: core control (16-bit MOVTS/MOVFS reach indices 0..7 only)
    SReg("CONFIG", 0, 0, "config"),
    SReg("STATUS", 0, 1, "status", STATUS_W),
    SReg("PC", 0, 2, "pc"),
    SReg("DEBUGSTATUS", 0, 3, "debug", RO),
    SReg("IAB", 0, 4, "iab"),
    SReg("LC", 0, 5, "lc"),
    SReg("LS", 0, 6, "ls"),
    SReg("LE", 0, 7, "le"),
    SReg("IRET", 0, 8, "iret"),
    # IMASK keeps every bit written, as the GNU simulator does (Adapteva's movts16.cgs reads
    # 0xffff back); only the N_IRQ interrupt bits mask anything
    SReg("IMASK", 0, 9, "imask"),
    SReg("ILAT", 0, 10, "ilat", width=10),
    SReg("ILATST", 0, 11, "ilatst", ILATST_W),
    SReg("ILATCL", 0, 12, "ilatcl", ILATCL_W),
    SReg("IPEND", 0, 13, "ipend", width=10),
    SReg("CTIMER0", 0, 14, "ctimer0"),
    SReg("CTIMER1", 0, 15, "ctimer1"),
    SReg("FSTATUS", 0, 16, "hstatus", FSTATUS_W),
    SReg("DEBUGCMD", 0, 18, None, WO),
    # group 1: DMA
    SReg("DMA0CONFIG", 1, 0, "dma0config"),
    SReg("DMA0STRIDE", 1, 1, "dma0stride"),
    SReg("DMA0COUNT", 1, 2, "dma0count"),
    SReg("DMA0SRCADDR", 1, 3, "dma0srcaddr"),
    SReg("DMA0DSTADDR", 1, 4, "dma0dstaddr"),
    SReg("DMA0AUTO0", 1, 5, "dma0auto0"),
    SReg("DMA0AUTO1", 1, 6, "dma0auto1"),
    SReg("DMA0STATUS", 1, 7, "dma0status"),
    SReg("DMA1CONFIG", 1, 8, "dma1config"),
    SReg("DMA1STRIDE", 1, 9, "dma1stride"),
    SReg("DMA1COUNT", 1, 10, "dma1count"),
    SReg("DMA1SRCADDR", 1, 11, "dma1srcaddr"),
    SReg("DMA1DSTADDR", 1, 12, "dma1dstaddr"),
    SReg("DMA1AUTO0", 1, 13, "dma1auto0"),
    SReg("DMA1AUTO1", 1, 14, "dma1auto1"),
    SReg("DMA1STATUS", 1, 15, "dma1status"),
    # group 2: memory protection
    SReg("MEMCONFIG", 2, 0, "memconfig"),
    SReg("MEMSTATUS", 2, 1, "memstatus"),
    SReg("MEMPROTECT", 2, 2, "memprotect"),
    SReg("MEMRESERVE", 2, 3, "memreserve"),
    # group 3: mesh
    SReg("MESHCONFIG", 3, 0, "meshconfig"),
    SReg("COREID", 3, 1, "coreid", RO),
    SReg("MULTICAST", 3, 2, "meshmulticast"),
    SReg("RESETCORE", 3, 3, "swreset", WO),
)

SREG_BY_NAME: Dict[str, SReg] = {r.name: r for r in SREGS}
SREG_BY_ASM: Dict[str, SReg] = {r.asm: r for r in SREGS if r.asm}
SREG_BY_NUM: Dict[Tuple[int, int], SReg] = {(r.group, r.index): r for r in SREGS}
SREG_BY_OFFSET: Dict[int, SReg] = {r.offset: r for r in SREGS}


def sreg_asm_name(group: int, index: int) -> str:
    """What objdump prints for special register (group, index): its keyword or ``???``."""
    r = SREG_BY_NUM.get((group, index))
    return r.asm if r is not None and r.asm else "???"


def sreg_lookup(name: str) -> Optional[SReg]:
    """Special register by assembler keyword (case-insensitive)."""
    return SREG_BY_ASM.get(name.lower())


# --------------------------------------------------------------------------------------------
# STATUS / CONFIG bit positions (MAN §6; fact sheet §1.3, §1.4)
# --------------------------------------------------------------------------------------------
STATUS_BITS = {
    "ACTIVE": 0, "GID": 1, "KM": 2, "WAND": 3,
    "AZ": 4, "AN": 5, "AC": 6, "AV": 7,
    "BZ": 8, "BN": 9, "BV": 10, "BC": 11,
    "AVS": 12, "BIS": 13, "BVS": 14, "BUS": 15,
}
EXCAUSE_SHIFT = 16
EXCAUSE_MASK = 0xF << EXCAUSE_SHIFT

#: E16G301 (Epiphany-III) exception causes (fact sheet §1.3.1).  The E-IV codes are used by the
#: GNU simulator; ``excause_codes("e4")`` returns them for diffing against it.
EXCAUSE_E3 = {"none": 0, "swi": 1, "unaligned": 2, "fpu": 3, "unimplemented": 4, "illegal": 5}
EXCAUSE_E4 = {"none": 0, "swi": 0xE, "unaligned": 0xD, "fpu": 0x7, "unimplemented": 0xF, "illegal": 0xC}

CONFIG_RMODE = 1 << 0
CONFIG_IEN = 1 << 1
CONFIG_OEN = 1 << 2
CONFIG_UEN = 1 << 3
CONFIG_CTIMER0_SHIFT = 4
CONFIG_CTIMER1_SHIFT = 8
CONFIG_ARITHMODE_SHIFT = 17
#: the manual documents ARITHMODE as CONFIG[19:17]; the GNU simulator decodes 4 bits
#: (CONFIG[20:17]: 1 = double, 8 = SIMD on Epiphany-V; esim-corner-cases row 5e), and so do we
CONFIG_ARITHMODE_MASK = 0xF << 17
ARITHMODE_FLOAT = 0
ARITHMODE_INT = 4

#: CTIMER event selectors (CONFIG.CTIMERn mode nibble; MAN §6, e-lib e_ctimers.h): IALU and
#: FPU count the instructions of those issue groups (MAN §4 pipeline: IALU = ADD SUB ASR LSR
#: LSL EOR AND ORR BITR MOVT MOV; FPU = the FPU/IALU2 ops), the stall events the cycles the
#: timing model charges to that cause.  9 is reserved; 14/15 (mesh traffic monitors) are not
#: modelled and count nothing.
CTIMER_MODE = {"OFF": 0, "CLK": 1, "IDLE": 2, "IALU": 4, "FPU": 5, "DUAL": 6,
               "LOAD_STALL": 7, "RA_STALL": 8, "LOCAL_FETCH_STALL": 10,
               "LOCAL_LOAD_STALL": 11, "EXT_FETCH_STALL": 12, "EXT_LOAD_STALL": 13,
               "MESH0": 14, "MESH1": 15}

#: Interrupt vector numbers (ILAT/IMASK/IPEND bit; IVT entry at 4*n).
IRQ = {"SYNC": 0, "SWEXC": 1, "MEMFAULT": 2, "TIMER0": 3, "TIMER1": 4, "MESSAGE": 5,
       "DMA0": 6, "DMA1": 7, "WAND": 8, "USER": 9}
N_IRQ = len(IRQ)
