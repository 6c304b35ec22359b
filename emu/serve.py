"""``epiphany-emu serve``: the emulated chip as a server for ESDK host programs (libe-hal).

A host program built against our e-hal (``hal/``; flags from ``epiphany-emu hal-config``)
connects to a running server through a Unix socket, and receives the chip's memory -- every
core's SRAM and the external DRAM -- as a memory file it maps: ``e_read``/``e_write`` of a
core's memory or a DRAM buffer are plain memory accesses, as through ``/dev/epiphany`` on the
board.  Registers and control (reset, load, start, signal, halt, resume) are requests on the
socket, carried out between two time slices of the chip.  The chip runs continuously in a
thread of its own while a host program is connected, so cores poll their mailboxes while the
host does; it pauses between host programs (emulated time passes only while someone
watches).  One host program at a time: others wait for their turn (``EPIPHANY_EMU_WAIT``
seconds, default 60).  A host program that dies mid-run ends its session; the next one finds
the chip as it was left (call e_reset_system, as on the board).

The layout of the memory file and the protocol are defined in ``hal/src/ehal-proto.h``; this
module holds the same numbers (``tests/host/test_protocol.py`` compares them).

``epiphany-emu host ./prog`` (emu/hostcmd.py) runs one host program against a private
server; ``docs/esdk-host.md`` shows both.  With ``--gdb [HOST:]PORT`` a GDB client can attach
to the cores too (``Server(gdb=...)``; docs/debugging.md).
"""
from __future__ import annotations

import mmap
import os
import socket
import struct
import sys
import threading
import time
from typing import Callable, List, Optional, Tuple

import numpy as np

from loader.elf import LoadError, read_elf

from .chip import Chip, ChipConfig, Fault
from .stops import Stop
from .syscalls import HostIO, Syscalls

# -- the shared definitions (hal/src/ehal-proto.h) -------------------------------------------
SHM_MAGIC = 0x554D4545                     #: "EEMU"
PROTO_VERSION = 1
MAX_EXT = 4
DIRTY_SLOTS = 256
#: struct ehal_shm_header: magic, version, header_size, server_pid, rows, cols, first_row,
#: first_col, ncores, sram_size, chip_type, n_ext; sram_offset, total_size
HEADER = struct.Struct("<12I2Q")
EXT_REGION = struct.Struct("<IIQ")         #: base, size, offset
OFF_EXT = HEADER.size                      #: ext[MAX_EXT]
OFF_HOST_WRITES = OFF_EXT + MAX_EXT * EXT_REGION.size
OFF_DIRTY_SEQ = OFF_HOST_WRITES + 4
OFF_DIRTY = OFF_DIRTY_SEQ + 4              #: dirty[DIRTY_SLOTS] of (addr, len)
DIRTY = struct.Struct("<II")
HEADER_BYTES = OFF_DIRTY + DIRTY_SLOTS * DIRTY.size
PAGE = 4096

REQ = struct.Struct("<12I")   #: op, flags, row, col, rows, cols, grow, gcol, grows, gcols, value, len
REP = struct.Struct("<iIII")  #: status, value, len, pad
OP_HELLO, OP_BYE, OP_RESET, OP_LOAD, OP_START, OP_REG_READ, OP_REG_WRITE, OP_SYNC = range(1, 9)
E_OK, E_ERR = 0, -1
MAX_PAYLOAD = 1 << 16

#: emulated cycles per call of the run loop (requests cut a slice short)
SLICE_CYCLES = 200_000
#: while every core spins on memory only the host program can change (its writes through
#: pointers are invisible to the chip), the chip is run again after a pause that doubles
#: from SPIN_PAUSE_MIN up to SPIN_PAUSE_MAX wall seconds; the first retry is immediate
SPIN_PAUSE_MIN = 0.0001
SPIN_PAUSE_MAX = 0.002


def default_socket_path() -> str:
    """$EPIPHANY_EMU_SOCKET, else /tmp/epiphany-emu-UID/serve.sock (libe-hal's rule)."""
    env = os.environ.get("EPIPHANY_EMU_SOCKET")
    if env:
        return env
    return f"/tmp/epiphany-emu-{os.getuid()}/serve.sock"


class ServeError(Exception):
    """The server cannot start (socket in use, no shared memory ...)."""


class _Refused(Exception):
    """A request the server answers with E_ERR and this message."""


class _Work:
    __slots__ = ("fn", "done", "result", "error")

    def __init__(self, fn):
        self.fn = fn
        self.done = threading.Event()
        self.result = None
        self.error: Optional[BaseException] = None


def _chip_type(config: ChipConfig) -> int:
    """e_chiptype_t: E16G301 (0) for the 4x4 chip, E64G401 (1) otherwise (as the loader's
    workgroup record says)."""
    return 0 if (config.rows, config.cols) == (4, 4) else 1


class Server:
    """The chip of ``config`` with its memory in a memory file, served on ``socket_path``.

    ``start()`` listens and runs the chip thread; ``shutdown()`` stops both.  Device output
    (newlib's printf through TRAP) goes to ``hostio`` as with ``epiphany-emu load``.
    ``max_cycles``: the chip stops advancing at that emulated time (``on_limit`` is called
    once).  Faults are reported on stderr (``report_image`` names the program for symbols);
    the faulting core is halted and the others run on.

    ``gdb``: (host, port) or "[HOST:]PORT" where GDB clients can attach too, one at a time
    (``gdb_address`` once listening).  A client that connects stops the chip at the end of a
    time slice and has it all-stop: the chip runs only while the client says so, in the chip
    thread, and host requests are served between slices as ever -- also while the client
    has it stopped (only the running waits).  When the client leaves, the chip runs on for
    the host program.  ``gdb_wait``: no core runs an instruction before a client has
    connected and let it run (``epiphany-emu host --gdb``).  ``on_gdb_kill`` is called when
    a client kills the program (its cores are halted)."""

    def __init__(self, config: Optional[ChipConfig] = None, hostio: Optional[HostIO] = None,
                 socket_path: Optional[str] = None, *, max_cycles: int = 0,
                 on_limit: Optional[Callable[[], None]] = None,
                 log: Optional[Callable[[str], None]] = None,
                 gdb=None, gdb_wait: bool = False,
                 on_gdb_kill: Optional[Callable[[], None]] = None):
        self.config = config or ChipConfig()
        self.socket_path = socket_path or default_socket_path()
        self.max_cycles = max_cycles
        self.on_limit = on_limit
        self.log = log or (lambda msg: print(f"epiphany-emu serve: {msg}", file=sys.stderr))
        self._memfd, self._mm, memory = self._make_memory()
        self.chip = Chip(self.config, hostio, memory=memory)
        self.engine = self.chip.engine
        # partial output lines wait for their end across time slices (flushed at the end of a
        # session), instead of at every return of the run loop
        self._flush_output = self.chip.syscalls.flush
        self.chip.syscalls.flush = lambda: None
        self._write_header()
        self.faults: List[Fault] = []
        self.images = []                     #: every image loaded (newest last)
        #: the C library ABI of the programs host programs load (emu.libc_abi; "auto": each
        #: image's own)
        self.libc_abi = "auto"
        self.sessions = 0                    #: host programs served so far
        self.limit_reached = False
        self._loaded: set = set()
        self._work: List[_Work] = []
        self._cv = threading.Condition()
        self._session = threading.Lock()
        self._active = False                 #: a host program is connected
        self._parked = True                  #: nothing can run until a request
        self._closing = False
        self._dirty_seen = 0
        self._spins = 0                      #: DEADLOCK stops in a row
        self._clients: List[socket.socket] = []
        self._sock: Optional[socket.socket] = None
        self._threads: List[threading.Thread] = []
        # GDB (see the class); _gdb_target is set and cleared in the chip thread only
        self._gdb_at = gdb
        self._gdb = None                     #: the GdbServer
        self._gdb_target = None              #: the Target of the attached client's session
        self._gdb_conn = None
        self._gdb_session = None             #: the attached client's Session
        self._gdb_hold = bool(gdb is not None and gdb_wait)   #: no client has come yet
        self.on_gdb_kill = on_gdb_kill
        self.gdb_address: Optional[Tuple[str, int]] = None

    # -- memory ------------------------------------------------------------------------------
    def _layout(self) -> Tuple[int, List[int], int]:
        c = self.config
        sram_off = PAGE
        off = sram_off + c.rows * c.cols * c.sram_size
        ext_offs = []
        for _, size, _, _ in c.ext:
            off = (off + PAGE - 1) // PAGE * PAGE
            ext_offs.append(off)
            off += size
        return sram_off, ext_offs, (off + PAGE - 1) // PAGE * PAGE

    def _make_memory(self):
        c = self.config
        if len(c.ext) > MAX_EXT:
            raise ServeError(f"at most {MAX_EXT} external memory regions")
        sram_off, ext_offs, total = self._layout()
        try:
            fd = os.memfd_create("epiphany-emu", os.MFD_CLOEXEC)
            os.ftruncate(fd, total)
            mm = mmap.mmap(fd, total)
        except (AttributeError, OSError) as e:
            raise ServeError(f"cannot create the shared memory ({total} bytes): {e}") from None
        a = np.frombuffer(mm, dtype=np.uint8)
        n = c.rows * c.cols
        sram = a[sram_off:sram_off + n * c.sram_size].reshape(n, c.sram_size)
        ext = [a[o:o + size] for o, (_, size, _, _) in zip(ext_offs, c.ext)]
        return fd, mm, (sram, ext)

    def _write_header(self):
        c = self.config
        sram_off, ext_offs, total = self._layout()
        HEADER.pack_into(self._mm, 0, SHM_MAGIC, PROTO_VERSION, PAGE, os.getpid(), c.rows,
                         c.cols, c.first_row, c.first_col, c.rows * c.cols, c.sram_size,
                         _chip_type(c), len(c.ext), sram_off, total)
        for j, ((base, size, _, _), off) in enumerate(zip(c.ext, ext_offs)):
            EXT_REGION.pack_into(self._mm, OFF_EXT + j * EXT_REGION.size, base, size, off)

    def _u32(self, off: int) -> int:
        return struct.unpack_from("<I", self._mm, off)[0]

    def _forget_written_code(self):
        """Decoded instructions in memory the host program wrote are decoded again."""
        seq = self._u32(OFF_DIRTY_SEQ)
        n = (seq - self._dirty_seen) & 0xFFFFFFFF
        if n == 0:
            return
        e = self.engine
        if n > DIRTY_SLOTS // 2:            # the ring may have been overwritten: everything
            for k in range(self.chip.ncores):
                e.code_written(0, self.config.sram_size, k)
            for base, size, _, _ in self.config.ext:
                e.code_written(base, size)
        else:
            for i in range(self._dirty_seen, self._dirty_seen + n):
                addr, size = DIRTY.unpack_from(self._mm, OFF_DIRTY + (i % DIRTY_SLOTS)
                                               * DIRTY.size)
                try:
                    e.code_written(addr, size)
                except ValueError:
                    pass
        self._dirty_seen = seq

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> "Server":
        """Listen on the socket (and for GDB) and start the chip thread."""
        if self._gdb_at is not None:
            self._listen_gdb()
        try:
            self._sock = self._listen()
        except ServeError:
            if self._gdb is not None:
                self._gdb.close()
            raise
        loops = [(self._chip_loop, "chip"), (self._accept_loop, "accept")]
        if self._gdb is not None:
            loops.append((self._gdb_loop, "gdb"))
        for target, name in loops:
            t = threading.Thread(target=target, name=f"epiphany-emu serve {name}", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _listen(self) -> socket.socket:
        path = self.socket_path
        d = os.path.dirname(path) or "."
        if path == default_socket_path() and not os.environ.get("EPIPHANY_EMU_SOCKET"):
            os.makedirs(d, mode=0o700, exist_ok=True)
        if not os.path.isdir(d):
            raise ServeError(f"{path}: no such directory {d}")
        if os.path.exists(path):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(path)
            except OSError:
                os.unlink(path)                 # a server that is gone left it behind
            else:
                raise ServeError(f"another server is listening at {path}")
            finally:
                probe.close()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.bind(path)
        except OSError as e:
            s.close()
            raise ServeError(f"cannot listen at {path}: {e.strerror}") from None
        s.listen(16)
        return s

    def gdb_settle(self, timeout: float) -> None:
        """Before a shutdown once the host program has ended: a GDB client's request still
        being carried out (a continue: the cores finish after the host program, which may
        end as soon as it has read their results) gets up to `timeout` seconds to end and be
        answered, so the client sees the cores' exit rather than a closed connection."""
        session = self._gdb_session
        if session is None or not session.busy.is_set():
            return
        deadline = time.monotonic() + timeout
        while session.busy.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)

    def shutdown(self):
        """Stop listening, end the session, stop the chip thread; device output is flushed."""
        if self._closing:
            return
        self._closing = True
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
            try:
                os.unlink(self.socket_path)
            except OSError:
                pass
        for c in list(self._clients):
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._gdb is not None:
            self._gdb.close()
            conn, t = self._gdb_conn, self._gdb_target
            if t is not None:
                t.interrupt()                   # a run for GDB ends
            if conn is not None:
                conn.close()                    # its session ends
        with self._cv:
            self._cv.notify_all()
        self.engine.request_stop()
        for t in self._threads:
            t.join(10)
        self._flush_output()
        self.chip.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.shutdown()

    # -- the chip thread ---------------------------------------------------------------------
    def _call(self, fn):
        """Run fn() in the chip thread (between two time slices) and return its result."""
        w = _Work(fn)
        with self._cv:
            if self._closing:
                raise _Refused("the emulator is shutting down")
            self._work.append(w)
            self._cv.notify_all()
        self.engine.request_stop()
        while not w.done.wait(1.0):
            if not self._threads[0].is_alive():
                raise _Refused("the emulator's chip thread has stopped (see its stderr)")
        if w.error is not None:
            raise w.error
        return w.result

    def _do_work(self) -> int:
        """Carry out the requests waiting (those queued when it is called); how many there
        were.  One at a time, each taken from the queue when its turn comes: a request may
        run the chip for GDB (_gdb_run), which carries out the requests queued behind it
        meanwhile.  (Taken all at once, a host request queued together with GDB's
        `continue` waited for the very run it should have fed, until the client's time-out.)"""
        with self._cv:
            todo = len(self._work)
        n = 0
        while n < todo:
            with self._cv:
                if not self._work:
                    break                       # (carried out by a run for GDB)
                w = self._work.pop(0)
            n += 1
            try:
                self._forget_written_code()
                w.result = w.fn()
            except BaseException as e:          # handed to the client thread
                w.error = e
            self._parked = False                # a request may have made a core runnable
            w.done.set()
        return n

    def _chip_loop(self):
        try:
            while not self._closing:
                self._do_work()
                self._forget_written_code()
                # while a GDB client is attached, the chip runs only for it (_gdb_run)
                held = self._gdb_target is not None or self._gdb_hold
                if not self._active or self._parked or self.limit_reached or held:
                    with self._cv:
                        self._cv.wait_for(lambda: self._work or self._closing, timeout=1.0)
                    continue
                now = self.engine.now
                limit = now + SLICE_CYCLES
                if self.max_cycles:
                    if now >= self.max_cycles:
                        self._limit()
                        continue
                    limit = min(limit, self.max_cycles)
                writes = self._u32(OFF_HOST_WRITES)
                try:
                    res = self.chip.run(max_cycles=limit)
                except Exception:               # a bug, or device output that cannot be
                    import traceback            # written: stop the chip, serve on
                    traceback.print_exc()
                    self.log("the chip stopped after an error; host programs are still "
                             "served (e_reset_system / e_load to start again)")
                    for k in range(self.chip.ncores):
                        self.engine.set_halted(k, True)
                    self._parked = True
                    continue
                self._after_run(res, writes)
        finally:
            with self._cv:
                for w in self._work:
                    w.error = _Refused("the emulator is shutting down")
                    w.done.set()
                self._work = []

    def _after_run(self, res, writes: int):
        stop = res.stop
        self._spins = self._spins + 1 if stop == Stop.DEADLOCK else 0
        if res.fault is not None:
            self._fault(res.fault)
            return
        if stop in (Stop.EXIT, Stop.ALL_IDLE):
            self._parked = True                 # until the host starts or signals a core
        elif stop == Stop.DEADLOCK:
            self._parked = self._stuck(writes)

    def _stuck(self, writes: int) -> bool:
        """After a DEADLOCK stop: True when every core sleeps (nothing can run before a host
        request); else False, after a pause when the cores have been spinning a while."""
        if self._all_asleep():
            return True
        if self._u32(OFF_HOST_WRITES) != writes:
            self._spins = 0
        elif self._spins > 1:
            # every core spins on memory nothing on the chip will change: wait a little for
            # the host program (whose writes the chip cannot see coming)
            pause = min(SPIN_PAUSE_MAX, SPIN_PAUSE_MIN * 2 ** (self._spins - 2))
            with self._cv:
                self._cv.wait_for(lambda: self._work or self._closing, timeout=pause)
        return False

    def _all_asleep(self) -> bool:
        for k in range(self.chip.ncores):
            f = self.engine.core_flags(k)
            if not (f["exited"] or f["halted"] or (f["idle"] and not f["irq_pending"])):
                return False
        return True

    def _fault(self, fault: Fault):
        from .report import fault_report
        self.faults.append(fault)
        img = self.chip.image
        for line in fault_report(fault, self.chip, img):
            print(line, file=sys.stderr)
        print(f"epiphany-emu: core {self.chip.core_name(fault.core)} halted; the others run on",
              file=sys.stderr)
        self.engine.set_halted(fault.core, True)

    def _limit(self):
        self.limit_reached = True
        self.log(f"stopped after --max-cycles {self.max_cycles}")
        if self.on_limit is not None:
            self.on_limit()

    # -- GDB -----------------------------------------------------------------------------------
    def _listen_gdb(self):
        from .debug.server import GdbServer, parse_address
        at = self._gdb_at
        try:
            host, port = parse_address(at) if isinstance(at, str) else at
        except ValueError as e:
            raise ServeError(f"--gdb: {e}") from None
        self._gdb = GdbServer(None, console=sys.stderr, call=self._call)
        try:
            self.gdb_address = self._gdb.listen(host, port)
        except OSError as e:
            raise ServeError(f"--gdb {host}:{port}: {e.strerror}") from None

    def _gdb_loop(self):
        """GDB clients, one at a time: each session's packets are handled in the chip
        thread (GdbServer.call = _call)."""
        from .debug import rsp
        while not self._closing:
            c = self._gdb.next_client(0.2)
            if c is None:
                continue
            conn = rsp.Connection(c)
            self._gdb_conn = conn
            outcome = "disconnected"
            try:
                session = self._call(lambda: self._gdb_attach(conn))
                self._gdb_session = session
                outcome = session.run()
            except _Refused:
                pass                            # shutting down
            except Exception:                   # a bug of ours: end the session, serve on
                import traceback
                traceback.print_exc()
            finally:
                conn.close()
                try:
                    self._call(lambda: self._gdb_detach(outcome))
                except _Refused:
                    pass
                self._gdb_conn = None
                self._gdb_session = None
                self._gdb.release()

    def _gdb_attach(self, conn):
        """(chip thread) A client connected: the chip, stopped between two slices, is its."""
        from .debug.server import Session
        from .debug.target import Target
        t = Target(self.chip, max_cycles=self.max_cycles, follow=True)
        t.run_chip = self._gdb_run
        self._gdb_target = self._gdb.target = t
        self._gdb_hold = False
        self.log("GDB attached: the chip runs only when GDB lets it; host requests are "
                 "served meanwhile")
        return Session(self._gdb, conn)

    def _gdb_detach(self, outcome: str):
        """(chip thread) The client left: its breakpoints and watchpoints go; the chip runs on
        for host programs (a kill halts the workgroup's cores first)."""
        t = self._gdb_target
        if t is None:
            return
        self._gdb_target = self._gdb.target = None
        t.close()
        self._parked = False
        if outcome == "killed":
            for k in t.threads():
                self.engine.set_halted(k, True)
            if self.on_gdb_kill is not None:
                self.on_gdb_kill()
            else:
                self.log("killed by GDB: the workgroup's cores are halted (e_reset_system / "
                         "e_load start again)")
        elif not self._closing:
            self.log(f"GDB {outcome}: the chip runs on")

    def _exited(self) -> set:
        return {k for k in range(self.chip.ncores) if self.engine.core_flags(k)["exited"]}

    def _gdb_run(self, _max_cycles: int = 0):
        """(chip thread) The attached client's Target.run_chip: time slices until a stop the
        client is to see -- a breakpoint, watchpoint, step, fault, Ctrl-C (the target's
        `between` polls the client between slices), --max-cycles, or the exit of the last
        loaded core while it ran.  Between two slices host requests are served; while no
        core can run (nothing loaded or started yet, every core done or asleep) the run
        waits for a host request, as the chip does without GDB."""
        t = self._gdb_target
        before = self._exited()
        waiting = False
        while True:
            if self._do_work():
                waiting = False                 # a request may have made a core runnable
            self._forget_written_code()
            if t.between is not None:
                t.between()
            if self._closing:
                t.interrupt()
            if t.interrupted:
                self.engine.clear_stop_request()
                return self.chip._result(Stop.USER)
            if waiting:                         # (polling the client meanwhile)
                with self._cv:
                    self._cv.wait_for(lambda: self._work or self._closing, timeout=0.05)
                continue
            now = self.engine.now
            limit = now + SLICE_CYCLES
            if self.max_cycles:
                if now >= self.max_cycles:
                    if not self.limit_reached:
                        self._limit()
                    return self.chip._result(Stop.MAX_CYCLES)
                limit = min(limit, self.max_cycles)
            writes = self._u32(OFF_HOST_WRITES)
            res = self.chip.run(max_cycles=limit)
            stop = res.stop
            self._spins = self._spins + 1 if stop == Stop.DEADLOCK else 0
            if stop in (Stop.MAX_CYCLES, Stop.USER):
                continue                        # a slice's end, a host request
            if stop in (Stop.EXIT, Stop.ALL_IDLE):
                if self._exited() - before:
                    return res                  # the program exited: W for the client
                waiting = True                  # done before: until the host starts cores
            elif stop == Stop.DEADLOCK:
                waiting = self._stuck(writes)
            else:
                return res

    # -- requests (run in the chip thread) ---------------------------------------------------
    def _cores(self, row, col, rows, cols) -> List[int]:
        try:
            return self.chip.group(rows, cols, row, col)
        except ValueError as e:
            raise _Refused(str(e)) from None

    def _core(self, row, col) -> int:
        return self._cores(row, col, 1, 1)[0]

    def _begin_session(self):
        self._active = True
        self._parked = False
        self._dirty_seen = self._u32(OFF_DIRTY_SEQ)
        self.sessions += 1

    def _end_session(self):
        self._active = False
        self._flush_output()

    def _reset(self, cores: List[int]):
        for k in cores:
            self.engine.reset_core(k)
        self._loaded -= set(cores)
        self.chip.loaded_cores = sorted(self._loaded)

    def _load(self, cores: List[int], group, path: str, start: bool):
        c = self.config
        grow, gcol, grows, gcols = group
        if grows < 1 or gcols < 1 or grow + grows > c.rows or gcol + gcols > c.cols:
            raise _Refused(f"a {grows}x{gcols} workgroup at ({grow},{gcol}) does not fit the "
                           f"{c.rows}x{c.cols} chip")
        try:
            img = read_elf(path)
            self.chip.load_elf(img, cores, start=False, group=group, libc_abi=self.libc_abi)
        except LoadError as e:
            raise _Refused(f"cannot load: {e}") from None
        self.images.append(img)
        self._loaded |= set(cores)
        self.chip.loaded_cores = sorted(self._loaded)
        if start:
            self.chip.start(cores)

    def _start(self, cores: List[int]):
        self._loaded |= set(cores)
        self.chip.loaded_cores = sorted(self._loaded)
        self.chip.start(cores)

    def _handle(self, op, flags, row, col, rows, cols, grow, gcol, grows, gcols, value,
                payload: bytes) -> int:
        """One request of a connected host program; its answer's value."""
        if op == OP_RESET:
            cores = self._cores(row, col, rows, cols)
            self._call(lambda: self._reset(cores))
        elif op == OP_LOAD:
            cores = self._cores(row, col, rows, cols)
            path = payload.decode(errors="surrogateescape")
            self._call(lambda: self._load(cores, (grow, gcol, grows, gcols), path, flags & 1))
        elif op == OP_START:
            cores = self._cores(row, col, rows, cols)
            self._call(lambda: self._start(cores))
        elif op == OP_REG_READ:
            k = self._core(row, col)
            self._check_reg(value)
            return self._call(lambda: self.engine.sreg_read(k, value)) & 0xFFFFFFFF
        elif op == OP_REG_WRITE:
            k = self._core(row, col)
            self._check_reg(value)
            self._call(lambda: self.engine.sreg_write(k, value, flags))
        elif op == OP_SYNC:
            self._call(lambda: None)
        else:
            raise _Refused(f"unknown request {op}")
        return 0

    @staticmethod
    def _check_reg(addr: int):
        if not (0xF0000 <= addr < 0xF1000) or addr & 3:
            raise _Refused(f"0x{addr:x} is not a register (0xf0000..0xf0ffc, word-aligned)")

    # -- clients -------------------------------------------------------------------------------
    def _accept_loop(self):
        while not self._closing:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            t = threading.Thread(target=self._client, args=(conn,), daemon=True,
                                 name="epiphany-emu serve client")
            t.start()

    @staticmethod
    def _recv_exact(conn: socket.socket, n: int) -> Optional[bytes]:
        buf = bytearray()
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    @staticmethod
    def _reply(conn, status, value=0, msg: str = "", fds=()):
        data = msg.encode()
        head = REP.pack(status, value & 0xFFFFFFFF, len(data), 0)
        if fds:
            socket.send_fds(conn, [head], list(fds))
            if data:
                conn.sendall(data)
        else:
            conn.sendall(head + data)

    def _wait_turn(self, conn: socket.socket, seconds: float) -> bool:
        """Wait up to `seconds` for the session, giving up if the client hangs up."""
        deadline = time.monotonic() + seconds
        while True:
            if self._session.acquire(timeout=min(0.2, max(0.0, deadline - time.monotonic()))):
                return True
            if time.monotonic() >= deadline or self._closing:
                return False
            try:
                if conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                    return False            # the client hung up while waiting
            except BlockingIOError:
                pass
            except OSError:
                return False

    def _client(self, conn: socket.socket):
        self._clients.append(conn)
        mine = False
        try:
            head = self._recv_exact(conn, REQ.size)
            if head is None:
                return
            op, flags, *_, value, n = REQ.unpack(head)
            name = b""
            if n:
                name = self._recv_exact(conn, min(n, MAX_PAYLOAD)) or b""
            name = name.replace(b"\0", b" ").decode(errors="replace").strip() or "?"
            if op != OP_HELLO:
                self._reply(conn, E_ERR, msg="expected HELLO")
                return
            if value != PROTO_VERSION:
                self._reply(conn, E_ERR, msg=f"this emulator speaks protocol {PROTO_VERSION}, "
                            f"the program's e-hal {value}: rebuild it with the flags of "
                            "`epiphany-emu hal-config`")
                return
            if not self._wait_turn(conn, flags / 1000.0):
                self._reply(conn, E_ERR, msg=f"the emulator at {self.socket_path} is busy with "
                            "another host program (set EPIPHANY_EMU_WAIT=SECONDS to wait "
                            "longer for a turn)")
                return
            mine = True
            try:
                self._call(self._begin_session)
            except _Refused as e:
                self._reply(conn, E_ERR, msg=str(e))
                return
            self._reply(conn, E_OK, os.getpid(), fds=[self._memfd])
            self._serve(conn)
        except OSError:
            pass                                # the client went away: end its session
        finally:
            if mine:
                try:
                    self._call(self._end_session)
                except _Refused:
                    pass
                self._session.release()
            self._clients.remove(conn)
            conn.close()

    def _serve(self, conn: socket.socket):
        while True:
            head = self._recv_exact(conn, REQ.size)
            if head is None:
                return                          # hung up (or died)
            op, flags, row, col, rows, cols, grow, gcol, grows, gcols, value, n = \
                REQ.unpack(head)
            if n > MAX_PAYLOAD:
                self._reply(conn, E_ERR, msg=f"request too long ({n} bytes)")
                return
            payload = self._recv_exact(conn, n) if n else b""
            if payload is None:
                return
            if op == OP_BYE:
                self._reply(conn, E_OK)
                return
            try:
                v = self._handle(op, flags, row, col, rows, cols, grow, gcol, grows, gcols,
                                 value, payload)
            except _Refused as e:
                self._reply(conn, E_ERR, msg=str(e))
            except Exception as e:              # a bug of ours: tell the client, serve on
                import traceback
                traceback.print_exc()
                self._reply(conn, E_ERR, msg=f"internal error of the emulator: {e!r}")
            else:
                self._reply(conn, E_OK, v)


# -- the command -------------------------------------------------------------------------------

#: options of `epiphany-emu load` that do not apply to a server (the host program chooses the
#: workgroup and the programs)
NOT_FOR_SERVER = {"elf", "rows", "cols", "cores", "origin", "help"}


def add_chip_options(p):
    """The options of ``epiphany-emu load`` that describe the chip, its I/O and the reports
    (every one but the program and the workgroup), taken from ``load`` itself."""
    import argparse
    from . import runner
    tmp = argparse.ArgumentParser(add_help=False)
    runner.add_arguments(tmp)
    groups = {}
    for g in tmp._action_groups:
        for a in g._group_actions:
            if a.dest in NOT_FOR_SERVER:
                continue
            if g.title in ("positional arguments", "optional arguments", "options"):
                target = p
            else:
                target = groups.get(g.title)
                if target is None:
                    target = groups[g.title] = p.add_argument_group(g.title, g.description)
            target._add_action(a)
    return p


def chip_setup(args, stdin=None):
    """(ChipConfig, HostIO) from the chip options (add_chip_options)."""
    from dataclasses import replace

    from .syscalls import wall_clock
    from .timing import DEFAULT as DEFAULT_TIMING
    timing = DEFAULT_TIMING if args.timing == "on" else replace(DEFAULT_TIMING,
                                                                pipeline=False)
    cfg = ChipConfig(rows=args.chip[0], cols=args.chip[1], first_row=args.first_core[0],
                     first_col=args.first_core[1], unaligned=args.unaligned,
                     invalid=args.invalid, excause=args.excause,
                     quantum=max(1, args.quantum), timing=timing, arch=args.arch,
                     sram_size=args.core_mem, threads=args.threads)
    hio = HostIO(stdin=stdin if stdin is not None else open(os.devnull, "rb"),
                 sandbox=args.sandbox, prefix=args.prefix, max_file_size=args.max_file_size)
    if args.wallclock:
        hio.clock = wall_clock()
    return cfg, hio


def check_chip_options(args) -> str:
    """One-line complaint about the chip options, or ''."""
    from .runner import _check_outputs
    if args.max_cycles < 0:
        return "--max-cycles must be >= 0"
    from .runner import MAX_THREADS
    if not 0 <= args.threads <= MAX_THREADS:
        return f"--threads must be between 1 and {MAX_THREADS} (0: the host's CPUs)"
    if args.sandbox is not None and not os.path.isdir(args.sandbox):
        return f"--sandbox {args.sandbox}: not a directory"
    if args.trace_range is not None and isinstance(args.trace_range, str):
        from .trace import parse_range
        try:
            args.trace_range = parse_range(args.trace_range)
        except ValueError as e:
            return str(e)
    return _check_outputs(args)


def setup_outputs(args, server: Server):
    """Profiling and the trace for a server's chip; the trace file (or None)."""
    chip = server.chip
    if args.profile is not None:
        chip.engine.enable_profiling()
    if args.trace is None:
        return None
    from .trace import TraceWriter, parse_cores
    tcores = parse_cores(args.trace_cores, chip) if args.trace_cores else None
    f = open(args.trace, "w")
    chip.trace_sink = TraceWriter(chip, f, None)
    lo, hi = args.trace_range or (0, 0xFFFFFFFF)
    chip.engine.enable_trace(1 << 16, lo, hi, tcores)
    return f


def final_reports(args, server: Server, wall: float) -> int:
    """After the chip stopped: unaligned summary, --stats/--profile/--heatmap (as ``load``
    writes them); 0, or 2 when an output file cannot be written."""
    from .report import unaligned_summary
    chip = server.chip
    img = server.images[-1] if server.images else None
    recs, total = chip.engine.unaligned_log()
    for line in unaligned_summary(recs, total, chip, img):
        print(line, file=sys.stderr)
    loaded = chip.loaded_cores
    done = bool(loaded) and all(chip.engine.core_flags(k)["exited"] for k in loaded)
    res = chip._result(Stop.EXIT if done else Stop.USER)
    if args.metrics:
        from .runner import _write_metrics
        _write_metrics(args.metrics, chip, res, wall)
    if not (args.stats or args.profile is not None or args.heatmap):
        return 0
    from .profile import Profile
    prof = Profile.from_chip(chip, result=res, wall_seconds=wall, image=img)
    if args.stats or args.profile is not None:
        for line in prof.text_summary():
            print(line, file=sys.stderr)
    try:
        if args.profile:
            prof.write_json(args.profile)
        if args.heatmap:
            prof.heatmap(args.heatmap, args.heatmap_by)
    except OSError as e:
        print(f"epiphany-emu: cannot write {e.filename}: {e.strerror}", file=sys.stderr)
        return 2
    return 0


def set_gdb_help(p, text: str) -> None:
    """The help of --gdb (taken from ``load`` by add_chip_options) for this command."""
    for a in p._actions:
        if a.dest == "gdb":
            a.help = text


def add_arguments(p):
    p.add_argument("--socket", metavar="PATH",
                   help="Unix socket to listen on (default: $EPIPHANY_EMU_SOCKET, else "
                        "/tmp/epiphany-emu-UID/serve.sock; host programs look there too)")
    add_chip_options(p)
    set_gdb_help(p, "serve the chip to GDB too (Epiphany GDB: epiphany-elf-gdb / e-gdb, "
                    "'target remote HOST:PORT'): a client that connects stops the chip and "
                    "has its cores as threads (the cores host programs loaded); host requests "
                    "are served meanwhile; when it detaches the chip runs on.  HOST defaults "
                    "to localhost, port 0 picks a free one (printed)")
    p.epilog = (p.epilog or "") + """

Host programs built with `epiphany-emu hal-config --cflags --libs` connect to the server,
one at a time (others wait for their turn), and find the chip as the previous one left it.
Device output (newlib printf) appears on this command's stdout.  Stop with Ctrl-C; the
reports of --stats/--profile/--heatmap are written then.  With --gdb, GDB attaches to the
cores at any time (docs/debugging.md).  docs/esdk-host.md"""
    p.set_defaults(func=run)


def run(args) -> int:
    import signal
    err = check_chip_options(args)
    if err:
        print(f"epiphany-emu: {err}", file=sys.stderr)
        return 2
    cfg, hio = chip_setup(args)
    try:
        server = Server(cfg, hio, args.socket, max_cycles=args.max_cycles, gdb=args.gdb)
        server.libc_abi = args.libc_abi
        trace = setup_outputs(args, server)
        server.start()
    except (ServeError, ValueError) as e:
        print(f"epiphany-emu: {e}", file=sys.stderr)
        return 2
    c = cfg
    print(f"epiphany-emu serve: listening on {server.socket_path} ({c.rows}x{c.cols} cores "
          f"at ({c.first_row},{c.first_col}), "
          + ", ".join(f"{s >> 20} MB at 0x{b:08x}" for b, s, _, _ in c.ext)
          + "); Ctrl-C to stop", file=sys.stderr, flush=True)
    if server.gdb_address is not None:
        h, port = server.gdb_address
        print(f"epiphany-emu serve: GDB on {h}:{port} (target remote {h}:{port}): a client "
              "stops the chip and takes over its cores", file=sys.stderr, flush=True)
    stop = threading.Event()

    def on_term(signum, frame):
        stop.set()
    old = signal.signal(signal.SIGTERM, on_term)
    t0 = time.perf_counter()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, old)
        server.shutdown()
        if trace is not None:
            trace.close()
    print(f"epiphany-emu serve: stopped after {server.sessions} host program(s)",
          file=sys.stderr)
    return final_reports(args, server, time.perf_counter() - t0)
