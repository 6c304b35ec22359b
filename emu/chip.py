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

import io
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from isa import regs
from loader.elf import LoadError, LoadImage, read_elf

from . import _core
from .syscalls import HostIO, Syscalls
from .timing import DEFAULT as DEFAULT_TIMING
from .timing import TimingModel

DRAM_BASE = 0x8E000000
DRAM_SIZE = 32 << 20
FLAT_BASE = 0x80000000       #: default epiphany-elf-ld "simulator" layout
FLAT_SIZE = 32 << 20

STOP = {v: k for k, v in _core.STOP_NAMES.items()}


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
    timing: TimingModel = DEFAULT_TIMING

    @classmethod
    def flat(cls, **kw) -> "ChipConfig":
        """One core with the 32 MB flat memory of epiphany-elf-gcc's default link layout at
        0x80000000 (zero-latency, it is a simulator construct) plus the DRAM window."""
        kw.setdefault("rows", 1)
        kw.setdefault("cols", 1)
        kw.setdefault("ext", ((FLAT_BASE, FLAT_SIZE, 0, 0), (DRAM_BASE, DRAM_SIZE, None, None)))
        return cls(**kw)


@dataclass
class CoreResult:
    index: int
    coreid: int
    exit_code: Optional[int]
    state: str          #: exited | idle | halted | running | faulted


@dataclass
class RunResult:
    stop: str                         #: why the run ended (STOP_NAMES value)
    exit_code: int                    #: process-style exit code
    cores: List[CoreResult]
    fault: Optional["Fault"] = None
    cycles: int = 0


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


class Chip:
    def __init__(self, config: Optional[ChipConfig] = None, hostio: Optional[HostIO] = None):
        self.config = config or ChipConfig()
        c = self.config
        self.engine = _core.Engine(c.rows, c.cols, c.first_row, c.first_col, c.sram_size,
                                   [(b, s) for b, s, _, _ in c.ext], c.quantum)
        t = c.timing
        self.engine.set_timing(t.tc_costs(), t.branch_penalty, t.remote_load_base,
                               t.remote_load_per_hop)
        for j, (_, _, lat, cost) in enumerate(c.ext):
            self.engine.set_region_timing(j, t.dram_load_latency if lat is None else lat,
                                          t.dram_store_cost if cost is None else cost)
        pol = _core.POLICIES
        if c.unaligned not in pol:
            raise ValueError(f"unaligned policy must be one of {sorted(pol)}")
        if c.invalid not in ("stop", "trap"):
            raise ValueError("invalid-instruction policy must be stop or trap")
        if c.excause not in ("e3", "e4"):
            raise ValueError("excause must be e3 or e4")
        self.engine.set_policies(pol[c.unaligned], pol[c.invalid], c.excause == "e4")
        self.io = hostio or HostIO()
        self.syscalls = Syscalls(self, self.io)
        self.image: Optional[LoadImage] = None
        self.loaded_cores: List[int] = []

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

    # -- loading ------------------------------------------------------------------------------
    def load_elf(self, path_or_image, cores: Optional[Sequence[int]] = None) -> LoadImage:
        """Load an executable.  Core-local segments (< 1 MiB) go into every core in `cores`
        (default: all), global ones to their address.  Each loaded core starts at e_entry."""
        img = path_or_image if isinstance(path_or_image, LoadImage) else read_elf(path_or_image)
        if cores is None:
            cores = list(range(self.ncores))
        for seg in img.segments:
            data = seg.data + b"\0" * (seg.memsz - len(seg.data))
            if not data:
                continue
            if seg.addr < 0x100000:
                for k in cores:
                    self._write_checked(img, seg.addr, data, k)
            else:
                self._write_checked(img, seg.addr, data, -1)
        for k in cores:
            self.engine.set_pc(k, img.entry)
            # like the GNU simulator, start inside the reset interrupt: ACTIVE|GID|KM and
            # IPEND[0]; crt0 leaves it with RTI (esim-corner-cases "Start-up state")
            self.engine.sreg_write(k, regs.SREG_BY_NAME["FSTATUS"].offset, 0x7)
            self.engine.sreg_write(k, regs.SREG_BY_NAME["IPEND"].offset, 0x1)
            if not img.is_core_local():
                ivt = img.sections.get("IVT")
                if ivt is not None:
                    self.engine.set_ivt_base(k, ivt[0])
        self.image = img
        self.loaded_cores = list(cores)
        return img

    def _write_checked(self, img, addr, data, core):
        try:
            self.engine.mem_write(addr, data, core)
        except ValueError:
            raise LoadError(f"{img.path}: segment at 0x{addr:08x} (+{len(data)} bytes) lies "
                            f"outside the emulated memory (core-local RAM, other cores, "
                            f"external RAM at 0x{DRAM_BASE:08x})") from None

    # -- running ------------------------------------------------------------------------------
    def run(self, max_cycles: int = 0) -> RunResult:
        """Run until every loaded core exited, a fault, or max_cycles (0 = unbounded)."""
        e = self.engine
        while True:
            st, k = e.run(max_cycles)
            name = _core.STOP_NAMES[st]
            if name == "trap":
                info = e.stop_info(k)
                status = self.syscalls.service(k, info["trap"])
                if status is not None:
                    e.set_exited(k, status)
                    if self._all_done():
                        return self._result("exit")
                continue
            if name in ("exit", "all_idle", "max_cycles"):
                return self._result(name)
            # a fault or breakpoint: report it
            info = e.stop_info(k)
            pc = info["pc"]
            try:
                ib = e.mem_read(pc, 4, k)
            except ValueError:
                try:
                    ib = e.mem_read(pc, 2, k)
                except ValueError:
                    ib = b""
            fault = Fault(name, k, e.coreid(k), pc, info["addr"], info["size"], info["store"], ib)
            return self._result(name, fault)

    def _all_done(self) -> bool:
        return all(self.engine.core_flags(k)["exited"] for k in self.loaded_cores)

    def _result(self, stop: str, fault: Optional[Fault] = None) -> RunResult:
        cores = []
        for k in range(self.ncores):
            f = self.engine.core_flags(k)
            state = ("exited" if f["exited"] else "halted" if f["halted"] else
                     "idle" if f["idle"] else "running")
            if fault is not None and fault.core == k:
                state = "faulted"
            cores.append(CoreResult(k, self.coreid(k), f["exit_code"] if f["exited"] else None,
                                    state))
        if fault is not None:
            code = 128 + 11 if fault.kind in ("mem_fault", "fetch_fault") else \
                128 + 7 if fault.kind == "unaligned" else 128 + 4 if fault.kind == "invalid_insn" \
                else 128 + 5
        elif stop == "exit":
            loaded = [c for c in cores if c.index in self.loaded_cores]
            code = next((c.exit_code for c in loaded if c.exit_code), 0) & 0xFF
        elif stop == "max_cycles":
            code = 124
        else:
            code = 0
        cyc = max((self.engine.counters(k)["cycles"] for k in range(self.ncores)), default=0)
        return RunResult(stop, code, cores, fault, cyc)

    # -- statistics ---------------------------------------------------------------------------
    def counters(self, k: int) -> Dict[str, int]:
        return self.engine.counters(k)

    def close(self):
        self.syscalls.close_all()


def run_elf(path: str, *, config: Optional[ChipConfig] = None, stdin: bytes = b"",
            sandbox: Optional[str] = None, max_cycles: int = 0, cores=None):
    """Run an ELF to completion with captured I/O; returns (RunResult, stdout, stderr, chip).
    Convenience for tests and scripts."""
    img = read_elf(path)
    if config is None:
        config = ChipConfig() if img.is_core_local() else ChipConfig.flat()
    out, err = io.BytesIO(), io.BytesIO()
    chip = Chip(config, HostIO(stdin=io.BytesIO(stdin), stdout=out, stderr=err, sandbox=sandbox))
    chip.load_elf(img, cores=cores if cores is not None else ([0] if not img.is_core_local()
                                                               else None))
    res = chip.run(max_cycles)
    chip.close()
    return res, out.getvalue(), err.getvalue(), chip
