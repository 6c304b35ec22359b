"""The host <-> device shared-memory contract of ePython v2.0 (spec §1.5, §1.8, §1.9).

This module is the one place these offsets and sizes are written.  The monitor
(``epython.monitor``) reads and writes DRAM through them; the firmware's C header
``firmware/epython/ep_layout.h`` is generated from here::

    python -m epython.layout --header > firmware/epython/ep_layout.h

and a test checks the firmware's own view (the ``ep_abi`` record the firmware compiles from
its C structs with ``offsetof``) against these numbers.

Everything is little-endian.  Device addresses are 32-bit; the ePython area sits at
``ext_base + AREA_OFFSET`` (0x8F000000 with the Parallella's external base 0x8E000000).
ePython's genuine firmware finds nothing by symbol: every shared structure is at a fixed
place, so a monitor that follows this module can run it as well as ours.
"""
from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from typing import Dict, Tuple

# ---- the chip and the core-local map (spec §1.5) -----------------------------------------------
#: ePython addresses cores 0..15 (row * group_cols + col of a whole-chip workgroup)
TOTAL_CORES = 16
#: the loader's records in every core's SRAM (e-loader / fact sheet §6.4)
WORKGROUP_CFG = 0x28
EXT_MEM_CFG = 0x50
LOADER_CFG = 0x58
#: the VM's code, data, bss and C stack live below this; the per-core ePython data above it
CORE_DATA_START = 0x6000
#: the C stack of ePython's firmware starts here and grows down
C_STACK_TOP = 0x5FF0
#: end of a core's 32 KB SRAM: the local heap runs up to here
LOCAL_CORE_MEMORY_MAP_TOP = 0x8000
#: host-side budget per symbol-table entry (sizeof(struct symbol_node) 16 + 2)
SYMBOL_ENTRY_BUDGET = 18
#: bytecode up to this size is copied into each core (spec §1.5; = bytecode.CORE_CODE_MAX_SIZE)
CORE_CODE_MAX_SIZE = 2048
#: bytes of the postbox: one 6-byte inbound slot per possible sender
POSTBOX_SIZE = 100
POSTBOX_SLOT = 6
#: the local scalar stack
LOCAL_CORE_STACK_SIZE = 0x400

# ---- the DRAM area (spec §1.5, §1.9) -----------------------------------------------------------
#: offset of the ePython area from the external-memory base (e_emem_config.base)
AREA_OFFSET = 0x01000000
AREA_SIZE = 0x01000000
#: bytecode, always copied here (``esdata``)
SHARED_CODE_AREA_START = 0x00100000
#: per-core shared scalar stack + shared heap, core i at DATA_START + i * PER_CORE
SHARED_DATA_AREA_START = 0x00200000
SHARED_STACK_DATA_AREA_PER_CORE = 0xFA00
SHARED_HEAP_DATA_AREA_PER_CORE = 0x6D600
SHARED_PER_CORE = SHARED_STACK_DATA_AREA_PER_CORE + SHARED_HEAP_DATA_AREA_PER_CORE

# ---- heap chunks (spec §1.6): [length][in-use byte][payload] -----------------------------------
LOCAL_CHUNK_HEADER = 3      #: uint16 length + in-use byte
SHARED_CHUNK_HEADER = 5     #: uint32 length + in-use byte
SHARED_CHUNK_LEN_FMT = "<I"


@dataclass(frozen=True)
class Field:
    name: str
    offset: int
    fmt: str            #: struct format of one element ("I", "H", "B"); "15s" for data[15]

    @property
    def size(self) -> int:
        return struct.calcsize("<" + self.fmt)


#: struct core_ctrl: 56 bytes, 8-byte aligned (GCC's Epiphany rule for structs >= 8 bytes)
CORE_CTRL_SIZE = 56
CORE_CTRL = (
    Field("core_run", 0, "I"),
    Field("core_busy", 4, "I"),
    Field("core_command", 8, "I"),
    Field("symbol_table", 12, "I"),
    Field("stack_start", 16, "I"),
    Field("heap_start", 20, "I"),
    Field("shared_heap_start", 24, "I"),
    Field("shared_stack_start", 28, "I"),
    Field("postbox_start", 32, "I"),
    Field("host_shared_data_start", 36, "I"),   #: a host address; the device never uses it
    Field("data", 40, "15s"),
    Field("active", 55, "B"),
)

#: struct shared_basic: core_ctrl[16] then the program's description; 928 bytes
SHARED_BASIC_SIZE = 928
SHARED_BASIC = (
    Field("length", 896, "I"),          #: bytecode length
    Field("num_procs", 900, "I"),       #: device cores in use + host virtual cores
    Field("baseHostPid", 904, "I"),     #: device cores in use (id of the first host vcore)
    Field("symbol_size", 908, "H"),     #: symbol-table entries
    Field("edata", 912, "I"),           #: where the cores interpret the bytecode from
    Field("data", 916, "I"),            #: host view of the DRAM bytecode (a host pointer)
    Field("esdata", 920, "I"),          #: device view of the DRAM bytecode
    Field("allInSharedMemory", 924, "B"),
    Field("codeOnCores", 925, "B"),
)

CC: Dict[str, Field] = {f.name: f for f in CORE_CTRL}
SB: Dict[str, Field] = {f.name: f for f in SHARED_BASIC}

#: offsets inside core_ctrl.data[] used by the requests (spec §1.7)
DATA_TYPE = 0               #: request/reply type byte (bit 7: reference)
DATA_VALUE = 1              #: 4-byte value / string offset
DATA_TYPE2 = 5              #: second operand of a concatenation
DATA_VALUE2 = 6
DATA_CONCAT_RESULT = 11     #: offset of the concatenated string
DATA_PID = 0                #: commands 5-8: the host virtual core's id (int32)
DATA_MSG_TYPE = 5           #: a message's type and value (sent, or received by command 6)
DATA_MSG_VALUE = 6
DATA_SENDRECV_TYPE = 11     #: what command 7 received (the value runs into data[15])
DATA_SENDRECV_VALUE = 12


def core_ctrl_offset(core: int) -> int:
    """Offset of core_ctrl[core] from the start of the area."""
    return core * CORE_CTRL_SIZE


def shared_stack_offset(core: int) -> int:
    """Offset of core ``core``'s shared scalar stack from the start of the area."""
    return SHARED_DATA_AREA_START + core * SHARED_PER_CORE


def shared_heap_offset(core: int) -> int:
    """Offset of core ``core``'s shared heap from the start of the area."""
    return shared_stack_offset(core) + SHARED_STACK_DATA_AREA_PER_CORE


@dataclass(frozen=True)
class CoreArea:
    """What the host writes into core_ctrl[i] for one core (spec §1.9), device addresses."""
    symbol_table: int
    postbox_start: int
    stack_start: int
    heap_start: int
    shared_stack_start: int
    shared_heap_start: int


def core_area(core: int, area_base: int, nsymbols: int, code_length: int, code_on_core: bool,
              data_shared: bool = False) -> CoreArea:
    """The per-core pointers the host computes (device view; ``area_base`` = ext base +
    AREA_OFFSET)."""
    postbox = CORE_DATA_START + nsymbols * SYMBOL_ENTRY_BUDGET + (code_length if code_on_core
                                                                   else 0)
    sstack = area_base + shared_stack_offset(core)
    sheap = area_base + shared_heap_offset(core)
    if data_shared:
        stack, heap = sstack, sheap
    else:
        stack = postbox + POSTBOX_SIZE
        heap = stack + LOCAL_CORE_STACK_SIZE
    return CoreArea(CORE_DATA_START, postbox, stack, heap, sstack, sheap)


def code_on_core_address(nsymbols: int) -> int:
    """``edata`` when the bytecode is copied into each core: right after the symbol table."""
    return CORE_DATA_START + nsymbols * SYMBOL_ENTRY_BUDGET


# ---- the C header ------------------------------------------------------------------------------
def c_header() -> str:
    """The firmware's view of these numbers (generated; do not edit by hand)."""
    out = ["/* GENERATED by python -m epython.layout --header from epython/layout.py",
           " * DO NOT EDIT. The ePython host <-> device shared-memory contract (spec 1.5, 1.9). */",
           "#ifndef EP_LAYOUT_H", "#define EP_LAYOUT_H", ""]
    consts: Tuple[Tuple[str, int], ...] = (
        ("TOTAL_CORES", TOTAL_CORES), ("WORKGROUP_CFG", WORKGROUP_CFG),
        ("EXT_MEM_CFG", EXT_MEM_CFG), ("LOADER_CFG", LOADER_CFG),
        ("CORE_DATA_START", CORE_DATA_START), ("C_STACK_TOP", C_STACK_TOP),
        ("LOCAL_CORE_MEMORY_MAP_TOP", LOCAL_CORE_MEMORY_MAP_TOP),
        ("SYMBOL_ENTRY_BUDGET", SYMBOL_ENTRY_BUDGET), ("POSTBOX_SIZE", POSTBOX_SIZE),
        ("POSTBOX_SLOT", POSTBOX_SLOT), ("LOCAL_CORE_STACK_SIZE", LOCAL_CORE_STACK_SIZE),
        ("AREA_OFFSET", AREA_OFFSET), ("AREA_SIZE", AREA_SIZE),
        ("SHARED_CODE_AREA_START", SHARED_CODE_AREA_START),
        ("SHARED_DATA_AREA_START", SHARED_DATA_AREA_START),
        ("SHARED_STACK_DATA_AREA_PER_CORE", SHARED_STACK_DATA_AREA_PER_CORE),
        ("SHARED_HEAP_DATA_AREA_PER_CORE", SHARED_HEAP_DATA_AREA_PER_CORE),
        ("LOCAL_CHUNK_HEADER", LOCAL_CHUNK_HEADER), ("SHARED_CHUNK_HEADER", SHARED_CHUNK_HEADER),
        ("CORE_CTRL_SIZE", CORE_CTRL_SIZE), ("SHARED_BASIC_SIZE", SHARED_BASIC_SIZE),
        ("DATA_TYPE", DATA_TYPE), ("DATA_VALUE", DATA_VALUE), ("DATA_TYPE2", DATA_TYPE2),
        ("DATA_VALUE2", DATA_VALUE2), ("DATA_CONCAT_RESULT", DATA_CONCAT_RESULT),
        ("DATA_PID", DATA_PID), ("DATA_MSG_TYPE", DATA_MSG_TYPE),
        ("DATA_MSG_VALUE", DATA_MSG_VALUE), ("DATA_SENDRECV_TYPE", DATA_SENDRECV_TYPE),
        ("DATA_SENDRECV_VALUE", DATA_SENDRECV_VALUE),
    )
    for name, v in consts:
        out.append(f"#define EP_{name} 0x{v:X}")
    out.append("")
    for f in CORE_CTRL:
        out.append(f"#define EP_CC_{f.name.upper()} {f.offset}")
    for f in SHARED_BASIC:
        out.append(f"#define EP_SB_{f.name.upper()} {f.offset}")
    out += ["", "#endif", ""]
    return "\n".join(out)


#: the order of the fields of the firmware's ``ep_abi`` record (uint32 each), checked by tests
ABI_FIELDS = (
    ("magic", 0x45504142),          # "EPAB"
    ("core_ctrl_size", CORE_CTRL_SIZE),
    ("shared_basic_size", SHARED_BASIC_SIZE),
) + tuple(("cc_" + f.name, f.offset) for f in CORE_CTRL) + tuple(
    ("sb_" + f.name, f.offset) for f in SHARED_BASIC) + (
    ("area_offset", AREA_OFFSET),
    ("core_data_start", CORE_DATA_START),
    ("local_top", LOCAL_CORE_MEMORY_MAP_TOP),
    ("local_stack_size", LOCAL_CORE_STACK_SIZE),
    ("shared_stack_per_core", SHARED_STACK_DATA_AREA_PER_CORE),
    ("shared_heap_per_core", SHARED_HEAP_DATA_AREA_PER_CORE),
    ("local_chunk_header", LOCAL_CHUNK_HEADER),
    ("shared_chunk_header", SHARED_CHUNK_HEADER),
    ("postbox_slot", POSTBOX_SLOT),
)


if __name__ == "__main__":
    if sys.argv[1:] == ["--header"]:
        sys.stdout.write(c_header())
    else:
        sys.exit("usage: python -m epython.layout --header > firmware/epython/ep_layout.h")
