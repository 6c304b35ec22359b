"""A minimal GDB remote-protocol client for the tests (no GDB needed): raw packets, with or
without acknowledgements, and a server on a fixture running in a thread."""
from __future__ import annotations

import io
import socket
import threading
import time

from emu.chip import Chip, ChipConfig
from emu.debug import GdbServer, Target
from emu.debug import rsp
from emu.syscalls import HostIO
from loader.elf import read_elf

TIMEOUT = 20.0


class Client:
    def __init__(self, address, timeout: float = TIMEOUT):
        self.sock = socket.create_connection(address, timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = bytearray()
        self.ack = True
        self.console = []            # text of 'O' packets

    # -- raw bytes ----------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _byte(self) -> int:
        while not self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("server closed the connection")
            self.buf += data
        b = self.buf[0]
        del self.buf[:1]
        return b

    def read_ack(self) -> bytes:
        return bytes((self._byte(),))

    def read_packet(self) -> bytes:
        """The next packet's payload (checksum verified; acknowledged unless no-ack)."""
        while True:
            b = self._byte()
            if b != 0x24:
                continue
            payload = bytearray()
            while True:
                b = self._byte()
                if b == 0x23:
                    break
                payload.append(b)
            cs = bytes((self._byte(), self._byte()))
            assert int(cs, 16) == rsp.checksum(bytes(payload)), (payload, cs)
            if self.ack:
                self.send_raw(b"+")
            return bytes(payload)

    # -- packets ------------------------------------------------------------------------------
    def send(self, payload: bytes) -> None:
        self.send_raw(rsp.frame(payload))
        if self.ack:
            assert self.read_ack() == b"+"

    def reply(self) -> bytes:
        """The next reply, console output ('O' packets) collected on the way."""
        while True:
            p = self.read_packet()
            if p.startswith(b"O") and p != b"OK":
                self.console.append(rsp.unhexlify(p[1:]).decode())
                continue
            return p

    def ask(self, payload: bytes) -> bytes:
        self.send(payload)
        return self.reply()

    def no_ack(self) -> None:
        assert self.ask(b"QStartNoAckMode") == b"OK"
        self.ack = False

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    # -- helpers ------------------------------------------------------------------------------
    def regs(self) -> list:
        g = self.ask(b"g")
        return [None if g[j:j + 8] == b"xxxxxxxx" else
                int.from_bytes(bytes.fromhex(g[j:j + 8].decode()), "little")
                for j in range(0, len(g), 8)]

    def reg(self, n: int) -> int:
        r = self.ask(b"p%x" % n)
        return int.from_bytes(bytes.fromhex(r.decode()), "little")

    def read(self, addr: int, n: int) -> bytes:
        r = self.ask(b"m%x,%x" % (addr, n))
        assert not r.startswith(b"E"), r
        return bytes.fromhex(r.decode())


def make_target(elf, *, cores=None, group=None, max_cycles=0, **cfg):
    """A Target on a chip with elf loaded (its output in target.chip.syscalls' BytesIO:
    ``output(target)``)."""
    img = read_elf(str(elf))
    config = ChipConfig.for_image(img, **cfg)
    hio = HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO())
    chip = Chip(config, hio)
    if group is not None:
        cores = chip.group(*group)
    chip.load_elf(img, cores=cores)
    return Target(chip, img, max_cycles=max_cycles)


class Served:
    """A GdbServer on a target in a background thread; .address, .outcome once it ends."""

    def __init__(self, target: Target, console=None):
        self.target = target
        self.server = GdbServer(target, console=console)
        self.address = self.server.listen("127.0.0.1", 0)
        self.outcome = None
        self.error = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            self.outcome = self.server.serve()
        except BaseException as e:          # the test looks at it
            self.error = e

    def connect(self) -> Client:
        return Client(self.address)

    def wait(self, timeout: float = TIMEOUT) -> str:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "server did not finish"
        if self.error is not None:
            raise self.error
        return self.outcome

    def close(self):
        self.server.close()
        self.target.interrupt()
        deadline = time.monotonic() + 1
        while self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)


def output(target: Target) -> bytes:
    return target.chip.io.stdout.getvalue()
