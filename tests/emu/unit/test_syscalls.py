"""Host services through TRAP (libgloss ABI, both dialects): results in r0, errno in r3;
file access confined to the sandbox."""
import os
import struct

import pytest

from emu.stops import Stop
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
    assert Stop(st) == "trap"
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


@pytest.mark.parametrize("path", ["../outside.txt", "/../outside.txt", "a/../../x", "", "/"])
def test_paths_leaving_the_sandbox_are_refused(hs, path):
    h, _ = hs
    r0, r3, _ = trap(h, 2, cstr(h, path), 0)
    assert (r0, r3) == (-1, EACCES)


def test_an_absolute_path_is_inside_the_sandbox(hs):
    """The sandbox is the program's root: /etc/passwd is DIR/etc/passwd, never the host's."""
    h, box = hs
    r0, r3, _ = trap(h, 2, cstr(h, "/etc/passwd"), 0)
    assert (r0, r3) == (-1, ENOENT)
    (box / "etc").mkdir()
    (box / "etc" / "passwd").write_text("guest")
    fd, err, _ = trap(h, 2, cstr(h, "/etc/passwd"), 0)
    assert fd >= 3 and err == 0
    assert trap(h, 1, fd, BUF, 16)[:2] == (5, 0) and h.mem(BUF, 5) == b"guest"


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


def test_lseek_on_the_console_is_espipe_and_on_no_file_ebadf():
    """stdin/stdout/stderr are pipes to the guest (newlib's isatty-less lseek on them)."""
    h = Harness()
    assert trap(h, 7, 1, 0, 0, r3=6)[:2] == (-1, NEWLIB_ERRNO["ESPIPE"])    # lseek(1, 0, SET)
    assert trap(h, 7, 7, 0, 0, r3=6)[:2] == (-1, EBADF)


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


# ---- every service the C libraries trap for (issue 15 item 3) --------------------------------

ENOSYS, EFBIG, EISDIR, EEXIST = (NEWLIB_ERRNO[n] for n in ("ENOSYS", "EFBIG", "EISDIR",
                                                           "EEXIST"))


def cstr2(h, at, s):
    h.poke(at, s.encode() + b"\0")
    return at


def notices(h):
    return h.chip.io.stderr.getvalue().decode()


def test_link_then_unlink_is_newlibs_rename(hs):
    """newlib's rename() is link(old, new) then unlink(old) (toolchain libc.a __rename_r):
    with SYS_link served the file moves; the source is gone only after the link succeeded."""
    h, box = hs
    (box / "old.txt").write_text("data")
    assert trap(h, 7, cstr2(h, PATH, "old.txt"), cstr2(h, PATH + 64, "new.txt"), 0,
                r3=21)[:2] == (0, 0)                                        # SYS_link
    assert (box / "new.txt").read_text() == "data"
    assert trap(h, 7, cstr2(h, PATH, "old.txt"), 0, 0, r3=7)[:2] == (0, 0)  # SYS_unlink
    assert not (box / "old.txt").exists() and (box / "new.txt").read_text() == "data"


def test_link_onto_an_existing_file_fails_with_eexist(hs):
    h, box = hs
    (box / "a").write_text("a")
    (box / "b").write_text("b")
    assert trap(h, 7, cstr2(h, PATH, "a"), cstr2(h, PATH + 64, "b"), 0, r3=21)[:2] == \
        (-1, EEXIST)
    assert (box / "b").read_text() == "b"


def test_link_out_of_the_sandbox_is_refused(hs):
    h, box = hs
    (box / "a").write_text("a")
    assert trap(h, 7, cstr2(h, PATH, "a"), cstr2(h, PATH + 64, "../a"), 0, r3=21)[:2] == \
        (-1, EACCES)


def test_stat_of_a_sandbox_file(hs):
    h, box = hs
    (box / "s.txt").write_bytes(b"x" * 1234)
    assert trap(h, 7, cstr2(h, PATH, "s.txt"), BUF, 0, r3=15)[:2] == (0, 0)
    st = h.mem(BUF, 88)
    assert struct.unpack_from("<i", st, 16)[0] == 1234
    assert struct.unpack_from("<I", st, 4)[0] & 0o170000 == 0o100000
    assert struct.unpack_from("<q", st, 40)[0] == int(os.stat(box / "s.txt").st_mtime)


def test_fstat_of_the_console_is_a_character_device():
    """newlib 3.3's isatty() is fstat + S_ISCHR: stdout must look like a terminal device."""
    h = Harness()
    assert trap(h, 7, 1, BUF, 0, r3=10)[:2] == (0, 0)
    assert struct.unpack_from("<I", h.mem(BUF, 88), 4)[0] & 0o170000 == 0o020000


def test_lseek_bad_whence_is_einval_and_seek_past_2gb_is_eoverflow(hs):
    h, box = hs
    fd, _, _ = trap(h, 2, cstr(h, "f"), 2 | O_CREAT)
    assert trap(h, 7, fd, 0, 7, r3=6)[:2] == (-1, NEWLIB_ERRNO["EINVAL"])
    assert trap(h, 7, fd, 0x7FFFFFFF, 0, r3=6)[:2] == (0x7FFFFFFF, 0)
    assert trap(h, 7, fd, 1, 1, r3=6)[:2] == (-1, NEWLIB_ERRNO["EOVERFLOW"])


def test_fifo_in_the_sandbox_is_refused_without_blocking(hs):
    """Opening a FIFO for reading would wait for a writer forever: only regular files."""
    h, box = hs
    os.mkfifo(box / "pipe")
    (box / "dir").mkdir()
    assert trap(h, 2, cstr(h, "pipe"), 0)[:2] == (-1, EACCES)
    assert trap(h, 2, cstr(h, "pipe"), 1)[:2] == (-1, NEWLIB_ERRNO["ENXIO"])   # no reader
    assert trap(h, 2, cstr(h, "dir"), 0)[:2] == (-1, EISDIR)
    assert "only regular files" in notices(h)


def test_file_size_cap(hs):
    h, box = hs
    h.chip.io.max_file_size = 10
    fd, _, _ = trap(h, 2, cstr(h, "big"), 1 | O_CREAT)
    h.poke(BUF, b"0123456789abcdef")
    assert trap(h, 0, fd, BUF, 6)[:2] == (6, 0)
    assert trap(h, 0, fd, BUF, 6)[:2] == (4, 0)            # up to the cap, like RLIMIT_FSIZE
    assert trap(h, 0, fd, BUF, 6)[:2] == (-1, EFBIG)
    assert (box / "big").read_bytes() == b"0123450123"
    assert notices(h).count("--max-file-size") == 1


def test_open_without_sandbox_says_once_how_to_allow_it():
    h = Harness()
    for _ in range(3):
        assert trap(h, 2, cstr(h, "data.txt"), 0)[:2] == (-1, EACCES)
    assert notices(h).count("--sandbox DIR") == 1 and "data.txt" in notices(h)


def test_unknown_traps_and_subcodes_are_reported_once():
    h = Harness()
    for _ in range(3):
        assert trap(h, 9)[:2] == (-1, 0)                     # esim-corner-cases 10a
        assert trap(h, 7, 0, 0, 0, r3=77)[:2] == (-1, ENOSYS)
    text = notices(h)
    assert text.count("TRAP 9") == 1 and text.count("subcode 77") == 1


def test_getpid_trap_is_enosys_as_in_the_gnu_simulator():
    """errata: TRAP 7 SYS_getpid returns -1 with errno ENOSYS (88), as the GNU simulator does
    (esim-corner-cases 10a); libgloss's own getpid() returns 1 without trapping."""
    h = Harness()
    assert trap(h, 7, 0, 0, 0, r3=8)[:2] == (-1, ENOSYS)


def test_program_arguments_through_sys_argc_argnlen_argn():
    h = Harness()
    h.chip.io.argv = ["prog.elf", "first", "second arg"]
    assert trap(h, 7, 0, 0, 0, r3=22)[:2] == (3, 0)                        # SYS_argc
    assert trap(h, 7, 2, 0, 0, r3=23)[:2] == (10, 0)                       # SYS_argnlen
    assert trap(h, 7, 1, BUF, 0, r3=24)[:2] == (BUF, 0)                    # SYS_argn
    assert h.mem(BUF, 6) == b"first\0"
    assert trap(h, 7, 3, BUF, 0, r3=24)[:2] == (-1, NEWLIB_ERRNO["EINVAL"])


def test_time_writes_the_abis_time_t():
    from emu.libc_abi import ABIS
    h = Harness()
    h.poke(BUF, b"\xee" * 8)
    h.chip.syscalls.abi = ABIS["esdk-2016"]
    assert trap(h, 7, BUF, 0, 0, r3=18)[:2] == (0, 0)
    assert h.mem(BUF, 8) == b"\0\0\0\0\xee\xee\xee\xee"     # a 4-byte time_t, nothing more


def test_huge_lengths_are_efault_without_allocating():
    h = Harness()
    for n in (0x7FFFFFFF, 0xFFFFFFFF):
        assert trap(h, 0, 1, BUF, n)[:2] == (-1, NEWLIB_ERRNO["EFAULT"])
        assert trap(h, 1, 0, BUF, n)[:2] == (-1, NEWLIB_ERRNO["EFAULT"])
