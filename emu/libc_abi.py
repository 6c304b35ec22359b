"""The C library ABI a program was built against: the layouts the TRAP services write.

Three newlib generations run on Epiphany, and the structures a host service fills differ
between them (docs/newlib-abi.md has the tables and where each fact comes from):

============ ============================================ ======== ========= ===========
name         built with                                   time_t   stat      timeval
============ ============================================ ======== ========= ===========
newlib-3.3   epiphany-elf-gcc with upstream newlib 3.3    8 bytes  88 bytes, 16 bytes
             (our toolchain; Debian's packages)                    timespecs
esdk-2016    the ESDK's e-gcc, releases 5.13 to 2016.11   4 bytes  64 bytes  8 bytes
             (newlib 1.20 / epiphany-newlib 2.2.0)
esdk-2019    the ESDK 2019.1 e-gcc (epiphany-newlib 3.0)  8 bytes  88 bytes, 16 bytes
                                                                   time_t +
                                                                   spare
============ ============================================ ======== ========= ===========

Open flags, errno values, ``S_IF*`` and ``struct timezone``/``struct tms`` are the same in
all three (compared header by header).  ``detect(image)`` reads which one an ELF was built
against from what the file says; ``epiphany-emu load --libc-abi`` overrides it.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

# newlib errno values (sys/errno.h): identical in newlib 1.20, epiphany-newlib 2.2.0 and 3.0
# and the toolchain's newlib 3.3
NEWLIB_ERRNO = {
    "EPERM": 1, "ENOENT": 2, "ESRCH": 3, "EINTR": 4, "EIO": 5, "ENXIO": 6, "E2BIG": 7,
    "ENOEXEC": 8, "EBADF": 9, "ECHILD": 10, "EAGAIN": 11, "ENOMEM": 12, "EACCES": 13,
    "EFAULT": 14, "EBUSY": 16, "EEXIST": 17, "EXDEV": 18, "ENODEV": 19, "ENOTDIR": 20,
    "EISDIR": 21, "EINVAL": 22, "ENFILE": 23, "EMFILE": 24, "ENOTTY": 25, "EFBIG": 27,
    "ENOSPC": 28, "ESPIPE": 29, "EROFS": 30, "EMLINK": 31, "EPIPE": 32, "EDOM": 33,
    "ERANGE": 34, "ENOSYS": 88, "ENOTEMPTY": 90, "ENAMETOOLONG": 91, "ELOOP": 92,
    "EOVERFLOW": 139,
}
# newlib open flags (sys/_default_fcntl.h, the same in every version above)
OPEN_FLAGS = {"O_RDONLY": 0, "O_WRONLY": 1, "O_RDWR": 2, "O_ACCMODE": 3, "O_APPEND": 0x0008,
              "O_CREAT": 0x0200, "O_TRUNC": 0x0400, "O_EXCL": 0x0800, "O_NONBLOCK": 0x4000}


@dataclass(frozen=True)
class LibcAbi:
    name: str
    description: str
    time_size: int             #: sizeof(time_t): 4 or 8
    stat_size: int             #: sizeof(struct stat)
    timeval_size: int          #: sizeof(struct timeval)
    errno: Dict[str, int]
    flags: Dict[str, int]

    # -- the structures TRAP services write -----------------------------------------------
    def pack_stat(self, dev: int, ino: int, mode: int, nlink: int, size: int, blksize: int,
                  blocks: int, atime: float, mtime: float, ctime: float) -> bytes:
        """``struct stat`` of this ABI (uid, gid and rdev 0; sizes clamped to off_t)."""
        head = struct.pack("<HHIHHHHi", dev & 0xFFFF, ino & 0xFFFF, mode & 0xFFFFFFFF,
                           min(nlink, 0xFFFF), 0, 0, 0, min(size, 0x7FFFFFFF))      # 20 bytes
        blksize, blocks = min(blksize, 0x7FFFFFFF), min(blocks, 0x7FFFFFFF)
        if self.name == "newlib-3.3":
            # st_atim/st_mtim/st_ctim: struct timespec {time_t tv_sec; long tv_nsec;} (16)
            def ts(t):
                return struct.pack("<qi4x", _sec(t, 8), _nsec(t))
            return (head + b"\0" * 4 + ts(atime) + ts(mtime) + ts(ctime)
                    + struct.pack("<ii8x", blksize, blocks))
        if self.time_size == 4:
            # atime@20 spare1@24 mtime@28 spare2@32 ctime@36 spare3@40 blksize@44 blocks@48,
            # then st_spare4[2]@56: Epiphany GCC aligns an 8-byte array to 8 (64 bytes)
            return head + struct.pack("<i4xi4xi4xii4x8x", _sec(atime, 4), _sec(mtime, 4),
                                      _sec(ctime, 4), blksize, blocks)
        # 64-bit time_t with the old spare words: atime@24 spare1@32 mtime@40 spare2@48
        # ctime@56 spare3@64 blksize@68 blocks@72 st_spare4[2]@80 (88 bytes)
        return (head + b"\0" * 4 + struct.pack("<q4x4xq4x4xq4xii4x8x", _sec(atime, 8),
                                               _sec(mtime, 8), _sec(ctime, 8), blksize,
                                               blocks))

    def pack_timeval(self, t: float) -> bytes:
        """``struct timeval`` {time_t tv_sec; suseconds_t tv_usec;} of this ABI."""
        usec = int((t % 1) * 1e6)
        if self.time_size == 4:
            return struct.pack("<ii", _sec(t, 4), usec)
        return struct.pack("<qi4x", _sec(t, 8), usec)

    def pack_time(self, t: float) -> bytes:
        """A ``time_t``."""
        return struct.pack("<i" if self.time_size == 4 else "<q", _sec(t, self.time_size))


def _sec(t: float, size: int) -> int:
    s = int(t)
    lim = 1 << (8 * size - 1)
    return max(-lim, min(lim - 1, s))


def _nsec(t: float) -> int:
    return int((t % 1) * 1e9)


ABIS: Dict[str, LibcAbi] = {a.name: a for a in (
    LibcAbi("newlib-3.3", "upstream newlib 3.3 (epiphany-elf-gcc 12)", 8, 88, 16,
            NEWLIB_ERRNO, OPEN_FLAGS),
    LibcAbi("esdk-2016", "ESDK 5.13 to 2016.11 e-gcc (newlib 1.20 / epiphany-newlib 2.2.0, "
            "32-bit time_t)", 4, 64, 8, NEWLIB_ERRNO, OPEN_FLAGS),
    LibcAbi("esdk-2019", "ESDK 2019.1 e-gcc (epiphany-newlib 3.0)", 8, 88, 16,
            NEWLIB_ERRNO, OPEN_FLAGS),
)}
DEFAULT = ABIS["newlib-3.3"]

_ESDK_RELEASE = re.compile(r"Epiphany toolchain (?:(\d{4})\.\d+|\(built (\d{4})\d{4}\))")
_GCC_VERSION = re.compile(r"GCC: \([^)]*\) (\d+)\.")
#: symbols of the ESDK's crt0 (epiphany-newlib libgloss/epiphany/crt0.S) and of upstream's
ESDK_CRT0_SYMBOLS = ("__epiphany_start", "___loader_flags", "___loader_args_ptr")
UPSTREAM_CRT0_SYMBOLS = ("_external_start",)


def detect(img) -> Tuple[LibcAbi, str]:
    """(the ABI ``img`` was built against, why we think so).

    1. ``.comment`` names the ESDK's compiler (``GCC: (Epiphany toolchain 2016.11) ...``; the
       oldest ESDKs say ``(built 20130910)``): release 2019 or later is esdk-2019, any
       earlier one esdk-2016.
    2. Upstream newlib's crt0 (``_external_start``): newlib-3.3.
    3. The ESDK's crt0 (``_epiphany_start``, ``__loader_flags``; section ``IVT_RESET``) with a
       compiler that is not the ESDK's: GCC 8 (what ESDK 2019.1 shipped) esdk-2019, any other
       esdk-2016, whose structures are the smaller ones (written into a larger one they
       overwrite nothing past it).
    4. Otherwise newlib-3.3, the toolchain this project is tested with."""
    comment = "\n".join(getattr(img, "comment", ()) or ())
    m = _ESDK_RELEASE.search(comment)
    if m:
        year = int(m.group(1) or m.group(2))
        abi = ABIS["esdk-2019" if year >= 2019 else "esdk-2016"]
        return abi, f".comment names the ESDK compiler ({m.group(0)})"
    names = {s.name for s in img.symbols}
    if any(n in names for n in UPSTREAM_CRT0_SYMBOLS):
        return DEFAULT, "upstream newlib's crt0 (_external_start)"
    esdk_crt0 = any(n in names for n in ESDK_CRT0_SYMBOLS) or "IVT_RESET" in img.sections \
        or "ivt_reset" in img.sections
    if esdk_crt0:
        g = _GCC_VERSION.search(comment)
        if g and int(g.group(1)) == 8:
            return ABIS["esdk-2019"], f"the ESDK's crt0, built by GCC {g.group(1)}"
        return ABIS["esdk-2016"], "the ESDK's crt0" + (f", built by GCC {g.group(1)}"
                                                      if g else "")
    return DEFAULT, "no ESDK marks (default)"


def by_name(name: Optional[str]) -> Optional[LibcAbi]:
    return None if name in (None, "auto") else ABIS[name]
