"""Issue 14 item 1: programs built against the ESDK's older newlib get their own struct stat and
struct timeval layouts; the C library ABI is read from the ELF (--libc-abi overrides it).

The programs are tests/fixtures/esdk/*.elf (tests/fixtures/esdk/build.sh): files.c built with an
ESDK-style crt0 and C library of our own (64-byte struct stat with a 32-bit time_t, or 88
bytes with ESDK 2019.1's 64-bit time_t) and with the toolchain's newlib 3.3.  Each fills every
structure on top of 0xEE bytes and reports whether the 32 bytes behind it stayed untouched;
the expected values come from the file the test creates (its size and times) and newlib's
headers (ENOENT = 2, S_IFCHR/S_IFREG), the layouts from the compiler (static assertions in
esdk_libc.h and the program's own sizeof)."""
import os
import shutil
import subprocess
import sys

import pytest

from emu.libc_abi import ABIS, detect
from loader.elf import read_elf

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "esdk")
ENV = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
CONTENT = b"hello esdk\n"
ATIME, MTIME = 1400000000, 1500000000

#: fixture -> (the ABI auto-detection must pick, the program's sizeof(struct stat))
PROGRAMS = {
    "esdk2016_files": ("esdk-2016", 64),
    "esdk2016_bare": ("esdk-2016", 64),
    "esdk2019_files": ("esdk-2019", 88),
    "newlib_files": ("newlib-3.3", 88),
}


def expected(sizeof, args=()):
    lines = [f"argc {len(args) + 1 if args else 0}"] + [f"arg {a}" for a in args] + [
        f"sizeof_stat {sizeof}",
        "fstat_stdout 0", "stdout_is_chr 1", "after_fstat_stdout 1",
        "open_ok 1", "fstat 0", f"size {len(CONTENT)}", "is_reg 1", f"mtime {MTIME}",
        f"atime {ATIME}", "blksize 4096", "spares 0", "after_fstat 1",
        f"read {len(CONTENT)}", "data " + CONTENT.decode().rstrip("\n"), "close 0",
        "stat 0", f"stat_size {len(CONTENT)}", "after_stat 1",
        "stat_missing_failed 1", "stat_missing_errno 2",
        "gettimeofday 0", "tv_usec_ok 1", "after_timeval 1",
        "link 0", "unlink 0", "moved_open_ok 1"]
    return "\n".join(lines) + "\n"


def run(tmp_path, name, *opts, args=()):
    box = tmp_path / "box"
    box.mkdir()
    (box / "in.txt").write_bytes(CONTENT)
    os.utime(box / "in.txt", (ATIME, MTIME))
    cmd = [sys.executable, "-m", "emu", "load", "--cores", "1", "--sandbox", str(box), *opts,
           os.path.join(FIX, f"{name}.elf")]
    if args:
        cmd += ["--", *args]
    p = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_abi_is_detected_from_the_elf(name):
    abi, why = detect(read_elf(os.path.join(FIX, f"{name}.elf")))
    assert abi.name == PROGRAMS[name][0], why


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_structure_is_written_in_the_programs_layout(tmp_path, name):
    code, out, err = run(tmp_path, name)
    assert code == 0, err
    assert out == expected(PROGRAMS[name][1])


def test_the_wrong_layout_writes_past_the_esdk_struct(tmp_path):
    """What issue 14 saw: newlib 3.3's 88-byte struct stat written into the ESDK's 64-byte
    one overwrites the 24 bytes behind it (here a guard; on the stack, a return address)."""
    code, out, _ = run(tmp_path, "esdk2016_files", "--libc-abi", "newlib-3.3")
    assert "after_fstat 0" in out and "after_timeval 0" in out


def test_override_matches_the_detected_layout(tmp_path):
    code, out, _ = run(tmp_path, "esdk2019_files", "--libc-abi", "esdk-2019")
    assert code == 0 and out == expected(88)


def test_esdk_crt0_gets_argv_on_its_stack(tmp_path):
    """LOADER_ARGV_IN_SP, laid out as the ESDK's simulator does: main(argc, argv) with
    argv[0] the program's path."""
    code, out, err = run(tmp_path, "esdk2016_files", args=("first", "two words"))
    assert code == 0, err
    assert out == expected(64, ("first", "two words"))


def test_esdk_crt0_argv_on_every_core_of_a_workgroup(tmp_path):
    path = os.path.join(FIX, "esdk2016_files.elf")
    p = subprocess.run([sys.executable, "-m", "emu", "load", "--cores", "4", path, "--", "x"],
                       cwd=ROOT, env=ENV, capture_output=True, timeout=120)
    out = p.stdout.decode()
    for cid in ("0x808", "0x809", "0x848", "0x849"):
        assert f"[{cid}] argc 2" in out and f"[{cid}] arg x" in out


def test_libc_abi_help_names_every_abi():
    p = subprocess.run([sys.executable, "-m", "emu", "load", "--help"], cwd=ROOT, env=ENV,
                       capture_output=True, timeout=60)
    text = " ".join(p.stdout.decode().split())
    for name in ABIS:
        assert name in text


@pytest.mark.toolchain
def test_fixtures_rebuild_byte_for_byte():
    if not shutil.which("epiphany-elf-gcc"):
        pytest.skip("epiphany-elf toolchain not on PATH")
    p = subprocess.run(["bash", os.path.join(FIX, "build.sh"), "--check"], capture_output=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr.decode()


def test_arguments_too_large_for_the_stack_are_one_line():
    path = os.path.join(FIX, "esdk2016_files.elf")
    p = subprocess.run([sys.executable, "-m", "emu", "load", "--cores", "1", path, "--",
                        "x" * 40000], cwd=ROOT, env=ENV, capture_output=True, timeout=120)
    err = p.stderr.decode()
    assert p.returncode == 2 and "no room for the program's arguments" in err
    assert len(err.strip().splitlines()) == 1
