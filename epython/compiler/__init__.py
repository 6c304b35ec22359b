"""The ePython compiler: dialect source -> ePython v2.0 bytecode (:class:`epython.bytecode.Program`).

Pure Python, no emulator needed.  The pipeline is ePython's own (spec §1.2): the textual import
preprocessor (:mod:`.preprocess`), the lexer (:mod:`.lexer`), a parser that emits bytecode as
it parses (:mod:`.parser`, encoders in :mod:`.code`) and the linker (:mod:`.linker`).

API::

    compile_source(text, filename="<string>", search_path=None) -> Program
    compile_file(path, search_path=None) -> Program
    preprocess_file(path, search_path=None) -> str        # what ``-pp`` prints
    preprocess_source(text, filename="<string>", search_path=None) -> str
    CompileError                                           # str(e) = ePython's message

``search_path`` lists the directories searched for imported modules, before our bundled
``epython/modules``; by default it is the program's directory, the current directory,
``./modules`` and each directory of ``EPYTHONPATH``.  See docs/epython-compiler.md.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import List, Optional, Sequence, Tuple

from ..bytecode import Program
from . import preprocess as _pp
from .errors import CompileError
from .lexer import Lexer
from .linker import link, link_image
from .parser import Parser
from .preprocess import BUNDLED_MODULES, default_search_path

__all__ = ["compile_source", "compile_file", "preprocess_file", "preprocess_source",
           "CompileError", "BUNDLED_MODULES", "default_search_path"]


#: Python frames the recursive-descent parser may use: about 8 per level of parentheses, so
#: expressions nest some 2,500 deep (ePython's bison parser: about 10,000).  Python 3.11 runs
#: Python-to-Python calls without C recursion; older versions get a limit their C stack holds.
RECURSION_LIMIT = 20000 if sys.version_info >= (3, 11) else 8000


@contextmanager
def _deep_recursion():
    old = sys.getrecursionlimit()
    if old < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _parse_and_link(pre: "_pp.Preprocessed", linker):
    """Parse and link; a program nested too deeply for the parser's stack is ePython's
    ``memory exhausted`` error (bison's message when its stack is full) at the token
    reached."""
    parser = Parser(Lexer(pre.lines))
    with _deep_recursion():
        try:
            return linker(parser.parse())
        except RecursionError:
            tok = parser.tok
            raise CompileError(f"memory exhausted at line {tok.line} of file {tok.filename}",
                               tok.filename, tok.line) from None


def _compile(pre: "_pp.Preprocessed") -> Program:
    return _parse_and_link(pre, link)


def compile_with_pads(text: str, filename: str = "<string>",
                      search_path: Optional[Sequence[str]] = None) -> Tuple[Program, List[int]]:
    """Like :func:`compile_source`, also giving the offsets of the bytes after while loops
    that ePython leaves uninitialised (for byte comparisons with ePython's output)."""
    pre = _pp.preprocess_source(text, filename, search_path)
    return _parse_and_link(pre, link_image)


def compile_source(text: str, filename: str = "<string>",
                   search_path: Optional[Sequence[str]] = None) -> Program:
    """Compile a program given as text; ``filename`` is the name used in messages."""
    return _compile(_pp.preprocess_source(text, filename, search_path))


def compile_file(path: str, search_path: Optional[Sequence[str]] = None) -> Program:
    """Compile the program in ``path`` (messages name it as given)."""
    return _compile(_pp.preprocess_path(path, search_path))


def preprocess_source(text: str, filename: str = "<string>",
                      search_path: Optional[Sequence[str]] = None) -> str:
    """The preprocessed text with its ``<<<file`` / ``>>>`` markers, as ``-pp`` shows it."""
    return _pp.preprocess_source(text, filename, search_path).text


def preprocess_file(path: str, search_path: Optional[Sequence[str]] = None) -> str:
    """The preprocessed text of the program in ``path``, as ``-pp`` shows it."""
    return _pp.preprocess_path(path, search_path).text
