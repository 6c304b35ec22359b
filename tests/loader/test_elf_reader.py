"""loader.elf reads ELF with struct (no third-party parser on the start-up path).  Oracle:
pyelftools (a dependency of the project) reading the same files — every committed Epiphany
executable must give the same entry, segments, allocated sections, .comment and symbols."""
import glob
import io
import os

import pytest

from loader.elf import LoadError, parse_elf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ELVES = sorted(p for p in glob.glob(os.path.join(ROOT, "**", "*.elf"), recursive=True)
               if "/build/" not in p and "/.git/" not in p)


def pyelftools_view(raw):
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection
    ef = ELFFile(io.BytesIO(raw))
    segs = [(s.header.p_paddr, raw[s.header.p_offset:s.header.p_offset + s.header.p_filesz],
             max(s.header.p_memsz, s.header.p_filesz), s.header.p_flags)
            for s in ef.iter_segments() if s.header.p_type == "PT_LOAD"]
    names = [s.name for s in ef.iter_sections()]
    sections = {s.name: (s.header.sh_addr, s.header.sh_size)
                for s in ef.iter_sections() if s.header.sh_flags & 2}
    comment = ()
    for s in ef.iter_sections():
        if s.name == ".comment" and not s.header.sh_flags & 2:
            comment = tuple(x.decode() for x in s.data().split(b"\0") if x)
    kinds = {"STT_FUNC": "func", "STT_OBJECT": "object", "STT_NOTYPE": "notype",
             "STT_SECTION": "section"}
    syms = []
    for s in ef.iter_sections():
        if isinstance(s, SymbolTableSection):
            for y in s.iter_symbols():
                k = kinds.get(y.entry.st_info.type)
                if k is None or y.entry.st_shndx in ("SHN_UNDEF", "SHN_ABS", "SHN_COMMON"):
                    continue
                shn = y.entry.st_shndx
                sec = names[shn] if isinstance(shn, int) and shn < len(names) else ""
                syms.append((y.name, y.entry.st_value, y.entry.st_size, k, sec))
    return ef.header.e_entry, segs, sections, comment, syms


def test_there_are_executables_to_compare():
    assert len(ELVES) > 50


@pytest.mark.parametrize("path", ELVES[::3], ids=lambda p: os.path.relpath(p, ROOT))
def test_same_as_pyelftools(path):
    raw = open(path, "rb").read()
    if raw[18:20] != b"\x23\x12":           # another machine (a host program): not ours
        pytest.skip("not an Epiphany executable")
    img = parse_elf(raw, path)
    entry, segs, sections, comment, syms = pyelftools_view(raw)
    assert img.entry == entry
    assert [(s.addr, s.data, s.memsz, s.flags) for s in img.segments] == segs
    assert img.sections == sections
    assert img.comment == comment
    assert [(s.name, s.addr, s.size, s.kind, s.section) for s in img.symbols] == syms


@pytest.mark.parametrize("keep", [20, 52, 60, 200, 0.5, 0.99])
def test_truncated_files_are_one_clear_error(keep):
    raw = open(ELVES[0], "rb").read()
    n = keep if isinstance(keep, int) else int(len(raw) * keep)
    with pytest.raises(LoadError, match="corrupt|truncated|no loadable"):
        parse_elf(raw[:n], "x.elf")
