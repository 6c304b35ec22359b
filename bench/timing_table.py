#!/usr/bin/env python3
"""Every published Parallella timing measurement next to the emulator's figure for the same
method (the fixtures in tests/fixtures/timing; docs/timing.md explains each row).

    python bench/timing_table.py              # the table (Markdown), cycles at 600 MHz
    python bench/timing_table.py --timing off # the same with the simple timing model

A row is within tolerance when the emulator is within ±15 % of the board.  Exit status 0
when every row is, 1 otherwise.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from emu import timing                            # noqa: E402
from tools import timing_calibration as cal       # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[1:]))
    ap.add_argument("--timing", choices=("on", "off"), default="on")
    a = ap.parse_args(argv)
    tm = None if a.timing == "on" else dataclasses.replace(timing.DEFAULT, pipeline=False)
    rs = cal.rows(tm)
    print(cal.table(rs))
    bad = [r for r in rs if not r.ok]
    print(f"\n{len(rs) - len(bad)} of {len(rs)} figures within ±15 % of the board")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
