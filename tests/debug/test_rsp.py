"""The GDB remote-serial-protocol server without any GDB: a raw client (tests/debug/rspclient.py)
sends packets to a server on the fixtures and checks the replies (packets, checksums and
escapes, qSupported, threads, registers, memory, breakpoints, watchpoints, vCont, errors,
Ctrl-C, a client leaving mid-run, two clients, monitor, exit and faults)."""
import os
import re
import socket
import time

import pytest

from emu.debug import rsp
from emu.debug.target import NUM_REGS, PC_REGNUM, REG_NAMES
from tests.debug.rspclient import Client, Served, make_target, output

HERE = os.path.dirname(__file__)
FIX = os.path.join(HERE, "fixtures")
DEBUGME = os.path.join(FIX, "debugme.elf")
SHARED = os.path.join(FIX, "shared.elf")
UNALIGNED = os.path.join(FIX, "unaligned.elf")
FOREVER = os.path.join(FIX, "forever.elf")
SPIN = os.path.join(HERE, "..", "fixtures", "faults", "spin_forever.elf")


def line_of(src, marker):
    with open(os.path.join(FIX, src)) as f:
        for n, text in enumerate(f, 1):
            if f"L:{marker} " in text or text.rstrip().endswith(f"L:{marker} */"):
                return n
    raise KeyError(marker)


@pytest.fixture
def served(request):
    made = []

    def make(elf=DEBUGME, **kw):
        s = Served(make_target(elf, **kw), console=open(os.devnull, "w"))
        made.append(s)
        return s
    yield make
    for s in made:
        s.close()


@pytest.fixture
def client(served):
    s = served()
    c = s.connect()
    c.ask(b"qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+")
    yield c, s
    c.close()


def sym(target, name):
    return target.image.symbol(name).addr


# -- framing ---------------------------------------------------------------------------------------

def test_frame_checksum_and_escape_roundtrip():
    assert rsp.frame(b"OK") == b"$OK#9a"
    data = bytes(range(256))
    esc = rsp.escape(data)
    assert not any(c in esc.replace(b"}", b"") for c in b"#$*")
    assert rsp.unescape(esc) == data


def test_parser_splits_packets_acks_and_interrupts():
    p = rsp.Parser()
    evs = p.feed(b"+$g#67\x03$m0,4#fd-$bad#00")
    assert evs == [("ack", b"+"), ("packet", b"g"), ("interrupt",), ("packet", b"m0,4"),
                   ("ack", b"-"), ("bad", b"bad")]
    assert p.feed(b"$qC#") == [] and p.feed(b"b4") == [("packet", b"qC")]


def test_bad_checksum_is_nacked_then_resent_packet_answered(client):
    c, _ = client
    c.send_raw(b"$qC#00")
    assert c.read_ack() == b"-"
    c.send(b"qC")
    assert c.reply() == b"QC65"


def test_unknown_packets_get_empty_replies(client):
    c, _ = client
    assert c.ask(b"qNoSuchThing") == b""
    assert c.ask(b"!") == b""
    assert c.ask(b"vMustReplyEmpty") == b""


def test_no_ack_mode(client):
    c, _ = client
    c.no_ack()
    assert c.ask(b"qC") == b"QC65"


def test_qsupported_announces_the_features(served):
    c = served().connect()
    r = c.ask(b"qSupported:swbreak+;vContSupported+")
    feats = r.split(b";")
    assert b"swbreak+" in feats and b"QStartNoAckMode+" in feats and b"vContSupported+" in feats
    assert any(f.startswith(b"PacketSize=") for f in feats)
    assert c.ask(b"vCont?").startswith(b"vCont;c;C;s;S")
    c.close()


# -- threads ---------------------------------------------------------------------------------------

def test_threads_are_the_workgroup_cores(served):
    s = served(SHARED, group=(2, 2))
    c = s.connect()
    t = s.target
    assert [t.tid(k) for k in t.cores][:2] == [101, 102]
    ids = c.ask(b"qfThreadInfo")
    assert ids.startswith(b"m")
    assert c.ask(b"qsThreadInfo") == b"l"
    tids = [int(x, 16) for x in ids[1:].split(b",")]
    assert tids == [t.tid(k) for k in t.cores]
    assert c.ask(b"T%x" % tids[-1]) == b"OK"
    assert c.ask(b"T999") == b"E01"
    extra = rsp.unhexlify(c.ask(b"qThreadExtraInfo,%x" % tids[1])).decode()
    assert "core 0x" in extra
    xml = c.ask(b"qXfer:threads:read::0,fff")
    assert xml.startswith(b"l") and xml.count(b"<thread ") == len(tids)
    # Hg selects the registers' thread: COREID differs per core
    coreid = REG_NAMES.index("coreid")
    vals = []
    for tid in tids[:2]:
        assert c.ask(b"Hg%x" % tid) == b"OK"
        vals.append(c.reg(coreid))
    assert vals == [t.engine.coreid(t.cores[0]), t.engine.coreid(t.cores[1])]
    assert c.ask(b"Hg999") == b"E01"
    c.close()


# -- registers -------------------------------------------------------------------------------------

def test_g_packet_has_the_epiphany_gdb_layout(client):
    c, s = client
    regs = c.regs()
    assert len(regs) == NUM_REGS == 106
    assert REG_NAMES[13] == "sp" and REG_NAMES[PC_REGNUM] == "pc" and PC_REGNUM == 66
    assert REG_NAMES[64:67] == ("config", "status", "pc")
    assert regs[PC_REGNUM] == s.target.image.entry
    assert regs[REG_NAMES.index("coreid")] == 0x808
    # registers the E16G301 does not have are unavailable
    assert regs[-3:] == [None, None, None]


def test_p_and_P_read_and_write_one_register(client):
    c, s = client
    assert c.ask(b"P5=78563412") == b"OK"
    assert c.reg(5) == 0x12345678
    assert s.target.engine.reg_read(0, 5) == 0x12345678
    assert c.ask(b"p%x" % NUM_REGS) == b"E01"
    assert c.ask(b"P%x=00000000" % NUM_REGS) == b"E01"


def test_G_writes_every_register_and_rewriting_g_changes_nothing(client):
    c, s = client
    g = c.ask(b"g")
    assert c.ask(b"G" + g) == b"OK"
    assert c.ask(b"g") == g
    new = bytearray(g)
    new[8 * 7:8 * 8] = b"efbeadde"
    assert c.ask(b"G" + bytes(new)) == b"OK"
    assert s.target.engine.reg_read(0, 7) == 0xDEADBEEF


# -- memory ----------------------------------------------------------------------------------------

def test_m_M_X_read_and_write_memory(client):
    c, s = client
    table = sym(s.target, "_table")
    assert c.read(table, 8) == (10).to_bytes(4, "little") + (20).to_bytes(4, "little")
    assert c.ask(b"M%x,4:2a000000" % table) == b"OK"
    assert c.read(table, 4) == (42).to_bytes(4, "little")
    # X: binary with the escaped bytes # $ } *
    data = b"#$}*"
    assert c.ask(b"X%x,4:" % table + rsp.escape(data)) == b"OK"
    assert c.read(table, 4) == data
    assert c.ask(b"X%x,0:" % table) == b"OK"        # GDB's probe for X support


def test_memory_anywhere_on_the_chip(served):
    s = served(SHARED, group=(2, 2))
    c = s.connect()
    t = s.target
    # another core's SRAM by its global address, DRAM, and a memory-mapped register
    other = t.engine.coreid(t.cores[1]) << 20
    assert c.ask(b"M%x,4:01020304" % (other + 0x7000)) == b"OK"
    assert t.engine.mem_read(other + 0x7000, 4, -1) == b"\x01\x02\x03\x04"
    assert c.ask(b"M8e000000,2:abcd") == b"OK"
    assert c.read(0x8E000000, 2) == b"\xab\xcd"
    coreid = c.read((t.engine.coreid(t.cores[1]) << 20) | 0xF0704, 4)
    assert int.from_bytes(coreid, "little") == t.engine.coreid(t.cores[1])
    c.close()


def test_bad_addresses_get_error_replies(client):
    c, _ = client
    assert c.ask(b"m%x,4" % 0x00F00000) .startswith(b"E")     # not mapped in any core
    assert c.ask(b"M%x,4:00000000" % 0x70000000).startswith(b"E")
    assert c.ask(b"Z0,%x,2" % 0x70000000).startswith(b"E")
    assert c.ask(b"Z0,80000001,2").startswith(b"E")             # odd
    assert c.ask(b"Z2,%x,4" % 0x70000000).startswith(b"E")
    # malformed packets too, and the server still answers afterwards
    for bad in (b"mzz,4", b"m", b"Mxx", b"pzz", b"Pq", b"Z0", b"Hgzz", b"qRcmd,zz",
                b"vCont;s:zz", b"c zz"):
        assert c.ask(bad).startswith(b"E") or c.ask(b"qC") == b"QC65", bad
    assert c.ask(b"qC") == b"QC65"


# -- running ---------------------------------------------------------------------------------------

def test_breakpoint_continue_and_exit_code(client):
    c, s = client
    walk = sym(s.target, "_walk")
    assert c.ask(b"Z0,%x,2" % walk) == b"OK"
    stop = c.ask(b"vCont;c")
    assert stop.startswith(b"T05thread:65;") and b"swbreak:;" in stop
    assert c.reg(PC_REGNUM) == walk
    assert c.ask(b"z0,%x,2" % walk) == b"OK"
    assert c.ask(b"vCont;c") == b"W03"
    assert b"result 100 counter 4 hello" in output(s.target)


def test_step_is_one_instruction(client):
    c, s = client
    walk = sym(s.target, "_walk")
    c.ask(b"Z0,%x,2" % walk)
    c.ask(b"c")
    c.ask(b"z0,%x,2" % walk)
    cycles0 = s.target.engine.counters(0)["instructions"]
    stop = c.ask(b"vCont;s:65")
    assert stop.startswith(b"T05")
    assert s.target.engine.counters(0)["instructions"] == cycles0 + 1
    assert c.reg(PC_REGNUM) != walk
    stop = c.ask(b"s")                                  # the legacy packet too
    assert stop.startswith(b"T05")
    assert s.target.engine.counters(0)["instructions"] == cycles0 + 2


def test_breakpoint_costs_no_cycle(served):
    from emu.chip import run_elf
    res, _, _, _ = run_elf(DEBUGME)
    s = served()
    c = s.connect()
    add = sym(s.target, "_add")
    c.ask(b"Z0,%x,2" % add)
    for _ in range(4):
        assert c.ask(b"vCont;c").startswith(b"T05")
        assert c.reg(PC_REGNUM) == add
        # as GDB: remove the breakpoint, step over it, put it back
        c.ask(b"z0,%x,2" % add)
        assert c.ask(b"vCont;s:65").startswith(b"T05")
        c.ask(b"Z0,%x,2" % add)
    assert c.ask(b"vCont;c") == b"W03"
    assert s.target.finished.result.cycles == res.cycles
    c.close()


def test_a_thread_resumed_on_a_breakpoint_reports_it_again(client):
    """GDB steps the reporting thread over a breakpoint itself; a thread resumed while
    sitting on one traps again at once (as on a planted BKPT), it does not run past."""
    c, s = client
    add = sym(s.target, "_add")
    c.ask(b"Z0,%x,2" % add)
    assert c.ask(b"vCont;c").startswith(b"T05")
    n = s.target.engine.counters(0)["instructions"]
    assert c.ask(b"vCont;c").startswith(b"T05")
    assert c.reg(PC_REGNUM) == add and s.target.engine.counters(0)["instructions"] == n


def test_write_watchpoint_reports_the_address(client):
    c, s = client
    counter = sym(s.target, "_counter")
    assert c.ask(b"Z2,%x,4" % counter) == b"OK"
    seen = []
    while len(seen) < 10:               # crt0 clears .bss (a store of 0), then bump() counts
        stop = c.ask(b"vCont;c")
        assert re.match(rb"T05thread:65;watch:%x;" % counter, stop), stop
        seen.append(int.from_bytes(c.read(counter, 4), "little"))
        if seen[-1]:
            break
    assert seen[-1] == 1 and set(seen[:-1]) <= {0}
    assert c.ask(b"vCont;c").startswith(b"T05")
    assert c.read(counter, 4) == (2).to_bytes(4, "little")
    assert c.ask(b"z2,%x,4" % counter) == b"OK"
    assert c.ask(b"vCont;c") == b"W03"


def test_read_and_access_watchpoints(client):
    c, s = client
    table = sym(s.target, "_table")
    assert c.ask(b"Z3,%x,4" % (table + 8)) == b"OK"
    stop = c.ask(b"vCont;c")
    assert b"rwatch:%x;" % (table + 8) in stop
    assert c.ask(b"z3,%x,4" % (table + 8)) == b"OK"
    counter = sym(s.target, "_counter")
    assert c.ask(b"Z4,%x,4" % counter) == b"OK"
    stop = c.ask(b"vCont;c")
    assert b"awatch:%x;" % counter in stop


def test_watchpoint_stops_at_the_writing_core(served):
    s = served(SHARED, group=(2, 2))
    c = s.connect()
    cnt = s.target.image.symbol("_shared_counter").addr
    assert c.ask(b"Z2,%x,4" % cnt) == b"OK"
    order = []
    for _ in range(4):
        stop = c.ask(b"vCont;c")
        m = re.match(rb"T05thread:([0-9a-f]+);watch:([0-9a-f]+);", stop)
        assert m and int(m.group(2), 16) == cnt, stop
        order.append(int(m.group(1), 16))
        # the writing core stopped after its store, at the source line of the write
        k = s.target.core_of_tid(order[-1])
        ev = s.target.last_stop
        assert ev.core == k and ev.access == (cnt, 4, True)
    assert order == [101, 102, 201, 202]
    assert c.ask(b"vCont;c") == b"W00"
    c.close()


def test_vcont_step_one_thread_while_others_hold(served):
    s = served(SHARED, group=(2, 2))
    c = s.connect()
    t = s.target
    before = [t.engine.counters(k)["instructions"] for k in t.cores]
    # the first step of a core takes its pending SYNC interrupt (no instruction), the
    # second runs the vector's instruction; the other threads do not move
    assert c.ask(b"vCont;s:66;t").startswith(b"T05thread:66;")
    assert c.ask(b"vCont;s:66;t").startswith(b"T05thread:66;")
    after = [t.engine.counters(k)["instructions"] for k in t.cores]
    assert after[1] == before[1] + 1
    assert after[0] == before[0] and after[2:] == before[2:]
    c.close()


def test_alignment_fault_stops_with_sigbus_registers_intact(served):
    s = served(UNALIGNED)
    c = s.connect()
    stop = c.ask(b"vCont;c")
    assert stop.startswith(b"T0a"), stop          # SIGBUS
    pc = c.reg(PC_REGNUM)
    line = s.target.symbols.source_line(pc)
    assert line == ("unaligned.c", line_of("unaligned.c", "unaligned-load"))
    assert c.reg(0) & 3 == 2                      # the misaligned address, still in r0
    assert any("unaligned word load" in t for t in c.console)
    c.close()


def test_ctrl_c_interrupts_a_running_program(served):
    s = served(FOREVER)
    c = s.connect()
    c.send(b"vCont;c")
    time.sleep(0.3)
    c.send_raw(b"\x03")
    stop = c.reply()
    assert stop.startswith(b"T02"), stop          # SIGINT
    # still usable after
    assert c.ask(b"qC") == b"QC65"
    c.close()


def test_monitor_commands(client):
    c, _ = client
    assert c.ask(b"qRcmd," + rsp.hexlify(b"cycles")) == b"OK"
    assert "core 0x808" in "".join(c.console)
    c.console.clear()
    assert c.ask(b"qRcmd," + rsp.hexlify(b"profile")) == b"OK"
    assert c.console
    assert c.ask(b"qRcmd," + rsp.hexlify(b"frobnicate")).startswith(b"E")


def test_kill_and_detach_end_the_session(served):
    s = served()
    c = s.connect()
    c.send(b"k")
    assert s.wait() == "killed"
    c.close()
    s2 = served()
    c2 = s2.connect()
    assert c2.ask(b"D") == b"OK"
    assert s2.wait() == "detached"
    c2.close()


def test_client_disconnecting_mid_run_leaves_the_server_usable(served):
    s = served(FOREVER)
    c = s.connect()
    c.ask(b"Z0,%x,2" % sym(s.target, "_main"))
    c.send(b"vCont;c")                 # stops at main
    assert c.reply().startswith(b"T05")
    assert c.ask(b"vCont;s:65").startswith(b"T05")
    c.ask(b"Z2,%x,4" % sym(s.target, "_ticks"))
    c.ask(b"z2,%x,4" % sym(s.target, "_ticks"))
    c.send(b"vCont;c")                 # runs forever: the client goes away meanwhile
    time.sleep(0.2)
    c.sock.close()
    c2 = Client(s.address)
    # the breakpoints of the first client are gone, the target is stopped and answers
    assert c2.ask(b"qC") == b"QC65"
    assert not s.target.user_breaks and not s.target.watches
    # and it runs again for the new client
    c2.send(b"vCont;c")
    time.sleep(0.2)
    c2.send_raw(b"\x03")
    assert c2.reply().startswith(b"T02")
    c2.close()


def test_client_disconnecting_mid_step(served):
    s = served(SHARED, group=(2, 2))
    c = s.connect()
    c.no_ack()
    c.send(b"vCont;s:66")               # the step runs while the client goes away
    c.sock.close()
    c2 = Client(s.address)
    assert c2.ask(b"qC").startswith(b"QC")
    # the target is stopped and still steps for the next client
    assert c2.ask(b"vCont;s:66;t").startswith(b"T05thread:66;")
    c2.close()


def test_deadlock_stops_with_the_report(served):
    s = served(SPIN)
    c = s.connect()
    stop = c.ask(b"vCont;c")
    assert stop.startswith(b"T11"), stop             # SIGSTOP, the report on the console
    assert any("loop forever" in t or "deadlock" in t for t in c.console), c.console
    c.close()


def test_a_second_client_is_turned_away(client):
    c, s = client
    other = socket.create_connection(s.address, timeout=10)
    other.sendall(rsp.frame(b"qC"))
    data = b""
    deadline = time.monotonic() + 10
    while b"#" not in data.split(b"$", 1)[-1] and time.monotonic() < deadline:
        chunk = other.recv(4096)
        if not chunk:
            break
        data += chunk
    assert b"$E" in data
    other.close()
    assert c.ask(b"qC") == b"QC65"               # the first one is unaffected


def test_query_stop_reason_and_initial_state(client):
    c, s = client
    stop = c.ask(b"?")
    assert stop.startswith(b"T05thread:65;")
    assert c.ask(b"qAttached") in (b"0", b"1")
    assert c.ask(b"qC") == b"QC65"
