#!/usr/bin/env python3
"""Generate the ISA golden files from the real GNU toolchain (the oracle).

Needs ``epiphany-elf-as`` and ``epiphany-elf-objdump`` on PATH
(``export PATH="$(../shared/toolchain/install.sh):$PATH"``).  The tests replay the files
without the toolchain.

    tools/gen_isa_golden.py words     # tests/isa/golden/words16.txt.gz, words32.txt.gz
    tools/gen_isa_golden.py corpus    # tests/isa/golden/asm/*.s + .json (assembler conformance)

* ``words16``: every 16-bit word W, placed as the 4 bytes ``W, 0x0000`` (so words whose
  bits 3:0 announce a 32-bit instruction are decoded with a zero high half), with the text
  objdump prints for it.
* ``corpus``: assembly sources covering every instruction form of the spec (every spelling,
  boundary operands, all register names, every condition and special register, branches around
  the 16/32-bit relaxation limits, other sections, %low/%high, push/pop, directives), each
  assembled with epiphany-elf-as + epiphany-elf-ld -Ttext=BASE; ``<name>.json`` holds the
  section addresses and bytes and objdump's text per instruction.  ``pairs`` gives every
  load/store form destination registers of both parities with bases and indexes around them.
  GNU decides which generated instruction lines go in: those it refuses become negative cases.
  ``neg.json`` lists sources GNU rejects, with the line GNU reports (and, for generated lines,
  its message).
* ``words32``: a structured sample of 32-bit words — for every 32-bit row of the spec, words
  with its fixed bits and random operand bits (some with one fixed bit flipped), plus random
  words with a 32-bit length nibble.  Seeded, so the file is reproducible.
"""
from __future__ import annotations

import gzip
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "tests", "isa", "golden")
LINE = re.compile(r"\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$")


def objdump_halfwords(halfwords):
    """Assemble ``.short`` data into a .o and return {address: objdump text}."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "w.s")
        obj = os.path.join(tmp, "w.o")
        with open(src, "w") as f:
            f.write(".text\n")
            for k in range(0, len(halfwords), 8):
                f.write(".short " + ", ".join(f"{h:#x}" for h in halfwords[k:k + 8]) + "\n")
        subprocess.run(["epiphany-elf-as", src, "-o", obj], check=True)
        out = subprocess.run(["epiphany-elf-objdump", "-d", obj], check=True,
                             capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            res[int(m.group(1), 16)] = m.group(3).rstrip()
    return res


def write_gz(name, lines):
    os.makedirs(GOLDEN, exist_ok=True)
    path = os.path.join(GOLDEN, name)
    # mtime=0 keeps the file byte-for-byte reproducible
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write("".join(lines).encode())
    print(f"wrote {path} ({len(lines)} lines)")


def gen_words16():
    hw = []
    for w in range(65536):
        hw += [w, 0]
    dis = objdump_halfwords(hw)
    write_gz("words16.txt.gz", [f"{w:04x}\t{dis[4 * w]}\n" for w in range(65536)])


def gen_words32(seed=2026, n_random=20000, per_row=40):
    from isa.spec import INSNS
    rnd = random.Random(seed)
    words = []
    for _ in range(n_random):
        w = rnd.getrandbits(32)
        words.append((w & ~0xF) | rnd.choice([8, 9, 0xB, 0xC, 0xD, 0xF]))
    for ins in INSNS:
        if ins.width != 32:
            continue
        for _ in range(per_row):
            w = (rnd.getrandbits(32) & ~ins.mask) | ins.match
            if rnd.random() < 0.2:
                w ^= 1 << rnd.randrange(4, 32)
            words.append(w)
    hw = []
    for w in words:
        hw += [w & 0xFFFF, w >> 16]
    dis = objdump_halfwords(hw)
    write_gz("words32.txt.gz", [f"{w:08x}\t{dis[4 * k]}\n" for k, w in enumerate(words)])


def main(argv):
    what = argv[1:] or ["words"]
    for w in what:
        if w == "words":
            gen_words16()
            gen_words32()
        elif w == "corpus":
            from tools_corpus import gen_corpus   # noqa: E402 (tools/ is on sys.path)
            gen_corpus(GOLDEN)
        else:
            sys.exit(f"gen_isa_golden.py: unknown target {w!r} (try: words, corpus)")


if __name__ == "__main__":
    main(sys.argv)
