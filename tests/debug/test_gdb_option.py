"""``epiphany-emu load app.elf --gdb [HOST:]PORT``: the process waits for a client before the
first instruction, serves it, and exits with the program's status (or as killed)."""
import os
import re
import subprocess
import sys

from tests.debug.rspclient import Client
from tests.debug.test_debugger import ROOT
from tests.debug.test_rsp import DEBUGME, UNALIGNED


def start(*args):
    p = subprocess.Popen([sys.executable, "-m", "emu", "load", *args], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    m = re.search(r"waiting for GDB on ([\d.]+):(\d+)", line)
    assert m, line
    return p, (m.group(1), int(m.group(2)))


def finish(p):
    try:
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    return p.returncode, out, err


def test_serves_then_exits_with_the_programs_status():
    p, addr = start(DEBUGME, "--gdb", "127.0.0.1:0")
    c = Client(addr)
    assert c.ask(b"?").startswith(b"T05")
    assert c.ask(b"vCont;c") == b"W03"
    c.close()
    code, out, _ = finish(p)
    assert code == 3 and "result 100 counter 4 hello" in out


def test_fault_is_sigbus_and_detach_reports_it_as_a_run_would():
    p, addr = start(UNALIGNED, "--gdb", "127.0.0.1:0")
    c = Client(addr)
    assert c.ask(b"vCont;c").startswith(b"T0a")
    assert c.ask(b"D") == b"OK"
    c.close()
    code, _, err = finish(p)
    assert code == 135 and "unaligned word load" in err


def test_kill_ends_the_process():
    p, addr = start(DEBUGME, "--gdb", "127.0.0.1:0")
    c = Client(addr)
    c.send(b"vKill;1")
    c.close()
    code, _, err = finish(p)
    assert code == 137 and "killed by GDB" in err


def test_bad_gdb_address_is_a_usage_error():
    for bad in ("nope", "127.0.0.1:99999", "256.1.1.1:0"):
        p = subprocess.run([sys.executable, "-m", "emu", "load", DEBUGME, "--gdb", bad],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert p.returncode == 2, (bad, p.stderr)
        assert p.stderr.count("\n") == 1 and p.stderr.startswith("epiphany-emu: --gdb")


def test_python_host_api_serves_a_workgroup_to_gdb(tmp_path):
    """emu.hal: Platform.gdb() serves the loaded workgroup (its cores are the threads)."""
    import threading
    import emu
    from tests.debug.test_rsp import SHARED
    p, dev = emu.open(0, 0, 2, 2)
    dev.load(SHARED, start=True)
    bound = []
    ready = threading.Event()
    box = {}

    def serve():
        box["outcome"] = p.gdb("127.0.0.1:0", ready=lambda h, port: (bound.append((h, port)),
                                                                     ready.set()))
    th = threading.Thread(target=serve, daemon=True)
    th.start()
    assert ready.wait(30)
    c = Client(bound[0])
    ids = c.ask(b"qfThreadInfo")
    assert ids == b"m65,66,c9,ca"
    assert c.ask(b"vCont;c") == b"W00"
    c.close()
    th.join(30)
    assert box["outcome"] == "exited"
    assert p.chip.watch_handler == p._on_watch    # the host API's own handler is back
