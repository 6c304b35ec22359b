#!/usr/bin/env python3
"""Differential testing with fresh csmith programs: host checksum vs. emulated checksum.

Needs csmith (+ headers), the host gcc with 32-bit multilib, and ``epiphany-elf-gcc`` on PATH
(``export PATH="$(../shared/toolchain/install.sh):$PATH"``).  Each program is generated with
the corpus options of tools/build_fixtures.py, vetted on the host the same way (-m32 and -m64
agree, fast, deterministic), built for Epiphany and run under the emulator.

    tools/csmith_campaign.py 50                     # 50 new programs, random seeds
    tools/csmith_campaign.py 20 --first-seed 90000 --opts=-O2,-Og --keep out/

Every mismatch (different stdout, non-zero exit, fault, timeout) is reported with its seed
and command lines; with ``--keep DIR`` the source, ELF and emulator output of every mismatch
are copied there.  The exit status is 1 if any program mismatched.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_fixtures as bf  # noqa: E402

ROOT = bf.ROOT


def host_vet(work, src, opt, expected):
    """None when the host build of src at `opt` (-m64) prints `expected` within the vetting's
    time limit, else why not."""
    exe = os.path.join(work, f"host{opt}")
    try:
        bf.h_compile(work, src, exe, opt, "m64", ["-w", "-I", bf.csmith_include()])
    except RuntimeError:
        return f"host build at {opt} failed"
    try:
        out, _, code, _, _ = bf.h_run(exe, timeout=2)
    except subprocess.TimeoutExpired:
        return f"host run at {opt} timed out"
    if code != 0 or out != expected:
        return f"host run at {opt}: exit {code}, output {out[:40]!r}"
    return None


def emulator_command(elf_path):
    """The command line that runs one ELF: ``epiphany-emu load ELF``."""
    exe = shutil.which("epiphany-emu")
    if exe:
        return [exe, "load", elf_path]
    return [sys.executable, "-m", "emu", "load", elf_path]  # uninstalled checkout


def run_under_emulator(elf_path, timeout=120):
    """Run ``elf_path`` with ``epiphany-emu load`` -> (stdout_bytes, exit_code).

    exit_code is None when the run exceeded ``timeout`` seconds.  The emulator's stderr
    (fault reports, warnings) is passed through to ours.
    """
    try:
        r = subprocess.run(emulator_command(os.path.abspath(elf_path)), cwd=ROOT,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return e.stdout or b"", None
    if r.stderr:
        sys.stderr.write(r.stderr.decode(errors="replace"))
    return r.stdout, r.returncode


# seeds skipped one after the other (host vetting, build failures) before the campaign gives up
MAX_SKIPPED_IN_A_ROW = 50


def used_seeds():
    path = os.path.join(ROOT, bf.CSMITH_DIR, "seeds.txt")
    return {s for s, _ in bf.read_seeds(ROOT)} if os.path.exists(path) else set()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("count", type=int, help="number of vetted programs to test")
    ap.add_argument("--first-seed", type=int,
                    help="first seed (default: random; seeds of the committed corpus are "
                         "skipped)")
    ap.add_argument("--opts", default=None,
                    help="comma-separated Epiphany optimisation levels to build every "
                         "program at (default: one level per program, cycling "
                         + " ".join(bf.CSMITH_OPT_CYCLE) + ")")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per emulator run")
    ap.add_argument("--keep", metavar="DIR", help="copy mismatching programs here")
    ap.add_argument("--no-emulator", action="store_true",
                    help="only generate, vet and build (e.g. to time the host side)")
    ap.add_argument("--json", metavar="FILE", help="write a JSON summary")
    ap.add_argument("--csmith-options", metavar="OPTS",
                    help="replace the corpus csmith options (one string), e.g. for bigger "
                         "programs: '--no-packed-struct --no-float --max-funcs 8 "
                         "--max-block-depth 4 --max-array-len-per-dim 6'")
    args = ap.parse_args(argv)
    if args.csmith_options:
        bf.CSMITH_OPTIONS[:] = args.csmith_options.split()
    bf.toolchain_prefix()
    bf.csmith_include()

    rng = random.SystemRandom()
    seed = args.first_seed if args.first_seed is not None else rng.randrange(10**6, 2**31 - 10**6)
    skip = used_seeds()
    opts_all = args.opts.split(",") if args.opts else None
    results, rejected, in_a_row = [], 0, 0
    with tempfile.TemporaryDirectory(prefix="csmith-campaign-") as work:
        n = 0
        while n < args.count:
            if seed in skip:
                seed += 1
                continue
            opts = opts_all or [bf.CSMITH_OPT_CYCLE[n % len(bf.CSMITH_OPT_CYCLE)]]
            try:
                entry, why = bf.csmith_candidate(work, seed, opts[0], measure=False)
            except Exception as e:  # noqa: BLE001
                entry, why = None, f"error: {e}"
            if entry is None:
                rejected += 1
                in_a_row += 1
                print(f"seed {seed}: skipped ({why})", file=sys.stderr)
                if in_a_row >= MAX_SKIPPED_IN_A_ROW:
                    # (epiphany-elf-gcc 12.2 at -O0 stops with an internal compiler error,
                    # "unrecognizable insn", in csmith's safe_math.h: every seed would be
                    # skipped, for ever)
                    print(f"csmith_campaign: {in_a_row} seeds in a row skipped, the last "
                          f"one: {why}; giving up (try another --opts level)", file=sys.stderr)
                    return 2
                seed += 1
                continue
            in_a_row = 0
            n += 1
            with open(os.path.join(work, entry["expected_stdout"]), "rb") as f:
                expected = f.read()
            for k, opt in enumerate(opts):
                elf = entry["elf"]
                res = {"seed": seed, "opt": opt, "expected": expected.decode().strip()}
                if k:
                    # (the vetting above was at opts[0]: the host must also finish, with the
                    # same output, at this level -- seed 260157 loops forever at -O1 on the
                    # host too, and its emulated -O1 build was reported as a timeout)
                    why = host_vet(work, entry["source"], opt, expected)
                    if why:
                        print(f"seed {seed} {opt}: skipped ({why})", file=sys.stderr)
                        continue
                    elf = f"csmith_{seed}{opt}.elf"
                    bf.e_build_csmith(work, entry["source"], elf, opt)
                if args.no_emulator:
                    res["status"] = "built"
                else:
                    t0 = time.perf_counter()
                    out, code = run_under_emulator(os.path.join(work, elf), args.timeout)
                    res["seconds"] = round(time.perf_counter() - t0, 2)
                    res["got"] = out.decode(errors="replace").strip()[:200]
                    res["exit_code"] = code
                    if code is None:
                        res["status"] = "timeout"
                    elif out == expected and code == 0:
                        res["status"] = "ok"
                    else:
                        res["status"] = "MISMATCH"
                print(f"seed {seed} {opt}: {res['status']} "
                      + (f"(expected '{res['expected']}', got '{res.get('got')}', exit "
                         f"{res.get('exit_code')})" if res["status"] not in ("ok", "built")
                         else f"{res.get('seconds', '')}"))
                if res["status"] not in ("ok", "built") and args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    for f in (entry["source"], elf):
                        shutil.copy(os.path.join(work, f), os.path.join(args.keep, f))
                    with open(os.path.join(args.keep, f"csmith_{seed}{opt}.txt"), "w") as f:
                        f.write(json.dumps(res, indent=1) + "\n"
                                + "rebuild: csmith " + " ".join(bf.CSMITH_OPTIONS)
                                + f" --seed {seed}\n")
                results.append(res)
            seed += 1
    bad = [r for r in results if r["status"] not in ("ok", "built")]
    print(f"{len(results)} runs of {args.count} programs ({rejected} seeds skipped by the "
          f"host vetting): {len(results) - len(bad)} ok, {len(bad)} mismatches/timeouts")
    for r in bad:
        print(f"  seed {r['seed']} {r['opt']}: {r['status']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"csmith_options": bf.CSMITH_OPTIONS, "results": results}, f, indent=1)
            f.write("\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
