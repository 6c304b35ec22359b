"""Big chips (issue 16.3): the 1024-core Epiphany-V geometry and the 64x64 maximum start in
well under a second, use memory in proportion to what is touched, and run a kernel on every
core.  Expected values: the arithmetic of the kernel (a sum), the sizes of the chip."""
import os
import resource
import time

from emu.chip import Chip, ChipConfig
from emu.stops import Stop
from isa.assembler import assemble
from loader.elf import parse_elf

#: every core sums 1..2000 and stores the sum at 0x4000 of its SRAM, then exits (TRAP 3)
KERNEL = """
    .section IVT,"ax"
    b.l _start
    .text
    .global _start
_start:
    mov r0,%low(main)
    movt r0,%high(main)
    movts iret,r0
    rti
main:
    mov r1,0
    mov r2,0
    mov r3,2000
loop:
    add r2,r2,1
    add r1,r1,r2
    sub r3,r3,1
    bne loop
    mov r4,0x4000
    str r1,[r4]
    mov r0,0
    trap 3
"""


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_64x64_chip_starts_at_once_and_costs_what_it_touches():
    before = rss_mb()
    t0 = time.perf_counter()
    chip = Chip(ChipConfig(rows=64, cols=64, first_row=0, first_col=0))
    took = time.perf_counter() - t0
    assert chip.ncores == 4096
    assert took < 1.0, took                 # ~0.06 s measured
    # 4096 x 32 KB of SRAM is 128 MB: untouched, it is not resident
    assert rss_mb() - before < 64


def test_a_kernel_on_all_1024_cores_of_a_32x32_chip():
    img = parse_elf(assemble(KERNEL, 0, "kernel.s"), "kernel.elf")
    chip = Chip(ChipConfig(rows=32, cols=32, first_row=0, first_col=0))
    chip.load_elf(img)
    res = chip.run()
    assert res.stop == Stop.EXIT and res.exit_code == 0
    want = (2000 * 2001 // 2).to_bytes(4, "little")
    assert all(chip.engine.mem_read(0x4000, 4, k) == want for k in range(1024))
    assert sum(chip.counters(k)["instructions"] for k in range(1024)) > 1024 * 8000


def test_cores_exiting_one_by_one_cost_linear_time():
    """Each exit asks whether every loaded core has exited (Chip._all_done): the scan goes
    on from the first core not seen exited, so 1024 exits cost a few thousand core-state
    queries, not half a million (which took a 64x64 run from 0.25 s to 1.5 s)."""
    img = parse_elf(assemble(KERNEL, 0, "kernel.s"), "kernel.elf")
    chip = Chip(ChipConfig(rows=32, cols=32, first_row=0, first_col=0))
    chip.load_elf(img)

    class Counting:
        def __init__(self, e):
            self._e, self.n = e, 0

        def __getattr__(self, name):
            return getattr(self._e, name)

        def core_flags(self, k):
            self.n += 1
            return self._e.core_flags(k)
    proxy = Counting(chip.engine)
    chip.engine = proxy
    res = chip.run()
    assert res.stop == Stop.EXIT and res.exit_code == 0
    assert all(proxy.core_flags(k)["exited"] for k in range(1024))
    assert proxy.n < 8 * 1024, proxy.n        # (about 5 per core; 527 871 before)


def test_dropping_the_blocks_of_a_big_chip_touches_only_the_slots_used():
    """Each core's block table is 512 KB, mapped lazily; dropping the blocks (turning the
    profile on, the end of the run) visits only the slots used -- visiting them all touched
    512 MB for 1024 cores, and took seconds at the exit of a 64x64 run."""
    img = parse_elf(assemble(KERNEL, 0, "kernel.s"), "kernel.elf")
    chip = Chip(ChipConfig(rows=32, cols=32, first_row=0, first_col=0))
    chip.load_elf(img)
    chip.run()
    assert chip.engine.block_stats()["built"] >= 1024
    before = rss_mb()
    t0 = time.perf_counter()
    chip.engine.enable_profiling()          # (drops every block: observe_on)
    took = time.perf_counter() - t0
    assert rss_mb() - before < 64
    assert took < 0.5, took
