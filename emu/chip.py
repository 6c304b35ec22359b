"""The emulated chip: configuration, loading, running, servicing stops.

    from emu.chip import Chip, ChipConfig
    chip = Chip(ChipConfig())                  # a Parallella E16G301: 4x4 cores at (32,8)
    chip.load_elf("app.elf")
    result = chip.run()
    print(result.exit_code, result.stop)

Python owns configuration, loading, syscalls, reports and statistics; the Cython engine
(``emu._core.Engine``) owns state and the run loop and reports why it stopped.
"""
from __future__ import annotations

import os

import io
import struct
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from isa import regs
from loader.elf import LoadError, LoadImage, read_elf

from . import _core
from .stops import Stop
from .libc_abi import ABIS as LIBC_ABIS
from .libc_abi import detect as libc_abi_detect
from .syscalls import HostIO, Syscalls
from .timing import DEFAULT as DEFAULT_TIMING
from .timing import TimingModel

DRAM_BASE = 0x8E000000
DRAM_SIZE = 32 << 20
FLAT_BASE = 0x80000000       #: default epiphany-elf-ld "simulator" layout
FLAT_SIZE = 32 << 20
#: the external memory of the flat layout: the simulator memory (zero latency) and the DRAM
FLAT_EXT = ((FLAT_BASE, FLAT_SIZE, 0, 0), (DRAM_BASE, DRAM_SIZE, None, None))


def default_threads() -> int:
    """Host threads a chip uses when not told: EPIPHANY_THREADS if set (tests force a count
    with it), else the host CPUs this process may run on."""
    env = os.environ.get("EPIPHANY_THREADS", "")
    if env:
        try:
            n = int(env)
        except ValueError:
            raise ValueError(f"EPIPHANY_THREADS must be a number of threads, not {env!r}")
        if n < 1:
            raise ValueError("EPIPHANY_THREADS must be at least 1")
        return n
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass
class ChipConfig:
    """Geometry and policies.  Defaults: the Parallella's E16G301."""
    rows: int = 4
    cols: int = 4
    first_row: int = 32
    first_col: int = 8
    sram_size: int = 0x8000
    #: external memory regions (base, size, load latency, store cost); DRAM by default
    ext: Tuple[Tuple[int, int, Optional[int], Optional[int]], ...] = (
        (DRAM_BASE, DRAM_SIZE, None, None),)
    quantum: int = 1000
    unaligned: str = "stop"          #: stop | report | trap
    invalid: str = "stop"            #: stop | trap (invalid/unimplemented instructions)
    excause: str = "e3"              #: e3 (E16G301 codes) | e4 (GNU simulator's codes)
    #: e3: the Epiphany-III (E16G301/E64G401 instruction set); ev: the Epiphany-V, whose
    #: FEXT/FDEP/LFSR execute (as the GNU simulator defines them) instead of faulting
    arch: str = "e3"
    timing: TimingModel = DEFAULT_TIMING
    #: host threads for the cores' parallel phases (the outcome is the same for every value);
    #: 0: the environment's EPIPHANY_THREADS, else the host's cores (default_threads)
    threads: int = 0

    @classmethod
    def flat(cls, **kw) -> "ChipConfig":
        """One core with the 32 MB flat memory of epiphany-elf-gcc's default link layout at
        0x80000000 (zero-latency, it is a simulator construct) plus the DRAM window."""
        kw.setdefault("rows", 1)
        kw.setdefault("cols", 1)
        kw.setdefault("ext", FLAT_EXT)
        return cls(**kw)

    @classmethod
    def for_image(cls, img: LoadImage, *, workgroup: bool = False, **kw) -> "ChipConfig":
        """The memory layout ``img`` runs in, decided here only.

        A core-local image (ESDK layouts: some segment below 1 MiB) runs on the chip ``kw``
        describes (default: the E16G301) with its DRAM, each core of a workgroup getting the
        image as e-loader does.  Any other image (epiphany-elf-gcc's default layout) runs on
        one core with the flat memory of ``flat()``; with ``workgroup=True`` (several cores
        asked for) on the chip ``kw`` describes, keeping the flat memory.  ``rows``/``cols``
        are then the chip's; for one flat core they are ignored."""
        if img.is_core_local():
            return cls(**kw)
        if workgroup:
            kw.setdefault("ext", FLAT_EXT)
            return cls(**kw)
        kw.pop("rows", None)
        kw.pop("cols", None)
        return cls.flat(**kw)


#: Process exit codes of runs that did not end by the program's own exit (like a crashed
#: process: 128 + signal number), documented in `epiphany-emu load --help`.
EXIT_CODES = {Stop.MEM_FAULT: 139, Stop.FETCH_FAULT: 139, Stop.DMA_FAULT: 139,
              Stop.UNALIGNED: 135, Stop.INVALID_INSN: 132, Stop.BREAKPOINT: 133,
              Stop.MAX_CYCLES: 124, Stop.DEADLOCK: 125, Stop.ALL_IDLE: 0, Stop.USER: 130}


@dataclass
class CoreResult:
    index: int
    coreid: int
    exit_code: Optional[int]
    state: str          #: exited | idle | halted | running | faulted
    pc: int = 0


@dataclass
class RunResult:
    stop: Stop                        #: why the run ended (compares equal to its name too)
    exit_code: int                    #: process-style exit code
    cores: List[CoreResult]
    fault: Optional["Fault"] = None
    cycles: int = 0
    core: Optional[int] = None        #: the core that stopped the run (index), if one did
    pc: Optional[int] = None          #: ... and where it stopped


@dataclass
class Fault:
    kind: str            #: unaligned | mem_fault | invalid_insn | fetch_fault | breakpoint | ...
    core: int            #: core index
    coreid: int
    pc: int
    addr: int
    size: int
    store: bool
    insn_bytes: bytes
    channel: int = -1    #: DMA channel of a dma_fault


class Chip:
    def __init__(self, config: Optional[ChipConfig] = None, hostio: Optional[HostIO] = None,
                 memory=None):
        """``memory``: arrays to hold the emulated memory (see ``_core.Engine``; used by
        ``epiphany-emu serve`` to share it with host programs)."""
        self.config = config or ChipConfig()
        c = self.config
        self.engine = _core.Engine(c.rows, c.cols, c.first_row, c.first_col, c.sram_size,
                                   [(b, s) for b, s, _, _ in c.ext], c.quantum,
                                   memory=memory)
        t = c.timing
        self.engine.set_timing(t.c_params())
        for j, (_, _, lat, cost) in enumerate(c.ext):
            direct = lat == 0 and cost == 0      # the flat simulator memory
            self.engine.set_region_timing(j, t.dram_load_latency if lat is None else lat,
                                          t.dram_store_cost if cost is None else cost, direct)
        pol = _core.POLICIES
        if c.unaligned not in pol:
            raise ValueError(f"unaligned policy must be one of {sorted(pol)}")
        if c.invalid not in ("stop", "trap"):
            raise ValueError("invalid-instruction policy must be stop or trap")
        if c.excause not in ("e3", "e4"):
            raise ValueError("excause must be e3 or e4")
        if c.arch not in ("e3", "ev"):
            raise ValueError("arch must be e3 or ev")
        self.engine.set_policies(pol[c.unaligned], pol[c.invalid], c.excause == "e4",
                                 c.arch == "ev")
        self.engine.threads = min(c.threads or default_threads(), self.engine.ncores)
        self.io = hostio or HostIO()
        self.io.core_label = lambda k: f"0x{self.coreid(k):03x}"
        self.syscalls = Syscalls(self, self.io)
        self.image: Optional[LoadImage] = None
        self.loaded_cores: List[int] = []
        self._done_list: Optional[List[int]] = None    # (_all_done's scan)
        self._done_from = 0
        #: per loaded core: where start() begins it (None: by a SYNC interrupt)
        self._start_at: Dict[int, Optional[int]] = {}
        #: called with lists of raw trace records (Engine.trace_drain) while tracing
        self.trace_sink = None
        #: called with (core index, Engine.stop_info) when a store hits a watched range
        #: (Engine.watch_add); True = handled, run on; False = end the run with Stop.WATCH
        self.watch_handler = None
        #: set by request_stop until the next run
        self.stop_requested = False
        #: the C library ABI of the loaded program (emu.libc_abi) and why it was chosen
        self.libc_abi = LIBC_ABIS["newlib-3.3"]
        self.libc_abi_reason = ""
        #: whether the program's arguments were placed for its crt0 (load_elf)
        self.argv_passed = False

    # -- geometry -----------------------------------------------------------------------------
    @property
    def ncores(self) -> int:
        return self.engine.ncores

    def coreid(self, k: int) -> int:
        return self.engine.coreid(k)

    def core_name(self, k: int) -> str:
        cid = self.coreid(k)
        return f"0x{cid:03x} (row {cid >> 6}, col {cid & 63})"

    # -- memory and registers (Unicorn-like verbs) --------------------------------------------
    def mem_read(self, addr: int, n: int, core: int = -1) -> bytes:
        return self.engine.mem_read(addr, n, core)

    def mem_write(self, addr: int, data: bytes, core: int = -1) -> None:
        self.engine.mem_write(addr, data, core)

    def reg_read(self, core: int, name: str) -> int:
        n = regs.gpr_number(name)
        if n is not None:
            return self.engine.reg_read(core, n)
        s = regs.SREG_BY_NAME.get(name.upper()) or regs.sreg_lookup(name)
        if s is None:
            raise KeyError(f"no register {name!r}")
        return self.engine.sreg_read(core, s.offset)

    def reg_write(self, core: int, name: str, value: int) -> None:
        n = regs.gpr_number(name)
        if n is not None:
            self.engine.reg_write(core, n, value & 0xFFFFFFFF)
            return
        s = regs.SREG_BY_NAME.get(name.upper()) or regs.sreg_lookup(name)
        if s is None:
            raise KeyError(f"no register {name!r}")
        if s.name == "PC":
            self.engine.set_pc(core, value)
        else:
            self.engine.sreg_write(core, s.offset, value & 0xFFFFFFFF)

    # -- workgroups ----------------------------------------------------------------------------
    def group(self, rows: Optional[int] = None, cols: Optional[int] = None,
              row0: int = 0, col0: int = 0) -> List[int]:
        """Core indices of a rows x cols workgroup whose origin is (row0, col0) relative to
        the chip's first core (e-hal's e_open coordinates).  Default: the whole chip."""
        c = self.config
        rows = c.rows if rows is None else rows
        cols = c.cols if cols is None else cols
        if rows < 1 or cols < 1 or row0 < 0 or col0 < 0 or row0 + rows > c.rows \
                or col0 + cols > c.cols:
            raise ValueError(f"a {rows}x{cols} workgroup at ({row0},{col0}) does not fit the "
                             f"{c.rows}x{c.cols} chip")
        return [(row0 + r) * c.cols + (col0 + q) for r in range(rows) for q in range(cols)]

    # -- loading ------------------------------------------------------------------------------
    def load_elf(self, path_or_image, cores: Optional[Sequence[int]] = None,
                 start: bool = True, libc_abi: Optional[str] = None,
                 group: Optional[Tuple[int, int, int, int]] = None) -> LoadImage:
        """Load an executable the way e-loader does.

        Core-local segments (< 1 MiB) go into every core of `cores` (default: the whole chip;
        a list of core indices forming a workgroup, see ``group``), global ones to their
        address once.  ESDK images (the vector table at 0 and e_entry 0) have their
        ``workgroup_cfg``/``ext_mem_cfg``/``loader_cfg`` sections filled per core and are
        started like e-loader: by a SYNC interrupt, which enters vector 0.  Other images
        (upstream newlib crt0, the flat layout) start at e_entry inside the reset interrupt,
        like the GNU simulator.  With ``start=False`` the cores are left idle, loaded, until
        ``start`` (e-hal's e_load with E_FALSE, then e_start).  ``group`` = (row0, col0,
        rows, cols), chip-relative like ``group()``: the e_open'd workgroup the cores belong
        to, which the loader records describe (e_load of one core of a 4x4 workgroup tells
        that core it is (r, c) of 4x4); default: the rectangle ``cores`` span.

        Every segment is checked against the memory it lands in before anything is written
        (LoadError naming the memory that exists).  ``libc_abi`` names the C library layouts
        the TRAP services use (``emu.libc_abi``; default: detected from the image).  With
        program arguments (``HostIO.argv``) an image with the ESDK's crt0 gets them on its
        stack as the ESDK's simulator passes them (``_place_argv``)."""
        img = path_or_image if isinstance(path_or_image, LoadImage) else read_elf(path_or_image)
        cores = list(range(self.ncores)) if cores is None else list(cores)
        e = self.engine
        local = img.is_core_local()
        if libc_abi in (None, "auto"):
            self.libc_abi, self.libc_abi_reason = libc_abi_detect(img)
        else:
            self.libc_abi, self.libc_abi_reason = LIBC_ABIS[libc_abi], "--libc-abi"
        self.syscalls.abi = self.libc_abi
        for seg in img.segments:                 # nothing is allocated or written before this
            if seg.memsz:
                for k in (cores if seg.addr < 0x100000 else [-1]):
                    if self._region(seg.addr, seg.memsz, k) is None:
                        raise LoadError(self._outside(img, seg.addr, seg.memsz))
        for k in cores:
            e.reset_core(k)
            if local:
                e.sram(k)[:] = 0          # e-loader clears each core's SRAM
            if local and img.has_loader_records():
                # and leaves e-hal's register reset (ee_reset_regs): every interrupt but
                # SYNC masked, MESHCONFIG 2 (fact sheet §6.4 step 2).  A bare-metal image (no
                # e-loader records) keeps the power-on state, as the GNU simulator runs it.
                e.sreg_write(k, regs.SREG_BY_NAME["IMASK"].offset,
                             ((1 << regs.N_IRQ) - 1) & ~(1 << regs.IRQ["SYNC"]))
                e.sreg_write(k, regs.SREG_BY_NAME["MESHCONFIG"].offset, 2)
        for seg in img.segments:
            data = seg.data + b"\0" * (seg.memsz - len(seg.data))
            if not data:
                continue
            if seg.addr < 0x100000:
                for k in cores:
                    self._write_checked(img, seg.addr, data, k)
            else:
                self._write_checked(img, seg.addr, data, -1)
        if local:
            try:
                self._fill_loader_sections(img, cores, group)
            except ValueError:
                raise LoadError(f"{img.path}: corrupt loader sections (workgroup_cfg, "
                                f"ext_mem_cfg, loader_cfg must lie in core-local memory)") \
                    from None
        sync_start = local and img.entry == 0 and any(
            s.addr == 0 and s.memsz > 0 for s in img.segments)
        ivt = None if local else img.sections.get("IVT")
        for k in cores:
            self._start_at[k] = None if sync_start else img.entry
            e.set_pc(k, 0 if sync_start else img.entry)
            if ivt is not None:
                e.set_ivt_base(k, ivt[0])
        if start:
            self.start(cores)
        self.image = img
        self.loaded_cores = cores
        self.argv_passed = False
        if self.io.argv:
            self.argv_passed = self._place_argv(img, cores)
        return img

    def start(self, cores: Sequence[int]) -> None:
        """Start loaded cores: ESDK images by a SYNC interrupt (vector 0, as e_start does),
        others at their entry inside the reset interrupt (ACTIVE|GID|KM and IPEND[0]; crt0
        leaves it with RTI; esim-corner-cases "Start-up state"), as the GNU simulator does."""
        e = self.engine
        fst = regs.SREG_BY_NAME["FSTATUS"].offset
        for k in cores:
            entry = self._start_at.get(k)
            if entry is None:
                e.sreg_write(k, regs.SREG_BY_NAME["ILATST"].offset,
                             1 << regs.IRQ["SYNC"])                  # SYNC -> vector 0
            else:
                e.set_pc(k, entry)
                e.set_idle(k, False)
                e.sreg_write(k, fst, 0x7)
                e.sreg_write(k, regs.SREG_BY_NAME["IPEND"].offset, 0x1)

    def _region(self, addr: int, n: int, core: int) -> Optional[Tuple[int, int]]:
        """The memory [lo, hi) that holds all of [addr, addr + n) as core `core` sees it
        (core-local addresses when core >= 0), or None."""
        c = self.config
        if 0 <= core and addr < 0x100000:
            lo, hi = 0, c.sram_size
        else:
            cid, off = addr >> 20, addr & 0xFFFFF
            ids = {self.coreid(k) for k in range(self.ncores)}
            if cid in ids and off < c.sram_size:
                lo, hi = cid << 20, (cid << 20) + c.sram_size
            else:
                for b, s, _, _ in c.ext:
                    if b <= addr < b + s:
                        lo, hi = b, b + s
                        break
                else:
                    return None
        return (lo, hi) if lo <= addr and addr + n <= hi else None

    def _outside(self, img: LoadImage, addr: int, n: int) -> str:
        c = self.config
        ext = ", ".join(f"{'flat memory' if b == FLAT_BASE else 'external RAM'} "
                        f"0x{b:08x}-0x{b + s - 1:08x}" for b, s, _, _ in c.ext)
        return (f"{img.path}: segment at 0x{addr:08x} (+{n} bytes) lies outside the emulated "
                f"memory (core-local RAM 0x0-0x{c.sram_size - 1:x}, the cores' global "
                f"addresses, {ext})")

    def _place_argv(self, img: LoadImage, cores: Sequence[int]) -> bool:
        """The program's arguments on its stack, for the ESDK's crt0: with LOADER_ARGV_IN_SP
        (4) in ``__loader_flags`` its ``_epiphany_start`` keeps the stack pointer it is given
        and calls ``main(*(sp+8), *(sp+12), *(sp+16), *(sp+20))``.  Laid out as the ESDK's
        GNU simulator does (sim/epiphany/sim-if.c ``epiphany_user_init``): below the initial
        stack, [sp+8] argc, [sp+12] argv, [sp+16] envp = 0, [sp+20] auxv = 0, the argv
        pointers with a terminating NULL, then the strings; the initial stack is ``__stack``
        when that is a global address, else the top of the core's SRAM.  Upstream newlib's
        crt0 calls ``main(0, 0, 0)`` whatever the loader does: False then (the arguments stay
        available through SYS_argc/SYS_argn)."""
        syms = {s.name: s.addr for s in img.symbols}
        flags_at = syms.get("___loader_flags")
        if flags_at is None and "__epiphany_start" in syms:
            flags_at = img.sections.get("loader_cfg", (None, 0))[0]
        if flags_at is None:
            return False
        strs = [a.encode() + b"\0" for a in self.io.argv]
        argc = len(strs)
        size = 4 * 4 + 4 * (argc + 1) + sum(len(s) for s in strs)
        size = (size + 8) & ~7
        stack = syms.get("___stack", syms.get("__stack", 0))
        if stack < 0x100000:
            stack = self.config.sram_size
        argcp = stack - size
        # below the stack and above everything the image loads into that memory
        floor = max((sg.end for sg in img.segments if sg.memsz and
                     (sg.addr < 0x100000) == (stack < 0x100000) and sg.addr < stack), default=0)
        if argcp - 8 < floor:
            raise LoadError(f"{img.path}: no room for the program's arguments ({size} bytes) "
                            f"between the program (up to 0x{floor:08x}) and its stack "
                            f"(0x{stack:08x})")
        argvp = argcp + 16
        strp = argvp + 4 * (argc + 1)
        ptrs, blob = [], b""
        for s in strs:
            ptrs.append(strp + len(blob))
            blob += s
        block = struct.pack(f"<4I{argc + 1}I", argc, argvp, 0, 0, *ptrs, 0) + blob
        for k in (cores if stack < 0x100000 else cores[:1]):
            try:
                self.engine.mem_write(argcp, block, k)
                old = struct.unpack("<I", self.engine.mem_read(flags_at, 4, k))[0]
                self.engine.mem_write(flags_at, struct.pack("<I", old | 1 | 4), k)
            except (ValueError, OverflowError):
                raise LoadError(f"{img.path}: no room for the program's arguments "
                                f"({size} bytes) below the stack at 0x{stack:08x}") from None
            self.engine.reg_write(k, 13, argcp - 8)
        return True

    def _fill_loader_sections(self, img: LoadImage, cores: Sequence[int],
                              group: Optional[Tuple[int, int, int, int]] = None) -> None:
        """e_group_config_t at workgroup_cfg, e_emem_config_t at ext_mem_cfg, loader_cfg
        (LIBS e-loader.c; fact sheet §6.4 step 5)."""
        wg = img.sections.get("workgroup_cfg")
        em = img.sections.get("ext_mem_cfg")
        lc = img.sections.get("loader_cfg")
        c = self.config
        if group is not None:
            g_row, g_col = c.first_row + group[0], c.first_col + group[1]
            rows_used, cols_used = range(group[2]), range(group[3])
        else:
            rows_used = sorted({self.engine.coreid(k) >> 6 for k in cores})
            cols_used = sorted({self.engine.coreid(k) & 63 for k in cores})
            g_row, g_col = rows_used[0], cols_used[0]
        chiptype = 0 if (c.rows, c.cols) == (4, 4) else 1       # E_E16G301 / E_E64G401
        for k in cores:
            cid = self.engine.coreid(k)
            if wg is not None and wg[1] >= 0x28:
                words = [3, chiptype, (g_row << 6) | g_col, g_row, g_col, len(rows_used),
                         len(cols_used), (cid >> 6) - g_row, (cid & 63) - g_col, 0xDEADBEEF]
                self.engine.mem_write(wg[0], struct.pack("<10I", *words), k)
            if em is not None and em[1] >= 8:
                base = c.ext[0][0] if c.ext else DRAM_BASE
                self.engine.mem_write(em[0], struct.pack("<2I", 5, base), k)
            if lc is not None and lc[1] >= 16:
                self.engine.mem_write(lc[0], struct.pack("<4I", 1, 0, 0, 0), k)

    def _write_checked(self, img, addr, data, core):
        try:
            self.engine.mem_write(addr, data, core)
        except ValueError:
            raise LoadError(self._outside(img, addr, len(data))) from None

    # -- running ------------------------------------------------------------------------------
    def request_stop(self) -> None:
        """End a ``run`` in progress (from any thread, a signal handler): it returns
        ``Stop.USER`` at the engine's next slice boundary; a console read waiting for input
        gives up (EINTR).  ``emu.interrupt.run_interruptible`` calls this on SIGINT/SIGTERM.
        A request made while no run is in progress (a signal that comes while the program is
        still being loaded) ends the next run at once: it stays pending until a run returns
        ``Stop.USER`` for it."""
        self.stop_requested = True
        self.engine.request_stop()

    def run(self, max_cycles: int = 0) -> RunResult:
        """Run until every loaded core exited, a fault, a deadlock, every core idle, or
        max_cycles of emulated time (0 = unbounded).  Traps are serviced on the way."""
        e = self.engine
        while True:
            st, k = e.run(max_cycles)
            name = Stop(st)
            if name == Stop.TRACE_FULL:
                self._drain_trace()
                continue
            if name == Stop.WATCH and self.watch_handler is not None:
                if self.watch_handler(k, e.stop_info(k)):
                    continue
            if name == Stop.TRAP:
                info = e.stop_info(k)
                status = self.syscalls.service(k, info["trap"])
                if status is not None:
                    e.set_exited(k, status)
                    if self._all_done():
                        return self._result(Stop.EXIT)
                if self.stop_requested:
                    # the request came while the trap was served (a console read gave up
                    # with EINTR): answer it now, before the program runs on
                    e.clear_stop_request()
                    self.stop_requested = False
                    return self._result(Stop.USER)
                continue
            if name == Stop.ALL_IDLE and not any(self.engine.core_flags(j)["exited"]
                                                 for j in self.loaded_cores):
                # every core sleeps waiting for an interrupt nobody will raise, and none has
                # finished: the program is stuck, not done
                name = Stop.DEADLOCK
            if name == Stop.USER:
                self.stop_requested = False      # the request is answered
            if name in (Stop.EXIT, Stop.ALL_IDLE, Stop.MAX_CYCLES, Stop.DEADLOCK, Stop.USER):
                return self._result(name)
            if name in (Stop.WATCH, Stop.BRK, Stop.IRQ):
                return self._result(name, core=k)
            # a fault or breakpoint: report it
            info = e.stop_info(k)
            pc = info["pc"]
            ib = b""
            for n in (4, 2):
                try:
                    ib = e.mem_read(pc, n, k)
                    break
                except ValueError:
                    pass
            fault = Fault(str(name), k, e.coreid(k), pc, info["addr"], info["size"],
                          info["store"], ib)
            if name == Stop.DMA_FAULT:
                fault.channel = info["op"] & 0xFF
            return self._result(name, fault)

    def _drain_trace(self):
        recs = self.engine.trace_drain()
        if self.trace_sink is not None and recs:
            self.trace_sink(recs)

    def _all_done(self) -> bool:
        """Every loaded core exited.  Asked after each exit: the scan goes on from the first
        core not seen exited yet (the cores before it stay exited), so that a chip whose
        N cores exit one by one costs O(N) in all, not O(N^2) -- 4096 cores: 8 million
        checks; the whole list is checked once more at the end (a core may have been
        restarted meanwhile)."""
        lc = self.loaded_cores
        flags = self.engine.core_flags
        if self._done_list is not lc:
            self._done_list, self._done_from = lc, 0
        i = self._done_from
        while i < len(lc) and flags(lc[i])["exited"]:
            i += 1
        self._done_from = i
        if i < len(lc):
            return False
        for j, k in enumerate(lc):
            if not flags(k)["exited"]:
                self._done_from = j
                return False
        return True

    def _result(self, stop: Stop, fault: Optional[Fault] = None,
                core: Optional[int] = None) -> RunResult:
        self.syscalls.flush()
        if self.trace_sink is not None:
            self._drain_trace()
        cores = []
        for k in range(self.ncores):
            f = self.engine.core_flags(k)
            state = ("exited" if f["exited"] else "halted" if f["halted"] else
                     "idle" if f["idle"] else "running")
            if fault is not None and fault.core == k:
                state = "faulted"
            cores.append(CoreResult(k, self.coreid(k), f["exit_code"] if f["exited"] else None,
                                    state, self.engine.get_pc(k)))
        if fault is not None:
            code = EXIT_CODES.get(Stop.of(fault.kind), 128 + 5)
        elif stop == Stop.EXIT:
            loaded = [c for c in cores if c.index in self.loaded_cores]
            code = next((c.exit_code for c in loaded if c.exit_code), 0) & 0xFF
        else:
            code = EXIT_CODES.get(stop, 0)
        cyc = max((self.engine.counters(k)["cycles"] for k in (self.loaded_cores or
                                                               range(self.ncores))), default=0)
        if fault is not None:
            core = fault.core
        pc = None
        if core is not None:
            pc = fault.pc if fault is not None else self.engine.stop_info(core)["pc"]
        return RunResult(stop, code, cores, fault, cyc, core, pc)

    # -- statistics ---------------------------------------------------------------------------
    def counters(self, k: int) -> Dict[str, int]:
        return self.engine.counters(k)

    def close(self):
        self.syscalls.close_all()


def run_elf(path: str, *, config: Optional[ChipConfig] = None, stdin: bytes = b"",
            sandbox: Optional[str] = None, max_cycles: int = 0, cores=None):
    """Run an ELF to completion with captured I/O; returns (RunResult, stdout, stderr, chip).
    Convenience for tests and scripts.  ``config`` defaults to ``ChipConfig.for_image``,
    ``cores`` to every core of the chip (the one core of a flat image)."""
    img = read_elf(path)
    if config is None:
        config = ChipConfig.for_image(img)
    out, err = io.BytesIO(), io.BytesIO()
    chip = Chip(config, HostIO(stdin=io.BytesIO(stdin), stdout=out, stderr=err, sandbox=sandbox))
    chip.load_elf(img, cores=cores)
    res = chip.run(max_cycles)
    chip.close()
    return res, out.getvalue(), err.getvalue(), chip
