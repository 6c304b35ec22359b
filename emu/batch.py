"""``epiphany-emu batch``: run a matrix of (program x options) and write one row per run.

For regression corpora (a csmith corpus, the fixtures) and parameter sweeps (timing options,
chip shapes): every program is run with every option set by ``epiphany-emu load`` in a
process of its own, on a local process pool or on a Dask distributed cluster
(``--scheduler ADDRESS``; ``pip install 'epiphany-emu[cluster]'``), and each finished run
appends a row to a table (CSV, or JSON lines when the file ends in ``.jsonl``): program,
options, exit status, stop reason, a hash of stdout, emulated cycles, instructions, wall
time.  The table is the journal: run again with the same table and the runs already in it
are skipped, so a crashed or interrupted driver resumes where it stopped.

    epiphany-emu batch tests/fixtures/csmith/*.elf -o corpus.csv
    epiphany-emu batch a.elf b.elf --opts "" --opts "--timing off" -o sweep.csv -j 2
    epiphany-emu batch --matrix sweep.json -o sweep.csv --scheduler tcp://10.0.0.5:8786
"""
from __future__ import annotations

import argparse
import csv
import glob
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from typing import Dict, Iterable, List, Optional, Tuple

#: the columns of the results table, in order
COLUMNS = ("program", "options", "exit_code", "stop", "stdout_sha256", "cycles",
           "instructions", "wall_seconds", "error")


def run_one(program: str, options: str, timeout: float = 600.0,
            python: Optional[str] = None) -> Dict[str, object]:
    """Run ``epiphany-emu load PROGRAM OPTIONS`` in a process of its own; the row.  Never
    raises: what went wrong (a timeout, a crash, a bad option) is in the row's ``error``."""
    fd, metrics = tempfile.mkstemp(suffix=".json", prefix="emu-batch-")
    os.close(fd)
    argv = [python or sys.executable, "-m", "emu", "load", program, "--metrics", metrics] + \
        shlex.split(options)
    row: Dict[str, object] = dict(program=program, options=options, exit_code=None, stop="",
                                  stdout_sha256="", cycles=None, instructions=None,
                                  wall_seconds=None, error="")
    t0 = time.perf_counter()
    try:
        # one host thread per run: the runs themselves keep the host's cores busy (an
        # option set may still say --threads N)
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout, env=dict(os.environ, EPIPHANY_THREADS="1"))
        row["exit_code"] = p.returncode
        row["stdout_sha256"] = hashlib.sha256(p.stdout).hexdigest()
        try:
            with open(metrics) as f:
                m = json.load(f)
            row.update(stop=m["stop"], cycles=m["cycles"], instructions=m["instructions"])
        except (OSError, ValueError, KeyError):
            err = p.stderr.decode(errors="replace").strip().splitlines()
            row["error"] = err[-1] if err else f"no result (exit status {p.returncode})"
    except subprocess.TimeoutExpired:
        row["error"] = f"timeout after {timeout:g} s"
    finally:
        row["wall_seconds"] = round(time.perf_counter() - t0, 3)
        try:
            os.unlink(metrics)
        except OSError:
            pass
    return row


def _key(program: str, options: str) -> Tuple[str, str]:
    return os.path.abspath(program), " ".join(shlex.split(options))


class Table:
    """The results table: rows appended (and flushed) as runs finish; the runs it already
    holds are not run again."""

    def __init__(self, path: str):
        self.path = path
        self.jsonl = path.endswith(".jsonl")
        self.done = set()
        if os.path.exists(path) and os.path.getsize(path):
            for row in self._read():
                self.done.add(_key(row["program"], row["options"]))
        new = not os.path.exists(path) or os.path.getsize(path) == 0
        self._f = open(path, "a", newline="")
        if not new:
            with open(path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    self._f.write("\n")     # after a driver that died mid-line
        if not self.jsonl:
            self._w = csv.DictWriter(self._f, fieldnames=COLUMNS)
            if new:
                self._w.writeheader()
                self._f.flush()

    def _read(self) -> Iterable[Dict[str, str]]:
        with open(self.path, newline="") as f:
            if self.jsonl:
                for line in f:
                    line = line.strip()
                    if line:
                        try:
                            yield json.loads(line)
                        except ValueError:
                            pass            # a torn last line of a crashed driver
            else:
                for row in csv.DictReader(f):
                    if row.get("program") and row.get("options") is not None and \
                            row.get("wall_seconds"):
                        yield row

    def add(self, row: Dict[str, object]) -> None:
        if self.jsonl:
            self._f.write(json.dumps(row) + "\n")
        else:
            self._w.writerow(row)
        self._f.flush()
        os.fsync(self._f.fileno())
        self.done.add(_key(str(row["program"]), str(row["options"])))

    def close(self) -> None:
        self._f.close()


def expand_matrix(programs: List[str], option_sets: List[str]) -> List[Tuple[str, str]]:
    """Every program (globs expanded, in order) with every option set."""
    progs: List[str] = []
    for p in programs:
        hits = sorted(glob.glob(p)) if any(ch in p for ch in "*?[") else [p]
        progs.extend(hits)
    return [(p, o) for p in progs for o in (option_sets or [""])]


def read_matrix(path: str) -> Tuple[List[str], List[str]]:
    """A JSON matrix file: {"programs": [...globs...], "options": ["", "--timing off", ...]}."""
    with open(path) as f:
        doc = json.load(f)
    progs = doc.get("programs")
    opts = doc.get("options", [""])
    if not isinstance(progs, list) or not all(isinstance(x, str) for x in progs) or \
            not isinstance(opts, list) or not all(isinstance(x, str) for x in opts):
        raise ValueError(f'{path}: expected {{"programs": [...], "options": [...]}} of strings')
    return progs, opts


def run_batch(tasks: List[Tuple[str, str]], table: Table, *, jobs: int = 0,
              scheduler: Optional[str] = None, timeout: float = 600.0,
              progress=None) -> int:
    """Run the tasks not yet in the table; returns how many ran."""
    todo = [t for t in tasks if _key(*t) not in table.done]
    if not todo:
        return 0
    if scheduler:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise RuntimeError("--scheduler needs Dask: pip install 'epiphany-emu[cluster]'") \
                from None
        client = Client(scheduler)
        try:
            futures = [client.submit(run_one, p, o, timeout, pure=False) for p, o in todo]
            for fut in as_completed(futures):
                _finish(table, fut.result(), progress)
        finally:
            client.close()
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed
        jobs = jobs or os.cpu_count() or 1
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(run_one, p, o, timeout) for p, o in todo]
            for fut in as_completed(futures):
                _finish(table, fut.result(), progress)
    return len(todo)


def _finish(table: Table, row, progress) -> None:
    table.add(row)
    if progress is not None:
        progress(row)


# ---- the command line ---------------------------------------------------------------------------
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("programs", nargs="*", metavar="ELF",
                   help="programs (globs allowed, quoted or expanded by the shell)")
    p.add_argument("--opts", action="append", metavar="OPTIONS",
                   help="one option set for `epiphany-emu load`, as one string (repeat for a "
                        "sweep; default: no options); a single option without a value is "
                        "written --opts=--stats")
    p.add_argument("--matrix", metavar="FILE.json",
                   help='programs and option sets from a file: {"programs": [...], '
                        '"options": [...]}')
    p.add_argument("-o", "--output", required=True, metavar="TABLE",
                   help="results table: CSV, or JSON lines if it ends in .jsonl; runs already "
                        "in it are skipped (resume after a crash)")
    p.add_argument("-j", "--jobs", type=int, default=0,
                   help="local worker processes (default: the host's cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask distributed cluster (e.g. tcp://host:8786) instead of "
                        "local processes; needs pip install 'epiphany-emu[cluster]'")
    p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                   help="wall-time limit per run (default 600)")
    p.add_argument("-q", "--quiet", action="store_true", help="no line per finished run")
    p.set_defaults(func=run)


def run(args) -> int:
    programs = list(args.programs)
    opts = list(args.opts or [])
    if args.matrix:
        try:
            mp, mo = read_matrix(args.matrix)
        except (OSError, ValueError) as e:
            print(f"epiphany-emu: {e}", file=sys.stderr)
            return 2
        programs += mp
        opts += [o for o in mo if o not in opts]
    tasks = expand_matrix(programs, opts)
    missing = [p for p, _ in tasks if not os.path.isfile(p)]
    if not tasks:
        print("epiphany-emu: no programs to run (give ELF files or --matrix)", file=sys.stderr)
        return 2
    if missing:
        print(f"epiphany-emu: {missing[0]}: no such file", file=sys.stderr)
        return 2
    try:
        table = Table(args.output)
    except OSError as e:
        print(f"epiphany-emu: cannot write {args.output}: {e.strerror}", file=sys.stderr)
        return 2

    def progress(row):
        if not args.quiet:
            what = row["error"] or f"{row['stop']} {row['exit_code']} {row['cycles']} cycles"
            print(f"{row['program']} {row['options']}: {what}", flush=True)
    try:
        skipped = sum(1 for t in tasks if _key(*t) in table.done)
        if skipped and not args.quiet:
            print(f"{skipped} run(s) already in {args.output}: skipped", flush=True)
        n = run_batch(tasks, table, jobs=args.jobs, scheduler=args.scheduler,
                      timeout=args.timeout, progress=progress)
    except RuntimeError as e:
        print(f"epiphany-emu: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("epiphany-emu: interrupted (run again with the same table to resume)",
              file=sys.stderr)
        return 130
    finally:
        table.close()
    if not args.quiet:
        print(f"{n} run(s) done; table: {args.output}")
    return 0
