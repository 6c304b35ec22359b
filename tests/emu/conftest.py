"""Shared fixtures for core tests: a one-core chip, machine code built with isa.encoder (tests
never write instruction hex by hand), and state assertions."""
import io

import pytest

from emu.chip import Chip, ChipConfig
from emu.syscalls import HostIO
from isa import regs
from isa.encoder import encode
from isa.spec import INSN_BY_NAME

CODE = 0x100          # where test code is placed (core-local)
POISON = 0xAA         # fresh memory is filled with this byte (py65 style)

STATUS_BITS = regs.STATUS_BITS


class Harness:
    def __init__(self, **cfg):
        cfg.setdefault("rows", 1)
        cfg.setdefault("cols", 1)
        self.out = io.BytesIO()
        self.chip = Chip(ChipConfig(**cfg), HostIO(stdin=io.BytesIO(), stdout=self.out,
                                                   stderr=io.BytesIO()))
        self.e = self.chip.engine
        sram = self.e.sram(0)
        sram[:] = POISON
        self.pc = CODE

    # -- code -----------------------------------------------------------------------------
    def asm(self, *insns, at=None):
        """Place instructions [(name, fields), ...] sequentially; returns their addresses."""
        addr = CODE if at is None else at
        addrs = []
        for name, fields in insns:
            w = encode(name, **fields)
            size = INSN_BY_NAME[name].size
            self.e.mem_write(addr, w.to_bytes(size, "little"), 0)
            addrs.append(addr)
            addr += size
        self.end = addr
        return addrs

    def start(self, pc=CODE, **gprs):
        self.e.set_pc(0, pc)
        self.e.set_idle(0, False)
        for name, v in gprs.items():
            self.set(name, v)
        return self

    def step(self, n=1):
        st = 0
        for _ in range(n):
            st = self.e.step(0)
            if st:
                break
        return st

    def run_to_end(self, limit=10000):
        """Step until PC reaches the end of the placed code (or a stop)."""
        for _ in range(limit):
            if self.e.get_pc(0) == self.end:
                return 0
            st = self.e.step(0)
            if st:
                return st
        raise AssertionError("code did not reach its end")

    # -- state ----------------------------------------------------------------------------
    def get(self, name):
        return self.chip.reg_read(0, name)

    def set(self, name, v):
        self.chip.reg_write(0, name, v)

    def flag(self, name):
        return (self.get("STATUS") >> STATUS_BITS[name]) & 1

    def flags(self):
        st = self.get("STATUS")
        return {n for n, b in STATUS_BITS.items() if (st >> b) & 1 and n not in ("ACTIVE",)}

    def set_status(self, **bits):
        v = 0
        for n, b in bits.items():
            if b:
                v |= 1 << STATUS_BITS[n]
        self.set("FSTATUS", v)

    def mem(self, addr, n):
        return self.e.mem_read(addr, n, 0)

    def word(self, addr):
        return int.from_bytes(self.mem(addr, 4), "little")

    def poke(self, addr, data):
        self.e.mem_write(addr, data, 0)


@pytest.fixture
def h():
    return Harness()


def f32(x):
    import struct
    return struct.unpack("<I", struct.pack("<f", x))[0]


def from_f32(u):
    import struct
    return struct.unpack("<f", struct.pack("<I", u))[0]
