"""Issue 14.4: code and data in external DRAM ran at 1 MIPS because the scheduler did work
per emulated cycle (8-cycle slices over all 16 cores while one core stalled ~550 cycles per
DRAM load).  Host work must follow instructions, not stall cycles: counted here as scheduler
slices and run-loop entries, which are deterministic (no wall clock)."""
import io
import os

from emu.chip import Chip, ChipConfig
from emu.syscalls import HostIO
from loader.elf import read_elf

BENCH = os.path.join(os.path.dirname(__file__), "..", "..", "bench", "programs")


def _run(name, ncores):
    img = read_elf(os.path.join(BENCH, name))
    chip = Chip(ChipConfig(), HostIO(stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.load_elf(img, chip.group(*((1, 1) if ncores == 1 else (4, 4))))
    res = chip.run()
    assert res.stop == "exit" and res.exit_code == 0
    n = sum(chip.counters(k)["instructions"] for k in range(ncores))
    return n, res.cycles, chip.engine.sched_stats()


def test_lone_core_stalling_on_dram_data_is_not_sliced_per_cycle():
    n, cycles, s = _run("legacy_crc.elf", 1)
    # ~10 M instructions, ~100 M cycles: the core stalls ~550 cycles on each DRAM load
    assert cycles > 5 * n
    assert s["slices"] * 50 < n and s["core_calls"] * 50 < n, s      # (was one per 8 cycles)


def test_sixteen_cores_running_code_from_dram_are_not_sliced_per_cycle():
    n, cycles, s = _run("dram_crc.elf", 16)
    assert s["core_calls"] * 100 < n, s
