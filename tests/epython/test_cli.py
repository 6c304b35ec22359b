"""The ``epython`` command line (epython/cli.py): ePython's options, the emulator's options,
exit statuses, ``epiphany-emu epython`` and the installed console script.

Most tests call ``epython.cli.main(argv)`` in this process (stdin, stdout and stderr swapped
for strings); a few run the command as a user would, in a subprocess.  Expected outputs come
from ePython's semantics (spec §2, §5) and the documented formats, not from earlier runs."""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys

import pytest

from epython import cli
from epython.compiler import compile_file, preprocess_file
from tests.epython.acceptance_reference import glibc_rand
from tests.epython.oracle import ORACLE, run_oracle
from tests.epython.vm_harness import GENUINE

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HELLO = os.path.join(ROOT, "examples", "epython", "hello.py")
ENV = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
ONE_LINE = re.compile(r"^epython: [^\n]+\n$")


def epython(*argv, stdin: str = "", entry=cli.main):
    """Run the command in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_in = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = entry([str(a) for a in argv])
            except SystemExit as e:               # argparse: --help, bad option syntax
                code = e.code
    finally:
        sys.stdin = old_in
    return code, out.getvalue(), err.getvalue()


def hello_lines(cores):
    """What examples/epython/hello.py prints on these cores: each core its id and the
    number of cores (numcores() counts the cores in use, coreid() is the chip index)."""
    return sorted(f"[device {c}] Hello world from core {c} of {len(cores)}" for c in cores)


def program(tmp_path, source, name="prog.py"):
    path = tmp_path / name
    path.write_text(source)
    return str(path)


# ---- running ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 4, 16])
def test_hello_on_n_cores(n):
    code, out, err = epython("-d", n, HELLO)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(range(n))


def test_hello_on_all_cores_by_default():
    code, out, err = epython(HELLO)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(range(16))


@pytest.mark.parametrize("spec, cores", [("5", [5]), ("1,2,9", [1, 2, 9]), ("1:7", range(1, 8)),
                                         ("all", range(16)), ("3:3,0", [0, 3])])
def test_core_specs(spec, cores):
    code, out, err = epython("-c", spec, HELLO)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(cores)


def test_options_are_case_insensitive_like_epythons():
    code, out, err = epython("-D", 2, HELLO)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(range(2))
    code, out, _ = epython("-C", "1:2", "-T", HELLO)
    assert code == 0
    assert len(re.findall(r"^Core [12] completed in ", out, re.M)) == 2


def test_t_prints_each_cores_emulated_time():
    code, out, err = epython("-d", 4, "-t", HELLO)
    assert (code, err) == (0, "")
    times = re.findall(r"^Core (\d+) completed in (\d+)\.(\d{6}) seconds$", out, re.M)
    assert sorted(int(c) for c, _, _ in times) == [0, 1, 2, 3]
    for _, s, us in times:                   # a hello takes well under a millisecond at 600 MHz
        assert 0 < int(s) * 1_000_000 + int(us) < 1000
    # each core's time comes after its own output
    for c in range(4):
        assert out.index(f"[device {c}] Hello") < out.index(f"Core {c} completed")


def test_s_prints_the_sizes(tmp_path):
    """``B bytes for code, S bytes for symbol table (E entries), F bytes free``: the
    per-core free memory after the symbol table (18 bytes an entry), the bytecode copy, the
    100-byte postbox and the 1 KB scalar stack (docs/epython-vm.md).  B and E are taken from
    our compiler (a self-consistency check; the compiler's sizes are checked against
    ePython's in test_compiler_oracle.py), F from the documented per-core memory map."""
    prog = compile_file(HELLO)
    b, e = len(prog.code), prog.nsymbols
    free = 0x8000 - (0x6000 + 18 * e + b + 100 + 1024)
    code, out, _ = epython("-s", "-d", 1, HELLO)
    assert code == 0
    assert out.splitlines()[0] == (f"{b} bytes for code, {18 * e} bytes for symbol table "
                                   f"({e} entries), {free} bytes free")
    assert out.splitlines()[1:] == hello_lines([0])
    # a program over 2 KB stays in DRAM: no copy on the core
    big = program(tmp_path, "x=0\n" + "x=x+1\n" * 300 + "print x\n")
    p = compile_file(big)
    assert len(p.code) > 2048
    code, out, _ = epython("-s", "-o", tmp_path / "big.bin", big)
    assert code == 0
    assert out == (f"{len(p.code)} bytes for code, {18 * p.nsymbols} bytes for symbol table "
                   f"({p.nsymbols} entries), "
                   f"{0x8000 - (0x6000 + 18 * p.nsymbols + 100 + 1024)} bytes free\n")


def test_pp_prints_the_preprocessed_source_then_runs():
    """Self-consistency: -pp prints what preprocess_file gives (which test_compiler_oracle.py
    compares with ePython's -pp), then the run's output."""
    code, out, err = epython("-pp", "-d", 1, HELLO)
    assert (code, err) == (0, "")
    pre = preprocess_file(HELLO)
    assert pre.startswith("<<<") and "def coreid" in pre       # the module is spliced in
    assert out == pre + "\n" + hello_lines([0])[0] + "\n"


def test_pipein_takes_the_source_from_the_command_line():
    code, out, err = epython("-pipein", 'from parallel import *\nprint "hi from "+coreid()',
                             "-d", 2)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == ["[device 0] hi from 0", "[device 1] hi from 1"]


def test_input_reads_standard_input():
    code, out, _ = epython("-d", 1, "-pipein", 'n=input("n? ")\nprint n*2', stdin="21\n")
    assert code == 0
    assert out == "[device 0] n? [device 0] 42\n"


def test_seed_is_the_hosts_srand():
    """random() is (rand() % 20000) / 20001.0 of the host's C rand(); --seed s gives what
    srand(s) gives (glibc's rand on this machine, when it is glibc)."""
    src = "from random import random\nprint random()\nprint random()"
    for seed in (1, 7):
        want = glibc_rand(2, seed)
        if want is None:
            pytest.skip("this machine's C library is not glibc")
        code, out, _ = epython("-d", 1, "--seed", seed, "-pipein", src)
        assert code == 0
        assert out.splitlines() == ["[device 0] %f" % struct.unpack("<f", struct.pack(
            "<f", struct.unpack("<f", struct.pack("<f", r % 20000))[0] / 20001.0))[0]
            for r in want]


def test_o_then_l_round_trip(tmp_path):
    """-o writes ePython's format (spec §1.3: uint32 length, uint16 symbols, the code; the
    code is our compiler's, a self-consistency check) and -l runs it."""
    binary = tmp_path / "hello.bin"
    code, out, err = epython("-o", binary, HELLO)
    assert (code, out, err) == (0, "", "")                   # -o writes and stops
    data = binary.read_bytes()
    prog = compile_file(HELLO)
    assert data == struct.pack("<IH", len(prog.code), prog.nsymbols) + prog.code
    code, out, err = epython("-l", binary, "-d", 4)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(range(4))


@pytest.mark.skipif(not (ORACLE and os.access(ORACLE, os.X_OK)),
                    reason="EPYTHON_ORACLE (ePython's epython-host) not set")
def test_l_runs_bytecode_saved_by_epythons_compiler(tmp_path):
    """ePython's own compiler (its host-standalone build, -o) with our bundled modules."""
    from epython.compiler import BUNDLED_MODULES
    source = ('from parallel import *\nx=2.5\nprint "core "+coreid()+" of "+numcores()+": "'
              '+(x*coreid())\n')
    proc, data = run_oracle(source, "prog.py", ["-o", "out.bin"], BUNDLED_MODULES)
    assert proc.returncode == 0 and data, proc.stderr
    path = tmp_path / "theirs.bin"
    path.write_bytes(data)
    code, out, err = epython("-l", path, "-d", 4)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == [f"[device {c}] core {c} of 4: {2.5 * c:f}"
                                        for c in range(4)]


# ---- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("source, message", [
    ("b=-a\n", "syntax error at line 1 of file prog.py"),
    ("import nosuchmodule\n", "Opening of Python file 'nosuchmodule.py' failed, are you sure "
                              "this file exists?"),
    ("x=1\nprint nothere(x)\n", "Can not find function 'nothere' in function call at line "
                                "number 2"),
    ("print id(q)\n", "Can not find variable name q at line 1, you must declare this before "
                      "use"),
    ("x=" + "(" * 4000 + "1" + ")" * 4000 + "\n", "memory exhausted at line 1 of file prog.py"),
])
def test_compile_errors_print_epythons_message_and_exit_1(tmp_path, monkeypatch, source,
                                                          message):
    monkeypatch.chdir(tmp_path)
    program(tmp_path, source)
    code, out, err = epython("prog.py")
    assert (code, out, err) == (1, "", message + "\n")


def test_deeply_nested_expressions_compile(tmp_path):
    """Regression: 300 levels of parentheses exhausted Python's recursion limit (a traceback);
    ePython's parser takes some 10,000, ours now some 2,500."""
    depth = 1000
    path = program(tmp_path, "x=" + "(" * depth + "41+1" + ")" * depth + "\nprint x\n")
    code, out, err = epython("-d", 1, path)
    assert (code, out, err) == (0, "[device 0] 42\n", "")


@pytest.mark.parametrize("argv", [
    ["-h", "2", HELLO],                       # host virtual cores: not on the emulator
    ["-c", "99", HELLO],
    ["-c", "3:1", HELLO],
    ["-d", "0", HELLO],
    ["-d", "17", HELLO],
    ["-d", "2", "-c", "1", HELLO],
    ["no-such-program.py"],
    ["-l", "no-such-bytecode.bin"],
    ["-l", __file__],                         # not a file written by -o
    ["-l", os.path.dirname(__file__)],
    ["--firmware", "no-such-firmware.elf", HELLO],
    ["--firmware", __file__, HELLO],          # not an ELF file
    ["-fullpython", HELLO],
    ["--max-cycles", "-5", HELLO],
    ["--max-cycles", str(1 << 70), HELLO],
    ["--profile", "/no/such/dir/p.json", HELLO],
    ["--trace-cores", "1", HELLO],            # without --trace
    ["--trace", "t.txt", "--trace-cores", "99", HELLO],
    [HELLO, "-pipein", "print 1"],            # two programs
    ["-d", "2"],                              # none
])
def test_bad_options_and_files_are_one_line_and_exit_2(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = epython(*argv)
    assert code == 2
    assert out == ""                          # nothing ran
    assert ONE_LINE.match(err), err


def test_bad_option_syntax_exits_2():
    for argv in (["--bogus", HELLO], ["-d", "x", HELLO], ["-pipein"]):
        code, out, err = epython(*argv)
        assert code == 2 and out == "" and "epython: error:" in err


def test_help_and_no_arguments():
    code, out, err = epython("-help")
    assert (code, err) == (0, "")
    # every option the parser accepts is in the help
    for opt in cli.EPYTHON_FLAGS + ("--firmware", "--seed", "--max-cycles", "--timing",
                                    "--unaligned", "--stats-emu", "--profile", "--heatmap",
                                    "--heatmap-by", "--trace", "--trace-cores", "--version"):
        assert re.search(rf"(^|[\s,]){re.escape(opt)}\b", out), opt
    assert epython("--help")[1] == out
    code, out2, _ = epython()
    assert code == 0 and out2 == out


def test_a_run_that_loops_forever_stops_at_max_cycles():
    code, out, err = epython("-d", 1, "--max-cycles", 2_000_000, "-pipein",
                             'print "start"\ni=0\nwhile i >= 0:\n    i=1')
    assert code == 1
    assert out == "[device 0] start\n"
    assert err == "epython: stopped after 2000000 cycles of emulated time\n"


def test_a_deadlock_is_reported():
    code, out, err = epython("-d", 2, "-pipein", "from parallel import *\nprint recv(1-coreid())")
    assert code == 1 and out == ""
    assert err.startswith("epython: deadlock: cores 0, 1")
    # core 1 ends; core 0 waits for it forever
    code, out, err = epython("-d", 2, "-pipein",
                             "from parallel import *\nif coreid() == 0: print recv(1)")
    assert (code, out, err) == (1, "", "epython: deadlock: core 0 waits forever\n")


def test_run_time_errors_exit_0_like_epython():
    code, out, err = epython("-d", 1, "-pipein", 'print "a"\nf=1\nf(2)\nprint "b"')
    assert (code, out) == (0, "[device 0] a\n")
    assert err == ("Error from core 0: Function called via a variable but this variable is "
                   "not pointing to any function\n")


def test_closed_output_pipe_is_no_traceback():
    """epython prog.py | head -1: the reader goes away while the cores still print.  The
    program prints more than a pipe holds, so it cannot finish before the reader leaves."""
    src = 'i=0\nwhile i < 6000:\n    print "line number "+i\n    i+=1\n'
    p = subprocess.Popen([sys.executable, "-m", "epython", "-d", "1", "-pipein", src],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
    assert p.stdout.readline() == b"[device 0] line number 0\n"
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(timeout=300)
    assert "Traceback" not in err and p.returncode == 141, err
    assert err == ""


# ---- the emulator's options ---------------------------------------------------------------------
@pytest.mark.skipif(not GENUINE, reason="set EPYTHON_GENUINE_FIRMWARE to ePython's device ELF")
def test_firmware_runs_epythons_genuine_firmware():
    code, out, err = epython("--firmware", GENUINE, "-d", 4, HELLO)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(range(4))


def test_profile_writes_the_json_profile(tmp_path):
    path = tmp_path / "p.json"
    code, out, err = epython("--profile", path, "-d", 4, HELLO)
    assert code == 0
    assert sorted(out.splitlines()) == hello_lines(range(4))
    doc = json.loads(path.read_text())
    assert doc["schema"] == "epiphany-emu-profile/1" and doc["profiled"]
    from emu.stops import Stop
    assert doc["stop"] == "exit" or Stop(doc["stop"]) == "exit"
    loaded = sorted(c["index"] for c in doc["cores"] if c["loaded"])
    assert loaded == [0, 1, 2, 3]
    names = {s["name"] for s in doc["symbols"]}
    assert "_ep_start" in names or any(n.startswith("ep_") for n in names)
    from emu.profile import check_invariants
    assert check_invariants(doc) == []
    assert "instructions" in err               # the summary on stderr


def test_profile_swallowing_the_program_is_understood(tmp_path, monkeypatch):
    """``epython --profile prog.py``: the optional FILE.json takes the program name."""
    monkeypatch.chdir(tmp_path)
    code, out, _ = epython("-d", 1, "--profile", HELLO)
    assert code == 0 and out.splitlines() == hello_lines([0])
    assert not os.listdir(tmp_path)


def test_heatmap_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "mesh.png"
    code, out, _ = epython("--heatmap", path, "-d", 4, HELLO)
    assert code == 0 and sorted(out.splitlines()) == hello_lines(range(4))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_trace_writes_one_line_per_instruction_of_the_chosen_cores(tmp_path):
    path = tmp_path / "t.txt"
    code, out, _ = epython("--trace", path, "--trace-cores", "1", "-d", 2, HELLO)
    assert code == 0 and sorted(out.splitlines()) == hello_lines(range(2))
    lines = path.read_text().splitlines()
    assert len(lines) > 1000
    # core index 1 is core id 0x809 on the Parallella's chip (row 32, column 9)
    assert {ln.split()[1] for ln in lines} == {"0x809"}


@pytest.mark.unaligned_policy
def test_unaligned_report_finds_nothing_to_report():
    """The VM reads bytecode bytewise: with --unaligned=report a run lists no misaligned
    access (and the default, stop, would have stopped on the first)."""
    code, out, err = epython("--unaligned=report", "-d", 4, HELLO)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(range(4))


def test_timing_off_runs_the_same_program():
    code, out, err = epython("--timing", "off", "-d", 4, HELLO)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(range(4))


def test_help_examples_run(tmp_path):
    """Every example line of ``epython -help`` runs as written (in a directory holding the
    programs it names; ePython's firmware only when EPYTHON_GENUINE_FIRMWARE is set)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "epython").write_text(f"#!/bin/sh\nexec {sys.executable} -m epython \"$@\"\n")
    (bindir / "epython").chmod(0o755)
    for name in ("hello.py", "jacobi.py", "prog.py"):
        shutil.copy(HELLO, tmp_path / name)
    if GENUINE:
        shutil.copy(GENUINE, tmp_path / "epython-device.elf")
    env = dict(ENV, PATH=str(bindir) + os.pathsep + os.environ.get("PATH", ""))
    lines = [ln.strip() for ln in cli.EXAMPLES.splitlines()[1:]]
    assert lines
    for line in lines:
        command = line.split("  #")[0].strip()
        if "epython-device.elf" in command and not GENUINE:
            continue
        if "--heatmap" in command:
            pytest.importorskip("matplotlib")
        p = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env,
                           capture_output=True, timeout=300)
        assert p.returncode == 0, (command, p.stderr.decode())
        # the --unaligned=report example must not have found anything to report
        assert b"unaligned" not in p.stderr.lower(), command
        assert b"] Hello world from core " in p.stdout or b"[device 0] hi" in p.stdout, command


# ---- other ways in --------------------------------------------------------------------------------
def test_epiphany_emu_epython_subcommand():
    from emu.cli import main as emu_main
    code, out, err = epython("epython", "-d", 2, HELLO, entry=emu_main)
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == hello_lines(range(2))
    code, out, _ = epython("epython", "-help", entry=emu_main)
    assert code == 0 and out.startswith("usage: epiphany-emu epython ")
    code, out, err = epython("epython", "-c", "99", HELLO, entry=emu_main)
    assert code == 2 and err.startswith("epiphany-emu epython: ")


def test_console_script_as_a_user_runs_it():
    """``epython examples/epython/hello.py`` (the installed console script, or ``python -m
    epython`` without an install)."""
    exe = shutil.which("epython")
    argv = [exe] if exe else [sys.executable, "-m", "epython"]
    p = subprocess.run(argv + ["examples/epython/hello.py"], cwd=ROOT, env=ENV,
                       capture_output=True, timeout=300)
    assert p.returncode == 0 and p.stderr == b""
    assert sorted(p.stdout.decode().splitlines()) == hello_lines(range(16))
    p = subprocess.run([sys.executable, "-m", "epython", "-d", "1", "-pipein", "print 6*7"],
                       cwd=ROOT, env=ENV, capture_output=True, timeout=300)
    assert (p.returncode, p.stdout, p.stderr) == (0, b"[device 0] 42\n", b"")
