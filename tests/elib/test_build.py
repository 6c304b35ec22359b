"""The e-lib's build products: the linker scripts are what make_ldf.py writes, the committed
libe-lib.a and test ELFs are what their scripts build (byte for byte), every committed ELF
has the layout the ESDK-style scripts promise (docs/elib.md), the link stops with a message
where a program cannot be placed, and the headers are valid C++ too."""
from __future__ import annotations

import glob
import os
import shutil
import struct
import subprocess

import pytest

from elftools.elf.elffile import ELFFile

from loader.elf import read_elf

from .elibrun import PROGRAMS, ROOT

ELIB = os.path.join(ROOT, "firmware", "elib")
LDF = os.path.join(ELIB, "ldf")
ELFS = sorted(glob.glob(os.path.join(PROGRAMS, "*.elf")))
TOOLCHAIN = shutil.which("epiphany-elf-gcc") is not None

B_CRT0_IVT = 0x00006CE8           # b +0xD8: from slot n to crt0's own branch for slot n


def sh(*args, **kw):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, **kw)


def test_linker_scripts_are_generated():
    r = sh("python3", os.path.join(LDF, "make_ldf.py"), "--check")
    assert r.returncode == 0, r.stderr


def symbols(path):
    """Every named symbol, the linker scripts' constants (SHN_ABS) included."""
    with open(path, "rb") as f:
        tab = ELFFile(f).get_section_by_name(".symtab")
        return {s.name: s.entry.st_value for s in tab.iter_symbols() if s.name}


def load_bytes(img, addr, n):
    for s in img.segments:
        if s.addr <= addr and addr + n <= s.addr + len(s.data):
            return s.data[addr - s.addr:addr - s.addr + n]
    raise AssertionError(f"0x{addr:x} is not loaded")


def covered(img, addr):
    return any(s.addr <= addr < s.addr + s.memsz for s in img.segments if s.memsz)


@pytest.mark.parametrize("path", ELFS, ids=os.path.basename)
def test_elf_layout(path):
    img = read_elf(path)
    sym = symbols(path)
    assert img.entry == 0 and img.is_core_local()
    # the vector table: crt0's branch or a GCC interrupt("name") handler's in every slot
    assert img.sections["IVT"] == (0, 0x28)
    assert img.sections[".crt0_ivt"] == (0xD8, 0x28) and sym["_start"] == 0xD8
    slots = struct.unpack("<10I", load_bytes(img, 0, 0x28))
    assert slots[0] == B_CRT0_IVT
    for n, w in enumerate(slots):
        if os.path.basename(path).startswith("irq.") and n == 4:
            assert w & 0xFF == 0xE8 and 4 * n + ((w >> 8) << 1) == sym["_timer1_isr"]
        else:
            assert w == B_CRT0_IVT, n
    first = struct.unpack("<I", load_bytes(img, 0xD8, 4))[0]
    assert first & 0xFF == 0xE8 and 0xD8 + ((first >> 8) << 1) == sym[".normal_start"] == 0x100
    # the loader's records: at their addresses, in no segment
    for name, addr, size in (("workgroup_cfg", 0x28, 0x28), ("ext_mem_cfg", 0x50, 8),
                             ("loader_cfg", 0x58, 0x10)):
        assert img.sections[name] == (addr, size)
    assert not any(covered(img, a) for a in range(0x28, 0x68, 4))
    assert sym["_e_group_config"] == 0x28 and sym["_e_emem_config"] == 0x50
    # crt0 clears 8 bytes of its own; .bss proper is the loader's to zero
    assert sym["_end"] - sym["___bss_start"] == 8
    assert sym["___elib_bss_end"] <= sym["___bss_start"]
    # e-lib's per-core heap, not libgloss's
    assert "_eprt_heap_start" not in sym
    assert sym["___heap_start"] == 0x8F800000


@pytest.mark.toolchain
@pytest.mark.skipif(not TOOLCHAIN, reason="epiphany-elf toolchain not on PATH")
def test_library_is_reproducible():
    r = sh(os.path.join(ELIB, "build.sh"), "--check", timeout=600)
    assert r.returncode == 0, r.stderr


@pytest.mark.toolchain
@pytest.mark.skipif(not TOOLCHAIN, reason="epiphany-elf toolchain not on PATH")
def test_programs_are_reproducible():
    r = sh(os.path.join(ROOT, "tests", "elib", "build.sh"), "--check", timeout=600)
    assert r.returncode == 0, r.stderr


def link(tmp_path, source, layout="internal", extra=()):
    c = tmp_path / "p.c"
    c.write_text(source)
    return sh("epiphany-elf-gcc", "-O2", "-T", os.path.join(LDF, f"{layout}.ldf"),
              "-I", os.path.join(ELIB, "include"), str(c), "-L", ELIB, "-le-lib",
              "-o", str(tmp_path / "p.elf"), "-Wl,--no-warn-rwx-segments", *extra, timeout=120)


@pytest.mark.toolchain
@pytest.mark.skipif(not TOOLCHAIN, reason="epiphany-elf toolchain not on PATH")
@pytest.mark.parametrize("source,message", [
    ("char big[40000];\nint main(void) { return big[0]; }\n",
     "internal.ldf: the program does not fit into the 32 KB of core SRAM"),
    ('void __attribute__((interrupt("reset"))) h(void) {}\nint main(void) { return 0; }\n',
     "the reset vector is crt0's"),
    ('void __attribute__((interrupt("timer0"))) a(void) {}\n'
     'void __attribute__((interrupt("timer0"))) b(void) {}\nint main(void) { return 0; }\n',
     "cannot move location counter backwards"),
])
def test_link_refuses_what_cannot_be_placed(tmp_path, source, message):
    r = link(tmp_path, source)
    assert r.returncode != 0 and message in r.stderr, r.stderr


@pytest.mark.toolchain
@pytest.mark.skipif(not TOOLCHAIN, reason="epiphany-elf toolchain not on PATH")
def test_legacy_slice_follows_core_row_and_col(tmp_path):
    r = link(tmp_path, "int x;\nint main(void) { return x; }\n", "legacy",
             ("-Wl,--defsym=_CORE_ROW_=35", "-Wl,--defsym=_CORE_COL_=11"))
    assert r.returncode == 0, r.stderr
    sym = symbols(str(tmp_path / "p.elf"))
    assert sym["___eprt_slice_base"] == 0x8E000000 + 15 * 0x100000
    assert sym["___stack"] == 0x8E000000 + 16 * 0x100000 - 0x10


@pytest.mark.toolchain
@pytest.mark.skipif(not TOOLCHAIN, reason="epiphany-elf toolchain not on PATH")
def test_fast_library_slice_follows_core_row_and_col(tmp_path):
    """Two different fast images on one chip need different library slices, chosen as with
    the ESDK: by _CORE_ROW_/_CORE_COL_."""
    src = '#include <string.h>\nchar a[8], b[8];\nint main(void) { memcpy(a, b, 8); return a[0]; }\n'
    r = link(tmp_path, src, "fast")
    assert r.returncode == 0, r.stderr
    assert read_elf(str(tmp_path / "p.elf")).sections[".dram_text"][0] == 0x8E000000
    r = link(tmp_path, src, "fast", ("-Wl,--defsym=_CORE_ROW_=32", "-Wl,--defsym=_CORE_COL_=10"))
    assert r.returncode == 0, r.stderr
    assert read_elf(str(tmp_path / "p.elf")).sections[".dram_text"][0] == 0x8E200000


@pytest.mark.toolchain
@pytest.mark.skipif(not TOOLCHAIN, reason="epiphany-elf toolchain not on PATH")
def test_e_gcc_builds_like_the_esdk(tmp_path):
    """An ESDK build line, with e-gcc = firmware/elib/bin/e-gcc and ELDF = our fast.ldf."""
    (tmp_path / "e_prog.c").write_text('#include "e_lib.h"\n'
                                       "int main(void) { return e_get_coreid() == 0; }\n")
    r = subprocess.run([os.path.join(ELIB, "bin", "e-gcc"), "-T", os.path.join(LDF, "fast.ldf"),
                        "e_prog.c", "-o", "e_prog.elf", "-le-lib"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert read_elf(str(tmp_path / "e_prog.elf")).entry == 0


@pytest.mark.toolchain
@pytest.mark.skipif(not TOOLCHAIN, reason="epiphany-elf toolchain not on PATH")
@pytest.mark.parametrize("std", ["c99", "c11", "gnu89"])
def test_headers_compile_cleanly(tmp_path, std):
    """Every header, with newlib's, in strict modes: no warning an ESDK program's own -Werror
    build would stop on."""
    src = tmp_path / "x.c"
    src.write_text("#include <signal.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
                   "#include <string.h>\n#include <stdint.h>\n#include <math.h>\n"
                   '#include "e-lib.h"\n#include "e_trace.h"\n'
                   "int main(void) { return (int)e_get_coreid(); }\n")
    r = sh("epiphany-elf-gcc", f"-std={std}", "-Wall", "-Wextra", "-Werror",
           *(["-pedantic"] if std != "gnu89" else []), "-I", os.path.join(ELIB, "include"),
           "-c", str(src), "-o", str(tmp_path / "x.o"), timeout=120)
    assert r.returncode == 0, r.stderr


@pytest.mark.skipif(shutil.which("g++") is None, reason="no host C++ compiler")
def test_headers_are_cxx(tmp_path):
    """ESDK headers are usable from C++ (extern "C", no C-only syntax): checked with the host's
    compiler, which is enough for syntax and linkage."""
    src = tmp_path / "x.cpp"
    src.write_text('#include "e-lib.h"\n#include "e_trace.h"\n'
                   "int f() { e_dma_desc_t d; e_irq_attach(E_USER_INT, (void (*)(int))0);\n"
                   "  return e_dma_start(&d, E_DMA_0) + (int)e_get_coreid(); }\n")
    r = subprocess.run(["g++", "-fsyntax-only", "-Wall", "-I", os.path.join(ELIB, "include"),
                        str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
