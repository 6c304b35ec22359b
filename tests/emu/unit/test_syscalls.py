"""Host services through TRAP (libgloss ABI, both dialects): results in r0, errno in r3;
file access confined to the sandbox."""
import os
import struct

import pytest

from emu.syscalls import NEWLIB_ERRNO, O_CREAT, O_TRUNC
from tests.emu.conftest import Harness

PATH = 0x3000
BUF = 0x3400
EACCES, ENOENT, EBADF = NEWLIB_ERRNO["EACCES"], NEWLIB_ERRNO["ENOENT"], NEWLIB_ERRNO["EBADF"]


def trap(h, n, *args, r3=None):
    h.asm(("trap16", dict(imm=n)), at=0x100)
    h.start()
    for k, v in enumerate(args):
        h.set(f"r{k}", v & 0xFFFFFFFF)
    if r3 is not None:
        h.set("r3", r3)
    st, _ = h.e.run(100)
    assert st != 0
    info = h.e.stop_info(0)
    assert info["trap"] == n
    status = h.chip.syscalls.service(0, n)
    r0 = h.get("r0")
    return (r0 - (1 << 32) if r0 >> 31 else r0), h.get("r3"), status


def cstr(h, s):
    h.poke(PATH, s.encode() + b"\0")
    return PATH


@pytest.fixture
def hs(tmp_path):
    h = Harness()
    h.chip.io.sandbox = str(tmp_path)
    return h, tmp_path


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "a/../../x", ""])
def test_paths_leaving_the_sandbox_are_refused(hs, path):
    h, _ = hs
    r0, r3, _ = trap(h, 2, cstr(h, path), 0)
    assert (r0, r3) == (-1, EACCES)


def test_symlink_out_of_the_sandbox_is_refused(hs, tmp_path_factory):
    h, box = hs
    outside = tmp_path_factory.mktemp("outside") / "secret"
    outside.write_text("secret")
    os.symlink(outside, box / "link")
    r0, r3, _ = trap(h, 2, cstr(h, "link"), 0)
    assert (r0, r3) == (-1, EACCES)


def test_no_sandbox_means_no_files():
    h = Harness()
    r0, r3, _ = trap(h, 2, cstr(h, "x.txt"), 0)
    assert (r0, r3) == (-1, EACCES)


def test_open_write_seek_read_fstat_close_in_the_sandbox(hs):
    h, box = hs
    fd, err, _ = trap(h, 2, cstr(h, "f.txt"), 2 | O_CREAT | O_TRUNC)      # O_RDWR
    assert fd >= 3 and err == 0
    h.poke(BUF, b"hello file")
    assert trap(h, 0, fd, BUF, 10)[:2] == (10, 0)
    assert (box / "f.txt").read_bytes() == b"hello file"
    assert trap(h, 7, fd, 6, 0, r3=6)[:2] == (6, 0)                       # lseek(fd, 6, SET)
    assert trap(h, 1, fd, BUF + 100, 16)[:2] == (4, 0)
    assert h.mem(BUF + 100, 4) == b"file"
    assert trap(h, 7, fd, BUF + 200, 0, r3=10)[:2] == (0, 0)              # fstat
    st = h.mem(BUF + 200, 88)
    assert struct.unpack_from("<i", st, 16)[0] == 10                       # st_size @16
    assert struct.unpack_from("<I", st, 4)[0] & 0o170000 == 0o100000       # S_IFREG
    assert trap(h, 6, fd)[:2] == (0, 0)
    assert trap(h, 6, fd)[:2] == (-1, EBADF)


def test_missing_file_sets_enoent(hs):
    h, _ = hs
    assert trap(h, 2, cstr(h, "nope.txt"), 0)[:2] == (-1, ENOENT)


def test_esdk_dialect_write_through_trap7(hs):
    h, _ = hs
    h.poke(BUF, b"esdk\n")
    r0, r3, _ = trap(h, 7, 1, BUF, 5, r3=5)                                # SYS_write
    assert (r0, r3) == (5, 0) and h.out.getvalue() == b"esdk\n"


def test_exit_status_and_unknown_trap():
    h = Harness()
    assert trap(h, 3, 42)[2] == 42
    r0, r3, status = trap(h, 9)
    assert (r0, r3, status) == (-1, 0, None)       # esim-corner-cases 10a


def test_gettimeofday_is_deterministic_emulated_time():
    h = Harness()
    r0, r3, _ = trap(h, 7, BUF, 0, 0, r3=19)
    sec, usec = struct.unpack_from("<qi", h.mem(BUF, 12))
    assert (r0, r3) == (0, 0) and sec == 0 and 0 <= usec < 1000000


@pytest.mark.parametrize("clock_hz", [600_000_000, 1_000_000])
def test_gettimeofday_counts_at_the_models_clock(clock_hz):
    """The guest's clock is the core's cycle count at the timing model's clock (documented
    default 600 MHz; a 1 MHz chip's second is 10**6 cycles), not a fixed 600 MHz."""
    from dataclasses import replace
    from emu.timing import DEFAULT
    h = Harness(timing=replace(DEFAULT, clock_hz=clock_hz))
    r0, _, _ = trap(h, 7, BUF, 0, r3=19)              # TRAP 7 subcode 19: gettimeofday
    assert r0 == 0
    cycles = h.chip.counters(0)["cycles"]
    sec, usec = struct.unpack("<qi", h.mem(BUF, 12))
    assert sec == cycles // clock_hz
    assert usec == (cycles % clock_hz) * 1_000_000 // clock_hz
