"""A 64x64 chip made after other chips were freed starts at once and costs what it touches:
glibc's dynamic mmap threshold had put the engine's per-core tables on the heap's used pages,
which calloc clears (0.5 s and 500 MB resident; seen when test_big_chip ran after the host-API
tests).  The engine takes that memory straight from anonymous mmap (lazy_zalloc in
emu/_core.pyx)."""
import subprocess
import sys

PROG = r"""
import resource, time
from emu.chip import Chip, ChipConfig
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
for _ in range(3):                         # big blocks freed: glibc would raise its threshold
    c = Chip(ChipConfig(rows=8, cols=8))
    c.engine.mem_write(0x8E000000, bytes(1 << 20))
    del c
big = bytearray(40 << 20); del big
before = rss()
t0 = time.perf_counter()
chip = Chip(ChipConfig(rows=64, cols=64, first_row=0, first_col=0))
print(time.perf_counter() - t0, rss() - before)
"""


def test_big_chip_after_freed_chips_is_cheap():
    out = subprocess.run([sys.executable, "-c", PROG], capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    took, grew = float(out[0]), float(out[1])
    assert took < 1.0 and grew < 64, (took, grew)
