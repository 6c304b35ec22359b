"""The firmware agrees with the Python contracts: the shared-memory layout (epython.layout, spec
§1.9) as the firmware compiled it (its ``ep_abi`` record), the generated C headers, the
core-local memory map (spec §1.5), and the committed ELF is what build.sh makes."""
import os
import shutil
import struct
import subprocess

import pytest

from epython import bytecode, layout as L
from epython.monitor import DEFAULT_FIRMWARE, FIRMWARE_DIR
from loader.elf import read_elf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def image():
    return read_elf(DEFAULT_FIRMWARE)


def _bytes_at(img, addr, n):
    for seg in img.segments:
        if seg.addr <= addr and addr + n <= seg.addr + len(seg.data):
            return seg.data[addr - seg.addr:addr - seg.addr + n]
    raise AssertionError(f"{addr:#x} not in the image")


def test_abi_record_matches_layout(image):
    addr = image.symbol("_ep_abi").addr
    assert addr is not None
    n = len(L.ABI_FIELDS)
    got = struct.unpack(f"<{n}I", _bytes_at(image, addr, 4 * n))
    for (name, want), value in zip(L.ABI_FIELDS, got):
        assert value == want, name


def test_layout_offsets_are_consistent():
    assert L.CORE_CTRL_SIZE * L.TOTAL_CORES == L.SB["length"].offset
    assert L.CC["active"].offset + 1 == L.CORE_CTRL_SIZE
    assert L.SB["codeOnCores"].offset < L.SHARED_BASIC_SIZE
    assert L.SHARED_BASIC_SIZE % 8 == 0
    # the worked numbers of spec §1.9: 56-byte records, 928 bytes, the fields' offsets
    assert (L.SB["length"].offset, L.SB["symbol_size"].offset, L.SB["edata"].offset,
            L.SB["esdata"].offset, L.SB["allInSharedMemory"].offset) == (896, 908, 912, 920, 924)
    assert L.SHARED_PER_CORE == 0x7D000
    assert L.shared_heap_offset(1) == 0x200000 + 0x7D000 + 0xFA00


def test_core_area_as_the_host_computes_it():
    a = L.core_area(3, 0x8F000000, nsymbols=10, code_length=100, code_on_core=True)
    assert a.symbol_table == 0x6000
    assert a.postbox_start == 0x6000 + 10 * 18 + 100
    assert a.stack_start == a.postbox_start + 100
    assert a.heap_start == a.stack_start + 0x400
    assert a.shared_stack_start == 0x8F000000 + 0x200000 + 3 * 0x7D000
    assert a.shared_heap_start == a.shared_stack_start + 0xFA00
    b = L.core_area(3, 0x8F000000, 10, 5000, code_on_core=False, data_shared=True)
    assert b.postbox_start == 0x6000 + 180
    assert (b.stack_start, b.heap_start) == (a.shared_stack_start, a.shared_heap_start)
    assert L.code_on_core_address(10) == 0x6000 + 180


def test_generated_headers_are_fresh():
    with open(os.path.join(FIRMWARE_DIR, "ep_bytecode.h")) as f:
        assert f.read() == bytecode.c_header()
    with open(os.path.join(FIRMWARE_DIR, "ep_layout.h")) as f:
        assert f.read() == L.c_header()


def test_memory_map_of_the_image(image):
    # started like an ESDK image: vector table at 0, entry 0
    assert image.entry == 0
    assert image.is_core_local()
    for name, addr, size in (("workgroup_cfg", 0x28, 0x28), ("ext_mem_cfg", 0x50, 8),
                             ("loader_cfg", 0x58, 0x10)):
        assert image.sections[name] == (addr, size)
    for seg in image.segments:
        if seg.memsz:
            # everything in SRAM below the per-core ePython data; nothing in DRAM
            assert seg.addr + seg.memsz <= L.CORE_DATA_START - 0x1000, hex(seg.addr)
            assert not (seg.addr < 0x68 and seg.addr + seg.memsz > 0x28)
    from elftools.elf.elffile import ELFFile
    with open(DEFAULT_FIRMWARE, "rb") as f:
        syms = {s.name: s.entry.st_value
                for s in ELFFile(f).get_section_by_name(".symtab").iter_symbols()}
    assert syms["_ep_stack_top"] == L.C_STACK_TOP
    assert syms["_ep_core_data"] == L.CORE_DATA_START
    assert syms["_end"] + syms["_ep_stack_reserve"] <= L.C_STACK_TOP


@pytest.mark.toolchain
def test_build_script_reproduces_the_committed_files():
    if shutil.which("epiphany-elf-gcc") is None and \
            not os.path.exists("/root/.local/epiphany-elf/bin/epiphany-elf-gcc"):
        pytest.skip("epiphany-elf toolchain not installed")
    r = subprocess.run([os.path.join(FIRMWARE_DIR, "build.sh"), "--check"], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
