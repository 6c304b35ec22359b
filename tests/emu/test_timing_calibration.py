"""The timing model against every published Parallella measurement, each reproduced by a
fixture that follows the measurement's method (tests/fixtures/timing, tools/timing_calibration.py,
docs/timing.md).  The expected values are the board's figures; the tolerance is ±15 %."""
import pytest

from tools import timing_calibration as cal


@pytest.fixture(scope="module")
def rows():
    return cal.rows()


def _check(rows, group):
    sel = [r for r in rows if r.group.startswith(group)]
    assert sel, group
    bad = [f"{r.what}: board {r.board}, emulator {r.emu} ({r.ratio:.2f})" if r.emu is not None
           else f"{r.what}: not printed" for r in sel if not r.ok]
    assert not bad, bad
    return sel


def test_memcpy_8k_as_e_bandwidth_test_measures_it(rows):
    """newlib memcpy of 8 KiB by core (0,0): to and from the east neighbour, to and from DRAM
    (Parallella forum t=307: 504, 115.7, 143, 4.19 MiB/s)."""
    _check(rows, "memcpy 8 KiB")


def test_dma_8k_as_e_bandwidth_test_measures_it(rows):
    """An e-lib-style DMA copy of 8 KiB (double words, channel 1) by core (0,0) in the four
    directions (Parallella forum t=307: 1 950, 481, 493, 155 MiB/s)."""
    _check(rows, "DMA 8 KiB")


def test_write_answer_round_trip_to_every_core(rows):
    """fabigB/myParallella noCPerformance/latency: 14.5 cycles to the neighbours, 21.74 to the
    far corner; about 1.45 cycles more per unit of distance."""
    sel = _check(rows, "write/answer round trip")
    by_dist = {}
    for r in sel:
        k = int(r.what.split()[1], 16)
        by_dist.setdefault(k // 4 + k % 4, []).append(r.emu)
    means = {d: sum(v) / len(v) for d, v in by_dist.items()}
    # the board's slope: (21.74 - 14.54) / 5 = 1.44 cycles per unit of distance
    slope = (means[6] - means[1]) / 5
    assert 1.2 <= slope <= 1.7, means


def test_dma_to_a_distant_core_for_every_size(rows):
    """fabigB/myParallella bandwidth: e_dma_copy of 2..3072 ints from core 0 to core F and to
    core 3, with the target's answer (1.2-1.3 GB/s for 4-12 KB)."""
    _check(rows, "DMA core 0 -> core")


def test_dma_with_competing_streams(rows):
    """fabigB/myParallella: 4 KB from core 0 to core F while 1, 2 or 3 other DMA streams share
    some of its links: one costs nothing, three cost a quarter (924 MB/s)."""
    sel = _check(rows, "DMA 4 KB 0 -> F")
    alone = next(r.emu for r in rows if r.group.startswith("DMA core 0 -> core F")
                 and r.what == "4096 bytes")
    three = next(r.emu for r in sel if r.what == "1-B 2-7 3-B")
    assert three > 1.1 * alone


def test_every_published_figure_is_in_the_table(rows):
    n = (len(cal.EBW_MEMCPY) + len(cal.EBW_DMA) + len(cal.LATENCY) + len(cal.DMA_TO_F)
         + len(cal.DMA_TO_3) + len(cal.DMA_COMPETING))
    assert len(rows) == n
    text = cal.table(rows)
    assert text.count("\n") == n + 1


def test_every_timing_parameter_names_its_source():
    """Every parameter of emu/timing.py says where it comes from: documented (the
    architecture reference, the eLink's protocol), measured (a published measurement, named)
    or assumed.  Switches (bool) are not parameters.  A comment block may serve the fields
    right below it."""
    import dataclasses
    import inspect
    from emu import timing
    src = inspect.getsource(timing.TimingModel).splitlines()
    fields = {f.name: f for f in dataclasses.fields(timing.TimingModel)}
    block, missing, seen, after_field = [], [], set(), False
    for line in src:
        text = line.strip()
        if text.startswith("#:"):
            if after_field:
                block, after_field = [], False
            block.append(text)
            continue
        name = text.split(":")[0]
        if name in fields:
            seen.add(name)
            after_field = True
            if fields[name].type not in ("bool", bool):
                comment = " ".join(block)
                if not any(m in comment for m in ("documented", "measured", "assumed")):
                    missing.append(name)
        else:
            block, after_field = [], False
    assert seen == set(fields)
    assert not missing, missing
