#!/usr/bin/env python3
"""Fuzz the command line for a set time: no input may crash the process.

    tools/fuzz_cli.py --seconds 600                 # the campaign (one process per case)
    tools/fuzz_cli.py --seconds 5 --inproc          # quick, in this process (the tests' slice)
    tools/fuzz_cli.py --seconds 600 --keep DIR      # keep every failing case in DIR

Cases (chosen at random, reproducible from --seed):

* ``load`` of a mutated program of every fixture kind: flat C (newlib), core-local multicore,
  ESDK-style, S-records, a relocatable object, fault fixtures; mutations hit the ELF, program
  and section headers (fields set to 0, all ones, huge, random), the symbol table, random bytes
  anywhere, truncation;
* ``load`` with random options, valid and not (geometry, workgroups, cycle limits, quanta,
  outputs to files, /dev/full and directories, policies, C library ABI, sandbox, file-size
  cap, program arguments);
* ``load`` of a generated program that issues random TRAPs with random arguments (file
  descriptors, pointers into and out of memory, huge lengths, paths in and out of a sandbox
  holding a file, a FIFO, a directory and a symlink out);
* ``disasm`` (-d, -S, -x, -h -t, -j, address ranges) and ``asm`` of mutated inputs.

Reported: Python tracebacks, deaths by a signal, timeouts, and the peak memory of the cases
(one process per case: its maximum resident size); the exit status is 1 if any case failed.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

FIXTURES = {
    "flat-c": "examples/hello.elf",
    "flat-files": "tests/fixtures/c/fileio.O2.elf",
    "core-local": "tests/fixtures/multicore/ring.elf",
    "core-local-fast": "tests/fixtures/multicore/scripts_fast.elf",
    "esdk": "tests/fixtures/esdk/esdk2016_files.elf",
    "srec": "tests/fixtures/srec/hello.srec",
    "object": "tests/fixtures/disasm/asm_obj.o",
    "fault": "tests/fixtures/faults/unaligned_sum.elf",
    "stripped": "tests/fixtures/disasm/float_ll-O2-stripped.elf",
}
ASM_SOURCE = "tests/fixtures/disasm/asm_edges.s"

#: values that break naive code
EXTREMES = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
            0x100000, 0x8000, 0x80000000 - 1, 0x8E000000, 0x01000000]


# ---- mutations -------------------------------------------------------------------------------

def _u32(raw, off):
    return struct.unpack_from("<I", raw, off)[0] if off + 4 <= len(raw) else None


def _set(rnd, raw, off, size):
    if off + size > len(raw):
        return
    v = rnd.choice(EXTREMES + [rnd.getrandbits(8 * size)]) & ((1 << (8 * size)) - 1)
    raw[off:off + size] = v.to_bytes(size, "little")


def mutate_elf(rnd: random.Random, data: bytes) -> bytes:
    raw = bytearray(data)
    for _ in range(rnd.choice([1, 1, 2, 3, 6])):
        what = rnd.random()
        if what < 0.15:                                   # ELF header field
            off, size = rnd.choice([(16, 2), (18, 2), (24, 4), (28, 4), (32, 4), (36, 4),
                                    (42, 2), (44, 2), (46, 2), (48, 2), (50, 2), (4, 1), (5, 1)])
            _set(rnd, raw, off, size)
        elif what < 0.45:                                 # a program header field
            phoff, phnum = _u32(raw, 28), struct.unpack_from("<H", raw, 44)[0] if len(raw) > 46 else 0
            if phoff is not None and phnum:
                i = rnd.randrange(min(phnum, 16))
                _set(rnd, raw, phoff + 32 * i + rnd.choice([0, 4, 8, 12, 16, 20, 24, 28]), 4)
        elif what < 0.70:                                 # a section header field
            shoff = _u32(raw, 32)
            shnum = struct.unpack_from("<H", raw, 48)[0] if len(raw) > 50 else 0
            if shoff is not None and shnum:
                i = rnd.randrange(min(shnum, 64))
                _set(rnd, raw, shoff + 40 * i + rnd.choice(range(0, 40, 4)), 4)
        elif what < 0.85:                                 # random bytes somewhere
            at = rnd.randrange(len(raw))
            for k in range(rnd.choice([1, 4, 16])):
                if at + k < len(raw):
                    raw[at + k] = rnd.getrandbits(8)
        elif what < 0.95:                                 # truncation
            raw = raw[:rnd.randrange(len(raw))]
        else:                                             # a chunk moved
            a, b = rnd.randrange(len(raw)), rnd.randrange(len(raw))
            n = rnd.randrange(1, 256)
            raw[a:a + n] = raw[b:b + n]
    return bytes(raw)


def mutate_text(rnd: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rnd.choice([1, 2, 5])):
        k = rnd.randrange(len(lines))
        op = rnd.random()
        if op < 0.3:
            lines[k] = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 40)))
        elif op < 0.6 and lines[k]:
            j = rnd.randrange(len(lines[k]))
            lines[k] = lines[k][:j] + bytes([rnd.choice(b"0123456789ABCDEFS,.:[]#%@\\\"-x ")]) \
                + lines[k][j + 1:]
        elif op < 0.8:
            del lines[k]
        else:
            lines.insert(k, lines[rnd.randrange(len(lines))])
    return b"\n".join(lines)


# ---- random guest syscalls -------------------------------------------------------------------

PATHS = ["in.txt", "pipe", "sub", "out", "../escape", "/etc/passwd", "new.txt", "",
         "sub/../in.txt", "a" * 300]


def syscall_program(rnd: random.Random) -> str:
    """Assembly of a flat program issuing random TRAPs with random arguments."""
    lines = ['    .section IVT,"ax"', "    b.l _start", "    .text", "    .global _start",
             "_start:", "    mov r0,%low(main)", "    movt r0,%high(main)",
             "    movts iret,r0", "    rti", "main:"]

    def value():
        c = rnd.random()
        if c < 0.25:
            return f"path{rnd.randrange(len(PATHS))}"
        if c < 0.45:
            return f"buf+{rnd.randrange(0, 256, 4)}"
        if c < 0.65:
            return str(rnd.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 15, 19, 21, 22, 23, 24, 0x200,
                                   0x201, 0x602, 0x4000, 64, 1024]))
        return str(rnd.choice(EXTREMES + [rnd.getrandbits(32)]))

    for _ in range(rnd.randrange(1, 12)):
        for r in range(4):
            v = value()
            lines += [f"    mov r{r},%low({v})", f"    movt r{r},%high({v})"]
        trap = rnd.choice([0, 1, 2, 6, 7, 7, 7, 7, 4, rnd.randrange(8, 64)])
        if trap == 7:
            sub = rnd.choice([2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                              23, 24, 25, rnd.randrange(26, 300)])
            lines += [f"    mov r3,%low({sub})", f"    movt r3,%high({sub})"]
        lines.append(f"    trap {trap}")
    lines += ["    mov r0,0", "    trap 3", "    .data", "    .balign 4"]
    for k, p in enumerate(PATHS):
        lines.append(f'path{k}: .asciz "{p}"')
    lines += ["    .balign 8", "buf: .space 512"]
    return "\n".join(lines) + "\n"


def sandbox_dir(base: str) -> str:
    box = os.path.join(base, "box")
    os.makedirs(os.path.join(box, "sub"), exist_ok=True)
    with open(os.path.join(box, "in.txt"), "w") as f:
        f.write("12 34\n56\n")
    for name, make in (("pipe", lambda p: os.mkfifo(p)),
                       ("out", lambda p: os.symlink("/etc/passwd", p))):
        p = os.path.join(box, name)
        if not os.path.lexists(p):
            try:
                make(p)
            except (OSError, AttributeError):
                pass
    return box


# ---- options ---------------------------------------------------------------------------------

def random_options(rnd: random.Random, work: str, box: str, inproc: bool):
    opts = []
    pick = rnd.random

    def maybe(p, *o):
        if pick() < p:
            opts.extend(o)
    maybe(0.15, "--cores", str(rnd.choice([1, 2, 3, 4, 16, 64, 0, -1, 10 ** 12])))
    maybe(0.1, "--chip", rnd.choice(["4x4", "8x8", "1x1", "2x3", "64x64", "0x4", "99999999999x1",
                                     "banana", "4x"]))
    maybe(0.05, "--rows", str(rnd.choice([1, 2, 4, 9])))
    maybe(0.05, "--cols", str(rnd.choice([1, 2, 4, 9])))
    maybe(0.05, "--origin", rnd.choice(["0,0", "1,1", "3,3", "-1,0", "x"]))
    maybe(0.05, "--first-core", rnd.choice(["32,8", "0,0", "63,63", "70,1", "1"]))
    maybe(0.1, "--quantum", str(rnd.choice([1, 7, 1000, 10 ** 6, 10 ** 7, 10 ** 15, 0, -5])))
    maybe(0.1, "--timing", rnd.choice(["on", "off"]))
    maybe(0.1, "--unaligned=" + rnd.choice(["stop", "report", "trap"]))
    maybe(0.05, "--invalid=" + rnd.choice(["stop", "trap"]))
    maybe(0.05, "--excause=" + rnd.choice(["e3", "e4"]))
    maybe(0.1, "--libc-abi", rnd.choice(["auto", "newlib-3.3", "esdk-2016", "esdk-2019"]))
    maybe(0.2, "--sandbox", rnd.choice([box, box, os.path.join(work, "nope"), "/dev/null"]))
    maybe(0.1, "--max-file-size", rnd.choice(["0", "10", "1K", "1M", "x", "-1"]))
    maybe(0.1, "--stats")
    maybe(0.1, "--profile", rnd.choice([os.path.join(work, "p.json"), "/dev/full", work,
                                        os.path.join(work, "no", "p.json")]))
    maybe(0.1, "--trace", rnd.choice([os.path.join(work, "t.txt"), "/dev/full", "/dev/null",
                                      work]))
    if "--trace" in opts:
        maybe(0.3, "--trace-cores", rnd.choice(["0", "0x808", "0x999", "x", "0,1"]))
        maybe(0.3, "--trace-range", rnd.choice(["0:ffffffff", "80000000:80000100", "zz", "5:1"]))
    maybe(0.05, "--wallclock")
    maybe(0.05, "--prefix", rnd.choice(["auto", "always", "never"]))
    limit = rnd.choice([0, 1, 100, 10 ** 5, 2 * 10 ** 6, 2 * 10 ** 7, 2 ** 70, -3])
    if inproc and not 0 < limit <= 5 * 10 ** 6:
        limit = 2 * 10 ** 6                              # in-process runs must stay short
    if "64x64" in opts or "8x8" in opts:
        # thousands of cores: keep the work (cores x cycles) to what a case's timeout allows
        limit = rnd.choice([1, 100, 20000])
    if limit or pick() < 0.5:
        opts += ["--max-cycles", str(limit)]
    args = []
    if pick() < 0.15:
        args = ["--"] + rnd.choice([["a"], ["1", "two words", ""], ["x" * 5000]])
    return opts, args


# ---- one case --------------------------------------------------------------------------------

def make_case(rnd: random.Random, work: str, inproc: bool):
    """(argv, stdin bytes, description)."""
    box = sandbox_dir(work)
    kind = rnd.random()
    if kind < 0.55:
        fk = rnd.choice(sorted(FIXTURES))
        with open(os.path.join(ROOT, FIXTURES[fk]), "rb") as f:
            data = f.read()
        mutated = mutate_text(rnd, data) if fk == "srec" else mutate_elf(rnd, data)
        if rnd.random() < 0.15:
            mutated = data                                  # options alone
        path = os.path.join(work, "prog.srec" if fk == "srec" else "prog.elf")
        with open(path, "wb") as f:
            f.write(mutated)
        opts, args = random_options(rnd, work, box, inproc)
        return ["load", *opts, path, *args], b"1 2 3\n", f"load mutated {fk}"
    if kind < 0.8:
        from isa.assembler import assemble
        path = os.path.join(work, "traps.elf")
        src = syscall_program(rnd)
        with open(os.path.join(work, "traps.s"), "w") as f:
            f.write(src)
        with open(path, "wb") as f:
            f.write(assemble(src, 0x80000000, "traps.s"))
        opts, args = random_options(rnd, work, box, inproc)
        if "--sandbox" not in opts and rnd.random() < 0.7:
            opts += ["--sandbox", box]
        return ["load", *opts, path, *args], b"input\n", "load random syscalls"
    if kind < 0.93:
        fk = rnd.choice(sorted(FIXTURES))
        with open(os.path.join(ROOT, FIXTURES[fk]), "rb") as f:
            data = f.read()
        path = os.path.join(work, "dis.elf")
        with open(path, "wb") as f:
            f.write(mutate_elf(rnd, data) if rnd.random() < 0.8 else data)
        opts = rnd.choice([[], ["-S"], ["-x"], ["-h", "-t"], ["-d", "-t"], ["-j", ".text"],
                           ["--start-address", "0x80000100", "--stop-address", "0x80000200"],
                           ["-f", "-p"], ["-r"]])
        return ["disasm", *opts, path], b"", f"disasm mutated {fk}"
    with open(os.path.join(ROOT, ASM_SOURCE), "rb") as f:
        src = mutate_text(rnd, f.read())
    path = os.path.join(work, "m.s")
    with open(path, "wb") as f:
        f.write(src)
    return ["asm", path, "-o", os.path.join(work, "m.elf"),
            *rnd.choice([[], ["--base", "0x0"], ["--base", "0x80000000"]])], b"", "asm mutated"


def run_subprocess(argv, stdin: bytes, work: str, timeout: float):
    """(exit status or None on timeout, stderr text, peak memory in KB)."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    inp = os.path.join(work, "stdin")
    with open(inp, "wb") as f:
        f.write(stdin)
    with open(inp, "rb") as fin, open(os.path.join(work, "out"), "wb") as fout, \
            open(os.path.join(work, "err"), "wb") as ferr:
        p = subprocess.Popen([sys.executable, "-m", "emu", *argv], cwd=work, env=env,
                             stdin=fin, stdout=fout, stderr=ferr)
        t0 = time.time()
        code = None
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.time() - t0 > timeout:
                p.kill()
                _, status, ru = os.wait4(p.pid, 0)
                code = None
                break
            time.sleep(0.01)
        p.returncode = 0 if code is None else code
    with open(os.path.join(work, "err"), "rb") as f:
        err = f.read().decode("utf-8", "replace")
    return code, err, ru.ru_maxrss


def run_inproc(argv, stdin: bytes):
    """(exit status, stderr text, None): emu.cli.main in this process, its I/O captured."""
    from emu.cli import main
    # as a process's streams are in a UTF-8 locale: stdout strict, stderr backslashreplace
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    inp = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    code = 0
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = inp, out, err
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 2
    except BaseException:
        err.write(traceback.format_exc())
        code = 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    err.flush()
    return code, err.buffer.getvalue().decode("utf-8", "replace"), None


def campaign(seconds: float, seed: int, inproc: bool, timeout: float, keep: str = None,
             max_cases: int = 0, report=print) -> dict:
    rnd = random.Random(seed)
    stats = {"cases": 0, "tracebacks": [], "signals": [], "timeouts": [], "peak_kb": 0,
             "peak_case": "", "kinds": {}, "codes": {}}
    t_end = time.time() + seconds
    base = tempfile.mkdtemp(prefix="fuzz-cli-")
    try:
        while time.time() < t_end and (not max_cases or stats["cases"] < max_cases):
            n = stats["cases"]
            work = os.path.join(base, f"case{n}")
            os.makedirs(work)
            case_rnd = random.Random(rnd.getrandbits(64))
            argv, stdin, what = make_case(case_rnd, work, inproc)
            if inproc:
                code, err, peak = run_inproc(argv, stdin)
            else:
                code, err, peak = run_subprocess(argv, stdin, work, timeout)
            stats["cases"] += 1
            stats["kinds"][what] = stats["kinds"].get(what, 0) + 1
            stats["codes"][code] = stats["codes"].get(code, 0) + 1
            bad = None
            if "Traceback (most recent call last)" in err:
                bad = "tracebacks"
            elif code is None:
                bad = "timeouts"
            elif code < 0:
                bad = "signals"
            if peak and peak > stats["peak_kb"]:
                stats["peak_kb"], stats["peak_case"] = peak, " ".join(argv)
            if bad:
                tail = err.strip().splitlines()[-1:] if err.strip() else [""]
                stats[bad].append((n, what, argv, tail[0]))
                report(f"{bad[:-1].upper()} case {n} ({what}): epiphany-emu {' '.join(argv)}"
                       f"\n    {tail[0]}")
                if keep:
                    dest = os.path.join(keep, f"case{n}")
                    shutil.copytree(work, dest, symlinks=True, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns("pipe"))
                    with open(os.path.join(dest, "argv.txt"), "w") as f:
                        f.write(" ".join(argv) + "\n" + err)
            shutil.rmtree(work, ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60, help="how long to run (default 60)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: the time)")
    ap.add_argument("--inproc", action="store_true",
                    help="run the cases in this process (fast; no timeout or memory figures)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per case (default 60)")
    ap.add_argument("--keep", metavar="DIR", help="copy failing cases to DIR")
    a = ap.parse_args(argv)
    seed = a.seed if a.seed is not None else int(time.time())
    print(f"fuzz_cli: seed {seed}, {a.seconds:g} s, {'in-process' if a.inproc else 'subprocesses'}")
    s = campaign(a.seconds, seed, a.inproc, a.timeout, a.keep)
    print(f"fuzz_cli: {s['cases']} cases: {len(s['tracebacks'])} tracebacks, "
          f"{len(s['signals'])} signals, {len(s['timeouts'])} timeouts"
          + (f"; peak memory {s['peak_kb'] / 1024:.0f} MB ({s['peak_case']})"
             if s["peak_kb"] else ""))
    for kind, n in sorted(s["kinds"].items()):
        print(f"  {n:6d}  {kind}")
    print("  exit statuses: " + ", ".join(f"{c}: {n}" for c, n in
                                          sorted(s["codes"].items(), key=lambda kv: str(kv[0]))))
    return 1 if s["tracebacks"] or s["signals"] or s["timeouts"] else 0


if __name__ == "__main__":
    sys.exit(main())
