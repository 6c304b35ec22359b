"""A slice of the command-line fuzz campaign (tools/fuzz_cli.py): mutated programs of every
fixture kind, random options, random guest syscalls, disasm and asm of mutated inputs.  No
case may end in a Python traceback."""
from tools.fuzz_cli import campaign


def test_fuzz_slice_has_no_tracebacks():
    s = campaign(seconds=60, seed=20240601, inproc=True, timeout=60, max_cases=30,
                 report=lambda msg: None)
    assert s["cases"] >= 20
    assert not s["tracebacks"], s["tracebacks"][:3]
    # the cases reach past the option checks: some programs run to their end, some are refused
    assert s["codes"].get(0) and any(c != 0 for c in s["codes"])
