"""No input crashes the process: random code, registers and policies end in clean stops."""
import random

from tools.fuzz_core import one


def test_random_programs_stop_cleanly():
    stops = set()
    for it in range(60):
        res = one(random.Random(424242 + it))
        stops.add(res.stop)
        assert res.stop in ("exit", "all_idle", "max_cycles", "deadlock", "mem_fault",
                            "fetch_fault", "dma_fault", "unaligned", "invalid_insn",
                            "breakpoint"), res.stop
    assert len(stops) >= 3          # the generator reaches several different outcomes
