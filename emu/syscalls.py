"""Host services behind TRAP: the libgloss Epiphany trap ABI, both dialects.

Upstream newlib (our toolchain): TRAP 0 write, 1 read, 2 open, 3 exit, 4 pass, 5 fail, 6 close,
7 "other" with the SYS_ number in r3.  The ESDK newlib sends write/read/open through TRAP 7.
Arguments in r0..r2, result in r0, errno in r3 (0 = success).  Fact sheet §6.6; newlib
``libgloss/syscall.h`` numbering.  The structures written (``struct stat``, ``struct
timeval``, ``time_t``) follow the C library the program was built with (``emu.libc_abi``:
newlib 3.3 or the ESDK's older newlib); docs/newlib-abi.md lists every service and what the
C library's stubs make of its result.

Guest file access is confined to a sandbox directory (``--sandbox DIR``; default: none, only
stdin/stdout/stderr).  Absolute paths, ``..`` and symlinks leading out are refused with EACCES;
only regular files are opened (a FIFO or a device would block the emulator); files the
program writes may be capped in size (``HostIO.max_file_size``: EFBIG beyond it).  A service
the emulator does not provide, and an unknown TRAP number, are reported once on stderr.
"""
from __future__ import annotations

import errno as _errno
import os
import select
import stat as _stat
import sys
import time
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Dict, Optional, Sequence

from .libc_abi import DEFAULT as DEFAULT_ABI
from .libc_abi import NEWLIB_ERRNO, OPEN_FLAGS, LibcAbi

EBADF, EACCES, ENOSYS, EFAULT, EMFILE, ESPIPE, EFBIG, EINVAL, EINTR = (
    NEWLIB_ERRNO[n] for n in ("EBADF", "EACCES", "ENOSYS", "EFAULT", "EMFILE", "ESPIPE",
                              "EFBIG", "EINVAL", "EINTR"))
O_ACCMODE, O_APPEND, O_CREAT, O_TRUNC, O_EXCL, O_NONBLOCK = (
    OPEN_FLAGS[n] for n in ("O_ACCMODE", "O_APPEND", "O_CREAT", "O_TRUNC", "O_EXCL",
                            "O_NONBLOCK"))

#: TRAP numbers (libgloss epiphany-syscalls.c)
TRAPS = {0: "write", 1: "read", 2: "open", 3: "exit", 4: "pass", 5: "fail", 6: "close",
         7: "syscall"}
#: TRAP 7 subcodes in r3 (libgloss/syscall.h)
SYS = {1: "exit", 2: "open", 3: "close", 4: "read", 5: "write", 6: "lseek", 7: "unlink",
       8: "getpid", 9: "kill", 10: "fstat", 12: "argvlen", 13: "argv", 14: "chdir",
       15: "stat", 16: "chmod", 17: "utime", 18: "time", 19: "gettimeofday", 20: "times",
       21: "link", 22: "argc", 23: "argnlen", 24: "argn", 25: "reconfig"}

MAX_GUEST_FDS = 64
#: how often a blocked console read looks for a stop request (seconds)
STDIN_POLL = 0.05


def host_errno_to_newlib(e: Optional[int], table: Dict[str, int] = NEWLIB_ERRNO) -> int:
    """The C library's number for a host errno (by name; EIO for one it lacks)."""
    name = _errno.errorcode.get(e or 0)
    return table.get(name, table["EIO"])


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
    #: largest size in bytes a file the program writes may reach (None: no limit)
    max_file_size: Optional[int] = None
    #: the program's arguments, argv[0] first (SYS_argc/argnlen/argn, and the ESDK crt0's
    #: argv on the stack: Chip.load_elf)
    argv: Sequence[str] = ()
    #: one-line notices from the emulator about the program's requests (default: stderr,
    #: ``epiphany-emu: `` prefixed)
    notice: Optional[Callable[[str], None]] = None

    def __post_init__(self):
        if self.stdin is None:
            self.stdin = sys.stdin.buffer
        if self.stdout is None:
            self.stdout = sys.stdout.buffer
        if self.stderr is None:
            self.stderr = sys.stderr.buffer


class SyscallError(Exception):
    pass


class _Refused(Exception):
    """A guest request refused with a newlib errno (and a notice to give once)."""

    def __init__(self, err: int, notice: str = "", key=None):
        super().__init__(err)
        self.err = err
        self.notice = notice
        self.key = key


class Syscalls:
    """Services TRAPs for all cores of a chip.  One guest fd table per core group (the chip):
    fds 0/1/2 are the host's streams, others map to host fds opened inside the sandbox."""

    def __init__(self, chip, io: HostIO):
        self.chip = chip
        self.io = io
        #: the C library layouts (emu.libc_abi); Chip.load_elf sets it from the image
        self.abi: LibcAbi = DEFAULT_ABI
        self.fds: Dict[int, int] = {}
        self.outcome: Dict[int, str] = {}    # core -> "pass"/"fail" from TRAP 4/5
        self._partial: Dict[tuple, bytes] = {}   # (core, fd) -> unterminated line
        self._noticed: set = set()
        self._sys = {
            "exit": lambda k, a, b, c: _signed(a),
            "write": self._sys_write, "read": self._sys_read, "open": self._sys_open,
            "close": lambda k, a, b, c: self._sys_close(k, a),
            "lseek": lambda k, a, b, c: self._sys_lseek(k, a, _signed(b), c),
            "unlink": lambda k, a, b, c: self._sys_unlink(k, a),
            "fstat": lambda k, a, b, c: self._sys_fstat(k, a, b),
            "stat": lambda k, a, b, c: self._sys_stat(k, a, b),
            "link": lambda k, a, b, c: self._sys_link(k, a, b),
            "chmod": lambda k, a, b, c: self._sys_chmod(k, a, b),
            "gettimeofday": lambda k, a, b, c: self._sys_gettimeofday(k, a, b),
            "time": lambda k, a, b, c: self._sys_time(k, a),
            "argc": lambda k, a, b, c: self._ret(k, len(self.io.argv)),
            "argnlen": lambda k, a, b, c: self._sys_argnlen(k, a),
            "argn": lambda k, a, b, c: self._sys_argn(k, a, b),
        }

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

    def _notice(self, key, text: str) -> None:
        """Say ``text`` on stderr, once per ``key`` per run."""
        if key in self._noticed:
            return
        self._noticed.add(key)
        if self.io.notice is not None:
            self.io.notice(text)
            return
        try:
            self.io.stderr.write(f"epiphany-emu: {text}\n".encode())
            self.io.stderr.flush()
        except (OSError, ValueError):
            pass

    def _host_errno(self, e: Optional[int]) -> int:
        return host_errno_to_newlib(e, self.abi.errno)

    def _where(self, k) -> str:
        return f"core {self.io.core_label(k)}"

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
        except _Refused as e:
            if e.notice:
                self._notice(e.key or e.notice, e.notice)
            self._ret(k, -1, e.err)
            return None
        # unknown trap: the GNU simulator returns -1 with errno 0 (esim-corner-cases 10a)
        self._notice(("trap", trap), f"{self._where(k)} executed TRAP {trap}, which is no "
                     f"host service (TRAP 0-7 are): it returns -1 with errno 0, as in the "
                     f"GNU simulator (reported once)")
        self._ret(k, -1, 0)
        return None

    def _sys_other(self, k, num, a, b, c):
        name = SYS.get(num)
        fn = self._sys.get(name)
        if fn is None:
            # not provided (getpid, kill, chdir, utime, times, argvlen, argv, reconfig) or
            # unknown: -1 with ENOSYS, as the GNU simulator answers getpid (esim-corner-cases
            # 10a); libgloss itself never traps for these
            what = f"subcode {num} ({name})" if name else f"unknown subcode {num}"
            self._notice(("sys", num), f"{self._where(k)}: TRAP 7 {what} is not a service "
                         f"of the emulator: it returns -1 with errno ENOSYS (reported once)")
            self._ret(k, -1, ENOSYS)
            return None
        return fn(k, a, b, c)

    # -- files --------------------------------------------------------------------------------
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
        cap = self.io.max_file_size
        try:
            if cap is not None and data:
                pos = os.fstat(h).st_size if _appending(h) else os.lseek(h, 0, os.SEEK_CUR)
                room = cap - pos
                if room <= 0:
                    raise _Refused(EFBIG, f"a file the program writes reached the "
                                          f"--max-file-size limit ({cap} bytes): EFBIG",
                                   key="efbig")
                data = data[:room]
            self._ret(k, os.write(h, data))
        except OSError as e:
            self._ret(k, -1, self._host_errno(e.errno))
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
        try:
            stream.write(data)
            stream.flush()
        except BrokenPipeError:
            # the reader of our output went away (`| head`): the rest is discarded, as a
            # process writing to a closed pipe would see (without dying of SIGPIPE)
            pass

    def flush(self):
        """Write out unterminated lines (at the end of a run)."""
        for (k, fd), rest in sorted(self._partial.items()):
            if rest:
                self._emit(fd, self._prefix(k) + rest)
        self._partial.clear()

    def _sys_read(self, k, fd, buf, n):
        if n:
            self._read(k, buf, n)           # the whole buffer must be guest memory (EFAULT)
        if fd == 0 and 0 not in self.fds:
            data = self._stdin_read(n)
            if data is None:
                self._ret(k, -1, EINTR)      # a stop was requested while waiting for input
                return None
        else:
            h = self.fds.get(fd)
            if h is None:
                self._ret(k, -1, EBADF)
                return None
            try:
                data = os.read(h, n)
            except OSError as e:
                self._ret(k, -1, self._host_errno(e.errno))
                return None
        if data:
            self._write(k, buf, data)
        self._ret(k, len(data))
        return None

    def _stdin_read(self, n) -> Optional[bytes]:
        """Up to n bytes of the program's standard input; None when a stop was requested while
        waiting (Chip.request_stop: Ctrl-C must not wait for the user to type a line)."""
        s = self.io.stdin
        if n == 0:
            return b""
        try:
            fd = s.fileno()
        except (AttributeError, OSError, ValueError):
            fd = None
        if fd is not None:
            # a real descriptor (read directly: nothing else reads the emulator's stdin): wait
            # for input in short slices, then take what is there
            try:
                while True:
                    if getattr(self.chip, "stop_requested", False):
                        return None
                    ready, _, _ = select.select([fd], [], [], STDIN_POLL)
                    if getattr(self.chip, "stop_requested", False):
                        return None     # (the signal's handler ran during the select)
                    if ready:
                        return os.read(fd, n)
            except (OSError, ValueError):
                return b""
        if hasattr(s, "read1"):
            try:
                return s.read1(n)
            except (ValueError, OSError):
                return b""
        try:
            return s.read(n)
        except (ValueError, OSError):
            return b""

    def _resolve(self, k, path_addr, what="open"):
        """Host path of a guest path inside the sandbox; raises _Refused (EACCES)."""
        raw = self._cstr(k, path_addr)
        path = raw.decode("utf-8", "surrogateescape")
        if self.io.sandbox is None:
            raise _Refused(EACCES, f"the program tried to {what} {path!r}: files are "
                                   f"reachable only inside a directory given with --sandbox "
                                   f"DIR (it got EACCES; reported once)", key="nosandbox")
        # the sandbox is the program's root directory: "/tmp/x" is DIR/tmp/x (programs
        # written for the board name absolute paths; the GNU simulator's testsuite opens
        # /tmp/trap-test.txt)
        path = path.lstrip("/")
        if not path or "\0" in path:
            raise _Refused(EACCES)
        parts = path.split("/")
        if ".." in parts:
            raise _Refused(EACCES)
        root = os.path.realpath(self.io.sandbox)
        full = os.path.join(root, path)
        real = os.path.realpath(full)
        if real != root and not real.startswith(root + os.sep):
            raise _Refused(EACCES)
        return real

    def _sys_open(self, k, path_addr, flags, mode):
        host = self._resolve(k, path_addr)
        fl = self.abi.flags                      # the program's C library's O_* values
        acc = flags & fl["O_ACCMODE"]
        hf = {fl["O_RDONLY"]: os.O_RDONLY, fl["O_WRONLY"]: os.O_WRONLY,
              fl["O_RDWR"]: os.O_RDWR}.get(acc, os.O_RDONLY)
        for name in ("O_APPEND", "O_CREAT", "O_TRUNC", "O_EXCL"):
            if flags & fl[name]:
                hf |= getattr(os, name)
        hf |= getattr(os, "O_NOFOLLOW", 0)
        if len(self.fds) >= MAX_GUEST_FDS:
            self._ret(k, -1, EMFILE)
            return None
        try:
            # never block: a FIFO opened for reading would wait for a writer
            h = os.open(host, hf | getattr(os, "O_NONBLOCK", 0), mode & 0o777 or 0o644)
        except OSError as e:
            self._ret(k, -1, self._host_errno(e.errno))
            return None
        try:
            st = os.fstat(h)
            if not _stat.S_ISREG(st.st_mode):
                kind = "a directory" if _stat.S_ISDIR(st.st_mode) else "not a regular file"
                os.close(h)
                err = NEWLIB_ERRNO["EISDIR"] if _stat.S_ISDIR(st.st_mode) else EACCES
                name = os.path.relpath(host, os.path.realpath(self.io.sandbox))
                raise _Refused(err, f"the program opened {name!r} in the sandbox, which is "
                                    f"{kind}: only regular files are served (reported once)",
                               key=("nonreg", host))
            if hasattr(os, "set_blocking"):
                os.set_blocking(h, True)
        except OSError as e:
            os.close(h)
            self._ret(k, -1, self._host_errno(e.errno))
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
        if whence not in (0, 1, 2):
            self._ret(k, -1, EINVAL)
            return None
        try:
            pos = os.lseek(h, off, whence)
            if pos > 0x7FFFFFFF:                        # off_t is 32 bits
                self._ret(k, -1, NEWLIB_ERRNO["EOVERFLOW"])
            else:
                self._ret(k, pos)
        except (OSError, OverflowError) as e:
            self._ret(k, -1, self._host_errno(getattr(e, "errno", None) or _errno.EINVAL))
        return None

    def _sys_unlink(self, k, path_addr):
        host = self._resolve(k, path_addr, "unlink")
        try:
            if os.path.isdir(host) and not os.path.islink(host):
                raise IsADirectoryError(_errno.EISDIR, "is a directory")
            os.unlink(host)
            self._ret(k, 0)
        except OSError as e:
            self._ret(k, -1, self._host_errno(e.errno))
        return None

    def _sys_link(self, k, old_addr, new_addr):
        """link(old, new): newlib's rename() is link + unlink (no SYS_rename exists)."""
        old = self._resolve(k, old_addr, "link")
        new = self._resolve(k, new_addr, "link")
        try:
            os.link(old, new, follow_symlinks=False)
            self._ret(k, 0)
        except OSError as e:
            self._ret(k, -1, self._host_errno(e.errno))
        return None

    def _sys_chmod(self, k, path_addr, mode):
        host = self._resolve(k, path_addr, "chmod")
        try:
            os.chmod(host, mode & 0o777)
            self._ret(k, 0)
        except OSError as e:
            self._ret(k, -1, self._host_errno(e.errno))
        return None

    def _pack_stat(self, st) -> bytes:
        return self.abi.pack_stat(st.st_dev, st.st_ino, st.st_mode, st.st_nlink, st.st_size,
                                  4096, (st.st_size + 511) // 512, st.st_atime,
                                  st.st_mtime, st.st_ctime)

    def _sys_fstat(self, k, fd, buf):
        if fd in (0, 1, 2) and fd not in self.fds:
            # the standard streams are character devices (newlib's isatty relies on it)
            data = self.abi.pack_stat(0, 0, _stat.S_IFCHR | 0o620, 0, 0, 1024, 0, 0, 0, 0)
            self._write(k, buf, data)
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
        host = self._resolve(k, path_addr, "stat")
        try:
            st = os.stat(host)
        except OSError as e:
            self._ret(k, -1, self._host_errno(e.errno))
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
            self._write(k, tv, self.abi.pack_timeval(t))
        if tz:
            self._write(k, tz, b"\0" * 8)               # struct timezone: two ints
        self._ret(k, 0)
        return None

    def _sys_time(self, k, tp):
        t = self._now(k)
        if tp:
            self._write(k, tp, self.abi.pack_time(t))
        self._ret(k, int(t))
        return None

    # -- the program's arguments: SYS_argc (count, argv[0] included), SYS_argnlen(n) (strlen),
    # SYS_argn(n, buf) (copies argv[n] with its NUL, returns buf), as the GNU simulators'
    # common syscall layer serves them; -1/EINVAL for n out of range
    def _sys_argnlen(self, k, n):
        if not 0 <= n < len(self.io.argv):
            self._ret(k, -1, EINVAL)
            return None
        self._ret(k, len(self.io.argv[n].encode()))
        return None

    def _sys_argn(self, k, n, buf):
        if not 0 <= n < len(self.io.argv):
            self._ret(k, -1, EINVAL)
            return None
        self._write(k, buf, self.io.argv[n].encode() + b"\0")
        self._ret(k, buf)                 # the buffer, like strcpy (the GNU simulators' argn)
        return None

    def close_all(self):
        for h in self.fds.values():
            try:
                os.close(h)
            except OSError:
                pass
        self.fds.clear()


def _appending(h: int) -> bool:
    try:
        import fcntl
        return bool(fcntl.fcntl(h, fcntl.F_GETFL) & os.O_APPEND)
    except (ImportError, OSError):
        return False


def _signed(v: int) -> int:
    return v - (1 << 32) if v & 0x80000000 else v


def wall_clock(offset=0.0):
    """A clock that follows the host's real time (``--wallclock``)."""
    t0 = time.time() + offset
    return lambda seconds: t0 + seconds
