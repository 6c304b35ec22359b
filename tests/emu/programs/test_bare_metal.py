"""Bare-metal core-local programs (no e-loader records), as the GNU simulator's testsuite
builds them (-Ttext=0): one core by default, the power-on register state, TRAP 4 prints
"pass".  Expected values: the simulator's behaviour its testsuite pins (docs/gnu-sim-
testsuite.md), the ISA's interrupt rules."""
import os
import subprocess
import sys

from isa.assembler import assemble

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ENV = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))

PASS = """
    .text
    .global _start
_start:
    mov r0,1
    trap 4
    mov r0,0
    trap 3
"""

#: an FPU underflow with the exception enabled (CONFIG UEN) must reach the SWI vector: only
#: with IMASK clear, the power-on state (e-loader's register reset would mask it)
FPU_EXCEPTION = """
    .text
    .global _start
_start:
    b.l sync
    b.l swi
sync:
    mov r4,%low(main)
    movt r4,%high(main)
    movts iret,r4
    rti
main:
    mov r6,0x8
    movts config,r6
    mov r10,0
    movt r10,0x80
    fmul r10,r10,r10
    trap 5
swi:
    trap 4
    mov r0,0
    trap 3
"""


def load(tmp_path, name, source, *opts):
    elf = tmp_path / f"{name}.elf"
    elf.write_bytes(assemble(source, 0, f"{name}.s"))
    return subprocess.run([sys.executable, "-m", "emu", "load", *opts, str(elf)],
                          capture_output=True, text=True, env=ENV, timeout=120)


def test_a_bare_program_runs_on_one_core(tmp_path):
    r = load(tmp_path, "pass", PASS)
    assert (r.returncode, r.stdout) == (0, "pass\n"), r.stderr


def test_a_bare_program_runs_on_the_workgroup_asked_for(tmp_path):
    r = load(tmp_path, "pass", PASS, "--cores", "4")
    assert r.returncode == 0 and r.stdout.count("pass") == 4, r.stderr


def test_a_bare_program_starts_with_interrupts_unmasked(tmp_path):
    r = load(tmp_path, "fpx", FPU_EXCEPTION)
    assert (r.returncode, r.stdout) == (0, "pass\n"), r.stderr


def test_core_mem_sets_each_cores_memory(tmp_path):
    src = PASS.replace("mov r0,1\n", "mov r1,0\n    movt r1,0x8\n    str r0,[r1,-1]\n")
    # 0x7fffc: inside 1 MB, outside 32 KB
    assert load(tmp_path, "big", src, "--core-mem", "1MB").stdout == "pass\n"
    r = load(tmp_path, "big", src)
    assert r.returncode != 0 and "unmapped" in r.stderr
    bad = load(tmp_path, "big", src, "--core-mem", "3kB")
    assert bad.returncode == 2 and "power of two" in bad.stderr
