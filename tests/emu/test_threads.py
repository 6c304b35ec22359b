"""Host threads (--threads, ChipConfig.threads, EPIPHANY_THREADS) change nothing but speed.

The parallel phase of a coarse slice (chip_parallel_phase in emu/_core.pyx) runs the cores on
several host threads; the same phase runs on the calling thread alone with one.  Every run
must give the same stop, output, registers, memory, counters and link traffic whatever the
number of threads.  The expected values are the one-thread run's: these are equivalence
tests (self-consistency across thread counts), not accuracy tests -- the timing tests and the
fixtures' host models check what the runs compute."""
import glob
import io
import os
import random
import subprocess
import sys

import pytest

from emu.chip import Chip, ChipConfig, default_threads
from emu.syscalls import HostIO
from loader.elf import read_elf

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def _programs():
    fx = os.path.join(ROOT, "tests", "fixtures")
    progs = [os.path.join(ROOT, "bench", "programs", "int_crc.elf")]
    progs += sorted(glob.glob(os.path.join(fx, "multicore", "*.elf")))
    progs += [os.path.join(fx, "timing", n) for n in ("latency.elf", "dmabw.elf",
                                                        "pingpong.elf")]
    return [os.path.relpath(p, ROOT) for p in progs]


def _run(path, threads):
    img = read_elf(os.path.join(ROOT, path))
    out = io.BytesIO()
    chip = Chip(ChipConfig.for_image(img, threads=threads),
                HostIO(stdin=io.BytesIO(), stdout=out, stderr=io.BytesIO(), prefix="never"))
    assert chip.engine.threads == min(threads, chip.ncores)
    chip.load_elf(img, None if img.is_core_local() else [0])
    res = chip.run(40_000_000)
    e = chip.engine
    got = (res.stop, res.exit_code, out.getvalue(), [chip.counters(k) for k in range(chip.ncores)],
           e.link_counters(), [[e.reg_read(k, r) for r in range(64)] + [e.get_pc(k)]
                               for k in range(chip.ncores)],
           [bytes(e.sram(k)) for k in range(chip.ncores)])
    return got, e.sched_stats()


@pytest.mark.parametrize("path", _programs())
def test_programs_same_on_one_and_four_threads(path):
    ref, st1 = _run(path, 1)
    got, st4 = _run(path, 4)
    names = ("stop", "exit code", "output", "counters", "links", "registers", "memory")
    assert [n for n, a, b in zip(names, ref, got) if a != b] == []
    # the same algorithm: as many parallel phases with one thread as with four (only whether
    # they ran on the pool's threads differs)
    assert st1.pop("pool") == 0
    st4.pop("pool")
    assert st1 == st4


def test_sixteen_core_kernel_runs_mostly_in_parallel_phases():
    """int_crc on 16 cores computes without talking: nearly all its instructions run in the
    parallel phase (else more threads could not help)."""
    img = read_elf(os.path.join(ROOT, "bench", "programs", "int_crc.elf"))
    chip = Chip(ChipConfig.for_image(img, threads=2),
                HostIO(stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.load_elf(img)
    chip.run()
    st = chip.engine.sched_stats()
    n = sum(chip.counters(k)["instructions"] for k in range(chip.ncores))
    assert st["parallel_insns"] > 0.9 * n
    if len(os.sched_getaffinity(0)) > 1:
        assert st["pool"] > 0.9 * st["parallel"]     # (on the pool's threads)


@pytest.mark.parametrize("gen", ["one", "one_loop", "one_tight_loop", "one_plain_loop",
                                 "one_phased", "one_flat_loop"])
def test_random_multicore_programs_same_at_every_thread_count(gen):
    """Random programs on four cores (tools/fuzz_core.py: random code and DMA; random loops
    of integer, FPU, local/remote/off-chip loads and stores and branches, some run from
    another core's SRAM; loops of one block; compute phases, exchanges and polls), random
    quanta: stop, counters, registers, memory and link traffic agree at 1, 2 and 4 threads.
    `tools/fuzz_core.py SEED COUNT --threads` runs many more."""
    import tools.fuzz_core as fz
    g = getattr(fz, gen)
    parallel = 0
    for seed in range(12):
        assert fz.threads_differ(31000 + seed, g) == "", seed
        chips = []
        g(random.Random(31000 + seed), True, chips, threads=2)
        parallel += chips[0].engine.sched_stats()["parallel"] > 0
    if gen in ("one_tight_loop", "one_phased"):
        assert parallel >= 6      # (the parallel phase ran: the test can tell)


@pytest.mark.parametrize("gen", ["one_tight_loop", "one_plain_loop", "one_phased"])
def test_random_multicore_programs_same_at_every_thread_count_timing_off(gen):
    """As above with the timing model off (--timing off: the untimed blocks)."""
    import tools.fuzz_core as fz
    g = getattr(fz, gen)
    parallel = 0
    for seed in range(8):
        assert fz.threads_differ(32000 + seed, g, timed=False) == "", seed
        chips = []
        g(random.Random(32000 + seed), True, chips, threads=2, timed=False)
        parallel += chips[0].engine.sched_stats()["parallel"] > 0
    assert parallel >= 4


def test_threads_option_and_environment():
    env = dict(os.environ, PYTHONPATH=ROOT)
    outs = []
    for n in ("1", "2", "3"):
        p = subprocess.run([sys.executable, "-m", "emu", "load", "--threads", n, "--cores", "4",
                            "--prefix", "never", os.path.join(ROOT, "bench", "programs",
                                                              "int_crc.elf")],
                           env=env, capture_output=True, timeout=300)
        assert p.returncode == 0, p.stderr
        outs.append(p.stdout)
    assert outs[0] == outs[1] == outs[2]
    p = subprocess.run([sys.executable, "-m", "emu", "load", "--threads", "-2",
                        os.path.join(ROOT, "examples", "hello.elf")],
                       env=env, capture_output=True, timeout=300)
    assert p.returncode == 2 and b"--threads" in p.stderr


def test_default_threads(monkeypatch):
    monkeypatch.setenv("EPIPHANY_THREADS", "3")
    assert default_threads() == 3
    assert Chip(ChipConfig()).engine.threads == 3
    assert Chip(ChipConfig(threads=5)).engine.threads == 5
    assert Chip(ChipConfig(rows=1, cols=2, threads=5)).engine.threads == 2   # (one per core)
    monkeypatch.delenv("EPIPHANY_THREADS")
    assert default_threads() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("EPIPHANY_THREADS", "many")
    with pytest.raises(ValueError, match="EPIPHANY_THREADS"):
        default_threads()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_runs_a_chip_whose_pool_it_did_not_inherit():
    """A chip whose thread pool was started before a fork still runs in the child (the
    child has none of the pool's threads: it makes its own)."""
    img = read_elf(os.path.join(ROOT, "bench", "programs", "int_crc.elf"))
    chip = Chip(ChipConfig.for_image(img, threads=2),
                HostIO(stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.load_elf(img)
    chip.run(200_000)                         # (parallel phases ran: the pool exists)
    assert chip.engine.sched_stats()["parallel"] > 0
    pid = os.fork()
    if pid == 0:                              # the child: finish the run, exit 0 if it ends
        try:
            res = chip.run()
            os._exit(0 if res.stop == "exit" else 1)
        except BaseException:
            os._exit(2)
    deadline = 120
    import time
    t0 = time.time()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() - t0 > deadline:
            os.kill(pid, 9)
            pytest.fail("the forked child hung")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(status) == 0


def test_cores_sharing_code_in_the_flat_layout_race_for_nothing():
    """Three cores run the same code in the flat layout's external memory (a plain region:
    they run it in the parallel phase, on several host threads) where nothing was decoded yet:
    its predecode records are shared, so they are filled in the serial phase only.  (Found by
    `tools/fuzz_core.py 20000000 150 --blocks`: two threads decoding the same record at once
    made one of them see a half-written record, an invalid instruction, in about half of the
    two-thread runs.)  Every two-thread run is the one-thread run."""
    import tools.fuzz_core as fz
    from emu.chip import Chip as C
    seed_value = 20000060000147
    orig = C.run

    def run(threads, blocks):
        chips = []
        C.run = lambda self, n=None: orig(self, 6000)
        try:
            res = fz.one_flat_loop(random.Random(seed_value), blocks, chips, threads=threads,
                                   fine_quantum=32)
        finally:
            C.run = orig
        return fz.snapshot(chips[0], res), chips[0].engine.sched_stats()
    for blocks in (True, False):
        ref, st = run(1, blocks)
        assert st["parallel"] >= 3          # (parallel phases: the cores were run there)
        for _ in range(6):
            assert run(2, blocks)[0] == ref
