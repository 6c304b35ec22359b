"""``epiphany-emu load``: run an Epiphany program like the board would."""
from __future__ import annotations

import os
import sys
import time
from dataclasses import replace

from loader.elf import LoadError, LoadImage, read_elf

from .chip import Chip, ChipConfig
from .report import deadlock_report, fault_report, unaligned_summary
from .syscalls import HostIO, wall_clock
from .timing import DEFAULT as DEFAULT_TIMING

EXIT_HELP = """exit status: the program's exit status (the first non-zero one among the cores);
2 for a bad file or option; for a fault the emulator stops the run, prints a report and exits
with 128+signal like a crashed process: 139 memory fault, 135 unaligned access, 132 invalid
instruction, 133 breakpoint; 125 when the cores provably loop forever without writing memory
(deadlock, reported with every core's PC); 124 when --max-cycles ran out."""


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


def add_arguments(p):
    # optional for argparse only so that "--profile app.elf" means the program (run checks)
    p.add_argument("elf", nargs="?",
                   help="Epiphany executable (ELF) built with epiphany-elf-gcc / e-gcc")
    g = p.add_argument_group("chip and workgroup")
    g.add_argument("--chip", type=_geometry, default=(4, 4), metavar="ROWSxCOLS",
                   help="chip geometry (default 4x4, the E16G301; 8x8 for an E64G401)")
    g.add_argument("--first-core", type=_pair, default=(32, 8), metavar="ROW,COL",
                   help="mesh coordinates of the chip's first core (default 32,8 = 0x808)")
    g.add_argument("--rows", type=int, metavar="R", help="workgroup rows (default: all)")
    g.add_argument("--cols", type=int, metavar="C", help="workgroup columns (default: all)")
    g.add_argument("--cores", type=int, metavar="N",
                   help="workgroup of N cores, as square as possible (e.g. 4 -> 2x2)")
    g.add_argument("--origin", type=_pair, default=(0, 0), metavar="ROW,COL",
                   help="workgroup origin relative to the first core (default 0,0)")
    g.add_argument("--quantum", type=int, default=1000, metavar="CYCLES",
                   help="scheduling quantum: cores run round-robin this many cycles at a "
                        "time (deterministic; default 1000)")
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
                   help="directory the program may open files in (default: none, only "
                        "stdin/stdout/stderr)")
    p.add_argument("--wallclock", action="store_true",
                   help="gettimeofday/time follow the host clock (default: emulated time "
                        "from the cycle count, deterministic)")
    p.add_argument("--timing", choices=["on", "off"], default="on",
                   help="timing model: on (default) = pipeline, mesh and eLink model; off = "
                        "one cycle per instruction plus fixed branch and memory costs, no "
                        "link model (faster; see emu/timing.py)")
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
                        "cycles, instructions (what `epiphany-emu batch` records)")
    o.add_argument("--trace", metavar="FILE",
                   help="write one line per executed instruction to FILE: cycle, core id, PC, "
                        "disassembly, registers and memory written")
    o.add_argument("--trace-cores", metavar="LIST",
                   help="trace only these cores: ids like 0x808,0x809 or indices like 0,1")
    o.add_argument("--trace-range", metavar="LO:HI",
                   help="trace only PCs in [LO, HI), hex, e.g. 0x100:0x400 (or :HI, LO:)")
    p.epilog = (p.epilog or "") + "\n\n" + EXIT_HELP
    p.set_defaults(func=run)


class _Usage(Exception):
    """A bad file or option: one line on stderr, exit status 2."""


def run(args) -> int:
    """``epiphany-emu load``: options → chip → outputs → run → reports; the exit status."""
    try:
        img = _check_options(args)
        chip = _make_chip(args, img)
        trace_file = _setup_outputs(args, chip, img)
    except _Usage as e:
        print(f"epiphany-emu: {e}", file=sys.stderr)
        return 2
    res, wall = _run(chip, args.max_cycles, trace_file)
    return _report(args, chip, img, res, wall)


def _check_options(args) -> LoadImage:
    """The program (read) once the options are known to be consistent; raises _Usage."""
    if args.elf is None:
        if args.profile and not args.profile.lower().endswith(".json"):
            # "--profile app.elf": the optional FILE.json swallowed the program
            args.elf, args.profile = args.profile, ""
        else:
            raise _Usage("no ELF file given (usage: epiphany-emu load [options] FILE.elf)")
    try:
        img = read_elf(args.elf)
    except LoadError as e:
        raise _Usage(str(e)) from None
    if args.max_cycles < 0:
        raise _Usage("--max-cycles must be >= 0")
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
    if args.cores is not None and (args.rows is not None or args.cols is not None):
        raise _Usage("give either --cores or --rows/--cols")
    if args.cores is not None and args.cores < 1:
        raise _Usage("--cores must be >= 1")
    return img


def _make_chip(args, img: LoadImage) -> Chip:
    """The chip the options describe, with the program loaded on its workgroup."""
    timing = DEFAULT_TIMING if args.timing == "on" else replace(DEFAULT_TIMING, pipeline=False)
    asked = args.cores is not None or args.rows is not None or args.cols is not None
    crow, ccol = args.chip
    cfg = ChipConfig.for_image(img, workgroup=asked, rows=crow, cols=ccol,
                               first_row=args.first_core[0], first_col=args.first_core[1],
                               unaligned=args.unaligned, invalid=args.invalid,
                               excause=args.excause, quantum=max(1, args.quantum), timing=timing,
                               arch=args.arch)
    hio = HostIO(sandbox=args.sandbox, prefix=args.prefix)
    if args.wallclock:
        hio.clock = wall_clock()
    local = img.is_core_local()
    try:
        chip = Chip(cfg, hio)
        if args.cores is not None:
            rows, cols = group_shape(args.cores)
        else:
            # default workgroup: the whole chip for a core-local program, else one core
            rows = args.rows if args.rows is not None else (cfg.rows if local else 1)
            cols = args.cols if args.cols is not None else (cfg.cols if local else 1)
        cores = chip.group(rows, cols, *args.origin)
    except ValueError as e:
        raise _Usage(str(e)) from None
    try:
        chip.load_elf(img, cores=cores)
    except LoadError as e:
        raise _Usage(str(e)) from None
    return chip


def _setup_outputs(args, chip: Chip, img: LoadImage):
    """Profiling and the trace (its file, returned open, or None); raises _Usage."""
    if args.profile is not None:
        chip.engine.enable_profiling()
    if args.trace is None:
        return None
    from .trace import TraceWriter, parse_cores
    try:
        tcores = parse_cores(args.trace_cores, chip) if args.trace_cores else None
    except ValueError as e:
        raise _Usage(str(e)) from None
    try:
        trace_file = open(args.trace, "w")
    except OSError as e:
        raise _Usage(f"--trace {args.trace}: cannot write: {e.strerror}") from None
    chip.trace_sink = TraceWriter(chip, trace_file, img)
    lo, hi = args.trace_range or (0, 0xFFFFFFFF)
    chip.engine.enable_trace(1 << 16, lo, hi, tcores)
    return trace_file


def _run(chip: Chip, max_cycles: int, trace_file):
    """Run to the end; (RunResult, wall-clock seconds)."""
    t0 = time.perf_counter()
    try:
        res = chip.run(max_cycles)
    finally:
        wall = time.perf_counter() - t0
        if trace_file is not None:
            trace_file.close()
    chip.close()
    sys.stdout.flush()
    return res, wall


def _report(args, chip: Chip, img: LoadImage, res, wall: float) -> int:
    """Fault, unaligned, stop and profile reports on stderr (and the profile files); the exit
    status."""
    if res.fault is not None:
        for line in fault_report(res.fault, chip, img):
            print(line, file=sys.stderr)
    recs, total = chip.engine.unaligned_log()
    for line in unaligned_summary(recs, total, chip, img):
        print(line, file=sys.stderr)
    if res.stop == "max_cycles":
        print(f"epiphany-emu: stopped after --max-cycles {args.max_cycles}", file=sys.stderr)
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
        try:
            if args.profile:
                prof.write_json(args.profile)
            if args.heatmap:
                prof.heatmap(args.heatmap, args.heatmap_by)
        except OSError as e:
            print(f"epiphany-emu: cannot write {e.filename}: {e.strerror}", file=sys.stderr)
            return 2
    return res.exit_code


def _write_metrics(path: str, chip: Chip, res, wall: float) -> None:
    import json
    cores = chip.loaded_cores or list(range(chip.ncores))
    doc = dict(stop=str(res.stop), exit_code=res.exit_code, cycles=res.cycles,
               instructions=sum(chip.counters(k)["instructions"] for k in cores),
               wall_seconds=round(wall, 6))
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
