"""The one exception the compiler raises, carrying ePython's own message text."""
from __future__ import annotations

from typing import Optional


class CompileError(Exception):
    """A program that does not compile.

    ``str(err)`` is the message exactly as ePython v2.0 prints it (spec §5), e.g.
    ``syntax error at line 3 of file prog.py``; ``filename`` and ``line`` say where (``None``
    when the message has no place, e.g. a program too large)."""

    def __init__(self, message: str, filename: Optional[str] = None,
                 line: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line


def syntax_error(filename: str, line: int) -> CompileError:
    return CompileError(f"syntax error at line {line} of file {filename}", filename, line)


def unknown_variable(name: str, filename: str, line: int) -> CompileError:
    return CompileError(f"Can not find variable name {name} at line {line}, you must declare "
                        f"this before use", filename, line)


def unknown_variable_or_function(name: str, filename: str, line: int) -> CompileError:
    return CompileError(f"Can not find variable or function '{name}' in assignment at line "
                        f"number {line}", filename, line)


def unknown_function(name: str, filename: str, line: int) -> CompileError:
    return CompileError(f"Can not find function '{name}' in function call at line number {line}",
                        filename, line)


def unknown_native(name: str, filename: str, line: int) -> CompileError:
    return CompileError(f"Native function call of '{name}' is not found", filename, line)


def missing_file(name: str, filename: Optional[str] = None,
                 line: Optional[int] = None) -> CompileError:
    return CompileError(f"Opening of Python file '{name}' failed, are you sure this file exists?",
                        filename, line)
