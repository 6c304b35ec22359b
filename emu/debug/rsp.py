"""GDB's remote serial protocol on the wire: packets ($data#cs), acknowledgements, escapes,
the interrupt byte, and a connection over a socket.

Written from the protocol's documentation (GDB manual, appendix "Remote Protocol"):

* a packet is ``$`` payload ``#`` two hex digits of the sum of the payload bytes mod 256;
* the receiver answers ``+`` (received) or ``-`` (checksum wrong: send again), until both
  sides agree on QStartNoAckMode;
* in binary data (``X`` packets, ``qXfer`` replies) the bytes ``#``, ``$``, ``}`` and ``*``
  are sent as ``}`` followed by the byte XOR 0x20;
* a lone byte 0x03 outside packets is an interrupt request (Ctrl-C).
"""
from __future__ import annotations

import select
import socket
from typing import List, Optional, Tuple

INTERRUPT = b"\x03"
_ESCAPED = b"#$}*"


def checksum(payload: bytes) -> int:
    return sum(payload) & 0xFF


def frame(payload: bytes) -> bytes:
    """The packet carrying payload."""
    return b"$" + payload + b"#" + b"%02x" % checksum(payload)


def escape(data: bytes) -> bytes:
    """Binary data as it travels in a packet."""
    out = bytearray()
    for b in data:
        if b in _ESCAPED:
            out += bytes((0x7D, b ^ 0x20))
        else:
            out.append(b)
    return bytes(out)


def unescape(data: bytes) -> bytes:
    out = bytearray()
    it = iter(data)
    for b in it:
        if b == 0x7D:
            b = next(it, 0x20) ^ 0x20
        out.append(b)
    return bytes(out)


def hexlify(data: bytes) -> bytes:
    return data.hex().encode()


def unhexlify(text: bytes) -> bytes:
    return bytes.fromhex(text.decode("ascii"))


def hex_text(text: str) -> bytes:
    return hexlify(text.encode())


class Parser:
    """Splits a byte stream into events: ("packet", payload), ("bad", payload) for a wrong
    checksum, ("interrupt",), ("ack", b"+" or b"-")."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data: bytes) -> List[Tuple]:
        self.buf += data
        out = []
        while self.buf:
            c = self.buf[0]
            if c == 0x24:                               # '$'
                end = self.buf.find(b"#", 1)
                if end < 0 or len(self.buf) < end + 3:
                    break
                payload = bytes(self.buf[1:end])
                try:
                    cs = int(self.buf[end + 1:end + 3], 16)
                except ValueError:
                    cs = -1
                del self.buf[:end + 3]
                out.append(("packet", payload) if cs == checksum(payload) else ("bad", payload))
            elif c == 0x03:
                del self.buf[:1]
                out.append(("interrupt",))
            elif c in (0x2B, 0x2D):                     # '+', '-'
                out.append(("ack", bytes(self.buf[:1])))
                del self.buf[:1]
            else:                                       # noise between packets
                del self.buf[:1]
        return out


class Connection:
    """One client on a socket: packets in and out, acknowledgements, interrupts."""

    def __init__(self, sock: socket.socket, log=None):
        self.sock = sock
        self.parser = Parser()
        self.pending: List[Tuple] = []
        self.ack = True
        self.closed = False
        self.log = log

    def _fill(self, timeout: Optional[float]) -> bool:
        """Read what the socket has (waiting up to timeout; None: block).  False at EOF."""
        if self.closed:
            return False
        if timeout is not None:
            r, _, _ = select.select([self.sock], [], [], timeout)
            if not r:
                return True
        try:
            data = self.sock.recv(65536)
        except (ConnectionError, OSError):
            data = b""
        if not data:
            self.closed = True
            return False
        self.pending.extend(self.parser.feed(data))
        return True

    def read_packet(self) -> Optional[bytes]:
        """The next packet's payload (acknowledged), b"\\x03" for an interrupt, None at EOF."""
        while True:
            while self.pending:
                ev = self.pending.pop(0)
                if ev[0] == "packet":
                    if self.ack:
                        self._send_raw(b"+")
                    if self.log:
                        self.log("<- " + ev[1].decode("latin-1"))
                    return ev[1]
                if ev[0] == "bad":
                    self._send_raw(b"-")
                elif ev[0] == "interrupt":
                    return INTERRUPT
            if not self._fill(None):
                return None

    def poll_interrupt(self, timeout: float) -> Optional[str]:
        """While the target runs: "interrupt" when the client sent Ctrl-C, "eof" when it went
        away, else None (other packets are kept for later)."""
        if not self._fill(timeout):
            return "eof"
        for j, ev in enumerate(self.pending):
            if ev[0] == "interrupt":
                del self.pending[j]
                return "interrupt"
        return None

    def _send_raw(self, data: bytes) -> None:
        if self.closed:
            return
        try:
            self.sock.sendall(data)
        except (ConnectionError, OSError):
            self.closed = True

    def send(self, payload: bytes) -> None:
        """Send a packet; without QStartNoAckMode, until the client acknowledges it."""
        if self.log:
            self.log("-> " + payload.decode("latin-1"))
        for _ in range(10):
            self._send_raw(frame(payload))
            if not self.ack or self.closed:
                return
            while True:
                acks = [e for e in self.pending if e[0] == "ack"]
                if acks:
                    self.pending.remove(acks[0])
                    break
                if not self._fill(None):
                    return
            if acks[0][1] == b"+":
                return

    def close(self) -> None:
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
