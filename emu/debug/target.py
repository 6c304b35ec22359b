"""The debug target: one emulated chip seen the way a debugger sees it, on the engine's hooks.

Both front ends use it: the GDB remote-serial-protocol server (``emu.debug.server``) and the
built-in debugger (``emu.debug.cli``).  Every core of the workgroup is a thread; the target is
all-stop (the whole chip runs or none of it does; emulated time does not move while stopped).

* registers in the numbering of the Epiphany GDB (``REG_NAMES``: r0..r63, then 42 special
  registers in the order of GDB 8.2's ``epiphany-tdep.c``; see docs/debugging.md);
* memory at any chip address: a core's local space, other cores' SRAM and registers, DRAM;
* breakpoints are the engine's host breakpoints (``Engine.break_add``: the core stops before
  the instruction, nothing in memory changes, no cycle is added); watchpoints its watched
  ranges (``Engine.watch_add``: stores, and loads for read/access watchpoints);
* one instruction of one core is stepped by planting temporary breakpoints, for that core
  only, on every address its instruction can lead to, with interrupt-entry stops on, and
  running the chip: the other cores run meanwhile (or are held, when only that thread is
  resumed), and no cycle differs from a run without the debugger.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from isa import regs as isa_regs
from isa.decoder import decode
from loader.symbols import symbolizer

from ..chip import Chip, RunResult
from ..report import deadlock_report, fault_report
from ..stops import Stop

#: The Epiphany GDB's registers, in its numbering (= the order of the 'g' packet, 4 bytes
#: each, little-endian): epiphany-tdep.c of Adapteva's GDB 8.2 (epiphany_register_name), as
#: e-server serves them (GdbServer.h NUM_REGS = 64 + 42, Thread::regAddr).
REG_NAMES: Tuple[str, ...] = tuple(
    ["r%d" % n for n in range(12)] + ["ip", "sp", "lr", "fp"] +
    ["r%d" % n for n in range(16, 64)] +
    ["config", "status", "pc", "debugstatus", "lc", "ls", "le", "iret", "imask", "ilat",
     "ilatst", "ilatcl", "ipend", "fstatus", "debugcmd", "resetcore", "ctimer0", "ctimer1",
     "memstatus", "memprotect",
     "dma0config", "dma0stride", "dma0count", "dma0srcaddr", "dma0dstaddr", "dma0auto0",
     "dma0auto1", "dma0status",
     "dma1config", "dma1stride", "dma1count", "dma1srcaddr", "dma1dstaddr", "dma1auto0",
     "dma1auto1", "dma1status",
     "meshconfig", "coreid", "multicast", "cmeshroute", "xmeshroute", "rmeshroute"])
NUM_REGS = len(REG_NAMES)            #: 106
PC_REGNUM = REG_NAMES.index("pc")    #: 66
SP_REGNUM = 13
STATUS_REGNUM = REG_NAMES.index("status")

#: the memory-mapped offset of each special register (None: not on the E16G301, the
#: Epiphany-IV mesh routing registers: reported as unavailable)
_SCR_OFFSET: Dict[str, Optional[int]] = {
    n: (isa_regs.SREG_BY_NAME[n.upper()].offset if n.upper() in isa_regs.SREG_BY_NAME else None)
    for n in REG_NAMES[64:]}

#: GDB's signal numbers (gdb/signals.def)
SIGINT, SIGILL, SIGTRAP, SIGBUS, SIGSEGV, SIGKILL, SIGSTOP, SIGXCPU = 2, 4, 5, 10, 11, 9, 17, 24
SIGNAL_NAMES = {SIGINT: ("SIGINT", "Interrupt"), SIGILL: ("SIGILL", "Illegal instruction"),
                SIGTRAP: ("SIGTRAP", "Trace/breakpoint trap"), SIGBUS: ("SIGBUS", "Bus error"),
                SIGSEGV: ("SIGSEGV", "Segmentation fault"), SIGKILL: ("SIGKILL", "Killed"),
                SIGSTOP: ("SIGSTOP", "Stopped (signal)"),
                SIGXCPU: ("SIGXCPU", "CPU time limit exceeded")}
#: the signal of each fault stop
FAULT_SIGNAL = {"unaligned": SIGBUS, "mem_fault": SIGSEGV, "fetch_fault": SIGSEGV,
                "dma_fault": SIGSEGV, "invalid_insn": SIGILL, "breakpoint": SIGTRAP}

LOCAL_SPACE = isa_regs.LOCAL_SPACE
MMR_LO, MMR_HI = isa_regs.MMR_BASE, isa_regs.MMR_END
BKPT_SIZE = 2

WATCH_KINDS = ("watch", "rwatch", "awatch")      #: write, read, access (GDB Z2, Z3, Z4)


class TargetError(Exception):
    """A request the target refuses (bad address, unknown thread ...)."""


@dataclass
class StopEvent:
    """Why the chip stopped, for a debugger.

    reason: breakpoint (a debugger breakpoint), step (a step finished), watch, interrupt
    (Ctrl-C), signal (a fault or the program's BKPT: ``signal``), exited, deadlock,
    max_cycles."""
    reason: str
    core: Optional[int] = None
    signal: int = SIGTRAP
    exit_code: Optional[int] = None
    watch: Optional[Tuple[str, int]] = None      #: (kind, address within the watchpoint)
    access: Optional[Tuple[int, int, bool]] = None   #: watch: (addr, size, store) of the access
    report: List[str] = field(default_factory=list)  #: fault or deadlock report lines
    result: Optional[RunResult] = None


@dataclass
class Watchpoint:
    kind: str
    addr: int           #: as the client gave it (a local address: that core's memory)
    length: int
    wid: int
    glo: int = 0        #: the global address watched


class Target:
    """A chip with its program loaded, stopped before its first instruction.

    ``follow``: the threads are the cores loaded on the chip as they change (its
    ``loaded_cores``; every core while there is none), and the image is the one loaded last
    (``epiphany-emu serve --gdb``: a host program loads and starts cores while a debugger is
    attached).  ``run_chip`` is what runs the chip for the debugger (``Chip.run`` unless the
    owner of the chip runs it its own way: the server runs it in time slices, serving host
    requests between them, and calls ``between`` there)."""

    def __init__(self, chip: Chip, image=None, cores: Optional[Sequence[int]] = None,
                 max_cycles: int = 0, follow: bool = False):
        self.chip = chip
        self.engine = chip.engine
        self._image = None if follow else (image if image is not None else chip.image)
        self._cores: Optional[List[int]] = None if follow else list(
            cores if cores is not None else (chip.loaded_cores or range(chip.ncores)))
        self.max_cycles = max_cycles
        self.run_chip: Callable[[int], RunResult] = chip.run
        self.between: Optional[Callable[[], None]] = None
        self.breaks: Dict[int, int] = {}      # address -> references (user and temporary)
        self.user_breaks: Dict[int, int] = {}  # address -> references (debugger breakpoints)
        self.watches: List[Watchpoint] = []
        self.finished: Optional[StopEvent] = None   # the exit, once it happened
        self._armed: Dict[int, Tuple[int, int]] = {}   # core -> (pc, instructions) at BRK
        self._over: Optional[int] = None
        self._bkpt_halted: Set[int] = set()
        self._lock = threading.Lock()
        self._running = False
        self._interrupted = False
        self.last_stop: Optional[StopEvent] = None
        # stores hitting ranges watched by someone else (the host API's write hooks) are
        # theirs; ours stop the run
        self._outer_watch = chip.watch_handler
        chip.watch_handler = self._on_watch

    @property
    def cores(self) -> List[int]:
        """The cores of the workgroup (GDB's threads, with the exited ones)."""
        if self._cores is not None:
            return self._cores
        return list(self.chip.loaded_cores) or list(range(self.chip.ncores))

    @property
    def image(self):
        return self._image if self._cores is not None else self.chip.image

    @property
    def symbols(self):
        return symbolizer(self.image)

    def close(self) -> None:
        """Leave the chip as it was found: no debugger breakpoint or watchpoint, the watch
        handler restored (the chip can go on running without a debugger)."""
        self.clear()
        if self.chip.watch_handler == self._on_watch:
            self.chip.watch_handler = self._outer_watch

    def _on_watch(self, k: int, info) -> bool:
        addr, size = info["addr"], info["size"]
        for w in self.watches:
            if w.glo < addr + size and addr < w.glo + w.length:
                return False
        return self._outer_watch(k, info) if self._outer_watch is not None else False

    # -- threads ------------------------------------------------------------------------------
    def tid(self, k: int) -> int:
        """The thread id of core k, as e-server numbers cores: (row + 1) * 100 + col + 1 with
        row, col relative to the chip's first core (core (0,0) is 101)."""
        cid = self.engine.coreid(k)
        c = self.chip.config
        return ((cid >> 6) - c.first_row + 1) * 100 + (cid & 63) - c.first_col + 1

    def core_of_tid(self, tid: int) -> int:
        for k in self.cores:
            if self.tid(k) == tid:
                return k
        raise TargetError(f"no thread {tid}")

    def alive(self, k: int) -> bool:
        return k in self.cores and not self.engine.core_flags(k)["exited"]

    def threads(self) -> List[int]:
        """The cores of the workgroup that have not exited."""
        return [k for k in self.cores if not self.engine.core_flags(k)["exited"]]

    def state(self, k: int) -> str:
        f = self.engine.core_flags(k)
        return ("exited" if f["exited"] else "halted" if f["halted"] else
                "idle" if f["idle"] and not f["irq_pending"] else "running")

    # -- registers ----------------------------------------------------------------------------
    def pc(self, k: int) -> int:
        return self.engine.get_pc(k)

    def read_reg(self, k: int, n: int) -> Optional[int]:
        """Register n (GDB numbering) of core k; None when the chip has no such register."""
        if not 0 <= n < NUM_REGS:
            raise TargetError(f"no register {n}")
        if n < 64:
            return self.engine.reg_read(k, n)
        off = _SCR_OFFSET[REG_NAMES[n]]
        if off is None:
            return None
        return self.engine.sreg_read(k, off)

    def write_reg(self, k: int, n: int, v: int) -> None:
        """Write register n of core k as a debugger does (through the register's memory-mapped
        address, with the hardware's side effects).  A write of the value a read shows is
        skipped, so a 'G' packet that writes back what 'g' read changes nothing (write-only
        registers read as 0; PC rewritten would forget a breakpoint being resumed)."""
        v &= 0xFFFFFFFF
        cur = self.read_reg(k, n)
        if cur is None or cur == v:
            return
        if n < 64:
            self.engine.reg_write(k, n, v)
        elif n == PC_REGNUM:
            self.engine.set_pc(k, v)
        else:
            self.engine.sreg_write(k, _SCR_OFFSET[REG_NAMES[n]], v)

    def reg_number(self, name: str) -> Optional[int]:
        """GDB register number of a name (GDB's names, r0..r63, and isa.regs aliases)."""
        name = name.lower()
        if name in REG_NAMES:
            return REG_NAMES.index(name)
        g = isa_regs.gpr_number(name)
        if g is not None:
            return g
        return None

    # -- memory -------------------------------------------------------------------------------
    def _mmr(self, k: int, addr: int) -> Optional[Tuple[int, int]]:
        """(core, register offset) when addr is a memory-mapped register seen from core k."""
        if addr < LOCAL_SPACE:
            off, core = addr, k
        else:
            core = self.engine.core_index(addr >> 20)
            if core < 0:
                return None
            off = addr & (LOCAL_SPACE - 1)
        if MMR_LO <= off < MMR_HI:
            return core, off
        return None

    def read_mem(self, k: int, addr: int, n: int) -> bytes:
        """Up to n bytes at addr (global, or core k's local space below 1 MiB): as many as can
        be read from addr on.  Raises TargetError when not even the first byte can."""
        out = bytearray()
        while len(out) < n:
            a = (addr + len(out)) & 0xFFFFFFFF
            chunk = self._read_some(k, a, n - len(out))
            if not chunk:
                break
            out += chunk
        if not out and n:
            raise TargetError(f"Cannot access memory at address 0x{addr:x}")
        return bytes(out)

    def _read_some(self, k: int, a: int, n: int) -> bytes:
        r = self._mmr(k, a)
        if r is not None:
            core, off = r
            w = off & ~3
            val = self.engine.sreg_read(core, w).to_bytes(4, "little")
            return val[off - w:][:n]
        try:
            return self.engine.mem_read(a, n, k)
        except ValueError:
            pass
        # part of it: halve until something reads (the end of a memory)
        m = n
        while m > 1:
            m //= 2
            try:
                return self.engine.mem_read(a, m, k)
            except ValueError:
                continue
        return b""

    def write_mem(self, k: int, addr: int, data: bytes) -> None:
        """Write memory (a register: whole aligned words).  Raises TargetError."""
        data = bytes(data)
        if not data:
            return
        r = self._mmr(k, addr)
        if r is not None:
            core, off = r
            if off & 3 or len(data) % 4:
                raise TargetError("registers are written 4 bytes at a time, aligned")
            for j in range(0, len(data), 4):
                self.engine.sreg_write(core, off + j, int.from_bytes(data[j:j + 4], "little"))
            return
        try:
            self.engine.mem_write(addr, data, k)
        except ValueError:
            raise TargetError(f"Cannot access memory at address 0x{addr:x}") from None

    # -- breakpoints --------------------------------------------------------------------------
    def _break_ref(self, addr: int) -> None:
        if addr & 1:
            raise TargetError(f"breakpoint at odd address 0x{addr:x}")
        if self.breaks.get(addr, 0) == 0:
            self._check_code_address(addr)
            self.engine.break_add(addr)
        self.breaks[addr] = self.breaks.get(addr, 0) + 1

    def _break_unref(self, addr: int) -> None:
        n = self.breaks.get(addr, 0)
        if n <= 0:
            return
        if n == 1:
            del self.breaks[addr]
            self.engine.break_remove(addr)
        else:
            self.breaks[addr] = n - 1

    def _check_code_address(self, addr: int) -> None:
        """An address a breakpoint can be planted at: some core's memory or external memory."""
        k = self.cores[0] if self.cores else 0
        try:
            self.engine.mem_read(addr, 2, k)
        except ValueError:
            raise TargetError(f"Cannot insert breakpoint at 0x{addr:x}: no memory there") \
                from None

    def add_break(self, addr: int) -> None:
        """A debugger breakpoint: every core stopping at addr (a local address: in any core's
        memory) stops the chip, before the instruction runs."""
        self._break_ref(addr)
        self.user_breaks[addr] = self.user_breaks.get(addr, 0) + 1

    def remove_break(self, addr: int) -> bool:
        n = self.user_breaks.get(addr, 0)
        if n == 0:
            return False
        if n == 1:
            del self.user_breaks[addr]
        else:
            self.user_breaks[addr] = n - 1
        self._break_unref(addr)
        return True

    def _break_applies(self, addrs, k: int, pc: int) -> bool:
        """Whether a breakpoint at one of addrs stops core k at pc (the engine's rule,
        brk_at: a local address matches that offset in any core's own memory, a global one
        that core's memory or that external address)."""
        cid = self.engine.coreid(k)
        if pc < LOCAL_SPACE:
            own = (pc, (cid << 20) | pc)
        elif (pc >> 20) == cid:
            own = (pc, pc & (LOCAL_SPACE - 1))
        else:
            own = (pc,)
        return any(a in addrs for a in own)

    def user_break_at(self, k: int, pc: int) -> bool:
        return self._break_applies(self.user_breaks, k, pc)

    # -- watchpoints --------------------------------------------------------------------------
    def add_watch(self, kind: str, addr: int, length: int,
                  k: Optional[int] = None) -> Watchpoint:
        """A watchpoint on [addr, addr + length) (a local address: core k's memory, default
        the first thread's)."""
        if kind not in WATCH_KINDS:
            raise TargetError(f"unknown watchpoint kind {kind}")
        if length <= 0:
            raise TargetError("empty watchpoint")
        glo = self._global(addr, k)
        try:
            self.read_mem(self.cores[0] if k is None else k, glo, 1)
        except TargetError:
            raise TargetError(f"Cannot watch 0x{addr:x}: no memory there") from None
        wid = self.engine.watch_add(glo, glo + length, write=kind != "rwatch",
                                    read=kind != "watch")
        w = Watchpoint(kind, addr, length, wid, glo)
        self.watches.append(w)
        return w

    def remove_watch(self, kind: str, addr: int, length: int) -> bool:
        for w in self.watches:
            if (w.kind, w.addr, w.length) == (kind, addr, length):
                self.watches.remove(w)
                self.engine.watch_remove(w.wid)
                return True
        return False

    def _global(self, addr: int, k: Optional[int] = None) -> Optional[int]:
        """The global address of addr (a local one: core k's, default the first thread's)."""
        if addr >= LOCAL_SPACE:
            return addr
        k = self.cores[0] if k is None else k
        return (self.engine.coreid(k) << 20) | addr

    def clear(self) -> None:
        """Remove every debugger breakpoint and watchpoint (a client went away)."""
        for a in list(self.user_breaks):
            while self.remove_break(a):
                pass
        for w in list(self.watches):
            self.remove_watch(w.kind, w.addr, w.length)

    # -- running ------------------------------------------------------------------------------
    def interrupt(self) -> None:
        """Stop a resume in progress (Ctrl-C); safe from any thread."""
        with self._lock:
            self._interrupted = True
            if self._running:
                self.engine.request_stop()

    @property
    def interrupted(self) -> bool:
        """A resume in progress was asked to stop (interrupt)."""
        with self._lock:
            return self._interrupted

    LAST = "last"

    def resume(self, run: Optional[Sequence[int]] = None,
               step: Optional[int] = None, over=LAST) -> StopEvent:
        """Run until something stops the chip: every core (run=None) or only the cores of
        `run` (the others are held), and, with `step`, until core `step` has executed one
        instruction (or entered an interrupt handler).  Returns the StopEvent.

        A core resumed at a breakpoint's address stops there again at once (as a thread
        resumed on a planted breakpoint instruction traps), except `over`: that core runs
        the instruction first (GDB's step over a breakpoint at the resume address).  By
        default `over` is the core of the last stop, if it has not moved since; the GDB
        server passes None (GDB removes its breakpoint and steps over it itself, and
        expects every other thread to report a breakpoint it is sitting on)."""
        if self.finished is not None:
            return self.finished
        with self._lock:
            self._interrupted = False
        if over == self.LAST:
            ls = self.last_stop
            over = None
            if ls is not None and ls.core is not None and ls.result is not None and \
                    ls.result.pc is not None and self.alive(ls.core) and \
                    self.engine.get_pc(ls.core) == ls.result.pc:
                over = ls.core
            elif ls is not None and ls.core is not None and self.alive(ls.core) and \
                    ls.reason == "step":
                over = ls.core
        self._over = over
        ev = self._resume(run, step)
        self.last_stop = ev
        if ev.reason == "exited":
            self.finished = ev
        return ev

    def _resume(self, run, step) -> StopEvent:
        e = self.engine
        runnable = [k for k in (self.cores if run is None else run) if not
                    e.core_flags(k)["exited"]]
        if step is not None and step not in runnable:
            runnable.append(step)
        # a core halted by its BKPT runs on after it when resumed (DEBUGCMD = 0)
        for k in list(self._bkpt_halted):
            if k in runnable:
                e.set_halted(k, False)
                self._bkpt_halted.discard(k)
        held = {k: e.core_flags(k)["halted"] for k in self.cores
                if k not in runnable and not e.core_flags(k)["exited"]}
        for k in held:
            e.set_halted(k, True)
        temps: List[int] = []
        irq_stop = False
        try:
            if step is not None:
                targets = self.successors(step)
                if targets is None:
                    return self._engine_step(step)
                for a in targets:
                    g = self._global(a, step) if a < LOCAL_SPACE else a
                    self._break_ref(g)
                    temps.append(g)
                e.set_irq_stop(True)
                irq_stop = True
            # only `over` steps over a breakpoint it sits on: the engine's own arming of the
            # core that hit one is undone for every other core (a PC write disarms)
            for k in self.cores:
                if k != self._over and k in self._armed and not e.core_flags(k)["exited"]:
                    pc = e.get_pc(k)
                    if self._armed[k] == (pc, e.counters(k)["instructions"]):
                        e.set_pc(k, pc)
                    del self._armed[k]
            if self._over is not None and self._over in runnable:
                self._arm(self._over)
            while True:
                ev = self._run_once(step, temps)
                if ev is None:
                    continue
                if ev.reason in ("exited", "deadlock") and held:
                    # the resumed cores finished or wait for a held one: let everyone run
                    for k, was in held.items():
                        e.set_halted(k, was)
                    held = {}
                    if ev.reason == "exited" and not self._all_exited():
                        continue
                    if ev.reason == "deadlock":
                        continue
                return ev
        finally:
            for g in temps:
                self._break_unref(g)
            if irq_stop:
                e.set_irq_stop(False)
            for k, was in held.items():
                if not e.core_flags(k)["exited"]:
                    e.set_halted(k, was)

    def _all_exited(self) -> bool:
        return all(self.engine.core_flags(k)["exited"] for k in self.cores)

    def _arm(self, k: int) -> None:
        """A core resumed at a breakpoint's address runs the instruction there first (as GDB
        steps over a breakpoint at the resume address).  The engine arms a core when it stops
        it at a breakpoint; a core at a breakpoint for another reason (a watchpoint, a step,
        a changed PC) is armed by a step that stops there at once (no instruction, no
        cycle)."""
        pc = self.engine.get_pc(k)
        if not self._break_applies(self.breaks, k, pc) or self.engine.core_flags(k)["irq_pending"]:
            return
        n = self.engine.counters(k)["instructions"]
        if self._armed.get(k) == (pc, n):
            return
        st = self.engine.step(k)
        if Stop(st) == Stop.BRK:
            self._armed[k] = (pc, n)

    def _run_once(self, step: Optional[int], temps: List[int]) -> Optional[StopEvent]:
        """One Chip.run; the StopEvent it means, or None to run on."""
        e = self.engine
        with self._lock:
            if self._interrupted:
                return StopEvent("interrupt", None, SIGINT)
            self._running = True
        try:
            res = self.run_chip(self.max_cycles)
        finally:
            with self._lock:
                self._running = False
        st = res.stop
        k = res.core
        if st == Stop.BRK:
            pc = e.get_pc(k)
            self._armed[k] = (pc, e.counters(k)["instructions"])
            if step is not None and k == step and self._break_applies(temps, k, pc):
                return StopEvent("step", k, SIGTRAP, result=res)
            if self.user_break_at(k, pc):
                return StopEvent("breakpoint", k, SIGTRAP, result=res)
            return None                          # another core at a step's breakpoint
        if st == Stop.IRQ:
            if step is not None and k == step:
                return StopEvent("step", k, SIGTRAP, result=res)
            return None
        if st == Stop.WATCH:
            return self._watch_event(k, res)
        if st == Stop.USER:
            with self._lock:
                asked = self._interrupted
            if not asked:
                return None                      # a stale request from an earlier run
            return StopEvent("interrupt", None, SIGINT, result=res)
        if st in (Stop.EXIT, Stop.ALL_IDLE):
            return StopEvent("exited", None, 0, exit_code=res.exit_code, result=res)
        if st == Stop.DEADLOCK:
            return StopEvent("deadlock", None, SIGSTOP, result=res,
                             report=deadlock_report(res, self.chip, self.image))
        if st == Stop.MAX_CYCLES:
            return StopEvent("max_cycles", None, SIGXCPU, result=res,
                             report=[f"epiphany-emu: stopped after --max-cycles "
                                     f"{self.max_cycles}"])
        f = res.fault
        if f is None:
            return StopEvent("signal", k, SIGTRAP, result=res)
        rep = fault_report(f, self.chip, self.image)
        if f.kind == "breakpoint":
            # BKPT halts the core with PC past it (the hardware leaves it there; e-gdb's
            # decr_pc_after_break is the size of BKPT): resuming runs on after it
            e.set_pc(f.core, f.pc + BKPT_SIZE)
            for j in self.cores:
                if e.core_flags(j)["halted"]:
                    self._bkpt_halted.add(j)
            rep = []
        return StopEvent("signal", f.core, FAULT_SIGNAL.get(f.kind, SIGTRAP), report=rep,
                         result=res)

    def _watch_event(self, k: int, res) -> StopEvent:
        info = self.engine.stop_info(k)
        addr, size, store = info["addr"], info["size"], info["store"]
        best = None
        for w in self.watches:
            lo = w.glo
            if lo < addr + size and addr < lo + w.length:
                fits = (w.kind == "watch" and store) or (w.kind == "rwatch" and not store) \
                    or w.kind == "awatch"
                if best is None or (fits and not best[0]):
                    best = (fits, w, lo)
        kind, where = ("watch" if store else "rwatch"), addr
        if best is not None:
            kind = best[1].kind
            where = max(addr, best[2])
            if best[1].addr < LOCAL_SPACE:
                where = best[1].addr + (where - best[2])
        return StopEvent("watch", k, SIGTRAP, watch=(kind, where), access=(addr, size, store),
                         result=res)

    def _engine_step(self, k: int) -> StopEvent:
        """One instruction of core k alone (the other cores wait): for the instructions whose
        successor cannot be known in advance (MOVTS to PC)."""
        st = Stop(self.engine.step(k))
        if st == Stop.TRAP:
            status = self.chip.syscalls.service(k, self.engine.stop_info(k)["trap"])
            self.chip.syscalls.flush()
            if status is not None:
                self.engine.set_exited(k, status)
        elif st not in (Stop.NONE, Stop.BRK, Stop.IRQ, Stop.WATCH):
            return self._run_once(k, [])      # a fault: it recurs at once and is reported
        return StopEvent("step", k, SIGTRAP)

    # -- where an instruction goes -----------------------------------------------------------
    def decode_at(self, k: int, pc: int):
        try:
            raw = self.read_mem(k, pc, 4)
        except TargetError:
            return 0, None
        return decode(raw, 0)

    def successors(self, k: int) -> Optional[List[int]]:
        """Every address core k's next instruction can continue at (interrupts aside: they
        stop a step by themselves); None when it cannot be known before it runs."""
        e = self.engine
        pc = e.get_pc(k)
        if self.engine.core_flags(k)["idle"]:
            return [pc]
        n, d = self.decode_at(k, pc)
        nxt = (pc + (n or 2)) & 0xFFFFFFFF
        out = [nxt]
        if d is not None:
            sem = d.insn.sem
            if sem == "bcond":
                tgt = (pc + d.imm) & 0xFFFFFFFF
                out = [tgt] if d.fields.get("cond", 0) >= 14 else [nxt, tgt]
            elif sem in ("jr", "jalr"):
                out = [e.reg_read(k, d.fields["rn"])]
            elif sem == "rti":
                out = [self.read_reg(k, REG_NAMES.index("iret"))]
            elif sem == "movts" and d.imm == isa_regs.SREG_BY_NAME["PC"].offset:
                return None
        lc = self.read_reg(k, REG_NAMES.index("lc"))
        if lc and pc == self.read_reg(k, REG_NAMES.index("le")):
            out.append(self.read_reg(k, REG_NAMES.index("ls")))
        return sorted({a & ~1 for a in out})

    def call_return(self, k: int) -> Optional[int]:
        """The return address when core k's next instruction is a call (BL, JALR)."""
        pc = self.engine.get_pc(k)
        n, d = self.decode_at(k, pc)
        if d is None:
            return None
        if (d.insn.sem == "bcond" and d.fields.get("cond") == 15) or d.insn.sem == "jalr":
            return pc + n
        return None

    # -- reports ------------------------------------------------------------------------------
    def monitor(self, cmd: str) -> str:
        """Text of a `monitor` command (cycles, profile, help)."""
        words = cmd.split()
        if not words or words[0] == "help":
            return ("monitor commands:\n"
                    "  cycles    emulated time, and cycles and instructions per core\n"
                    "  profile   the profile summary (cores, stalls, links; functions and data "
                    "once profiling is on: monitor profile on)\n"
                    "  help      this list\n")
        if words[0] == "cycles":
            lines = [f"chip time {self.engine.now} cycles"]
            for k in self.cores:
                c = self.engine.counters(k)
                lines.append(f"core 0x{self.engine.coreid(k):03x} (thread {self.tid(k)}): "
                             f"{c['cycles']} cycles, {c['instructions']} instructions, "
                             f"{c['stall_cycles']} stall, {c['idle_cycles']} idle "
                             f"[{self.state(k)}]")
            return "\n".join(lines) + "\n"
        if words[0] == "profile":
            if words[1:] == ["on"]:
                self.engine.enable_profiling()
                return "profiling on: instructions, stalls and data accesses are counted " \
                       "from here\n"
            from ..profile import Profile
            prof = Profile.from_chip(self.chip, image=self.image)
            return "\n".join(prof.text_summary()) + "\n"
        raise TargetError(f'monitor command "{cmd}" not recognized (try monitor help)')
