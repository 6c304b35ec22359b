"""The ``epiphany-emu disasm`` listing must be byte-identical to ``epiphany-elf-objdump -d``.

The fixtures in tests/fixtures/disasm (C programs at -O0/-O2 linked with newlib, a compiled and
an assembled relocatable object, a stripped executable, an assembly file of listing corner
cases) and their golden listings are built by tools/build_disasm_fixtures.sh; these tests need
no toolchain.  The ``toolchain`` test compares live against epiphany-elf-objdump when it is on
PATH.
"""
import os
import random
import shutil
import struct
import subprocess
import sys

import pytest

from isa.bits import insn_length
from isa.disassembler import disasm_at, disasm_one, disasm_word
from loader.objdump import ObjdumpError, disassemble, load, read_image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "tests", "fixtures", "disasm")

#: every fixture with its golden `objdump -d` listing FILE.dis
FIXTURES = sorted(f for f in os.listdir(FIX) if f.endswith((".elf", ".o")))

#: golden listings made with options: (golden file, fixture, keyword arguments, objdump options)
OPTION_GOLDENS = [
    ("asm_edges.elf.range.dis", "asm_edges.elf",
     dict(start_address=0x42, stop_address=0x70), ["--start-address=0x42", "--stop-address=0x70"]),
    ("asm_edges.elf.sections.dis", "asm_edges.elf",
     dict(sections=[".data", ".nosym", ".bss"]), ["-j", ".data", "-j", ".nosym", "-j", ".bss"]),
    ("asm_obj.o.sections.dis", "asm_obj.o",
     dict(sections=[".text.other"]), ["-j", ".text.other"]),
]


def _golden(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read().decode("latin-1")


def _first_difference(expected, got):
    e, g = expected.splitlines(), got.splitlines()
    for k, (a, b) in enumerate(zip(e, g)):
        if a != b:
            return f"line {k + 1}:\n  objdump: {a!r}\n  ours:    {b!r}"
    return f"line counts differ: objdump {len(e)}, ours {len(g)}"


def _check(expected, got):
    assert got == expected, _first_difference(expected, got)


def test_fixture_set_is_complete():
    names = set(FIXTURES)
    for stem in ("printf_loops", "float_ll", "funcptr_static"):
        assert {f"{stem}-O0.elf", f"{stem}-O2.elf"} <= names
    assert {"asm_obj.o", "asm_edges.elf", "funcptr_static-O2.o",
            "float_ll-O2-stripped.elf"} <= names
    for f in FIXTURES:
        assert os.path.exists(os.path.join(FIX, f + ".dis")), f


@pytest.mark.parametrize("name", FIXTURES)
def test_listing_matches_golden(name):
    image = load(os.path.join(FIX, name))
    _check(_golden(name + ".dis"), disassemble(image, name))


@pytest.mark.parametrize("golden,name,kw,_opts", OPTION_GOLDENS,
                         ids=[g for g, *_ in OPTION_GOLDENS])
def test_listing_with_options_matches_golden(golden, name, kw, _opts):
    _check(_golden(golden), disassemble(load(os.path.join(FIX, name)), name, **kw))


def test_large_listing_is_fast_and_big():
    import time
    image = load(os.path.join(FIX, "printf_loops-O0.elf"))
    t = time.perf_counter()
    text = disassemble(image, "printf_loops-O0.elf")
    elapsed = time.perf_counter() - t
    assert text.count("\n") > 15000
    assert elapsed < 5.0        # ~0.4 s on the reference machine; generous for slow CI


def test_cli_output_is_byte_identical(tmp_path):
    """End to end through ``epiphany-emu disasm``: stdout bytes equal the golden file."""
    name = "asm_edges.elf"
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "emu", "disasm", name], cwd=FIX, env=env,
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr == b""
    with open(os.path.join(FIX, name + ".dis"), "rb") as f:
        assert r.stdout == f.read()


def test_cli_options(capsysbinary):
    from emu.cli import main
    path = os.path.join(FIX, "asm_edges.elf")
    assert main(["disasm", "--start-address", "0x42", "--stop-address", "0x70", "--no-header",
                 path]) == 0
    out = capsysbinary.readouterr().out.decode("latin-1")
    golden = _golden("asm_edges.elf.range.dis")
    assert out == golden.split("\n", 3)[3]     # the golden minus objdump's 3 header lines
    assert main(["disasm", "-j", ".nosuch", path]) == 1
    captured = capsysbinary.readouterr()
    assert b".nosuch" in captured.err and captured.err.count(b"\n") == 1


# ---------------------------------------------------------------------------------------------
# What objdump's Epiphany disassembler does when fewer than 4 bytes may be read
# ---------------------------------------------------------------------------------------------

def test_disasm_at_reads_only_what_it_may():
    pa = lambda a: f"0x{a:x}"  # noqa: E731
    # a full 32-bit word
    assert disasm_at(bytes.fromhex("8b062201"), 0, 4, 0, pa) == (4, "mov r0,0x1234")
    # only its first halfword readable: decoded with a zero second halfword, still 4 bytes
    assert disasm_at(bytes.fromhex("0c5c"), 0, 2, 0, pa) == (4, "ldrb r2,[r7,+0x0]")
    assert disasm_at(bytes.fromhex("0b00"), 0, 2, 0, pa) == (4, "*unknown*")
    assert disasm_at(bytes.fromhex("082a"), 0, 2, 0x60, pa) == (4, "beq 0xb4")
    # a 16-bit instruction needs only 2
    assert disasm_at(bytes.fromhex("a201"), 0, 2, 0, pa) == (2, "nop")
    # one byte: the memory error text, size -1
    assert disasm_at(b"\x55", 0, 1, 0x62, pa) == (-1, "Address 0x62 is out of bounds.\n")


def test_cached_word_text_agrees_with_disasm_one():
    """The listing takes its text from isa.disassembler.disasm_word, which caches per word:
    the text must be disasm_one's, and a branch's target must follow the address it is at."""
    rng = random.Random(1234)
    words16 = list(range(0, 0x10000, 97)) + [rng.randrange(0x10000) for _ in range(400)]
    words32 = [rng.randrange(1 << 32) for _ in range(1500)]
    # words of each 32-bit row, with random operand bits
    from isa.spec import INSNS
    for ins in INSNS:
        if ins.width == 32:
            for _ in range(4):
                words32.append(ins.match | (rng.randrange(1 << 32) & ~ins.mask))
    pa = lambda a: f"<0x{a:x}>"  # noqa: E731
    for w in words16 + words32:
        width = 8 * insn_length(w)            # a halfword announcing 32 bits: high half zero
        for pc in (0, 0x80000100, 0x1000):    # the second and third call hit the cache
            n, text, _ = disasm_one(w.to_bytes(4, "little"), 0, pc, pa)
            assert disasm_word(w & ((1 << width) - 1), width, pc, pa) == (n, text), (hex(w), pc)


# ---------------------------------------------------------------------------------------------
# Bad input: one line on stderr naming the file, exit code 2, never a traceback
# ---------------------------------------------------------------------------------------------

def _bad_inputs(tmp_path):
    good = open(os.path.join(FIX, "asm_edges.elf"), "rb").read()
    cases = {}

    def put(name, data):
        p = tmp_path / name
        p.write_bytes(data)
        cases[name] = str(p)

    put("text.elf", b"hello, I am not an ELF file\n")
    put("empty.elf", b"")
    put("arm.elf", good[:18] + struct.pack("<H", 40) + good[20:])
    put("elf64.elf", good[:4] + b"\x02" + good[5:])
    put("bigendian.elf", good[:5] + b"\x02" + good[6:])
    put("header_only.elf", good[:30])
    put("truncated_shdrs.elf", good[:len(good) - 100])
    e_shoff = struct.unpack_from("<I", good, 32)[0]
    text_off = struct.unpack_from("<I", good, e_shoff + 40 + 16)[0]
    put("truncated_text.elf", good[:text_off + 16])
    bad = bytearray(good)
    struct.pack_into("<I", bad, e_shoff + 40 + 20, 0x7FFFFFF0)      # .text size
    put("bad_size.elf", bytes(bad))
    bad = bytearray(good)
    struct.pack_into("<H", bad, 46, 7)                             # e_shentsize
    put("bad_shentsize.elf", bytes(bad))
    cases["missing.elf"] = str(tmp_path / "missing.elf")
    cases["a_directory"] = str(tmp_path)
    return cases


def test_bad_inputs_give_one_line_and_exit_2(tmp_path, capsys):
    from emu.cli import main
    for name, path in _bad_inputs(tmp_path).items():
        rc = main(["disasm", path])
        out, err = capsys.readouterr()
        assert rc == 2, name
        assert out == "", name
        assert err.count("\n") == 1 and err.startswith(f"epiphany-emu: {path}: "), (name, err)
        assert "Traceback" not in err


def test_bad_input_messages(tmp_path, capsys):
    from emu.cli import main
    cases = _bad_inputs(tmp_path)
    expect = {"text.elf": "not an ELF file", "empty.elf": "not an ELF file",
              "arm.elf": "another machine", "missing.elf": "No such file",
              "truncated_text.elf": "truncated", "header_only.elf": "truncated"}
    for name, words in expect.items():
        main(["disasm", cases[name]])
        assert words in capsys.readouterr().err, name


def test_bad_input_through_the_real_command(tmp_path):
    p = tmp_path / "junk.elf"
    p.write_bytes(b"\x7fELF" + bytes(10))
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "emu", "disasm", str(p)], env=env,
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == f"epiphany-emu: {p}: truncated ELF file (incomplete ELF header)\n"


def test_corrupted_files_never_raise_anything_else():
    """Random damage to headers and tables: ObjdumpError or a listing, nothing else."""
    rng = random.Random(7)
    blobs = [open(os.path.join(FIX, f), "rb").read()
             for f in ("asm_edges.elf", "asm_obj.o", "funcptr_static-O2.o")]
    for _ in range(1500):
        b = bytearray(rng.choice(blobs))
        if rng.random() < 0.2:
            b = b[:rng.randrange(len(b))]
        else:
            shoff = struct.unpack_from("<I", b, 32)[0]
            for _ in range(rng.randint(1, 6)):
                lo = shoff if (rng.random() < 0.5 and shoff < len(b)) else 16
                b[rng.randrange(lo, len(b))] = rng.randrange(256)
        try:
            image = read_image(bytes(b))
            disassemble(image, "x", sections=[s.name for s in image.sections]
                        if rng.random() < 0.3 else None)
        except ObjdumpError:
            pass


# ---------------------------------------------------------------------------------------------
# Live comparison with the real objdump (skipped without the toolchain)
# ---------------------------------------------------------------------------------------------

def _objdump():
    exe = shutil.which("epiphany-elf-objdump")
    if exe is None:
        pytest.skip("epiphany-elf-objdump not on PATH")
    return exe


def _live(exe, args, cwd):
    return subprocess.run([exe, "-d", *args], cwd=cwd, capture_output=True,
                          check=True).stdout.decode("latin-1")


@pytest.mark.toolchain
def test_live_against_objdump():
    exe = _objdump()
    for name in FIXTURES:
        _check(_live(exe, [name], FIX), disassemble(load(os.path.join(FIX, name)), name))
    for _golden_name, name, kw, opts in OPTION_GOLDENS:
        _check(_live(exe, opts + [name], FIX),
               disassemble(load(os.path.join(FIX, name)), name, **kw))


@pytest.mark.toolchain
@pytest.mark.slow
def test_live_against_objdump_on_library_objects(tmp_path):
    """Every object of the toolchain's newlib and libgcc archives (~1200 relocatable files)."""
    exe = _objdump()
    gcc = shutil.which("epiphany-elf-gcc")
    ar = shutil.which("epiphany-elf-ar")
    if gcc is None or ar is None:
        pytest.skip("epiphany-elf-gcc/-ar not on PATH")
    archives = []
    for lib in ("libc.a", "libm.a", "libgcc.a"):
        p = subprocess.run([gcc, f"-print-file-name={lib}"], capture_output=True,
                           text=True).stdout.strip()
        if os.path.isabs(p) and os.path.exists(p):
            archives.append(p)
    if not archives:
        pytest.skip("no toolchain libraries found")
    n = 0
    for a in archives:
        d = tmp_path / os.path.basename(a)
        d.mkdir()
        subprocess.run([ar, "x", a], cwd=d, check=True)
        for name in sorted(os.listdir(d)):
            _check(_live(exe, [name], d), disassemble(load(str(d / name)), name))
            n += 1
    assert n > 100
