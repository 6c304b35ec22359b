"""``epython`` / ``epiphany-emu epython``: run an ePython program on the emulated chip.

ePython's own command line (spec §5, single-dash options, case-insensitive as ePython reads
them) plus the emulator's options (double-dash).  The program is compiled by
``epython.compiler``, its bytecode runs on the VM firmware (ours by default, or any firmware
that speaks ePython's host protocol, ePython's genuine one included: ``--firmware``) on the
emulated cores, instruction by instruction, with the timing model, profiler and alignment
checker of ``epiphany-emu load``.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time
from typing import List, Optional

PROG = "epython"
VERSION = "2.0"          #: the ePython language/bytecode version we implement

EXAMPLES = """examples:
  epython hello.py                          # all 16 cores of the Parallella's chip
  epython -d 4 -t jacobi.py                 # cores 0-3, each core's emulated run time
  epython -c 1:7 prog.py                    # cores 1..7 (also: -c 5, -c 1,2,9, -c all)
  epython -d 2 -pipein $'from parallel import *\\nprint "hi from "+coreid()'
  epython -o prog.bin prog.py && epython -l prog.bin
  epython -s -pp prog.py                    # sizes, preprocessed source, then run
  epython --firmware epython-device.elf prog.py   # another device firmware (e.g. ePython's)
  epython --profile run.json --heatmap mesh.png jacobi.py
  epython --unaligned=report --timing off --max-cycles 100000000 prog.py"""

EXIT_HELP = """exit status: 0 when every core completed (ePython prints run-time errors as
"Error from core N: ..." and still exits 0); 1 for a program that does not compile or a run
that did not complete (deadlock, fault, --max-cycles); 2 for bad options or files; 130 when
interrupted; 141 when the output pipe is closed (epython prog.py | head)."""

#: --max-cycles is an unsigned 64-bit count in the engine
MAX_CYCLES_LIMIT = 1 << 63

#: ePython's options (single dash; matched case-insensitively like ePython's host does)
EPYTHON_FLAGS = ("-d", "-c", "-h", "-t", "-s", "-pp", "-o", "-l", "-pipein", "-codecore",
                 "-codeshared", "-datashared", "-help", "-elf", "-srec", "-fullpython")


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, add_help=False, allow_abbrev=False,
        usage=f"{prog} [options] file.py",
        description=f"ePython {VERSION} on the emulated Epiphany chip: compile the program and "
                    "run its bytecode on the VM firmware of every chosen core.",
        epilog=EXAMPLES + "\n\n" + EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", nargs="?", help="the ePython program (source)")
    e = p.add_argument_group("ePython's options")
    e.add_argument("-d", type=int, metavar="N", dest="ndevice",
                   help="run on device cores 0..N-1 (default: all 16)")
    e.add_argument("-c", metavar="SPEC", dest="cores",
                   help="run on these cores: 5, 1,2,9, 1:7 (inclusive) or all")
    e.add_argument("-h", type=int, metavar="N", dest="hostprocs",
                   help="N host virtual cores (not supported by the emulator; refused)")
    e.add_argument("-t", action="store_true", dest="print_times",
                   help="print each core's run time (emulated, at 600 MHz) when it completes")
    e.add_argument("-s", action="store_true", dest="stats",
                   help="print the code and symbol-table sizes and the free core memory")
    e.add_argument("-pp", action="store_true", dest="pp",
                   help="print the preprocessed source (imports spliced in), then run")
    e.add_argument("-o", metavar="FILE", dest="out",
                   help="write the compiled bytecode to FILE and stop")
    e.add_argument("-l", metavar="FILE", dest="load",
                   help="run bytecode written by -o (ours or ePython's)")
    e.add_argument("-pipein", metavar="SOURCE", dest="pipein",
                   help="the program's source text given on the command line")
    e.add_argument("-codecore", action="store_const", const="core", dest="placement",
                   help="keep the bytecode on each core (default: when <= 2048 bytes)")
    e.add_argument("-codeshared", action="store_const", const="shared", dest="placement",
                   help="interpret the bytecode from shared DRAM")
    e.add_argument("-datashared", action="store_true", dest="datashared",
                   help="scalar stack and heap in shared DRAM from the start")
    e.add_argument("-elf", action="store_true", dest="elf", help="(accepted, no effect)")
    e.add_argument("-srec", action="store_true", dest="srec", help="(accepted, no effect)")
    e.add_argument("-fullpython", action="store_true", dest="fullpython",
                   help="ePython's CPython-2 bridge for its offload module (not supported; refused)")
    e.add_argument("-help", "--help", action="help", help="show this help and exit")
    m = p.add_argument_group("emulator options")
    m.add_argument("--firmware", metavar="ELF",
                   help="device firmware to run the bytecode (default: ours, "
                        "firmware/epython/epython-vm.elf)")
    m.add_argument("--seed", type=int, default=1,
                   help="seed of the host's rand() behind random() (default 1: runs are "
                        "deterministic; ePython seeds with the time)")
    m.add_argument("--max-cycles", type=int, default=0, metavar="N",
                   help="stop after N cycles of emulated time (default: no limit)")
    m.add_argument("--timing", choices=["on", "off"], default="on",
                   help="timing model (pipeline, mesh, eLink): on (default) or off")
    m.add_argument("--unaligned", choices=["stop", "report", "trap"], default="stop",
                   help="a misaligned load/store: stop with a report (default), report every "
                        "one and go on, or raise the exception in the firmware")
    m.add_argument("--stats-emu", action="store_true", dest="emu_stats",
                   help="print the emulator's per-core statistics at the end")
    m.add_argument("--profile", nargs="?", const="", default=None, metavar="FILE.json",
                   help="profile the run (summary on stderr; JSON to FILE.json when given)")
    m.add_argument("--heatmap", metavar="FILE.png", help="picture of the mesh (needs matplotlib)")
    m.add_argument("--heatmap-by", choices=["cycles", "traffic"], default="cycles",
                   help="what colours the cores of --heatmap (default: busy cycles)")
    m.add_argument("--trace", metavar="FILE", help="one line per executed instruction")
    m.add_argument("--trace-cores", metavar="LIST", help="trace only these cores (ids 0..15)")
    m.add_argument("--version", action="version", version=f"ePython {VERSION} "
                   f"(epiphany-emu {_emu_version()})")
    return p


def _emu_version() -> str:
    try:
        from emu import __version__
        return __version__
    except Exception:       # pragma: no cover
        return "?"


def _normalise(argv: List[str]) -> List[str]:
    """ePython matches its options ignoring case: -D 4, -PP, -DataShared."""
    out = []
    for a in argv:
        low = a.lower()
        out.append(low if a.startswith("-") and not a.startswith("--") and low in EPYTHON_FLAGS
                   else a)
    return out


class _Usage(Exception):
    pass


def _err(msg: str, prog: str = PROG) -> None:
    print(f"{prog}: {msg}", file=sys.stderr)


def main(argv: Optional[List[str]] = None, prog: str = PROG) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        build_parser(prog).print_help()
        return 0
    args = build_parser(prog).parse_args(_normalise(argv))
    args.prog = prog
    try:
        return _main(args)
    except _Usage as e:
        _err(str(e), prog)
        return 2
    except KeyboardInterrupt:
        _err("interrupted", prog)
        return 130
    except BrokenPipeError:
        # the reader of our output went away (epython prog.py | head): stop quietly, and
        # keep Python from complaining again when it flushes stdout at exit
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass
        return 141


def _program(args):
    """Compile (or load) the program; prints -pp output on the way."""
    from .bytecode import BytecodeFormatError, Program
    from .compiler import CompileError, compile_source, preprocess_file, preprocess_source
    from .compiler import compile_file
    given = [x for x in (args.file, args.load, args.pipein) if x is not None]
    if len(given) != 1:
        raise _Usage("give one program: a file, -l BYTECODE or -pipein SOURCE "
                      f"(see {args.prog} -help)")
    if args.file is not None and not os.path.isfile(args.file):
        raise _Usage(f"Opening of Python file '{args.file}' failed, are you sure this file "
                     f"exists?")
    if args.load is not None:
        try:
            return Program.load(args.load)
        except OSError:
            raise _Usage(f"Opening of byte code file '{args.load}' failed, are you sure this "
                         f"file exists?") from None
        except BytecodeFormatError as e:
            raise _Usage(str(e)) from None
    try:
        if args.pipein is not None:
            if args.pp:
                print(preprocess_source(args.pipein, "<pipein>"))
            return compile_source(args.pipein, "<pipein>")
        if args.pp:
            print(preprocess_file(args.file))
        return compile_file(args.file)
    except CompileError as e:
        print(str(e), file=sys.stderr)
        return None


def _cores(args) -> List[int]:
    from .runtime import parse_core_spec
    if args.hostprocs is not None:
        raise _Usage("host virtual cores (-h) are not supported on the emulator: run the "
                     "program on device cores (-d N or -c SPEC; help is -help)")
    if args.ndevice is not None and args.cores is not None:
        raise _Usage("give either -d or -c")
    try:
        if args.cores is not None:
            return parse_core_spec(args.cores)
        if args.ndevice is not None:
            if not 1 <= args.ndevice <= 16:
                raise ValueError("-d takes 1..16 device cores")
            return list(range(args.ndevice))
    except ValueError as e:
        raise _Usage(str(e)) from None
    return list(range(16))


def _check_outputs(args) -> None:
    """The output files (--profile, --heatmap, --trace) can be written, --heatmap has
    matplotlib, --trace-cores has --trace: checked before anything runs, as `load` does."""
    from types import SimpleNamespace

    from emu.runner import _check_outputs as check
    err = check(SimpleNamespace(profile=args.profile, heatmap=args.heatmap, trace=args.trace,
                                trace_cores=args.trace_cores, trace_range=None))
    if err:
        raise _Usage(err)


def _main(args) -> int:
    if not 0 <= args.max_cycles < MAX_CYCLES_LIMIT:
        raise _Usage(f"--max-cycles must be between 0 and {MAX_CYCLES_LIMIT - 1}")
    if args.fullpython:
        raise _Usage("-fullpython (ePython's CPython-2 bridge for its offload module) is not "
                     "supported (docs/epython.md)")
    if (args.file is None and args.profile and args.load is None and args.pipein is None
            and not args.profile.lower().endswith(".json")):
        # "--profile prog.py": the optional FILE.json swallowed the program
        args.file, args.profile = args.profile, ""
    cores = _cores(args)
    if args.firmware is not None and not os.path.isfile(args.firmware):
        raise _Usage(f"--firmware {args.firmware}: no such file")
    if args.out is None:
        _check_outputs(args)
    prog = _program(args)
    if prog is None:
        return 1                     # the compile error was printed
    placement = args.placement or "auto"
    if args.stats:
        from .runtime import stats_line
        print(stats_line(prog, placement))
    if args.out is not None:
        try:
            prog.save(args.out)
        except OSError as e:
            raise _Usage(f"cannot write {args.out}: {e.strerror}") from None
        return 0
    return _run(args, prog, cores, placement)


def _run(args, prog, cores, placement) -> int:
    from dataclasses import replace

    from emu.chip import Chip, ChipConfig
    from emu.syscalls import HostIO
    from emu.timing import DEFAULT as DEFAULT_TIMING

    from .monitor import DEFAULT_FIRMWARE, MonitorError
    from .runtime import run_program

    firmware = args.firmware or DEFAULT_FIRMWARE
    if not os.path.isfile(firmware):
        raise _Usage(f"--firmware {firmware}: no such file")
    timing = DEFAULT_TIMING if args.timing == "on" else replace(DEFAULT_TIMING, pipeline=False)
    chip = Chip(ChipConfig(unaligned=args.unaligned, timing=timing),
                HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))
    profiling = args.profile is not None or args.heatmap or args.emu_stats
    if profiling:
        chip.engine.enable_profiling()
    trace_file = _setup_trace(args, chip, firmware)
    t0 = time.perf_counter()
    try:
        res = run_program(prog, cores, firmware=firmware, chip=chip, stdout=sys.stdout,
                          stderr=sys.stderr, stdin=sys.stdin, timing=args.print_times,
                          seed=args.seed, code_placement=placement,
                          data_shared=args.datashared, max_cycles=args.max_cycles,
                          warn=sys.stdout)
    except MonitorError as e:
        raise _Usage(str(e)) from None
    finally:
        if trace_file is not None:
            trace_file.close()
    wall = time.perf_counter() - t0
    sys.stdout.flush()
    return _report(args, chip, res, wall, firmware)


def _setup_trace(args, chip, firmware):
    if args.trace is None:
        return None
    from emu.trace import TraceWriter, parse_cores
    from loader.elf import read_elf
    try:
        tcores = parse_cores(args.trace_cores, chip) if args.trace_cores else None
    except ValueError as e:
        raise _Usage(str(e)) from None
    try:
        f = open(args.trace, "w")
    except OSError as e:
        raise _Usage(f"--trace {args.trace}: cannot write: {e.strerror}") from None
    chip.trace_sink = TraceWriter(chip, f, read_elf(firmware))
    chip.engine.enable_trace(1 << 16, 0, 0xFFFFFFFF, tcores)
    return f


def _report(args, chip, res, wall, firmware) -> int:
    from emu.report import fault_report, unaligned_summary
    from loader.elf import read_elf
    img = read_elf(firmware)
    if res.fault is not None:
        for line in fault_report(res.fault, chip, img):
            print(line, file=sys.stderr)
    elif res.stop not in ("exit",) and res.message:
        _err(res.message, args.prog)
    recs, total = chip.engine.unaligned_log()
    for line in unaligned_summary(recs, total, chip, img):
        print(line, file=sys.stderr)
    if args.profile is not None or args.heatmap or args.emu_stats:
        from emu.profile import Profile
        prof = Profile.from_chip(chip, result=res.chip_result, wall_seconds=wall, image=img)
        if args.profile is not None or args.emu_stats:
            for line in prof.text_summary():
                print(line, file=sys.stderr)
        try:
            if args.profile:
                prof.write_json(args.profile)
            if args.heatmap:
                prof.heatmap(args.heatmap, args.heatmap_by)
        except OSError as e:
            _err(f"cannot write {e.filename}: {e.strerror}", args.prog)
            return 2
    if res.stop == "interrupted":
        return 130
    return res.exit_code


if __name__ == "__main__":      # pragma: no cover
    sys.exit(main())
