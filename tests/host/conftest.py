"""Fixtures of the host-program tests: libe-hal built by hal-config, our host programs
(tests/host/*.c) compiled with the host's C compiler against it, and an `epiphany-emu serve`
running for them.  Everything is skipped when there is no C compiler."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEVICE = os.path.join(HERE, "device")
PROGRAMS = ["hello", "matmul", "signal", "dma", "badaccess", "holder", "fault", "shm_elib"]


def emu_cmd(*args):
    """`epiphany-emu ARGS` of this tree."""
    return [sys.executable, "-m", "emu", *args]


def emu_env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def device(name):
    return os.path.join(DEVICE, f"{name}.elf")


@pytest.fixture(scope="session")
def hal_flags():
    """The compiler flags of `epiphany-emu hal-config --cflags --libs` (split)."""
    from emu import halconfig
    cc = os.environ.get("CC") or "cc"
    if shutil.which(cc.split()[0]) is None:
        pytest.skip("no host C compiler")
    r = subprocess.run(emu_cmd("hal-config", "--cflags", "--libs"), cwd=ROOT, env=emu_env(),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return halconfig.compiler(), r.stdout.split()


@pytest.fixture(scope="session")
def host_bins(hal_flags, tmp_path_factory):
    """name -> path of each host program, compiled with -Wall -Wextra -Werror."""
    cc, flags = hal_flags
    out = tmp_path_factory.mktemp("host-bins")
    bins = {}
    for name in PROGRAMS:
        exe = str(out / name)
        r = subprocess.run(cc + ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
                                 os.path.join(HERE, f"{name}.c"), "-o", exe] + flags,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{name}.c:\n{r.stderr}"
        bins[name] = exe
    return bins


class Served:
    """An `epiphany-emu serve` subprocess: its socket, its stdout and stderr files."""

    def __init__(self, tmp, *options):
        self.socket = str(tmp / "serve.sock")
        self.out_path, self.err_path = tmp / "serve.out", tmp / "serve.err"
        self._out, self._err = open(self.out_path, "wb"), open(self.err_path, "wb")
        self.proc = subprocess.Popen(emu_cmd("serve", "--socket", self.socket, *options),
                                     cwd=ROOT, env=emu_env(), stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err)
        deadline = time.time() + 60
        while not os.path.exists(self.socket):
            assert self.proc.poll() is None, self.err_path.read_text()
            assert time.time() < deadline, "serve did not start listening"
            time.sleep(0.05)

    def run(self, exe, *args, timeout=120, **env):
        """Run a host program against this server."""
        return subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, EPIPHANY_EMU_SOCKET=self.socket, **env))

    def out(self) -> str:
        return self.out_path.read_text()

    def err(self) -> str:
        return self.err_path.read_text()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self._out.close()
        self._err.close()
        return rc


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Served(tmp_path_factory.mktemp("serve"))
    yield s
    s.stop()
