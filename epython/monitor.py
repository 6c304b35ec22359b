"""The ePython host monitor on the emulated chip (spec §1.7-§1.9).

Loads a device firmware (ours, ``firmware/epython/epython-vm.elf``, or ePython's genuine one)
on the chosen cores of an ``emu.chip.Chip`` like e-loader does, fills ``shared_basic`` and the
per-core records of ``epython.layout`` exactly as ePython's host does, places the bytecode, starts
the cores and serves their requests: print, input, errors, string concatenation, maths and
random numbers, completion.

    from emu.chip import Chip
    from epython.monitor import Monitor
    mon = Monitor(Chip(), program, cores=[0, 1, 2, 3])
    result = mon.run()
    print(result.output(0))          # lines printed by core 0

The chip runs until a core writes its ``core_run``/``core_busy`` words: those are watched
ranges of the emulator (``Engine.watch_add``), so the run stops right after the store and
``pending()`` looks at every active core's mailbox at once (one numpy read), ``serve()``
answers the cores that asked, and the chip runs on.  No core is slowed by another's request
and nothing polls while nobody asks; only a request the host cannot answer yet (a host
virtual core that has nothing to send) is looked at again every ``poll_cycles``, or as soon
as ``Monitor.wake()`` says it may be answerable; when every core waits for the host vcores,
the chip is not run and ``HostVcores.idle`` may wait for the host (@offload's bridge does).
The answer is written at once: the host's own latency is not modelled.  Emulated time is the only
clock: ``-t`` reports each core's cycles at completion at 600 MHz.
"""
from __future__ import annotations

import math
import os
import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, TextIO

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import layout as L
from .bytecode import (CORE_CODE_MAX_SIZE, MAX_CODE_SIZE, TYPE_REF_FLAG, Cmd, Err, MathOp,
                       Program, VType, error_message)

#: the Epiphany-III clock, for reporting emulated time in seconds
CLOCK_HZ = 600_000_000
#: ePython's host reads at most this many characters of an input line (its buffer is 1000)
INPUT_MAX = 999
#: how often a request the host cannot answer yet is looked at again, in emulated cycles
#: (≈ 8.3 µs at 600 MHz)
DEFAULT_POLL_CYCLES = 5000

FIRMWARE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "firmware", "epython")
#: our VM firmware, committed (rebuilt by firmware/epython/build.sh)
DEFAULT_FIRMWARE = os.path.join(FIRMWARE_DIR, "epython-vm.elf")


_IMAGES: Dict[tuple, object] = {}


def _read_firmware(path: str):
    """The parsed ELF of a firmware, cached by path, size and modification time."""
    from loader.elf import LoadError, read_elf
    try:
        st = os.stat(path)
        key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
        if key not in _IMAGES:
            _IMAGES[key] = read_elf(path)
        return _IMAGES[key]
    except (LoadError, OSError) as e:
        raise MonitorError(str(e)) from None


class MonitorError(Exception):
    """A run that cannot be set up (bad core list, program too large, firmware missing ...);
    ``str(err)`` is one line for the user."""


# ---- C rand() of glibc, for random numbers that do not depend on the host -----------------------
class GlibcRand:
    """glibc's ``rand()`` (TYPE_3 additive feedback generator) after ``srand(seed)``: the same
    sequence a C host calling srand(seed) would produce."""

    RAND_MAX = 0x7FFFFFFF

    def __init__(self, seed: int = 1):
        seed &= 0xFFFFFFFF
        if seed == 0:
            seed = 1
        r = [0] * 34
        r[0] = seed if seed < 0x80000000 else seed - (1 << 32)
        for i in range(1, 31):
            hi, lo = divmod(r[i - 1], 127773) if r[i - 1] >= 0 else (
                -((-r[i - 1]) // 127773), -((-r[i - 1]) % 127773))
            word = 16807 * lo - 2836 * hi
            if word < 0:
                word += 2147483647
            r[i] = word
        for i in range(31, 34):
            r[i] = r[i - 31]
        self._r = [x & 0xFFFFFFFF for x in r]
        for _ in range(310):
            self._step()

    def _step(self) -> int:
        r = self._r
        v = (r[-31] + r[-3]) & 0xFFFFFFFF
        r.append(v)
        del r[0]
        return v

    def rand(self) -> int:
        return self._step() >> 1


# ---- formatting like the host's printf ----------------------------------------------------------
def _f32(bits: int) -> float:
    return struct.unpack("<f", struct.pack("<I", bits & 0xFFFFFFFF))[0]


def _i32(bits: int) -> int:
    bits &= 0xFFFFFFFF
    return bits - (1 << 32) if bits & 0x80000000 else bits


def format_real(x: float, bits: Optional[int] = None) -> str:
    """C's ``%f`` of a float."""
    if math.isnan(x):
        return "-nan" if bits is not None and bits & 0x80000000 else "nan"
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return "%f" % x


_REF_TYPE_NAMES = {0: "integer", 1: "floating point", 2: "boolean", 3: "none", 4: "function"}


def format_reference(type_byte: int, value: int) -> str:
    """A reference as ePython's host prints it (its type names are off by one from type 2 on,
    as in ePython)."""
    t = type_byte & 0x1F
    dt = (type_byte >> 5) & 3
    return "0x%x points to %s %s" % (value & 0xFFFFFFFF, _REF_TYPE_NAMES.get(t, "unknown"),
                                     "scalar" if dt == 0 else "array")


def input_type(text: str) -> int:
    """ePython's type inference for input: all digits -> int, digits and '.' -> real, else
    string (the empty line is an int, 0)."""
    all_numbers = all(c.isdigit() or c == "." for c in text if c.isascii()) and text.isascii()
    if all_numbers and "." not in text:
        return VType.INT
    if all_numbers:
        return VType.REAL
    return VType.STRING


def _atoi(text: str) -> int:
    digits = ""
    for c in text:
        if not c.isdigit():
            break
        digits += c
    return _i32(int(digits) if digits else 0)


def _atof(text: str) -> float:
    j = 0
    while j < len(text) and (text[j].isdigit() or (text[j] == "." and "." not in text[:j])):
        j += 1
    s = text[:j]
    try:
        return float(s) if s not in ("", ".") else 0.0
    except ValueError:
        return 0.0


def _maths(op: int, x: float) -> float:
    """The host's single-precision libm call for maths operation ``op``."""
    fn = {MathOp.SQRT: math.sqrt, MathOp.SIN: math.sin, MathOp.COS: math.cos,
          MathOp.TAN: math.tan, MathOp.ASIN: math.asin, MathOp.ACOS: math.acos,
          MathOp.ATAN: math.atan, MathOp.SINH: math.sinh, MathOp.COSH: math.cosh,
          MathOp.TANH: math.tanh, MathOp.FLOOR: math.floor, MathOp.CEIL: math.ceil,
          MathOp.LOG: math.log, MathOp.LOG10: math.log10}.get(op)
    if fn is None:
        return 0.0                  # an unknown operation: the host leaves 0.0
    try:
        if op in (MathOp.LOG, MathOp.LOG10) and x == 0:
            return -math.inf
        if op in (MathOp.FLOOR, MathOp.CEIL) and (math.isinf(x) or math.isnan(x)):
            return x
        return float(fn(x))
    except ValueError:
        return math.nan
    except OverflowError:
        return math.inf if op != MathOp.SINH or x > 0 else -math.inf


def _to_f32_bits(x: float) -> int:
    try:
        return struct.unpack("<I", struct.pack("<f", x))[0]
    except OverflowError:
        return 0xFF800000 if x < 0 else 0x7F800000


# ---- host virtual cores -------------------------------------------------------------------------
class HostVcores:
    """The host side of ePython's host virtual cores (``-h n``; the CPython bridge of @offload
    is one): ``count`` cores with ids ``len(device cores)`` .. ``+count-1`` that device cores
    message through commands 5-8.  Subclass and pass as ``Monitor(host_vcores=...)``.  A method
    returns None/False while it cannot complete (the device core keeps waiting and the call is
    repeated at the next poll, or after ``idle`` returns or ``Monitor.wake()``), otherwise the
    result.  The methods run in the thread that runs the monitor, with the chip stopped.
    ``idle`` and ``finished`` are optional (an object without them works as before)."""

    count = 1

    def send(self, core: int, pid: int, type_: int, value: int) -> bool:
        """Device core ``core`` sends (type, 32-bit value) to host vcore ``pid`` (command 5)."""
        return False

    def recv(self, core: int, pid: int):
        """Device core ``core`` receives from host vcore ``pid``: (type, value) or None."""
        return None

    def sendrecv(self, core: int, pid: int, type_: int, value: int):
        """Both at once (command 7): the (type, value) received, or None."""
        return None

    def sync(self, core: int) -> bool:
        """The lowest active device core joins the host in a global barrier (command 8)."""
        return True

    def idle(self, cores: Sequence[int]) -> None:
        """Every live device core (``cores``) waits for an answer that only a host vcore can
        give, so the chip has nothing to run.  Return when one of them may be answerable: the
        monitor asks again before it runs the chip.  The default returns at once (the monitor
        then polls every ``poll_cycles``); an implementation may block here, which freezes
        emulated time while the host thinks, and may raise to end the run."""

    def finished(self, core: int, outcome: "CoreOutcome") -> None:
        """Device core ``core`` completed (also after a run-time error: ``outcome.errors``)."""


# ---- the result ----------------------------------------------------------------------------------
@dataclass
class CoreOutcome:
    """What one ePython core did."""
    core: int                                   #: ePython id (0..15)
    lines: List[str] = field(default_factory=list)     #: printed lines, without the prefix
    errors: List[str] = field(default_factory=list)    #: run-time error messages
    finished: bool = False                      #: reported completion (run = busy = 0)
    cycles: Optional[int] = None                #: emulated cycles at completion

    @property
    def seconds(self) -> Optional[float]:
        return None if self.cycles is None else self.cycles / CLOCK_HZ


@dataclass
class MonitorResult:
    stop: str                                   #: exit | deadlock | max_cycles | host_error | a fault
    cores: Dict[int, CoreOutcome]
    cycles: int                                 #: global emulated cycles at the end
    fault: object = None                        #: emu.chip.Fault when a core faulted
    message: str = ""                           #: one line explaining a stop other than exit

    @property
    def ok(self) -> bool:
        return self.stop == "exit" and not any(c.errors for c in self.cores.values())

    def output(self, core: int) -> List[str]:
        return self.cores[core].lines

    @property
    def exit_code(self) -> int:
        """ePython's host exits with status 0 even after run-time errors; a run that did not
        complete (deadlock, fault, time limit) gives 1."""
        return 0 if self.stop == "exit" else 1


# ---- the monitor ------------------------------------------------------------------------------------
class Monitor:
    """Serves one ePython run on a chip.

    ``program``: an ``epython.bytecode.Program``.  ``cores``: ePython core ids (0..15, = chip
    core index row * cols + col).  ``firmware``: path of the device ELF.  ``stdout``/``stderr``:
    text streams receiving the host's output as it happens (None: only recorded in the
    result).  ``stdin``: text stream for ``input()``.  ``seed``: srand() seed of the host's
    ``rand()`` (ePython seeds with time x pid; we are deterministic).  ``code_placement``:
    "auto" (on the cores when at most 2048 bytes, as ePython), "core" or "shared".
    ``data_shared``: scalar stack and heap in DRAM from the start (``-datashared``).
    ``timing``: print ``Core N completed in S.UUUUUU seconds`` (emulated) at completion.
    ``host_vcores``: a ``HostVcores`` serving commands 5-8 (default: none, as ePython without
    ``-h``; such requests are then never answered)."""

    def __init__(self, chip, program: Program, cores: Sequence[int], firmware: Optional[str] = None,
                 *, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None,
                 stdin: Optional[TextIO] = None, seed: int = 1, code_placement: str = "auto",
                 data_shared: bool = False, timing: bool = False,
                 poll_cycles: int = DEFAULT_POLL_CYCLES, warn: Optional[TextIO] = None,
                 host_vcores: Optional[HostVcores] = None):
        self.chip = chip
        self.host_vcores = host_vcores
        self.program = program
        self.cores = sorted(set(int(c) for c in cores))
        self.firmware = firmware or DEFAULT_FIRMWARE
        self.stdout, self.stderr, self.stdin = stdout, stderr, stdin
        self.warn = warn if warn is not None else stdout
        self.rand = GlibcRand(seed)
        self.timing = timing
        self.poll_cycles = max(1, int(poll_cycles))
        self.data_shared = data_shared
        if code_placement not in ("auto", "core", "shared"):
            raise MonitorError("code placement must be auto, core or shared")
        self.code_placement = code_placement
        self._check()
        base, ext = chip.engine.ext_region(0)
        if base + L.AREA_OFFSET + L.AREA_SIZE > base + len(ext):
            raise MonitorError("the chip's external memory is too small for the ePython area "
                               f"(needs {L.AREA_OFFSET + L.AREA_SIZE:#x} bytes)")
        self.ext_base = base
        self.ext = ext
        self.area = base + L.AREA_OFFSET                 #: device address of shared_basic
        self.outcomes = {c: CoreOutcome(c) for c in self.cores}
        self._counter = {c: 1 for c in self.cores}       #: ePython's pb[]: busy values handed out
        self._live = np.zeros(L.TOTAL_CORES, dtype=bool)  #: active and not finished
        o = L.AREA_OFFSET
        words = ext[o:o + L.CORE_CTRL_SIZE * L.TOTAL_CORES].view("<u4")
        stride = (L.CORE_CTRL_SIZE,)
        self._busy = as_strided(words[L.CC["core_busy"].offset // 4:], (L.TOTAL_CORES,), stride)
        self._run = as_strided(words[L.CC["core_run"].offset // 4:], (L.TOTAL_CORES,), stride)
        self._loaded = False
        self._deferred = False                           #: a request waits for the host
        self._waiting: set = set()                       #: cores whose request waits for it
        self._new_wait = False                           #: a core started waiting
        self._wake = False                               #: wake() asked the run to look again
        self._stop_asked = False                         #: stop() asked the run to end
        self._host_error = ""
        self.chip_result = None                          #: the last emu.chip.RunResult

    # -- set-up ---------------------------------------------------------------------------------
    def _check(self):
        n = self.chip.ncores
        if not self.cores:
            raise MonitorError("no cores to run on")
        for c in self.cores:
            if c < 0 or c >= min(L.TOTAL_CORES, n):
                raise MonitorError(f"core {c} does not exist (ePython uses cores 0.."
                                   f"{min(L.TOTAL_CORES, n) - 1})")
        code = self.program.code
        if not code or len(code) >= MAX_CODE_SIZE:
            raise MonitorError(f"{len(code)} bytes of bytecode: a program must have 1..65535")
        if not os.path.isfile(self.firmware):
            raise MonitorError(f"device firmware {self.firmware} not found")

    @property
    def code_on_cores(self) -> bool:
        if self.code_placement == "core":
            return True
        if self.code_placement == "shared":
            return False
        return len(self.program.code) <= CORE_CODE_MAX_SIZE

    def _w(self, off: int, fmt: str, *values):
        struct.pack_into("<" + fmt, self.ext, off, *values)

    def _r(self, off: int, fmt: str):
        return struct.unpack_from("<" + fmt, self.ext, off)

    def load(self):
        """Load the firmware on the cores and prepare the run (e-loader + ePython's
        loadCodeOntoEpiphany)."""
        img = _read_firmware(self.firmware)
        chip = self.chip
        chip.load_elf(img, self.cores)
        self._whole_chip_group(img)
        prog = self.program
        o = L.AREA_OFFSET
        self.ext[o:o + L.SHARED_BASIC_SIZE] = 0
        on_core = self.code_on_cores
        if not on_core and self.code_placement == "auto" and self.warn is not None:
            self.warn.write(f"Warning: Your code size of {len(prog.code)} bytes exceeds the "
                            f"{CORE_CODE_MAX_SIZE} byte limit for placement on cores so storing "
                            f"in shared memory\n")
        nsym = prog.nsymbols
        for i in range(L.TOTAL_CORES):
            a = L.core_area(i, self.area, nsym, len(prog.code), on_core, self.data_shared)
            r = o + L.core_ctrl_offset(i)
            for name in ("symbol_table", "stack_start", "heap_start", "shared_heap_start",
                         "shared_stack_start", "postbox_start"):
                self._w(r + L.CC[name].offset, "I", getattr(a, name))
            # a host address in ePython; the device never uses it
            self._w(r + L.CC["host_shared_data_start"].offset, "I", a.shared_heap_start)
        esdata = self.area + L.SHARED_CODE_AREA_START
        nvc = self.host_vcores.count if self.host_vcores is not None else 0
        fields = {"length": len(prog.code), "num_procs": len(self.cores) + nvc,
                  "baseHostPid": len(self.cores), "symbol_size": nsym,
                  "edata": L.code_on_core_address(nsym) if on_core else esdata,
                  "data": esdata, "esdata": esdata, "allInSharedMemory": int(self.data_shared),
                  "codeOnCores": int(on_core)}
        for name, v in fields.items():
            f = L.SB[name]
            self._w(o + f.offset, f.fmt, v)
        c0 = o + L.SHARED_CODE_AREA_START
        self.ext[c0:c0 + len(prog.code)] = np.frombuffer(prog.code, dtype=np.uint8)
        for i in self.cores:
            r = o + L.core_ctrl_offset(i)
            self._w(r + L.CC["core_run"].offset, "I", 1)
            self._w(r + L.CC["active"].offset, "B", 1)
            self._live[i] = True
        self._loaded = True

    def _whole_chip_group(self, img):
        """ePython opens the whole chip and loads each core with e_load: every core's
        workgroup record describes the chip, whatever subset runs (core id = row * cols +
        col)."""
        wg = img.sections.get("workgroup_cfg")
        if wg is None or wg[1] < 0x28:
            return
        c = self.chip.config
        e = self.chip.engine
        chiptype = 0 if (c.rows, c.cols) == (4, 4) else 1
        for k in self.cores:
            cid = e.coreid(k)
            words = [3, chiptype, (c.first_row << 6) | c.first_col, c.first_row, c.first_col,
                     c.rows, c.cols, (cid >> 6) - c.first_row, (cid & 63) - c.first_col,
                     0xDEADBEEF]
            e.mem_write(wg[0], struct.pack("<10I", *words), k)

    # -- requests ---------------------------------------------------------------------------------
    def pending(self) -> np.ndarray:
        """The cores whose mailbox needs the host: live cores with core_busy == 0 (a request,
        or completion when core_run == 0 too).  The one place requests are detected."""
        return np.flatnonzero(self._live & (self._busy == 0))

    def _ctrl(self, core: int) -> int:
        return L.AREA_OFFSET + L.core_ctrl_offset(core)

    def _data(self, core: int, i: int, fmt: str):
        return self._r(self._ctrl(core) + L.CC["data"].offset + i, fmt)[0]

    def _set_data(self, core: int, i: int, fmt: str, v):
        self._w(self._ctrl(core) + L.CC["data"].offset + i, fmt, v)

    def _dev_offset(self, addr: int) -> int:
        off = addr - self.ext_base
        if not 0 <= off < len(self.ext):
            raise MonitorError(f"address {addr:#x} is outside external memory")
        return off

    def _shared_heap(self, core: int) -> int:
        return self.area + L.shared_heap_offset(core)

    def _string_at(self, core: int, offset: int) -> str:
        start = self._dev_offset((self._shared_heap(core) + offset) & 0xFFFFFFFF)
        end = start
        ext = self.ext
        limit = min(len(ext), start + L.SHARED_HEAP_DATA_AREA_PER_CORE)
        while end < limit and ext[end] != 0:
            end += 1
        return bytes(ext[start:end]).decode("utf-8", errors="replace")

    def _alloc_string(self, core: int, text: str) -> Optional[int]:
        """Allocate len+1 bytes in the core's shared heap with ePython's host allocator (first
        fit, the front of a free chunk), copy the string in; offset from the heap start, or
        None when the heap is full."""
        data = text.encode("utf-8", errors="replace") + b"\0"
        size = len(data)
        hdr = L.SHARED_CHUNK_HEADER
        base = self._dev_offset(self._shared_heap(core))
        end = base + L.SHARED_HEAP_DATA_AREA_PER_CORE
        p = base
        while p + hdr <= end:
            length = self._r(p, "I")[0]
            in_use = self.ext[p + 4]
            if not in_use and length >= size:
                if length >= size + hdr:           # split: the rest stays a free chunk
                    self._w(p + hdr + size, "IB", length - size - hdr, 0)
                    self._w(p, "IB", size, 1)
                else:                               # too small to split: take it whole
                    self.ext[p + 4] = 1
                self.ext[p + hdr:p + hdr + size] = np.frombuffer(data, dtype=np.uint8)
                return p + hdr - base
            p += hdr + length
        return None

    def _emit(self, stream: Optional[TextIO], text: str):
        if stream is not None:
            stream.write(text)

    def _format_value(self, core: int, t: int, v: int) -> Optional[str]:
        if t & TYPE_REF_FLAG:
            return format_reference(t, v)
        if t == VType.INT:
            return str(_i32(v))
        if t == VType.REAL:
            return format_real(_f32(v), v)
        if t == VType.BOOLEAN:
            return "true" if _i32(v) > 0 else "false"
        if t == VType.NONE:
            return "NONE"
        if t == VType.STRING:
            return self._string_at(core, v)
        return None                                 # function values: ePython prints nothing

    def serve(self, core: int) -> None:
        """Answer core ``core``'s request (its core_busy is 0)."""
        r = self._ctrl(core)
        run, _, cmd = self._r(r, "III")
        out = self.outcomes[core]
        if run == 0:
            out.finished = True
            out.cycles = int(self.chip.counters(core)["cycles"])
            self._live[core] = False
            self._waiting.discard(core)
            if self.timing:
                us = out.cycles * 1_000_000 // CLOCK_HZ
                self._emit(self.stdout, f"Core {core} completed in {us // 1_000_000}."
                                        f"{us % 1_000_000:06d} seconds\n")
            finished = getattr(self.host_vcores, "finished", None)
            if finished is not None:
                finished(core, out)
            return
        if cmd == 0:
            return                                  # busy = 0 before the first request
        t = self._data(core, L.DATA_TYPE, "B")
        v = self._data(core, L.DATA_VALUE, "I")
        if cmd == Cmd.PRINT:
            text = self._format_value(core, t, v)
            if text is not None:
                out.lines.append(text)
                self._emit(self.stdout, f"[device {core}] {text}\n")
        elif cmd == Cmd.INPUT:
            self._input(core, t, v)
        elif cmd == Cmd.ERROR:
            msg = error_message(self._data(core, 1, "B"))
            out.errors.append(msg)
            self._emit(self.stderr, f"Error from core {core}: {msg}\n")
        elif cmd == Cmd.STRING_CONCAT:
            if not self._concat(core):
                return
        elif cmd >= Cmd.MATH_BASE:
            op = cmd - Cmd.MATH_BASE
            if op == MathOp.RANDOM:
                self._set_data(core, 0, "B", VType.INT)
                self._set_data(core, 1, "I", self.rand.rand())
            else:
                x = _f32(v) if t == VType.REAL else float(_i32(v)) if t == VType.INT else 0.0
                r32 = _to_f32_bits(_maths(op, x))
                self._set_data(core, 0, "B", VType.REAL)
                self._set_data(core, 1, "I", r32)
        elif not self._vcore_request(core, cmd):
            if core not in self._waiting:           # not answered (yet): the core waits
                self._waiting.add(core)
                self._new_wait = True
            self._deferred = True
            return
        self._waiting.discard(core)
        self._w(r + L.CC["core_command"].offset, "I", 0)
        self._counter[core] += 1
        self._w(r + L.CC["core_busy"].offset, "I", self._counter[core])

    def _vcore_request(self, core: int, cmd: int) -> bool:
        """Commands 5-8: data[0..3] the host vcore's id, data[5] type, data[6..9] value; a
        receive answers in data[5], data[6..9]; a sendrecv in data[11], data[12..15]."""
        h = self.host_vcores
        if h is None or cmd not in (Cmd.SEND_HOST, Cmd.RECV_HOST, Cmd.SENDRECV_HOST,
                                    Cmd.SYNC_HOST):
            return False
        pid = self._data(core, L.DATA_PID, "i")
        t, v = self._data(core, L.DATA_MSG_TYPE, "B"), self._data(core, L.DATA_MSG_VALUE, "I")
        if cmd == Cmd.SEND_HOST:
            return bool(h.send(core, pid, t, v))
        if cmd == Cmd.SYNC_HOST:
            return bool(h.sync(core))
        reply = h.recv(core, pid) if cmd == Cmd.RECV_HOST else h.sendrecv(core, pid, t, v)
        if reply is None:
            return False
        if cmd == Cmd.RECV_HOST:
            at, vat = L.DATA_MSG_TYPE, L.DATA_MSG_VALUE
        else:       # data[12..15]: the last byte lands on `active` (data has 15 bytes), as in ePython
            at, vat = L.DATA_SENDRECV_TYPE, L.DATA_SENDRECV_VALUE
        self._set_data(core, at, "B", reply[0])
        self._set_data(core, vat, "I", reply[1] & 0xFFFFFFFF)
        return True

    def _input(self, core: int, t: int, v: int):
        if t == VType.STRING:
            self._emit(self.stdout, f"[device {core}] {self._string_at(core, v)}")
        else:
            self._emit(self.stdout, f"device {core}> ")
        if self.stdout is not None:
            self.stdout.flush()
        line = self.stdin.readline() if self.stdin is not None else ""
        line = line.split("\n", 1)[0][:INPUT_MAX]
        kind = input_type(line)
        if kind == VType.INT:
            self._set_data(core, 0, "B", VType.INT)
            self._set_data(core, 1, "I", _atoi(line) & 0xFFFFFFFF)
        elif kind == VType.REAL:
            self._set_data(core, 0, "B", VType.REAL)
            self._set_data(core, 1, "I", _to_f32_bits(_atof(line)))
        else:
            off = self._alloc_string(core, line)
            if off is None:
                off = self._heap_full(core)
            self._set_data(core, 0, "B", VType.STRING)
            self._set_data(core, 1, "I", off)

    def _operand(self, core: int, t: int, v: int) -> str:
        if t == VType.STRING:
            return self._string_at(core, v)
        if t & TYPE_REF_FLAG:
            return "0x%x" % (v & 0xFFFFFFFF)
        text = self._format_value(core, t, v)
        return "" if text is None else text

    def _concat(self, core: int) -> bool:
        t1, v1 = self._data(core, 0, "B"), self._data(core, 1, "I")
        t2, v2 = self._data(core, 5, "B"), self._data(core, 6, "I")
        text = self._operand(core, t1, v1) + self._operand(core, t2, v2)
        off = self._alloc_string(core, text)
        if off is None:
            off = self._heap_full(core)
        self._set_data(core, L.DATA_CONCAT_RESULT, "I", off)
        return True

    def _heap_full(self, core: int) -> int:
        """The host found no room for a string in the core's shared heap (ePython's host would
        crash): report it as the core's error and end the run."""
        msg = error_message(Err.OUT_OF_SHARED_HEAP_MEM)
        self.outcomes[core].errors.append(msg)
        self._emit(self.stderr, f"Error from core {core}: {msg}\n")
        self._host_error = f"core {core}: no room for a string in its shared heap"
        return 0

    # -- running ----------------------------------------------------------------------------------
    def wake(self) -> None:
        """A request that the host vcores could not answer may be answerable now: a run in
        another thread serves it at its next slice boundary instead of at the next poll.
        Safe to call from any thread."""
        self._wake = True
        self.chip.engine.request_stop()

    def stop(self) -> None:
        """End ``run`` (in another thread) with stop "interrupted" at its next slice boundary.
        Safe to call from any thread; a ``HostVcores.idle`` that blocks must return too."""
        self._stop_asked = True
        self.chip.engine.request_stop()

    def run(self, max_cycles: int = 0) -> MonitorResult:
        """Run until every core completed (or a fault, a deadlock, ``max_cycles`` of global
        emulated time)."""
        if not self._loaded:
            self.load()
        chip = self.chip
        engine = chip.engine
        watches = [engine.watch_add(self.area + L.core_ctrl_offset(c),
                                    self.area + L.core_ctrl_offset(c) + 8) for c in self.cores]
        chip.watch_handler = self._on_watch
        try:
            return self._run_loop(max_cycles)
        finally:
            chip.watch_handler = None
            for w in watches:
                engine.watch_remove(w)

    def _serve_pending(self, retry: bool = True) -> int:
        """Serve the cores that asked; those already waiting for a host vcore only with
        ``retry`` (at a poll, after wake() or idle())."""
        self._deferred = False
        n = 0
        for core in self.pending():
            core = int(core)
            if retry or core not in self._waiting:
                self.serve(core)
                n += 1
        self._deferred = bool(self._waiting)
        return n

    def _on_watch(self, k: int, info) -> bool:
        """A core wrote its core_run or core_busy word: serve the new requests; go on unless
        the host failed or a core started waiting for a host vcore (the run loop then bounds
        the run by the polling period, or lets the host vcores wait while every core waits)."""
        self._new_wait = False
        self._serve_pending(retry=False)
        return not self._host_error and not self._new_wait

    def _all_waiting(self) -> List[int]:
        """The live cores, when every one of them waits for a host vcore (else [])."""
        waiting = self.pending()
        if not hasattr(self.host_vcores, "idle") or not len(waiting) or \
                len(waiting) != int(np.count_nonzero(self._live)):
            return []
        return [int(c) for c in waiting]

    def _run_loop(self, max_cycles: int) -> MonitorResult:
        chip = self.chip
        engine = chip.engine
        while True:
            if self._stop_asked:
                return self._result("interrupted", None, "interrupted")
            waiting = self._all_waiting() if self._deferred else []
            if waiting:
                self.host_vcores.idle(waiting)      # the chip has nothing to do meanwhile
                if self._stop_asked:
                    return self._result("interrupted", None, "interrupted")
                self._serve_pending()
                if self._host_error:
                    return self._result("host_error", None, self._host_error)
            limit = max_cycles
            if self._deferred:
                limit = engine.now + self.poll_cycles
                if max_cycles:
                    limit = min(limit, max_cycles)
            res = chip.run(max_cycles=limit)
            self.chip_result = res
            served = self._serve_pending(retry=res.stop != "watch")
            if self._host_error:
                return self._result("host_error", None, self._host_error)
            stop = res.stop
            if stop == "exit":
                return self._result("exit")
            if stop == "max_cycles":
                if max_cycles and engine.now >= max_cycles:
                    return self._result("max_cycles", None,
                                        f"stopped after {max_cycles} cycles of emulated time")
                continue
            if stop in ("deadlock", "all_idle") and (served or self._deferred):
                continue
            if stop == "watch":
                continue                            # a request waits for a host vcore
            if stop in ("deadlock", "all_idle"):
                waiting = [c for c in self.cores if not self.outcomes[c].finished]
                if len(waiting) == 1:
                    message = f"deadlock: core {waiting[0]} waits forever"
                else:
                    message = ("deadlock: cores " + ", ".join(map(str, waiting))
                               + " wait for each other forever")
                return self._result("deadlock", None, message)
            if stop == "user":
                if self._wake and not self._stop_asked:
                    self._wake = False              # wake(): look at the requests again
                    continue
                return self._result("interrupted", None, "interrupted")
            return self._result(stop, res.fault, _fault_line(chip, res.fault))

    def _result(self, stop: str, fault=None, message: str = "") -> MonitorResult:
        for c in self.cores:
            out = self.outcomes[c]
            if out.finished and out.cycles is None:
                out.cycles = int(self.chip.counters(c)["cycles"])
        return MonitorResult(stop, self.outcomes, int(self.chip.engine.now), fault, message)


def _fault_line(chip, fault) -> str:
    if fault is None:
        return ""
    return (f"{fault.kind} on core {fault.core} at pc {fault.pc:#x} (address {fault.addr:#x}, "
            f"{fault.size} bytes)")
