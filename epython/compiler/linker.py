"""Linking (spec §1.2.4-5): main code + STOP, then the reachable functions, addresses fixed.

A function is reachable when the main program calls it or uses it as a value, when a
reachable function does, or when it is ``@exportable``.  The functions are laid out in the
reverse order of their definitions (the last ``def`` first), as ePython's linker does.  Every
GOTO, call and function value then gets its 16-bit absolute byte address; a name with no
function behind it is an error only in code that is linked.

The symbol count the cores reserve is the number of ids given out, less those of functions
that were not linked, plus 9 more copies of the ids of each linked function that calls itself
(ePython's recursion budget of 10 levels).
"""
from __future__ import annotations

import struct
from typing import Dict, List, Tuple

from ..bytecode import MAX_CODE_SIZE, Op, Program
from .code import CALL, GOTO, PAD, Code
from .errors import CompileError, unknown_function, unknown_variable_or_function
from .parser import Function, ParseResult

RECURSION_DEPTH = 10


def link(parsed: ParseResult) -> Program:
    return link_image(parsed)[0]


def link_image(parsed: ParseResult) -> Tuple[Program, List[int]]:
    """The linked program and the offsets of the bytes ePython leaves uninitialised."""
    by_name: Dict[str, Function] = {}
    for fn in parsed.functions:               # a later def of a name replaces an earlier one
        by_name[fn.name.lower()] = fn

    def mark(names: List[str]) -> None:
        for name in names:
            fn = by_name.get(name)
            if fn is not None and not fn.called:
                fn.called = True
                mark(fn.calls)

    mark(parsed.main_calls)

    image = Code().add(parsed.main).op(Op.STOP)
    addresses: Dict[str, int] = {}
    exported: Dict[str, int] = {}
    for fn in reversed(parsed.functions):
        if fn.called:
            addresses[fn.name.lower()] = len(image)
            exported[fn.name] = len(image)
            image.add(fn.code)

    if len(image) >= MAX_CODE_SIZE:
        raise CompileError(f"The program compiles to {len(image)} bytes of bytecode; ePython "
                           f"addresses are 16-bit, so a program must stay below "
                           f"{MAX_CODE_SIZE} bytes")

    buf = image.buf
    pads: List[int] = []
    for r in sorted(image.relocs, key=lambda r: r.offset):
        if r.kind == PAD:
            pads.append(r.offset)
            continue
        if r.kind == GOTO:
            target = image.labels[r.target]
        else:
            target = addresses.get(str(r.target).lower())
            if target is None:
                if r.kind == CALL:
                    raise unknown_function(r.target, r.filename, r.line)
                raise unknown_variable_or_function(r.target, r.filename, r.line)
        struct.pack_into("<H", buf, r.offset, target)

    unused = sum(fn.entries for fn in parsed.functions if not fn.called)
    recursive = sum(fn.entries for fn in parsed.functions if fn.called and fn.recursive)
    nsymbols = parsed.ids - unused + recursive * (RECURSION_DEPTH - 1)
    if nsymbols > 0xFFFF:
        raise CompileError(f"The program needs {nsymbols} symbol table entries; the count is "
                           f"16-bit, so it must stay below 65536")
    return Program(bytes(buf), nsymbols, exported), pads
