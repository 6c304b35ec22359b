"""``epiphany-emu load``: the README's first command, and what each chip, policy and host option
visibly changes.  Small programs are assembled here with our assembler (isa.assembler); the
multicore ones are the committed fixtures."""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import pytest

from isa.assembler import assemble

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RING = os.path.join(ROOT, "tests", "fixtures", "multicore", "ring.elf")
BARRIER = os.path.join(ROOT, "tests", "fixtures", "multicore", "barrier.elf")
ENV = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))


def run(*args, cwd=ROOT):
    p = subprocess.run([sys.executable, "-m", "emu", *args], cwd=cwd, env=ENV,
                       capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def program(tmp_path, name, source):
    """``source`` assembled into tmp_path/name.elf in the flat layout (one core)."""
    path = tmp_path / f"{name}.elf"
    path.write_bytes(assemble(source, 0x80000000, f"{name}.s"))
    return str(path)


# ---- the README -------------------------------------------------------------------------------

def _readme_first_commands():
    """The commands of the README's first line after the install step."""
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    return [shlex.split(c) for c in block.splitlines()[0].split("&&")[1:]]


def _run_as_user(command):
    # the console script pyproject.toml installs; without an install, the same entry point
    exe = shutil.which(command[0])
    module = {"epiphany-emu": "emu", "epython": "epython"}[command[0]]
    argv = [exe] + command[1:] if exe else [sys.executable, "-m", module] + command[1:]
    return subprocess.run(argv, cwd=ROOT, env=ENV, capture_output=True, timeout=120)


def test_hello_example():
    """The first command of the README's first code block, run as a user would."""
    command = _readme_first_commands()[0]
    assert command == ["epiphany-emu", "load", "examples/hello.elf"]
    p = _run_as_user(command)
    with open(os.path.join(ROOT, "examples", "hello.expected"), "rb") as f:
        assert p.stdout == f.read()
    assert p.stderr == b"" and p.returncode == 0


def test_epython_hello_example():
    """The README's ePython command: every one of the 16 cores prints its line (the order
    across cores is not defined: print is a host round trip)."""
    command = _readme_first_commands()[1]
    assert command == ["epython", "examples/epython/hello.py"]
    p = _run_as_user(command)
    lines = p.stdout.decode().splitlines()
    assert sorted(lines) == sorted(f"[device {k}] Hello world from core {k} of 16"
                                   for k in range(16))
    assert p.stderr == b"" and p.returncode == 0


# ---- policies ---------------------------------------------------------------------------------

#: runs an undecodable halfword; its exception handler exits with STATUS.EXCAUSE
EXCEPTION = """
    .section IVT,"ax"
    b.l _start
    b.l handler             ; vector 1: software exception
    .text
    .global _start
_start:
    mov r0,%low(main)       ; leave the reset interrupt (GID set) for main
    movt r0,%high(main)
    movts iret,r0
    rti
main:
    .short 0x003e           ; no instruction
    mov r0,0
    trap 3
handler:
    movfs r0,status
    lsr r0,r0,16
    mov r1,15
    and r0,r0,r1
    trap 3
"""


def test_invalid_stops_with_a_report_or_traps_to_the_program(tmp_path):
    elf = program(tmp_path, "exc", EXCEPTION)
    code, _, err = run("load", elf)
    assert code == 132 and "invalid or unimplemented instruction" in err and "<main>" in err
    code, _, err = run("load", "--invalid", "trap", elf)
    assert (code, err) == (4, "")                 # the handler ran: EXCAUSE unimplemented (E3)


def test_excause_e4_numbers_the_exception_like_the_gnu_simulator(tmp_path):
    elf = program(tmp_path, "exc", EXCEPTION)
    assert run("load", "--invalid", "trap", "--excause", "e3", elf)[0] == 4
    assert run("load", "--invalid", "trap", "--excause", "e4", elf)[0] == 0xF


# ---- host options -----------------------------------------------------------------------------

def test_wallclock_gives_the_guest_the_host_time(tmp_path):
    """time() (TRAP 7, SYS_time); the program exits with bits 31:24 of the seconds."""
    elf = program(tmp_path, "clock", """
        .text
        .global _start
    _start:
        mov r3,18
        mov r0,0
        trap 7
        lsr r0,r0,24
        trap 3
    """)
    assert run("load", elf)[0] == 0                # emulated time: a few cycles after 0
    before = int(time.time()) >> 24
    code = run("load", "--wallclock", elf)[0]
    assert before <= code <= (int(time.time()) >> 24) and code > 0


CAT = """
    .text
    .global _start
_start:
    mov r0,%low(name)       ; open("data.txt", O_RDONLY)
    movt r0,%high(name)
    mov r1,0
    trap 2
    mov r2,0
    sub r2,r2,1
    sub r2,r0,r2
    beq failed
    mov r1,%low(buf)        ; read(fd, buf, 64)
    movt r1,%high(buf)
    mov r2,64
    trap 1
    mov r2,r0               ; write(1, buf, n)
    mov r0,1
    mov r1,%low(buf)
    movt r1,%high(buf)
    trap 0
    mov r0,0
    trap 3
failed:
    mov r0,r3               ; exit with errno
    trap 3
    .data
name:   .asciz "data.txt"
buf:    .zero 64
"""


def test_sandbox_is_the_only_directory_the_program_may_open(tmp_path):
    elf = program(tmp_path, "cat", CAT)
    box = tmp_path / "box"
    box.mkdir()
    (box / "data.txt").write_text("hello sandbox\n")
    assert run("load", elf, cwd=str(box))[:2] == (13, "")            # EACCES without it
    assert run("load", "--sandbox", str(box), elf)[:2] == (0, "hello sandbox\n")


# ---- chip and workgroup -----------------------------------------------------------------------

def _ring_ids(*opts):
    code, out, err = run("load", RING, "--prefix", "never", *opts)
    assert code == 0, err
    shape = re.search(r"ring: (\d+) x (\d+) cores", out).groups()
    return tuple(map(int, shape)), re.findall(r"id (0x[0-9a-f]{3})", out)


def test_cols_sets_the_workgroup_width():
    assert _ring_ids("--cols", "2")[0] == (4, 2)                    # rows: the whole chip
    assert _ring_ids("--rows", "1", "--cols", "3") == ((1, 3), ["0x808", "0x809", "0x80a"])


def test_origin_places_the_workgroup_on_the_chip():
    assert _ring_ids("--rows", "2", "--cols", "2", "--origin", "1,2")[1] == \
        ["0x84a", "0x84b", "0x88a", "0x88b"]
    code, _, err = run("load", RING, "--cores", "4", "--origin", "3,3")
    assert code == 2 and "does not fit" in err


def test_first_core_sets_the_chip_core_ids():
    assert _ring_ids("--cores", "4", "--first-core", "8,16")[1] == \
        ["0x210", "0x211", "0x250", "0x251"]


def test_quantum_is_the_round_robin_slice(tmp_path):
    """In the trace (execution order), cores alternate almost every instruction with a
    1-cycle quantum, and run in stretches with the default 1000."""
    def switch_rate(*opts):
        t = tmp_path / "t.trace"
        assert run("load", BARRIER, "--cores", "4", "--trace", str(t), *opts)[0] == 0
        cores = [ln.split()[1] for ln in t.read_text().splitlines()]
        return sum(a != b for a, b in zip(cores, cores[1:])) / len(cores)
    assert switch_rate("--quantum", "1") > 0.8
    assert switch_rate() < 0.4
    prof = tmp_path / "p.json"
    assert run("load", BARRIER, "--cores", "4", "--quantum", "7", "--profile", str(prof))[0] == 0
    assert json.loads(prof.read_text())["config"]["quantum"] == 7


@pytest.mark.parametrize("opt", ["--excause", "--invalid"])
def test_policy_options_refuse_other_values(opt):
    code, _, err = run("load", opt, "e5", RING)
    assert code == 2 and "invalid choice" in err
