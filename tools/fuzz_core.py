#!/usr/bin/env python3
"""Fuzz the core: random code and registers on a 2x2 chip, random policies and quanta.  The
process must never crash: every outcome is a clean stop (fault report, exit, deadlock,
max cycles).  `tools/fuzz_core.py SEED COUNT` (a quick slice of it runs in the tests)."""
import io
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from emu.chip import Chip, ChipConfig      # noqa: E402
from emu.syscalls import HostIO            # noqa: E402


def _address(rnd):
    return rnd.choice([
        rnd.getrandbits(15), 0x80800000 + rnd.getrandbits(15), 0x80900000 + rnd.getrandbits(15),
        0x8E000000 + rnd.getrandbits(20), 0xF0400 + 4 * rnd.randrange(512),
        rnd.getrandbits(32)]) & ~rnd.choice([0, 1, 3, 7])


def start_random_dma(rnd, chip, k, ch):
    """A random descriptor (sizes, counts, strides, chaining, interrupts, any addresses) in
    core k's SRAM, started on channel ch."""
    at = rnd.randrange(0, 0x8000 - 24) & ~7
    cfg = (rnd.getrandbits(16) & 0x7 | 1) | (rnd.getrandbits(3) << 4)   # EN, MASTER, CHAIN, IRQEN, size
    if rnd.random() < 0.3:
        cfg |= (rnd.randrange(0, 0x8000) & ~7) << 16                     # chain to anywhere
    desc = [cfg, rnd.getrandbits(32) & 0x00F000F0 if rnd.random() < 0.5 else rnd.getrandbits(32),
            (rnd.randrange(0, 9) << 16) | rnd.randrange(0, 300), rnd.getrandbits(32),
            _address(rnd), _address(rnd)]
    chip.mem_write(at, b"".join(w.to_bytes(4, "little") for w in desc), k)
    chip.engine.sreg_write(k, 0xF0500 + 0x20 * ch, (at << 16) | 8)


def one(rnd: random.Random):
    chip = Chip(ChipConfig(rows=2, cols=2, unaligned=rnd.choice(["stop", "report", "trap"]),
                           invalid=rnd.choice(["stop", "trap"]),
                           quantum=rnd.choice([1, 7, 100, 1000])),
                HostIO(stdin=io.BytesIO(b"abc"), stdout=io.BytesIO(), stderr=io.BytesIO()))
    for k in range(4):
        code = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([64, 512, 4096])))
        chip.engine.sram(k)[:] = 0
        chip.mem_write(0, code, k)
        for r in range(64):
            chip.engine.reg_write(k, r, rnd.choice([
                0, rnd.getrandbits(32), 0x80800000 + rnd.getrandbits(15), rnd.getrandbits(15),
                0x8E000000 + rnd.getrandbits(20), 0xF0400 + 4 * rnd.randrange(64)]))
        chip.engine.set_pc(k, rnd.randrange(0, 32) * 2)
        chip.engine.set_idle(k, False)
        for ch in range(2):
            if rnd.random() < 0.4:
                start_random_dma(rnd, chip, k, ch)
    chip.loaded_cores = [0, 1, 2, 3]
    return chip.run(rnd.choice([100, 5000, 50000]))


def main(argv):
    seed = int(argv[1]) if len(argv) > 1 else 1
    count = int(argv[2]) if len(argv) > 2 else 1000
    stops = {}
    for it in range(count):
        res = one(random.Random(seed * 1_000_003 + it))
        stops[res.stop] = stops.get(res.stop, 0) + 1
    print(f"seed {seed}: {count} runs, no crash; stops: {stops}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
