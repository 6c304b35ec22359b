"""Running ePython programs on the emulated chip: the API behind the ``epython`` command line
and ``@offload``.

    from epython.runtime import run_program, parse_core_spec
    res = run_program(program, cores=parse_core_spec("0:3"), timing=True)
    res.output(0)                 # what core 0 printed
    res.stop, res.cores[0].seconds

``program`` is an ``epython.bytecode.Program`` (from ``epython.compiler.compile_source`` or
``Program.load`` of a ``-o`` file).  Output goes to the given text streams as it happens
(``[device N] ...`` lines, ``Error from core N: ...`` to stderr, ``Core N completed in ...``
with ``timing``) and is recorded per core in the result.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import List, Optional, Sequence, TextIO

from . import layout as L
from .bytecode import CORE_CODE_MAX_SIZE, Program
from .monitor import (CLOCK_HZ, DEFAULT_FIRMWARE, DEFAULT_POLL_CYCLES, HostVcores, Monitor,
                      MonitorError, MonitorResult)

__all__ = ["run_program", "parse_core_spec", "stats_line", "RunOutcome", "MonitorError",
           "HostVcores",
           "DEFAULT_FIRMWARE", "CLOCK_HZ"]


def parse_core_spec(spec: str, ncores: int = L.TOTAL_CORES) -> List[int]:
    """ePython's ``-c`` syntax: ``5``, ``1,2,9``, ``1:7`` (inclusive), ``all``; and ``-d n``
    is ``0:n-1``.  Raises ValueError with a one-line message."""
    text = spec.strip().lower()
    if text == "all":
        return list(range(ncores))
    cores = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if ":" in part:
                a, b = (int(x) for x in part.split(":", 1))
                if a > b:
                    raise ValueError
                cores.update(range(a, b + 1))
            else:
                cores.add(int(part))
        except ValueError:
            raise ValueError(f"bad core list {spec!r}: use N, A,B,C, A:B or all") from None
    bad = [c for c in cores if not 0 <= c < ncores]
    if bad:
        raise ValueError(f"core {bad[0]} does not exist (cores 0..{ncores - 1})")
    return sorted(cores)


@dataclass
class RunOutcome(MonitorResult):
    chip: object = None              #: the emu.chip.Chip that ran (counters, profile)
    chip_result: object = None       #: its last emu.chip.RunResult


def run_program(program: Program, cores: Optional[Sequence[int]] = None, *,
                firmware: Optional[str] = None, config=None, stdout: Optional[TextIO] = None,
                stderr: Optional[TextIO] = None, stdin: Optional[TextIO] = None,
                timing: bool = False, profile: Optional[str] = None, seed: int = 1,
                code_placement: str = "auto", data_shared: bool = False, max_cycles: int = 0,
                poll_cycles: int = DEFAULT_POLL_CYCLES, warn: Optional[TextIO] = None,
                host_vcores=None, chip=None) -> RunOutcome:
    """Run ``program`` on ePython cores ``cores`` (default: all 16) of a fresh chip.

    ``config``: an ``emu.chip.ChipConfig`` (default: the Parallella's 4x4 E16G301, alignment
    faults stop the run).  ``stdin``: text stream for ``input()``.  ``timing``: print
    ``Core N completed in S.UUUUUU seconds`` of emulated time (600 MHz) at completion.
    ``profile``: write the emulator's profile (docs/profile.md) as JSON to this path.  ``seed``:
    srand() seed of the host's rand() behind ``random()`` (deterministic; ePython seeds with the
    time).  ``code_placement``: auto / core / shared (``-codecore``, ``-codeshared``).
    ``data_shared``: ``-datashared``.  ``max_cycles``: bound on global emulated time (0 = none).
    ``poll_cycles``: the host's polling period in emulated cycles.  ``host_vcores``: an
    ``epython.monitor.HostVcores`` for host virtual cores.  ``chip``: run on this chip instead
    of a fresh one.  Raises MonitorError for a run that cannot start."""
    from emu.chip import Chip, ChipConfig
    from emu.syscalls import HostIO
    if chip is None:
        chip = Chip(config or ChipConfig(),
                    HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))
    if cores is None:
        cores = list(range(min(L.TOTAL_CORES, chip.ncores)))
    mon = Monitor(chip, program, cores, firmware, stdout=stdout, stderr=stderr, stdin=stdin,
                  seed=seed, code_placement=code_placement, data_shared=data_shared,
                  timing=timing, poll_cycles=poll_cycles, warn=warn, host_vcores=host_vcores)
    mon.load()
    if profile:
        chip.engine.enable_profiling()
    res = mon.run(max_cycles=max_cycles)
    if profile:
        from emu.profile import Profile
        Profile.from_chip(chip, result=mon.chip_result, image=chip.image).write_json(profile)
    return RunOutcome(res.stop, res.cores, res.cycles, res.fault, res.message, chip,
                      mon.chip_result)


def stats_line(program: Program, code_placement: str = "auto") -> str:
    """The ``-s`` line: bytecode size, symbol-table size and the SRAM left per core for the
    VM's local heap (after the symbol table, the bytecode copy, the postbox and the 1 KB scalar
    stack; ePython's host prints a different, miscounted, figure)."""
    n = program.nsymbols
    on_core = (code_placement == "core" or
               (code_placement == "auto" and len(program.code) <= CORE_CODE_MAX_SIZE))
    area = L.core_area(0, 0, n, len(program.code), on_core)
    free = max(0, L.LOCAL_CORE_MEMORY_MAP_TOP - area.heap_start)
    return (f"{len(program.code)} bytes for code, {n * L.SYMBOL_ENTRY_BUDGET} bytes for symbol "
            f"table ({n} entries), {free} bytes free")
