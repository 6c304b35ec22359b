"""``epiphany-emu load``: run an Epiphany program like the board would."""
from __future__ import annotations

import os
import sys

from loader.elf import LoadError, read_elf

from .chip import Chip, ChipConfig
from .report import fault_report, unaligned_summary
from .syscalls import HostIO, wall_clock

EXIT_HELP = """exit status: the program's exit status; 2 for a bad file or option; for a fault
the emulator stops the run, prints a report and exits with 128+signal like a crashed
process: 139 memory fault, 135 unaligned access, 132 invalid instruction, 133 breakpoint;
124 when --max-cycles ran out."""


def add_arguments(p):
    p.add_argument("elf", help="Epiphany executable (ELF) built with epiphany-elf-gcc / e-gcc")
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
    p.add_argument("--sandbox", metavar="DIR",
                   help="directory the program may open files in (default: none, only "
                        "stdin/stdout/stderr)")
    p.add_argument("--wallclock", action="store_true",
                   help="gettimeofday/time follow the host clock (default: emulated time "
                        "from the cycle count, deterministic)")
    p.add_argument("--stats", action="store_true",
                   help="print instructions, cycles and memory traffic per core at the end")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        img = read_elf(args.elf)
    except LoadError as e:
        print(f"epiphany-emu: {e}", file=sys.stderr)
        return 2
    if args.max_cycles < 0:
        print("epiphany-emu: --max-cycles must be >= 0", file=sys.stderr)
        return 2
    if args.sandbox is not None and not os.path.isdir(args.sandbox):
        print(f"epiphany-emu: --sandbox {args.sandbox}: not a directory", file=sys.stderr)
        return 2
    kw = dict(unaligned=args.unaligned, invalid=args.invalid, excause=args.excause)
    local = img.is_core_local()
    cfg = ChipConfig(**kw) if local else ChipConfig.flat(**kw)
    hio = HostIO(sandbox=args.sandbox)
    if args.wallclock:
        hio.clock = wall_clock()
    chip = Chip(cfg, hio)
    try:
        chip.load_elf(img, cores=None if local else [0])
    except LoadError as e:
        print(f"epiphany-emu: {e}", file=sys.stderr)
        return 2
    res = chip.run(args.max_cycles)
    chip.close()
    sys.stdout.flush()
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
    if args.stats:
        from .stats import text_summary
        for line in text_summary(chip):
            print(line, file=sys.stderr)
    return res.exit_code
