"""The assembler's lexer: source text → numbered statements, operand and argument splitting,
string literals, and the error every part of the assembler raises (``AsmError``)."""
from __future__ import annotations

import re
from typing import List, Optional


class AsmError(Exception):
    """An error in the source: ``file:line: error: message``, like GNU as."""

    def __init__(self, msg: str, line: int = 0, filename: str = ""):
        super().__init__(msg)
        self.msg = msg
        self.line = line
        self.filename = filename

    def __str__(self):
        return f"{self.filename or '<input>'}:{self.line}: error: {self.msg}"


def _string_end(text: str, i: int) -> int:
    """Index just past the string literal that opens at ``text[i] == '"'`` (backslash escapes
    included), or the end of the text when it is not closed."""
    j = i + 1
    while j < len(text):
        if text[j] == "\\" and j + 1 < len(text):
            j += 2
            continue
        if text[j] == '"':
            return j + 1
        j += 1
    return j


def _strip_comments(source: str) -> List[str]:
    """Remove /* */ comments (keeping line structure), then per line `;`, `//` and `#` at start."""
    out_lines = []
    in_c = False
    for raw in source.split("\n"):
        s = ""
        i = 0
        while i < len(raw):
            c = raw[i]
            if in_c:
                if raw.startswith("*/", i):
                    in_c = False
                    i += 2
                    s += " "
                else:
                    i += 1
                continue
            if c == '"':
                j = _string_end(raw, i)
                s += raw[i:j]
                i = j
                continue
            elif c == "'" and i + 1 < len(raw):
                s += raw[i:i + 2]
                i += 2
                continue
            elif raw.startswith("/*", i):
                in_c = True
                i += 2
                continue
            elif c == ";" or raw.startswith("//", i):
                break
            else:
                s += c
            i += 1
        if s.lstrip().startswith("#"):
            s = ""
        out_lines.append(s)
    return out_lines


def statements(source: str):
    for n, line in enumerate(_strip_comments(source), 1):
        if "`" in line:
            yield n, line.split("`")
        else:
            yield n, [line]


def scrub(ops: str) -> str:
    """Collapse whitespace like GNU as' input scrubber (keep one blank between two words)."""
    out = []
    prev = ""
    i = 0
    pending = False
    while i < len(ops):
        c = ops[i]
        if c in " \t":
            pending = True
            i += 1
            continue
        if pending and prev and (prev.isalnum() or prev in "_.$") and (c.isalnum() or c in "_.$"):
            out.append(" ")
        pending = False
        out.append(c)
        prev = c
        i += 1
    return "".join(out)


def operand_end(ops: str, i: int, stop: Optional[str]) -> int:
    if stop is None:
        return len(ops)
    depth = 0
    j = i
    while j < len(ops):
        c = ops[j]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == stop and depth <= 0:
            return j
        j += 1
    return j


def split_args(rest: str) -> List[str]:
    args, cur, depth = [], "", 0
    i = 0
    while i < len(rest):
        c = rest[i]
        if c == '"':
            j = _string_end(rest, i)
            cur += rest[i:j]
            i = j
            continue
        elif c == "(":
            depth += 1
            cur += c
        elif c == ")":
            depth -= 1
            cur += c
        elif c == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    args.append(cur.strip())
    return args


def parse_string(a: str) -> bytes:
    a = a.strip()
    if len(a) < 2 or a[0] != '"' or a[-1] != '"':
        raise AsmError("expected string")
    s = a[1:-1]
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("latin-1", "replace")
            i += 1
            continue
        i += 1
        c = s[i] if i < len(s) else "\\"
        if c in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += len(m.group(0))
            continue
        if c == "x":
            m = re.match(r"[0-9a-fA-F]+", s[i + 1:])
            if m:
                out.append(int(m.group(0), 16) & 0xFF)
                i += 1 + len(m.group(0))
                continue
        out.append(ord({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v",
                        "a": "\a"}.get(c, c)) & 0xFF)
        i += 1
    return bytes(out)


def shorten(s: str) -> str:
    return s if len(s) <= 50 else s[:50] + "..."
