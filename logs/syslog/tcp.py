"""One syslog sender over TCP: its bytes cut into frames as they come (logs.syslog.framing),
the frames handed to the receiver in order by the connection's own task, reading paused while
HIGH_WATER bytes of it wait, so a sender the publisher cannot keep up with is held back by
TCP itself and holds back no one else."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections import deque
from typing import TYPE_CHECKING

from logs.syslog.framing import Frame, TcpFramer

if TYPE_CHECKING:
    from logs.syslog.receiver import SyslogReceiver

logger = logging.getLogger(__name__)

# A connection stops reading when this much it has read waits to be published, and reads
# again below LOW_WATER.
HIGH_WATER = 256 * 1024
LOW_WATER = 64 * 1024
# At shutdown it reads what its sender had sent, held back or not, up to this much; one
# still sending past it is closed.
SHUTDOWN_HIGH_WATER = 16 * 1024 * 1024
# Connections the kernel completed and has not handed over yet, at most (listen(2)).
TCP_BACKLOG = 128


def tcp_listening_socket(host: str, port: int) -> socket.socket:
    """A non-blocking TCP socket listening on host:port. The receiver accepts from it by
    hand, so that at shutdown it takes every connection the kernel completed: their
    senders count what they sent as delivered."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, protocol)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(TCP_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class TcpConnection(asyncio.Protocol):
    """One TCP sender: bytes cut into frames as they come, frames published in order by its
    own task, reading paused while HIGH_WATER bytes wait."""

    def __init__(self, receiver: SyslogReceiver) -> None:
        self.receiver = receiver
        self.framer = TcpFramer(receiver.max_frame)
        self.frames: deque[tuple[Frame, float]] = deque()
        self.queued = 0
        self.paused = False
        self.ended = ""
        self.peer = "unknown"
        self.last_data = time.monotonic()
        self.task: asyncio.Task[None] | None = None
        self.transport: asyncio.Transport | None = None
        self.high_water = HIGH_WATER
        self._wake = asyncio.Event()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if peer else "unknown"
        if not self.receiver.tcp_admit(self):
            self.ended = "refused"
            transport.abort()
            return
        self.task = asyncio.get_running_loop().create_task(self._drain())

    def data_received(self, data: bytes) -> None:
        if self.ended:
            return
        self.last_data = time.monotonic()
        self._queue(self.framer.feed(data))
        if self.framer.closed:
            self.receiver.tcp_framing_error(self.peer, self.framer.closed)
            self.ended = "framing error"
            self.transport.pause_reading()
        elif self.queued + self.framer.buffered > self.high_water:
            if self.high_water == SHUTDOWN_HIGH_WATER:
                logger.warning(
                    "syslog TCP connection from %s: still sending at shutdown; it is closed "
                    "with %d bytes read, what it sends after is not taken",
                    self.peer,
                    self.queued,
                )
                self.finish("shutdown")
            elif not self.paused:
                self.paused = True
                self.transport.pause_reading()

    def eof_received(self) -> bool:
        self.finish("eof")
        return True  # closed by _drain once what was read is handed over

    def connection_lost(self, exc: Exception | None) -> None:
        self.finish("eof" if exc is None else "reset")

    def finish(self, reason: str) -> None:
        """No more reading: what the framer holds is handed over, then the connection ends."""
        if self.ended:
            self._wake.set()
            return
        self.ended = reason
        self._queue(self.framer.finish(reason))
        if self.transport is not None and not self.transport.is_closing():
            self.transport.pause_reading()
        self._wake.set()

    def shutting_down(self) -> None:
        """Read what the sender has sent, held or not: the kernel took it on our behalf."""
        self.high_water = SHUTDOWN_HIGH_WATER
        self.last_data = time.monotonic()  # its quiet is counted from the stop
        if self.paused and not self.ended:
            self.paused = False
            self.transport.resume_reading()

    def idle_for(self, now: float) -> float:
        """Seconds the sender has sent nothing while it could have (not held by us)."""
        if self.ended or self.paused or self.frames:
            return 0.0
        return now - self.last_data

    def _queue(self, frames: list[Frame]) -> None:
        now = time.time()
        for frame in frames:
            self.frames.append((frame, now))
            self.queued += len(frame.data)
        if frames:
            self._wake.set()

    async def _drain(self) -> None:
        try:
            while True:
                while self.frames:
                    frame, received_at = self.frames.popleft()
                    self.queued -= len(frame.data)
                    await self.receiver.take_tcp(frame, self.peer, received_at)
                    if self.paused and not self.ended and self.queued < LOW_WATER:
                        # Read again: the publisher took what waited.
                        self.paused = False
                        self.transport.resume_reading()
                if self.ended:
                    break
                self._wake.clear()
                await self._wake.wait()
        finally:
            self.transport.close()
            self.receiver.tcp_closed(self)
