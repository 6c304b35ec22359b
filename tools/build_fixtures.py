#!/usr/bin/env python3
"""Build the committed test programs and their expected results with the real toolchains.

Needs ``epiphany-elf-gcc`` on PATH (``export PATH="$(../shared/toolchain/install.sh):$PATH"``),
the host ``gcc`` with 32-bit multilib (Debian ``gcc-multilib``) and, for the csmith corpus,
``csmith`` with its headers (Debian ``csmith``/``libcsmith-dev``).  The tests replay the
results without any of these.

    tools/build_fixtures.py                  # rebuild everything in place
    tools/build_fixtures.py c examples abi   # only some parts (c, abi, examples, csmith)
    tools/build_fixtures.py --check          # rebuild into a temporary tree and compare
                                             # byte-for-byte with the committed files
    tools/build_fixtures.py csmith-select --count 130 --first-seed 1000
                                             # choose a new csmith corpus (writes seeds.txt)

Parts:

* ``c``: ``tests/fixtures/c/*.c`` -> ``NAME.O0.elf`` / ``NAME.O2.elf`` (Epiphany, default
  flat layout, ``-g``), expected stdout/stderr/exit code from the host build, and
  ``tests/fixtures/c/manifest.json``.  Each program is built for the host four times
  (-O0/-O2 x -m32/-m64) and all four runs must agree, or the build fails.
* ``abi``: the values of ``tests/fixtures/c/newlib_abi_probe.c`` read from the compiler's
  assembly output (no execution) -> ``docs/newlib-abi.md`` and the probe's expected stdout.
* ``examples``: ``examples/hello.c`` -> ``hello.elf`` and ``hello.expected``.
* ``csmith``: programs regenerated from ``tests/fixtures/csmith/seeds.txt`` with
  ``CSMITH_OPTIONS`` -> ``csmith_SEED.c``, ``csmith_SEED.elf`` (debug info stripped),
  ``csmith_SEED.expected`` and ``manifest.json``.

Reproducibility: every compilation runs inside the output directory on a relative source
name, with ``-fdebug-prefix-map`` for that directory and for the toolchain prefix, so the
ELFs do not depend on where the checkout or the toolchain lives.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C_DIR = os.path.join("tests", "fixtures", "c")
CSMITH_DIR = os.path.join("tests", "fixtures", "csmith")
EXAMPLES_DIR = "examples"
ABI_DOC = os.path.join("docs", "newlib-abi.md")
#: the line after which docs/newlib-abi.md is written by hand; `abi` keeps that part (read from
#: the checkout, so that --check compares the whole file)
ABI_DOC_HAND = "<!-- written by hand from here on: tools/build_fixtures.py abi keeps it -->"
PROBE = "newlib_abi_probe"

E_CC = "epiphany-elf-gcc"
H_CC = "gcc"
#: flags for every Epiphany compilation (the link uses the default flat "simulator" layout)
E_CFLAGS = ["-ffp-contract=off", "-Wall", "-Wno-unused-function"]
E_LDFLAGS = ["-Wl,--no-warn-rwx-segments"]
#: flags for every host compilation: same FP contraction, Epiphany's unsigned plain char
H_CFLAGS = ["-ffp-contract=off", "-funsigned-char", "-Wall", "-Wno-unused-function"]
#: host ABIs that must agree; -m32 matches Epiphany's ILP32, SSE avoids x87 excess precision
HOST_ABIS = {"m32": ["-m32", "-msse2", "-mfpmath=sse"], "m64": ["-m64"]}
#: Epiphany optimisation levels of the C fixtures.  GCC 12.2 for Epiphany ICEs at -O0 on any
#: function that needs an FPU mode switch (integer multiply, float arithmetic): it cannot
#: spill the CC register ("unrecognizable insn ... (set (mem:CC ...)) (use (const_int
#: -4337))" in reload).  So -Og is the low level that always builds, and -O0 is kept for the
#: programs the compiler can build at all.
E_OPT_LEVELS = ["-O0", "-Og", "-O2"]
E_OPTIONAL = {"-O0"}
#: host optimisation levels (the host result must not depend on them)
H_OPT_LEVELS = ["-O0", "-O2"]

CSMITH_OPTIONS = [
    "--no-packed-struct", "--no-float", "--max-funcs", "5", "--max-block-depth", "3",
    "--max-block-size", "4", "--max-array-dim", "2", "--max-array-len-per-dim", "4",
    "--max-expr-complexity", "6", "--max-struct-fields", "6", "--max-union-fields", "4",
    "--max-pointer-depth", "2",
]
#: optimisation level of the N-th selected csmith program (cycled)
#: (-Og instead of -O0: see E_OPT_LEVELS; nearly every csmith program multiplies)
CSMITH_OPT_CYCLE = ["-Og", "-O2", "-Os", "-O1", "-O2", "-O3"]
CSMITH_HOST_TIME_LIMIT = 0.05      # seconds, per host run
CSMITH_MAX_ELF = 160 * 1024        # bytes, stripped Epiphany ELF
CSMITH_MAX_HOST_INSNS = 3_000_000  # x86 instructions of the -m32 build (valgrind), if available

#: per-program metadata of the C fixtures; programs not listed use the defaults
C_META = {
    "printf_basic": {"notes": "also writes one line to stderr"},
    "floats": {"notes": "NaN is never printed (newlib 'nan' vs glibc '-nan'); inf is."},
    "float_int_conv": {"notes": "FIX/FLOAT and the CONFIG rounding-mode switch; after "
                                "each conversion 1/3 must print 0.333333343 (round to "
                                "nearest), not 0.333333313 (truncation)"},
    "double_subnormal": {"notes": "subnormal doubles from libgcc fp-bit.c soft-float; the "
                                  "expectation is the host's IEEE result"},
    "intdiv": {"notes": "libgcc __divsi3 & co use FLOAT and the FPU B flags"},
    "exit_return": {"notes": "main returns 42; last line has no newline"},
    "exit_call": {"notes": "exit(7) from a nested call; atexit handlers print"},
    "exit_255": {"notes": "main returns -1: guest exit status r0 = 0xffffffff, host-visible "
                          "exit code 255 (status & 0xff)"},
    "fileio": {"needs_sandbox": True,
               "notes": "creates fixture_text.txt, fixture_data.bin, fixture_raw.dat in the "
                        "working directory (the sandbox) and removes them; uses open/read/"
                        "write/lseek/close/unlink/stat/fstat; the sandbox must be empty "
                        "afterwards"},
    "stdin_sum": {"stdin": "stdin_sum.stdin"},
    "argc0": {"notes": "newlib's crt0 calls main(0, NULL, NULL); the host run has argc 1; "
                       "output is identical for argc <= 1"},
    "time_calls": {"notes": "gettimeofday/time plausibility only (struct timeval layout)"},
    PROBE: {"notes": "expected stdout comes from compile-time values (assembly output of the "
                     "Epiphany compiler), not from the host; see docs/newlib-abi.md"},
}


# --------------------------------------------------------------------------- helpers

def run(cmd, **kw):
    """subprocess.run that raises with the command's output on failure."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    r = subprocess.run(cmd, **kw)
    if r.returncode != 0:
        out = (r.stdout or b"").decode(errors="replace") + (r.stderr or b"").decode(errors="replace")
        raise RuntimeError(f"command failed ({r.returncode}): {' '.join(cmd)}\n{out}")
    return r


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def toolchain_prefix():
    cc = shutil.which(E_CC)
    if cc is None:
        sys.exit(f"{E_CC} not found on PATH: export PATH=\"$(../shared/toolchain/install.sh):$PATH\"")
    return os.path.dirname(os.path.dirname(cc))


def tool_versions():
    e = run([E_CC, "--version"]).stdout.decode().splitlines()[0]
    h = run([H_CC, "--version"]).stdout.decode().splitlines()[0]
    return e, h


def prefix_maps(workdir):
    """-fdebug-prefix-map options that make debug info independent of checkout/toolchain."""
    tc = toolchain_prefix()
    maps = [f"-fdebug-prefix-map={os.path.abspath(workdir)}=."]
    for p in sorted({tc, os.path.realpath(tc)}, key=len, reverse=True):
        maps.append(f"-fdebug-prefix-map={p}=/epiphany-toolchain")
    return maps


def e_compile(workdir, src, out, opt, extra=(), debug=True):
    """Compile+link one Epiphany program inside ``workdir`` (relative names only)."""
    cmd = [E_CC, opt] + (["-g"] if debug else []) + E_CFLAGS + list(extra) + \
        prefix_maps(workdir) + ["-o", out, src, "-lm"] + E_LDFLAGS
    run(cmd, cwd=workdir)
    return cmd


def h_compile(workdir, src, out, opt, abi, extra=()):
    cmd = [H_CC, opt] + HOST_ABIS[abi] + H_CFLAGS + list(extra) + ["-o", out, src, "-lm"]
    run(cmd, cwd=workdir)


def h_run(exe, stdin_path=None, timeout=20):
    """Run a host binary in a fresh empty directory.  -> (stdout, stderr, code, secs, leftovers)"""
    with tempfile.TemporaryDirectory(prefix="fixture-sandbox-") as sandbox:
        fin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            t0 = time.perf_counter()
            r = subprocess.run([os.path.abspath(exe)], cwd=sandbox, stdin=fin,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                               env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC"})
            secs = time.perf_counter() - t0
        finally:
            if stdin_path:
                fin.close()
        leftovers = sorted(os.listdir(sandbox))
    return r.stdout, r.stderr, r.returncode, secs, leftovers


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_json(path, obj):
    write_bytes(path, (json.dumps(obj, indent=1, sort_keys=False) + "\n").encode())


# --------------------------------------------------------------------------- ABI probe

def probe_values(root):
    """{name: value} of every ``probe_NAME`` global, read from the assembly output."""
    d = os.path.join(root, C_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        asm = os.path.join(tmp, "probe.s")
        run([E_CC, "-O0", "-S", "-o", asm, PROBE + ".c"], cwd=d)
        text = open(asm).read()
    vals = {}
    for m in re.finditer(r"^_probe_(\w+):\s*\n\s*(?:\.word\s+(-?\d+)|\.zero\s+4)\s*$",
                         text, re.M):
        v = int(m.group(2) or 0)
        vals[m.group(1)] = v - (1 << 32) if v >= 1 << 31 else v
    src = open(os.path.join(d, PROBE + ".c")).read()
    names = re.findall(r"^\s*P\((\w+),", src, re.M)
    missing = [n for n in names if n not in vals]
    if missing:
        raise RuntimeError(f"probe values not found in assembly: {missing}")
    return {n: vals[n] for n in names}


def probe_expected_stdout(vals):
    return "".join(f"{k} {v}\n" for k, v in vals.items()).encode()


def build_abi_doc(root):
    v = probe_values(root)

    def row(field, size, prefix="offsetof_stat_"):
        return f"| `{field}` | {v[prefix + field]} | {size} |"

    stat_fields = [("st_dev", v["sizeof_dev_t"]), ("st_ino", v["sizeof_ino_t"]),
                   ("st_mode", v["sizeof_mode_t"]), ("st_nlink", v["sizeof_nlink_t"]),
                   ("st_uid", v["sizeof_uid_t"]), ("st_gid", v["sizeof_gid_t"]),
                   ("st_rdev", v["sizeof_dev_t"]), ("st_size", v["sizeof_off_t"]),
                   ("st_atim", v["sizeof_struct_timespec"]),
                   ("st_mtim", v["sizeof_struct_timespec"]),
                   ("st_ctim", v["sizeof_struct_timespec"]),
                   ("st_blksize", v["sizeof_blksize_t"]), ("st_blocks", v["sizeof_blkcnt_t"]),
                   ("st_spare4", 2 * v["sizeof_long"])]
    e_ver, _ = tool_versions()
    consts = lambda names: "\n".join(f"| `{n}` | {v[n]} | {hex(v[n]) if v[n] >= 0 else v[n]} |"
                                     for n in names)
    errnos = [n for n in v if re.fullmatch(r"E[A-Z]+", n)]
    lines = [
        "# newlib ABI seen by Epiphany programs",
        "",
        "Generated by `tools/build_fixtures.py abi` from `tests/fixtures/c/newlib_abi_probe.c`,",
        f"compiled (not run) by `{e_ver}` with newlib 3.3.0: every",
        "number below is a compile-time constant read from the compiler's assembly output.",
        "This is what the emulator's syscall layer must read and write (spec §6.6); the same",
        "probe is also a runnable fixture (`newlib_abi_probe.O0.elf`/`.O2.elf`) that prints",
        "these values as `NAME VALUE` lines.",
        "",
        "## Scalar types",
        "",
        "| type | size |",
        "|---|---|",
    ]
    for n in ["int", "long", "long_long", "pointer", "double", "time_t", "off_t", "dev_t",
              "ino_t", "mode_t", "nlink_t", "uid_t", "gid_t", "blksize_t", "blkcnt_t",
              "suseconds_t", "clock_t"]:
        lines.append(f"| `{n.replace('_long', ' long') if n == 'long_long' else n}` | "
                     f"{v['sizeof_' + n]} |")
    lines += [
        "",
        f"`long long` and `double` are {v['alignof_long_long']}-byte aligned; "
        "`time_t` is 64-bit (newlib 3.3 without `--enable-newlib-long-time_t`).",
        "",
        f"## `struct stat` ({v['sizeof_struct_stat']} bytes, "
        f"aligned to {v['alignof_struct_stat']}) — written by SYS_stat (15) and SYS_fstat (10)",
        "",
        "| field | offset | size |",
        "|---|---|---|",
    ]
    lines += [row(f, s) for f, s in stat_fields]
    lines += [
        "",
        f"`struct timespec` ({v['sizeof_struct_timespec']} bytes): `tv_sec` at "
        f"{v['offsetof_timespec_tv_sec']} ({v['sizeof_time_t']} bytes), `tv_nsec` at "
        f"{v['offsetof_timespec_tv_nsec']} ({v['sizeof_long']} bytes), then padding.",
        "",
        f"## `struct timeval` ({v['sizeof_struct_timeval']} bytes) — written by "
        "SYS_gettimeofday (19)",
        "",
        "| field | offset | size |",
        "|---|---|---|",
        f"| `tv_sec` | {v['offsetof_timeval_tv_sec']} | {v['sizeof_time_t']} |",
        f"| `tv_usec` | {v['offsetof_timeval_tv_usec']} | {v['sizeof_suseconds_t']} |",
        "",
        f"`struct timezone` is {v['sizeof_struct_timezone']} bytes (two ints); "
        f"`struct tms` is {v['sizeof_struct_tms']} bytes (`times()` itself fails with "
        "ENOSYS in libgloss without trapping).",
        "",
        "## Open flags (TRAP 2 `r1`; the mode is not passed)",
        "",
        "| name | value | hex |",
        "|---|---|---|",
        consts(["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE", "O_APPEND", "O_CREAT",
                "O_TRUNC", "O_EXCL", "O_NONBLOCK", "O_SYNC", "O_NOCTTY"]),
        "",
        "## lseek whence (SYS_lseek 6)",
        "",
        "| name | value | hex |",
        "|---|---|---|",
        consts(["SEEK_SET", "SEEK_CUR", "SEEK_END"]),
        "",
        "## st_mode file types",
        "",
        "| name | value | hex |",
        "|---|---|---|",
        consts(["S_IFMT", "S_IFDIR", "S_IFCHR", "S_IFREG", "S_IFIFO", "S_IFLNK"]),
        "",
        "libgloss `isatty(fd)` is `fstat(fd)` followed by `(st_mode & S_IFMT) == S_IFCHR`;",
        "newlib line-buffers stdout only if that holds, otherwise it is fully buffered and",
        "flushed at exit (the bytes written are the same either way).",
        "",
        "## errno values (returned in `r3`; libgloss stores r3 into errno when it is non-zero)",
        "",
        "| name | value | hex |",
        "|---|---|---|",
        consts(errnos),
        "",
        "## stdio",
        "",
        "| name | value | hex |",
        "|---|---|---|",
        consts(["BUFSIZ", "FOPEN_MAX", "STDIN_FILENO", "STDOUT_FILENO", "STDERR_FILENO"]),
        "",
        "## Related facts checked in the toolchain's libraries",
        "",
        "* `crt0` calls `main(0, NULL, NULL)`: argc is 0 (fixture `argc0`).",
        "* `exit(n)` / return from main ends in `_exit` = `trap 3` with `r0 = n` (full 32 bits:",
        "  `return -1` gives r0 = 0xffffffff; a host process would see 255).",
        "* `abort()` is `raise(SIGABRT)` -> `kill(getpid(), 6)` -> libgloss `e_raise(6)`, which",
        "  writes ILATST = 0x8 (latches the timer-0 interrupt, vector 0x0C), then `_exit(1)`.",
        "  In the flat layout nothing is loaded at the core-local IVT, so what happens depends",
        "  on how the emulator treats that interrupt; no fixture relies on `abort()`.",
        "* `getpid()` returns 1 without trapping; `times()` fails with ENOSYS; `kill()` is",
        "  `e_raise` (ILATST), not a syscall.",
        "* `open` uses `trap 2` (r0 path, r1 flags); `read`/`write`/`close` use `trap 1`/`0`/`6`;",
        "  `lseek`, `fstat`, `stat`, `unlink`, `link`, `gettimeofday` use `trap 7` with the SYS_",
        "  number in r3 (6, 10, 15, 7, 21, 19).",
        "",
    ]
    text = "\n".join(lines)
    try:
        with open(os.path.join(ROOT, ABI_DOC), encoding="utf-8") as f:
            old = f.read()
    except OSError:
        old = ""
    if ABI_DOC_HAND in old:
        text += "\n" + ABI_DOC_HAND + old.split(ABI_DOC_HAND, 1)[1]
    write_bytes(os.path.join(root, ABI_DOC), text.encode())
    return v


# --------------------------------------------------------------------------- C fixtures

def c_programs(root):
    d = os.path.join(root, C_DIR)
    return sorted(f[:-2] for f in os.listdir(d) if f.endswith(".c"))


def host_expectation(workdir, src, name, stdin_path, extra=()):
    """Build ``src`` for every host ABI and opt level; all runs must agree."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="fixture-host-") as tmp:
        for opt in H_OPT_LEVELS:
            for abi in HOST_ABIS:
                exe = os.path.join(tmp, f"{name}{opt}-{abi}")
                h_compile(workdir, src, exe, opt, abi, extra)
                out, err, code, _secs, left = h_run(exe, stdin_path)
                if left:
                    raise RuntimeError(f"{name}: host run left files behind: {left}")
                results[(opt, abi)] = (out, err, code)
    distinct = set(results.values())
    if len(distinct) != 1:
        keys = list(results)
        raise RuntimeError(f"{name}: host builds disagree: " + ", ".join(
            f"{k}: exit {results[k][2]} {hashlib.sha1(results[k][0]).hexdigest()[:8]}"
            for k in keys))
    return results[(H_OPT_LEVELS[0], "m32")]


def build_c(root, probe_vals=None):
    d = os.path.join(root, C_DIR)
    e_ver, h_ver = tool_versions()
    programs = []
    for name in c_programs(root):
        meta = C_META.get(name, {})
        src = name + ".c"
        stdin_rel = meta.get("stdin")
        elfs, skipped = [], []
        for opt in E_OPT_LEVELS:
            elf = f"{name}.{opt[1:]}.elf"
            try:
                e_compile(d, src, elf, opt)
            except RuntimeError as e:
                if opt in E_OPTIONAL and "internal compiler error" in str(e):
                    skipped.append(opt)
                    if os.path.exists(os.path.join(d, elf)):
                        os.remove(os.path.join(d, elf))
                    continue
                raise
            elfs.append({"path": elf, "opt": opt, "sha256": sha256(os.path.join(d, elf))})
        if name == PROBE:
            vals = probe_vals if probe_vals is not None else probe_values(root)
            out, err, code = probe_expected_stdout(vals), b"", 0
        else:
            out, err, code = host_expectation(
                d, src, name, os.path.join(d, stdin_rel) if stdin_rel else None)
        write_bytes(os.path.join(d, name + ".stdout"), out)
        err_rel = None
        if err:
            err_rel = name + ".stderr"
            write_bytes(os.path.join(d, err_rel), err)
        elif os.path.exists(os.path.join(d, name + ".stderr")):
            os.remove(os.path.join(d, name + ".stderr"))
        programs.append({
            "name": name,
            "source": src,
            "elfs": elfs,
            "stdin": stdin_rel,
            "expected_stdout": name + ".stdout",
            "expected_stderr": err_rel,
            "expected_exit_code": code,
            "needs_sandbox": bool(meta.get("needs_sandbox", False)),
            "argv": [],
            "notes": meta.get("notes", ""),
        })
        if skipped:
            programs[-1]["not_built"] = {o: "epiphany-elf-gcc 12.2 internal compiler error "
                                            "(CC spill during FPU mode switching)"
                                         for o in skipped}
        print(f"c: {name}: exit {code}, {len(out)} bytes of stdout", file=sys.stderr)
    manifest = {
        "description": "C programs built for Epiphany (default flat layout at 0x80000000) and "
                       "for the host; the emulated stdout/stderr/exit code must equal the "
                       "expected files.  Paths are relative to this manifest.  Rebuild with "
                       "tools/build_fixtures.py c.",
        "epiphany_compiler": e_ver,
        "epiphany_cflags": ["-g"] + E_CFLAGS + ["-fdebug-prefix-map=...", "-lm"] + E_LDFLAGS,
        "host_compiler": h_ver,
        "host_cflags": {abi: flags + H_CFLAGS + ["-lm"] for abi, flags in HOST_ABIS.items()},
        "run": "no arguments (the guest sees argc 0); stdin from the 'stdin' file or empty; "
               "cwd = an empty sandbox directory when needs_sandbox is true; expected_stderr "
               "null means nothing is written to stderr",
        "programs": programs,
    }
    write_json(os.path.join(d, "manifest.json"), manifest)


# --------------------------------------------------------------------------- examples

def build_examples(root):
    d = os.path.join(root, EXAMPLES_DIR)
    e_compile(d, "hello.c", "hello.elf", "-O2")
    out, err, code = host_expectation(d, "hello.c", "hello", None)
    if code != 0 or err:
        raise RuntimeError("hello: expected exit 0 and no stderr")
    write_bytes(os.path.join(d, "hello.expected"), out)
    print("examples: hello", file=sys.stderr)


# --------------------------------------------------------------------------- csmith

def csmith_include():
    for d in ("/usr/include/csmith", "/usr/local/include/csmith"):
        if os.path.exists(os.path.join(d, "csmith.h")):
            return d
    sys.exit("csmith.h not found (Debian: apt-get install csmith libcsmith-dev)")


def csmith_version():
    return run(["csmith", "--version"]).stdout.decode().split("\n")[0].strip()


def csmith_generate(workdir, seed):
    src = f"csmith_{seed}.c"
    run(["csmith"] + CSMITH_OPTIONS + ["--seed", str(seed), "-o", src], cwd=workdir)
    return src


def union_has_struct(text):
    """True if a union has a struct member: padding (which differs between Epiphany and the
    hosts, see spec gotcha 23) could then leak into values read through another member."""
    for body in re.findall(r"^union U\d+ \{(.*?)^\};", text, re.M | re.S):
        if "struct " in body:
            return True
    return False


def valgrind_insns(exe):
    if shutil.which("valgrind") is None:
        return None
    r = subprocess.run(["valgrind", "--tool=lackey", "--basic-counts=yes", exe],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    m = re.search(rb"guest instrs:\s+([\d,]+)", r.stderr)
    return int(m.group(1).replace(b",", b"")) if m else None


def csmith_candidate(workdir, seed, opt, measure=True):
    """Generate and vet one csmith program.  -> (entry dict, None) or (None, reason)."""
    inc = csmith_include()
    src = csmith_generate(workdir, seed)
    text = open(os.path.join(workdir, src)).read()
    if union_has_struct(text):
        return None, "union with a struct member"
    outs = {}
    with tempfile.TemporaryDirectory(prefix="csmith-host-") as tmp:
        for abi in HOST_ABIS:
            exe = os.path.join(tmp, f"h-{abi}")
            try:
                h_compile(workdir, src, exe, opt, abi, ["-w", "-I", inc])
            except RuntimeError:
                return None, f"host {abi} build failed"
            for rep in range(2):
                try:
                    out, err, code, secs, _ = h_run(exe, timeout=2)
                except subprocess.TimeoutExpired:
                    return None, "host run timed out"
                if code != 0:
                    return None, f"host {abi} exit {code}"
                if secs > CSMITH_HOST_TIME_LIMIT:
                    return None, f"host {abi} run took {secs * 1000:.0f} ms"
                if not re.fullmatch(rb"checksum = [0-9A-F]+\n", out):
                    return None, f"unexpected host output {out[:60]!r}"
                outs.setdefault(abi, set()).add(out)
        distinct = set().union(*outs.values())
        if len(distinct) != 1:
            return None, "host -m32/-m64 (or repeated runs) disagree: " + " ".join(
                f"{abi}={sorted(o)}" for abi, o in outs.items())
        insns = valgrind_insns(os.path.join(tmp, "h-m32")) if measure else None
    if insns is not None and insns > CSMITH_MAX_HOST_INSNS:
        return None, f"{insns} host instructions"
    elf = f"csmith_{seed}.elf"
    try:
        e_build_csmith(workdir, src, elf, opt)
    except RuntimeError as e:
        return None, f"epiphany build failed: {str(e)[:200]}"
    size = os.path.getsize(os.path.join(workdir, elf))
    if size > CSMITH_MAX_ELF:
        return None, f"ELF too big ({size} bytes)"
    expected = f"csmith_{seed}.expected"
    write_bytes(os.path.join(workdir, expected), distinct.pop())
    entry = {"name": f"csmith_{seed}", "seed": seed, "opt": opt, "source": src, "elf": elf,
             "sha256": sha256(os.path.join(workdir, elf)), "expected_stdout": expected,
             "expected_exit_code": 0}
    if insns is not None:
        entry["host_m32_instructions"] = insns
    return entry, None


#: csmith ELFs are linked with -n (NMAGIC): the same single LOAD segment at the same addresses
#: as the default link, but without 32 KB of file padding before it (p_offset 0x60 instead of
#: 0x8000, p_align 0x10) -- a third of the size of each file
CSMITH_LDFLAGS = ["-Wl,-n"]


def e_build_csmith(workdir, src, elf, opt):
    e_compile(workdir, src, elf, opt, extra=["-w", "-I", csmith_include()] + CSMITH_LDFLAGS,
              debug=False)
    run(["epiphany-elf-strip", "-g", elf], cwd=workdir)


def read_seeds(root):
    path = os.path.join(root, CSMITH_DIR, "seeds.txt")
    seeds = []
    for line in open(path):
        line = line.split("#", 1)[0].split()
        if line:
            seeds.append((int(line[0]), line[1]))
    return seeds


def build_csmith(root, jobs):
    d = os.path.join(root, CSMITH_DIR)
    seeds = read_seeds(root)
    inc = csmith_include()

    def one(seed_opt):
        seed, opt = seed_opt
        src = csmith_generate(d, seed)
        elf = f"csmith_{seed}.elf"
        e_build_csmith(d, src, elf, opt)
        with tempfile.TemporaryDirectory(prefix="csmith-host-") as tmp:
            outs = set()
            for abi in HOST_ABIS:
                exe = os.path.join(tmp, f"h-{abi}")
                h_compile(d, src, exe, opt, abi, ["-w", "-I", inc])
                out, _err, code, _s, _l = h_run(exe, timeout=10)
                if code != 0:
                    raise RuntimeError(f"csmith {seed}: host exit {code}")
                outs.add(out)
            if len(outs) != 1:
                raise RuntimeError(f"csmith {seed}: host ABIs disagree {outs}")
        expected = f"csmith_{seed}.expected"
        write_bytes(os.path.join(d, expected), outs.pop())
        return {"name": f"csmith_{seed}", "seed": seed, "opt": opt, "source": src, "elf": elf,
                "sha256": sha256(os.path.join(d, elf)), "expected_stdout": expected,
                "expected_exit_code": 0}

    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        entries = list(ex.map(one, seeds))
    old = {}
    mpath = os.path.join(d, "manifest.json")
    if os.path.exists(mpath):  # keep measured instruction counts (not rebuilt: slow)
        old = {p["name"]: p for p in json.load(open(mpath)).get("programs", [])}
    for e in entries:
        if "host_m32_instructions" in old.get(e["name"], {}):
            e["host_m32_instructions"] = old[e["name"]]["host_m32_instructions"]
    write_csmith_manifest(root, entries)
    print(f"csmith: {len(entries)} programs", file=sys.stderr)


def write_csmith_manifest(root, entries):
    e_ver, h_ver = tool_versions()
    manifest = {
        "description": "csmith programs (regenerated from their seeds) built for Epiphany "
                       "(default flat layout, debug info stripped) and for the host; the "
                       "emulated stdout must equal expected_stdout ('checksum = X').  Paths "
                       "are relative to this manifest.  Rebuild with tools/build_fixtures.py "
                       "csmith; choose a new set with csmith-select.",
        "csmith": csmith_version(),
        "csmith_options": CSMITH_OPTIONS,
        "epiphany_compiler": e_ver,
        "epiphany_cflags": E_CFLAGS + ["-w", "-I<csmith include>"] + CSMITH_LDFLAGS
        + ["-fdebug-prefix-map=...", "-lm"] + E_LDFLAGS + ["; then epiphany-elf-strip -g"],
        "host_compiler": h_ver,
        "host_cflags": {abi: flags + H_CFLAGS + ["-w"] for abi, flags in HOST_ABIS.items()},
        "selection": {"host_time_limit_s": CSMITH_HOST_TIME_LIMIT,
                      "max_elf_bytes": CSMITH_MAX_ELF,
                      "max_host_m32_instructions": CSMITH_MAX_HOST_INSNS,
                      "rules": "host -m32 and -m64 builds agree over two runs each, exit 0; "
                               "no union with a struct member"},
        "programs": sorted(entries, key=lambda e: e["seed"]),
    }
    write_json(os.path.join(root, CSMITH_DIR, "manifest.json"), manifest)


def select_csmith(root, count, first_seed, jobs):
    """Vet seeds first_seed, first_seed+1, ... until ``count`` programs pass."""
    d = os.path.join(root, CSMITH_DIR)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("csmith_"):
            os.remove(os.path.join(d, f))
    accepted, rejected = [], []
    seed = first_seed
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        while len(accepted) < count:
            batch = list(range(seed, seed + jobs * 2))
            seed += len(batch)
            futs = {s: ex.submit(csmith_candidate_in_tmp, d, s,
                                 CSMITH_OPT_CYCLE[(s - first_seed) % len(CSMITH_OPT_CYCLE)])
                    for s in batch}
            for s in batch:
                entry, why = futs[s].result()
                if entry and len(accepted) < count:
                    accepted.append(entry)
                elif why:
                    rejected.append((s, why))
                    print(f"csmith seed {s}: rejected: {why}", file=sys.stderr)
            print(f"csmith: {len(accepted)}/{count} accepted", file=sys.stderr)
    for f in os.listdir(d):  # keep only accepted programs
        if f.startswith("csmith_") and f.split(".")[0] not in {e["name"] for e in accepted}:
            os.remove(os.path.join(d, f))
    with open(os.path.join(d, "seeds.txt"), "w") as f:
        f.write("# csmith corpus: seed and optimisation level, one program per line.\n"
                f"# Chosen by: tools/build_fixtures.py csmith-select --count {count} "
                f"--first-seed {first_seed}\n"
                f"# Rejected while choosing: {len(rejected)} seeds\n")
        for e in accepted:
            f.write(f"{e['seed']} {e['opt']}\n")
    write_csmith_manifest(root, accepted)
    return accepted, rejected


def csmith_candidate_in_tmp(d, seed, opt):
    """Vet in a private directory, then move the accepted files into ``d``.  Compilation
    happens in a directory of the same name, so debug paths match a later rebuild."""
    with tempfile.TemporaryDirectory(prefix="csmith-cand-") as tmp:
        work = os.path.join(tmp, os.path.basename(d))
        os.makedirs(work)
        try:
            entry, why = csmith_candidate(work, seed, opt)
        except Exception as e:  # noqa: BLE001 - any failure rejects the seed
            return None, f"error: {e}"
        if entry:
            for k in ("source", "elf", "expected_stdout"):
                shutil.move(os.path.join(work, entry[k]), os.path.join(d, entry[k]))
        return entry, why


# --------------------------------------------------------------------------- check

INPUT_GLOBS = [(C_DIR, (".c", ".stdin")), (EXAMPLES_DIR, ("hello.c",)),
               (CSMITH_DIR, ("seeds.txt", "manifest.json"))]


def check(parts, jobs):
    """Rebuild into a temporary tree and compare every produced file with the committed one."""
    with tempfile.TemporaryDirectory(prefix="fixture-check-") as tmp:
        for rel, suffixes in INPUT_GLOBS:
            src = os.path.join(ROOT, rel)
            if not os.path.isdir(src):
                continue
            os.makedirs(os.path.join(tmp, rel), exist_ok=True)
            for f in os.listdir(src):
                if f.endswith(suffixes):
                    shutil.copy(os.path.join(src, f), os.path.join(tmp, rel, f))
        os.makedirs(os.path.join(tmp, "docs"), exist_ok=True)
        build(tmp, parts, jobs)
        bad = 0
        n = 0
        for dirpath, _dirs, files in os.walk(tmp):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), tmp)
                mine = os.path.join(ROOT, rel)
                n += 1
                if not os.path.exists(mine):
                    print(f"MISSING in checkout: {rel}")
                    bad += 1
                elif open(mine, "rb").read() != open(os.path.join(tmp, rel), "rb").read():
                    print(f"DIFFERS: {rel}")
                    bad += 1
        print(f"check: {n} files compared, {bad} differ")
        return 1 if bad else 0


def build(root, parts, jobs):
    vals = None
    if "abi" in parts:
        vals = build_abi_doc(root)
    if "c" in parts:
        build_c(root, vals)
    if "examples" in parts:
        build_examples(root)
    if "csmith" in parts:
        build_csmith(root, jobs)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("parts", nargs="*", help="abi c examples csmith (default: all), or "
                                             "csmith-select")
    ap.add_argument("--check", action="store_true",
                    help="rebuild into a temporary tree and compare with the checkout")
    ap.add_argument("--count", type=int, default=130, help="csmith-select: programs to keep")
    ap.add_argument("--first-seed", type=int, default=1000, help="csmith-select: first seed")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args(argv)
    toolchain_prefix()
    if args.parts == ["csmith-select"]:
        acc, rej = select_csmith(ROOT, args.count, args.first_seed, args.jobs)
        print(f"csmith-select: {len(acc)} accepted, {len(rej)} rejected")
        return 0
    parts = args.parts or ["abi", "c", "examples", "csmith"]
    unknown = set(parts) - {"abi", "c", "examples", "csmith"}
    if unknown:
        ap.error(f"unknown parts {sorted(unknown)}")
    if "c" in parts and "abi" not in parts:
        parts.append("abi")
    if args.check:
        return check(parts, args.jobs)
    build(ROOT, parts, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
