#!/usr/bin/env python3
"""Run the GNU Epiphany simulator's own testsuite (Adapteva's binutils-gdb fork,
sim/testsuite/sim/epiphany) on epiphany-emu, the way its DejaGnu driver runs it on the
simulator: each .cgs/.s test assembled with epiphany-elf-as (``-I`` the test's directory
and the suite's, for testutils.inc), linked with epiphany-elf-ld ``-Ttext=0
--defsym=__stack=0x7ff0`` (allinsn.exp's flags), run, and judged by its directives:

    # mach: all | epiphany32 | none     none: not run (as DejaGnu)
    # sim: OPTIONS                      -r/--rows R, -c/--cols C, -f COREID are mapped to
                                        --chip RxC/--first-core; memory options ignored
    # output: TEXT                      a regular expression searched in stdout (\\n escapes);
                                        default "pass\\n"
    # xerror:                           the run must exit non-zero
    # xfail: TARGET                     a failure is expected

    python tools/gnu_sim_testsuite.py $GNU_SIM_TESTSUITE        # .../sim/testsuite/sim/epiphany
    python tools/gnu_sim_testsuite.py DIR -k fmul -v            # only names containing fmul

The suite is other people's code: read it from your checkout, never copy it into this
repository (docs/gnu-sim-testsuite.md says what it showed).  The toolchain must be on PATH.
Tests the toolchain here cannot assemble (the fork's 64-bit and SIMD instructions) are
reported as unsupported; the multicore C tests need the fork's newlib and its Python launcher
and are not run.  Exit status 0 when every run test passed (or failed as expected).
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LDFLAGS = ["-Ttext=0", "--defsym=__stack=0x7ff0"]
#: 64bmode/ is the Epiphany-V's 64-bit address mode (its own instruction forms and memory
#: regions above 4 GB), which the E16G301 does not have: not run
SUBDIRS = ("", "atomics")


def directives(path: str) -> dict:
    d: dict = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"\s*#\s*(mach|sim|output|xerror|xfail|as|ld)\s*:(.*)$", line)
            if m:
                key, val = m.group(1), m.group(2).strip()
                if key == "output":
                    d["output"] = d.get("output", "") + val
                else:
                    d[key] = val
    return d


def sim_options(text: str) -> list:
    """The GNU simulator's options of a test, as epiphany-emu load options."""
    words = text.split()
    rows = cols = None
    first = None
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in ("-r", "--rows"):
            rows, i = int(nxt, 0), i + 2
        elif w in ("-c", "--cols"):
            cols, i = int(nxt, 0), i + 2
        elif w == "-f":
            first, i = int(nxt, 0), i + 2
        elif w in ("--ext-ram-size", "--ext-ram-base", "--environment", "--memory-region",
                   "--memory-mapfile", "--core-mem"):
            i += 2
        else:
            i += 1
    out = []
    if rows or cols:
        rows, cols = rows or 1, cols or 1
        out += ["--chip", f"{rows}x{cols}"]
        if first is None and (rows > 32 or cols > 56):
            first = 0
    if first is not None:
        out += ["--first-core", f"{first >> 6},{first & 63}"]
    return out


def run_one(src: str, suite: str, work: str, verbose: bool) -> str:
    """'PASS', 'FAIL: why', 'XFAIL', 'UNSUPPORTED: why' or 'SKIP'."""
    d = directives(src)
    if d.get("mach", "all").split() and not set(d.get("mach", "all").split()) & {"all",
                                                                                "epiphany32"}:
        return "SKIP"
    name = os.path.splitext(os.path.basename(src))[0]
    obj, elf = os.path.join(work, name + ".o"), os.path.join(work, name + ".elf")
    r = subprocess.run(["epiphany-elf-as", "-I", os.path.dirname(src), "-I", suite, src,
                        "-o", obj], capture_output=True, text=True)
    if r.returncode:
        return "UNSUPPORTED: the assembler rejects it (" + \
            (r.stderr.strip().splitlines() or ["?"])[-1][:100] + ")"
    r = subprocess.run(["epiphany-elf-ld", *LDFLAGS, obj, "-o", elf], capture_output=True,
                       text=True)
    if r.returncode:
        return "FAIL: link: " + r.stderr.strip()[:200]
    sandbox = os.path.join(work, name + ".root")
    os.makedirs(os.path.join(sandbox, "tmp"), exist_ok=True)
    cmd = [sys.executable, "-m", "emu", "load", "--sandbox", sandbox,
           *sim_options(d.get("sim", "")), elf]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env,
                           errors="replace")
    except subprocess.TimeoutExpired:
        return "FAIL: timed out"
    # no output directive: "pass" expected, except of a run that must fail (xerror)
    want = (d.get("output") or ("" if "xerror" in d else r"pass\n")).replace(r"\n", "\n")
    ok_out = re.search(want, p.stdout) is not None or want in p.stdout
    ok_rc = (p.returncode != 0) if "xerror" in d else (p.returncode == 0)
    if verbose:
        print(f"  $ {' '.join(cmd)}\n  exit {p.returncode}, stdout {p.stdout[:200]!r}")
    if ok_out and ok_rc:
        return "PASS"
    if "xerror" in d and ok_rc and "program stopped with signal 5" in want:
        # the simulator's run prints its own stop line for BKPT; the emulator stops the
        # same way (exit 133, its report on stderr)
        return "PASS" if "breakpoint" in p.stderr.lower() else "FAIL: no breakpoint stop"
    if "xfail" in d:
        return "XFAIL"
    why = p.stderr.strip().splitlines()[:1]
    return f"FAIL: exit {p.returncode}, stdout {p.stdout[:80]!r}" + (f", {why[0][:120]}"
                                                                     if why else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[1:]))
    ap.add_argument("suite", nargs="?", default=os.environ.get("GNU_SIM_TESTSUITE"),
                    help="the testsuite's sim/testsuite/sim/epiphany directory "
                         "(default: $GNU_SIM_TESTSUITE)")
    ap.add_argument("-k", metavar="TEXT", help="only tests whose name contains TEXT")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="keep the built programs in DIR")
    a = ap.parse_args(argv)
    if not a.suite or not os.path.isfile(os.path.join(a.suite, "testutils.inc")):
        ap.error("give the testsuite's directory (sim/testsuite/sim/epiphany of Adapteva's "
                 "binutils-gdb) or set GNU_SIM_TESTSUITE")
    if shutil.which("epiphany-elf-as") is None:
        ap.error("epiphany-elf-as is not on PATH (../shared/toolchain/install.sh prints its "
                 "bin directory)")
    srcs = []
    for sub in SUBDIRS:
        srcs += sorted(glob.glob(os.path.join(a.suite, sub, "*.cgs")) +
                       glob.glob(os.path.join(a.suite, sub, "*.s")))
    if a.k:
        srcs = [s for s in srcs if a.k in os.path.basename(s)]
    work = a.keep or tempfile.mkdtemp(prefix="gnu-sim-")
    os.makedirs(work, exist_ok=True)
    counts: dict = {}
    failed = []
    try:
        for src in srcs:
            res = run_one(src, a.suite, work, a.verbose)
            kind = res.split(":")[0]
            counts[kind] = counts.get(kind, 0) + 1
            rel = os.path.relpath(src, a.suite)
            if kind != "PASS" or a.verbose:
                print(f"{kind:12s} {rel}{res[len(kind):]}")
            if kind == "FAIL":
                failed.append(rel)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("gnu-sim testsuite: " + ", ".join(f"{v} {k.lower()}" for k, v in
                                            sorted(counts.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
