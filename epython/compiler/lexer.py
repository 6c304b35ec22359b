"""The lexer of the ePython dialect (spec §1.2.2).

Keywords and identifiers are case-insensitive; identifiers may contain dots (``math.sqrt``).
Blocks are Python indentation (a space counts 1 column, a tab 4, as in ePython), turned into
INDENT / DEDENT tokens; a line holding only blanks and comments is no line at all.  Comments
are ``#`` to the end of the line and C ``/* ... */`` (which may span lines; the lines they
join are one logical line).  Numbers follow ePython's flex rules (C integer and float syntax,
longest match); strings are double-quoted with no escape processing.

Where we deliberately differ from ePython v2.0 (docs/epython-compiler.md): hex integers keep
their value (v2.0 read them with ``atoi``, giving 0); a single-quoted literal is a string (v2.0
made it the integer 0); the line after a ``#`` comment keeps its indentation (v2.0 lost it,
silently gluing that line to the block above); a character the dialect has no use for is a
syntax error (v2.0's lexer printed it and went on).
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence

from .errors import syntax_error
from .preprocess import SourceLine

# token kinds (also the names used in the parser)
EOF, NEWLINE, INDENT, DEDENT = "EOF", "NEWLINE", "INDENT", "DEDENT"
INTEGER, REAL, STRING, IDENT = "INTEGER", "REAL", "STRING", "IDENT"

KEYWORDS = {k.lower(): k for k in (
    "AND", "OR", "NOT", "TRUE", "FALSE", "DEF", "RETURN", "NONE", "ELSE", "ELIF", "IN", "IS",
    "WHILE", "PASS", "EXIT", "QUIT", "FOR", "TO", "FROM", "NEXT", "GOTO", "IF", "PRINT",
    "INPUT", "NATIVE", "STR", "ID", "SYMBOL", "ALIAS")}
# TO, FROM, NEXT and GOTO are reserved (eBasic leftovers): no rule of the grammar uses them.

#: operators, longest first (each maps to its token kind)
OPERATORS = [
    ("**=", "POWEQ"), ("//=", "FLOORDIVEQ"),
    ("**", "POW"), ("//", "FLOORDIV"), ("<>", "NEQ"), ("!=", "NEQ"), ("<=", "LEQ"),
    (">=", "GEQ"), ("==", "EQ"), ("+=", "ADDEQ"), ("-=", "SUBEQ"), ("*=", "MULEQ"),
    ("/=", "DIVEQ"), ("%=", "MODEQ"),
    ("!", "NOT"), ("<", "LT"), (">", "GT"), ("=", "ASSIGN"), ("^", "POW"), (",", "COMMA"),
    (":", "COLON"), ("+", "ADD"), ("-", "SUB"), ("*", "MUL"), ("/", "DIV"), ("%", "MOD"),
    ("[", "LBRACKET"), ("]", "RBRACKET"), ("(", "LPAREN"), (")", "RPAREN"), ("@", "AT"),
    (".", "DOT"), (";", "SEMICOLON"),
]
_OPS_BY_FIRST = {}
for _text, _kind in OPERATORS:
    _OPS_BY_FIRST.setdefault(_text[0], []).append((_text, _kind))

_IS = r"(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?"
_E = r"[Ee][+-]?[0-9]+"
_P = r"[Pp][+-]?[0-9]+"
_FS = r"[fFlL]?"
_H = r"[0-9a-fA-F]"
#: ePython's number rules in flex order: (kind, form, regex).  The longest match wins, the
#: earlier rule on a tie.
_NUMBER_RULES = [
    (INTEGER, "hex", re.compile(rf"0[xX]{_H}+{_IS}")),
    (INTEGER, "dec", re.compile(rf"[1-9][0-9]*{_IS}")),
    (INTEGER, "dec", re.compile(rf"0[0-7]*{_IS}")),
    (REAL, "dec", re.compile(rf"[0-9]+{_E}{_FS}")),
    (REAL, "dec", re.compile(rf"[0-9]*\.[0-9]+(?:{_E})?{_FS}")),
    (REAL, "dec", re.compile(rf"[0-9]+\.(?:{_E})?{_FS}")),
    (REAL, "hex", re.compile(rf"0[xX]{_H}+{_P}{_FS}")),
    (REAL, "hex", re.compile(rf"0[xX]{_H}*\.{_H}+{_P}{_FS}")),
    (REAL, "hex", re.compile(rf"0[xX]{_H}+\.{_P}{_FS}")),
]
_IDENT = re.compile(r"[a-zA-Z_][a-zA-Z0-9_.]*")
_SPACE = " \t\r\v\f"
_DIGITS = frozenset("0123456789")
_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


@dataclass(frozen=True)
class Token:
    kind: str
    value: object
    filename: str
    line: int
    text: str = ""


def int32(v: int) -> int:
    """Wrap to a signed 32-bit integer (what C's int conversion does on our targets)."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def float32(v: float) -> float:
    """Round a double to single precision, as C's conversion does (overflow gives inf)."""
    try:
        return struct.unpack("<f", struct.pack("<f", v))[0]
    except OverflowError:
        return float("inf") if v > 0 else float("-inf")


def _integer_value(text: str, form: str) -> int:
    digits = text.rstrip("uUlL")
    if form == "hex":
        return int32(int(digits[2:], 16))
    # ePython reads decimal (and "octal") literals with atoi: 017 is seventeen
    return int32(int(digits, 10))


def _real_value(text: str, form: str) -> float:
    body = text[:-1] if text[-1] in "fFlL" else text
    if form == "hex":
        return float.fromhex(body)
    return float(body)


def _indent_width(text: str) -> int:
    width = 0
    for ch in text:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4
        elif ch in "\r\v\f":
            continue
        else:
            break
    return width


class Lexer:
    """Turns the preprocessed lines into tokens, lazily (so errors come in source order)."""

    def __init__(self, lines: Sequence[SourceLine]) -> None:
        self._lines = lines
        self._gen = self._tokens()

    def __iter__(self) -> Iterator[Token]:
        return self._gen

    def _tokens(self) -> Iterator[Token]:
        indents: List[int] = [0]
        in_comment = False
        pending = False          # tokens emitted since the last NEWLINE
        last: Optional[SourceLine] = None
        for src in self._lines:
            last = src
            text, fn, ln = src.text, src.filename, src.line
            pos, n = 0, len(text)
            line_indent: Optional[int] = None if in_comment else _indent_width(text)
            while pos < n:
                if in_comment:
                    end = text.find("*/", pos)
                    if end < 0:
                        pos = n
                        break
                    pos, in_comment = end + 2, False
                    continue
                ch = text[pos]
                if ch in _SPACE:
                    pos += 1
                    continue
                if ch == "#":
                    break
                if text.startswith("/*", pos):
                    in_comment = True
                    pos += 2
                    continue
                tok, pos = self._one(text, pos, fn, ln)
                if not pending:
                    pending = True
                    if line_indent is not None:
                        yield from self._indentation(indents, line_indent, fn, ln)
                yield tok
            if pending and not in_comment:
                yield Token(NEWLINE, None, fn, ln)
                pending = False
        fn, ln = (last.filename, last.line) if last else ("<string>", 1)
        if pending:
            yield Token(NEWLINE, None, fn, ln)
        while len(indents) > 1:
            indents.pop()
            yield Token(DEDENT, None, fn, ln)
        while True:
            yield Token(EOF, None, fn, ln)

    @staticmethod
    def _indentation(indents: List[int], width: int, fn: str, ln: int) -> Iterator[Token]:
        if width > indents[-1]:
            indents.append(width)
            yield Token(INDENT, width, fn, ln)
            return
        while width < indents[-1]:
            indents.pop()
            if width > indents[-1]:          # dedent to a column no block started at
                raise syntax_error(fn, ln)
            yield Token(DEDENT, None, fn, ln)

    @staticmethod
    def _one(text: str, pos: int, fn: str, ln: int):
        ch = text[pos]
        if ch == '"' or ch == "'":
            end = text.find(ch, pos + 1)
            if end < 0:
                raise syntax_error(fn, ln)
            return Token(STRING, text[pos + 1:end], fn, ln, text[pos:end + 1]), end + 1
        if ch in _DIGITS or (ch == "." and text[pos + 1:pos + 2] in _DIGITS):
            best = None
            for kind, form, rx in _NUMBER_RULES:
                m = rx.match(text, pos)
                if m and (best is None or m.end() > best[2].end()):
                    best = (kind, form, m)
            kind, form, m = best
            lit = m.group()
            value = _integer_value(lit, form) if kind == INTEGER else _real_value(lit, form)
            return Token(kind, value, fn, ln, lit), m.end()
        if ch in _IDENT_START:
            m = _IDENT.match(text, pos)
            word = m.group()
            kw = KEYWORDS.get(word.lower())
            if kw is not None:
                return Token(kw, word, fn, ln, word), m.end()
            return Token(IDENT, word, fn, ln, word), m.end()
        for op, kind in _OPS_BY_FIRST.get(ch, ()):
            if text.startswith(op, pos):
                return Token(kind, op, fn, ln, op), pos + len(op)
        raise syntax_error(fn, ln)
