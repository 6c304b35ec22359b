"""``python -m epython.compiler prog.py [-o out.bin] [-pp] [--dis] [-s]`` (development tool).

Compiles an ePython program.  ``-o`` writes the bytecode file ePython's ``-o`` writes;
``-pp`` prints the preprocessed source first, as ePython does; ``--dis`` lists the bytecode;
``-s`` prints the sizes.  Compile errors print ePython's message on stderr and exit 1.
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import CompileError, compile_file, preprocess_file
from .disasm import disassemble


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m epython.compiler",
                                 description="Compile an ePython program to ePython v2.0 "
                                             "bytecode.")
    ap.add_argument("program", help="the ePython source file")
    ap.add_argument("-o", dest="output", metavar="FILE",
                    help="write the bytecode file (uint32 length, uint16 symbols, code)")
    ap.add_argument("-pp", action="store_true", help="print the preprocessed source")
    ap.add_argument("--dis", action="store_true", help="print a listing of the bytecode")
    ap.add_argument("-s", action="store_true", help="print the code size and symbol count")
    ap.add_argument("-I", dest="path", action="append", metavar="DIR",
                    help="search DIR for imported modules (instead of the default search "
                         "path; our bundled modules are always searched last)")
    args = ap.parse_args(argv)
    try:
        if args.pp:
            sys.stdout.write(preprocess_file(args.program, args.path) + "\n")
        program = compile_file(args.program, args.path)
    except CompileError as err:
        print(err, file=sys.stderr)
        return 1
    if args.s:
        print(f"{len(program.code)} bytes for code, {program.nsymbols} symbol table entries")
    if args.dis:
        sys.stdout.write(disassemble(program))
    if args.output:
        program.save(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
