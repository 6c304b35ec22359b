"""GDB on the chip of ``epiphany-emu serve`` and ``epiphany-emu host`` (``--gdb``): the server's
chip thread runs the chip for the client, host requests are served while the client has it
stopped, the cores a host program loads are the threads, and the chip runs on for the host
program once the client has gone.

The first tests drive emu.serve.Server in this process with a host client in Python (the
protocol of tests/host/test_protocol.py, no C compiler); the last ones run the commands with
an ESDK host program of tests/host (skipped without a C compiler) and, when EPIPHANY_GDB
names it, Adapteva's GDB."""
import io
import os
import re
import signal
import struct
import subprocess
import sys
import time

import pytest

from emu import serve
from emu.chip import ChipConfig
from emu.syscalls import HostIO
from loader.elf import read_elf
from tests.debug.rspclient import Client
from tests.host.conftest import ROOT, device, emu_cmd, emu_env, hal_flags  # noqa: F401
from tests.host.test_protocol import Client as HostClient

HELLO_HOST = os.path.join(ROOT, "tests", "host", "hello.c")
MBOX = 0x7000
SRAM = 0x8000
PUT_DEC = read_elf(device("hello")).symbol("_put_dec").addr
TIDS_2x3 = b"m65,66,67,c9,ca,cb"          # threads 101-103, 201-203: a 2x3 group at (0,0)


def monitor(c, cmd):
    c.console.clear()
    assert c.ask(b"qRcmd," + cmd.encode().hex().encode()) == b"OK"
    return "".join(c.console)


def stop_thread(reply):
    m = re.match(rb"T05thread:([0-9a-f]+);", reply)
    assert m, reply
    return int(m.group(1), 16)


class InProcess:
    """A Server with GDB on a 2x2 chip in this process; device output in .out."""

    def __init__(self, tmp_path, wait=True, **kw):
        self.out = io.BytesIO()
        hio = HostIO(stdin=io.BytesIO(), stdout=self.out, stderr=io.BytesIO())
        self.srv = serve.Server(ChipConfig(rows=2, cols=2), hio,
                                socket_path=str(tmp_path / "s.sock"), gdb=("127.0.0.1", 0),
                                gdb_wait=wait, log=lambda m: None, **kw).start()
        self.host = HostClient(self.srv.socket_path)
        self.host.s.settimeout(20)              # a request that never returns fails the test
        self.sram = serve.HEADER.unpack_from(self.host.mem, 0)[12]

    def gdb(self):
        c = Client(self.srv.gdb_address)
        c.ask(b"qSupported:swbreak+;vContSupported+")
        return c

    def load(self, name, start, cols=2):
        st, _, msg, _ = self.host.request(serve.OP_LOAD, flags=int(start), rows=1, cols=cols,
                                          group=(0, 0, 1, cols),
                                          payload=device(name).encode())
        assert st == 0, msg

    def mbox(self, k, word=0):
        return struct.unpack_from("<I", self.host.mem, self.sram + k * SRAM + MBOX + 4 * word)[0]

    def set_mbox(self, k, value):
        struct.pack_into("<I", self.host.mem, self.sram + k * SRAM + MBOX, value)

    def close(self):
        self.srv.shutdown()


@pytest.fixture
def chip(tmp_path):
    made = []

    def make(**kw):
        made.append(InProcess(tmp_path, **kw))
        return made[-1]
    yield make
    for s in made:
        s.close()


def wait_for(cond, what, seconds=20):
    deadline = time.time() + seconds
    while not cond():
        assert time.time() < deadline, what
        time.sleep(0.01)


def test_host_requests_are_served_while_gdb_holds_the_chip_then_a_breakpoint(chip):
    s = chip()
    g = s.gdb()
    assert g.ask(b"?").startswith(b"T05")
    assert g.ask(b"qfThreadInfo") == b"m65,66,c9,ca"     # nothing loaded: every core
    # load, registers and start while GDB has the chip stopped: served, nothing runs
    s.load("hello", start=False)
    s.set_mbox(0, 1000)
    s.set_mbox(1, 1007)
    st, coreid, _, _ = s.host.request(serve.OP_REG_READ, col=1, value=0xF0704)
    assert (st, coreid) == (0, (32 << 6) | 9)
    assert s.host.request(serve.OP_START, rows=1, cols=2)[0] == 0
    assert g.ask(b"qfThreadInfo") == b"m65,66"           # the loaded cores are the threads
    assert monitor(g, "cycles").startswith("chip time 0 cycles\n")
    assert s.out.getvalue() == b""
    # a breakpoint at a device function: registers and memory of the core that hit it
    assert g.ask(b"Z0,%x,2" % PUT_DEC) == b"OK"
    tid = stop_thread(g.ask(b"vCont;c"))
    assert tid in (0x65, 0x66)
    assert g.ask(b"Hg%x" % tid) == b"OK"
    assert g.reg(66) == PUT_DEC
    assert g.read(MBOX, 4) == struct.pack("<I", 1000 if tid == 0x65 else 1007)
    # to the end: the cores exit (1: no shared-memory segment; the greetings are printed)
    assert g.ask(b"z0,%x,2" % PUT_DEC) == b"OK"
    assert g.ask(b"vCont;c") == b"W01"
    assert s.out.getvalue().decode().splitlines() == [
        "[0x808] Hello from core 0x808 (0,0) of 1x2: 1000",
        "[0x809] Hello from core 0x809 (0,1) of 1x2: 1007"]
    g.close()
    # GDB gone: the chip runs for the host program without it
    s.load("spin", start=True, cols=1)
    wait_for(lambda: s.mbox(0) > 1000, "the chip did not run on after GDB left")


def test_no_core_runs_before_gdb_continues_and_none_while_it_has_the_chip(chip):
    s = chip()
    s.load("spin", start=True, cols=1)
    time.sleep(0.3)
    assert s.mbox(0) == 0                                 # gdb_wait: nobody came yet
    g = s.gdb()
    g.send(b"vCont;c")
    wait_for(lambda: s.mbox(0) > 100, "the chip did not run for GDB")
    g.send_raw(b"\x03")
    assert g.reply().startswith(b"T02")                   # Ctrl-C: SIGINT
    n = s.mbox(0)
    assert s.host.request(serve.OP_SYNC)[0] == 0
    time.sleep(0.2)
    assert s.mbox(0) == n                                 # stopped: the chip stands still
    assert g.ask(b"D") == b"OK"
    g.close()
    wait_for(lambda: s.mbox(0) > n, "the chip did not run on after GDB detached")


def test_gdb_attaching_stops_a_running_chip_and_leaving_mid_run_lets_it_go_on(chip):
    s = chip(wait=False)
    s.load("spin", start=True, cols=1)
    wait_for(lambda: s.mbox(0) > 100, "serve without a client did not run the chip")
    g = s.gdb()                                # connected: the chip stops between slices
    assert g.ask(b"?").startswith(b"T05")
    n = s.mbox(0)
    time.sleep(0.2)
    assert s.mbox(0) == n
    g.send(b"vCont;c")
    wait_for(lambda: s.mbox(0) > n, "the chip did not run for GDB")
    g.close()                                  # gone while the chip runs
    wait_for(lambda: s.srv._gdb_target is None, "the session did not end")
    m = s.mbox(0)
    wait_for(lambda: s.mbox(0) > m, "the chip did not run on after GDB left")
    # a second client later takes over again
    g = s.gdb()
    assert g.ask(b"qfThreadInfo") == b"m65"
    g.close()


def test_a_fault_stops_gdb_with_sigbus_and_the_server_reports_it_after_detach(chip):
    s = chip()
    g = s.gdb()
    s.load("fault", start=True, cols=1)
    assert g.ask(b"vCont;c").startswith(b"T0athread:65;")        # SIGBUS at the store
    assert s.mbox(0, 1) == 7
    assert any("unaligned word store" in line for line in g.console)
    assert g.ask(b"D") == b"OK"
    g.close()
    wait_for(lambda: s.srv.faults, "no fault after the detach")
    assert s.srv.engine.core_flags(0)["halted"]                  # as without GDB


def test_kill_halts_the_cores_and_tells_the_owner(chip):
    killed = []
    s = chip(on_gdb_kill=lambda: killed.append(1))
    s.load("spin", start=True, cols=1)
    g = s.gdb()
    g.send(b"vKill;1")
    g.close()
    wait_for(lambda: killed, "on_gdb_kill was not called")
    assert s.srv.engine.core_flags(0)["halted"]


# -- the commands ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hello_host(hal_flags, tmp_path_factory):  # noqa: F811
    cc, flags = hal_flags
    exe = str(tmp_path_factory.mktemp("gdb-host") / "hello")
    r = subprocess.run(cc + ["-std=gnu11", "-O2", HELLO_HOST, "-o", exe] + flags,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return exe


def gdb_address(p):
    line = p.stderr.readline()
    m = re.search(r"GDB on ([\d.]+):(\d+)", line)
    assert m, line
    return m.group(1), int(m.group(2))


def finish(p, timeout=60):
    try:
        out, err = p.communicate(timeout=timeout)
    finally:
        if p.poll() is None:
            p.kill()
    return p.returncode, out, err


def popen(*args):
    return subprocess.Popen(emu_cmd(*args), cwd=ROOT, env=emu_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


GREETINGS = [f"[0x{cid:03x}] Hello from core 0x{cid:03x} ({r},{c}) of 2x3: {1000 + 7 * (3 * r + c)}"
             for r in range(2) for c in range(3) for cid in [((32 + r) << 6) | (8 + c)]]


def test_host_gdb_breakpoint_in_the_device_program_then_its_usual_output(hello_host):
    p = popen("host", "--gdb", "127.0.0.1:0", hello_host, device("hello"), "2", "3")
    try:
        g = Client(gdb_address(p))
        assert g.ask(b"?").startswith(b"T05")
        wait_for(lambda: g.ask(b"qfThreadInfo") == TIDS_2x3, "the loaded cores did not appear")
        # the host program has loaded and started its cores: none has run yet
        assert monitor(g, "cycles").startswith("chip time 0 cycles\n")
        assert g.ask(b"Z0,%x,2" % PUT_DEC) == b"OK"
        tid = stop_thread(g.ask(b"vCont;c"))
        assert g.ask(b"Hg%x" % tid) == b"OK" and g.reg(66) == PUT_DEC
        row, col = tid // 100 - 1, tid % 100 - 1
        assert g.read(MBOX, 4) == struct.pack("<I", 1000 + 7 * (3 * row + col))
        assert g.ask(b"z0,%x,2" % PUT_DEC) == b"OK"
        assert g.ask(b"vCont;c") == b"W00"
        g.close()
        code, out, err = finish(p)
    finally:
        if p.poll() is None:
            p.kill()
    assert code == 0, err
    assert out.splitlines()[-1] == "hello: 6 greetings ok"
    assert sorted(out.splitlines()[:-1]) == sorted(GREETINGS)


def test_serve_gdb_attaches_to_the_cores_of_a_host_program(hello_host, tmp_path):
    sock = str(tmp_path / "s.sock")
    p = popen("serve", "--socket", sock, "--gdb", "127.0.0.1:0")
    env = dict(os.environ, EPIPHANY_EMU_SOCKET=sock)
    try:
        p.stderr.readline()                              # listening on ...
        g = Client(gdb_address(p))
        assert g.ask(b"Z0,%x,2" % PUT_DEC) == b"OK"
        g.send(b"vCont;c")                               # runs: waits for a host program
        h = subprocess.Popen([hello_host, device("hello"), "2", "3"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        tid = stop_thread(g.reply())
        assert g.ask(b"qfThreadInfo") == TIDS_2x3
        assert g.ask(b"Hg%x" % tid) == b"OK" and g.reg(66) == PUT_DEC
        assert g.ask(b"z0,%x,2" % PUT_DEC) == b"OK"
        assert g.ask(b"vCont;c") == b"W00"
        g.close()
        out, err = h.communicate(timeout=60)
        assert (h.returncode, out) == (0, "hello: 6 greetings ok\n"), err
        # without GDB the server goes on as ever
        r = subprocess.run([hello_host, device("hello"), "2", "3"], env=env, text=True,
                           capture_output=True, timeout=60)
        assert (r.returncode, r.stdout) == (0, "hello: 6 greetings ok\n"), r.stderr
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        code, out, err = finish(p)
    assert code == 0, err
    assert sorted(out.splitlines()) == sorted(GREETINGS * 2)


def test_host_gdb_kill_stops_the_host_program(hello_host):
    p = popen("host", "--gdb", "127.0.0.1:0", hello_host, device("hello"), "2", "3")
    g = Client(gdb_address(p))
    g.send(b"vKill;1")
    g.close()
    code, _, err = finish(p)
    assert code == 137 and "killed by GDB" in err


@pytest.mark.parametrize("command", ["serve", "host"])
def test_bad_gdb_address_is_a_usage_error(command, tmp_path):
    args = ["--socket", str(tmp_path / "s.sock")] if command == "serve" else [sys.executable]
    r = subprocess.run(emu_cmd(command, "--gdb", "nope", *args), cwd=ROOT, env=emu_env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.startswith("epiphany-emu: --gdb: expected"), r.stderr


GDB = os.environ.get("EPIPHANY_GDB")


@pytest.mark.skipif(not GDB or not os.access(GDB, os.X_OK),
                    reason="EPIPHANY_GDB (Adapteva's epiphany-elf-gdb) not given")
def test_epiphany_gdb_on_host_gdb(hello_host):
    p = popen("host", "--gdb", "127.0.0.1:0", hello_host, device("hello"), "2", "3")
    try:
        host, port = gdb_address(p)
        argv = [GDB, "-nx", "-batch", "-ex", "set confirm off", "-ex", "set pagination off",
                "-ex", f"target remote {host}:{port}", "-ex", "break put_dec",
                "-ex", "continue", "-ex", "info threads", "-ex", "print/x $pc",
                "-ex", "delete", "-ex", "continue", "hello.elf"]
        r = subprocess.run(argv, cwd=os.path.dirname(device("hello")), capture_output=True,
                           text=True, timeout=120)
        code, out, err = finish(p)
    finally:
        if p.poll() is None:
            p.kill()
    assert re.search(r'Thread \d+ "core 0x[0-9a-f]+" hit Breakpoint 1, put_dec ', r.stdout), \
        r.stdout + r.stderr
    for tid in ("101", "102", "103", "201", "202", "203"):
        assert f"Thread {tid} " in r.stdout
    assert f"= 0x{PUT_DEC:x}" in r.stdout
    assert "exited normally]" in r.stdout
    assert code == 0 and out.splitlines()[-1] == "hello: 6 greetings ok", err
