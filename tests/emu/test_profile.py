"""The profiler (emu/profile.py), the instruction trace (emu/trace.py) and their options of
`epiphany-emu load`: invariants of the profile on the committed multicore programs, link
traffic against the stores the cores sent, symbol attribution, the JSON schema, trace lines
and filters, CLI errors, the heatmap."""
import io
import json
import os
import re

import pytest

from emu import cli
from emu.chip import Chip, ChipConfig
from emu.profile import COUNTER_KEYS, SCHEMA, Profile, check_invariants
from emu.syscalls import HostIO
from emu.timing import TimingModel
from emu.trace import TraceWriter, parse_cores, parse_range
from loader.elf import read_elf

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
MC = os.path.join(ROOT, "tests", "fixtures", "multicore")
MANIFEST = json.load(open(os.path.join(MC, "manifest.json")))
PINGPONG = os.path.join(ROOT, "tests", "fixtures", "timing", "pingpong.elf")
UNALIGNED = os.path.join(ROOT, "tests", "fixtures", "faults", "unaligned_sum.elf")
SPIN = os.path.join(ROOT, "tests", "fixtures", "faults", "spin_forever.elf")


def quiet():
    return HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO(), prefix="never")


def run_multicore(name, config, timing=None, profile=True, trace=False):
    prog = next(p for p in MANIFEST["programs"] if p["name"] == name)
    rn = next(r for r in prog["runs"] if r["config"] == config)
    cfg = MANIFEST["configurations"][config]
    c, g = cfg["chip"], cfg["group"]
    kw = {} if timing is None else {"timing": timing}
    chip = Chip(ChipConfig(rows=c["rows"], cols=c["cols"], first_row=c["first_row"],
                           first_col=c["first_col"], **kw), quiet())
    chip.load_elf(os.path.join(MC, prog["elf"]),
                  chip.group(g["rows"], g["cols"], g["row"], g["col"]))
    recs = []
    if profile:
        chip.engine.enable_profiling()
    if trace:
        chip.trace_sink = recs.extend
        chip.engine.enable_trace(1 << 16)
    res = chip.run(rn["max_cycles"])
    assert res.stop == rn["expected_stop"]
    return chip, res, recs


def run_image(path, cores=None, profile=True, **cfg):
    img = read_elf(path)
    chip = Chip(ChipConfig.for_image(img, **cfg), quiet())
    chip.load_elf(img, cores=cores)
    if profile:
        chip.engine.enable_profiling()
    return chip


# ---- invariants on the committed multicore programs ------------------------------------------

CASES = [("ring", "4x4"), ("reduce", "4x4"), ("reduce", "2x4_at_1_0"), ("barrier", "2x2"),
         ("dma", "2x2"), ("remote_read", "4x4"), ("timer_irq", "2x2"), ("signal", "4x4"),
         ("wand", "4x4"), ("deadlock", "4x4"), ("scripts_internal", "2x2"),
         ("scripts_fast", "2x2"), ("scripts_legacy", "1x1")]


@pytest.mark.parametrize("name,config", CASES, ids=[f"{n}-{c}" for n, c in CASES])
def test_profile_invariants_hold(name, config):
    chip, res, _ = run_multicore(name, config)
    prof = Profile.from_chip(chip, result=res, wall_seconds=0.01)
    d = prof.doc
    assert prof.check() == []
    # the same invariants spelled out
    for key in COUNTER_KEYS:
        assert d["totals"][key] == sum(c[key] for c in d["cores"]), key
    assert d["instructions"] == sum(chip.counters(k)["instructions"] for k in range(chip.ncores))
    assert d["cycles"] == res.cycles
    assert sum(s["instructions"] for s in d["symbols"]) == d["instructions"]
    assert sum(s["cycles"] for s in d["symbols"]) == \
        d["totals"]["cycles"] - d["totals"]["idle_cycles"]
    for c in d["cores"]:
        assert c["issue_cycles"] == c["instructions"] - c["dual_issue"]   # all costs are 1
        assert c["stalls"]["bank_conflict"] == chip.counters(c["index"])["bank_conflict_cycles"]
    el = d["elink"]
    t = d["totals"]
    assert el["bytes_written"] == t["bytes_ext_writes"] + t["dma_bytes_ext_written"]
    # (code run from DRAM -- the fast and legacy layouts -- is fetched over the eLink in
    # 8-byte lines, code run from another core's SRAM over the mesh)
    assert el["bytes_read"] == t["bytes_ext_reads"] + t["dma_bytes_ext_read"] + 8 * t["fetch_ext"]
    assert sum(c["reads_served"] for c in d["cores"]) == \
        t["loads_remote"] + t["dma_remote_reads"] + t["fetch_remote"]
    if name in ("scripts_fast", "scripts_legacy"):
        assert t["fetch_ext"] > 0 and t["fetch_stall_cycles"] > 0
    if name == "dma":
        # the program pulls from neighbours, from DRAM, and pushes to a neighbour
        assert t["dma_remote_reads"] > 0 and t["dma_ext_reads"] > 0
        assert t["dma_remote_writes"] > 0
        assert t["dma_bytes"] >= t["dma_bytes_remote_read"] + t["dma_bytes_ext_read"]


@pytest.mark.parametrize("name", ["reduce", "dma"])
def test_profile_invariants_hold_with_timing_off(name):
    chip, res, _ = run_multicore(name, "2x2", timing=TimingModel(pipeline=False))
    prof = Profile.from_chip(chip, result=res)
    assert prof.check() == []
    d = prof.doc
    assert d["config"]["timing"] == "off" and d["links"] == []
    assert all(c["stalls"]["dependency"] == c["stalls"]["load"] == 0 and c["dual_issue"] == 0 for c in d["cores"])


def _route(cfg, src, dst):
    """Links (core index, dir) of an XY route between chip positions."""
    (r, q), (dr, dq) = src, dst
    while (r, q) != (dr, dq):
        if q != dq:
            d = "E" if dq > q else "W"
        else:
            d = "S" if dr > r else "N"
        yield r * cfg.cols + q, d
        r, q = {"E": (r, q + 1), "W": (r, q - 1), "S": (r + 1, q), "N": (r - 1, q)}[d]


@pytest.mark.parametrize("what", ["pingpong", "deadlock"])
def test_link_traffic_is_the_traffic_the_cores_sent(what):
    """Programs that only store to other cores (no remote reads, no off-chip traffic): route
    every remote store of the instruction trace by XY and compare with every cMesh link's
    bytes and packets."""
    if what == "pingpong":
        chip = Chip(ChipConfig(), quiet())
        chip.load_elf(PINGPONG)
        recs = []
        chip.trace_sink = recs.extend
        chip.engine.enable_trace(1 << 16)
        chip.run()
    else:
        chip, _, recs = run_multicore("deadlock", "2x2", profile=False, trace=True)
    cfg = chip.config
    t = [chip.counters(k) for k in range(chip.ncores)]
    assert sum(n["loads_remote"] + n["ext_reads"] + n["ext_writes"] for n in t) == 0
    pos = {chip.coreid(k): divmod(k, cfg.cols) for k in range(chip.ncores)}
    want = {}
    sent = 0
    for cycle, k, pc, word, size, regs, mem in recs:
        if mem is None or mem[0] < 0x100000:
            continue
        dst = pos[mem[0] >> 20]
        if dst == divmod(k, cfg.cols):
            continue                      # own memory through its global alias: local
        sent += mem[1]
        for link in _route(cfg, divmod(k, cfg.cols), dst):
            b, p = want.get(link, (0, 0))
            want[link] = (b + mem[1], p + 1)
    assert sent == sum(n["bytes_stores_remote"] for n in t) > 0
    links, elink = chip.engine.link_counters()
    got = {(L["core"], L["dir"]): (L["bytes"], L["packets"]) for L in links if L["mesh"] == "c"}
    assert got == want
    assert not [L for L in links if L["mesh"] == "r"]
    assert elink["tx_bytes"] == elink["rx_bytes"] == 0


def test_invariant_checker_catches_inconsistencies():
    chip, res, _ = run_multicore("reduce", "2x2")
    d = Profile.from_chip(chip, result=res).doc
    assert check_invariants(d) == []
    bad = json.loads(json.dumps(d))
    bad["totals"]["loads_remote"] += 1
    bad["symbols"][0]["instructions"] -= 1
    bad["elink"]["bytes_written"] += 4
    errs = check_invariants(bad)
    assert any("loads_remote" in e for e in errs)
    assert any("symbols account" in e for e in errs)
    assert any("eLink" in e or "east-edge" in e for e in errs)


# ---- symbols and data ------------------------------------------------------------------------

def test_symbols_attribute_remote_stores_to_the_function_that_makes_them():
    chip = run_image(PINGPONG)
    res = chip.run()
    d = Profile.from_chip(chip, result=res).doc
    by = {s["name"]: s for s in d["symbols"]}
    assert d["symbols"][0]["name"] == "_eprt_barrier"          # everybody waits in barriers
    # play(): one start store and 64 balls, for each of two partners
    assert by["_play"]["remote"] == 130
    assert [pc["coreid"] for pc in by["_play"]["per_core"]] == [0x808]
    # main() inlines serve(): the two partners send 64 balls back each
    assert by["_main"]["remote"] >= 128
    # every core runs the barrier: per-core entries add up to the symbol
    bar = by["_eprt_barrier"]
    assert len(bar["per_core"]) == 16
    assert sum(pc["instructions"] for pc in bar["per_core"]) == bar["instructions"]
    assert bar["unattributed"] is None
    # addresses inside main are main, not the linker constant ___eprt_stack_reserve (0x400)
    assert "___eprt_stack_reserve" not in by


def test_symbols_match_the_trace_on_a_flat_program():
    """--unaligned=report: the hot functions are the division helpers of printf; the
    profile's count for _sum_words equals the trace's lines in it."""
    chip = run_image(UNALIGNED, unaligned="report")
    recs = []
    chip.trace_sink = recs.extend
    img = chip.image
    sym = next(s for s in img.symbols if s.name == "_sum_words")
    chip.engine.enable_trace(1 << 16)
    res = chip.run()
    assert res.exit_code == 0
    d = Profile.from_chip(chip, result=res).doc
    assert Profile(d).check() == []
    by = {s["name"]: s for s in d["symbols"]}
    in_sum = [r for r in recs if sym.addr <= r[2] < sym.addr + sym.size]
    assert by["_sum_words"]["instructions"] == len(in_sum) > 0
    assert by["_sum_words"]["ext"] == 0           # the flat memory is not off-chip
    assert by["_sum_words"]["per_core"][0]["coreid"] == 0x808   # one core: attributed
    top = [s["name"] for s in d["symbols"][:4]]
    assert "___udivsi3" in top
    assert len(recs) == d["instructions"]
    # the buffer the program sums is named in the hot data
    assert any("_buffer" in r["symbols"] for r in d["hot_data"])


def test_a_fault_is_attributed_to_the_faulting_function():
    chip = run_image(UNALIGNED)                    # --unaligned=stop
    res = chip.run()
    assert res.stop == "unaligned"
    d = Profile.from_chip(chip, result=res).doc
    assert Profile(d).check() == []
    s = next(s for s in d["symbols"] if s["name"] == "_sum_words")
    assert s.get("includes_fault") is True


def test_hot_data_names_the_variables_and_counts_remote_writes():
    """reduce on 2x2: every core spins on its barrier word; the arrivals of the other cores
    are remote writes into core 0's copy; the DRAM counter is named."""
    chip, res, _ = run_multicore("reduce", "2x2")
    d = Profile.from_chip(chip, result=res).doc
    top = d["hot_data"][:4]
    assert {r["core"] for r in top} == {"0x808", "0x809", "0x848", "0x849"}
    assert len({r["addr"] for r in top}) == 1
    for r in top:
        assert r["memory"] == "sram" and "_bar_release" in r["symbols"]
        assert r["global_addr"] == (r["coreid"] << 20) | r["addr"]
    w = {r["core"]: r["writes"] for r in top}
    assert w["0x808"] > max(w["0x809"], w["0x848"], w["0x849"])
    dram = [r for r in d["hot_data"] if r["memory"] == "ext"]
    assert dram and "_dram_counter" in dram[0]["symbols"]
    assert dram[0]["global_addr"] == dram[0]["addr"] >= 0x8E000000


# ---- JSON schema -----------------------------------------------------------------------------

def test_json_schema(tmp_path):
    chip, res, _ = run_multicore("reduce", "2x2")
    out = tmp_path / "p.json"
    Profile.from_chip(chip, result=res, wall_seconds=0.5).write_json(str(out))
    d = json.loads(out.read_text())
    assert d["schema"] == SCHEMA
    for k in ("instructions", "cycles", "wall_seconds", "cores", "links", "elink", "symbols",
              "hot_data", "config", "totals", "profiled", "stop", "exit_code", "notes"):
        assert k in d, k
    assert d["wall_seconds"] == 0.5 and d["profiled"] is True
    core = d["cores"][0]
    for k in ("coreid", "core", "instructions", "cycles", "ipc", "stalls", "issue_cycles",
              "loads_local", "loads_remote", "ext_reads", "stores_local", "stores_remote",
              "ext_writes", "bytes_loads_local", "bytes_loads_remote", "bytes_ext_reads",
              "bytes_stores_local", "bytes_stores_remote", "bytes_ext_writes", "dma_bytes",
              "traps", "reads_served"):
        assert k in core, k
    assert set(core["stalls"]) == {"dependency", "load", "branch", "fetch", "remote", "external",
                                   "bank_conflict", "idle"}
    L = d["links"][0]
    assert set(L) >= {"from", "to", "dir", "mesh", "bytes", "packets", "busy_cycles",
                      "utilization"}
    assert set(d["elink"]) >= {"bytes_written", "bytes_read", "writes", "reads", "regions"}
    s = d["symbols"][0]
    assert set(s) >= {"name", "addr", "instructions", "cycles", "remote", "ext", "per_core",
                      "unattributed"}
    h = d["hot_data"][0]
    assert set(h) >= {"memory", "addr", "global_addr", "size", "reads", "writes", "symbols"}
    c = d["config"]
    assert (c["rows"], c["cols"], c["timing"]) == (4, 4, "on")
    assert c["workgroup"] == [0x808, 0x809, 0x848, 0x849]


def test_stats_without_profiling_has_no_symbols():
    chip, res, _ = run_multicore("ring", "2x2", profile=False)
    d = Profile.from_chip(chip, result=res).doc
    assert d["profiled"] is False and d["symbols"] == [] and d["hot_data"] == []
    assert check_invariants(d) == []
    text = "\n".join(Profile.from_chip(chip, result=res).text_summary())
    assert "0x808" in text and "dependency" in text and "--profile" in text


# ---- trace ---------------------------------------------------------------------------------

LINE = re.compile(r"^ *(\d+) (0x[0-9a-f]{3}) ([0-9a-f]{8}): (\S.*?)(?:  +(\S.*))?$")


def test_trace_lines_and_pc_filter():
    chip = run_image(UNALIGNED, profile=False, unaligned="report")
    sym = next(s for s in chip.image.symbols if s.name == "_sum_words")
    out = io.StringIO()
    chip.trace_sink = TraceWriter(chip, out)
    chip.engine.enable_trace(64, sym.addr, sym.addr + sym.size)      # small: drained often
    chip.run()
    lines = out.getvalue().splitlines()
    assert lines and chip.trace_sink.lines == len(lines)
    cycles = []
    for ln in lines:
        m = LINE.match(ln)
        assert m, ln
        assert m.group(2) == "0x808"
        assert sym.addr <= int(m.group(3), 16) < sym.addr + sym.size
        cycles.append(int(m.group(1)))
    assert cycles == sorted(cycles)
    # a load with post-increment writes two registers; the disassembly is objdump's
    ldr = [ln for ln in lines if "ldr r1,[r2],+0x1" in ln]
    assert ldr and re.search(r"r1=0x[0-9a-f]{8} r2=0x[0-9a-f]{8}$", ldr[0])
    assert any("<_sum_words+0x" in ln for ln in lines)          # branch targets named


def test_trace_records_memory_writes_and_core_filter():
    chip = Chip(ChipConfig(), quiet())
    chip.load_elf(PINGPONG)
    out = io.StringIO()
    chip.trace_sink = TraceWriter(chip, out)
    chip.engine.enable_trace(1 << 12, cores=parse_cores("0x809", chip))
    chip.run()
    lines = out.getvalue().splitlines()
    assert lines and all(" 0x809 " in ln[:16] for ln in lines)
    # the ball goes back to core (0,0)'s flag: a remote store into 0x808's SRAM
    assert any(re.search(r"\[0x808[0-9a-f]{5}\]=0x[0-9a-f]{8}$", ln) for ln in lines)


def test_trace_option_parsers():
    chip = Chip(ChipConfig(), quiet())
    assert parse_cores("0x808, 0x80b,5", chip) == [0, 3, 5]
    for bad in ("0x7ff", "99", "banana", ""):
        with pytest.raises(ValueError, match="--trace-cores"):
            parse_cores(bad, chip)
    assert parse_range("100:400") == (0x100, 0x400)
    assert parse_range("0x80000000:") == (0x80000000, 0xFFFFFFFF)
    assert parse_range(":0x10") == (0, 0x10)
    for bad in ("100", "400:100", "x:y", "1:2:3"):
        with pytest.raises(ValueError, match="--trace-range"):
            parse_range(bad)


# ---- command line -----------------------------------------------------------------------------

def main(capfd, *argv):
    code = cli.main(["load", *argv])
    out, err = capfd.readouterr()
    return code, out, err


def test_cli_profile_json_and_summary(capfd, tmp_path):
    j = tmp_path / "run.json"
    code, out, err = main(capfd, "--prefix", "never", "--profile", str(j), PINGPONG)
    assert code == 0 and "round trip 1 hop" in out
    assert "profile of" in err and "hottest functions" in err and "_eprt_barrier" in err
    assert "cMesh" in err and "bank: instruction fetch behind a load/store" in err
    d = json.loads(j.read_text())
    assert d["instructions"] > 0 and d["wall_seconds"] > 0 and len(d["cores"]) == 16
    assert Profile(d).check() == []


def test_cli_profile_without_file_and_stats(capfd, tmp_path):
    # "--profile app.elf": the ELF is the program, not the JSON file
    code, _, err = main(capfd, "--profile", UNALIGNED)
    assert code == 135 and "hottest functions" in err and "_sum_words" in err
    code, _, err = main(capfd, "--profile", str(tmp_path / "p.json"), UNALIGNED)
    assert code == 135 and (tmp_path / "p.json").exists()
    code, _, err = main(capfd, "--profile", str(tmp_path / "p.json"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no ELF" in err
    code, _, err = main(capfd, "--stats", "--unaligned=report", UNALIGNED)
    assert code == 0 and "stall cycles" in err and "hottest functions" not in err


def test_cli_timing_off(capfd, tmp_path):
    on, off = tmp_path / "on.json", tmp_path / "off.json"
    main(capfd, "--cores", "4", "--profile", str(on), os.path.join(MC, "reduce.elf"))
    code, _, err = main(capfd, "--cores", "4", "--timing", "off", "--profile", str(off),
                        os.path.join(MC, "reduce.elf"))
    assert code == 0 and "not modelled with --timing off" in err
    a, b = json.loads(on.read_text()), json.loads(off.read_text())
    assert a["config"]["timing"] == "on" and b["config"]["timing"] == "off"
    assert a["links"] and not b["links"]
    assert a["cycles"] != b["cycles"]


def test_cli_trace(capfd, tmp_path):
    t = tmp_path / "run.trace"
    img = read_elf(UNALIGNED)
    sym = next(s for s in img.symbols if s.name == "_sum_words")
    code, _, _ = main(capfd, "--unaligned=report", "--trace", str(t), "--trace-cores", "0",
                      "--trace-range", f"{sym.addr:x}:{sym.addr + sym.size:x}", UNALIGNED)
    assert code == 0
    lines = t.read_text().splitlines()
    assert lines and all(LINE.match(ln) for ln in lines)
    assert all(sym.addr <= int(LINE.match(ln).group(3), 16) < sym.addr + sym.size
               for ln in lines)


@pytest.mark.parametrize("args,msg", [
    (["--trace-range", "0:100"], "need --trace"),
    (["--trace", "{tmp}/t", "--trace-range", "zz"], "--trace-range"),
    (["--trace", "{tmp}/t", "--trace-range", "400:100"], "--trace-range"),
    (["--trace", "{tmp}/t", "--trace-cores", "0x999"], "--trace-cores"),
    (["--trace", "/nonexistent/dir/t"], "no such directory"),
    (["--profile", "/nonexistent/dir/p.json"], "no such directory"),
    (["--profile", "{tmp}"], "is a directory"),
    (["--heatmap", "/nonexistent/m.png"], "no such directory"),
])
def test_cli_errors_are_one_line_and_exit_2(capfd, tmp_path, args, msg):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = main(capfd, *args, SPIN)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and msg in err, err
    assert out == ""


def test_cli_timing_choice_is_checked(capfd):
    with pytest.raises(SystemExit) as e:
        cli.main(["load", "--timing", "fast", SPIN])
    assert e.value.code == 2


def test_cli_heatmap_without_matplotlib(capfd, tmp_path, monkeypatch):
    import emu.profile
    monkeypatch.setattr(emu.profile, "have_matplotlib", lambda: False)
    code, out, err = main(capfd, "--heatmap", str(tmp_path / "m.png"), SPIN)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "pip install matplotlib" in err
    assert not (tmp_path / "m.png").exists()


def test_help_lists_the_options_with_examples(capfd):
    with pytest.raises(SystemExit):
        cli.main(["load", "--help"])
    out = capfd.readouterr().out
    for opt in ("--profile", "--heatmap", "--trace", "--trace-cores", "--trace-range",
                "--timing", "--stats"):
        assert opt in out
    assert "--profile run.json" in out and "--trace-range 0x100:0x400" in out


# ---- heatmap ---------------------------------------------------------------------------------

def test_heatmap_png(capfd, tmp_path):
    # matplotlib is in the test extra (pyproject.toml): this test runs wherever the suite does
    m = tmp_path / "mesh.png"
    code, _, _ = main(capfd, "--cores", "4", "--heatmap", str(m), "--heatmap-by", "traffic",
                      os.path.join(MC, "reduce.elf"))
    assert code == 0
    data = m.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10000
    chip, res, _ = run_multicore("ring", "4x4", profile=False)
    p = tmp_path / "ring.png"
    Profile.from_chip(chip, result=res).heatmap(str(p))
    assert p.read_bytes()[:4] == b"\x89PNG"
