"""``epiphany-emu load``: run an Epiphany program like the board would."""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from typing import Optional

from loader.elf import LoadError, LoadImage, read_elf

from .chip import Chip, ChipConfig
from .interrupt import EarlySignals, run_interruptible, signal_name
from .libc_abi import ABIS as LIBC_ABIS
from .stops import Stop
from .syscalls import HostIO, wall_clock
from .timing import DEFAULT as DEFAULT_TIMING

EXIT_HELP = """program arguments: everything after "--" (epiphany-emu load app.elf -- in.txt 3)
is the program's argv[1:], argv[0] being the file name: main(argc, argv) receives them with the
ESDK's crt0; with upstream newlib's crt0 (which calls main(0, NULL, NULL)) the program reads
them through the SYS_argc/SYS_argnlen/SYS_argn traps (docs/newlib-abi.md).

exit status: the program's exit status (the first non-zero one among the cores);
2 for a bad file or option (and an output file that cannot be written during the run); for a
fault the emulator stops the run, prints a report and exits with 128+signal like a crashed
process: 139 memory fault, 135 unaligned access, 132 invalid instruction, 133 breakpoint; 125
when the cores provably loop forever without writing memory (deadlock, reported with every
core's PC); 124 when --max-cycles ran out; 130 / 143 when SIGINT (Ctrl-C) / SIGTERM stopped
the run (the profile and trace are written up to that point)."""

#: limits of the options (the engine's counters: 64-bit cycles, 32-bit quantum; the eMesh:
#: 64 x 64 core ids); the quantum also bounds how long a Ctrl-C takes to stop a run
MAX_CYCLES_LIMIT = (1 << 64) - 1
MAX_QUANTUM = 1_000_000
MAX_THREADS = 256
MESH = 64


def _geometry(text):
    try:
        r, c = text.lower().split("x")
        r, c = int(r), int(c)
        if r < 1 or c < 1:
            raise ValueError
        return r, c
    except ValueError:
        import argparse
        raise argparse.ArgumentTypeError(f"expected ROWSxCOLS like 4x4, got {text!r}") from None


def _size(text):
    """Bytes from '1000', '64K', '10M', '2G' (powers of 1024)."""
    import argparse
    t = text.strip().upper().rstrip("B")
    mult = 1
    if t and t[-1] in "KMG":
        mult = 1 << {"K": 10, "M": 20, "G": 30}[t[-1]]
        t = t[:-1]
    try:
        n = int(t) * mult
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size like 1000, 64K, 10M or 2G, "
                                         f"got {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"a size must be >= 0, got {text!r}")
    return n


def _pair(text):
    try:
        a, b = (int(x, 0) for x in text.split(","))
        return a, b
    except ValueError:
        import argparse
        raise argparse.ArgumentTypeError(f"expected ROW,COL like 32,8, got {text!r}") from None


def group_shape(n):
    """A near-square rows x cols workgroup of n cores (1x1, 1x2, 2x2, 2x4, 4x4, ...)."""
    r = 1
    while r * r < n:
        r *= 2
    while n % r:
        r //= 2
    rows = min(r, n // r)
    return rows, n // rows


def _mem_size(text: str) -> int:
    """'32768', '32kB', '32KB', '32k', '1MB', '1M' -> bytes (k = 1024, as the GNU simulator)."""
    t = text.strip().lower().rstrip("b")
    mult = 1
    if t.endswith("k"):
        t, mult = t[:-1], 1 << 10
    elif t.endswith("m"):
        t, mult = t[:-1], 1 << 20
    try:
        n = int(t, 0) * mult
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a memory size: {text!r} (e.g. 32kB, 1MB)")
    if n < 0x100 or n > 0x100000 or n & (n - 1):
        raise argparse.ArgumentTypeError(f"{text}: a core's memory is a power of two from "
                                         f"256 B to 1 MB")
    return n


def add_arguments(p):
    add_chip_arguments(p)
    d = p.add_argument_group("debugging (docs/debugging.md)")
    d.add_argument("--gdb", metavar="[HOST:]PORT",
                   help="serve the program to GDB (Epiphany GDB: epiphany-elf-gdb / e-gdb, "
                        "'target remote HOST:PORT'): wait for the client before the first "
                        "instruction; cores are threads; HOST defaults to localhost, port 0 "
                        "picks a free one (printed)")
    _add_output_arguments(p)
    p.epilog = (p.epilog or "") + "\n\n" + EXIT_HELP
    p.set_defaults(func=run, program_args=[], takes_program_args=True)


def add_chip_arguments(p):
    """The program and the chip it runs on (shared with ``epiphany-emu debug``)."""
    # optional for argparse only so that "--profile app.elf" means the program (run checks)
    p.add_argument("elf", nargs="?",
                   help="Epiphany executable (ELF) built with epiphany-elf-gcc / e-gcc")
    g = p.add_argument_group("chip and workgroup")
    g.add_argument("--chip", type=_geometry, default=(4, 4), metavar="ROWSxCOLS",
                   help="chip geometry (default 4x4, the E16G301; 8x8 for an E64G401)")
    g.add_argument("--first-core", type=_pair, default=(32, 8), metavar="ROW,COL",
                   help="mesh coordinates of the chip's first core (default 32,8 = 0x808)")
    g.add_argument("--core-mem", type=_mem_size, default=0x8000, metavar="SIZE",
                   help="each core's local memory, a power of two from 256 B to 1 MB, in "
                        "bytes or with kB/MB (default 32kB, the E16G301; the GNU "
                        "simulator's option, e.g. --core-mem 1024kB)")
    g.add_argument("--rows", type=int, metavar="R", help="workgroup rows (default: all)")
    g.add_argument("--cols", type=int, metavar="C", help="workgroup columns (default: all)")
    g.add_argument("--cores", type=int, metavar="N",
                   help="workgroup of N cores, as square as possible (e.g. 4 -> 2x2)")
    g.add_argument("--origin", type=_pair, default=(0, 0), metavar="ROW,COL",
                   help="workgroup origin relative to the first core (default 0,0)")
    g.add_argument("--quantum", type=int, default=1000, metavar="CYCLES",
                   help="scheduling quantum: cores run round-robin this many cycles at a "
                        "time (deterministic; default 1000)")
    g.add_argument("--threads", type=int, default=0, metavar="N",
                   help="host threads that run the cores (default: the host's CPUs, or "
                        "EPIPHANY_THREADS); output, cycles and counters are the same for "
                        "every N (docs/threads.md)")
    g.add_argument("--prefix", choices=["auto", "always", "never"], default="auto",
                   help="prefix output lines with the core id: when the program runs on "
                        "more than one core (auto, default), always, or never")
    p.add_argument("--max-cycles", type=int, default=0, metavar="N",
                   help="stop after N cycles of emulated time (default: no limit)")
    p.add_argument("--unaligned", choices=["stop", "report", "trap"], default="stop",
                   help="on a misaligned load/store: stop with a report (default); report "
                        "every one and continue with hardware semantics; or deliver the "
                        "exception to the program's handler as silicon does")
    p.add_argument("--invalid", choices=["stop", "trap"], default="stop",
                   help="on an invalid/unimplemented instruction: stop with a report "
                        "(default) or raise the architectural exception")
    p.add_argument("--excause", choices=["e3", "e4"], default="e3",
                   help="exception cause codes: E16G301 (default) or Epiphany-IV / GNU "
                        "simulator numbering")
    p.add_argument("--arch", choices=["e3", "ev"], default="e3",
                   help="instruction set: e3 = Epiphany-III/IV (default); ev = Epiphany-V, "
                        "whose FEXT/FDEP/LFSR execute instead of faulting")
    p.add_argument("--sandbox", metavar="DIR",
                   help="directory the program may open files in, as its root directory "
                        "(/tmp/x is DIR/tmp/x; default: none, only stdin/stdout/stderr)")
    p.add_argument("--max-file-size", type=_size, metavar="SIZE",
                   help="largest size a file the program writes in the sandbox may reach, "
                        "e.g. 100M (writes beyond it fail with EFBIG; default: no limit)")
    p.add_argument("--libc-abi", choices=["auto"] + sorted(LIBC_ABIS), default="auto",
                   help="the C library the program was built with, whose struct stat and "
                        "struct timeval the host services write: newlib-3.3 (epiphany-elf-gcc "
                        "12), esdk-2016 (ESDK e-gcc up to 2016.11: 32-bit time_t), esdk-2019 "
                        "(ESDK 2019.1); default auto: read from the ELF (.comment, crt0)")
    p.add_argument("--wallclock", action="store_true",
                   help="gettimeofday/time follow the host clock (default: emulated time "
                        "from the cycle count, deterministic)")
    p.add_argument("--timing", choices=["on", "off"], default="on",
                   help="timing model: on (default) = pipeline, mesh and eLink model; off = "
                        "one cycle per instruction plus fixed branch and memory costs, no "
                        "link model (faster; see emu/timing.py)")


def _add_output_arguments(p):
    o = p.add_argument_group("profiling and tracing (docs/profile.md)")
    o.add_argument("--stats", action="store_true",
                   help="print per-core instructions, cycles, stall causes, memory traffic, "
                        "mesh links and eLink to stderr at the end (the --profile summary "
                        "without the per-function and data parts)")
    o.add_argument("--profile", nargs="?", const="", default=None, metavar="FILE.json",
                   help="profile the run: summary (cores, stall causes, links, eLink, hottest "
                        "functions and data) to stderr at the end; the full profile as JSON "
                        "to FILE.json when given")
    o.add_argument("--heatmap", metavar="FILE.png",
                   help="draw the mesh as a PNG: cores coloured by busy cycles (or traffic, "
                        "--heatmap-by), arrows showing each link's load; needs matplotlib")
    o.add_argument("--heatmap-by", choices=["cycles", "traffic"], default="cycles",
                   help="what colours the cores of --heatmap (default: busy cycles)")
    o.add_argument("--metrics", metavar="FILE.json",
                   help="write the run's outcome as JSON: stop reason, exit status, emulated "
                        "cycles, instructions, wall time and aggregate MIPS (what `epiphany-emu "
                        "batch` records)")
    o.add_argument("--trace", metavar="FILE",
                   help="write one line per executed instruction to FILE: cycle, core id, PC, "
                        "disassembly, registers and memory written")
    o.add_argument("--trace-cores", metavar="LIST",
                   help="trace only these cores: ids like 0x808,0x809 or indices like 0,1")
    o.add_argument("--trace-range", metavar="LO:HI",
                   help="trace only PCs in [LO, HI), hex, e.g. 0x100:0x400 (or :HI, LO:)")


class _Usage(Exception):
    """A bad file or option: one line on stderr, exit status 2."""


def run(args) -> int:
    """``epiphany-emu load``: options → chip → outputs → run → reports; the exit status."""
    outputs = _Outputs()
    with EarlySignals() as early:      # Ctrl-C while loading ends the run as during it
        try:
            img = _check_options(args)
            chip = _make_chip(args, img)
            _setup_outputs(args, chip, img, outputs)
        except _Usage as e:
            outputs.discard()
            print(f"epiphany-emu: {e}", file=sys.stderr)
            return 2
        if args.gdb is None:
            res, wall, sig = _run(chip, args.max_cycles, outputs, early)
    if args.gdb is not None:
        if early.got:                  # stopped while loading: no session
            outputs.discard()
            print(f"epiphany-emu: interrupted by {signal_name(early.got[0])}", file=sys.stderr)
            return 128 + early.got[0]
        from .debug.server import run_gdb
        t0 = time.perf_counter()
        return run_gdb(args, chip, img, lambda res: _report(
            args, chip, img, res, time.perf_counter() - t0, None, outputs))
    return _report(args, chip, img, res, wall, sig, outputs)


def _check_options(args) -> LoadImage:
    """The program (read) once the options are known to be consistent; raises _Usage."""
    if args.elf is None:
        if args.profile and not args.profile.lower().endswith(".json"):
            # "--profile app.elf": the optional FILE.json swallowed the program
            args.elf, args.profile = args.profile, ""
        else:
            raise _Usage("no ELF file given (usage: epiphany-emu load [options] FILE.elf)")
    if not 0 <= args.max_cycles <= MAX_CYCLES_LIMIT:
        raise _Usage(f"--max-cycles must be between 0 (no limit) and {MAX_CYCLES_LIMIT}")
    if not 1 <= args.quantum <= MAX_QUANTUM:
        raise _Usage(f"--quantum must be between 1 and {MAX_QUANTUM} cycles")
    if not 0 <= args.threads <= MAX_THREADS:
        raise _Usage(f"--threads must be between 1 and {MAX_THREADS} (0: the host's CPUs)")
    crow, ccol = args.chip
    frow, fcol = args.first_core
    if not (0 <= frow < MESH and 0 <= fcol < MESH):
        raise _Usage(f"--first-core {frow},{fcol}: mesh coordinates are 0..{MESH - 1}")
    if frow + crow > MESH or fcol + ccol > MESH:
        raise _Usage(f"--chip {crow}x{ccol} with its first core at ({frow},{fcol}) "
                     f"(--first-core) reaches past the {MESH}x{MESH} eMesh: give "
                     f"--first-core {min(frow, MESH - crow) if crow <= MESH else 0},"
                     f"{min(fcol, MESH - ccol) if ccol <= MESH else 0} or a smaller chip"
                     if crow <= MESH and ccol <= MESH else
                     f"--chip {crow}x{ccol}: the eMesh has at most {MESH}x{MESH} cores "
                     f"(with --first-core 0,0)")
    for opt, v in (("--rows", args.rows), ("--cols", args.cols), ("--cores", args.cores)):
        if v is not None and v < 1:
            raise _Usage(f"{opt} must be >= 1")
    if args.cores is not None and (args.rows is not None or args.cols is not None):
        raise _Usage("give either --cores or --rows/--cols")
    if args.sandbox is not None and not os.path.isdir(args.sandbox):
        raise _Usage(f"--sandbox {args.sandbox}: not a directory")
    err = _check_outputs(args)
    if err:
        raise _Usage(err)
    if args.trace_range is not None:
        from .trace import parse_range
        try:
            args.trace_range = parse_range(args.trace_range)       # now (lo, hi)
        except ValueError as e:
            raise _Usage(str(e)) from None
    try:
        img = read_elf(args.elf)
    except LoadError as e:
        raise _Usage(str(e)) from None
    return img


def _make_chip(args, img: LoadImage) -> Chip:
    """The chip the options describe, with the program loaded on its workgroup."""
    timing = DEFAULT_TIMING if args.timing == "on" else replace(DEFAULT_TIMING, pipeline=False)
    asked = args.cores is not None or args.rows is not None or args.cols is not None
    crow, ccol = args.chip
    local = img.is_core_local()
    if args.cores is not None:
        rows, cols = group_shape(args.cores)
    else:
        # default workgroup: the whole chip for a program written for e-loader (its records
        # tell each core its place), else one core -- a flat program, or a bare-metal
        # core-local one (hand-written assembly, the GNU simulator's testsuite), which the
        # GNU simulator also runs on one core unless told otherwise
        whole = local and img.has_loader_records()
        rows = args.rows if args.rows is not None else (crow if whole else 1)
        cols = args.cols if args.cols is not None else (ccol if whole else 1)
    r0, c0 = args.origin
    if r0 < 0 or c0 < 0 or r0 + rows > crow or c0 + cols > ccol:
        raise _Usage(f"a {rows}x{cols} workgroup at ({r0},{c0}) does not fit the {crow}x{ccol} "
                     f"chip")
    if not local and rows * cols > 1:
        raise _Usage(f"{args.elf} is linked for one core (the flat layout at 0x80000000, "
                     f"epiphany-elf-gcc's default): copies on {rows * cols} cores would share "
                     f"its memory; run it on one core, or link it core-local to run a "
                     f"workgroup (-T firmware/ldscripts/internal.ld, docs/linker-scripts.md)")
    cfg = ChipConfig.for_image(img, workgroup=asked, rows=crow, cols=ccol,
                               first_row=args.first_core[0], first_col=args.first_core[1],
                               unaligned=args.unaligned, invalid=args.invalid,
                               excause=args.excause, quantum=args.quantum, timing=timing,
                               arch=args.arch, sram_size=getattr(args, "core_mem", 0x8000),
                               threads=args.threads)
    argv = [args.elf] + list(args.program_args) if args.program_args else []
    hio = HostIO(sandbox=args.sandbox, prefix=args.prefix, max_file_size=args.max_file_size,
                 argv=argv)
    if args.wallclock:
        hio.clock = wall_clock()
    try:
        chip = Chip(cfg, hio)
        cores = chip.group(rows, cols, *args.origin)
    except (ValueError, OverflowError, MemoryError) as e:
        raise _Usage(str(e)) from None
    try:
        chip.load_elf(img, cores=cores, libc_abi=args.libc_abi)
    except LoadError as e:
        raise _Usage(str(e)) from None
    if argv and not chip.argv_passed:
        print(f"epiphany-emu: note: {args.elf} starts with upstream newlib's crt0, which calls "
              f"main(0, NULL, NULL): it can read its arguments through SYS_argc/SYS_argn "
              f"(docs/newlib-abi.md), main's argc stays 0", file=sys.stderr)
    return chip


class _Outputs:
    """The files a run writes, opened before it starts (so a bad path costs no run)."""

    def __init__(self):
        self.trace = None          # open text file
        self.trace_error: Optional[OSError] = None
        self.profile = None        # open text file for --profile FILE.json
        self.heatmap = None        # open binary file for --heatmap FILE.png
        self.names = {}

    def open(self, opt: str, path: str, mode: str):
        try:
            f = open(path, mode)
        except OSError as e:
            raise _Usage(f"{opt} {path}: cannot write: {e.strerror}") from None
        self.names[id(f)] = (opt, path)
        return f

    def discard(self):
        for f in (self.trace, self.profile, self.heatmap):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass


def _setup_outputs(args, chip: Chip, img: LoadImage, out: _Outputs) -> None:
    """Profiling and the trace; the output files opened; raises _Usage."""
    if args.profile is not None:
        chip.engine.enable_profiling()
    if args.trace is not None:
        from .trace import parse_cores
        try:
            tcores = parse_cores(args.trace_cores, chip) if args.trace_cores else None
        except ValueError as e:
            raise _Usage(str(e)) from None
    if args.profile:
        out.profile = out.open("--profile", args.profile, "w")
    if args.heatmap:
        out.heatmap = out.open("--heatmap", args.heatmap, "wb")
    if args.trace is None:
        return
    from .trace import TraceWriter
    out.trace = out.open("--trace", args.trace, "w")
    writer = TraceWriter(chip, out.trace, img)

    def sink(records):
        if out.trace_error is not None:
            return
        try:
            writer(records)
        except OSError as e:                 # a full disk, /dev/full: end the run, exit 2
            out.trace_error = e
            chip.request_stop()
    chip.trace_sink = sink
    lo, hi = args.trace_range or (0, 0xFFFFFFFF)
    chip.engine.enable_trace(1 << 16, lo, hi, tcores)


def _run(chip: Chip, max_cycles: int, out: _Outputs, early=None):
    """Run to the end; (RunResult, wall-clock seconds, the signal that stopped it or None)."""
    t0 = time.perf_counter()
    try:
        res, sig = run_interruptible(lambda: chip.run(max_cycles), chip.request_stop,
                                     early=early)
    finally:
        wall = time.perf_counter() - t0
        if out.trace is not None:
            try:
                out.trace.close()
            except OSError as e:
                if out.trace_error is None:
                    out.trace_error = e
    chip.close()
    try:
        sys.stdout.flush()
    except OSError:
        pass
    if res.stop != Stop.USER or out.trace_error is not None:
        sig = None
    if sig is not None:
        res.exit_code = 128 + sig            # 130 SIGINT, 143 SIGTERM, like a killed process
    return res, wall, sig


def _report(args, chip: Chip, img: LoadImage, res, wall: float, sig, out: _Outputs) -> int:
    """Fault, unaligned, stop and profile reports on stderr (and the profile files); the exit
    status."""
    code = res.exit_code
    recs, total = chip.engine.unaligned_log()
    if res.fault is not None or total or res.stop in ("max_cycles", Stop.USER, "deadlock"):
        # (imported only when there is something to report: start-up time)
        from .report import deadlock_report, fault_report, stop_report, unaligned_summary
    if res.fault is not None:
        for line in fault_report(res.fault, chip, img):
            print(line, file=sys.stderr)
    if total:
        for line in unaligned_summary(recs, total, chip, img):
            print(line, file=sys.stderr)
    if out.trace_error is not None:
        e = out.trace_error
        print(f"epiphany-emu: cannot write --trace {args.trace}: "
              f"{e.strerror or e}; the run was stopped", file=sys.stderr)
        code = 2
    elif res.stop == "max_cycles":
        for line in stop_report(res, chip, img, f"stopped after --max-cycles {args.max_cycles}"):
            print(line, file=sys.stderr)
    elif res.stop == Stop.USER:
        name = signal_name(sig) if sig is not None else "a stop request"
        for line in stop_report(res, chip, img, f"interrupted by {name} after {res.cycles} "
                                f"cycles"):
            print(line, file=sys.stderr)
    elif res.stop == "all_idle":
        print("epiphany-emu: every core is idle with nothing pending; stopping", file=sys.stderr)
    elif res.stop == "deadlock":
        for line in deadlock_report(res, chip, img):
            print(line, file=sys.stderr)
    if args.metrics:
        _write_metrics(args.metrics, chip, res, wall)
    profiling = args.profile is not None
    if args.stats or profiling or args.heatmap:
        from .profile import Profile
        prof = Profile.from_chip(chip, result=res, wall_seconds=wall, image=img)
        if args.stats or profiling:
            for line in prof.text_summary():
                print(line, file=sys.stderr)
        for opt, path, f, write in (("--profile", args.profile, out.profile, prof.write_json),
                                    ("--heatmap", args.heatmap, out.heatmap,
                                     lambda fo: prof.heatmap(fo, args.heatmap_by))):
            if f is None:
                continue
            try:
                with f:
                    write(f)
            except OSError as e:
                # the run's result stands: say which file is missing, keep the exit status
                print(f"epiphany-emu: cannot write {opt} {path}: {e.strerror or e}",
                      file=sys.stderr)
    return code


def _write_metrics(path: str, chip: Chip, res, wall: float) -> None:
    import json
    cores = chip.loaded_cores or list(range(chip.ncores))
    n = sum(chip.counters(k)["instructions"] for k in cores)
    doc = dict(stop=str(res.stop), exit_code=res.exit_code, cycles=res.cycles,
               instructions=n, wall_seconds=round(wall, 6),
               # aggregate emulated MIPS over every core of the run (host wall time)
               mips=round(n / wall / 1e6, 3) if wall > 0 else None)
    try:
        with open(path, "w") as f:
            json.dump(doc, f)
    except OSError as e:
        print(f"epiphany-emu: cannot write {path}: {e.strerror}", file=sys.stderr)


def _check_outputs(args) -> str:
    """One-line complaint about the output options, or ''."""
    if args.trace is None and (args.trace_cores or args.trace_range):
        return "--trace-cores and --trace-range need --trace FILE"
    for opt, path in (("--profile", args.profile), ("--heatmap", args.heatmap),
                      # the epython command line shares this check and has no --metrics
                      ("--trace", args.trace), ("--metrics", getattr(args, "metrics", None))):
        if not path:
            continue
        if os.path.isdir(path):
            return f"{opt} {path}: is a directory"
        d = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(d):
            return f"{opt} {path}: no such directory {d}"
        if not os.access(d, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
            return f"{opt} {path}: not writable"
    if args.heatmap:
        from .profile import MATPLOTLIB_HINT, have_matplotlib
        if not have_matplotlib():
            return MATPLOTLIB_HINT
    return ""
