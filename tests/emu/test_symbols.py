"""One symbolizer (loader/symbols.py) names addresses for fault reports, instruction traces and
profiles: on the same program the three must name every address alike."""
import collections
import io
import os
import re

from emu.chip import Chip, ChipConfig, Fault
from emu.profile import UNKNOWN, Profile
from emu.report import fault_report
from emu.syscalls import HostIO
from emu.trace import TraceWriter
from loader.elf import LoadImage, Symbol, read_elf
from loader.symbols import Symbolizer, symbolizer

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
#: a C program with -g (source lines), a dozen functions, newlib around them
UNALIGNED = os.path.join(ROOT, "tests", "fixtures", "faults", "unaligned_sum.elf")
NAME = re.compile(r"<([^<>]+?)(?:\+0x([0-9a-f]+))?>")
TARGET = re.compile(r"0x([0-9a-f]+) <[^<>]+>")


def _traced_profiled_run(path):
    img = read_elf(path)
    chip = Chip(ChipConfig.for_image(img, unaligned="report"),
                HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO()))
    chip.load_elf(img)
    chip.engine.enable_profiling()
    out = io.StringIO()
    chip.trace_sink = TraceWriter(chip, out)
    chip.engine.enable_trace(1 << 16)
    res = chip.run()
    assert res.stop == "exit"
    return chip, img, res, out.getvalue().splitlines()


def _report_name(chip, img, pc):
    """(name, symbol address) as a fault report at ``pc`` names it, or None."""
    fault = Fault("breakpoint", 0, chip.coreid(0), pc, 0, 0, False, b"")
    line = next(ln for ln in fault_report(fault, chip, img) if ln.startswith("  pc "))
    m = NAME.search(line)
    if m is None:
        return None
    return m.group(1), pc - int(m.group(2) or "0", 16)


def test_reports_traces_and_profiles_name_addresses_alike():
    chip, img, res, lines = _traced_profiled_run(UNALIGNED)
    assert lines
    # traces name branch targets as reports name PCs
    targets = {}
    for ln in lines:
        for m in TARGET.finditer(ln):
            targets[int(m.group(1), 16)] = m.group(0)
    assert len(targets) > 5
    for addr, text in targets.items():
        name, base = _report_name(chip, img, addr)
        off = addr - base
        assert text == f"0x{addr:x} <{name}" + (f"+0x{off:x}>" if off else ">")
    # the profile attributes every executed instruction to the symbol reports name its PC by
    per_symbol = collections.Counter()
    names = {}
    for ln in lines:
        pc = int(ln.split()[2].rstrip(":"), 16)
        if pc not in names:
            names[pc] = _report_name(chip, img, pc) or (UNKNOWN, None)
        per_symbol[names[pc]] += 1
    doc = Profile.from_chip(chip, result=res, image=img).doc
    profiled = {(s["name"], s["addr"]): s["instructions"] for s in doc["symbols"]}
    assert profiled == dict(per_symbol)
    # and the report's source line is the symbolizer's
    pc = next(pc for pc in names if symbolizer(img).source_line(pc))
    f, n = symbolizer(img).source_line(pc)
    fault = Fault("breakpoint", 0, chip.coreid(0), pc, 0, 0, False, b"")
    assert f"at {f}:{n}" in "\n".join(fault_report(fault, chip, img))


def _image(*syms):
    return LoadImage("t.elf", 0, [], [Symbol(*s) for s in syms], {})


def test_symbolizer_rules():
    s = Symbolizer(_image(("f", 0x100, 0x40, "func", ".text"),
                          ("inner", 0x110, 0x8, "object", ".text"),
                          ("label", 0x120, 0, "notype", ".text"),
                          ("$d", 0x130, 0, "notype", ".text"),
                          ("CONST", 0x138, 0, "notype", ""),     # no section: a constant
                          ("g", 0x200, 0, "notype", ".text"),
                          ("g_func", 0x200, 0, "func", ".text"),
                          ("sec", 0x300, 0, "section", ".text")))
    assert s.describe(0x100) == "<f>"
    assert s.describe(0x114) == "<inner+0x4>"          # the innermost sized symbol
    assert s.describe(0x13c) == "<f+0x3c>"             # inside f: not after a later label
    assert s.describe(0x150) == "<label+0x30>"         # past f: the closest symbol below
    assert s.describe(0x204) == "<g_func+0x4>"         # functions before labels
    assert s.describe(0x310) == "<g_func+0x110>"       # section symbols name nothing
    assert s.describe(0xff) == "" and s.lookup(0xff) is None
    assert s.address_text(0x104) == "0x104 <f+0x4>" and s.address_text(0x10) == "0x10"
    assert s.where(0x104) == "<f+0x4>"                 # no DWARF: no source line
    assert symbolizer(None).where(0x104) == ""


def test_symbolizer_is_made_once_per_image():
    img = read_elf(UNALIGNED)
    assert symbolizer(img) is symbolizer(img)
    assert symbolizer(img).where(0x80000198) == "<_sum_words+0xc> at unaligned_sum.c:7"
