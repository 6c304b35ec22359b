"""The command line: fault reports name file and line, policies, exit codes, bad input."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
FIX = os.path.join(ROOT, "tests", "fixtures", "faults")


def run(*args, stdin=b""):
    p = subprocess.run([sys.executable, "-m", "emu", *args], cwd=ROOT, input=stdin,
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def test_unaligned_load_is_reported_with_source_line():
    code, out, err = run("load", os.path.join(FIX, "unaligned_sum.elf"))
    assert code == 135
    assert "aligned 33686018" in out and "unaligned 3" not in out
    first = err.splitlines()[0]
    assert "unaligned word load" in first
    assert "unaligned_sum.c:7" in err                 # the faulting line, from DWARF
    assert "<_sum_words+" in err and "<_buffer+0x2>" in err
    assert "ldr r1,[r2],+0x1" in err                  # the instruction, disassembled
    assert "core    0x808" in err


def test_unaligned_report_policy_lists_and_continues():
    code, out, err = run("load", "--unaligned=report", os.path.join(FIX, "unaligned_sum.elf"))
    assert code == 0 and "unaligned 33686018" in out
    assert "2 unaligned access(es)" in err and "x2" in err and "unaligned_sum.c:7" in err


def test_spin_forever_is_reported_as_deadlock():
    code, out, err = run("load", os.path.join(FIX, "spin_forever.elf"))
    assert code == 125
    assert "deadlock" in err and "spin_forever.c:3" in err


def test_max_cycles_stops_the_run():
    code, out, err = run("load", "--max-cycles", "300", os.path.join(FIX, "spin_forever.elf"))
    assert code == 124 and "max-cycles" in err


@pytest.mark.parametrize("content,msg", [
    (b"hello world", "not an ELF file"),
    (b"\x7fELF\x01\x01\x01" + b"\0" * 9 + b"\x02\x00\x03\x00" + b"\0" * 40, "another machine"),
    (b"\x7fELF\x01\x01", "truncated"),
])
def test_bad_files_get_one_line_and_exit_2(tmp_path, content, msg):
    f = tmp_path / "bad.elf"
    f.write_bytes(content)
    code, out, err = run("load", str(f))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and msg in err and "bad.elf" in err


def test_missing_file_and_bad_options():
    code, _, err = run("load", "/nonexistent/x.elf")
    assert code == 2 and "no such file" in err
    code, _, err = run("load", "--chip", "banana", os.path.join(FIX, "spin_forever.elf"))
    assert code == 2 and "ROWSxCOLS" in err
    code, _, err = run("load", "--rows", "9", os.path.join(FIX, "spin_forever.elf"))
    assert code == 2 and "does not fit" in err


def test_help_shows_examples_and_exit_codes():
    code, out, _ = run("load", "--help")
    assert code == 0 and "examples:" in out and "125" in out and "--unaligned" in out
    code, out, _ = run("--help")
    assert code == 0 and "epiphany-emu load" in out and "disasm" in out and "asm" in out
