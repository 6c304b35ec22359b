"""The textual import preprocessor (spec §1.2.1).

ePython has no real modules: any line that contains ``import`` and does not start with ``#``
is replaced by the whole text of a file, once per program.  The module is the first word after
``import`` or ``from`` (whichever comes first on the line), so ``from parallel import *``,
``from array import len`` and ``import taskfarm`` each splice the whole of ``parallel.py``,
``array.py``, ``taskfarm.py``.  The rule is ePython's, quirks included: a string or a trailing
comment that contains "import" is taken for an import too.

The result is kept two ways: a list of :class:`SourceLine` (what the lexer reads, each line
with its own file and line number, so messages name the right place) and ePython's ``-pp``
text, where each file is wrapped in ``<<<path`` / ``>>>`` markers and comment-only lines are
left empty.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Set

from .errors import missing_file

#: our own modules, searched last
BUNDLED_MODULES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                               "modules")

_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_C_SPACE = " \t\n\v\f\r"


@dataclass(frozen=True)
class SourceLine:
    """One physical line of the spliced program: its text (no line end), file and number."""
    text: str
    filename: str
    line: int


@dataclass
class Preprocessed:
    lines: List[SourceLine]
    #: what ``epython -pp`` prints (ePython prints it followed by one more newline)
    text: str
    #: the files spliced in, in the order they were first imported (paths as displayed)
    included: List[str]


def default_search_path(program_dir: str = "") -> List[str]:
    """Where imports are looked for, before our bundled modules: the program's directory, the
    current directory, ``./modules`` and each directory of ``EPYTHONPATH``.  ``""`` stands
    for the current directory (a module found there is displayed as plain ``name.py``, as
    ePython does)."""
    dirs = [program_dir, "", "modules"]
    for d in os.environ.get("EPYTHONPATH", "").split(":"):
        if d:
            dirs.append(d.rstrip("/") or "/")
    out: List[str] = []
    for d in dirs:
        if d not in out:
            out.append(d)
    return out


def import_module_name(line: str) -> Optional[str]:
    """The module a source line imports, or None when ePython would not see an import.

    A line is an import when it contains ``import`` and its first character is not ``#`` (an
    indented ``# import x`` counts: ePython only looks at column 0).  The name is the first
    word after whichever of ``import``/``from`` comes first."""
    if "import" not in line or line.startswith("#"):
        return None
    start = line.find("import")
    from_at = line.find("from")
    if from_at != -1 and from_at < start:
        start = from_at
    rest = line[start:]
    word_at, idx, state = 0, 0, 0
    while idx < len(rest) and rest[idx] != "\n":
        space = rest[idx] in _C_SPACE
        if space and state == 0:
            state = 1
        if not space and state == 1:
            word_at, state = idx, 2
        if space and state == 2:
            break
        idx += 1
    return rest[word_at:idx]


def read_source(path: str) -> str:
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "surrogateescape")


class _Splicer:
    def __init__(self, search_path: Sequence[str]) -> None:
        self.search_path = list(search_path) + [BUNDLED_MODULES]
        self.lines: List[SourceLine] = []
        self.text: List[str] = []
        self.seen: Set[str] = set()
        self.included: List[str] = []
        #: the program itself, never taken for a module it imports (a program called
        #: taskfarm.py that imports taskfarm gets the module, not itself)
        self.program: Optional[str] = None

    def find(self, filename: str) -> Optional[str]:
        for d in self.search_path:
            path = os.path.join(d, filename) if d else filename
            if os.path.isfile(path) and os.path.realpath(path) != self.program:
                return path
        return None

    def splice(self, display: str, source: str) -> None:
        self.text.append(f"<<<{display}\n")
        for number, raw in enumerate(_LINE.findall(source), 1):
            module = import_module_name(raw)
            if module is not None:
                filename = module + ".py"
                path = self.find(filename)
                if path is None:
                    raise missing_file(filename, display, number)
                key = os.path.realpath(path)
                if key not in self.seen:
                    self.seen.add(key)
                    self.included.append(path)
                    self.splice(path, read_source(path))
                continue
            body = raw[:-1] if raw.endswith("\n") else raw
            if body.lstrip(_C_SPACE).startswith("#"):
                self.text.append("\n")
                body = ""
            else:
                self.text.append(raw)
            self.lines.append(SourceLine(body, display, number))
        self.text.append("\n>>>\n")


def preprocess_source(text: str, filename: str = "<string>",
                      search_path: Optional[Sequence[str]] = None) -> Preprocessed:
    """Splice the imports of a program given as text (``filename`` names it in messages; its
    directory, if any, is searched first)."""
    if search_path is None:
        search_path = default_search_path(os.path.dirname(filename)
                                          if not filename.startswith("<") else "")
    sp = _Splicer(search_path)
    if not filename.startswith("<") and os.path.isfile(filename):
        sp.program = os.path.realpath(filename)
    sp.splice(filename, text)
    return Preprocessed(sp.lines, "".join(sp.text), sp.included)


def preprocess_path(path: str, search_path: Optional[Sequence[str]] = None) -> Preprocessed:
    try:
        text = read_source(path)
    except OSError:
        raise missing_file(path) from None
    return preprocess_source(text, path, search_path)
