"""The server's side of libe-hal's protocol (emu/serve.py), checked without the C library: a
client in Python, and the layout numbers against hal/src/ehal-proto.h compiled by the host's
C compiler."""
import mmap
import os
import shutil
import socket
import struct
import subprocess
import time

import pytest

from emu import serve
from emu.chip import ChipConfig

from .conftest import ROOT, device

LAYOUT_C = r"""
#include <stddef.h>
#include <stdio.h>
#include "ehal-proto.h"
#define F(s, m) printf("%s %zu\n", #m, offsetof(struct s, m))
int main(void)
{
    F(ehal_shm_header, rows); F(ehal_shm_header, n_ext); F(ehal_shm_header, sram_offset);
    F(ehal_shm_header, total_size); F(ehal_shm_header, ext); F(ehal_shm_header, host_writes);
    F(ehal_shm_header, dirty_seq); F(ehal_shm_header, dirty);
    printf("header %zu\nreq %zu\nrep %zu\next_size %zu\n", sizeof(struct ehal_shm_header),
           sizeof(struct ehal_req), sizeof(struct ehal_rep), sizeof(struct ehal_ext_region));
    printf("magic %u\nversion %u\nmax_ext %u\nslots %u\n", EHAL_SHM_MAGIC, EHAL_PROTO_VERSION,
           EHAL_MAX_EXT, EHAL_DIRTY_SLOTS);
    printf("ops %d %d %d %d %d %d %d %d\n", EHAL_OP_HELLO, EHAL_OP_BYE, EHAL_OP_RESET,
           EHAL_OP_LOAD, EHAL_OP_START, EHAL_OP_REG_READ, EHAL_OP_REG_WRITE, EHAL_OP_SYNC);
    return 0;
}
"""


def test_layout_is_the_c_headers(tmp_path):
    cc = os.environ.get("CC") or "cc"
    if shutil.which(cc.split()[0]) is None:
        pytest.skip("no host C compiler")
    (tmp_path / "layout.c").write_text(LAYOUT_C)
    exe = tmp_path / "layout"
    subprocess.run(cc.split() + ["-I", os.path.join(ROOT, "hal", "src"), str(tmp_path / "layout.c"),
                                 "-o", str(exe)], check=True, timeout=120)
    got = dict(line.split(" ", 1) for line in
               subprocess.run([str(exe)], capture_output=True, text=True).stdout.splitlines())
    s = serve
    assert int(got["rows"]) == 16 and int(got["n_ext"]) == 44
    assert int(got["sram_offset"]) == 48 and int(got["total_size"]) == 56
    assert int(got["ext"]) == s.OFF_EXT and int(got["ext"]) == s.HEADER.size
    assert int(got["host_writes"]) == s.OFF_HOST_WRITES
    assert int(got["dirty_seq"]) == s.OFF_DIRTY_SEQ and int(got["dirty"]) == s.OFF_DIRTY
    assert int(got["header"]) == s.HEADER_BYTES <= s.PAGE
    assert int(got["req"]) == s.REQ.size and int(got["rep"]) == s.REP.size
    assert int(got["ext_size"]) == s.EXT_REGION.size
    assert (int(got["magic"]), int(got["version"]), int(got["max_ext"]), int(got["slots"])) \
        == (s.SHM_MAGIC, s.PROTO_VERSION, s.MAX_EXT, s.DIRTY_SLOTS)
    assert [int(x) for x in got["ops"].split()] == [
        s.OP_HELLO, s.OP_BYE, s.OP_RESET, s.OP_LOAD, s.OP_START, s.OP_REG_READ,
        s.OP_REG_WRITE, s.OP_SYNC]


class Client:
    """The protocol from Python, as libe-hal speaks it."""

    def __init__(self, path, wait_ms=10000):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        st, self.pid, msg, fds = self.request(serve.OP_HELLO, flags=wait_ms,
                                              value=serve.PROTO_VERSION, payload=b"pytest",
                                              fds=True)
        assert st == 0, msg
        self.mem = mmap.mmap(fds[0], os.fstat(fds[0]).st_size)
        os.close(fds[0])

    def request(self, op, flags=0, row=0, col=0, rows=1, cols=1, group=(0, 0, 1, 1),
                value=0, payload=b"", fds=False):
        self.s.sendall(serve.REQ.pack(op, flags, row, col, rows, cols, *group, value,
                                      len(payload)) + payload)
        if fds:
            head, got, _, _ = socket.recv_fds(self.s, serve.REP.size, 1)
        else:
            head, got = b"", []
        while len(head) < serve.REP.size:
            head += self.s.recv(serve.REP.size - len(head))
        st, v, n, _ = serve.REP.unpack(head)
        msg = b""
        while len(msg) < n:
            msg += self.s.recv(n - len(msg))
        return st, v, msg.decode(), got

    def u32(self, off):
        return struct.unpack_from("<I", self.mem, off)[0]


def test_a_python_client_runs_a_program(tmp_path):
    cfg = ChipConfig(rows=1, cols=2)
    with serve.Server(cfg, socket_path=str(tmp_path / "s.sock")) as srv:
        c = Client(srv.socket_path)
        h = serve.HEADER.unpack_from(c.mem, 0)
        assert h[:2] == (serve.SHM_MAGIC, serve.PROTO_VERSION) and c.pid == os.getpid()
        rows, cols, ncores, sram = h[4], h[5], h[8], h[9]
        assert (rows, cols, ncores, sram) == (1, 2, 2, 0x8000)
        sram_off = h[12]
        base, size, ext_off = serve.EXT_REGION.unpack_from(c.mem, serve.OFF_EXT)
        assert (base, size) == (0x8E000000, 32 << 20)

        st, v, _, _ = c.request(serve.OP_REG_READ, col=1, value=0xF0704)        # COREID
        assert (st, v) == (0, (32 << 6) | 9)
        st, _, _, _ = c.request(serve.OP_LOAD, flags=1, rows=1, cols=2, group=(0, 0, 1, 2),
                                payload=device("signal").encode())
        assert st == 0
        mbox1 = sram_off + sram + 0x7000                 # core 1's mailbox, in the mapping
        deadline = time.time() + 30
        while c.u32(mbox1 + 4) != 1 and time.time() < deadline:   # ready
            time.sleep(0.001)
        assert c.request(serve.OP_REG_WRITE, col=1, value=0xF042C, flags=1 << 9)[0] == 0
        while c.u32(mbox1) != 1 and time.time() < deadline:       # the interrupt counted
            time.sleep(0.001)
        assert c.u32(mbox1) == 1
        # the workgroup record says core (0,1) of a 1 x 2 group
        assert struct.unpack_from("<10I", c.mem, sram_off + sram + 0x28)[3:9] == \
            (32, 8, 1, 2, 0, 1)
        st, _, msg, _ = c.request(serve.OP_REG_READ, col=5, value=0xF0704)
        assert st == -1 and "does not fit" in msg
        st, _, msg, _ = c.request(serve.OP_REG_READ, value=0xF0702)
        assert st == -1 and "not a register" in msg
        st, _, msg, _ = c.request(serve.OP_LOAD, payload=b"/nonexistent.elf")
        assert st == -1 and "no such file" in msg
        st, _, msg, _ = c.request(99)
        assert st == -1 and "unknown request" in msg
        c.request(serve.OP_BYE)


def test_load_of_one_core_describes_the_whole_workgroup(tmp_path):
    """e_load(dev, r, c): the loader's record says (r, c) of dev, as ESDK's e-loader writes."""
    with serve.Server(ChipConfig(), socket_path=str(tmp_path / "s.sock")) as srv:
        c = Client(srv.socket_path)
        sram_off = serve.HEADER.unpack_from(c.mem, 0)[12]
        # core (1,2) of a 2 x 3 workgroup at (1,1): chip core (2,3) = index 11
        st, _, msg, _ = c.request(serve.OP_LOAD, row=2, col=3, group=(1, 1, 2, 3),
                                  payload=device("spin").encode())
        assert st == 0, msg
        rec = struct.unpack_from("<10I", c.mem, sram_off + 11 * 0x8000 + 0x28)
        assert rec == (3, 0, (33 << 6) | 9, 33, 9, 2, 3, 1, 2, 0xDEADBEEF)


def test_a_second_client_waits_or_is_refused(tmp_path):
    with serve.Server(ChipConfig(rows=1, cols=1), socket_path=str(tmp_path / "s.sock")) as srv:
        first = Client(srv.socket_path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(srv.socket_path)
        s.sendall(serve.REQ.pack(serve.OP_HELLO, 0, 0, 0, 1, 1, 0, 0, 1, 1,
                                 serve.PROTO_VERSION, 0))
        st, _, n, _ = serve.REP.unpack(s.recv(serve.REP.size))
        assert st == -1 and b"busy" in s.recv(n)
        first.request(serve.OP_BYE)
        second = Client(srv.socket_path, wait_ms=5000)        # its turn now
        assert second.request(serve.OP_SYNC)[0] == 0


def test_code_the_host_writes_is_decoded_again(tmp_path):
    """A host program overwrites code a core already ran (through the mapping, logging the
    write as libe-hal does); started again, the core runs the new code."""
    from isa.assembler import assemble
    from loader.elf import read_elf

    def prog(value):
        return assemble(f"""
            b.l start
    start:  mov r1, 0x7000
            mov r2, {value}
            str r2, [r1]
            idle
    """, 0, "p.s")

    elf = tmp_path / "one.elf"
    elf.write_bytes(prog(1))
    two = prog(2)
    with serve.Server(ChipConfig(rows=1, cols=1), socket_path=str(tmp_path / "s.sock")) as srv:
        c = Client(srv.socket_path)
        sram_off = serve.HEADER.unpack_from(c.mem, 0)[12]

        def run_and_read():
            deadline = time.time() + 30
            while c.u32(sram_off + 0x7000) == 0 and time.time() < deadline:
                time.sleep(0.001)
            return c.u32(sram_off + 0x7000)

        assert c.request(serve.OP_LOAD, flags=1, payload=str(elf).encode())[0] == 0
        assert run_and_read() == 1
        # the second program's code over the first's, as e_write would put it
        p2 = tmp_path / "two.elf"
        p2.write_bytes(two)
        seg, seg2 = read_elf(str(elf)).segments[0], read_elf(str(p2)).segments[0]
        assert seg2.addr == seg.addr == 0 and seg2.data != seg.data
        c.mem[sram_off:sram_off + len(seg2.data)] = seg2.data
        struct.pack_into("<I", c.mem, sram_off + 0x7000, 0)
        seq = c.u32(serve.OFF_DIRTY_SEQ)
        serve.DIRTY.pack_into(c.mem, serve.OFF_DIRTY + (seq % serve.DIRTY_SLOTS) * 8,
                              0x80800000, len(seg2.data))
        struct.pack_into("<I", c.mem, serve.OFF_DIRTY_SEQ, seq + 1)
        assert c.request(serve.OP_RESET)[0] == 0
        assert c.request(serve.OP_START)[0] == 0
        assert run_and_read() == 2
