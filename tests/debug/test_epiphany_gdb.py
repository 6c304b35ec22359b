"""Adapteva's GDB (epiphany-elf-gdb, GDB 8.2 of their binutils-gdb fork) against our server, and
the built-in debugger's output against that GDB's for the same commands.  The GDB is not
shipped or built here: set EPIPHANY_GDB to its path to run these (skipped otherwise)."""
import os
import re
import subprocess
import sys

import pytest

from tests.debug.rspclient import Served, make_target
from tests.debug.test_debugger import ROOT
from tests.debug.test_rsp import DEBUGME, FIX, SHARED, UNALIGNED, line_of

GDB = os.environ.get("EPIPHANY_GDB")
pytestmark = pytest.mark.skipif(not GDB or not os.access(GDB, os.X_OK),
                                reason="EPIPHANY_GDB (Adapteva's epiphany-elf-gdb) not given")


def gdb(elf, cmds, stderr=True, **target_kw):
    """GDB's output (stdout, then stderr) for the commands, run against our server on elf."""
    s = Served(make_target(elf, **target_kw), console=open(os.devnull, "w"))
    try:
        argv = [GDB, "-nx", "-batch", "-ex", "set confirm off", "-ex", "set pagination off",
                "-ex", "target remote %s:%d" % s.address]
        for c in cmds:
            argv += ["-ex", c]
        argv.append(os.path.basename(elf))
        p = subprocess.run(argv, cwd=FIX, capture_output=True, text=True, timeout=120)
        return p.stdout + (p.stderr if stderr else "")
    finally:
        s.close()


def builtin(elf, cmds, opts=()):
    argv = [sys.executable, "-m", "emu", "debug", *opts, "-batch"]
    for c in cmds:
        argv += ["-ex", c]
    argv.append(elf)
    p = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
    return p.stdout


def comparable(text):
    """GDB's lines less what only a remote session prints: where the target was found at
    `target remote`, and its prologue analyser's complaint past crt0."""
    return [ln.rstrip().replace("(Remote target)", "(process 1)") for ln in text.splitlines()
            if not re.match(r"0x[0-9a-f]+ in _start \(\)$|Backtrace stopped:", ln)]


def test_gdb_session_on_our_server():
    call = line_of("debugme.c", "walk-call")
    out = gdb(DEBUGME, ["info threads", f"break debugme.c:{call}", "continue", "print total",
                        "print table", "print origin", "bt", "info registers pc",
                        "x/4xw &table", "delete", "watch counter", "continue", "continue",
                        "delete", "continue"])
    assert "Thread 101" in out
    assert f"Breakpoint 1, walk (n=4) at debugme.c:{call}" in out
    assert "$2 = {10, 20, 30, 40}" in out and "$3 = {x = 3, y = -4}" in out
    assert re.search(r"#1  0x[0-9a-f]+ in main \(\) at debugme.c:\d+", out)
    assert "Hardware watchpoint 2: counter" in out
    assert re.search(r"exited with code 03\]", out), out


def test_gdb_sees_sigbus_at_the_unaligned_load():
    out = gdb(UNALIGNED, ["continue", "bt"])
    assert "SIGBUS" in out
    assert f"unaligned.c:{line_of('unaligned.c', 'unaligned-load')}" in out


def test_gdb_threads_and_watchpoint_on_the_shared_counter():
    out = gdb(SHARED, ["info threads", "watch shared_counter", "continue", "continue",
                       "info threads"], group=(2, 2))
    for tid in ("101", "102", "201", "202"):
        assert f"Thread {tid}" in out
    assert "Hardware watchpoint 1: shared_counter" in out


@pytest.mark.parametrize("elf, cmds, opts", [
    (DEBUGME, ["break debugme.c:30", "run", "print total", "print table", "print origin",
               "print greeting", "bt", "step", "info args", "next", "next", "next", "next",
               "print total", "print counter", "x/4xw &table", "x/2dw &origin", "finish"], ()),
    (DEBUGME, ["break add", "run", "bt", "up", "print i", "print table[i]", "down",
               "print a + b", "delete", "watch counter", "continue", "continue"], ()),
    (DEBUGME, ["break walk", "run", "next", "next", "next", "next", "next", "next", "next",
               "print counter", "print total"], ()),
    (DEBUGME, ["break add", "run", "info registers", "stepi", "stepi", "nexti", "info line",
               "finish", "info breakpoints", "info args", "info locals", "up", "info locals",
               "p $lr", "p $r0", "p/x $sp", "p $r9", "p counter == 0", "p table[1] * 2",
               "p &origin", "p *&origin", "p origin.x + origin.y", "tbreak debugme.c:31",
               "continue", "info all-registers"], ()),
    (UNALIGNED, ["run", "bt", "info threads", "x/2xw p", "print buffer", "print *p",
                 "print p[0]", "frame 1", "info locals"], ()),
    (SHARED, ["break main", "run", "bt", "watch shared_counter", "delete 1", "continue",
              "continue", "continue", "continue", "thread 1", "p shared_counter",
              "x/4xw 0x8f000000", "continue"], ("--cores", "4")),
])
def test_builtin_prints_what_gdb_prints(elf, cmds, opts):
    """The same commands, the same standard output (GDB attaches to a program stopped
    before its first instruction: `continue` where the built-in debugger says `run`)."""
    kw = {"group": (2, 2)} if opts else {}
    ours = comparable(builtin(elf, cmds, opts))
    theirs = comparable(gdb(elf, ["continue" if c == "run" else c for c in cmds],
                            stderr=False, **kw))
    assert ours == theirs


def test_gdb_steps_one_core_while_the_others_hit_its_breakpoints():
    """GDB single-steps Epiphany in software (breakpoints at the next instructions): in a
    core-local program every core runs the same code, so the other cores hit them first.
    A core sitting on a breakpoint when resumed must report it, not run past it (GDB lost
    the stepped thread and the program ran to its end)."""
    out = gdb(SHARED, ["break main", "continue", "next", "next", "info threads", "delete",
                       "next", "next"], group=(2, 2))
    assert "exited" not in out.split("info threads")[0]
    assert "11\t    unsigned k = eprt_init();" in out
    assert re.search(r"Thread \d \"core 0x8[04][89]\" hit Breakpoint 1, main \(\)", out)
    assert "exited normally" not in out


def test_gdb_ctrl_c_read_and_access_watchpoints_kill():
    import signal
    import time
    from tests.debug.test_rsp import FOREVER
    s = Served(make_target(FOREVER), console=open(os.devnull, "w"))
    try:
        argv = [GDB, "-nx", "-batch", "-ex", "set confirm off",
                "-ex", "target remote %s:%d" % s.address, "-ex", "continue",
                "-ex", "print ticks > 0", "-ex", "rwatch ticks", "-ex", "continue",
                "-ex", "awatch ticks", "-ex", "delete 1", "-ex", "continue", "-ex", "kill",
                "forever.elf"]
        p = subprocess.Popen(argv, cwd=FIX, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
        time.sleep(1.5)
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=60)
    finally:
        s.close()
    assert "Program received signal SIGINT, Interrupt." in out
    assert "$1 = 1" in out
    assert "Hardware read watchpoint 1: ticks\n\nValue = " in out
    assert re.search(r"Hardware access \(read/write\) watchpoint 2: ticks\n\n"
                     r"Old value = (\d+)\nNew value = \d+", out)
    assert "killed]" in out


def test_gdb_on_load_gdb_process():
    """`epiphany-emu load app.elf --gdb 127.0.0.1:0` and GDB in another process; the exit code
    reaches both."""
    p = subprocess.Popen([sys.executable, "-m", "emu", "load", DEBUGME, "--gdb", "127.0.0.1:0"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        m = re.search(r"waiting for GDB on ([\d.]+):(\d+)", p.stderr.readline())
        assert m
        g = subprocess.run([GDB, "-nx", "-batch", "-ex", f"target remote {m.group(1)}:{m.group(2)}",
                            "-ex", "break add", "-ex", "continue", "-ex", "finish",
                            "-ex", "delete", "-ex", "continue", "debugme.elf"],
                           cwd=FIX, capture_output=True, text=True, timeout=120)
        out, _ = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert "Breakpoint 1, add (a=0, b=10)" in g.stdout
    assert "Value returned is $1 = 10" in g.stdout
    assert "exited with code 03]" in g.stdout
    assert p.returncode == 3 and "result 100 counter 4 hello" in out
