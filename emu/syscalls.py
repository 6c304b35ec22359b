"""Host services behind TRAP: the libgloss Epiphany trap ABI, both dialects.

Upstream newlib (our toolchain): TRAP 0 write, 1 read, 2 open, 3 exit, 4 pass, 5 fail, 6 close,
7 "other" with the SYS_ number in r3.  The ESDK newlib sends write/read/open through TRAP 7.
Arguments in r0..r2, result in r0, errno in r3 (0 = success).  Fact sheet §6.6; newlib
``libgloss/syscall.h`` numbering; newlib 3.3 ``struct stat``/``timeval`` layouts (64-bit
``time_t``), checked against the toolchain's headers (docs/newlib-abi.md).

Guest file access is confined to a sandbox directory (``--sandbox DIR``; default: none, only
stdin/stdout/stderr).  Absolute paths, ``..`` and symlinks leading out are refused with EACCES.
"""
from __future__ import annotations

import errno as _errno
import os
import stat as _stat
import struct
import sys
import time
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Dict, Optional

# newlib errno values (sys/errno.h of the toolchain's newlib)
NEWLIB_ERRNO = {
    "EPERM": 1, "ENOENT": 2, "ESRCH": 3, "EINTR": 4, "EIO": 5, "ENXIO": 6, "E2BIG": 7,
    "ENOEXEC": 8, "EBADF": 9, "ECHILD": 10, "EAGAIN": 11, "ENOMEM": 12, "EACCES": 13,
    "EFAULT": 14, "EBUSY": 16, "EEXIST": 17, "EXDEV": 18, "ENODEV": 19, "ENOTDIR": 20,
    "EISDIR": 21, "EINVAL": 22, "ENFILE": 23, "EMFILE": 24, "ENOTTY": 25, "EFBIG": 27,
    "ENOSPC": 28, "ESPIPE": 29, "EROFS": 30, "EMLINK": 31, "EPIPE": 32, "EDOM": 33,
    "ERANGE": 34, "ENOSYS": 88, "ENOTEMPTY": 90, "ENAMETOOLONG": 91, "ELOOP": 92,
}
EBADF, EACCES, EINVAL, ENOSYS, EFAULT, EMFILE, ENOENT = 9, 13, 22, 88, 14, 24, 2

# newlib open flags (sys/_default_fcntl.h)
O_ACCMODE, O_APPEND, O_CREAT, O_TRUNC, O_EXCL, O_NONBLOCK = 3, 0x0008, 0x0200, 0x0400, 0x0800, 0x4000

# libgloss/syscall.h
SYS = {1: "exit", 2: "open", 3: "close", 4: "read", 5: "write", 6: "lseek", 7: "unlink",
       8: "getpid", 9: "kill", 10: "fstat", 12: "argvlen", 13: "argv", 14: "chdir",
       15: "stat", 16: "chmod", 17: "utime", 18: "time", 19: "gettimeofday", 20: "times",
       21: "link", 22: "argc", 23: "argnlen", 24: "argn", 25: "reconfig"}

# newlib 3.3 struct stat for Epiphany (88 bytes): dev@0 h, ino@2 h, mode@4 I, nlink@8 h,
# uid@10 h, gid@12 h, rdev@14 h, size@16 i, atim@24, mtim@40, ctim@56 (timespec: q sec + i nsec,
# 16 bytes each), blksize@72 i, blocks@76 i, spare@80 2i
STAT_SIZE = 88
TIMEVAL_SIZE = 16     # q tv_sec + i tv_usec (+4 padding)

MAX_GUEST_FDS = 64


def host_errno_to_newlib(e: int) -> int:
    name = _errno.errorcode.get(e)
    return NEWLIB_ERRNO.get(name, 5)  # EIO for anything newlib lacks


@dataclass
class HostIO:
    """What a running program can reach: its standard streams and an optional sandbox."""
    stdin: Optional[BinaryIO] = None
    stdout: Optional[BinaryIO] = None
    stderr: Optional[BinaryIO] = None
    sandbox: Optional[str] = None
    #: seconds since the epoch for a given emulated time in seconds (the core's cycles at the
    #: timing model's clock): the emulated time itself by default (deterministic)
    clock: Callable[[float], float] = field(default=lambda seconds: seconds)
    #: called with (core_index, fd, bytes) for guest output; default writes to stdout/stderr
    write_hook: Optional[Callable[[int, int, bytes], None]] = None
    #: prefix output lines with the core id: "auto" (when the program runs on more than one
    #: core), "always" or "never"
    prefix: str = "auto"
    #: names cores in prefixes (core index -> text); set by the chip
    core_label: Callable[[int], str] = field(default=lambda k: str(k))

    def __post_init__(self):
        if self.stdin is None:
            self.stdin = sys.stdin.buffer
        if self.stdout is None:
            self.stdout = sys.stdout.buffer
        if self.stderr is None:
            self.stderr = sys.stderr.buffer


class SyscallError(Exception):
    pass


class Syscalls:
    """Services TRAPs for all cores of a chip.  One guest fd table per core group (the chip):
    fds 0/1/2 are the host's streams, others map to host fds opened inside the sandbox."""

    def __init__(self, chip, io: HostIO):
        self.chip = chip
        self.io = io
        self.fds: Dict[int, int] = {}
        self.outcome: Dict[int, str] = {}    # core -> "pass"/"fail" from TRAP 4/5
        self._partial: Dict[tuple, bytes] = {}   # (core, fd) -> unterminated line

    # -- register/memory helpers ---------------------------------------------------------------
    def _r(self, k, n):
        return self.chip.engine.reg_read(k, n)

    def _ret(self, k, value, err=0):
        self.chip.engine.reg_write(k, 0, value & 0xFFFFFFFF)
        self.chip.engine.reg_write(k, 3, err & 0xFFFFFFFF)

    def _read(self, k, addr, n) -> bytes:
        return self.chip.engine.mem_read(addr, n, k)

    def _write(self, k, addr, data: bytes):
        self.chip.engine.mem_write(addr, data, k)

    def _cstr(self, k, addr, limit=4096) -> bytes:
        out = bytearray()
        while len(out) < limit:
            chunk = self._read(k, addr + len(out), 1)
            if chunk == b"\0":
                return bytes(out)
            out += chunk
        raise SyscallError("path too long")

    # -- entry point --------------------------------------------------------------------------
    def service(self, k: int, trap: int) -> Optional[int]:
        """Handle TRAP `trap` of core k.  Returns an exit status if the core exits."""
        r0, r1, r2, r3 = (self._r(k, n) for n in range(4))
        try:
            if trap == 0:
                return self._sys_write(k, r0, r1, r2)
            if trap == 1:
                return self._sys_read(k, r0, r1, r2)
            if trap == 2:
                return self._sys_open(k, r0, r1, 0o644)
            if trap == 3:
                return _signed(r0)
            if trap == 4:
                self.outcome[k] = "pass"
                self._console(k, 1, b"pass\n")
                return 0
            if trap == 5:
                self.outcome[k] = "fail"
                self._console(k, 1, b"fail\n")
                return 1
            if trap == 6:
                return self._sys_close(k, r0)
            if trap == 7:
                return self._sys_other(k, r3, r0, r1, r2)
        except (ValueError, SyscallError):
            # a guest pointer to unmapped memory
            self._ret(k, -1, EFAULT)
            return None
        # unknown trap: the GNU simulator returns -1 with errno 0 (esim-corner-cases 10a)
        self._ret(k, -1, 0)
        return None

    def _sys_other(self, k, num, a, b, c):
        name = SYS.get(num)
        if name == "exit":
            return _signed(a)
        if name == "write":
            return self._sys_write(k, a, b, c)
        if name == "read":
            return self._sys_read(k, a, b, c)
        if name == "open":
            return self._sys_open(k, a, b, c)
        if name == "close":
            return self._sys_close(k, a)
        if name == "lseek":
            return self._sys_lseek(k, a, _signed(b), c)
        if name == "unlink":
            return self._sys_unlink(k, a)
        if name == "fstat":
            return self._sys_fstat(k, a, b)
        if name == "stat":
            return self._sys_stat(k, a, b)
        if name == "gettimeofday":
            return self._sys_gettimeofday(k, a, b)
        if name == "time":
            t = int(self._now(k))
            if a:
                self._write(k, a, struct.pack("<q", t))
            self._ret(k, t)
            return None
        if name == "getpid":
            self._ret(k, 1)
            return None
        if name == "argc":
            self._ret(k, 0)
            return None
        self._ret(k, -1, ENOSYS)
        return None

    # -- files --------------------------------------------------------------------------------
    def _host_fd(self, fd):
        if fd in (0, 1, 2):
            return fd
        return self.fds.get(fd)

    def _sys_write(self, k, fd, buf, n):
        data = self._read(k, buf, n) if n else b""
        if fd in (1, 2) and fd not in self.fds:
            self._console(k, fd, data)
            self._ret(k, n)
            return None
        h = self.fds.get(fd)
        if h is None:
            self._ret(k, -1, EBADF)
            return None
        try:
            self._ret(k, os.write(h, data))
        except OSError as e:
            self._ret(k, -1, host_errno_to_newlib(e.errno))
        return None

    # -- console output (stdout/stderr of every core) -----------------------------------------
    def _console(self, k, fd, data):
        if self.io.write_hook is not None:
            self.io.write_hook(k, fd, data)
            return
        if self.io.prefix == "never":
            self._emit(fd, data)
            return
        buf = self._partial.get((k, fd), b"") + data
        lines = buf.split(b"\n")
        self._partial[(k, fd)] = lines.pop()
        for line in lines:
            self._emit(fd, self._prefix(k) + line + b"\n")

    def _prefix(self, k) -> bytes:
        if self.io.prefix == "always" or (self.io.prefix == "auto"
                                          and len(self.chip.loaded_cores) > 1):
            return f"[{self.io.core_label(k)}] ".encode()
        return b""

    def _emit(self, fd, data):
        stream = self.io.stdout if fd == 1 else self.io.stderr
        stream.write(data)
        stream.flush()

    def flush(self):
        """Write out unterminated lines (at the end of a run)."""
        for (k, fd), rest in sorted(self._partial.items()):
            if rest:
                self._emit(fd, self._prefix(k) + rest)
        self._partial.clear()

    def _sys_read(self, k, fd, buf, n):
        if fd == 0 and 0 not in self.fds:
            data = self._stdin_read(n)
        else:
            h = self.fds.get(fd)
            if h is None:
                self._ret(k, -1, EBADF)
                return None
            try:
                data = os.read(h, n)
            except OSError as e:
                self._ret(k, -1, host_errno_to_newlib(e.errno))
                return None
        if data:
            self._write(k, buf, data)
        self._ret(k, len(data))
        return None

    def _stdin_read(self, n):
        s = self.io.stdin
        if hasattr(s, "read1"):
            try:
                return s.read1(n)
            except (ValueError, OSError):
                return b""
        return s.read(n)

    def _resolve(self, k, path_addr):
        """Host path of a guest path inside the sandbox, or raises PermissionError."""
        raw = self._cstr(k, path_addr)
        if self.io.sandbox is None:
            raise PermissionError("no sandbox")
        path = raw.decode("utf-8", "surrogateescape")
        if not path or path.startswith("/") or "\0" in path:
            raise PermissionError(path)
        parts = path.split("/")
        if ".." in parts:
            raise PermissionError(path)
        root = os.path.realpath(self.io.sandbox)
        full = os.path.join(root, path)
        real = os.path.realpath(full)
        if real != root and not real.startswith(root + os.sep):
            raise PermissionError(path)
        return real

    def _sys_open(self, k, path_addr, flags, mode):
        try:
            host = self._resolve(k, path_addr)
        except PermissionError:
            self._ret(k, -1, EACCES)
            return None
        acc = flags & O_ACCMODE
        hf = {0: os.O_RDONLY, 1: os.O_WRONLY, 2: os.O_RDWR}.get(acc, os.O_RDONLY)
        if flags & O_APPEND:
            hf |= os.O_APPEND
        if flags & O_CREAT:
            hf |= os.O_CREAT
        if flags & O_TRUNC:
            hf |= os.O_TRUNC
        if flags & O_EXCL:
            hf |= os.O_EXCL
        hf |= getattr(os, "O_NOFOLLOW", 0)
        if len(self.fds) >= MAX_GUEST_FDS:
            self._ret(k, -1, EMFILE)
            return None
        try:
            h = os.open(host, hf, mode & 0o777 or 0o644)
        except OSError as e:
            self._ret(k, -1, host_errno_to_newlib(e.errno))
            return None
        fd = 3
        while fd in self.fds:
            fd += 1
        self.fds[fd] = h
        self._ret(k, fd)
        return None

    def _sys_close(self, k, fd):
        h = self.fds.pop(fd, None)
        if h is None:
            self._ret(k, 0 if fd in (0, 1, 2) else -1, 0 if fd in (0, 1, 2) else EBADF)
            return None
        os.close(h)
        self._ret(k, 0)
        return None

    def _sys_lseek(self, k, fd, off, whence):
        h = self.fds.get(fd)
        if h is None:
            self._ret(k, -1, ESPIPE if fd in (0, 1, 2) else EBADF)
            return None
        try:
            self._ret(k, os.lseek(h, off, whence))
        except OSError as e:
            self._ret(k, -1, host_errno_to_newlib(e.errno))
        return None

    def _sys_unlink(self, k, path_addr):
        try:
            host = self._resolve(k, path_addr)
        except PermissionError:
            self._ret(k, -1, EACCES)
            return None
        try:
            os.unlink(host)
            self._ret(k, 0)
        except OSError as e:
            self._ret(k, -1, host_errno_to_newlib(e.errno))
        return None

    def _pack_stat(self, st) -> bytes:
        def ts(t):
            return struct.pack("<qi4x", int(t), int((t % 1) * 1e9))
        mode = st.st_mode
        return (struct.pack("<HHIHHHHi4x", st.st_dev & 0xFFFF, st.st_ino & 0xFFFF, mode & 0xFFFFFFFF,
                            st.st_nlink & 0xFFFF, 0, 0, 0, min(st.st_size, 0x7FFFFFFF))
                + ts(st.st_atime) + ts(st.st_mtime) + ts(st.st_ctime)
                + struct.pack("<ii8x", 4096, (st.st_size + 511) // 512))

    def _sys_fstat(self, k, fd, buf):
        if fd in (0, 1, 2) and fd not in self.fds:
            # the standard streams are character devices (newlib's isatty relies on it)
            data = bytearray(STAT_SIZE)
            struct.pack_into("<I", data, 4, _stat.S_IFCHR | 0o620)
            struct.pack_into("<i", data, 72, 1024)
            self._write(k, buf, bytes(data))
            self._ret(k, 0)
            return None
        h = self.fds.get(fd)
        if h is None:
            self._ret(k, -1, EBADF)
            return None
        self._write(k, buf, self._pack_stat(os.fstat(h)))
        self._ret(k, 0)
        return None

    def _sys_stat(self, k, path_addr, buf):
        try:
            host = self._resolve(k, path_addr)
        except PermissionError:
            self._ret(k, -1, EACCES)
            return None
        try:
            st = os.stat(host)
        except OSError as e:
            self._ret(k, -1, host_errno_to_newlib(e.errno))
            return None
        self._write(k, buf, self._pack_stat(st))
        self._ret(k, 0)
        return None

    def _now(self, k) -> float:
        """Seconds since the epoch as core k sees it (its cycles at the model's clock)."""
        return self.io.clock(self.chip.config.timing.seconds(self.chip.engine.counters(k)["cycles"]))

    def _sys_gettimeofday(self, k, tv, tz):
        t = self._now(k)
        if tv:
            self._write(k, tv, struct.pack("<qi4x", int(t), int((t % 1) * 1e6)))
        if tz:
            self._write(k, tz, b"\0" * 8)
        self._ret(k, 0)
        return None

    def close_all(self):
        for h in self.fds.values():
            try:
                os.close(h)
            except OSError:
                pass
        self.fds.clear()


def _signed(v: int) -> int:
    return v - (1 << 32) if v & 0x80000000 else v


def wall_clock(offset=0.0):
    """A clock that follows the host's real time (``--wallclock``)."""
    t0 = time.time() + offset
    return lambda seconds: t0 + seconds
