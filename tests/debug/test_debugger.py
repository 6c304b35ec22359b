"""The built-in debugger in batch mode (``epiphany-emu debug -batch -ex CMD ... app.elf``) on
the fixtures: GDB's commands and output for breakpoints, print, step/next, watchpoints on a
shared counter, an alignment fault, threads, and the exit code."""
import os
import re
import subprocess
import sys

import pytest

from emu.cli import main
from tests.debug.test_rsp import DEBUGME, FIX, SHARED, UNALIGNED, line_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def debug(capsys, elf, *cmds, opts=()):
    """(exit status, stdout, stderr) of a batch run."""
    argv = ["debug", *opts, "-batch"]
    for c in cmds:
        argv += ["-ex", c]
    argv.append(elf)
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def src(marker, file="debugme.c"):
    with open(os.path.join(FIX, file)) as f:
        return f.read().splitlines()[line_of(file, marker) - 1]


def test_break_at_a_line_print_step_and_continue_to_the_exit_code(capsys):
    call = line_of("debugme.c", "walk-call")
    code, out, _ = debug(capsys, DEBUGME, f"break debugme.c:{call}", "run", "print total",
                         "print i", "print counter", "print table", "print origin",
                         "print greeting", "step", "print a", "print b", "next", "next",
                         "next", "delete", "continue")
    assert code == 3
    assert re.search(rf"Breakpoint 1 at 0x[0-9a-f]+: file debugme.c, line {call}\.", out)
    assert f"\nBreakpoint 1, walk (n=4) at debugme.c:{call}\n{call}\t{src('walk-call')}\n" in out
    assert "$1 = 0\n$2 = 0\n$3 = 0\n$4 = {10, 20, 30, 40}\n$5 = {x = 3, y = -4}\n" in out
    assert re.search(r'\$6 = 0x[0-9a-f]+ .*"hello"\n', out)
    body = line_of("debugme.c", "add-body")
    assert f"add (a=0, b=10) at debugme.c:{body}\n{body}\t{src('add-body')}\n" in out
    assert "$7 = 0\n$8 = 10\n" in out
    ret = line_of("debugme.c", "add-return")
    assert f"\n{ret}\t{src('add-return')}\n" in out
    # next at the end of add returns into walk in the middle of the call's line, and steps
    # on to the start of the next line (as GDB)
    bump = line_of("debugme.c", "walk-bump")
    assert re.search(rf"\nwalk \(n=4\) at debugme.c:{bump}\n{bump}\t", out)
    assert "result 100 counter 4 hello" in out
    assert out.rstrip().endswith("[Inferior 1 (process 1) exited with code 03]")


def test_next_steps_over_calls_and_through_the_loop(capsys):
    lines = [line_of("debugme.c", m) for m in
             ("walk-first", "walk-loop", "walk-call", "walk-bump", "walk-loop", "walk-call")]
    code, out, _ = debug(capsys, DEBUGME, "break walk", "run", "next", "next", "next", "next",
                         "next", "print counter", "print total")
    assert code == 0
    shown = [int(m) for m in re.findall(r"^(\d+)\t", out, re.M)]
    assert shown == lines
    assert "$1 = 1\n$2 = 10\n" in out


def test_break_on_function_and_address_backtrace_finish(capsys):
    code, out, _ = debug(capsys, DEBUGME, "break add", "run", "bt", "finish", "info breakpoints")
    body, call = line_of("debugme.c", "add-body"), line_of("debugme.c", "walk-call")
    first = line_of("debugme.c", "main-first")
    assert f"Breakpoint 1, add (a=0, b=10) at debugme.c:{body}" in out
    assert re.search(rf"#0  add \(a=0, b=10\) at debugme.c:{body}\n"
                     rf"#1  0x[0-9a-f]{{8}} in walk \(n=4\) at debugme.c:{call}\n"
                     rf"#2  0x[0-9a-f]{{8}} in main \(\) at debugme.c:{first}\n", out)
    assert "Run till exit" not in out               # GDB says it only at the prompt
    assert "Value returned is $1 = 10" in out
    assert re.search(r"1       breakpoint     keep y   0x[0-9a-f]{8} in add at debugme.c:\d+\n"
                     r"\tbreakpoint already hit 1 time", out)


def test_break_at_an_address_stepi_registers_and_memory(capsys):
    from loader.elf import read_elf
    walk = read_elf(DEBUGME).symbol("_walk").addr
    code, out, _ = debug(capsys, DEBUGME, f"break *0x{walk:x}", "run", "info registers pc",
                         "stepi", "print $pc", "x/4xw &table", "x/2dw &origin", "x/s greeting",
                         "print/x table[1]", "print sizeof(origin)", "print &table[1]",
                         "output counter")
    assert f"Breakpoint 1, 0x{walk:08x} in walk (n=" not in out   # at the start of a line
    assert f"pc             0x{walk:x}\t0x{walk:x} <walk>\n" in out
    assert re.search(r"\$1 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <walk\+\d+>", out)
    # data addresses are named as the ELF names them (GDB's minimal symbols)
    assert re.search(r"0x[0-9a-f]+ <_table>:\t0x0000000a\t0x00000014\t0x0000001e\t0x00000028",
                     out)
    assert re.search(r"<_origin>:\t3\t-4", out)
    assert '"hello"' in out
    assert "$2 = 0x14\n$3 = 8\n" in out
    assert re.search(r"\$4 = \(int \*\) 0x[0-9a-f]+ <_table\+4>", out)
    assert out.rstrip().endswith("0")


def test_watch_on_a_shared_counter_stops_at_the_writing_core(capsys):
    write = line_of("shared.c", "shared-write")
    code, out, _ = debug(capsys, SHARED, "watch shared_counter", "run", "continue", "continue",
                         "continue", "info threads", "continue", opts=["--cores", "4"])
    assert code == 0
    hits = re.findall(r'Thread (\d) "core 0x8[04][89]" hit Hardware watchpoint 1: '
                      r"shared_counter\n\n"
                      r"Old value = (\d)\nNew value = (\d)\n", out)
    assert hits == [("1", "0", "1"), ("2", "1", "2"), ("3", "2", "3"), ("4", "3", "4")]
    # each stop is on the writing core, right after the store of the write's line
    assert "[Switching to Thread 102]" in out and "[Switching to Thread 202]" in out
    wrote = re.findall(r"New value = \d\n(?:0x[0-9a-f]+ in )?main \(\) at shared.c:(\d+)", out)
    assert len(wrote) == 4 and all(int(n) in (write, write + 1) for n in wrote)
    assert re.search(r'\* 4    Thread 202 "core 0x849" \(core 0x849 \(row 33, col 9\) \w+\)', out)
    assert "[Inferior 1 (process 1) exited normally]" in out


def test_unaligned_access_stops_at_the_source_line_of_the_fault(capsys):
    load = line_of("unaligned.c", "unaligned-load")
    code, out, err = debug(capsys, UNALIGNED, "run", "bt", "print i", "print p")
    assert "Program received signal SIGBUS, Bus error." in out
    # mid-line (as GDB 8.2 reads the line table): with the address
    assert re.search(rf"0x[0-9a-f]{{8}} in sum_words \(p=0x[0-9a-f]+ <_buffer\+2> '\\001' "
                     rf"<repeats 14 times>, n=2\) at unaligned.c:{load}\n{load}\t", out)
    assert re.search(rf"#1  0x[0-9a-f]{{8}} in main \(\) at unaligned.c:"
                     rf"{line_of('unaligned.c', 'unaligned-call')}", out)
    assert "$1 = 0\n" in out
    assert "unaligned word load" in err           # the emulator's report too (stderr)
    assert code == 0                              # the program did not finish


def test_read_watchpoint_and_temporary_breakpoint(capsys):
    code, out, _ = debug(capsys, DEBUGME, "start", "rwatch table[2]", "continue", "print i",
                         "info watchpoints")
    first = line_of("debugme.c", "main-first")
    assert "Temporary breakpoint 1 at" in out
    assert f"Temporary breakpoint 1, main () at debugme.c:{first}" in out
    assert "Hardware read watchpoint 2: table[2]\n\nValue = 30\n" in out
    assert "$1 = 2\n" in out
    assert "read watchpoint" in out


def test_threads_and_registers_per_core(capsys):
    code, out, err = debug(capsys, SHARED, "break main", "run", "info threads", "thread 3",
                         "print $coreid", "info registers coreid", "thread 9",
                         opts=["--cores", "4"])
    assert re.search(r'\* 1    Thread 101 "core 0x808" \(core 0x808', out)
    assert re.search(r'  3    Thread 201 "core 0x848" \(core 0x848', out)
    assert "[Switching to thread 3 (Thread 201)]" in out
    assert f"$1 = {0x848}\n" in out
    assert "coreid         0x848\t2120\n" in out
    assert "Unknown thread 9." in err                # errors go to stderr, as GDB's
    assert code == 1                              # the last command failed


def test_errors_are_messages_and_the_exit_status_follows_gdb(capsys):
    code, _, out = debug(capsys, DEBUGME, "frobnicate", "print nosuch", "break nosuch",
                         "continue", "x/4xw 0x70000000", "break debugme.c:9999")
    assert 'Undefined command: "frobnicate".' in out
    assert 'No symbol "nosuch" in current context.' in out
    assert 'Function "nosuch" not defined.' in out
    assert "The program is not being run." in out
    assert "Cannot access memory at address 0x70000000" in out
    assert "Line 9999 out of range" in out
    assert code == 1


def test_command_file_and_set_var(tmp_path, capsys):
    script = tmp_path / "cmds.gdb"
    script.write_text("# comment\nbreak walk\nrun\nset var n = 2\ncontinue\n")
    code, out, _ = debug(capsys, DEBUGME, opts=["-x", str(script)])
    # walk(2) sums 10 + 20: main returns 1 (result != 100), counter 2
    assert "result 30 counter 2 hello" in out
    assert code == 1


def test_bad_file_is_one_line_and_status_2(tmp_path, capsys):
    bad = tmp_path / "bad.elf"
    bad.write_bytes(b"not an elf")
    code = main(["debug", "-batch", "-ex", "run", str(bad)])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and err.startswith("epiphany-emu: ")


def test_interactive_session_on_stdin():
    p = subprocess.run([sys.executable, "-m", "emu", "debug", "-q", DEBUGME],
                       input="break add\nrun\nbt\n\ncontinue 3\ndelete\ncontinue\n",
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert "(gdb) " in p.stdout
    assert "Breakpoint 1, add (a=0, b=10)" in p.stdout
    assert "Will ignore next 2 crossings of breakpoint 1.  Continuing." in p.stdout
    assert "Breakpoint 1, add (a=60, b=40)" in p.stdout
    assert "[Inferior 1 (process 1) exited with code 03]" in p.stdout
    assert p.returncode == 3


def test_help_lists_the_debugger_and_gdb_option(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "debug" in out and "epiphany-emu debug" in out and "--gdb" in out
    with pytest.raises(SystemExit):
        main(["debug", "--help"])
    out = capsys.readouterr().out
    assert "-batch" in out and "-ex CMD" in out and "examples:" in out
    with pytest.raises(SystemExit):
        main(["load", "--help"])
    out = capsys.readouterr().out
    assert "--gdb [HOST:]PORT" in out


def test_no_command_line_breaks_the_session():
    """Odd input (random text after every command) gives messages, never an internal error."""
    import io
    import random
    from emu.debug.cli import Debugger
    from tests.debug.rspclient import make_target
    err = io.StringIO()
    d = Debugger(lambda: make_target(DEBUGME), out=io.StringIO(), err=err)
    d.execute("break walk")
    d.execute("run")
    rnd = random.Random(17)
    alphabet = "abcdefxyz0123456789 $*&[].-+/\\'\"()<>=!~%^|,:;#@"
    words = ["print", "x", "break", "watch", "info", "thread", "frame", "list", "p", "output",
             "echo", "x/s", "x/i", "print/x", "info registers", "delete", "up", "bt"]
    for _ in range(600):
        d.execute(rnd.choice(words) + " " +
                  "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12))))
    assert "internal error" not in err.getvalue()
