"""The ePython v2.0 bytecode contract: opcodes, native functions, maths operations, value types,
run-time error codes and messages, and the saved-bytecode file format (``-o`` / ``-l``).

This module is the one place these numbers are written (``../shared/spec/epython.md`` §1.3,
§1.7, §5).  The compiler emits them, the monitor decodes them, and the firmware's C header
``firmware/epython/ep_bytecode.h`` is generated from here::

    python -m epython.bytecode --header > firmware/epython/ep_bytecode.h

Everything is little-endian and unaligned in the bytecode: the VM reads multi-byte fields
byte by byte.
"""
from __future__ import annotations

import enum
import struct
import sys
from dataclasses import dataclass, field
from typing import Dict, Tuple


class Op(enum.IntEnum):
    """One-byte opcodes (spec §1.3).  The bytecode is prefix-encoded and tree-walked."""
    LET = 0x00            # target (IDENTIFIER id | ARRAYACCESS ...) then value-expr
    STOP = 0x01
    OR = 0x02
    AND = 0x03
    EQ = 0x04
    NEQ = 0x05
    LT = 0x06
    GT = 0x07
    LEQ = 0x08
    GEQ = 0x09
    ADD = 0x0A
    SUB = 0x0B
    MUL = 0x0C
    DIV = 0x0D
    MOD = 0x0E
    IDENTIFIER = 0x0F     # uint16 id
    REAL = 0x10           # float32
    STRING = 0x11         # NUL-terminated bytes inline
    INTEGER = 0x12        # int32
    IF = 0x13             # cond, uint16 then-length, then-block
    FOR = 0x14            # uint16 counter-id, uint16 var-id, array-expr, uint16 body-length
    GOTO = 0x15           # uint16 absolute address
    ARRAYACCESS = 0x16    # uint16 id, uint8 nidx, nidx index-exprs
    ARRAYSET = 0x17       # defined, never emitted by v2.0
    IFELSE = 0x18         # cond, uint16 (then-length+3), then, GOTO addr, else
    POW = 0x19
    RETURN = 0x1A
    FNCALL = 0x1B         # uint16 fn-address, uint16 nargs, nargs x uint16 arg-var-ids
    RETURN_EXP = 0x1C     # expr
    BOOLEAN = 0x1D        # int32 0/1
    LETNOALIAS = 0x1E     # like LET; skipped when the target parameter is bound (defaults)
    NONE = 0x1F
    IS = 0x20
    ARRAY = 0x21          # int32 n, uint8 has-repeat, [repeat-expr], n item-exprs
    NOT = 0x22
    NATIVE = 0x23         # uint8 (expected-args << 5 | fn-id), uint16 nargs, arg-exprs
    FN_ADDR = 0x24        # uint16 address
    FNCALL_BY_VAR = 0x25  # uint16 var-id, uint16 nargs, ids...
    REFERENCE = 0x26      # uint16 id
    SYMBOL = 0x27         # uint16 id
    ALIAS = 0x28          # uint16 target-id, expr


class Native(enum.IntEnum):
    """Native (run-time library) function ids: the low 5 bits of the byte after NATIVE."""
    ISHOST = 0x00
    ISDEVICE = 0x01
    PRINT = 0x02
    NUMDIMS = 0x03
    DSIZE = 0x04
    INPUT = 0x05
    INPUTPRINT = 0x06
    SYNC = 0x07
    GC = 0x08
    FREE = 0x09
    SEND = 0x0A
    RECV = 0x0B
    SENDRECV = 0x0C
    BCAST = 0x0D
    NUMCORES = 0x0E
    COREID = 0x0F
    REDUCE = 0x11
    ALLOCARRAY = 0x12
    ALLOCSHAREDARRAY = 0x13
    MATH = 0x14
    PROBE_FOR_MESSAGE = 0x15
    TEST_FOR_SEND = 0x16
    WAIT_FOR_SEND = 0x17
    SEND_NB = 0x18
    GLOBAL_REFERENCE = 0x19
    DEREFERENCE = 0x1A
    FLATTEN = 0x1B
    ARRAYCOPY = 0x1C


#: "any number of arguments" in the expected-args field (top 3 bits) of a NATIVE byte
NATIVE_ANY_ARGS = 7

#: The names a program (in practice a module) calls with ``native NAME(args)``, each with its
#: native id and the number of arguments the VM checks (the top 3 bits of the byte after
#: NATIVE; NATIVE_ANY_ARGS = not checked).  The compiler writes ``expected << 5 | id``; a VM
#: raises Err.INCORRECT_NUM_NATIVE_PARAMS when the count in the bytecode differs.  Natives that
#: ePython v2.0 emits with no count bits (ishost ... coreid) carry 0 here, so the byte is the
#: bare id and a call with arguments is an error.
NATIVE_FUNCTIONS: Dict[str, Tuple[Native, int]] = {
    "rtl_ishost": (Native.ISHOST, 0),
    "rtl_isdevice": (Native.ISDEVICE, 0),
    "rtl_print": (Native.PRINT, 1),
    "rtl_numdims": (Native.NUMDIMS, 1),
    "rtl_dsize": (Native.DSIZE, 2),
    "rtl_input": (Native.INPUT, 0),
    "rtl_inputprint": (Native.INPUTPRINT, 1),
    "rtl_sync": (Native.SYNC, 0),
    "rtl_gc": (Native.GC, 0),
    "rtl_free": (Native.FREE, 1),
    "rtl_send": (Native.SEND, 2),
    "rtl_recv": (Native.RECV, 1),
    "rtl_sendrecv": (Native.SENDRECV, 2),
    "rtl_bcast": (Native.BCAST, 2),
    "rtl_numcores": (Native.NUMCORES, 0),
    "rtl_coreid": (Native.COREID, 0),
    "rtl_reduce": (Native.REDUCE, 2),
    "rtl_allocatearray": (Native.ALLOCARRAY, NATIVE_ANY_ARGS),
    "rtl_allocatesharedarray": (Native.ALLOCSHAREDARRAY, NATIVE_ANY_ARGS),
    "rtl_math": (Native.MATH, NATIVE_ANY_ARGS),
    "rtl_probe": (Native.PROBE_FOR_MESSAGE, 1),
    "rtl_test_for_send": (Native.TEST_FOR_SEND, 1),
    "rtl_wait_for_send": (Native.WAIT_FOR_SEND, 1),
    "rtl_send_nonblocking": (Native.SEND_NB, 2),
    "rtl_global_reference": (Native.GLOBAL_REFERENCE, 1),
    "rtl_dereference": (Native.DEREFERENCE, 1),
    "rtl_flatten": (Native.FLATTEN, 2),
    "rtl_arraycopy": (Native.ARRAYCOPY, 5),
}


def native_byte(native: int, expected_args: int) -> int:
    """The byte after NATIVE: expected argument count in bits 5-7, the native id in bits 0-4."""
    return (expected_args << 5) | int(native)


class ReduceOp(enum.IntEnum):
    """Operation codes of the ``reduce`` native's second argument (module ``parallel``)."""
    SUM = 0
    MIN = 1
    MAX = 2
    PROD = 3


class MathOp(enum.IntEnum):
    """Operations of the MATH native, serviced by the host (command 1000 + op)."""
    SQRT = 0
    SIN = 1
    COS = 2
    TAN = 3
    ASIN = 4
    ACOS = 5
    ATAN = 6
    SINH = 7
    COSH = 8
    TANH = 9
    FLOOR = 10
    CEIL = 11
    LOG = 12
    LOG10 = 13
    RANDOM = 14


class VType(enum.IntEnum):
    """Value type tags (bytecode values, symbol-table entries, host-request data[0])."""
    INT = 0
    REAL = 1
    STRING = 2
    BOOLEAN = 3
    NONE = 4
    FN_ADDR = 5


#: data[0] bit 7: the value is a reference (``id(x)``)
TYPE_REF_FLAG = 0x80
#: dtype of a value: scalar or array
DTYPE_SCALAR = 0
DTYPE_ARRAY = 1


class Err(enum.IntEnum):
    """Run-time error codes (host request 3, data[1]); messages in ERROR_MESSAGES."""
    STR_ONLYTEST_EQ = 0x00
    NONE_ONLYTEST_EQ = 0x01
    ONLY_ADDITION_STR = 0x02
    TOO_MANY_ARR_INDEX = 0x03
    NEG_ARR_INDEX = 0x04
    ARR_INDEX_EXCEED_SIZE = 0x05
    ONLY_DISPLAY_STR_WITH_INPUT = 0x06
    OUT_OF_SHARED_HEAP_MEM = 0x07
    OUT_OF_CORE_SHARED_HEAP_MEM = 0x08
    OUT_OF_SHARED_STACK_MEM = 0x09
    OUT_OF_CORE_SHARED_STACK_MEM = 0x0A
    ONLY_SEND_INT_AND_REAL = 0x0B
    SEND_TO_UNKNOWN_CORE = 0x0C
    SEND_TO_INACTIVE_CORE = 0x0D
    RECV_FROM_UNKNOWN_CORE = 0x0E
    RECV_FROM_INACTIVE_CORE = 0x0F
    SENDRECV_WITH_UNKNOWN_CORE = 0x10
    FREE_ON_NON_HEAP = 0x11
    INCORRECT_NUM_NATIVE_PARAMS = 0x12
    UNKNOWN_NATIVE_COMMAND = 0x13
    FNCALL_VAR_NOT_CONTAINING_FN_PTR = 0x14
    PROBE_NOT_SUPPORTED = 0x15
    NBSEND_NOT_SUPPORTED = 0x16


#: the host's text for each error code (printed as ``Error from core N: <message>``)
ERROR_MESSAGES: Dict[int, str] = {
    Err.STR_ONLYTEST_EQ: "Can only test for equality with strings",
    Err.NONE_ONLYTEST_EQ: "Can only test for equality with none",
    Err.ONLY_ADDITION_STR: "Can only perform addition with strings",
    Err.TOO_MANY_ARR_INDEX: "Too many array indexes in expression",
    Err.NEG_ARR_INDEX: "Not allowed negative array indexes",
    Err.ARR_INDEX_EXCEED_SIZE: "Array index in expression exceeds array size in that dimension",
    Err.ONLY_DISPLAY_STR_WITH_INPUT: "Can only display strings with input statement",
    Err.OUT_OF_SHARED_HEAP_MEM: "Out of shared heap memory for data",
    Err.OUT_OF_CORE_SHARED_HEAP_MEM: "Out of core and shared heap memory for data",
    Err.OUT_OF_SHARED_STACK_MEM: "Out of shared stack memory for data",
    Err.OUT_OF_CORE_SHARED_STACK_MEM: "Out of core and shared stack memory for data",
    Err.ONLY_SEND_INT_AND_REAL: "Can only send integers and reals between cores",
    Err.SEND_TO_UNKNOWN_CORE: "Attempting to send to non-existent or inactive process",
    Err.SEND_TO_INACTIVE_CORE: "Attempting to send to inactive core",
    Err.RECV_FROM_UNKNOWN_CORE: "Attempting to receive from non-existent or inactive process",
    Err.RECV_FROM_INACTIVE_CORE: "Attempting to receive from inactive core",
    Err.SENDRECV_WITH_UNKNOWN_CORE: "Attempting to sendrecv with non-existent or inactive "
                                    "process",
    Err.FREE_ON_NON_HEAP: "Attempting to free non allocated heap memory",
    Err.INCORRECT_NUM_NATIVE_PARAMS: "Incorrect number of parameters provided to native "
                                     "function call",
    Err.UNKNOWN_NATIVE_COMMAND: "Unknown native command supplied to runtime library",
    Err.FNCALL_VAR_NOT_CONTAINING_FN_PTR: "Function called via a variable but this variable "
                                          "is not pointing to any function",
    Err.PROBE_NOT_SUPPORTED: "Message probe and non-blocking send test and wait not "
                             "supported for communications with virtual cores",
    Err.NBSEND_NOT_SUPPORTED: "Non-blocking sends between device and virtual cores on the "
                              "host are not yet supported",
}


def error_message(code: int) -> str:
    """The host's message for a run-time error code (unknown codes are named in hex)."""
    msg = ERROR_MESSAGES.get(code)
    return msg if msg is not None else f"Unknown error code of 0x{code:x}"


class Cmd(enum.IntEnum):
    """Host request commands (``core_command``, spec §1.7)."""
    PRINT = 1
    INPUT = 2
    ERROR = 3
    STRING_CONCAT = 4
    SEND_HOST = 5
    RECV_HOST = 6
    SENDRECV_HOST = 7
    SYNC_HOST = 8
    MATH_BASE = 1000     # 1000 + MathOp


#: bytecode up to this size is copied onto each core (``CORE_CODE_MAX_SIZE``)
CORE_CODE_MAX_SIZE = 2048
#: the whole program must stay below 64 KB: addresses in the bytecode are 16-bit
MAX_CODE_SIZE = 0x10000


class BytecodeFormatError(ValueError):
    """A saved-bytecode file that cannot be what ``-o`` writes."""


@dataclass
class Program:
    """A compiled ePython program: the bytecode, the number of symbol-table entries the cores
    must reserve, and (for the CPython bridge / @offload) the address of every linked
    function by name."""
    code: bytes
    nsymbols: int
    functions: Dict[str, int] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        """The ``-o`` file: uint32 code length, uint16 symbol count, the code."""
        return struct.pack("<IH", len(self.code), self.nsymbols) + bytes(self.code)

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<bytes>") -> "Program":
        if len(data) < 6:
            raise BytecodeFormatError(f"{name}: too short for ePython bytecode "
                                      f"({len(data)} bytes; a saved program has a 6-byte header)")
        length, nsym = struct.unpack_from("<IH", data)
        if length != len(data) - 6:
            raise BytecodeFormatError(f"{name}: header says {length} bytes of code, the file "
                                      f"holds {len(data) - 6}: not a file written by -o")
        if length == 0 or length >= MAX_CODE_SIZE:
            raise BytecodeFormatError(f"{name}: {length} bytes of code is outside 1..65535")
        return cls(bytes(data[6:]), nsym)

    def save(self, path: str) -> None:
        with open(path, "wb") as f:
            f.write(self.to_bytes())

    @classmethod
    def load(cls, path: str) -> "Program":
        with open(path, "rb") as f:
            return cls.from_bytes(f.read(), path)


def c_header() -> str:
    """The C header of these numbers for the firmware (generated; do not edit by hand)."""
    out = ["/* GENERATED by python -m epython.bytecode --header from epython/bytecode.py",
           " * DO NOT EDIT. The ePython v2.0 bytecode contract (../shared/spec/epython.md). */",
           "#ifndef EP_BYTECODE_H", "#define EP_BYTECODE_H", ""]
    for enum_cls, prefix in ((Op, "OP_"), (Native, "NAT_"), (MathOp, "MATH_"),
                             (ReduceOp, "REDUCE_"), (VType, "T_"), (Err, "ERR_"), (Cmd, "CMD_")):
        for m in enum_cls:
            out.append(f"#define {prefix}{m.name} {int(m)}")
        out.append("")
    out += [f"#define NATIVE_ANY_ARGS {NATIVE_ANY_ARGS}",
            f"#define TYPE_REF_FLAG 0x{TYPE_REF_FLAG:02x}",
            f"#define DTYPE_SCALAR {DTYPE_SCALAR}",
            f"#define DTYPE_ARRAY {DTYPE_ARRAY}",
            f"#define CORE_CODE_MAX_SIZE {CORE_CODE_MAX_SIZE}",
            "", "#endif", ""]
    return "\n".join(out)


if __name__ == "__main__":
    if sys.argv[1:] == ["--header"]:
        sys.stdout.write(c_header())
    else:
        sys.exit("usage: python -m epython.bytecode --header > firmware/epython/ep_bytecode.h")
