"""Command-line interface: ``epiphany-emu COMMAND ...``.

Each command lives in its own module, which provides ``add_arguments(parser)``; that function
declares the options and calls ``parser.set_defaults(func=run)`` where ``run(args) -> int``
returns the process exit code.  Register new commands in ``COMMANDS``.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Optional

#: (command, module, one-line help, example lines for --help)
COMMANDS = [
    ("asm", "isa.assembler", "assemble GNU-syntax Epiphany assembly into an ELF executable",
     ["epiphany-emu asm prog.s -o prog.elf --base 0x0"]),
    ("load", "emu.runner", "run an Epiphany program (ELF) on the emulated chip",
     ["epiphany-emu load examples/hello.elf",
      "epiphany-emu load app.elf --unaligned=report --sandbox ./data",
      "epiphany-emu load app.elf --sandbox ./data --max-file-size 10M -- in.txt out.txt",
      "epiphany-emu load app.elf --stats --timing off",
      "epiphany-emu load app.elf --cores 16 --threads 2   # two host threads, same results",
      "epiphany-emu load app.elf --profile run.json --heatmap mesh.png --heatmap-by traffic",
      "epiphany-emu load app.elf --trace run.trace --trace-cores 0x808,0x809 "
      "--trace-range 0x100:0x400"]),
    ("debug", "emu.debug.cli", "debug a program with GDB's everyday commands (break, run, "
     "step, next, print, x, watch, bt, thread) on the emulated chip",
     ["epiphany-emu debug app.elf",
      "epiphany-emu debug -batch -ex 'break main.c:12' -ex run -ex 'print total' -ex bt "
      "app.elf",
      "epiphany-emu debug --cores 4 -batch -ex 'watch shared_counter' -ex run -ex continue "
      "app.elf",
      "epiphany-emu load app.elf --gdb 2345     # then: epiphany-elf-gdb app.elf "
      "-ex 'target remote :2345'"]),
    ("epython", "epython.cli", "run an ePython program on the emulated chip (same as `epython`)",
     ["epiphany-emu epython examples/epython/hello.py",
      "epiphany-emu epython -d 4 -t prog.py"]),
    ("host", "emu.hostcmd", "run an ESDK host program (built against our e-hal) on a private "
     "emulated chip", ["epiphany-emu host ./matmul_host", "epiphany-emu host --profile p.json "
                       "./host arg1",
                       "epiphany-emu host --gdb :2345 ./host dev.elf   # then: epiphany-elf-gdb "
                       "dev.elf -ex 'target remote :2345'"]),
    ("serve", "emu.serve", "serve the emulated chip to ESDK host programs (libe-hal)",
     ["epiphany-emu serve", "epiphany-emu serve --socket /tmp/chip.sock --chip 8x8",
      "epiphany-emu serve --gdb :2345     # GDB too: epiphany-elf-gdb dev.elf "
      "-ex 'target remote :2345'"]),
    ("hal-config", "emu.halconfig", "compiler flags for ESDK host programs (our libe-hal)",
     ["gcc host.c -o host $(epiphany-emu hal-config --cflags --libs)"]),
    ("batch", "emu.batch", "run a matrix of programs x options, one table row per run "
     "(process pool or Dask cluster; resumable)",
     ["epiphany-emu batch tests/fixtures/csmith/*.elf -o corpus.csv",
      'epiphany-emu batch a.elf b.elf --opts "" --opts "--timing off" -o sweep.csv -j 2',
      "epiphany-emu batch --matrix sweep.json -o sweep.jsonl --scheduler tcp://host:8786"]),
    ("disasm", "loader.objdump", "disassemble an ELF file and dump its headers like "
     "epiphany-elf-objdump (-d -S -h -t -x -f -p -r)",
     ["epiphany-emu disasm app.elf",
      "epiphany-emu disasm -j .text --start-address 0x80000030 app.elf",
      "epiphany-emu disasm -S app.elf            # source lines interleaved (built with -g)",
      "epiphany-emu disasm -h -t app.elf         # section headers and symbol table",
      "epiphany-emu disasm -x app.elf            # every header"]),
]
COMMAND_NAMES = {c[0] for c in COMMANDS}

EPILOG = "examples:\n" + "\n".join(f"  {ex}" for _, _, _, exs in COMMANDS for ex in exs)


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The command line; with `only`, just that command's options are built (the others are
    listed with their help)."""
    ap = argparse.ArgumentParser(
        prog="epiphany-emu",
        description="Emulator of the Adapteva Epiphany E16G301 many-core chip.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    from . import __version__
    ap.add_argument("--version", action="version", version=f"epiphany-emu {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, modname, help_, examples in COMMANDS:
        if name in OWN_PARSER or (only is not None and name != only):
            # a command not being run needs no import (start-up time): its name and help
            sub.add_parser(name, help=help_, add_help=False)
            continue
        mod = importlib.import_module(modname)
        p = sub.add_parser(name, help=help_, description=help_,
                           epilog="examples:\n" + "\n".join(f"  {e}" for e in examples),
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           # a command may take -h itself (disasm: objdump's section headers)
                           add_help=getattr(mod, "ADD_HELP", True))
        mod.add_arguments(p)
    return ap


#: commands with a command line of their own (ePython's single-dash options): argv after the
#: command name goes to their main(argv, prog)
OWN_PARSER = {"epython"}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in OWN_PARSER:
        modname = next(m for n, m, _, _ in COMMANDS if n == argv[0])
        return importlib.import_module(modname).main(argv[1:], prog=f"epiphany-emu {argv[0]}")
    # only the command being run is imported (the others' modules cost start-up time)
    ap = build_parser(only=argv[0] if argv and argv[0] in COMMAND_NAMES else None)
    # "--" ends the emulator's options: what follows is the program's argv (load)
    rest = None
    if "--" in argv:
        at = argv.index("--")
        argv, rest = argv[:at], argv[at + 1:]
    args = ap.parse_args(argv)
    if rest is not None:
        if not getattr(args, "takes_program_args", False):
            ap.error(f"'--' (program arguments) is for 'epiphany-emu load', not "
                     f"'{args.command}'")
        args.program_args = rest
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("epiphany-emu: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
