"""``epiphany-emu disasm`` -x (-a -f -p -h -r -t), -h, -t and -S must print what
``epiphany-elf-objdump`` prints.

Goldens (tools/build_disasm_fixtures.sh, run in tests/fixtures/disasm): FILE.x.dis is
``objdump -x FILE`` for every fixture, printf_loops-O2.elf.S.dis ``objdump -S``.  The
``toolchain`` test compares live, with more options and more programs, when the toolchain is
on PATH."""
import os
import shutil
import subprocess

import pytest

from emu.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "tests", "fixtures", "disasm")
FIXTURES = sorted(f for f in os.listdir(FIX) if f.endswith((".elf", ".o")))


def ours(capfdbinary, monkeypatch, *args, cwd=FIX):
    monkeypatch.chdir(cwd)
    code = main(["disasm", *args])
    out, err = capfdbinary.readouterr()
    assert code == 0, err
    return out.decode("latin-1")


def golden(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read().decode("latin-1")


@pytest.mark.parametrize("name", FIXTURES)
def test_all_headers(capfdbinary, monkeypatch, name):
    assert ours(capfdbinary, monkeypatch, "-x", name) == golden(name + ".x.dis")


@pytest.mark.parametrize("name", ["printf_loops-O2.elf", "asm_obj.o", "float_ll-O2-stripped.elf"])
def test_section_headers_and_symbols_alone(capfdbinary, monkeypatch, name):
    """-h and -t print the same blocks as in -x, after the file line and an empty line."""
    x = golden(name + ".x.dis")
    head = f"\n{name}:     file format elf32-epiphany\n\n"
    sections = x[x.index("Sections:\n"):x.index("SYMBOL TABLE:\n")]
    symtab = x[x.index("SYMBOL TABLE:\n"):]
    if "RELOCATION RECORDS" in symtab:
        symtab = symtab[:symtab.index("RELOCATION RECORDS")]
    assert ours(capfdbinary, monkeypatch, "-h", name) == head + sections
    assert ours(capfdbinary, monkeypatch, "-t", name) == head + symtab
    assert ours(capfdbinary, monkeypatch, "-h", "-t", name) == head + sections + symtab


def test_source_interleaved(capfdbinary, monkeypatch):
    assert ours(capfdbinary, monkeypatch, "-S", "printf_loops-O2.elf") == \
        golden("printf_loops-O2.elf.S.dis")


def test_source_without_the_source_file_is_the_plain_listing(capfdbinary, monkeypatch):
    """objdump prints no source line when it cannot open the file the line table names."""
    path = os.path.join(FIX, "printf_loops-O2.elf")
    got = ours(capfdbinary, monkeypatch, "-S", path, cwd="/")
    plain = ours(capfdbinary, monkeypatch, path, cwd="/")
    assert got == plain


def test_relocations_inside_a_listing_are_refused_in_one_line(capfdbinary, monkeypatch):
    monkeypatch.chdir(FIX)
    assert main(["disasm", "-d", "-r", "asm_obj.o"]) == 2
    _, err = capfdbinary.readouterr()
    assert b"-r with -d" in err and len(err.strip().splitlines()) == 1


@pytest.mark.toolchain
def test_live_against_objdump(capfdbinary, monkeypatch):
    exe = shutil.which("epiphany-elf-objdump")
    if exe is None:
        pytest.skip("epiphany-elf-objdump not on PATH")
    others = [os.path.join(ROOT, "examples", "hello.elf")]
    for d in ("multicore", "esdk", "faults", "timing"):
        dd = os.path.join(ROOT, "tests", "fixtures", d)
        others += sorted(os.path.join(dd, f) for f in os.listdir(dd) if f.endswith(".elf"))
    cases = [(FIX, f) for f in FIXTURES] + [(ROOT, os.path.relpath(p, ROOT)) for p in others]
    for cwd, f in cases:
        for opts in (["-x"], ["-h"], ["-t"], ["-f"], ["-p"], ["-h", "-t"], ["-S"],
                     ["-d", "-t"]):
            want = subprocess.run([exe, *opts, f], cwd=cwd, capture_output=True).stdout
            assert ours(capfdbinary, monkeypatch, *opts, f, cwd=cwd) == \
                want.decode("latin-1"), (opts, f)
