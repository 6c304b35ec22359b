"""The ``.expected`` files of ``tests/epython/programs`` and how to compare a run with one.

Format (one item a line)::

    # cores: 4               device cores to run on (default 1)
    # order: per-core        per-core: only each core's own lines are in a defined order;
                             global: the whole output is in the order written (the program
                             orders its cores' prints with sync(), or runs on one core)
    # stdin: 21              a line of standard input (repeat for more lines)
    # oracle: why            ePython's host-standalone build (the oracle) cannot show this
                             output; the oracle comparison skips the program
    # anything else          a comment
    [device 0] text          a line printed by core 0 on stdout
    Error from core 0: msg   a run-time error, printed by the host on stderr

``input("prompt")`` prints ``[device N] prompt`` with no newline, so the next output follows
it on the same line: ``[device 0] Number? [device 0] 42``; ``input()`` prints ``device N> ``
(no brackets) the same way.  Blank lines are ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

_PREFIX = re.compile(r"\[device (\d+)\] |device (\d+)> ")
_ERROR = re.compile(r"Error from core (\d+): ")


@dataclass
class Expected:
    cores: int = 1
    order: str = "per-core"
    stdin: List[str] = field(default_factory=list)
    stdout: List[str] = field(default_factory=list)
    stderr: List[str] = field(default_factory=list)
    oracle_note: str = ""


def load_expected(path: str) -> Expected:
    exp = Expected()
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                key = key.strip()
                if key == "cores":
                    exp.cores = int(value)
                elif key == "order":
                    exp.order = value.strip()
                    if exp.order not in ("per-core", "global"):
                        raise ValueError(f"{path}: order must be per-core or global")
                elif key == "oracle":
                    exp.oracle_note = value.strip()
                elif key == "stdin":
                    exp.stdin.append(value[1:] if value.startswith(" ") else value)
                continue
            if _ERROR.match(line):
                exp.stderr.append(line)
            elif _PREFIX.match(line):
                exp.stdout.append(line)
            else:
                raise ValueError(f"{path}: not an output line: {line!r}")
    return exp


def _pieces(lines: List[str]) -> List[Tuple[int, str]]:
    """Split output into (core, text) pieces at each ``[device N] `` prefix."""
    out: List[Tuple[int, str]] = []
    text = "\n".join(lines)
    marks = list(_PREFIX.finditer(text))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        core = int(m.group(1) if m.group(1) is not None else m.group(2))
        out.append((core, text[m.end():end].rstrip("\n")))
    return out


def per_core(lines: List[str]) -> Dict[int, List[str]]:
    streams: Dict[int, List[str]] = {}
    for core, text in _pieces(lines):
        streams.setdefault(core, []).append(text)
    return streams


def compare(exp: Expected, stdout: str, stderr: str) -> List[str]:
    """Differences between a run's output and the expectation (empty when they agree)."""
    problems: List[str] = []
    got = [ln for ln in stdout.splitlines() if ln.strip()]
    if exp.order == "global":
        if got != exp.stdout:
            problems.append(f"stdout differs:\nexpected {exp.stdout}\ngot      {got}")
    else:
        want, have = per_core(exp.stdout), per_core(got)
        for core in sorted(set(want) | set(have)):
            if want.get(core, []) != have.get(core, []):
                problems.append(f"core {core}: expected {want.get(core, [])}, "
                                f"got {have.get(core, [])}")
    errs = sorted(ln for ln in stderr.splitlines() if _ERROR.match(ln))
    if errs != sorted(exp.stderr):
        problems.append(f"errors: expected {exp.stderr}, got {errs}")
    return problems


def compare_phases(phases: List[List[Tuple[int, str]]], errors: List[str], stdout: str,
                   stderr: str) -> List[str]:
    """Differences between a run's output and output given as *phases*: lists of (core,
    text) printed one phase after the other (a ``sync()`` or a message orders them), in no
    defined order across cores inside a phase.  ``text`` is what follows a ``[device N] ``
    (or ``device N> ``) prefix up to the next prefix or line end.  Text before the first
    prefix is a difference, so is output beyond the last phase.  ``errors``: the
    ``Error from core N: ...`` lines expected on stderr, in any order."""
    problems: List[str] = []
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    text = "\n".join(lines)
    first = _PREFIX.search(text)
    head = text if first is None else text[:first.start()]
    if head.strip():
        problems.append(f"output before the first [device N] prefix: {head!r}")
    got = _pieces(lines)
    pos = 0
    for i, phase in enumerate(phases):
        chunk = got[pos:pos + len(phase)]
        pos += len(phase)
        want, have = {}, {}
        for core, t in phase:
            want.setdefault(core, []).append(t)
        for core, t in chunk:
            have.setdefault(core, []).append(t)
        for core in sorted(set(want) | set(have)):
            if want.get(core, []) != have.get(core, []):
                problems.append(f"phase {i}, core {core}: expected {want.get(core, [])}, "
                                f"got {have.get(core, [])}")
        if problems:
            break
    if not problems and pos < len(got):
        problems.append(f"more output than expected: {got[pos:]}")
    errs = sorted(ln for ln in stderr.splitlines() if _ERROR.match(ln))
    if errs != sorted(errors):
        problems.append(f"errors: expected {sorted(errors)}, got {errs}")
    return problems
