"""ESDK-style host programs of ours (tests/host/*.c, written against the e-hal API as the
ESDK documents it) compiled with the host's gcc against libe-hal, run against
`epiphany-emu serve` and through `epiphany-emu host`.  Expected values come from the C
semantics, computed by the host programs themselves (see each program's header)."""
import json
import os
import subprocess
import time

import pytest

from .conftest import ROOT, device, emu_cmd, emu_env


def test_hello_with_a_shared_memory_mailbox(server, host_bins):
    r = server.run(host_bins["hello"], device("hello"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hello: 16 greetings ok\n"
    # the cores' printf (TRAP) output appears on the server's stdout, one prefixed line each
    deadline = time.time() + 10
    while server.out().count("Hello from core") < 16 and time.time() < deadline:
        time.sleep(0.05)
    lines = [ln for ln in server.out().splitlines() if "Hello from core" in ln]
    want = {f"[0x{((32 + r) << 6) | (8 + c):03x}] Hello from core 0x{((32 + r) << 6) | (8 + c):03x}"
            f" ({r},{c}) of 4x4: {1000 + 7 * (4 * r + c)}" for r in range(4) for c in range(4)}
    assert want <= set(lines)


def test_shm_segments_meet_the_device_library(server, host_bins):
    """e_shm_alloc here, e_shm_attach/e_write of our e-lib (firmware/elib) on the cores."""
    r = server.run(host_bins["shm_elib"], device("shm_elib"))
    assert (r.returncode, r.stdout) == (0, "shm_elib: 16 cores ok\n"), r.stderr


def test_hello_on_a_smaller_workgroup(server, host_bins):
    r = server.run(host_bins["hello"], device("hello"), "2", "3")
    assert (r.returncode, r.stdout) == (0, "hello: 6 greetings ok\n"), r.stderr


def test_matmul_on_16_cores(server, host_bins):
    r = server.run(host_bins["matmul"], device("matmul"))
    assert (r.returncode, r.stdout) == (0, "matmul: 32 x 32 on 16 cores ok\n"), r.stderr


def test_signal_registers_halt_and_resume(server, host_bins):
    r = server.run(host_bins["signal"], device("signal"))
    assert (r.returncode, r.stdout) == (0, "signal: ok\n"), r.stderr


def test_dma_into_buffers_of_e_alloc(server, host_bins):
    r = server.run(host_bins["dma"], device("dma"))
    assert (r.returncode, r.stdout) == (0, "dma: 16 cores ok\n"), r.stderr


def test_accesses_outside_cores_and_buffers_return_e_err(server, host_bins):
    r = server.run(host_bins["badaccess"], device("hello"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("badaccess: ") and r.stdout.endswith(" refusals ok\n")
    assert int(r.stdout.split()[1]) >= 45
    # each refusal says why, naming the call
    assert "e-hal: e_read(): 8 bytes at 0x7ffc lie outside core (1,1)'s memory" in r.stderr
    assert "e-hal: e_load(): cannot open executable file \"/nonexistent/prog.elf\"" in r.stderr


def test_a_device_fault_is_reported_and_the_core_halted(server, host_bins):
    r = server.run(host_bins["fault"], device("fault"))
    assert (r.returncode, r.stdout) == (0, "fault: core halted at step 7\n"), r.stderr
    assert "unaligned word store at 0x00007022" in server.err()
    # the server serves on
    r = server.run(host_bins["signal"], device("signal"))
    assert r.returncode == 0, r.stderr


def test_no_server_is_a_clear_error(host_bins, tmp_path):
    r = subprocess.run([host_bins["hello"], device("hello")], capture_output=True, text=True,
                       timeout=60, env=dict(os.environ,
                                            EPIPHANY_EMU_SOCKET=str(tmp_path / "none.sock")))
    assert r.returncode == 1
    assert "the Epiphany emulator is not running" in r.stderr
    assert "epiphany-emu serve" in r.stderr and "epiphany-emu host" in r.stderr


def test_a_client_that_dies_mid_run_does_not_wedge_the_server(server, host_bins):
    r = server.run(host_bins["holder"], device("spin"), "die")
    assert r.returncode == -9 and r.stdout == "holder: holding\n", r.stderr
    r = server.run(host_bins["hello"], device("hello"), timeout=60)
    assert (r.returncode, r.stdout) == (0, "hello: 16 greetings ok\n"), r.stderr


def test_two_clients_are_served_in_turn_or_refused(server, host_bins):
    holder = subprocess.Popen([host_bins["holder"], device("spin"), "hold", "1500"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, EPIPHANY_EMU_SOCKET=server.socket))
    try:
        assert holder.stdout.readline() == "holder: holding\n"
        refused = server.run(host_bins["hello"], device("hello"), EPIPHANY_EMU_WAIT="0")
        assert refused.returncode == 1
        assert "busy with another host program" in refused.stderr
        waited = server.run(host_bins["matmul"], device("matmul"))   # waits for its turn
        assert (waited.returncode, waited.stdout) == (0, "matmul: 32 x 32 on 16 cores ok\n"), \
            waited.stderr
        out, err = holder.communicate(timeout=60)
        assert holder.returncode == 0 and out == "holder: done\n", err
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_serve_refuses_a_second_server_on_its_socket(server):
    r = subprocess.run(emu_cmd("serve", "--socket", server.socket), cwd=ROOT, env=emu_env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "another server is listening" in r.stderr


# -- epiphany-emu host --------------------------------------------------------------------------

def host(*args, timeout=180):
    return subprocess.run(emu_cmd("host", *args), cwd=ROOT, env=emu_env(),
                          capture_output=True, text=True, timeout=timeout)


def test_host_runs_a_program_with_the_options_of_load(host_bins, tmp_path):
    prof = tmp_path / "prof.json"
    r = host("--profile", str(prof), "--timing", "off", "--chip", "4x4", host_bins["hello"],
             device("hello"), "2", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "hello: 4 greetings ok" in lines
    assert "[0x849] Hello from core 0x849 (1,1) of 2x2: 1021" in lines      # device printf
    p = json.loads(prof.read_text())
    assert {c["core"] for c in p["cores"] if c["loaded"]} == {"0x808", "0x809", "0x848",
                                                              "0x849"}
    assert "profile of" in r.stderr


def test_host_on_an_8x8_chip(host_bins):
    r = host("--chip", "8x8", host_bins["matmul"], device("matmul"), "4", "8")
    assert (r.returncode, r.stdout) == (0, "matmul: 32 x 32 on 32 cores ok\n"), r.stderr


def test_host_exit_status_is_the_programs(host_bins):
    assert host("/bin/sh", "-c", "exit 3").returncode == 3
    r = host(host_bins["holder"], device("spin"), "die")
    assert r.returncode == 128 + 9 and r.stdout == "holder: holding\n"
    r = host("/nonexistent/program")
    assert r.returncode == 2 and "not an executable program" in r.stderr
    r = host()
    assert r.returncode == 2 and "no host program given" in r.stderr


def test_host_max_cycles_stops_the_program(host_bins):
    t0 = time.time()
    r = host("--max-cycles", "200000", host_bins["holder"], device("spin"), "hold", "60000")
    assert r.returncode == 124, r.stderr
    assert "stopped after --max-cycles 200000" in r.stderr
    assert time.time() - t0 < 60


def test_hal_config_prints_flags_and_an_esdk_like_home(hal_flags):
    r = subprocess.run(emu_cmd("hal-config", "--cflags", "--libs"), cwd=ROOT, env=emu_env(),
                       capture_output=True, text=True, timeout=300)
    flags = r.stdout.split()
    assert r.returncode == 0 and flags[0] in ("-m32", flags[0]) and \
        [f for f in flags if f != "-m32"][0].startswith("-I")
    assert flags[-2:] == ["-le-hal", "-le-loader"] and any(f.startswith("-L") for f in flags)
    assert flags.count("-m32") <= 1
    r = subprocess.run(emu_cmd("hal-config", "--home"), cwd=ROOT, env=emu_env(),
                       capture_output=True, text=True, timeout=300)
    home = r.stdout.strip()
    for f in ("include/e-hal.h", "include/e-loader.h", "include/epiphany-hal-data.h",
              "lib/libe-hal.so", "lib/libe-loader.so"):
        assert os.path.exists(os.path.join(home, "tools", "host", f)), f
    r = subprocess.run(emu_cmd("hal-config"), cwd=ROOT, env=emu_env(), capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "--cflags" in r.stderr


def test_host_takes_every_option_of_load_but_the_workgroup():
    import argparse
    from emu import runner, serve
    load = argparse.ArgumentParser(add_help=False)
    runner.add_arguments(load)
    h = argparse.ArgumentParser(add_help=False)
    serve.add_chip_options(h)
    opts = lambda p: {a.dest for a in p._actions}
    assert opts(h) == opts(load) - serve.NOT_FOR_SERVER


def test_a_native_64_bit_build_works_too(server, hal_flags, tmp_path):
    """--m64: a native build (the default is -m32 where the compiler can build 32-bit)."""
    cc, _ = hal_flags
    r = subprocess.run(emu_cmd("hal-config", "--m64", "--cflags", "--libs"), cwd=ROOT,
                       env=emu_env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "-m32" not in r.stdout.split()
    exe = str(tmp_path / "hello64")
    subprocess.run(cc + [os.path.join(ROOT, "tests", "host", "hello.c"), "-o", exe]
                   + r.stdout.split(), check=True, timeout=300)
    r = server.run(exe, device("hello"), "1", "2")
    assert (r.returncode, r.stdout) == (0, "hello: 2 greetings ok\n"), r.stderr


def test_hal_config_builds_into_its_cache_and_rebuilds(hal_flags, tmp_path):
    env = emu_env(EPIPHANY_EMU_CACHE=str(tmp_path / "cache"))

    def cfg(*args):
        r = subprocess.run(emu_cmd("hal-config", *args), cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        return r.stdout.split()

    incdir, libdir = cfg("--libdir", "--includedir")     # printed in this order
    assert libdir.startswith(str(tmp_path / "cache")) and incdir.endswith("include")
    lib = os.path.join(libdir, "libe-hal.so")
    before = os.stat(lib).st_ino
    assert cfg("--libdir") == [libdir] and os.stat(lib).st_ino == before     # built once
    assert cfg("--rebuild", "--libdir") == [libdir]
    assert os.stat(lib).st_ino != before
    assert os.path.exists(os.path.join(incdir, "e-loader.h"))


# ---- oracle: ePython's own host program and its genuine device firmware ---------------------
# EPYTHON_EHAL_HOST: ePython's epython-host built against our libe-hal (its host/makefile with
# EPIPHANY_HOME=$(epiphany-emu hal-config --home) CC="gcc -m32"); EPYTHON_GENUINE_FIRMWARE: its
# epython-device.elf built with the ESDK's e-lib.  The host's modules/ (next to its host/) go
# along.  Neither is ours to commit.
def _epython_oracle():
    host = os.environ.get("EPYTHON_EHAL_HOST")
    firmware = os.environ.get("EPYTHON_GENUINE_FIRMWARE")
    if not (host and firmware and os.path.exists(host) and os.path.exists(firmware)):
        pytest.skip("set EPYTHON_EHAL_HOST (ePython's host on our libe-hal) and "
                    "EPYTHON_GENUINE_FIRMWARE (its device ELF)")
    return host, firmware


def test_epython_genuine_host_and_firmware(tmp_path):
    host, firmware = _epython_oracle()
    import shutil
    shutil.copy(firmware, tmp_path / "epython-device.elf")  # the host loads it from its cwd
    modules = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(host))), "modules")
    if os.path.isdir(modules):                              # ... and its modules from ./modules
        shutil.copytree(modules, tmp_path / "modules")
    (tmp_path / "prog.py").write_text(
        "from parallel import *\n"
        "s = reduce(coreid(), \"sum\")\n"
        "if coreid() == 0: print \"sum \" + str(s)\n"
        "print \"core \" + str(coreid())\n")
    r = subprocess.run(emu_cmd("host", host, "prog.py"), cwd=tmp_path, env=emu_env(), capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = set(r.stdout.splitlines())
    # what ePython prints on the board: each core's line, tagged with its id, and the reduction
    assert {f"[device {k}] core {k}" for k in range(16)} <= lines, r.stdout
    assert "[device 0] sum 120" in lines, r.stdout


def test_host_honours_the_chip_options_of_load(host_bins, tmp_path):
    """Every option `host` takes from `load` does something: --metrics writes the run's
    outcome, --core-mem sizes the cores' memory (the device program's 32 KB fit in 64 KB),
    --arch, --libc-abi and --max-file-size reach the chip and the host services."""
    met = tmp_path / "m.json"
    r = host("--metrics", str(met), "--core-mem", "64K", "--arch", "ev", "--libc-abi",
             "newlib-3.3", "--max-file-size", "1M", host_bins["hello"], device("hello"))
    assert r.returncode == 0, r.stderr
    m = json.loads(met.read_text())
    # hello exits once it has seen every core's done flag, and `host` then stops the chip: the
    # cores' own exit, which comes after the flag, may or may not happen first
    assert (m["stop"], m["exit_code"]) in (("exit", 0), ("user", 130)), m
    assert m["instructions"] > 0, m


def test_serve_options_reach_the_chip():
    """The chip options of `serve`/`host` (taken from `load`) are all used: none is accepted
    and then silently dropped."""
    import argparse
    from emu import serve
    p = argparse.ArgumentParser()
    serve.add_chip_options(p)
    args = p.parse_args(["--core-mem", "64K", "--arch", "ev", "--max-file-size", "1M",
                         "--libc-abi", "esdk-2016"])
    cfg, hio = serve.chip_setup(args)
    assert cfg.sram_size == 64 * 1024 and cfg.arch == "ev"
    assert hio.max_file_size == 1 << 20
