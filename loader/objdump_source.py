"""Source lines between the instructions, as ``epiphany-elf-objdump -S`` prints them.

objdump (binutils 2.40, ``show_line``) asks BFD for the line of every instruction it prints
(``bfd_find_nearest_line``: the DWARF line-table row at or below the address, in the sequence
that contains it; of several rows at one address the last one counts) and, when the line
differs from the last one printed for that file, prints the source lines from just after the
highest line already printed (or up to 5 lines of context before it the first time, or
when going backwards) through that line.  File names are built as BFD's ``concat_filename``
does (compilation directory, include directory, name) and opened relative to the current
directory; a file that cannot be opened prints nothing, and only newline-terminated lines
are printed.
"""
from __future__ import annotations

import bisect
import io
import os
from typing import Dict, List, Optional, Tuple

#: objdump's SHOW_PRECEDING_CONTEXT_LINES
CONTEXT = 5
DW_LNS_SET_FILE = 4


class _File:
    def __init__(self, lines: List[str]):
        self.lines = lines          # line n is lines[n - 1]
        self.first = True
        self.max_printed = 0
        self.last_line = 0


class SourceLines:
    """The line table of one ELF file and the per-file state of one listing."""

    def __init__(self, blob: bytes):
        #: sequences: (low, high, [row addresses], [(file name, line)])
        self.seqs: List[Tuple[int, int, List[int], List[Tuple[str, int]]]] = []
        self._lows: List[int] = []
        self.files: Dict[str, Optional[_File]] = {}
        try:
            self._read(blob)
        except Exception:       # debug information is optional: broken means none
            self.seqs = []
        self.seqs.sort(key=lambda s: s[0])
        self._lows = [s[0] for s in self.seqs]

    def _read(self, blob: bytes) -> None:
        from elftools.elf.elffile import ELFFile
        ef = ELFFile(io.BytesIO(blob))
        if not ef.has_dwarf_info():
            return
        dw = ef.get_dwarf_info()
        for cu in dw.iter_CUs():
            lp = dw.line_program_for_CU(cu)
            if lp is None:
                continue
            top = cu.get_top_DIE()
            comp_dir = top.attributes.get("DW_AT_comp_dir")
            comp_dir = _text(comp_dir.value) if comp_dir is not None else None
            hdr = lp.header
            v5 = hdr["version"] >= 5
            dirs = [_text(d) for d in hdr["include_directory"]]
            files = []
            for fe in hdr["file_entry"]:
                files.append((_text(fe.name), fe.dir_index))
            names: Dict[int, str] = {}

            def name_of(file: int) -> str:
                n = names.get(file)
                if n is None:
                    n = names[file] = _concat(file, files, dirs, comp_dir, v5)
                return n

            addrs: List[int] = []
            rows: List[Tuple[str, int]] = []
            # BFD starts every sequence with file 0 in DWARF 5 (file 1 before), whatever the
            # file register says, until a DW_LNS_set_file (dwarf2.c decode_line_info)
            explicit = False
            for entry in lp.get_entries():
                if entry.command == DW_LNS_SET_FILE and not entry.is_extended:
                    explicit = True
                st = entry.state
                if st is None:
                    continue
                file = st.file if explicit or not v5 else 0
                if st.end_sequence:
                    explicit = False
                    if addrs:
                        if addrs[-1] == st.address:      # the end replaces a row there
                            addrs.pop()
                            rows.pop()
                        if addrs:
                            self.seqs.append((addrs[0], st.address, addrs, rows))
                    addrs, rows = [], []
                    continue
                if addrs and addrs[-1] == st.address:
                    rows[-1] = (name_of(file), st.line)        # BFD keeps the last one
                    continue
                addrs.append(st.address)
                rows.append((name_of(file), st.line))

    def lookup(self, addr: int) -> Optional[Tuple[str, int]]:
        k = bisect.bisect_right(self._lows, addr) - 1
        while k >= 0:                    # the nearest sequence first; they rarely overlap
            low, high, addrs, rows = self.seqs[k]
            if addr < high:
                j = bisect.bisect_right(addrs, addr) - 1
                return rows[j] if j >= 0 else None
            k -= 1
        return None

    def _file(self, name: str) -> Optional[_File]:
        f = self.files.get(name)
        if f is None:
            try:
                with open(name, "rb") as fh:
                    data = fh.read()
            except OSError:
                return None              # tried again next time, as objdump does
            f = self.files[name] = _File(_index(data.decode("latin-1")))
        return f

    def show(self, addr: int) -> str:
        """The source text objdump prints before the instruction at ``addr``."""
        found = self.lookup(addr)
        if found is None:
            return ""
        name, line = found
        if not name or line <= 0:
            return ""
        p = self._file(name)
        if p is None or line == p.last_line:
            return ""
        first = line - CONTEXT
        if first < 1:
            first = 1
        if p.max_printed >= first:
            first = p.max_printed + 1 if p.max_printed < line else line
        out = "".join(p.lines[n - 1] + "\n" for n in range(first, line + 1)
                      if n <= len(p.lines))
        if p.max_printed < line:
            p.max_printed = line
        p.last_line = line
        p.first = False
        return out


def _text(v) -> str:
    return v.decode("latin-1") if isinstance(v, bytes) else str(v)


def _concat(file: int, files, dirs, comp_dir: Optional[str], v5: bool) -> str:
    """BFD's concat_filename."""
    if not v5:
        if file == 0:
            return "<unknown>"
        file -= 1
    if not 0 <= file < len(files):
        return "<unknown>"
    name, d = files[file]
    if os.path.isabs(name):
        return name
    if not v5:
        d -= 1
    sub = dirs[d] if 0 <= d < len(dirs) else None
    base = comp_dir if (sub is None or not os.path.isabs(sub)) else None
    if base is None:
        base, sub = sub, None
    if base is None:
        return name
    return f"{base}/{sub}/{name}" if sub is not None else f"{base}/{name}"


def _index(text: str) -> List[str]:
    """The newline-terminated lines (\\n, \\r\\n, \\n\\r or \\r), without their ends."""
    lines = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            end = i
            if i + 1 < n and text[i + 1] == "\r":
                i += 1
        elif c == "\r":
            end = i
            if i + 1 < n and text[i + 1] == "\n":
                i += 1
        else:
            i += 1
            continue
        lines.append(text[start:end])
        i += 1
        start = i
    return lines
