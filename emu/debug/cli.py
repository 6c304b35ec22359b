"""``epiphany-emu debug app.elf``: a built-in debugger with GDB's everyday commands and
spelling, for users without an Epiphany GDB.  It drives the same ``Target`` as the GDB server
(engine breakpoints, watched ranges, stepping by planted breakpoints), and reads the program's
DWARF (``emu.debug.dwarf``) for source lines, functions, variables and frames.

    epiphany-emu debug app.elf                                   # interactive: (gdb) prompt
    epiphany-emu debug -batch -ex 'break main' -ex run -ex bt app.elf

Commands (GDB's names; a unique prefix works, and GDB's aliases b c s n si ni p x bt i r):
break/tbreak FILE:LINE|LINE|FUNC|*ADDR, delete [N..], info breakpoints, run, start,
continue [N], step [N], next [N], stepi [N], nexti [N], finish, until is not provided;
print[/F] EXPR, x/NFU ADDR, info registers [REG..], info locals, info args, info frame is not
provided; watch/rwatch/awatch EXPR, thread [N], info threads, backtrace, frame [N], up, down,
list, monitor CMD, echo TEXT, kill, quit.  docs/debugging.md describes them.
"""
from __future__ import annotations

import os
import re
import signal
import struct
import sys
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from isa.disassembler import disasm_one

from .dwarf import (CODE_PTR, DATA_PTR, INT, UINT, DebugInfoError, Frame, Type, Value,
                    debug_info, format_float, format_value)
from .target import (LOCAL_SPACE, NUM_REGS, PC_REGNUM, REG_NAMES, SIGNAL_NAMES, SIGTRAP,
                     StopEvent, Target, TargetError)


class DebugError(Exception):
    """A command that failed: its message is printed as GDB prints errors."""


@dataclass
class Breakpoint:
    num: int
    kind: str                 #: breakpoint | watch | rwatch | awatch
    addrs: List[int]          #: breakpoint: code addresses; watch: [global address]
    what: str                 #: the text shown (location or expression)
    temp: bool = False
    hits: int = 0
    length: int = 4
    wtype: Optional[Type] = None
    old: Optional[bytes] = None     #: a watchpoint's last value
    file: str = ""
    line: int = 0
    ignore: int = 0           #: crossings still to ignore (continue N)


_WATCH_TITLE = {"watch": "Hardware watchpoint", "rwatch": "Hardware read watchpoint",
                "awatch": "Hardware access (read/write) watchpoint"}
_WATCH_TYPE = {"watch": "hw watchpoint", "rwatch": "read watchpoint",
               "awatch": "acc watchpoint"}

#: registers shown as code or data pointers (epiphany-tdep.c's register types)
_CODE_REGS = {"pc", "lr", "iret"}
_DATA_REGS = {"r9", "r10", "sp", "fp"}      #: sb, sl, sp, fp

#: command aliases GDB defines (besides unique prefixes)
_ALIASES = {"b": "break", "br": "break", "c": "continue", "cont": "continue", "s": "step",
            "n": "next", "si": "stepi", "ni": "nexti", "p": "print", "inspect": "print",
            "bt": "backtrace", "where": "backtrace", "i": "info", "r": "run", "q": "quit",
            "d": "delete", "f": "frame", "l": "list", "fin": "finish", "t": "thread",
            "u": "until"}


class Debugger:
    """One debugging session.  ``make_target()`` builds a fresh Target (the program loaded,
    stopped before its first instruction); ``run`` after the start builds a new one."""

    def __init__(self, make_target: Callable[[], Target], out=None, source_dirs=(), err=None):
        self.make_target = make_target
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.t = make_target()
        self.info = debug_info(self.t.image)
        self.source_dirs = list(source_dirs)
        self.bps: List[Breakpoint] = []
        self.next_bp = 1
        self.started = False
        self.cur = self.t.cores[0]        # the selected thread's core
        self.level = 0                    # the selected frame
        self.history: List[str] = []
        self.exit_code: Optional[int] = None
        self.list_next: Optional[Tuple[str, int]] = None
        self._sources: Dict[str, Optional[List[str]]] = {}
        self._missing: set = set()            # sources reported missing once
        self._last_hit: Optional[Breakpoint] = None
        self.program_args: List[str] = []
        self._x_fmt, self._x_size = "x", 4          # x's last format and unit (GDB's)
        self._x_next: Optional[int] = None          # where a bare x goes on
        self._tnums = {k: j + 1 for j, k in enumerate(self.t.cores)}
        #: GDB's from_tty: the chatter of commands typed at the prompt ("Continuing.",
        #: "Starting program: ...", "Run till exit from ..."), not printed for -batch -ex
        self.from_tty = True

    # -- output ---------------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    # -- commands -------------------------------------------------------------------------------
    COMMANDS = ("break", "tbreak", "delete", "info", "run", "start", "continue", "step", "next",
                "stepi", "nexti", "finish", "print", "output", "x", "watch", "rwatch",
                "awatch", "thread", "backtrace", "frame", "up", "down", "list", "monitor",
                "echo", "kill", "quit", "help", "set", "display")

    def execute(self, line: str) -> bool:
        """Run one command line; False when it failed (the error is printed)."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        m = re.match(r"([A-Za-z_-]+)(.*)$", line)
        if not m:
            print(f'Undefined command: "{line}".  Try "help".', file=self.err)
            return False
        word, rest = m.group(1), m.group(2)
        try:
            name = self._command(word)
            return getattr(self, "cmd_" + name)(rest.strip() if not rest.startswith("/")
                                                 else rest) is not False
        except (DebugError, TargetError, DebugInfoError) as e:
            self.out.flush()
            print(str(e), file=self.err)         # GDB's errors go to stderr
            self.err.flush()
            return False
        except (SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:                   # a bug: say so, keep the session
            self.out.flush()
            print(f"epiphany-emu: internal error in {line!r}: {type(e).__name__}: {e}",
                  file=self.err)
            self.err.flush()
            return False

    def _command(self, word: str) -> str:
        if word in _ALIASES:
            return _ALIASES[word] if _ALIASES[word] in self.COMMANDS else word
        if word in self.COMMANDS:
            return word
        cands = [c for c in self.COMMANDS if c.startswith(word)]
        if len(cands) == 1:
            return cands[0]
        if cands:
            raise DebugError(f'Ambiguous command "{word}": {", ".join(sorted(cands))}.')
        raise DebugError(f'Undefined command: "{word}".  Try "help".')

    def cmd_help(self, arg):
        self.say(__doc__.split("\n\n", 2)[2].strip())

    def cmd_quit(self, arg):
        raise SystemExit(self.exit_code if self.exit_code is not None else 0)

    def cmd_echo(self, arg):
        text = _c_unescape(arg)
        self.out.write(text)
        self.out.flush()

    def cmd_monitor(self, arg):
        self.out.write(self.t.monitor(arg))

    def cmd_set(self, arg):
        m = re.match(r"(?:var(?:iable)?\s+)?(.+?)\s*=\s*(.+)$", arg)
        if not m:
            raise DebugError("usage: set var EXPR = VALUE")
        self._assign(m.group(1), m.group(2))

    def cmd_display(self, arg):
        raise DebugError("display is not provided by this debugger; use print")

    # -- breakpoints ----------------------------------------------------------------------------
    def cmd_break(self, arg, temp=False):
        arg = re.sub(r"\s+thread\s+\d+$", "", arg)
        if not arg:
            if not self.started:
                raise DebugError("No default breakpoint location now selected.")
            arg = "*0x%x" % self._frames()[self.level].pc
        addrs, file, line = self.resolve_location(arg)
        bp = Breakpoint(self.next_bp, "breakpoint", addrs, arg, temp, file=file, line=line)
        for a in addrs:
            self.t.add_break(a)
        self.next_bp += 1
        self.bps.append(bp)
        title = "Temporary breakpoint" if temp else "Breakpoint"
        a = addrs[0]
        if file:
            self.say(f"{title} {bp.num} at 0x{a:x}: "
                     f"{'file ' + file + ', line ' + str(line) if len(addrs) == 1 else file + ':' + str(line) + '. (' + str(len(addrs)) + ' locations)'}.")
        else:
            self.say(f"{title} {bp.num} at 0x{a:x}")
        return bp

    def cmd_tbreak(self, arg):
        self.cmd_break(arg, temp=True)

    def cmd_delete(self, arg):
        arg = re.sub(r"^(breakpoints?)\b", "", arg).strip()
        if not arg:
            for bp in list(self.bps):
                self._delete(bp)
            return
        for w in arg.split():
            try:
                n = int(w)
            except ValueError:
                raise DebugError(f"Convenience variable must have integer value.\n"
                                 f"Arguments must be breakpoint numbers: {w}") from None
            bp = next((b for b in self.bps if b.num == n), None)
            if bp is None:
                self.say(f"No breakpoint number {n}.")
                continue
            self._delete(bp)

    def _delete(self, bp: Breakpoint) -> None:
        if bp.kind == "breakpoint":
            for a in bp.addrs:
                self.t.remove_break(a)
        else:
            self.t.remove_watch(bp.kind, bp.addrs[0], bp.length)
        self.bps.remove(bp)

    def resolve_location(self, loc: str) -> Tuple[List[int], str, int]:
        """Addresses of a location: *ADDR, FILE:LINE, LINE, FUNC (after its prologue)."""
        loc = loc.strip()
        if loc.startswith("*"):
            a = self._int(self.evaluate(loc[1:]))
            return [a], *self._file_line(a)
        m = re.match(r"^(?:(.+):)?(\d+)$", loc)
        if m:
            file = m.group(1)
            if file is None:
                cur = self._current_line()
                file = cur[0] if cur else None
            try:
                line, addrs = self.info.addresses_for_line(file, int(m.group(2)))
            except DebugInfoError as e:
                raise DebugError(str(e)) from None
            if not addrs:
                raise DebugError(f"No line {m.group(2)} in file \"{file}\".")
            # a line whose code starts a function: after its prologue (GDB's funfirstline)
            addrs = sorted({self._skip_prologue(a) for a in addrs})
            line = self._file_line(addrs[0])[1] or line
            fl = self._file_line(addrs[0])
            return addrs, fl[0] or (file or ""), line
        f = self.info.function_named(loc)
        if f is not None:
            a = self.info.prologue_end(f)
            return [a], *self._file_line(a)
        sym = self.t.image.symbol(loc) or self.t.image.symbol("_" + loc)
        if sym is not None:
            return [sym.addr], *self._file_line(sym.addr)
        raise DebugError(f'Function "{loc}" not defined.')

    def _skip_prologue(self, a: int) -> int:
        f = self.info.function_at(a)
        if f is not None and f.lo == a:
            return self.info.prologue_end(f)
        return a

    def _file_line(self, a: int) -> Tuple[str, int]:
        ln = self.info.line_at(a)
        return (ln.file, ln.line) if ln else ("", 0)

    def _current_line(self) -> Optional[Tuple[str, int]]:
        if not self.started:
            f = self.info.function_named("main")
            if f is None:
                return None
            return self._file_line(f.lo)
        return self._file_line(self._frames()[self.level].pc)

    # -- watchpoints ----------------------------------------------------------------------------
    def cmd_watch(self, arg, kind="watch"):
        if not arg:
            raise DebugError("Argument required (expression to compute).")
        if arg.startswith("-l ") or arg.startswith("-location "):
            arg = arg.split(None, 1)[1]
        val = self.evaluate(arg)
        if val.addr is None:
            raise DebugError("Cannot watch constant value `%s'." % arg)
        size = max(1, val.type.size or 4)
        addr = self._global(val.addr)
        self.t.add_watch(kind, addr, size)
        bp = Breakpoint(self.next_bp, kind, [addr], arg, length=size, wtype=val.type)
        bp.old = self._read(addr, size)
        self.next_bp += 1
        self.bps.append(bp)
        self.say(f"{_WATCH_TITLE[kind]} {bp.num}: {arg}")

    def cmd_rwatch(self, arg):
        self.cmd_watch(arg, "rwatch")

    def cmd_awatch(self, arg):
        self.cmd_watch(arg, "awatch")

    def _global(self, addr: int, k: Optional[int] = None) -> int:
        if addr < LOCAL_SPACE:
            return (self.t.engine.coreid(self.cur if k is None else k) << 20) | addr
        return addr

    def _read(self, addr: int, n: int) -> Optional[bytes]:
        try:
            return self.t.read_mem(self.cur, addr, n)
        except TargetError:
            return None

    # -- info -----------------------------------------------------------------------------------
    def cmd_info(self, arg):
        words = arg.split()
        if not words:
            raise DebugError('"info" must be followed by the name of an info command.')
        sub, rest = words[0], words[1:]
        table = {"breakpoints": self.info_breakpoints, "watchpoints": self.info_watchpoints,
                 "registers": self.info_registers, "all-registers": self.info_all_registers,
                 "threads": self.info_threads, "locals": self.info_locals,
                 "args": self.info_args, "line": self.info_line, "source": self.info_source}
        names = [n for n in table if n.startswith(sub)]
        if sub in ("b", "br", "break"):
            names = ["breakpoints"]
        elif sub in ("r", "reg"):
            names = ["registers"]
        if len(names) != 1:
            raise DebugError(f'Undefined info command: "{sub}".  Try "help info".')
        return table[names[0]](rest)

    def info_breakpoints(self, rest, only_watch=False):
        bps = [b for b in self.bps if not only_watch or b.kind != "breakpoint"]
        if not bps:
            self.say("No watchpoints." if only_watch else "No breakpoints or watchpoints.")
            return
        self.say("Num     Type           Disp Enb Address    What")
        for b in bps:
            disp = "del " if b.temp else "keep"
            if b.kind == "breakpoint":
                a = b.addrs[0]
                what = self._where_text(a)
                self.say(f"{b.num:<7} {'breakpoint':<14} {disp} y   0x{a:08x} {what}")
            else:
                self.say(f"{b.num:<7} {_WATCH_TYPE[b.kind]:<14} {disp} y   {'':10} {b.what}")
            if b.hits:
                self.say(f"\tbreakpoint already hit {b.hits} time{'s' if b.hits > 1 else ''}")

    def info_watchpoints(self, rest):
        self.info_breakpoints(rest, only_watch=True)

    def _where_text(self, a: int) -> str:
        f = self.info.function_at(a)
        file, line = self._file_line(a)
        if f is not None and file:
            return f"in {f.name} at {file}:{line}"
        d = self.describe(a)
        return d

    def info_registers(self, rest, everything=False):
        """GDB's epiphany_print_registers_info: name, hex, tab, natural value (code pointers
        with their symbol, data pointers in hex, the rest unsigned), and for the GPRs but sp
        and lr the bits as a float; `info registers` shows the 64 GPRs, `info
        all-registers` (or names) the special ones too."""
        self._need_process()
        k = self.cur
        frame = self._frames()[self.level]
        if rest:
            nums = []
            for r in rest:
                n = self.t.reg_number(r.lstrip("$"))
                if n is None:
                    raise DebugError(f"Invalid register `{r.lstrip('$')}'")
                nums.append(n)
        else:
            nums = range(NUM_REGS if everything else 64)
        for n in nums:
            name = REG_NAMES[n]
            v = frame.regs.get(n) if n < 64 else (frame.pc if n == PC_REGNUM else
                                                   self.t.read_reg(k, n))
            if v is None:
                self.say(f"{name:<15}*value not available*")
                continue
            if name in _CODE_REGS:
                d = self.describe(v)
                nat = f"0x{v:x}" + (f" {d}" if d else "")
            elif name in _DATA_REGS:
                nat = f"0x{v:x}"
            else:
                nat = str(v)
            line = f"{name:<15}0x{v:x}\t{nat}"
            if n < 64 and name not in ("sp", "lr"):
                line += "    " + format_float(struct.unpack("<f", v.to_bytes(4, "little"))[0], 4)
            self.say(line)

    def info_all_registers(self, rest):
        self.info_registers(rest, everything=True)

    def info_threads(self, rest):
        self._need_process()
        self.say("  Id   Target Id" + " " * 52 + "Frame ")
        for k in self.t.cores:
            mark = "*" if k == self.cur else " "
            cid = self.t.engine.coreid(k)
            state = self.t.state(k)
            tid = (f'Thread {self.t.tid(k)} "core 0x{cid:03x}" (core 0x{cid:03x} '
                   f'(row {cid >> 6}, col {cid & 63}) {state})')
            where = self._frame_text(self._frames(k)[0], with_addr=None) \
                if state != "exited" else "(exited)"
            self.say(f"{mark} {self._tnums[k]:<4} {tid:<60} {where}")

    def info_locals(self, rest):
        self._need_process()
        fr = self._frames()[self.level]
        vs = [v for v in self.info.variables(fr.pc) if not v.is_param]
        if not vs:
            self.say("No locals.")
        for v in vs:
            self.say(f"{v.name} = {self._value_text(v, fr)}")

    def info_args(self, rest):
        self._need_process()
        fr = self._frames()[self.level]
        vs = self._params(fr)
        if not vs:
            self.say("No arguments.")
        for v in vs:
            self.say(f"{v.name} = {self._value_text(v, fr)}")

    def info_line(self, rest):
        self._need_process()
        pc = self._frames()[self.level].pc
        ln = self.info.line_at(pc)
        if ln is None:
            self.say(f"No line number information available for address 0x{pc:x}")
            return
        self.say(f'Line {ln.line} of "{ln.file}" starts at address 0x{ln.start:x} '
                 f'{self.describe(ln.start)} and ends at 0x{ln.end:x} {self.describe(ln.end)}.')

    def info_source(self, rest):
        files = self.info.files()
        self.say("Source files: " + (", ".join(files) if files else "(none: built without -g)"))

    # -- running --------------------------------------------------------------------------------
    def _need_process(self):
        if not self.started or self.t.finished is not None:
            raise DebugError("The program is not being run.")

    def cmd_run(self, arg):
        if self.started:
            self._restart()
        self.started = True
        path = getattr(self.t.image, "path", None)
        if path and self.from_tty:
            self.say(f"Starting program: {os.path.abspath(path)} "
                     f"{' '.join(self.program_args)}".rstrip())
        self._resume()


    def cmd_start(self, arg):
        if self.info.function_named("main") is None and self.t.image.symbol("_main") is None:
            raise DebugError('No symbol table loaded.  Use the "file" command.')
        self.cmd_tbreak("main")
        self.cmd_run(arg)

    def _restart(self):
        """A fresh chip with the program loaded; breakpoints and watchpoints set again."""
        self.t = self.make_target()
        self.started = False
        self.exit_code = None
        self.cur = self.t.cores[0]
        self.level = 0
        for bp in self.bps:
            if bp.kind == "breakpoint":
                for a in bp.addrs:
                    self.t.add_break(a)
            else:
                self.t.add_watch(bp.kind, bp.addrs[0], bp.length)
                bp.old = self._read(bp.addrs[0], bp.length)

    def cmd_kill(self, arg):
        self._need_process()
        self._restart()
        self.say("[Inferior 1 (process 1) killed]")

    def cmd_continue(self, arg):
        self._need_process()
        n = int(arg) if arg.strip().isdigit() else 1
        if n > 1:
            bp = self._last_hit
            if bp is not None:
                bp.ignore = n - 1
                self.say(f"Will ignore next {n - 1} crossings of breakpoint {bp.num}.  "
                         f"Continuing.")
            elif self.from_tty:
                self.say("Continuing.")
        elif self.from_tty:
            self.say("Continuing.")
        self._resume()


    def _resume(self):
        self.level = 0
        while True:
            ev = self._run(lambda: self.t.resume())
            if self._report(ev):
                return

    def _run(self, fn) -> StopEvent:
        """fn() with Ctrl-C stopping the chip (as GDB's SIGINT)."""
        old = None
        try:
            old = signal.signal(signal.SIGINT, lambda s, f: self.t.interrupt())
        except ValueError:            # not the main thread
            old = None
        try:
            return fn()
        finally:
            if old is not None:
                signal.signal(signal.SIGINT, old)

    def _matching(self, ev: StopEvent) -> List[Breakpoint]:
        k = ev.core
        pc = self.t.pc(k)
        return [b for b in self.bps if b.kind == "breakpoint" and
                self.t._break_applies(b.addrs, k, pc)]

    def _report(self, ev: StopEvent, stepping: bool = False) -> bool:
        """Print a stop the way GDB does; False when it is to be ignored (run on): a
        watchpoint whose value did not change, a breakpoint with crossings to ignore."""
        self.level = 0
        multi = len(self.t.cores) > 1
        if ev.reason == "exited":
            self.exit_code = ev.exit_code
            code = ev.exit_code or 0
            self.say(f"[Inferior 1 (process 1) exited "
                     f"{'normally' if code == 0 else 'with code %02o' % code}]")
            return True
        if ev.reason == "interrupt":
            k = self.cur if self.t.alive(self.cur) else (self.t.threads() or [self.cur])[0]
            self._switch(k)
            self.say("")
            self.say(f"{self._thread_name(k) if multi else 'Program'} received "
                     f"signal SIGINT, Interrupt.")
            self._print_location(k, header=True)
            return True
        if ev.reason in ("deadlock", "max_cycles"):
            self._stderr(ev.report)
            k = self.cur if self.t.alive(self.cur) else (self.t.threads() or [self.cur])[0]
            self._switch(k)
            name, text = SIGNAL_NAMES.get(ev.signal, ("SIGTRAP", "Trace/breakpoint trap"))
            self.say("")
            self.say(f"{self._thread_name(k) if multi else 'Program'} received "
                     f"signal {name}, {text}.")
            self._print_location(k, header=True)
            return True
        k = ev.core if ev.core is not None else self.cur
        if ev.reason == "breakpoint":
            hit = self._matching(ev)
            if not hit:
                return False
            bp = hit[0]
            if bp.ignore:
                bp.ignore -= 1
                bp.hits += 1
                return False
            bp.hits += 1
            self._last_hit = bp
            self._switch(k)
            title = "Temporary breakpoint" if bp.temp else "Breakpoint"
            self.say("")
            prefix = f"{self._thread_name(k)} hit " if multi else ""
            self.out.write(f"{prefix}{title} {bp.num}, ")
            self._print_location(k, header=True, cont=True)
            if bp.temp:
                self._delete(bp)
            return True
        if ev.reason == "watch":
            kind, where = ev.watch
            bp = next((b for b in self.bps if b.kind != "breakpoint" and
                       b.addrs[0] <= self._global(where, k) < b.addrs[0] + b.length), None)
            if bp is None:
                return False
            new = self._read(bp.addrs[0], bp.length)
            changed = new != bp.old
            if bp.kind == "watch" and not changed:
                return False
            self._switch(k)
            bp.hits += 1
            self.say("")
            prefix = f"{self._thread_name(k)} hit " if multi else ""
            self.say(f"{prefix}{_WATCH_TITLE[bp.kind]} {bp.num}: {bp.what}")
            self.say("")
            fr = self._frames(k)[0]
            if changed and bp.kind != "rwatch":
                self.say(f"Old value = {self._bytes_text(bp.wtype, bp.old, fr)}")
                self.say(f"New value = {self._bytes_text(bp.wtype, new, fr)}")
            else:
                self.say(f"Value = {self._bytes_text(bp.wtype, new, fr)}")
            bp.old = new
            self._print_location(k, header=True)
            return True
        if ev.reason == "step":
            self._switch(k)
            return True
        # a fault or the program's BKPT
        self._stderr(ev.report)
        self._switch(k)
        name, text = SIGNAL_NAMES.get(ev.signal, ("SIGTRAP", "Trace/breakpoint trap"))
        self.say("")
        self.say(f"{self._thread_name(k) if multi else 'Program'} received signal "
                 f"{name}, {text}.")
        self._print_location(k, header=True)
        return True

    def _stderr(self, lines) -> None:
        """The emulator's own reports (fault, deadlock), on stderr as `load` prints them."""
        if lines:
            self.out.flush()
            for line in lines:
                print(line, file=self.err)
            self.err.flush()

    def _thread_name(self, k: int) -> str:
        """``Thread 2 "core 0x809"``: GDB's number and the name the server gives the core."""
        return f'Thread {self._tnums[k]} "core 0x{self.t.engine.coreid(k):03x}"'

    def _switch(self, k: int) -> None:
        if k != self.cur:
            self.cur = k
            self.say(f"[Switching to Thread {self.t.tid(k)}]")

    # -- stepping -------------------------------------------------------------------------------
    def cmd_stepi(self, arg, over=False):
        self._need_process()
        n = self._count(arg)
        self.level = 0
        if n == 0:
            return
        for _ in range(n):
            k = self.cur
            start = self._frames(k)[0]
            ret = self.t.call_return(k) if over else None
            ev = self._run(lambda: self.t.resume(step=k, over=k))
            if ev.reason == "step" and ret is not None and self.t.pc(k) != ret:
                ev = self._run_to(k, ret, start.regs[13])
            if ev.reason != "step":
                self._report(ev) or self._resume()
                return
        self._print_location(self.cur, header=self._new_function(start), always_addr=True)

    def cmd_nexti(self, arg):
        self.cmd_stepi(arg, over=True)

    def cmd_step(self, arg, over=False):
        self._need_process()
        self.level = 0
        for _ in range(self._count(arg)):
            if not self._step_line(over):
                return

    def cmd_next(self, arg):
        self.cmd_step(arg, over=True)

    def _count(self, arg: str) -> int:
        if not arg.strip():
            return 1
        v = self._int(self.evaluate(arg))
        return max(v, 0)

    def _new_function(self, start: Frame) -> bool:
        f0 = self.info.function_at(start.pc)
        f1 = self.info.function_at(self.t.pc(self.cur))
        return f0 is not f1

    def _step_line(self, over: bool) -> bool:
        """One source line of the selected thread (GDB's step/next); False when the program
        stopped for another reason (reported)."""
        k = self.cur
        pc = self.t.pc(k)
        start_line = self.info.line_at(pc)
        start_func = self.info.function_at(pc)
        start_sp = self.t.read_reg(k, 13)
        if start_line is None:
            # no line information: run until the function returns (GDB: "Single stepping
            # until exit from function X, which has no line number information.")
            fr = self._frames(k)
            name = self._func_name(pc)
            self.say(f"Single stepping until exit from function {name},\n"
                     f"which has no line number information.")
            caller = self.info.unwind(fr[0]) if fr else None
            if caller is None:
                self._resume()
                return False
            ev = self._run_to(k, caller.pc, start_sp)
            if ev.reason != "step":
                self._report(ev) or self._resume()
                return False
            self._print_location(k, header=True)
            return True
        cur_func = start_func
        cur_line = (start_line.file, start_line.line)
        while True:
            ret = self.t.call_return(k)
            ev = self._run(lambda: self.t.resume(step=k, over=k))
            if ev.reason != "step":
                if not self._report(ev):
                    self._resume()
                return False
            pc = self.t.pc(k)
            if ret is not None and pc != ret:
                f = self.info.function_at(pc)
                into = (not over and f is not None and self.info.line_at(pc) is not None)
                if not into:
                    ev = self._run_to(k, ret, start_sp)
                    if ev.reason != "step":
                        if not self._report(ev):
                            self._resume()
                        return False
                    pc = self.t.pc(k)         # back after the call: a line may start here
                else:
                    target = self.info.prologue_end(f)
                    if target != pc:
                        ev = self._run_to(k, target, None)
                        if ev.reason != "step":
                            if not self._report(ev):
                                self._resume()
                            return False
                    if not self._hit_at(k):
                        self._print_location(k, header=True)
                    return True
            ln = self.info.line_at(pc)
            f = self.info.function_at(pc)
            if f is not cur_func:
                # returned (or jumped) into another function: as GDB, a stop at the start of
                # a line, else stepping on through the rest of that line
                if ln is None:
                    # code without line information (main returning into crt0): run on
                    self._resume()
                    return False
                cur_func = f
                if self.info.is_line_start(pc) and (ln.file, ln.line) != cur_line:
                    if not self._hit_at(k):
                        self._print_location(k, header=f is not start_func)
                    return True
                cur_line = (ln.file, ln.line)
                continue
            if ln is not None and self.info.is_line_start(pc) and (ln.file, ln.line) != cur_line:
                if not self._hit_at(k):
                    self._print_location(k, header=f is not start_func)
                return True

    def _hit_at(self, k: int) -> bool:
        """A step that ends where a breakpoint is reports that breakpoint (as GDB does)."""
        hit = self._matching(StopEvent("step", k))
        if not hit:
            return False
        self._report(StopEvent("breakpoint", k, SIGTRAP))
        return True

    def _run_to(self, k: int, addr: int, sp: Optional[int]) -> StopEvent:
        """Run the chip until core k reaches addr (with sp above `sp`, for recursion); the
        event "step" then, else the stop that came first."""
        g = self._global(addr, k)
        self.t.add_break(g)
        try:
            while True:
                ev = self._run(lambda: self.t.resume())
                if ev.reason == "breakpoint" and ev.core == k and self.t.pc(k) == addr and \
                        (sp is None or self.t.read_reg(k, 13) >= sp):
                    others = self._matching(ev)
                    own = [b for b in others if b.kind == "breakpoint"]
                    if not own:
                        return StopEvent("step", k, SIGTRAP)
                    return ev
                if ev.reason == "breakpoint" and not self._matching(ev):
                    continue                 # our temporary, another core or a deeper frame
                if ev.reason == "watch" and not self._watch_stops(ev):
                    continue
                return ev
        finally:
            self.t.remove_break(g)

    def _watch_stops(self, ev: StopEvent) -> bool:
        kind, where = ev.watch
        bp = next((b for b in self.bps if b.kind != "breakpoint" and
                   b.addrs[0] <= self._global(where, ev.core) < b.addrs[0] + b.length), None)
        if bp is None:
            return False
        if bp.kind == "watch":
            return self._read(bp.addrs[0], bp.length) != bp.old
        return True

    def cmd_finish(self, arg):
        self._need_process()
        frames = self._frames()
        if self.level + 1 >= len(frames):
            raise DebugError('"finish" not meaningful in the outermost frame.')
        fr, caller = frames[self.level], frames[self.level + 1]
        k = self.cur
        if self.from_tty:
            self.say(f"Run till exit from #{self.level}  "
                     f"{self._frame_text(fr, with_addr=None)}")
        f = self.info.function_at(fr.pc)
        ev = self._run_to(k, caller.pc, fr.regs[13])
        if ev.reason != "step":
            self._report(ev) or self._resume()
            return
        self._print_location(k, header=True, always_addr=True)
        if f is not None and f.die is not None:
            rt = self.info._type_of(f.die)
            if rt.kind != "void":
                regs = self._regs(k)
                data = b"".join(regs[j].to_bytes(4, "little") for j in range(4))
                self.say(f"Value returned is {self._record(format_value(Value(rt, data=data[:max(rt.size, 1)] if rt.size <= 8 else None, addr=regs[0] if rt.size > 8 else None), self._frames(k)[0], describe=self.describe))}")

    # -- frames ---------------------------------------------------------------------------------
    def _regs(self, k: int) -> Dict:
        regs = {n: self.t.engine.reg_read(k, n) for n in range(64)}
        regs["pc"] = self.t.pc(k)
        return regs

    def _frames(self, k: Optional[int] = None, limit: int = 64) -> List[Frame]:
        k = self.cur if k is None else k

        def read(addr, n, _k=k):
            return self.t.read_mem(_k, addr, n)
        fr = Frame(self._regs(k), read)
        out = [fr]
        while len(out) < limit:
            try:
                nxt = self.info.unwind(out[-1])
            except Exception:
                nxt = None
            if nxt is None:
                break
            out.append(nxt)
            if self.info.function_at(nxt.pc) is None:
                break                 # code without call frame information (crt0): the end
        return out

    def _params(self, fr: Frame):
        f = self.info.function_at(fr.pc)
        if f is None:
            return []
        return [v for v in self.info.variables(fr.pc) if v.is_param and v.func is f]

    def _value_text(self, v, fr: Frame, fmt=None) -> str:
        try:
            return format_value(self.info.location(v, fr), fr, fmt, describe=self.describe)
        except DebugInfoError as e:
            return str(e) if str(e).startswith("<") else f"<error: {e}>"
        except TargetError as e:
            return f"<error: {e}>"

    def _bytes_text(self, t: Optional[Type], data: Optional[bytes], fr: Frame) -> str:
        if data is None:
            return "<unreadable>"
        return format_value(Value(t or INT, data=data), fr, describe=self.describe)

    def _func_name(self, pc: int) -> str:
        f = self.info.function_at(pc)
        if f is not None:
            return f.name
        r = self.t.symbols.lookup(pc)
        return r[0].name if r else "??"

    def _frame_text(self, fr: Frame, with_addr: Optional[bool]) -> str:
        """``walk (n=4) at debugme.c:28``, with ``0x... in`` when pc is not at the start of a
        line (with_addr None) or always (True)."""
        pc = fr.pc
        ln = self.info.line_at(pc)
        f = self.info.function_at(pc)
        show = with_addr if with_addr is not None else (ln is None or ln.start != pc)
        head = f"0x{pc:08x} in " if show else ""
        if f is None:
            return f"{head}{self._func_name(pc)} ()"
        args = ", ".join(f"{v.name}={self._value_text(v, fr)}" for v in self._params(fr))
        where = f" at {ln.file}:{ln.line}" if ln else ""
        return f"{head}{f.name} ({args}){where}"

    def _print_location(self, k: int, header: bool, cont: bool = False,
                        always_addr: bool = False) -> None:
        fr = self._frames(k)[0]
        ln = self.info.line_at(fr.pc)
        if header or ln is None:
            self.say(self._frame_text(fr, with_addr=None))
        elif always_addr and ln.start != fr.pc:
            self.out.write(f"0x{fr.pc:08x}\t")
        if ln is not None:
            self._print_source_line(ln.file, ln.line)
            self.list_next = (ln.file, max(1, ln.line - 5))

    def _source(self, file: str) -> Optional[List[str]]:
        if file in self._sources:
            return self._sources[file]
        text = None
        elf_dir = os.path.dirname(os.path.abspath(getattr(self.t.image, "path", "") or "."))
        for d in self.source_dirs + [elf_dir, os.getcwd()]:
            p = os.path.join(d, file)
            if os.path.isfile(p):
                try:
                    with open(p, errors="replace") as f:
                        text = f.read().splitlines()
                except OSError:
                    text = None
                break
        self._sources[file] = text
        return text

    def _print_source_line(self, file: str, line: int) -> None:
        src = self._source(file)
        if src is None:
            # GDB: the first time an error on stderr, then "in FILE"
            if file not in self._missing:
                self._missing.add(file)
                self._stderr([f"{line}\t{file}: No such file or directory."])
            else:
                self.say(f"{line}\tin {file}")
        elif not 0 < line <= len(src):
            self.say(f"Line number {line} out of range; \"{file}\" has {len(src)} lines.")
        else:
            self.say(f"{line}\t{src[line - 1]}")


    def cmd_backtrace(self, arg):
        self._need_process()
        frames = self._frames()
        n = None
        if arg.strip().lstrip("-").isdigit():
            n = int(arg)
        shown = frames if n is None else (frames[:n] if n >= 0 else frames[n:])
        for j, fr in enumerate(shown):
            lvl = frames.index(fr)
            self.say(f"#{lvl:<2} {self._frame_text(fr, with_addr=True if lvl else None)}")
        if n is not None and 0 <= n < len(frames):
            self.say("(More stack frames follow...)")

    def cmd_frame(self, arg):
        self._need_process()
        frames = self._frames()
        if arg.strip():
            n = self._int(self.evaluate(arg))
            if not 0 <= n < len(frames):
                raise DebugError("No frame at level %s." % arg.strip())
            self.level = n
        self._print_frame()

    def cmd_up(self, arg):
        self._need_process()
        frames = self._frames()
        n = self._count(arg)
        if self.level + 1 >= len(frames):
            raise DebugError("Initial frame selected; you cannot go up.")
        self.level = min(self.level + n, len(frames) - 1)
        self._print_frame()

    def cmd_down(self, arg):
        self._need_process()
        if self.level == 0:
            raise DebugError("Bottom (innermost) frame selected; you cannot go down.")
        self.level = max(0, self.level - self._count(arg))
        self._print_frame()

    def _print_frame(self):
        fr = self._frames()[self.level]
        self.say(f"#{self.level:<2} {self._frame_text(fr, with_addr=True if self.level else None)}")
        ln = self.info.line_at(fr.pc)
        if ln is not None:
            self._print_source_line(ln.file, ln.line)

    def cmd_list(self, arg):
        if arg.strip():
            addrs, file, line = self.resolve_location(arg.strip())
            if not file:
                raise DebugError(f"No line number known for {arg.strip()}.")
            first = max(1, line - 5)
        elif self.list_next is not None:
            file, first = self.list_next
        else:
            cur = self._current_line()
            if cur is None or not cur[0]:
                raise DebugError("No symbol table is loaded.")
            file, first = cur[0], max(1, cur[1] - 5)
        src = self._source(file)
        if src is None:
            raise DebugError(f"{first}\tin {file}")
        for j in range(first, min(first + 10, len(src) + 1)):
            self.say(f"{j}\t{src[j - 1]}")
        self.list_next = (file, first + 10)

    # -- threads --------------------------------------------------------------------------------
    def cmd_thread(self, arg):
        self._need_process()
        if not arg.strip():
            k = self.cur
            self.say(f"[Current thread is {self._tnums[k]} (Thread {self.t.tid(k)})]")
            return
        try:
            n = int(arg.split()[0], 0)
        except ValueError:
            raise DebugError(f'Invalid thread ID: {arg.strip()}') from None
        k = next((c for c, j in self._tnums.items() if j == n), None)
        if k is None:
            raise DebugError(f"Unknown thread {n}.")
        if not self.t.alive(k):
            raise DebugError(f"Thread ID {n} has terminated.")
        self.cur, self.level = k, 0
        self.say(f"[Switching to thread {n} (Thread {self.t.tid(k)})]")
        self.say(f"#0  {self._frame_text(self._frames(k)[0], with_addr=None)}")
        ln = self.info.line_at(self.t.pc(k))
        if ln is not None:
            self._print_source_line(ln.file, ln.line)

    # -- data -----------------------------------------------------------------------------------
    def cmd_print(self, arg, record=True):
        fmt = None
        m = re.match(r"^/(\w+)\s*(.*)$", arg)
        if m:
            fmt, arg = m.group(1)[-1], m.group(2)
        if not arg.strip():
            if not self.history:
                raise DebugError("$1 = <history is empty>") if False else DebugError(
                    "History is empty.")
            arg = "$"
        m = re.match(r"^(.+?)\s*(?<![=!<>])=(?!=)\s*(.+)$", arg)
        if m:
            self._assign(m.group(1), m.group(2))
            arg = m.group(1)
        val = self.evaluate(arg)
        text = self._format(val, fmt)
        if record:
            self.say(f"{self._record(text)}")
        else:
            self.out.write(text)

    def cmd_output(self, arg):
        self.cmd_print(arg, record=False)

    def _record(self, text: str) -> str:
        self.history.append(text)
        return f"${len(self.history)} = {text}"

    def _format(self, val: Value, fmt: Optional[str]) -> str:
        fr = self._frames()[self.level] if self.started and self.t.finished is None else \
            Frame(self._regs(self.cur), lambda a, n: self.t.read_mem(self.cur, a, n))
        if fmt == "s" or fmt == "i":
            fmt = None
        return format_value(val, fr, fmt, describe=self.describe)

    def _assign(self, lhs: str, rhs: str) -> None:
        self._need_process()
        dst = self.evaluate(lhs)
        v = self._int(self.evaluate(rhs))
        size = max(1, min(dst.type.size or 4, 8))
        data = (v & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
        if dst.lval_reg is not None:
            if dst.lval_reg == "pc":
                self.t.write_reg(self.cur, PC_REGNUM, v)
            else:
                self.t.write_reg(self.cur, dst.lval_reg, v)
        elif dst.addr is not None:
            self.t.write_mem(self.cur, dst.addr, data)
        else:
            raise DebugError("Left operand of assignment is not an lvalue.")

    def cmd_x(self, arg):
        m = re.match(r"^/(\d*)([a-z]*)\s*(.*)$", arg)
        count, letters, expr = (1, "", arg) if not m else \
            (int(m.group(1) or 1), m.group(2), m.group(3))
        fmt, size = self._x_fmt, self._x_size
        for ch in letters:
            if ch in "bhwg":
                size = {"b": 1, "h": 2, "w": 4, "g": 8}[ch]
            elif ch in "xduotacsi":
                fmt = ch
            else:
                raise DebugError(f'Undefined output format "{ch}".')
        self._x_fmt, self._x_size = fmt, size
        if not expr.strip():
            if self._x_next is None:
                raise DebugError("Argument required (starting display address).")
            addr = self._x_next
        else:
            val = self.evaluate(expr)
            if val.type.kind == "array" and val.addr is not None:
                addr = val.addr
            else:
                addr = self._int(val)
        k = self.cur
        if fmt == "i":
            for _ in range(count):
                data = self.t.read_mem(k, addr, 4)
                n, text, _ = disasm_one(data + b"\0" * (4 - len(data)), 0, addr,
                                        lambda a: f"0x{a:x}" + (f" {self.describe(a)}"
                                                                if self.describe(a) else ""))
                mark = "=> " if self.started and addr == self.t.pc(k) else "   "
                self.say(f"{mark}0x{addr:x} {self.describe(addr)}:\t{text}".replace(" :", ":"))
                addr += n or 2
            self._x_next = addr
            return
        if fmt == "s":
            for _ in range(count):
                from .dwarf import c_string
                s = c_string(lambda a, n: self.t.read_mem(k, a, n), addr)
                if s is None:
                    raise DebugError(f"Cannot access memory at address 0x{addr:x}")
                d = self.describe(addr)
                self.say(f"0x{addr:x}{(' ' + d) if d else ''}:\t{s}")
                addr += len(self._c_bytes(k, addr)) + 1
            self._x_next = addr
            return
        per_line = {1: 8, 2: 8, 4: 4, 8: 2}[size]
        if fmt in ("d", "u") and size == 1:
            per_line = 8
        if fmt == "c":
            size, per_line = 1, 8
        if fmt == "a":
            size, per_line = 4, 2
        data = self.t.read_mem(k, addr, count * size)
        if len(data) < count * size:
            got = len(data) // size
            count = got
            err = f"Cannot access memory at address 0x{addr + got * size:x}"
        else:
            err = None
        t = Type("base", "", size, 7)
        fr = Frame(self._regs(k), lambda a, n: self.t.read_mem(k, a, n))
        for row in range(0, count, per_line):
            a = addr + row * size
            d = self.describe(a)
            cells = []
            for j in range(row, min(row + per_line, count)):
                chunk = data[j * size:(j + 1) * size]
                f = "z" if fmt == "x" else fmt           # x/x pads with zeros, as GDB
                cells.append(format_value(Value(t, data=chunk), fr, f, describe=self.describe))
            self.say(f"0x{a:x}{(' ' + d) if d else ''}:\t" + "\t".join(cells))
        self._x_next = addr + count * size
        if err:
            raise DebugError(err)

    def _c_bytes(self, k, addr):
        out = bytearray()
        while len(out) < 4096:
            b = self.t.read_mem(k, addr + len(out), 1)[0]
            if b == 0:
                break
            out.append(b)
        return bytes(out)

    def describe(self, addr: int) -> str:
        """``<walk+8>`` as GDB prints an address: in a function of the debug information its
        name; else the ELF symbol as it is spelled there (``<_table+4>``), not a zero-sized
        data symbol, not past a sized symbol's end."""
        f = self.info.function_at(addr)
        if f is not None:
            off = addr - f.lo
            return f"<{f.name}+{off}>" if off else f"<{f.name}>"
        r = self.t.symbols.lookup(addr)
        if r is None:
            return ""
        sym, off = r
        if sym.size and off >= sym.size:
            return ""
        if not sym.size and sym.kind not in ("func", "notype"):
            return ""
        if not sym.size and not any(s.addr <= addr < s.addr + s.memsz
                                    for s in self.t.image.segments):
            return ""                     # past every section (the stack, say): no name
        if not sym.size and sym.section not in (".text", ".init", ".fini") and off:
            return ""
        return f"<{sym.name}+{off}>" if off else f"<{sym.name}>"

    # -- expressions ----------------------------------------------------------------------------
    def evaluate(self, text: str) -> Value:
        return _Parser(self, text).parse()

    def _int(self, val: Value) -> int:
        if val.type.kind in ("struct", "union", "array"):
            if val.addr is not None and val.type.kind == "array":
                return val.addr
            raise DebugError("Invalid cast.")
        data = self._value_bytes(val)
        size = min(max(val.type.size, 1), 8)
        signed = val.type.kind == "base" and val.type.encoding in (5, 6)
        return int.from_bytes(data[:size], "little", signed=signed)

    def _value_bytes(self, val: Value) -> bytes:
        if val.data is not None:
            return val.data
        return self.t.read_mem(self.cur, val.addr, max(val.type.size, 1))

    def lookup_variable(self, name: str) -> Value:
        if self.started and self.t.finished is None:
            fr = self._frames()[self.level]
            for v in self.info.variables(fr.pc):
                if v.name == name:
                    return self.info.location(v, fr)
        g = self.info.global_var(name)
        if g is not None:
            fr = Frame(self._regs(self.cur), lambda a, n: self.t.read_mem(self.cur, a, n))
            return self.info.location(g, fr)
        f = self.info.function_named(name)
        if f is not None:
            return Value(Type("func", name), addr=f.lo)
        sym = self.t.image.symbol(name) or self.t.image.symbol("_" + name)
        if sym is not None:
            if sym.kind == "func" or sym.kind == "notype" and sym.section == ".text":
                return Value(Type("func", name), addr=sym.addr)
            raise DebugError(f"'{name}' has unknown type; cast it to its declared type")
        raise DebugError(f'No symbol "{name}" in current context.')

    def register_value(self, name: str) -> Value:
        n = self.t.reg_number(name)
        if n is None:
            raise DebugError(f'Invalid register `{name}\'' if False else
                             f"No symbol \"{name}\" in current context.")
        self._need_process()
        fr = self._frames()[self.level]
        if n < 64:
            v = fr.regs[n]
        elif n == PC_REGNUM:
            v = fr.pc
        else:
            v = self.t.read_reg(self.cur, n) or 0
        rn = REG_NAMES[n]
        t = CODE_PTR if rn in _CODE_REGS else DATA_PTR if rn in _DATA_REGS else UINT
        return Value(t, data=v.to_bytes(4, "little"), lval_reg=("pc" if n == PC_REGNUM else n))


class _Parser:
    """C expressions as far as print needs them: literals, variables, $registers, $history,
    unary - * & !, binary + - * / % << >> & | ^ == != < > <= >=, a[i], a.m, a->m, (cast)
    is not provided, sizeof(x)."""

    TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+|\$[A-Za-z_0-9]*|[A-Za-z_]\w*|->|<<|>>|"
                       r"==|!=|<=|>=|&&|\|\||'(?:\\.|[^'])'|\S)")

    def __init__(self, dbg: Debugger, text: str):
        self.d = dbg
        self.toks = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m or not m.group(1):
                break
            self.toks.append(m.group(1))
            pos = m.end()
        self.j = 0
        if not self.toks:
            raise DebugError("Argument required (expression to compute).")

    def peek(self):
        return self.toks[self.j] if self.j < len(self.toks) else None

    def take(self, want=None):
        t = self.peek()
        if t is None or (want is not None and t != want):
            raise DebugError("A syntax error in expression, near `%s'." %
                             " ".join(self.toks[self.j:]))
        self.j += 1
        return t

    def parse(self) -> Value:
        v = self.binary(0)
        if self.peek() is not None:
            raise DebugError("A syntax error in expression, near `%s'." %
                             " ".join(self.toks[self.j:]))
        return v

    PREC = [("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", ">", "<=", ">="),
            ("<<", ">>"), ("+", "-"), ("*", "/", "%")]

    def binary(self, level: int) -> Value:
        if level == len(self.PREC):
            return self.unary()
        v = self.binary(level + 1)
        while self.peek() in self.PREC[level]:
            op = self.take()
            w = self.binary(level + 1)
            v = self.arith(op, v, w)
        return v

    def arith(self, op, v: Value, w: Value) -> Value:
        d = self.d
        if op in ("+", "-") and v.type.kind in ("pointer", "array"):
            el = v.type.target.size if v.type.target is not None and v.type.target.size else 1
            base = d._int(v)
            r = base + d._int(w) * el if op == "+" else base - d._int(w) * el
            pt = v.type if v.type.kind == "pointer" else Type("pointer", "", 4,
                                                              target=v.type.target)
            return Value(pt, data=(r & 0xFFFFFFFF).to_bytes(4, "little"))
        a, b = d._int(v), d._int(w)
        if op in ("/", "%") and b == 0:
            raise DebugError("Division by zero")
        r = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
             "/": lambda: int(a / b), "%": lambda: a - int(a / b) * b,
             "<<": lambda: a << b, ">>": lambda: a >> b, "&": lambda: a & b,
             "|": lambda: a | b, "^": lambda: a ^ b, "==": lambda: int(a == b),
             "!=": lambda: int(a != b), "<": lambda: int(a < b), ">": lambda: int(a > b),
             "<=": lambda: int(a <= b), ">=": lambda: int(a >= b),
             "&&": lambda: int(bool(a) and bool(b)), "||": lambda: int(bool(a) or bool(b))}[op]()
        return _int_value(r)

    def unary(self) -> Value:
        t = self.peek()
        d = self.d
        if t == "-":
            self.take()
            return _int_value(-d._int(self.unary()))
        if t == "!":
            self.take()
            return _int_value(int(not d._int(self.unary())))
        if t == "~":
            self.take()
            return _int_value(~d._int(self.unary()))
        if t == "*":
            self.take()
            v = self.unary()
            if v.type.kind == "pointer":
                tgt = v.type.target
                if tgt is None or tgt.kind == "void":
                    raise DebugError("Attempt to take contents of a non-pointer value.")
                return Value(tgt, addr=d._int(v))
            if v.type.kind == "array":
                return Value(v.type.target, addr=v.addr)
            if v.type.kind == "func":
                return v
            return Value(INT, addr=d._int(v))
        if t == "&":
            self.take()
            v = self.unary()
            if v.addr is None:
                raise DebugError("Attempt to take address of value not located in memory.")
            pt = Type("pointer", "", 4, target=v.type)
            return Value(pt, data=v.addr.to_bytes(4, "little"))
        if t == "sizeof":
            self.take()
            self.take("(")
            v = self.binary(0)
            self.take(")")
            return Value(UINT, data=(v.type.size or 0).to_bytes(4, "little"))
        return self.postfix(self.primary())

    def primary(self) -> Value:
        t = self.take()
        d = self.d
        if t == "(":
            v = self.binary(0)
            self.take(")")
            return v
        if re.fullmatch(r"0[xX][0-9a-fA-F]+|\d+", t):
            try:
                v = int(t, 0) if not (len(t) > 1 and t[0] == "0" and t[1] not in "xX") \
                    else int(t, 8)
            except ValueError:
                raise DebugError(f'Invalid number "{t}".') from None
            return _int_value(v)
        if t.startswith("'"):
            ch = _c_unescape(t[1:-1]) if len(t) >= 3 else ""
            if len(ch) != 1 or not t.endswith("'"):
                raise DebugError("Unmatched single quote.")
            return Value(Type("base", "char", 1, 6), data=bytes([ord(ch) & 0xFF]))
        if t.startswith("$"):
            name = t[1:]
            if name == "":
                if not d.history:
                    raise DebugError("History is empty.")
                return self._history(len(d.history))
            if name.isdigit():
                return self._history(int(name))
            return d.register_value(name)
        if re.fullmatch(r"[A-Za-z_]\w*", t):
            return d.lookup_variable(t)
        raise DebugError("A syntax error in expression, near `%s'." %
                         " ".join(self.toks[self.j - 1:]))

    def _history(self, n: int) -> Value:
        d = self.d
        if not 1 <= n <= len(d.history):
            raise DebugError(f"History has not yet reached ${n}.")
        text = d.history[n - 1]
        try:
            return _int_value(int(text.split()[0], 0))
        except ValueError:
            raise DebugError(f"${n} is not a number") from None

    def postfix(self, v: Value) -> Value:
        d = self.d
        while self.peek() in ("[", ".", "->"):
            op = self.take()
            if op == "[":
                i = d._int(self.binary(0))
                self.take("]")
                if v.type.kind == "array":
                    el = v.type.target
                    if v.addr is not None:
                        v = Value(el, addr=v.addr + i * el.size)
                    else:
                        v = Value(el, data=v.data[i * el.size:(i + 1) * el.size])
                elif v.type.kind == "pointer" and v.type.target is not None:
                    el = v.type.target
                    v = Value(el, addr=d._int(v) + i * max(el.size, 1))
                else:
                    raise DebugError("cannot subscript something of type `%s'" %
                                     v.type.c_name())
            else:
                name = self.take()
                if op == "->":
                    if v.type.kind != "pointer" or v.type.target is None:
                        raise DebugError("The -> operator needs a pointer to a struct.")
                    v = Value(v.type.target, addr=d._int(v))
                if v.type.kind not in ("struct", "union"):
                    raise DebugError("Attempt to extract a component of a value that is not "
                                     "a structure.")
                m = next((m for m in v.type.members if m[0] == name), None)
                if m is None:
                    raise DebugError(f"There is no member named {name}.")
                _, off, mt = m
                if v.addr is not None:
                    v = Value(mt, addr=v.addr + off)
                else:
                    v = Value(mt, data=v.data[off:off + mt.size])
        return v


_C_ESCAPES = {"n": "\n", "t": "\t", "a": "\a", "b": "\b", "f": "\f", "r": "\r", "v": "\v",
              "e": "\033"}


def _c_unescape(text: str) -> str:
    """C escapes as GDB's echo reads them: \\n \\t ... \\NNN (octal); \\c is c; a trailing
    backslash is dropped."""
    out = []
    j = 0
    while j < len(text):
        ch = text[j]
        if ch != "\\" or j + 1 >= len(text):
            if ch != "\\":
                out.append(ch)
            j += 1
            continue
        nxt = text[j + 1]
        m = re.match(r"[0-7]{1,3}", text[j + 1:])
        if m:
            out.append(chr(int(m.group(0), 8)))
            j += 1 + len(m.group(0))
            continue
        out.append(_C_ESCAPES.get(nxt, nxt))
        j += 2
    return "".join(out)


def _int_value(v: int) -> Value:
    if -(1 << 31) <= v < (1 << 31):
        return Value(INT, data=(v & 0xFFFFFFFF).to_bytes(4, "little"))
    t = Type("base", "long long", 8, 5)
    return Value(t, data=(v & ((1 << 64) - 1)).to_bytes(8, "little"))


# -- the command line ---------------------------------------------------------------------------

EXIT_HELP = """commands: GDB's spelling (docs/debugging.md): break FILE:LINE|FUNC|*ADDR, tbreak,
delete, run, start, continue, step, next, stepi, nexti, finish, print[/x] EXPR, x/NFU ADDR,
info registers|breakpoints|threads|locals|args|line, watch/rwatch/awatch EXPR, thread N,
backtrace, frame/up/down, list, set var X = V, monitor cycles|profile, kill, quit.

exit status: the program's exit status when it ran to its end; otherwise 0, or 1 when the
last command of -batch failed (as GDB)."""


def add_arguments(p):
    from .. import runner
    runner.add_chip_arguments(p)
    p.add_argument("-batch", "--batch", dest="batch", action="store_true",
                   help="run the -ex commands and the -x file, then exit (no prompt)")
    p.add_argument("-ex", "--ex", "-eval-command", dest="ex", action="append", default=[],
                   metavar="CMD", help="run this debugger command (repeatable, in order)")
    p.add_argument("-x", "--command", dest="script", action="append", default=[],
                   metavar="FILE", help="run the commands in FILE")
    p.add_argument("-q", "-quiet", "--quiet", "-silent", dest="quiet", action="store_true",
                   help="no banner")
    p.add_argument("--directory", "-d", dest="dirs", action="append", default=[],
                   metavar="DIR", help="look for source files in DIR too")
    p.set_defaults(func=run, profile=None, heatmap=None, trace=None, trace_cores=None,
                   trace_range=None, metrics=None, stats=False, takes_program_args=True,
                   program_args=[])
    p.epilog = (p.epilog or "") + "\n\n" + EXIT_HELP


def run(args) -> int:
    from .. import runner
    try:
        img = runner._check_options(args)
        runner._make_chip(args, img).close()          # the options and the file are good
    except runner._Usage as e:
        print(f"epiphany-emu: {e}", file=sys.stderr)
        return 2

    def make_target() -> Target:
        chip = runner._make_chip(args, img)
        return Target(chip, img, max_cycles=args.max_cycles)

    dbg = Debugger(make_target, source_dirs=args.dirs + [os.path.dirname(
        os.path.abspath(args.elf))])
    dbg.program_args = list(args.program_args or [])
    commands: List[str] = []
    for path in args.script:
        try:
            with open(path) as f:
                commands.extend(f.read().splitlines())
        except OSError as e:
            print(f"epiphany-emu: {path}: {e.strerror}", file=sys.stderr)
            return 2
    commands.extend(args.ex)
    dbg.from_tty = not args.batch
    ok = True
    try:
        for c in commands:
            if not args.batch:
                print(f"(gdb) {c}")
            ok = dbg.execute(c)
            sys.stdout.flush()
        if not args.batch:
            dbg.from_tty = True
            _interactive(dbg, args.quiet)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    finally:
        sys.stdout.flush()
    if dbg.exit_code is not None:
        return dbg.exit_code
    return 0 if ok else 1


def _interactive(dbg: Debugger, quiet: bool) -> None:
    if not quiet:
        print("epiphany-emu debug: GDB's everyday commands; \"help\" lists them, "
              "\"quit\" ends.")
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    last = ""
    while True:
        try:
            line = input("(gdb) ")
        except EOFError:
            print("quit")
            raise SystemExit(dbg.exit_code if dbg.exit_code is not None else 0)
        except KeyboardInterrupt:
            print("Quit")
            continue
        if not line.strip():
            line = last                          # an empty line repeats (step, next, ...)
        last = line if line.split()[:1] and line.split()[0] in (
            "s", "n", "si", "ni", "step", "next", "stepi", "nexti", "c", "continue", "x",
            "list", "l") else ""
        dbg.execute(line)
