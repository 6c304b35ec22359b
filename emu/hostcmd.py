"""``epiphany-emu host ./prog [args]``: run an ESDK host program against a private emulator.

The command starts a server (emu/serve.py) on a socket of its own, runs the program with
``EPIPHANY_EMU_SOCKET`` naming it, and stops the server when the program ends.  The chip
options of ``epiphany-emu load`` apply (``--chip``, ``--timing``, ``--profile``, ``--heatmap``,
``--trace`` ...); device output (newlib's printf) appears on stdout as with ``load``; the
reports come at the end.  The exit status is the host program's (128 + signal if a signal
ended it), 124 when ``--max-cycles`` ran out, 137 when GDB killed it (``--gdb``), 2 for a bad
option or a program that cannot be started.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from .serve import (Server, ServeError, add_chip_options, check_chip_options, chip_setup,
                    final_reports, set_gdb_help, setup_outputs)

# seconds a GDB client's continue may go on after the host program ended (Server.gdb_settle)
GDB_SETTLE_S = 2.0


def add_arguments(p):
    p.add_argument("program", nargs="?",
                   help="the host program: an executable built with the flags of "
                        "`epiphany-emu hal-config --cflags --libs`")
    p.add_argument("args", nargs=argparse.REMAINDER,
                   help="its arguments (everything after the program)")
    add_chip_options(p)
    set_gdb_help(p, "let GDB attach to the cores (Epiphany GDB: epiphany-elf-gdb / e-gdb, "
                    "'target remote HOST:PORT'): the host program starts at once, but no core "
                    "runs an instruction before a client has connected and continued; the "
                    "cores the program loads are threads; when the client detaches the chip "
                    "runs on.  HOST defaults to localhost, port 0 picks a free one (printed)")
    p.epilog = (p.epilog or "") + """

exit status: the host program's (128 + N when signal N ended it); 124 when --max-cycles ran
out (the program is stopped); 137 when GDB killed it; 2 for a bad option or a program that
cannot be run.  docs/esdk-host.md, docs/debugging.md (--gdb)"""
    p.set_defaults(func=run)


def _usage(msg: str) -> int:
    print(f"epiphany-emu: {msg}", file=sys.stderr)
    return 2


def run(args) -> int:
    if args.program is None and args.profile and not args.profile.lower().endswith(".json"):
        # "--profile ./prog": the optional FILE.json swallowed the program
        args.program, args.profile = args.profile, ""
    if args.program is None:
        return _usage("no host program given (usage: epiphany-emu host [options] PROGRAM "
                      "[ARGS])")
    err = check_chip_options(args)
    if err:
        return _usage(err)
    prog = args.program
    if os.sep not in prog:
        found = shutil.which(prog)
        if found is None and os.path.exists(prog):
            found = os.path.join(".", prog)
        prog = found or prog
    if not (os.path.isfile(prog) and os.access(prog, os.X_OK)):
        return _usage(f"{args.program}: not an executable program")

    cfg, hio = chip_setup(args)
    tmp = tempfile.mkdtemp(prefix="epiphany-emu-host-")
    sock = os.path.join(tmp, "serve.sock")
    proc = None
    limit = threading.Event()
    killed = threading.Event()
    try:
        try:
            server = Server(cfg, hio, sock, max_cycles=args.max_cycles, on_limit=limit.set,
                            log=lambda m: print(f"epiphany-emu: {m}", file=sys.stderr),
                            gdb=args.gdb, gdb_wait=True, on_gdb_kill=killed.set)
            server.libc_abi = args.libc_abi
            trace = setup_outputs(args, server)
            server.start()
        except (ServeError, ValueError, OSError) as e:
            return _usage(str(e))
        if server.gdb_address is not None:
            h, port = server.gdb_address
            print(f"epiphany-emu: waiting for GDB on {h}:{port} (target remote {h}:{port}); "
                  "the host program runs, its cores wait for GDB", file=sys.stderr, flush=True)
        env = dict(os.environ, EPIPHANY_EMU_SOCKET=sock)
        # programs linked without -rpath (ESDK makefiles) find libe-hal.so
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            _libdirs() + [p for p in env.get("LD_LIBRARY_PATH", "").split(os.pathsep) if p])
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen([prog] + list(args.args), env=env)
        except OSError as e:
            server.shutdown()
            return _usage(f"{args.program}: cannot run: {e.strerror}")
        status = _wait(proc, limit, killed)
        wall = time.perf_counter() - t0
        server.gdb_settle(GDB_SETTLE_S)
        server.shutdown()
        if trace is not None:
            trace.close()
        sys.stdout.flush()
        if killed.is_set():
            print("epiphany-emu: killed by GDB", file=sys.stderr)
            return 128 + signal.SIGKILL
        rep = final_reports(args, server, wall)
        if limit.is_set():
            return 124
        return rep or status
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def _libdirs():
    """libe-hal's directories (see halconfig.libdirs); none when it cannot be built."""
    from . import halconfig
    try:
        return halconfig.libdirs()
    except (halconfig.HalBuildError, OSError):
        return []


def _wait(proc: subprocess.Popen, limit: threading.Event, killed: threading.Event) -> int:
    """The program's exit status; it is stopped when --max-cycles ran out or GDB killed it."""
    try:
        while True:
            try:
                rc = proc.wait(0.05)
                break
            except subprocess.TimeoutExpired:
                if limit.is_set() or killed.is_set():
                    proc.terminate()
                    try:
                        rc = proc.wait(5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        rc = proc.wait()
                    break
    except KeyboardInterrupt:
        # Ctrl-C reached the program too (same process group); give it a moment to go
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 130
    return 128 + (-rc) if rc < 0 else rc
