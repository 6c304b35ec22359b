"""Whole ePython programs on the VM firmware: the acceptance programs of tests/epython/programs
(compiled by epython.compiler, expected outputs in their .expected files), the same programs
on ePython's genuine device firmware under our monitor (EPYTHON_GENUINE_FIRMWARE), and our VM
against ePython's host-standalone build on single-core programs (EPYTHON_ORACLE_HOST)."""
import glob
import os
import re
import subprocess

import pytest

from tests.epython.expected_output import compare, load_expected
from tests.epython.vm_harness import GENUINE, ORACLE, PROGRAMS, compile_text, run

ALL = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(PROGRAMS, "*.py")))


def _run_acceptance(name, firmware=None):
    from epython.compiler import compile_file
    path = os.path.join(PROGRAMS, name + ".py")
    exp = load_expected(os.path.join(PROGRAMS, name + ".expected"))
    prog = compile_file(path, search_path=[])      # only our bundled modules
    r = run(prog, range(exp.cores), stdin="".join(ln + "\n" for ln in exp.stdin),
            firmware=firmware, max_cycles=1_000_000_000)
    assert r.stop == "exit", (r.stop, r.res.message)
    problems = compare(exp, r.out, r.err)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ALL)
def test_acceptance_program(name):
    _run_acceptance(name)


# ePython's genuine firmware finishes the statement after a run-time error before it stops
# (and may then wait forever for a message, as error_send_string does); ours stops at once.
GENUINE_DIFFERS = {"error_negative_index", "error_send_string"}


@pytest.mark.skipif(not GENUINE, reason="set EPYTHON_GENUINE_FIRMWARE to ePython's device ELF")
@pytest.mark.parametrize("name", [n for n in ALL if n not in GENUINE_DIFFERS])
def test_acceptance_program_on_the_genuine_firmware(name):
    _run_acceptance(name, firmware=GENUINE)


# ---- against ePython's host-standalone build ----------------------------------------------------
SEMANTICS = {
    "types": """a=1
b=a+2.5
print "x="+b
print 7/2
print -7/2
print 7//2
print 2*3^2
print 10 % 3
print 2^-1
print 1.5+true
print "n="+3
print true
print none
print 3 == 3.0
print true == true
x=5
if x:
    print "x true"
else:
    print "x false"
if x+0:
    print "x+0 true"
""",
    "lists": """b=[0]*3
b[1]=2.5
print b[0]
print b[1]
a=[1, 2]
a[3]=7
print a[3]
c=[1, 2]*2
for v in c:
    print v
s=0
for v in [10, 20, 30]:
    s=s+v
print s
""",
    "functions": """def f(a, b=10):
    a=a+b
    return a
x=1
print f(x)
print x
y=2
print f(x, y)
print x
def fact(n):
    if n <= 1:
        return 1
    return n*fact(n-1)
print fact(10)
g=fact
print g(5)
def nothing():
    pass
print nothing()
""",
    "loops": """i=0
s=0
while i < 1000:
    s=s+i
    i=i+1
print s
t=0.0
i=0
while i < 10:
    t=t+0.1
    i=i+1
print t
""",
    "strings": """s="abc"
t=s+"def"
print t
print t == "abcdef"
print t != "abc"
u=""
i=0
while i < 5:
    u=u+i
    i=i+1
print u
print "pi is about "+3.14159
""",
}


@pytest.mark.skipif(not ORACLE, reason="set EPYTHON_ORACLE_HOST to ePython's host-standalone "
                                       "build (make standalone)")
@pytest.mark.parametrize("name", sorted(SEMANTICS))
def test_same_output_as_epythons_host_standalone(name, tmp_path):
    src = SEMANTICS[name]
    path = tmp_path / f"{name}.py"
    path.write_text(src)
    ref = subprocess.run([ORACLE, str(path)], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    want = [re.sub(r"^\[host 0\] ", "", ln) for ln in ref.stdout.splitlines()]
    r = run(compile_text(src, f"{name}.py"))
    assert r.stop == "exit"
    assert r.lines(0) == want
