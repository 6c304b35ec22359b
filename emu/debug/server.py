"""A GDB remote-serial-protocol server on the emulated chip (``epiphany-emu load app.elf --gdb
[HOST:]PORT``, or ``emu.debug.serve`` from Python; ``epiphany-emu serve``/``host --gdb`` drive its
sessions from the server's chip thread: ``GdbServer.call``).

What a client sees, as it would see e-server on a Parallella (facts from Adapteva's GDB 8.2
``epiphany-tdep.c`` and epiphany-libs' ``e-server``; see docs/debugging.md):

* each core of the workgroup is a thread, numbered as e-server does: (row + 1) * 100 + col + 1
  relative to the chip's first core (core 0x808 is thread 101); all-stop;
* the 'g' packet carries the 106 registers of the Epiphany GDB in its order (r0..r63, then
  config, status, pc, ...), 4 bytes each, little-endian; 'xxxxxxxx' for the three Epiphany-IV
  mesh routing registers the E16G301 lacks;
* memory at any chip address; a local address (below 1 MiB) is the current thread's;
* breakpoints Z0/Z1 are the engine's (nothing is written into memory; the program's own BKPT
  stops with SIGTRAP, PC past it, as the hardware leaves it); watchpoints Z2/Z3/Z4 are
  checked by the emulator on every store/load (no single-stepping);
* stops: T05 with swbreak at a breakpoint, watch/rwatch/awatch at a watchpoint, SIGBUS at an
  alignment fault (SIGSEGV, SIGILL for other faults) with the fault report on the console and
  in GDB, SIGSTOP at a deadlock (with the report), SIGXCPU at --max-cycles, SIGINT after
  Ctrl-C, W<code> when the program exits;
* ``monitor cycles``, ``monitor profile`` (qRcmd).
"""
from __future__ import annotations

import queue
import socket
import sys
import threading
import time
from typing import Callable, List, Optional, Tuple

from . import rsp
from .target import (NUM_REGS, PC_REGNUM, SIGKILL, SIGTRAP, SP_REGNUM, StopEvent, Target,
                     TargetError)

PACKET_SIZE = 0x4000
_WATCH_Z = {2: "watch", 3: "rwatch", 4: "awatch"}


def parse_address(text: str) -> Tuple[str, int]:
    """[HOST:]PORT -> (host, port); host defaults to localhost."""
    host, _, port = text.rpartition(":")
    try:
        p = int(port)
    except ValueError:
        raise ValueError(f"expected [HOST:]PORT, got {text!r}") from None
    if not 0 <= p < 65536:
        raise ValueError(f"port {p} out of range")
    return host or "localhost", p


class GdbServer:
    """Serves one target to GDB clients, one client at a time (another one connecting meanwhile
    is told the target is busy).  ``listen`` binds; ``serve`` runs sessions until a client
    detaches, kills, or the program has exited and its client left.  The result of ``serve``
    is "detached", "killed" or "exited"."""

    #: seconds a second client waits for the first one's session to end before it is refused
    GRACE = 1.0

    def __init__(self, target: Optional[Target], log: Optional[Callable[[str], None]] = None,
                 console=None, call: Optional[Callable] = None):
        self.target = target
        #: None: a session runs the target itself (a resume in a worker thread while the
        #: session watches its client).  Else call(fn) runs fn() in the thread that owns the
        #: chip and returns its result: every packet is handled there, and a resume runs there
        #: through the target's run_chip, which calls target.between (the client is polled
        #: for Ctrl-C then) -- ``epiphany-emu serve --gdb``, whose chip thread also serves
        #: host programs
        self.call = call
        self.log = log
        self.console = console if console is not None else sys.stderr
        self.sock: Optional[socket.socket] = None
        self.address: Optional[Tuple[str, int]] = None
        self._queue: "queue.Queue" = queue.Queue()
        self._busy = threading.Event()
        self._claim_lock = threading.Lock()
        self._closing = False
        self.sessions = 0

    # -- connections ---------------------------------------------------------------------------
    def listen(self, host: str = "localhost", port: int = 0) -> Tuple[str, int]:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        s.listen(4)
        self.sock = s
        self.address = s.getsockname()[:2]
        threading.Thread(target=self._accept, daemon=True, name="gdb accept").start()
        return self.address

    def _accept(self):
        while not self._closing:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if not self._claim():
                threading.Thread(target=self._wait_or_refuse, args=(c,), daemon=True).start()
            else:
                self._queue.put(c)

    def _claim(self) -> bool:
        """Take the target for a new client if nobody has it."""
        with self._claim_lock:
            if self._busy.is_set():
                return False
            self._busy.set()
            return True

    def _wait_or_refuse(self, c):
        """A client connecting while another one is attached: it gets the target if the other
        one is on its way out (its session ends within the grace time: a client that just
        closed its socket while the chip ran), else an error reply."""
        deadline = time.monotonic() + self.GRACE
        while time.monotonic() < deadline and not self._closing:
            if self._claim():
                self._queue.put(c)
                return
            time.sleep(0.02)
        conn = rsp.Connection(c)
        pkt = conn.read_packet()
        if pkt is not None:
            conn.send(b"E.another GDB client is attached to this target")
        conn.close()

    def close(self):
        self._closing = True
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass

    def next_client(self, timeout: Optional[float] = None) -> Optional[socket.socket]:
        """The socket of the next client to serve (it has the target: call ``release`` when
        its session ended), or None after timeout seconds."""
        try:
            c = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        self.sessions += 1
        return c

    def release(self) -> None:
        """A session ended: the next client may have the target."""
        self._busy.clear()

    def serve(self) -> str:
        """Sessions until one ends the debugging (see the class)."""
        try:
            while True:
                c = self.next_client()
                try:
                    outcome = Session(self, rsp.Connection(c, self.log)).run()
                finally:
                    self.release()
                if outcome != "disconnected":
                    return outcome
                if self.target.finished is not None:
                    return "exited"
        finally:
            self.close()

    def say(self, lines: List[str]) -> None:
        for line in lines:
            print(line, file=self.console)
        try:
            self.console.flush()
        except Exception:
            pass


class Session:
    """One client connection: the packet loop."""

    def __init__(self, server: GdbServer, conn: rsp.Connection):
        self.server = server
        self.t = server.target
        self.conn = conn
        threads = self.t.threads() or self.t.cores
        self.g_core = threads[0]          # Hg: registers and memory
        self.c_core: Optional[int] = None  # Hc: legacy c/s (None: all)
        self.swbreak = False
        self.outcome: Optional[str] = None
        #: a packet is being handled and its reply not yet sent (a continue runs meanwhile)
        self.busy = threading.Event()

    # -- the loop ------------------------------------------------------------------------------
    def _exec(self, fn):
        """fn() where the target is to be touched (see GdbServer.call)."""
        return fn() if self.server.call is None else self.server.call(fn)

    def run(self) -> str:
        """Packets until the client detaches, kills, or goes away; that outcome ("detached",
        "killed", "disconnected")."""
        while self.outcome is None:
            pkt = self.conn.read_packet()
            if pkt is None:
                self._exec(self.t.clear)
                return "disconnected"
            if pkt == rsp.INTERRUPT:
                continue                      # stopped already
            self.busy.set()
            try:
                reply = self._exec(lambda: self.handle(pkt))
                if reply is not None and not self.conn.closed:
                    self.conn.send(reply)
            finally:
                self.busy.clear()
            if self.conn.closed and self.outcome is None:
                self._exec(self.t.clear)
                return "disconnected"
        if self.outcome == "detached":
            self._exec(self.t.clear)
        self.conn.close()
        return self.outcome

    def handle(self, pkt: bytes) -> Optional[bytes]:
        """The reply to one packet (None: none); a refused or malformed request is an error
        reply, never the end of the session."""
        try:
            return self.dispatch(pkt)
        except TargetError as e:
            if self.server.log:
                self.server.log(f"error: {e}")
            return b"E01"
        except (ValueError, IndexError, KeyError, OverflowError, UnicodeError) as e:
            if self.server.log:
                self.server.log(f"malformed packet {pkt[:40]!r}: {e}")
            return b"E02"

    def dispatch(self, pkt: bytes) -> Optional[bytes]:
        c = pkt[:1]
        body = pkt[1:]
        if c == b"?":
            return self.stop_reply(self.t.last_stop) if self.t.last_stop else self.initial_stop()
        if c == b"g":
            return b"".join(self._reg_hex(self.g_core, n) for n in range(NUM_REGS))
        if c == b"G":
            return self.write_all_regs(body)
        if c == b"p":
            n = int(body, 16)
            if n >= NUM_REGS:
                return b"E01"
            return self._reg_hex(self.g_core, n)
        if c == b"P":
            n, _, v = body.partition(b"=")
            n = int(n, 16)
            if n >= NUM_REGS:
                return b"E01"
            self.t.write_reg(self.g_core, n, int.from_bytes(rsp.unhexlify(v)[:4], "little"))
            return b"OK"
        if c == b"m":
            addr, n = (int(x, 16) for x in body.split(b","))
            return rsp.hexlify(self.t.read_mem(self.g_core, addr, min(n, PACKET_SIZE // 2 - 8)))
        if c == b"M":
            where, _, data = body.partition(b":")
            addr, n = (int(x, 16) for x in where.split(b","))
            self.t.write_mem(self.g_core, addr, rsp.unhexlify(data)[:n])
            return b"OK"
        if c == b"X":
            where, _, data = body.partition(b":")
            addr, n = (int(x, 16) for x in where.split(b","))
            if n:
                self.t.write_mem(self.g_core, addr, rsp.unescape(data)[:n])
            return b"OK"
        if c in (b"Z", b"z"):
            return self.matchpoint(c == b"Z", body)
        if c == b"H":
            return self.set_thread(body)
        if c == b"T":
            k = self._core(body)
            return b"OK" if k is not None and self.t.alive(k) else b"E01"
        if c == b"q":
            return self.query(pkt)
        if c == b"Q":
            if pkt == b"QStartNoAckMode":
                self.conn.send(b"OK")
                self.conn.ack = False
                return None
            return b""
        if c == b"v":
            return self.v_packet(pkt)
        if c in (b"c", b"C", b"s", b"S"):
            return self.legacy_resume(c, body)
        if c == b"D":
            self.outcome = "detached"
            return b"OK"
        if c == b"k":
            self.outcome = "killed"
            return None
        return b""

    # -- registers ------------------------------------------------------------------------------
    def _reg_hex(self, k: int, n: int) -> bytes:
        v = self.t.read_reg(k, n)
        if v is None:
            return b"xxxxxxxx"
        return rsp.hexlify(v.to_bytes(4, "little"))

    def write_all_regs(self, body: bytes) -> bytes:
        for n in range(min(NUM_REGS, len(body) // 8)):
            h = body[8 * n:8 * n + 8]
            if b"x" in h:
                continue
            self.t.write_reg(self.g_core, n, int.from_bytes(rsp.unhexlify(h), "little"))
        return b"OK"

    # -- threads --------------------------------------------------------------------------------
    def _core(self, text: bytes) -> Optional[int]:
        """The core of a thread id (hex, or p<pid>.<tid>); None for 0 / -1 / unknown."""
        if text.startswith(b"p"):
            text = text.split(b".", 1)[1] if b"." in text else b"-1"
        if text in (b"-1", b"0", b""):
            return None
        try:
            return self.t.core_of_tid(int(text, 16))
        except (TargetError, ValueError):
            return -1

    def set_thread(self, body: bytes) -> bytes:
        op, tid = body[:1], body[1:]
        k = self._core(tid)
        if k == -1:
            return b"E01"
        if op == b"g":
            if k is not None:
                self.g_core = k
            return b"OK"
        if op == b"c":
            self.c_core = k
            return b"OK"
        return b"E01"

    def thread_text(self, k: int) -> str:
        cid = self.t.engine.coreid(k)
        return f"core 0x{cid:03x} (row {cid >> 6}, col {cid & 63}) {self.t.state(k)}"

    # -- queries --------------------------------------------------------------------------------
    def query(self, pkt: bytes) -> bytes:
        t = self.t
        if pkt.startswith(b"qSupported"):
            feats = pkt.partition(b":")[2].split(b";")
            self.swbreak = b"swbreak+" in feats
            return (b"PacketSize=%x;QStartNoAckMode+;qXfer:threads:read+;swbreak+;"
                    b"vContSupported+" % PACKET_SIZE)
        if pkt == b"qC":
            return b"QC%x" % t.tid(self.g_core)
        if pkt == b"qfThreadInfo":
            return b"m" + b",".join(b"%x" % t.tid(k) for k in t.threads())
        if pkt == b"qsThreadInfo":
            return b"l"
        if pkt.startswith(b"qThreadExtraInfo,"):
            k = self._core(pkt.split(b",", 1)[1])
            if k is None or k < 0:
                return b"E01"
            return rsp.hex_text(self.thread_text(k))
        if pkt.startswith(b"qXfer:threads:read::"):
            off, n = (int(x, 16) for x in pkt.rsplit(b":", 1)[1].split(b","))
            doc = self.threads_xml()
            part = doc[off:off + n]
            return (b"m" if off + n < len(doc) else b"l") + rsp.escape(part)
        if pkt.startswith(b"qAttached"):
            return b"0"
        if pkt.startswith(b"qSymbol"):
            return b"OK"
        if pkt.startswith(b"qRcmd,"):
            return self.monitor(rsp.unhexlify(pkt[6:]).decode(errors="replace"))
        return b""

    def threads_xml(self) -> bytes:
        rows = ['<?xml version="1.0"?>', "<threads>"]
        for k in self.t.threads():
            rows.append(f'<thread id="{self.t.tid(k):x}" core="{k}" '
                        f'name="core 0x{self.t.engine.coreid(k):03x}">'
                        f"{self.thread_text(k)}</thread>")
        rows.append("</threads>")
        return "\n".join(rows).encode()

    def monitor(self, cmd: str) -> bytes:
        try:
            text, ok = self.t.monitor(cmd.strip()), True
        except TargetError as e:
            text, ok = str(e) + "\n", False
        self.console_out(text)
        return b"OK" if ok else b"E01"

    def console_out(self, text: str) -> None:
        """Text for GDB's console ('O' packets)."""
        data = text.encode()
        for j in range(0, len(data), 512):
            self.conn.send(b"O" + rsp.hexlify(data[j:j + 512]))

    # -- breakpoints and watchpoints --------------------------------------------------------------
    def matchpoint(self, insert: bool, body: bytes) -> bytes:
        parts = body.split(b";")[0].split(b",")
        typ, addr, kind = int(parts[0]), int(parts[1], 16), int(parts[2], 16)
        if typ in (0, 1):
            if insert:
                self.t.add_break(addr)
            else:
                self.t.remove_break(addr)
            return b"OK"
        if typ in _WATCH_Z:
            if insert:
                self.t.add_watch(_WATCH_Z[typ], addr, kind, self.g_core)
            else:
                self.t.remove_watch(_WATCH_Z[typ], addr, kind)
            return b"OK"
        return b""

    # -- running --------------------------------------------------------------------------------
    def v_packet(self, pkt: bytes) -> Optional[bytes]:
        if pkt == b"vCont?":
            return b"vCont;c;C;s;S;t"
        if pkt.startswith(b"vCont;"):
            return self.vcont(pkt[6:])
        if pkt.startswith(b"vKill"):
            self.outcome = "killed"
            return b"OK"
        if pkt == b"vCtrlC":
            self.t.interrupt()
            return b"OK"
        return b""

    def vcont(self, actions: bytes) -> Optional[bytes]:
        """vCont;action[:thread]...: the leftmost action naming a thread applies to it; a
        step (s/S) steps that core by one instruction, the cores with c/C (or a step) run,
        the others (t, or no action) stay stopped."""
        run: List[int] = []
        step: Optional[int] = None
        decided = set()
        for a in actions.split(b";"):
            act, _, tid = a.partition(b":")
            op = act[:1]
            if tid:
                k = self._core(tid)
                ks = [k] if k is not None and k >= 0 else \
                    ([] if k == -1 else self.t.threads())
            else:
                ks = self.t.threads()
            for k in ks:
                if k in decided:
                    continue
                decided.add(k)
                if op in (b"c", b"C"):
                    run.append(k)
                elif op in (b"s", b"S"):
                    run.append(k)
                    if step is None:
                        step = k
        if not run:
            return b"OK"
        everyone = set(run) >= set(self.t.threads())
        return self.resume(None if everyone else run, step)

    def legacy_resume(self, c: bytes, body: bytes) -> Optional[bytes]:
        if c in (b"C", b"S"):
            body = body.partition(b";")[2]
        k = self.c_core if self.c_core is not None else self.g_core
        if body:
            self.t.write_reg(k, PC_REGNUM, int(body, 16))
        if c in (b"s", b"S"):
            return self.resume([k], k)
        return self.resume(None, None)

    def resume(self, run, step) -> Optional[bytes]:
        """Run the target while watching the connection for Ctrl-C and for the client leaving
        (the run is then stopped and nothing is reported); the stop reply."""
        if self.server.call is None:
            ev, gone = self._resume_in_thread(run, step)
        else:
            ev, gone = self._resume_here(run, step)
        if gone:
            return None
        if ev.report:
            self.server.say(ev.report)
            self.console_out("\n".join(ev.report) + "\n")
        return self.stop_reply(ev)

    def _resume_here(self, run, step) -> Tuple[Optional[StopEvent], bool]:
        """In the thread that owns the chip (GdbServer.call): the target's run_chip polls the
        client between two time slices (target.between)."""
        gone = []

        def between():
            r = self.conn.poll_interrupt(0)
            if r == "interrupt":
                self.t.interrupt()
            elif r == "eof":
                gone.append(True)
                self.t.interrupt()
        self.t.between = between
        try:
            # GDB steps a thread over the breakpoint it resumes at itself (see below)
            ev = self.t.resume(run, step, over=None)
        finally:
            self.t.between = None
        return ev, bool(gone)

    def _resume_in_thread(self, run, step) -> Tuple[Optional[StopEvent], bool]:
        """The run in a worker thread; this one watches the client meanwhile."""
        box = {}

        def work():
            try:
                # GDB steps a thread over the breakpoint it resumes at itself (removes it,
                # steps, puts it back); any thread sitting on one is to report it
                box["ev"] = self.t.resume(run, step, over=None)
            except BaseException as e:       # reported below
                box["err"] = e
        th = threading.Thread(target=work, daemon=True, name="epiphany-emu gdb run")
        th.start()
        gone = False
        while th.is_alive():
            r = self.conn.poll_interrupt(0.05)
            if r == "interrupt":
                self.t.interrupt()
            elif r == "eof":
                gone = True
                self.t.interrupt()
                th.join()
        th.join()
        if "err" in box:
            raise box["err"]
        return box.get("ev"), gone

    def initial_stop(self) -> bytes:
        return self.stop_reply(StopEvent("signal", self.g_core, SIGTRAP))

    def stop_reply(self, ev: StopEvent) -> bytes:
        if ev.reason == "exited":
            return b"W%02x" % (ev.exit_code & 0xFF)
        k = ev.core
        if k is None or not self.t.alive(k):
            k = self.g_core if self.t.alive(self.g_core) else (self.t.threads() or [k])[0]
        self.g_core = k
        out = b"T%02xthread:%x;" % (ev.signal if ev.signal else SIGTRAP, self.t.tid(k))
        if ev.reason == "breakpoint" and self.swbreak:
            out += b"swbreak:;"
        if ev.reason == "watch" and ev.watch:
            out += b"%s:%x;" % (ev.watch[0].encode(), ev.watch[1])
        for n in (SP_REGNUM, PC_REGNUM):
            out += b"%02x:%s;" % (n, self._reg_hex(k, n))
        return out


def serve(target_or_chip, address="localhost:0", *, image=None, log=None,
          ready: Optional[Callable[[Tuple[str, int]], None]] = None) -> str:
    """Serve a Target (or a Chip with its program loaded) to GDB at address ([HOST:]PORT or
    (host, port)) until a client detaches, kills it, or it exited; returns that outcome.
    ``ready`` is called with the bound (host, port) before waiting for the first client."""
    own = not isinstance(target_or_chip, Target)
    target = Target(target_or_chip, image) if own else target_or_chip
    try:
        host, port = parse_address(address) if isinstance(address, str) else address
        srv = GdbServer(target, log=log)
        bound = srv.listen(host, port)
        if ready is not None:
            ready(bound)
        return srv.serve()
    finally:
        if own:
            target.close()


def run_gdb(args, chip, img, finish: Callable) -> int:
    """``epiphany-emu load --gdb [HOST:]PORT``: wait for GDB before the first instruction,
    serve it; then the exit status (the program's, reported by ``finish(RunResult)`` like a
    plain run's).  A client that detaches lets the program run to its end; `kill` ends it
    (status 137, like a killed process)."""
    try:
        host, port = parse_address(args.gdb)
    except ValueError as e:
        print(f"epiphany-emu: --gdb: {e}", file=sys.stderr)
        return 2
    target = Target(chip, img, max_cycles=args.max_cycles)
    srv = GdbServer(target)
    try:
        bound = srv.listen(host, port)
    except OSError as e:
        print(f"epiphany-emu: --gdb {args.gdb}: {e.strerror}", file=sys.stderr)
        return 2
    print(f"epiphany-emu: waiting for GDB on {bound[0]}:{bound[1]} "
          f"(target remote {bound[0]}:{bound[1]})", file=sys.stderr)
    sys.stderr.flush()
    outcome = srv.serve()
    if target.finished is not None:
        outcome = "exited"
    if outcome == "killed":
        chip.close()
        print("epiphany-emu: killed by GDB", file=sys.stderr)
        return 128 + SIGKILL
    if outcome == "detached":
        res = chip.run(args.max_cycles)
    else:
        res = target.finished.result
    chip.close()
    sys.stdout.flush()
    return finish(res)
