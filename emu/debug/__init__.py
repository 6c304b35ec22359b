"""Debugging the emulated chip: a GDB remote-serial-protocol server and a built-in debugger,
both on the engine's hooks (host breakpoints, watched ranges, interrupt-entry stops).

    from emu.debug import Target, serve
    serve(chip, "localhost:2345")         # GDB: target remote localhost:2345

``epiphany-emu load app.elf --gdb [HOST:]PORT`` and ``epiphany-emu debug app.elf`` are the
command lines (and ``--gdb`` of ``epiphany-emu host``/``serve``, emu/serve.py, for the cores of
host programs); docs/debugging.md describes them.
"""
from .server import GdbServer, serve
from .target import REG_NAMES, StopEvent, Target, TargetError

__all__ = ["GdbServer", "REG_NAMES", "StopEvent", "Target", "TargetError", "serve"]
