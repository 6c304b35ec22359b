"""Why a run hands control back: the one enum of stop reasons.

The values are the core's ``STOP_*`` codes (``emu/_core.pxd``); ``Engine.run`` returns them,
``Chip.run`` services the internal ones (``TRAP``, ``TRACE_FULL``, ``WATCH`` when a monitor
owns the watch) and reports the others in ``RunResult.stop``.  A member compares equal to its
lower-case name, so ``result.stop == "exit"`` and ``result.stop == Stop.EXIT`` both work.

========== ================================================================================
EXIT       every loaded core called exit (or none is left running)
ALL_IDLE   every core sleeps in IDLE and nothing (timer, DMA, pending write) can wake one
DEADLOCK   the cores provably loop forever without writing memory, or all sleep before
           any finished (Chip.run)
MAX_CYCLES the emulated-time limit was reached
TRAP       a core executed TRAP: a host service (emu/syscalls.py) is due
WATCH      a core stored into a watched address range (Engine.watch_add)
BRK        a core is about to execute an instruction at a host breakpoint (Engine.break_add)
IRQ        a core entered an interrupt handler (Engine.set_irq_stop: interrupt hooks)
USER       Engine.request_stop was called (another thread, a signal handler)
TRACE_FULL the trace buffer is full: drain it and run on
BREAKPOINT a core executed BKPT or MBKPT
INVALID_INSN an invalid or unimplemented instruction (policy "stop")
MEM_FAULT  a load or store to unmapped memory
UNALIGNED  a misaligned load or store (policy "stop")
FETCH_FAULT an instruction fetch from unmapped memory or an odd address
DMA_FAULT  a DMA engine touched unmapped memory or a misaligned address
========== ================================================================================
"""
from __future__ import annotations

import enum

from . import _core


class _StopReason(enum.IntEnum):
    """A stop reason (see the module documentation)."""

    def __eq__(self, other):
        if isinstance(other, str):
            return self.name.lower() == other
        return int.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = enum.IntEnum.__hash__

    def __str__(self) -> str:
        return self.name.lower()

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @classmethod
    def of(cls, value) -> "_StopReason":
        """The member for a code or a name."""
        if isinstance(value, str):
            return cls[value.upper()]
        return cls(value)


#: the members are the core's codes, named as emu/_core.pyx names them
Stop = _StopReason("Stop", [(name.upper(), code) for name, code in
                            sorted(_core.STOP_CODES.items(), key=lambda kv: kv[1])],
                   module=__name__)
