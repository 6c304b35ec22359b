"""The host side in Python: e-hal's verbs on the emulated chip, with Unicorn's habits.

A Parallella program has two halves: device ELFs and a host program that drives the chip
through the ESDK's e-hal and polls shared memory while the cores run.  This module is that
host API for Python (``libe-hal``, the C library, serves C host programs the same way)::

    import emu
    p = emu.Platform()                           # e_init: the Parallella's E16G301 + 32 MB DRAM
    dev = p.open(0, 0, 4, 4)                     # e_open: a 4x4 workgroup
    buf = p.alloc(0x01000000, 4096, "results")   # e_alloc: DRAM at 0x8F000000 (numpy view)
    dev.load("matmul.elf", start=False)          # e_load_group
    dev.write(0, 0, 0x6000, b"...")              # e_write to core (0,0)'s memory
    dev.start()                                  # e_start_group
    run = p.run_async()                          # the chip runs in a thread (GIL released)
    while buf.u32[0] != 16:                      # ... while the host polls memory
        time.sleep(0.001)
    res = run.wait()

Stops are ``emu.stops.Stop`` (an IntEnum); a result names the core and PC that stopped.
Errors are ``HalError`` (with e-hal's return code) and its subclasses.  Hooks (``on_write``,
``on_code``, ``on_interrupt``) call back into Python when a core writes a watched range,
reaches an address or enters an interrupt handler; they run in the thread that runs the
chip.  Coordinates are workgroup-relative (row, col) as in e-hal.
"""
from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from isa import regs
from loader.elf import LoadError, LoadImage, read_elf

from .chip import DRAM_BASE, Chip, ChipConfig, RunResult
from .stops import Stop
from .syscalls import HostIO

#: e-hal return codes (e-hal.h: E_OK, E_ERR, E_WARN)
E_OK, E_ERR, E_WARN = 0, -1, -2
#: e-hal's platform version string
PLATFORM_VERSION = "epiphany-emu"


class HalError(Exception):
    """A call that e-hal would answer with E_ERR (``code``); the message says why."""
    code = E_ERR


class HalRangeError(HalError, ValueError):
    """An access outside a core's memory, a buffer or the workgroup."""


class HalStateError(HalError, RuntimeError):
    """A call that the state does not allow (the chip is running, closed ...)."""


class HalLoadError(HalError):
    """An executable that cannot be loaded."""


@dataclass
class Buffer:
    """A DRAM buffer of e_alloc (offset from the external memory base, 0x8E000000 on the
    Parallella).  ``array`` is a zero-copy numpy view (uint8); ``u32``/``f32``... typed views;
    ``device_address`` what the cores use."""
    name: str
    offset: int
    size: int
    array: np.ndarray
    device_address: int

    def read(self, off: int, n: int) -> bytes:
        self._check(off, n)
        return self.array[off:off + n].tobytes()

    def write(self, off: int, data) -> None:
        data = bytes(data)
        self._check(off, len(data))
        self.array[off:off + len(data)] = np.frombuffer(data, dtype=np.uint8)

    def view(self, dtype) -> np.ndarray:
        """The buffer as an array of ``dtype`` (its size must be a multiple)."""
        return self.array.view(dtype)

    @property
    def u32(self) -> np.ndarray:
        return self.array[: self.size // 4 * 4].view("<u4")

    @property
    def i32(self) -> np.ndarray:
        return self.array[: self.size // 4 * 4].view("<i4")

    @property
    def f32(self) -> np.ndarray:
        return self.array[: self.size // 4 * 4].view("<f4")

    def _check(self, off: int, n: int) -> None:
        if off < 0 or n < 0 or off + n > self.size:
            raise HalRangeError(f"{n} bytes at offset {off:#x} lie outside buffer "
                                f"{self.name!r} ({self.size:#x} bytes)")


@dataclass
class HalResult:
    """Why a run ended: ``stop`` (emu.stops.Stop) and the core (workgroup index into the
    chip, its coreid) and PC where it happened (None when no core stopped it)."""
    stop: Stop
    core: Optional[int]
    coreid: Optional[int]
    pc: Optional[int]
    cycles: int
    run: RunResult

    @property
    def exit_code(self) -> int:
        return self.run.exit_code


class Hook:
    """A registered callback (``Platform.remove(hook)`` unregisters it)."""

    def __init__(self, kind: str, callback: Callable, lo: int = 0, hi: int = 0,
                 cores: Optional[Sequence[int]] = None):
        self.kind, self.callback, self.lo, self.hi = kind, callback, lo, hi
        self.cores = None if cores is None else set(cores)
        self.handle = None       #: the engine's id (watch) or address (breakpoint)


class RunHandle:
    """A run in a background thread (``Platform.run_async``)."""

    def __init__(self, platform: "Platform", kwargs):
        self._platform = platform
        self._result: Optional[HalResult] = None
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._body, args=(kwargs,), daemon=True,
                                        name="epiphany-emu run")
        self._thread.start()

    def _body(self, kwargs):
        try:
            self._result = self._platform._run(**kwargs)
        except BaseException as e:          # handed to wait()
            self._error = e

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self, timeout: Optional[float] = None) -> Optional[HalResult]:
        """The result once the run ended (None if ``timeout`` seconds passed first)."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            return None
        if self._error is not None:
            raise self._error
        return self._result

    def stop(self, timeout: Optional[float] = None) -> Optional[HalResult]:
        """Ask the run to stop (at its next slice boundary) and wait for it."""
        self._platform.stop()
        return self.wait(timeout)


class Platform:
    """The emulated board: one chip and its external memory (e_init ... e_finalize)."""

    def __init__(self, config: Optional[ChipConfig] = None, hostio: Optional[HostIO] = None):
        self.config = config or ChipConfig()
        self.chip = Chip(self.config, hostio)
        self.engine = self.chip.engine
        self.chip.loaded_cores = []
        self._buffers: Dict[str, Buffer] = {}
        self._hooks: List[Hook] = []
        self._lock = threading.RLock()
        self._running = False
        self._stop_asked = False
        self._closed = False
        self.chip.watch_handler = self._on_watch

    # -- e_get_platform_info ---------------------------------------------------------------------
    def info(self) -> dict:
        """Like e_platform_t: chip geometry and the external memory."""
        c = self.config
        base, size = (c.ext[0][0], c.ext[0][1]) if c.ext else (DRAM_BASE, 0)
        return dict(version=PLATFORM_VERSION, row=c.first_row, col=c.first_col, rows=c.rows,
                    cols=c.cols, num_chips=1, num_emems=1 if c.ext else 0,
                    chip_type="E16G301" if (c.rows, c.cols) == (4, 4) else "E64G401",
                    emem_base=base, emem_size=size)

    # -- workgroups -----------------------------------------------------------------------------
    def open(self, row: int = 0, col: int = 0, rows: Optional[int] = None,
             cols: Optional[int] = None) -> "Workgroup":
        """e_open: the rows x cols workgroup whose core (0,0) is (row, col) of the chip."""
        self._alive()
        c = self.config
        rows = c.rows - row if rows is None else rows
        cols = c.cols - col if cols is None else cols
        try:
            cores = self.chip.group(rows, cols, row, col)
        except ValueError as e:
            raise HalRangeError(str(e)) from None
        return Workgroup(self, row, col, rows, cols, cores)

    def reset_system(self) -> None:
        """e_reset_system: every core reset (registers, idle), memory kept."""
        self._idle_check("e_reset_system")
        for k in range(self.chip.ncores):
            self.engine.reset_core(k)
        self.chip.loaded_cores = []

    # -- external memory ---------------------------------------------------------------------
    def alloc(self, offset: int, size: int, name: Optional[str] = None) -> Buffer:
        """e_alloc: ``size`` bytes at ``offset`` from the external memory's base."""
        self._alive()
        base, ext = self.engine.ext_region(0)
        if offset < 0 or size <= 0 or offset + size > len(ext):
            raise HalRangeError(f"{size:#x} bytes at offset {offset:#x} do not fit the "
                                f"{len(ext) >> 20} MB of external memory")
        name = name or f"buf{len(self._buffers)}@{offset:#x}"
        b = Buffer(name, offset, size, ext[offset:offset + size], base + offset)
        self._buffers[name] = b
        return b

    def free(self, buf: Buffer) -> None:
        """e_free (the memory stays; the name is forgotten)."""
        self._buffers.pop(buf.name, None)

    def buffer(self, name: str) -> Buffer:
        try:
            return self._buffers[name]
        except KeyError:
            raise HalError(f"no buffer named {name!r}") from None

    @property
    def dram(self) -> np.ndarray:
        """The whole external memory as a zero-copy numpy view."""
        return self.engine.ext_region(0)[1]

    def mem_read(self, addr: int, n: int) -> bytes:
        """Any global address (a core's memory, external memory)."""
        try:
            return self.chip.mem_read(addr, n)
        except ValueError as e:
            raise HalRangeError(str(e)) from None

    def mem_write(self, addr: int, data) -> None:
        try:
            self.chip.mem_write(addr, bytes(data))
        except ValueError as e:
            raise HalRangeError(str(e)) from None

    # -- running ---------------------------------------------------------------------------------
    def run(self, until_cycle: Optional[int] = None, count: Optional[int] = None,
            until_pc: Optional[int] = None, timeout: Optional[float] = None) -> HalResult:
        """Run the chip (in this thread; the core loop releases the GIL) until a stop: every
        loaded core done or idle for good, a fault, ``until_cycle`` of emulated time,
        ``count`` instructions over the chip (checked every few hundred cycles),
        ``until_pc`` reached by a core (before it runs), ``timeout`` wall seconds or
        ``stop()`` from another thread (Stop.USER)."""
        return self._run(until_cycle=until_cycle, count=count, until_pc=until_pc,
                         timeout=timeout)

    def run_async(self, **kwargs) -> RunHandle:
        """``run`` in a background thread: the host program polls memory meanwhile."""
        self._idle_check("run")
        return RunHandle(self, kwargs)

    def stop(self) -> None:
        """Stop a run (from a hook, another thread, a signal handler)."""
        self._stop_asked = True
        self.engine.request_stop()

    @property
    def running(self) -> bool:
        return self._running

    def _run(self, until_cycle=None, count=None, until_pc=None, timeout=None) -> HalResult:
        self._idle_check("run")
        import time
        self._running = True
        self._stop_asked = False
        deadline = None if timeout is None else time.monotonic() + timeout
        temp_break = until_pc is not None and until_pc not in self.engine.breaks()
        if temp_break:
            self.engine.break_add(until_pc)
        try:
            while True:
                limit = until_cycle or 0
                if count is not None or deadline is not None:
                    step = max(1, self.config.quantum)
                    limit = min(limit, self.engine.now + step) if limit else \
                        self.engine.now + step
                res = self.chip.run(max_cycles=limit)
                if self._stop_asked:
                    return self._result(Stop.USER, res)
                if res.stop == Stop.BRK:
                    k = res.core
                    pc = self.engine.get_pc(k)
                    if until_pc is not None and pc == until_pc:
                        return self._result(Stop.BRK, res, k)
                    if self._code_hooks(k, pc):
                        continue
                    return self._result(Stop.BRK, res, k)
                if res.stop == Stop.IRQ:
                    self._irq_hooks(res.core)
                    if self._stop_asked:
                        return self._result(Stop.USER, res)
                    continue
                if res.stop == Stop.MAX_CYCLES:
                    if until_cycle and self.engine.now >= until_cycle:
                        return self._result(res.stop, res)
                    if count is not None and self._instructions() >= count:
                        return self._result(res.stop, res)
                    if deadline is not None and time.monotonic() >= deadline:
                        return self._result(Stop.USER, res)
                    continue
                stop = res.stop
                if stop == Stop.DEADLOCK and all(
                        self.engine.core_flags(k)["idle"] or self.engine.core_flags(k)["exited"]
                        for k in self.chip.loaded_cores):
                    stop = Stop.ALL_IDLE        # asleep, waiting for the host: not stuck
                return self._result(stop, res, res.core)
        finally:
            if temp_break:
                self.engine.break_remove(until_pc)
            self._running = False

    def _instructions(self) -> int:
        return sum(self.engine.counters(k)["instructions"] for k in range(self.chip.ncores))

    def _result(self, stop, res: RunResult, core: Optional[int] = None) -> HalResult:
        pc = res.pc if core is not None and res.pc is not None else (
            self.engine.get_pc(core) if core is not None else None)
        cid = self.chip.coreid(core) if core is not None else None
        return HalResult(Stop.of(stop), core, cid, pc, int(self.engine.now), res)

    # -- hooks ----------------------------------------------------------------------------------
    def on_write(self, lo: int, hi: int, callback: Callable[[int, int, int], None],
                 cores: Optional[Sequence[int]] = None) -> Hook:
        """Call ``callback(core, addr, size)`` after a core stores into [lo, hi) (global
        addresses: a mailbox word in DRAM, a core's memory).  The chip waits meanwhile."""
        h = Hook("write", callback, lo, hi, cores)
        h.handle = self.engine.watch_add(lo, hi)
        self._hooks.append(h)
        return h

    def on_code(self, addr: int, callback: Callable[[int, int], None],
                cores: Optional[Sequence[int]] = None) -> Hook:
        """Call ``callback(core, pc)`` when a core is about to execute the instruction at
        ``addr`` (local addresses match every core)."""
        h = Hook("code", callback, addr, addr + 2, cores)
        if addr not in self.engine.breaks():
            self.engine.break_add(addr)
        h.handle = addr
        self._hooks.append(h)
        return h

    def on_interrupt(self, callback: Callable[[int, int], None],
                     cores: Optional[Sequence[int]] = None) -> Hook:
        """Call ``callback(core, irq)`` when a core enters an interrupt handler (irq: 0 SYNC
        ... 9 USER, isa.regs.IRQ)."""
        h = Hook("irq", callback, cores=cores)
        self._hooks.append(h)
        self.engine.set_irq_stop(True)
        return h

    def remove(self, hook: Hook) -> None:
        if hook not in self._hooks:
            return
        self._hooks.remove(hook)
        if hook.kind == "write":
            self.engine.watch_remove(hook.handle)
        elif hook.kind == "code":
            if not any(h.kind == "code" and h.handle == hook.handle for h in self._hooks):
                self.engine.break_remove(hook.handle)
        elif hook.kind == "irq":
            self.engine.set_irq_stop(any(h.kind == "irq" for h in self._hooks))

    def _on_watch(self, k: int, info) -> bool:
        addr, size = info["addr"], info["size"]
        for h in list(self._hooks):
            if h.kind == "write" and h.lo < addr + size and addr < h.hi and \
                    (h.cores is None or k in h.cores):
                h.callback(k, addr, size)
        return not self._stop_asked

    def _code_hooks(self, k: int, pc: int) -> bool:
        """Code hooks at pc; True when the stop was theirs (run on)."""
        mine = False
        for h in list(self._hooks):
            if h.kind == "code" and (h.handle == pc or h.handle == (pc & 0xFFFFF)):
                mine = True
                if h.cores is None or k in h.cores:
                    h.callback(k, pc)
        return mine and not self._stop_asked

    def _irq_hooks(self, k: int) -> None:
        irq = self.engine.stop_info(k)["irq"]
        for h in list(self._hooks):
            if h.kind == "irq" and (h.cores is None or k in h.cores):
                h.callback(k, irq)

    # -- life cycle -----------------------------------------------------------------------------
    def close(self) -> None:
        """e_finalize."""
        if self._running:
            self.stop()
        self.chip.close()
        self._closed = True

    finalize = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _alive(self):
        if self._closed:
            raise HalStateError("the platform was finalized")

    def _idle_check(self, what: str):
        self._alive()
        if self._running:
            raise HalStateError(f"{what}: the chip is running (stop it first)")


class Workgroup:
    """An e_open'd workgroup (e_epiphany_t): rows x cols cores from (row, col) of the chip."""

    def __init__(self, platform: Platform, row: int, col: int, rows: int, cols: int,
                 cores: List[int]):
        self.platform = platform
        self.row, self.col, self.rows, self.cols = row, col, rows, cols
        self.cores = cores             #: chip core indices, row-major
        self.image: Optional[LoadImage] = None

    # -- coordinates ------------------------------------------------------------------------------
    def core(self, row: int, col: int) -> int:
        """The chip core index of workgroup core (row, col)."""
        if not (0 <= row < self.rows and 0 <= col < self.cols):
            raise HalRangeError(f"core ({row},{col}) is outside the {self.rows}x{self.cols} "
                                "workgroup")
        return self.cores[row * self.cols + col]

    def coreid(self, row: int, col: int) -> int:
        return self.platform.chip.coreid(self.core(row, col))

    def global_address(self, row: int, col: int, addr: int) -> int:
        """e_get_global_address: a local address of core (row, col) seen from anywhere."""
        return (self.coreid(row, col) << 20) | (addr & 0xFFFFF) if addr < 0x100000 else addr

    def _select(self, row, col, rows, cols) -> List[int]:
        if row is None:
            return list(self.cores)
        rows = 1 if rows is None else rows
        cols = 1 if cols is None else cols
        return [self.core(row + r, col + c) for r in range(rows) for c in range(cols)]

    # -- loading and control --------------------------------------------------------------------
    def load(self, path_or_image, row: Optional[int] = None, col: Optional[int] = None,
             rows: Optional[int] = None, cols: Optional[int] = None,
             start: bool = False) -> LoadImage:
        """e_load (one core: row, col) / e_load_group (a sub-group, default all), like
        e-loader: soft reset, memory cleared, segments copied, loader records written;
        started with ``start``."""
        p = self.platform
        p._idle_check("e_load")
        cores = self._select(row, col, rows, cols)
        try:
            img = path_or_image if isinstance(path_or_image, LoadImage) else \
                read_elf(path_or_image)
            p.chip.load_elf(img, cores, start=start)
        except (LoadError, OSError) as e:
            raise HalLoadError(str(e)) from None
        p.chip.loaded_cores = sorted(set(p.chip.loaded_cores) | set(cores))
        self.image = img
        return img

    def start(self, row: Optional[int] = None, col: Optional[int] = None) -> None:
        """e_start (one core) / e_start_group (all): the SYNC interrupt to loaded cores."""
        self.platform._alive()
        cores = [k for k in self._select(row, col, None, None) if k in
                 self.platform.chip.loaded_cores]
        self.platform.chip.start(cores)

    def signal(self, row: int, col: int) -> None:
        """e_signal: the user interrupt (ILATST bit 9)."""
        self._sreg_write(row, col, "ILATST", 1 << regs.IRQ["USER"])

    def halt(self, row: int, col: int) -> None:
        """e_halt: DEBUGCMD = 1."""
        self.platform.engine.set_halted(self.core(row, col), True)

    def resume(self, row: int, col: int) -> None:
        """e_resume: DEBUGCMD = 0."""
        self.platform.engine.set_halted(self.core(row, col), False)

    def reset(self) -> None:
        """e_reset_group: every core of the group reset (registers cleared, idle)."""
        p = self.platform
        p._idle_check("e_reset_group")
        for k in self.cores:
            p.engine.reset_core(k)
        p.chip.loaded_cores = [k for k in p.chip.loaded_cores if k not in self.cores]

    def close(self) -> None:
        """e_close (nothing to release)."""

    # -- memory and registers ----------------------------------------------------------------
    def read(self, row: int, col: int, addr: int, n: int) -> bytes:
        """e_read of core (row, col)'s memory (local address, or a register's 0xF0xxx)."""
        k = self.core(row, col)
        if 0xF0000 <= addr < 0x100000:
            if n != 4 or addr & 3:
                raise HalRangeError("registers are read 4 bytes at a time, aligned")
            return struct.pack("<I", self.platform.engine.sreg_read(k, addr))
        try:
            return self.platform.engine.mem_read(addr, n, k)
        except ValueError as e:
            raise HalRangeError(f"core ({row},{col}): {e}") from None

    def write(self, row: int, col: int, addr: int, data) -> None:
        """e_write to core (row, col)'s memory or a register."""
        k = self.core(row, col)
        data = bytes(data)
        if 0xF0000 <= addr < 0x100000:
            if len(data) != 4 or addr & 3:
                raise HalRangeError("registers are written 4 bytes at a time, aligned")
            self.platform.engine.sreg_write(k, addr, struct.unpack("<I", data)[0])
            return
        try:
            self.platform.engine.mem_write(addr, data, k)
        except ValueError as e:
            raise HalRangeError(f"core ({row},{col}): {e}") from None

    def mem(self, row: int, col: int) -> np.ndarray:
        """Core (row, col)'s local memory as a zero-copy numpy view (uint8)."""
        return self.platform.engine.sram(self.core(row, col))

    def reg_read(self, row: int, col: int, name: str) -> int:
        """A register by name: r0..r63 (and aliases), or a special register (CONFIG, STATUS,
        PC, ILAT, ...)."""
        try:
            return self.platform.chip.reg_read(self.core(row, col), name)
        except KeyError as e:
            raise HalError(str(e)) from None

    def reg_write(self, row: int, col: int, name: str, value: int) -> None:
        try:
            self.platform.chip.reg_write(self.core(row, col), name, value)
        except KeyError as e:
            raise HalError(str(e)) from None

    def _sreg_write(self, row, col, name, value):
        self.platform.engine.sreg_write(self.core(row, col), regs.SREG_BY_NAME[name].offset,
                                        value)

    def counters(self, row: int, col: int) -> dict:
        """The core's counters (instructions, cycles, stalls, traffic)."""
        return self.platform.chip.counters(self.core(row, col))
