"""``epiphany-emu hal-config``: compiler flags for ESDK host programs, pkg-config style::

    gcc host.c -o host $(epiphany-emu hal-config --cflags --libs)
    epiphany-emu host ./host

libe-hal (the C sources in ``hal/``) is built on first use with the host's C compiler (``$CC``,
else ``cc``) into a per-user cache laid out like an ESDK installation (``tools/host/include``,
``tools/host/lib``: ``--home`` prints it, for build scripts that use ``$EPIPHANY_HOME``).  The
directory's name is a hash of the sources, the compiler and the flags, so a change of any of
them builds a new library and programs linked against an older one keep working.

The Parallella's host is a 32-bit ARM: an ESDK program's structures shared with the cores
(pointers, ``long``) have 4-byte fields on both sides.  So on a 64-bit x86 machine whose
compiler can build 32-bit programs (gcc-multilib), the flags build 32-bit programs (``-m32``)
and the layouts agree with the cores'; ``--m64`` asks for a native 64-bit build instead (fine
for programs that share no pointers or ``long``).  Without 32-bit support the build is native.
"""
from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

#: flags libe-hal is compiled with
CFLAGS = ["-std=gnu11", "-O2", "-g", "-fPIC", "-Wall", "-Wextra"]
LIBS = ["-le-hal", "-le-loader"]


class HalBuildError(Exception):
    """libe-hal cannot be built (no compiler, a compile error)."""


def sources():
    """(include dir, src dir) of libe-hal."""
    import hal
    return hal.INCLUDE, hal.SRC


def cache_root() -> str:
    """$EPIPHANY_EMU_CACHE, else $XDG_CACHE_HOME/epiphany-emu, else ~/.cache/epiphany-emu."""
    env = os.environ.get("EPIPHANY_EMU_CACHE")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "epiphany-emu")


def compiler() -> list:
    """The C compiler command ($CC, else cc); HalBuildError if there is none."""
    cc = shlex.split(os.environ.get("CC") or "cc")
    if not cc or shutil.which(cc[0]) is None:
        raise HalBuildError(f"no C compiler ({' '.join(cc) or 'cc'}) found: install gcc, or "
                            "name one in $CC")
    return cc


_M32_OK = {}


def can_m32(cc: list) -> bool:
    """Whether cc builds and links 32-bit x86 programs (only asked on 64-bit x86)."""
    key = tuple(cc)
    if key not in _M32_OK:
        ok = False
        if os.uname().machine in ("x86_64", "amd64"):
            with tempfile.TemporaryDirectory() as d:
                src = os.path.join(d, "t.c")
                with open(src, "w") as f:
                    f.write("int main(void) { return sizeof(void *) == 4 ? 0 : 1; }\n")
                try:
                    r = subprocess.run(cc + ["-m32", src, "-o", os.path.join(d, "t")],
                                       capture_output=True, timeout=120)
                    ok = r.returncode == 0 and subprocess.run(
                        [os.path.join(d, "t")], timeout=60).returncode == 0
                except (OSError, subprocess.SubprocessError):
                    ok = False
        _M32_OK[key] = ok
    return _M32_OK[key]


def abi_flags(cc: list, abi: str = "auto") -> list:
    """-m32 for a 32-bit build (abi "m32", or "auto" when the compiler can), else nothing."""
    if abi == "m32" or (abi == "auto" and can_m32(cc)):
        return ["-m32"]
    return []


def _files(d: str):
    return sorted(f for f in os.listdir(d) if f.endswith((".c", ".h")))


def _key(cc: list, abi: list) -> str:
    inc, src = sources()
    h = hashlib.sha256()
    for d in (inc, src):
        for f in _files(d):
            h.update(f.encode() + b"\0")
            with open(os.path.join(d, f), "rb") as fh:
                h.update(fh.read())
    try:
        ver = subprocess.run(cc + ["--version"], capture_output=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        ver = b""
    h.update(ver + " ".join(cc + CFLAGS + abi).encode() + os.uname().machine.encode())
    return h.hexdigest()[:16]


def home(rebuild: bool = False, abi: str = "auto") -> str:
    """The ESDK-like directory holding the headers and the built library (built if needed)
    for the ABI (auto, m32, m64)."""
    cc = compiler()
    flags = abi_flags(cc, abi)
    root = cache_root()
    dest = os.path.join(root, f"hal-{_key(cc, flags)}{'-m32' if flags else ''}")
    if os.path.exists(os.path.join(dest, "tools", "host", "lib", "libe-hal.so")) \
            and not rebuild:
        return dest
    os.makedirs(root, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".build-", dir=root)
    try:
        _build(cc + flags, tmp)
        if rebuild and os.path.exists(dest):
            shutil.rmtree(dest, ignore_errors=True)
        try:
            os.rename(tmp, dest)
        except OSError:
            if not os.path.exists(os.path.join(dest, "tools", "host", "lib", "libe-hal.so")):
                raise
            # built at the same time by another process: theirs is the same
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _build(cc: list, out: str) -> None:
    inc, src = sources()
    incdir = os.path.join(out, "tools", "host", "include")
    libdir = os.path.join(out, "tools", "host", "lib")
    os.makedirs(incdir)
    os.makedirs(libdir)
    for f in _files(inc):
        shutil.copy(os.path.join(inc, f), incdir)
    cfiles = [os.path.join(src, f) for f in _files(src) if f.endswith(".c")]
    steps = [
        cc + CFLAGS + ["-I", inc, "-I", src] + cfiles
        + ["-shared", "-Wl,-soname,libe-hal.so", "-o", os.path.join(libdir, "libe-hal.so"),
           "-lpthread"],
        # e-loader's calls are in libe-hal; libe-loader only brings it in, for programs
        # linked with -le-loader as the ESDK's build scripts do
        cc + ["-fPIC", "-shared", "-x", "c", os.devnull, "-Wl,-soname,libe-loader.so",
              "-Wl,--no-as-needed", "-L", libdir, "-le-hal", "-Wl,-rpath,$ORIGIN",
              "-o", os.path.join(libdir, "libe-loader.so")],
    ]
    for cmd in steps:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as e:
            raise HalBuildError(f"{cmd[0]}: {e}") from None
        if r.returncode != 0:
            raise HalBuildError("building libe-hal failed:\n  " + " ".join(cmd) + "\n"
                                + r.stdout + r.stderr)


def flags(cflags: bool, libs: bool, rebuild: bool = False, abi: str = "auto") -> str:
    d = home(rebuild, abi)
    m = abi_flags(compiler(), abi)
    inc = os.path.join(d, "tools", "host", "include")
    lib = os.path.join(d, "tools", "host", "lib")
    out = []
    if cflags:
        out += m + [f"-I{inc}"]
    if libs:
        out += ([] if cflags else m) + [f"-L{lib}", f"-Wl,-rpath,{lib}"] + LIBS
    return " ".join(shlex.quote(x) for x in out)


def libdirs() -> list:
    """The directories of the libraries built so far for the default ABI (built now if
    needed) and the other one (if built): for LD_LIBRARY_PATH of `epiphany-emu host`."""
    out = [os.path.join(home(), "tools", "host", "lib")]
    cc = compiler()
    other = "m64" if abi_flags(cc) else "m32"
    if other == "m32" and not can_m32(cc):
        return out
    d = os.path.join(cache_root(), f"hal-{_key(cc, abi_flags(cc, other))}"
                     f"{'-m32' if other == 'm32' else ''}")
    if os.path.exists(os.path.join(d, "tools", "host", "lib", "libe-hal.so")):
        out.append(os.path.join(d, "tools", "host", "lib"))
    return out


def add_arguments(p):
    p.add_argument("--cflags", action="store_true",
                   help="print the compiler flags (-I of e-hal.h, e-loader.h ...)")
    p.add_argument("--libs", action="store_true",
                   help="print the linker flags (-L, -rpath, -le-hal -le-loader)")
    p.add_argument("--home", action="store_true",
                   help="print a directory laid out like an ESDK installation "
                        "(tools/host/include, tools/host/lib): EPIPHANY_HOME for build "
                        "scripts of ESDK examples")
    p.add_argument("--includedir", action="store_true", help="print the headers' directory")
    p.add_argument("--libdir", action="store_true", help="print the library's directory")
    w = p.add_mutually_exclusive_group()
    w.add_argument("--m32", dest="abi", action="store_const", const="m32",
                   help="build 32-bit host programs (-m32), like the Parallella's 32-bit ARM "
                        "host (the default when the compiler can)")
    w.add_argument("--m64", dest="abi", action="store_const", const="m64",
                   help="build native (64-bit) host programs")
    p.set_defaults(abi="auto")
    p.add_argument("--rebuild", action="store_true",
                   help="build libe-hal again (it is built on first use, with $CC or cc)")
    p.epilog = (p.epilog or "") + """

libe-hal is built with the host's C compiler on first use, into a cache
($EPIPHANY_EMU_CACHE, else ~/.cache/epiphany-emu).  On 64-bit x86 with gcc-multilib the
flags build 32-bit programs (-m32), so that structures shared with the cores have the
layout they have on the Parallella's 32-bit ARM host; --m64 for a native build.  Run the program with
`epiphany-emu host ./prog`, or against `epiphany-emu serve`.  docs/esdk-host.md"""
    p.set_defaults(func=run)


def run(args) -> int:
    if not (args.cflags or args.libs or args.home or args.includedir or args.libdir
            or args.rebuild):
        print("epiphany-emu hal-config: give --cflags and/or --libs (or --home, "
              "--includedir, --libdir)", file=sys.stderr)
        return 2
    try:
        d = home(args.rebuild, args.abi)
        lines = []
        if args.cflags or args.libs:
            lines.append(flags(args.cflags, args.libs, abi=args.abi))
        if args.home:
            lines.append(d)
        if args.includedir:
            lines.append(os.path.join(d, "tools", "host", "include"))
        if args.libdir:
            lines.append(os.path.join(d, "tools", "host", "lib"))
    except HalBuildError as e:
        print(f"epiphany-emu hal-config: {e}", file=sys.stderr)
        return 1
    if lines:
        print("\n".join(lines))
    return 0
