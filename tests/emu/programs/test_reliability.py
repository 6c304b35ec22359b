"""Issue 15: no traceback, no lost exit code, Ctrl-C works, messages that say what to do.

Programs are assembled here with our assembler (flat layout) or are committed fixtures."""
import io
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time

import pytest

from emu.chip import Chip, ChipConfig
from emu.interrupt import run_interruptible
from emu.stops import Stop
from emu.syscalls import HostIO
from isa.assembler import assemble
from loader.elf import read_elf

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ENV = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
HELLO = os.path.join(ROOT, "examples", "hello.elf")
STDIN_SUM = os.path.join(ROOT, "tests", "fixtures", "c", "stdin_sum.O2.elf")
RING = os.path.join(ROOT, "tests", "fixtures", "multicore", "ring.elf")

START = """
    .section IVT,"ax"
    b.l _start
    .text
    .global _start
_start:
    mov r0,%low(main)
    movt r0,%high(main)
    movts iret,r0
    rti
main:
"""
#: counts forever, storing the count (so no deadlock detector can end it)
FOREVER = START + """
    mov r2,%low(buf)
    movt r2,%high(buf)
    mov r1,0
loop:
    add r1,r1,1
    str r1,[r2]
    b loop
    .data
    .balign 4
buf: .word 0
"""


def program(tmp_path, name, source):
    path = tmp_path / f"{name}.elf"
    path.write_bytes(assemble(source, 0x80000000, f"{name}.s"))
    return str(path)


def run(*args, stdin=b"", timeout=120):
    p = subprocess.run([sys.executable, "-m", "emu", *args], cwd=ROOT, env=ENV, input=stdin,
                       capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def one_line_exit_2(*args):
    code, out, err = run(*args)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


# ---- 2. Ctrl-C and SIGTERM -------------------------------------------------------------------

@pytest.fixture
def sigint_default():
    """Python's SIGINT handler for the test, whatever this process inherited: pytest started
    in the background by a shell without job control inherits SIGINT ignored, which the
    emulator then leaves ignored (emu/interrupt.py)."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def _stop_signals_default():
    """(In the child, before exec: SIGINT and SIGTERM as a terminal's foreground job has
    them, whatever the test process inherited.)"""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def test_a_signal_stops_a_compute_bound_run_at_once(tmp_path, sigint_default):
    """In-process: the nogil loop runs in a worker thread, the main thread's handler calls
    request_stop; the run ends with Stop.USER a few milliseconds after the signal."""
    chip = Chip(ChipConfig.flat(), HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(),
                                          stderr=io.BytesIO()))
    chip.load_elf(program(tmp_path, "forever", FOREVER))
    sent = []

    def fire():
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)
    threading.Timer(0.3, fire).start()
    res, sig = run_interruptible(chip.run, chip.request_stop)
    latency = time.perf_counter() - sent[0]
    assert res.stop == Stop.USER and res.exit_code == 130 and sig == signal.SIGINT
    assert chip.counters(0)["cycles"] > 0
    assert latency < 0.25          # ~0.02 s measured; the bound leaves room for a busy host


def test_a_signal_while_loading_stops_the_run_at_its_start(tmp_path, sigint_default):
    """A SIGINT that comes before the run starts (the CLI still loading) is kept and ends the
    run as soon as it starts, reported like one during the run."""
    from emu.interrupt import EarlySignals
    chip = Chip(ChipConfig.flat(), HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(),
                                          stderr=io.BytesIO()))
    with EarlySignals() as early:
        os.kill(os.getpid(), signal.SIGINT)
        chip.load_elf(program(tmp_path, "forever", FOREVER))
        res, sig = run_interruptible(chip.run, chip.request_stop, early=early)
    assert res.stop == Stop.USER and sig == signal.SIGINT
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler    # (restored)


def _start(args, stdin=None, ignore_sigint=False):
    def child():
        _stop_signals_default()
        if ignore_sigint:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    return subprocess.Popen([sys.executable, "-m", "emu", *args], cwd=ROOT, env=ENV,
                            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=child)


def _wait_for(path, proc, limit=60):
    t0 = time.time()
    while not os.path.exists(path) and time.time() - t0 < limit and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)                 # the run is under way


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_run_writes_its_profile_and_exits_128_plus_signal(tmp_path, sig, code):
    prof = tmp_path / "p.json"
    p = _start(["load", program(tmp_path, "forever", FOREVER), "--profile", str(prof)])
    _wait_for(prof, p)                # opened before the run starts
    t0 = time.time()
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    assert p.returncode == code, err
    assert time.time() - t0 < 5
    err = err.decode()
    assert f"interrupted by {signal.Signals(sig).name}" in err and "<loop" in err
    doc = json.loads(prof.read_text())
    assert doc["stop"] == "user" and doc["exit_code"] == code and doc["cycles"] > 0


def test_ctrl_c_while_the_program_waits_for_input(tmp_path):
    marker = tmp_path / "t.txt"
    p = _start(["load", STDIN_SUM, "--trace", str(marker)], stdin=subprocess.PIPE)
    _wait_for(marker, p)
    p.send_signal(signal.SIGINT)
    # stdin kept open until the process ends: the read must give up on the request (not on
    # an end of file -- communicate() would close stdin at once, and an EOF seen before the
    # main thread's handler ran, up to emu.interrupt.POLL later, let the program finish)
    try:
        p.wait(timeout=30)
    finally:
        p.stdin.close()
    err = p.stderr.read()
    p.stdout.close()
    p.stderr.close()
    assert p.returncode == 130 and b"interrupted by SIGINT" in err


def test_a_run_started_with_sigint_ignored_keeps_ignoring_it(tmp_path):
    """A background job of a shell without job control starts with SIGINT ignored (Ctrl-C at
    the terminal is not for it): the run goes on through a SIGINT, as Python and the shells
    leave it ignored, and still stops on SIGTERM."""
    prof = tmp_path / "p.json"
    p = _start(["load", program(tmp_path, "forever", FOREVER), "--profile", str(prof)],
               ignore_sigint=True)
    _wait_for(prof, p)
    p.send_signal(signal.SIGINT)
    time.sleep(0.5)
    assert p.poll() is None                     # still running
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 143 and b"interrupted by SIGTERM" in err


def _stdin_sum_chip():
    r, w = os.pipe()
    img = read_elf(STDIN_SUM)
    chip = Chip(ChipConfig.for_image(img), HostIO(stdin=os.fdopen(r, "rb"), stdout=io.BytesIO(),
                                                  stderr=io.BytesIO()))
    chip.load_elf(img)
    return chip, w


def test_a_stop_requested_before_the_run_starts_is_not_lost():
    """A signal that comes while the program is still being loaded (handler installed, run
    not started) stops the run."""
    chip, w = _stdin_sum_chip()
    try:
        chip.request_stop()
        assert chip.run().stop == Stop.USER
        assert chip.stop_requested is False           # answered, not pending for the next run
    finally:
        os.close(w)


def test_a_stop_requested_during_a_console_read_ends_the_run_there():
    """Ctrl-C while the program waits for input: the read gives up (EINTR) and the run ends
    with Stop.USER at once -- not whenever the engine's next slice boundary comes, by which
    time the program may have taken the failed read for end-of-file and exited 0 (the race
    CI's busy machine hit)."""
    chip, w = _stdin_sum_chip()
    try:
        threading.Timer(0.3, chip.request_stop).start()
        res = chip.run()
        assert res.stop == Stop.USER
        assert not chip.engine.core_flags(0)["exited"]
        assert chip.stop_requested is False
    finally:
        os.close(w)


# ---- 4. a flat program on several cores ------------------------------------------------------

@pytest.mark.parametrize("opts", [["--cores", "4"], ["--chip", "8x8", "--rows", "8",
                                                      "--cols", "8"], ["--rows", "2"]])
def test_flat_program_on_several_cores_is_refused_with_what_to_do(opts):
    err = one_line_exit_2("load", HELLO, *opts)
    assert "linked for one core" in err and "internal.ld" in err


def test_flat_program_on_one_core_of_a_bigger_chip_runs():
    code, out, _ = run("load", HELLO, "--chip", "8x8")
    assert code == 0 and "Hello from Epiphany!" in out


# ---- 5. resource limits ----------------------------------------------------------------------

def _patched(tmp_path, src, edit):
    raw = bytearray(open(src, "rb").read())
    edit(raw)
    path = tmp_path / "bad.elf"
    path.write_bytes(bytes(raw))
    return str(path)


def _phdr(raw, i):
    phoff, = struct.unpack_from("<I", raw, 28)
    phentsize, = struct.unpack_from("<H", raw, 42)
    return phoff + i * phentsize


def test_corrupt_memsz_is_refused_before_anything_is_allocated(tmp_path):
    def edit(raw):
        struct.pack_into("<I", raw, _phdr(raw, 0) + 20, 0xF0000000)     # p_memsz
    path = _patched(tmp_path, HELLO, edit)
    t0 = time.time()
    err = one_line_exit_2("load", path)
    assert time.time() - t0 < 30 and "outside the emulated memory" in err
    assert "0x80000000" in err                 # the flat program's memory is named


def test_corrupt_loader_sections_are_one_line(tmp_path):
    """workgroup_cfg moved to an address no core has: e-loader's records cannot be written."""
    from elftools.elf.elffile import ELFFile
    with open(RING, "rb") as f:
        ef = ELFFile(f)
        idx = next(i for i, s in enumerate(ef.iter_sections()) if s.name == "workgroup_cfg")
        shoff, shentsize = ef.header.e_shoff, ef.header.e_shentsize

    def edit(raw):
        struct.pack_into("<I", raw, shoff + idx * shentsize + 12, 0x000F8000)   # sh_addr
    err = one_line_exit_2("load", _patched(tmp_path, RING, edit))
    assert "loader sections" in err


# ---- 6. options and outputs ------------------------------------------------------------------

@pytest.mark.parametrize("opts,words", [
    (["--max-cycles", str(2 ** 70)], "--max-cycles"),
    (["--quantum", str(10 ** 15)], "--quantum"),
    (["--chip", "99999999999x1"], "64x64"),
    (["--chip", "64x64"], "--first-core 0,0"),
    (["--first-core", "70,1"], "--first-core"),
    (["--cores", "1000000000000"], "does not fit"),
    (["--trace", "/dev/full"], "--trace /dev/full"),
])
def test_bad_options_are_one_line_and_exit_2(opts, words):
    err = one_line_exit_2("load", HELLO, *opts)
    assert words in err


def test_a_failing_profile_write_keeps_the_exit_status_and_names_the_file():
    code, out, err = run("load", HELLO, "--profile", "/dev/full")
    assert code == 0 and "Hello from Epiphany!" in out
    assert "cannot write --profile /dev/full" in err and "Traceback" not in err


def test_output_files_are_created_before_the_run(tmp_path):
    """A profile path that cannot be created costs no run (the program prints nothing)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "p.json").mkdir()                       # a directory where the file should go
    code, out, err = run("load", HELLO, "--profile", str(ro / "p.json"))
    assert code == 2 and out == "" and "--profile" in err


# ---- 7. messages -----------------------------------------------------------------------------

def test_version():
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("epiphany-emu ") and out.split()[1][0].isdigit()


def test_max_cycles_names_each_cores_pc_and_line(tmp_path):
    code, out, err = run("load", "--max-cycles", "1000", program(tmp_path, "forever", FOREVER))
    assert code == 124
    assert "--max-cycles 1000" in err and "core 0x808" in err and "<loop" in err


def test_open_without_sandbox_hints_at_sandbox(tmp_path):
    fileio = os.path.join(ROOT, "tests", "fixtures", "c", "fileio.O2.elf")
    code, out, err = run("load", fileio)
    assert err.count("--sandbox DIR") == 1


# ---- 9. argv ---------------------------------------------------------------------------------

def test_arguments_after_double_dash_reach_sys_argn(tmp_path):
    """A flat program (upstream crt0: main(0, 0, 0)) reads its arguments with SYS_argc and
    SYS_argn and prints the last one."""
    src = START + """
    mov r3,22               ; SYS_argc
    trap 7
    sub r0,r0,1             ; the last argument's index
    mov r1,%low(buf)
    movt r1,%high(buf)
    mov r3,24               ; SYS_argn(n, buf)
    trap 7
    mov r4,r0               ; buf
    mov r0,r4
    mov r3,23               ; strlen: SYS_argnlen(n) -- n again
    mov r0,2
    trap 7
    mov r2,r0
    mov r0,1
    mov r1,r4
    trap 0                  ; write(1, buf, len)
    mov r0,0
    trap 3
    .data
    .balign 4
buf: .space 64
"""
    code, out, err = run("load", program(tmp_path, "args", src), "--", "one", "two words")
    assert code == 0 and out == "two words"
    assert "main(0, NULL, NULL)" in err           # said once: main's argc stays 0


def test_double_dash_is_only_for_load():
    code, _, err = run("disasm", HELLO, "--", "x")
    assert code == 2 and "load" in err


# ---- 9. S-records load like ELF -------------------------------------------------------------

SREC = os.path.join(ROOT, "tests", "fixtures", "srec")


def test_srec_of_a_flat_program_runs_like_its_elf():
    code, out, err = run("load", os.path.join(SREC, "hello.srec"))
    with open(os.path.join(ROOT, "examples", "hello.expected")) as f:
        assert (code, out, err) == (0, f.read(), "")


def test_srec_of_a_core_local_program_runs_on_a_workgroup_like_its_elf():
    """objcopy -O srec keeps no sections: the loader records go where e-loader puts them
    for SREC files (0x28, 0x50, 0x58)."""
    a = run("load", "--cores", "4", os.path.join(SREC, "ring.srec"))
    b = run("load", "--cores", "4", RING)
    assert a == b and a[0] == 0 and "ring: 2 x 2 cores" in a[1]


@pytest.mark.parametrize("text,msg", [
    (b"S00600004844521B\nS1070000FFFFFFFF00\n", "checksum"),
    (b"S00600004844521B\nS9030000FC\n", "no data records"),
    (b"S00600004844521B\nSZ\n", "not an S-record"),
])
def test_bad_srec_is_one_line(tmp_path, text, msg):
    f = tmp_path / "bad.srec"
    f.write_bytes(text)
    err = one_line_exit_2("load", str(f))
    assert msg in err and "bad.srec" in err


@pytest.mark.toolchain
def test_srec_fixtures_rebuild_byte_for_byte():
    import shutil
    if not shutil.which("epiphany-elf-objcopy"):
        pytest.skip("epiphany-elf toolchain not on PATH")
    p = subprocess.run(["bash", os.path.join(SREC, "build.sh"), "--check"],
                       capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode()
