"""The servers of `manage.py receive_syslog`: UDP and TCP on SYSLOG_BIND, feeding JetStream.

A UDP datagram is appended to the spool as it arrives (logs.syslog.spool) and published
from there, in order, by the spool reader: while NATS is down or slow, datagrams wait on
disk, never in a socket buffer that overflows. A TCP frame (logs.syslog.framing) is parsed
and handed to the publisher (logs.syslog.publisher); while its queue is full the connection
stops reading, so TCP's own flow control holds the sender, which queues on its side.

Senders cannot hurt the process or each other: frames are bounded (SYSLOG_MAX_FRAME_BYTES),
a broken octet count ends only its connection (after what was read is published), idle
connections are closed (SYSLOG_TCP_IDLE_TIMEOUT), connections are capped
(SYSLOG_TCP_MAX_CONNECTIONS), and the parser takes any bytes.

SIGTERM/SIGINT: listening stops (connections the kernel completed before it are accepted,
not reset: their senders count what they sent as delivered), what connections have read
is published, the publisher is given SYSLOG_SHUTDOWN_TIMEOUT seconds for its acks;
whatever is not acknowledged then (NATS down) goes to the spool and is published at the
next start. Then the spool is synced and the process exits 0.

Every SYSLOG_STATUS_INTERVAL seconds a line of counts is logged, and every
HEARTBEAT_INTERVAL seconds the same counts go to the database (logs.syslog.status).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import logging
import secrets
import signal
import socket
import threading
import time
import zoneinfo
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from nats.aio.client import Client
from nats.js.api import PubAck
from nats.js.errors import NotFoundError

from gogent.nats import nats_connect, nats_servers_display
from logs.consumer import ensure_stream_and_consumer
from logs.syslog.framing import Frame, datagram_frames
from logs.syslog.message import PayloadLimits, received_payloads
from logs.syslog.parse import SyslogLog
from logs.syslog.publisher import Outgoing, SyslogPublisher
from logs.syslog.spool import SYNC_INTERVAL, Received, Spool, SpoolError, SpoolHandle
from logs.syslog.status import HEARTBEAT_INTERVAL, ReceiverReport, syslog_receiver_report
from logs.syslog.tcp import TcpConnection, tcp_listening_socket
from logs.syslog.udp import UDP_MAX_DATAGRAM, udp_socket, udp_socket_drops

logger = logging.getLogger(__name__)

# Datagrams read at most in one turn of the loop, so TCP and publishing get theirs.
UDP_READS_PER_TURN = 1000
# Connections accepted at most in one turn of the loop.
TCP_ACCEPTS_PER_TURN = 100
SPOOL_READ_BATCH = 256
# At shutdown, how long connections get to hand over what they read once nothing waits.
CONNECTION_HANDOVER = 5.0
# At shutdown a connection reads until its sender has sent nothing for SHUTDOWN_QUIET
# seconds, for at most SHUTDOWN_READ seconds (and SHUTDOWN_HIGH_WATER bytes, tcp.py).
SHUTDOWN_QUIET = 0.2
SHUTDOWN_READ = 2.0
REFUSAL_LOG_INTERVAL = 60.0


class ReceiverError(RuntimeError):
    """receive_syslog cannot start; the message says why and what to do."""


@dataclass
class Counters:
    """Counts since the process started."""

    received_udp: int = 0
    received_tcp: int = 0
    published: int = 0
    duplicates: int = 0
    raw: int = 0
    spooled: int = 0
    dropped: int = 0
    empty: int = 0
    tcp_refused: int = 0
    tcp_framing_errors: int = 0
    tcp_idle_closed: int = 0
    # Datagrams the kernel dropped because the socket's buffer was full (Linux only): lost
    # before the receiver could see them, so counted apart from `dropped`.
    udp_kernel_drops: int = 0


class SyslogReceiver:
    def __init__(self) -> None:
        host, _, port = settings.SYSLOG_BIND.rpartition(":")
        self.host = host.strip("[]")
        self.port = int(port)
        self.max_frame = settings.SYSLOG_MAX_FRAME_BYTES
        self.time_zone = zoneinfo.ZoneInfo(settings.SYSLOG_TIME_ZONE)
        self.limits = PayloadLimits.from_settings()
        self.counters = Counters()
        self.spool = Spool(settings.SYSLOG_SPOOL_DIR, max_bytes=settings.SYSLOG_SPOOL_MAX_BYTES)
        self.name = f"{socket.gethostname()} {settings.SYSLOG_BIND}"[:255]
        self.listening = ""
        self.started_at = timezone.now()
        self.error = ""  # set when a fatal error stopped the receiver
        # TCP logs' message ids: this start's id and a count (spool records have their own).
        self._instance = secrets.token_hex(6)
        self._tcp_ids = itertools.count(1)
        self._connections: set[TcpConnection] = set()
        self._udp_socket: socket.socket | None = None
        self._udp_buffer = bytearray(UDP_MAX_DATAGRAM)
        self._tcp_socket: socket.socket | None = None
        # Connections accepted whose transport is being made (see _accept_tcp).
        self._tcp_accepting: set[asyncio.Task[Any]] = set()
        self._dropping = False
        self._refused_logged_at = 0.0
        self._reported_dropped = 0
        self._sync_executor = ThreadPoolExecutor(1, thread_name_prefix="syslog-spool-sync")
        # Made in run(), on the loop that runs them.
        self.publisher: SyslogPublisher
        self._stopping: asyncio.Event
        self._spool_readable: asyncio.Event
        self._flush_scheduled = False

    # --- running --------------------------------------------------------------------------

    def stop(self, why: str = "") -> None:
        if not self._stopping.is_set():
            logger.info(
                "stopping%s: no more syslog taken; publishing what was received",
                f" ({why})" if why else "",
            )
            self._stopping.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._spool_readable = asyncio.Event()
        self.publisher = SyslogPublisher(
            max_pending=settings.SYSLOG_MAX_PENDING,
            time_zone=self.time_zone,
            on_published=self._published,
        )
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop, sig.name)
        try:
            self.spool.open()
        except SpoolError as error:
            raise ReceiverError(str(error)) from None
        tasks: dict[str, asyncio.Task[Any]] = {}
        try:
            await self._listen()
            tasks = {
                "connect": asyncio.create_task(self._connect()),
                "publisher": asyncio.create_task(self.publisher.run()),
                "spool": asyncio.create_task(self._read_spool()),
                "sync": asyncio.create_task(self._sync_spool()),
                "housekeeping": asyncio.create_task(self._housekeeping()),
            }
            await self._report()
            await self._until_stopped(tasks)
            await self._shutdown(tasks)
        finally:
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)
            self._sync_executor.shutdown(wait=True)
            client = self.publisher.client
            if client is not None and not client.is_closed:
                with contextlib.suppress(Exception):
                    await client.close()
            self.spool.close()
            if self.listening:
                # Only a receiver that ran reports: one that could not listen (another holds
                # the address) must not mark that one's row stopped.
                self._log_counts()
                await self._report(stopped=True)

    async def _until_stopped(self, tasks: dict[str, asyncio.Task[Any]]) -> None:
        """Wait for a signal; a task that dies meanwhile (a bug) stops the receiver too, with
        exit status 1 and its traceback in the log, so systemd or the supervisor start it
        again rather than leave intake quietly stalled (the spool keeps what it holds)."""
        stopping = asyncio.create_task(self._stopping.wait())
        watched = {task for name, task in tasks.items() if name != "connect"}
        done, _ = await asyncio.wait({stopping, *watched}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        for task in done & watched:
            name = next(name for name, each in tasks.items() if each is task)
            error = task.exception() if not task.cancelled() else None
            self.error = f"the {name} task stopped: {error!r}"
            logger.error("syslog: %s", self.error, exc_info=error)
            self.stop("a task failed")

    async def _listen(self) -> None:
        loop = asyncio.get_running_loop()
        where = f"{self.host}:{self.port}" if ":" not in self.host else f"[{self.host}]:{self.port}"
        listening = []
        try:
            if settings.SYSLOG_UDP:
                self._udp_socket = udp_socket(self.host, self.port)
                # Read by hand, every datagram waiting at each turn of the loop: asyncio's
                # datagram transport reads one a turn, and a busy turn (a batch parsed and
                # published) then lets the kernel's buffer overflow.
                loop.add_reader(self._udp_socket.fileno(), self._read_udp)
                listening.append(f"udp {where}")
            if settings.SYSLOG_TCP:
                self._tcp_socket = tcp_listening_socket(self.host, self.port)
                loop.add_reader(self._tcp_socket.fileno(), self._accept_tcp)
                listening.append(f"tcp {where}")
        except OSError as error:
            if self._udp_socket is not None:
                loop.remove_reader(self._udp_socket.fileno())
                self._udp_socket.close()
            in_use = error.errno == errno.EADDRINUSE
            hint = " (is another receive_syslog running?)" if in_use else ""
            raise ReceiverError(
                f"cannot listen on {where} (SYSLOG_BIND): {error.strerror or error}{hint}"
            ) from None
        self.listening = ", ".join(listening)
        logger.info(
            "listening for syslog on %s; publishing to %s on %s",
            " and ".join(listening),
            settings.NATS_SUBJECT,
            nats_servers_display(),
        )

    async def _connect(self) -> None:
        """Connect in the background (nats-py retries until NATS answers): syslog is taken
        meanwhile, UDP into the spool and TCP up to the publisher's queue."""
        try:
            client = await nats_connect(name="gogent-receive-syslog")
        except Exception as error:
            self.error = f"cannot connect to NATS at {nats_servers_display()}: {error}"
            logger.error("%s", self.error)
            self.stop()
            return
        url = client.connected_url
        logger.info("connected to NATS at %s:%s", url.hostname, url.port)
        self.limits = PayloadLimits.from_settings(max_payload=client.max_payload)
        await _stream_ensure(client)
        self.publisher.client = client

    async def _shutdown(self, tasks: dict[str, asyncio.Task[Any]]) -> None:
        """Take what senders have sent (the kernel holds it; they count it as delivered), and
        nothing after; publish it within SYSLOG_SHUTDOWN_TIMEOUT, or keep it in the spool."""
        if self._tcp_socket is not None:
            # Connections the kernel completed before the stop are taken, not reset.
            asyncio.get_running_loop().remove_reader(self._tcp_socket.fileno())
            while self._accept_tcp():
                pass
            self._tcp_socket.close()
            if self._tcp_accepting:
                await asyncio.wait(self._tcp_accepting, timeout=CONNECTION_HANDOVER)
        if self._udp_socket is not None:
            # Datagrams the kernel took before the stop are spooled, not thrown away.
            asyncio.get_running_loop().remove_reader(self._udp_socket.fileno())
            while self._read_udp():
                pass
            self._udp_socket.close()
        self._flush_spool()
        # Connections read on until their sender pauses (what it sent before the stop is
        # in), for at most SHUTDOWN_READ seconds, then hand over what they have.
        started = time.monotonic()
        for connection in list(self._connections):
            connection.shutting_down()
        deadline = started + settings.SYSLOG_SHUTDOWN_TIMEOUT
        while time.monotonic() < deadline and not self.error:
            now = time.monotonic()
            for connection in list(self._connections):
                if now - connection.last_data >= SHUTDOWN_QUIET or now - started >= SHUTDOWN_READ:
                    connection.finish("shutdown")
            if not self._connections and not self.publisher.pending and not self._spool_waiting():
                break
            await asyncio.sleep(0.05)
        for connection in list(self._connections):
            connection.finish("shutdown")
        tasks["spool"].cancel()
        # Its failure, if it failed, is logged already (_until_stopped).
        await asyncio.gather(tasks["spool"], return_exceptions=True)
        # Nothing waits for room from here: connections hand over what they have read.
        self.publisher.release()
        draining = [connection.task for connection in self._connections if connection.task]
        if draining:
            await asyncio.wait(draining, timeout=CONNECTION_HANDOVER)
        left = self.publisher.unacknowledged()
        self._spool_leftovers(left)

    def _read_udp(self) -> bool:
        """Take the datagrams waiting, UDP_READS_PER_TURN at most (TCP and publishing get
        their turn); True if more may wait."""
        for _ in range(UDP_READS_PER_TURN):
            try:
                size, address = self._udp_socket.recvfrom_into(self._udp_buffer)
            except (BlockingIOError, InterruptedError):
                return False
            except OSError as error:  # an ICMP error for an earlier datagram; go on
                logger.warning("syslog UDP socket: %s", error)
                continue
            self.take_udp(bytes(self._udp_buffer[:size]), str(address[0]))
        return True

    def _accept_tcp(self) -> bool:
        """Take the connections waiting, TCP_ACCEPTS_PER_TURN at most; True if more may wait.
        When it fails (out of file descriptors), accepting pauses for a second, as asyncio's
        own server does; what waits stays in the kernel's backlog."""
        loop = asyncio.get_running_loop()
        for _ in range(TCP_ACCEPTS_PER_TURN):
            try:
                connection, _ = self._tcp_socket.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return False
            except OSError as error:  # out of file descriptors, or memory
                logger.warning("syslog TCP: cannot accept (%s); trying again in 1 s", error)
                if not self._stopping.is_set():
                    fileno = self._tcp_socket.fileno()
                    loop.remove_reader(fileno)
                    loop.call_later(1.0, self._resume_accepting, fileno)
                return False
            connection.setblocking(False)
            task = loop.create_task(
                loop.connect_accepted_socket(lambda: TcpConnection(self), connection)
            )
            self._tcp_accepting.add(task)
            task.add_done_callback(self._accepted)
        return True

    def _resume_accepting(self, fileno: int) -> None:
        if not self._stopping.is_set():
            asyncio.get_running_loop().add_reader(fileno, self._accept_tcp)

    def _accepted(self, task: asyncio.Task[Any]) -> None:
        self._tcp_accepting.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("syslog TCP: a connection closed as it came: %s", task.exception())

    def _spool_waiting(self) -> bool:
        return self.spool.buffered or self.spool.pending_bytes > 0

    def _spool_leftovers(self, left: list[Outgoing]) -> None:
        """What JetStream has not acknowledged by now goes to the spool, in order, under the
        same message ids (the stream drops a copy it stored but did not ack in time).
        Records from the spool are there already: the cursor has not passed them."""
        seen: set[int] = set()
        kept = lost = 0
        for item in left:
            if item.spooled or id(item.received) in seen:
                continue
            seen.add(id(item.received))
            if self.spool.append(item.received):
                kept += 1
            else:
                lost += 1
        self.counters.spooled += kept
        self._flush_spool()
        if lost:
            self._dropped(lost)
        if kept or left:
            logger.warning(
                "NATS did not acknowledge %d syslog logs within SYSLOG_SHUTDOWN_TIMEOUT (%d s): "
                "%d TCP frames kept in the spool for the next start, %d records wait there",
                len(left),
                settings.SYSLOG_SHUTDOWN_TIMEOUT,
                kept,
                len([item for item in left if item.spooled]),
            )

    # --- UDP ------------------------------------------------------------------------------

    def take_udp(self, data: bytes, sender: str) -> None:
        self.counters.received_udp += 1
        if not data.strip(b" \t\r\n\x00"):
            self.counters.empty += 1
            return
        now = time.time()
        for frame in datagram_frames(data, self.max_frame):
            received = Received(frame.data, sender, "udp", now, frame.notes, frame.raw)
            if self.spool.append(received):
                self.counters.spooled += 1
                self._dropping = False
            else:
                self._dropped(1)
        if not self._flush_scheduled:
            # Datagrams that arrive in the same turn of the loop go in one write.
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush_spool)

    def _flush_spool(self) -> None:
        self._flush_scheduled = False
        lost = self.spool.flush()
        if lost:
            self.counters.spooled -= lost
            self._dropped(lost)
        self._spool_readable.set()

    def _dropped(self, count: int) -> None:
        self.counters.dropped += count
        if not self._dropping:
            self._dropping = True
            logger.error(
                "syslog spool %s is full (%d bytes, SYSLOG_SPOOL_MAX_BYTES %d) or cannot be "
                "written: UDP datagrams are being dropped until NATS takes the ones waiting",
                self.spool.directory,
                self.spool.disk_bytes,
                self.spool.max_bytes,
            )

    async def _read_spool(self) -> None:
        while True:
            records = self.spool.read(SPOOL_READ_BATCH)
            if not records:
                self._spool_readable.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1.0):  # not wait_for: see publisher.run
                        await self._spool_readable.wait()
                continue
            for handle, received in records:
                await self._publish(received, handle=handle)

    async def _sync_spool(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(SYNC_INTERVAL)
            work = self.spool.sync_work()
            if not any(work[:2]) and work[2] is None:
                continue
            try:
                await loop.run_in_executor(self._sync_executor, self.spool.sync, work)
            except OSError as error:
                logger.error("syslog spool %s: fsync failed: %s", self.spool.directory, error)

    # --- TCP ------------------------------------------------------------------------------

    def tcp_admit(self, connection: TcpConnection) -> bool:
        # At shutdown only the connections the kernel completed before it are accepted
        # (_shutdown); they are read as the others are.
        if len(self._connections) >= settings.SYSLOG_TCP_MAX_CONNECTIONS:
            self.counters.tcp_refused += 1
            now = time.monotonic()
            if now - self._refused_logged_at >= REFUSAL_LOG_INTERVAL:
                self._refused_logged_at = now
                logger.warning(
                    "syslog TCP connection from %s refused: SYSLOG_TCP_MAX_CONNECTIONS (%d) are "
                    "open (%d refused so far)",
                    connection.peer,
                    settings.SYSLOG_TCP_MAX_CONNECTIONS,
                    self.counters.tcp_refused,
                )
            return False
        self._connections.add(connection)
        return True

    def tcp_closed(self, connection: TcpConnection) -> None:
        self._connections.discard(connection)

    def tcp_framing_error(self, peer: str, reason: str) -> None:
        self.counters.tcp_framing_errors += 1
        logger.warning(
            "syslog TCP connection from %s closed: %s (what it sent is published as raw)",
            peer,
            reason,
        )

    async def take_tcp(self, frame: Frame, peer: str, received_at: float) -> None:
        self.counters.received_tcp += 1
        received = Received(
            frame.data,
            peer,
            "tcp",
            received_at,
            frame.notes,
            frame.raw,
            msg_id=f"{self._instance}-{next(self._tcp_ids)}",
        )
        await self._publish(received)

    # --- publishing -----------------------------------------------------------------------

    async def _publish(self, received: Received, *, handle: SpoolHandle | None = None) -> None:
        log, payloads = self._payloads(received)
        if log is None:
            self.counters.empty += 1
            if handle is not None:
                self.spool.acknowledge(handle)
            return
        if log.is_raw:
            self.counters.raw += 1
        acked = self._acknowledger(handle, len(payloads))
        ids = (
            [received.msg_id]
            if len(payloads) == 1
            else [f"{received.msg_id}.{number}" for number in range(1, len(payloads) + 1)]
        )
        await self.publisher.submit(
            [
                Outgoing(payload, msg_id, received, acked, spooled=handle is not None)
                for payload, msg_id in zip(payloads, ids, strict=True)
            ]
        )

    def _payloads(self, received: Received) -> tuple[SyslogLog | None, list[bytes]]:
        try:
            return received_payloads(received, limits=self.limits, time_zone=self.time_zone)
        except Exception:
            # The parser takes any bytes; should it ever fail, the line still goes, as raw.
            logger.exception(
                "syslog: could not parse a frame from %s; publishing it as a raw line",
                received.sender,
            )
            return received_payloads(
                received, limits=self.limits, time_zone=self.time_zone, raw=True
            )

    def _acknowledger(self, handle: SpoolHandle | None, parts: int) -> Callable[[], None] | None:
        if handle is None:
            return None
        remaining = [parts]

        def acked() -> None:
            remaining[0] -= 1
            if remaining[0] == 0:
                self.spool.acknowledge(handle)

        return acked

    def _published(self, ack: PubAck) -> None:
        self.counters.published += 1
        if ack.duplicate:
            self.counters.duplicates += 1

    # --- status ---------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {
            **asdict(self.counters),
            "spool_bytes": self.spool.pending_bytes,
            "pending": self.publisher.pending,
            "tcp_connections": len(self._connections),
        }

    @property
    def nats_connected(self) -> bool:
        client = self.publisher.client
        return client is not None and client.is_connected

    def _nats_problem(self) -> str:
        reconnecting = f"reconnecting to {nats_servers_display()}"
        return self.error or self.publisher.last_error or reconnecting

    async def _housekeeping(self) -> None:
        """Idle connections closed every second; counts logged and reported."""
        last_log = last_report = time.monotonic()
        heartbeat = min(HEARTBEAT_INTERVAL, settings.SYSLOG_STATUS_INTERVAL)
        while True:
            await asyncio.sleep(1.0)
            now = time.monotonic()
            for connection in list(self._connections):
                if connection.idle_for(now) > settings.SYSLOG_TCP_IDLE_TIMEOUT:
                    self.counters.tcp_idle_closed += 1
                    logger.info(
                        "syslog TCP connection from %s closed: nothing sent for %d s "
                        "(SYSLOG_TCP_IDLE_TIMEOUT)",
                        connection.peer,
                        settings.SYSLOG_TCP_IDLE_TIMEOUT,
                    )
                    connection.finish("idle")
            if now - last_log >= settings.SYSLOG_STATUS_INTERVAL:
                last_log = now
                self._log_counts()
            if now - last_report >= heartbeat:
                last_report = now
                await self._report()

    def _read_kernel_drops(self) -> None:
        if self._udp_socket is None or self._udp_socket.fileno() < 0:
            return
        drops = udp_socket_drops(self._udp_socket)
        if drops is not None and drops > self.counters.udp_kernel_drops:
            logger.error(
                "syslog: the kernel dropped %d UDP datagrams: the socket's receive buffer "
                "overflowed (raise net.core.rmem_max; docs/syslog.md)",
                drops - self.counters.udp_kernel_drops,
            )
            self.counters.udp_kernel_drops = drops

    def _log_counts(self) -> None:
        self._read_kernel_drops()
        counts = self.counts()
        logger.info(
            "syslog: received %d udp, %d tcp; published %d (%d raw, %d duplicates dropped by "
            "the stream); spooled %d, %d bytes waiting; dropped %d (and %d by the kernel); "
            "pending %d; %d TCP connections; NATS %s",
            counts["received_udp"],
            counts["received_tcp"],
            counts["published"],
            counts["raw"],
            counts["duplicates"],
            counts["spooled"],
            counts["spool_bytes"],
            counts["dropped"],
            counts["udp_kernel_drops"],
            counts["pending"],
            counts["tcp_connections"],
            "connected" if self.nats_connected else f"NOT connected ({self._nats_problem()})",
        )
        if counts["dropped"] > self._reported_dropped:
            logger.error(
                "syslog: %d UDP datagrams dropped since the last report: the spool is full",
                counts["dropped"] - self._reported_dropped,
            )
            self._reported_dropped = counts["dropped"]

    async def _report(self, *, stopped: bool = False) -> None:
        """The heartbeat row, written in a thread of its own: a database that is slow or
        down holds no sender, and is only logged."""
        report = ReceiverReport(
            name=self.name,
            listening=self.listening,
            started_at=self.started_at,
            counts=self.counts(),
            nats_connected=self.nats_connected,
            last_error=self.publisher.last_error if self.nats_connected else self._nats_problem(),
            stopped=stopped,
        )
        try:
            async with asyncio.timeout(10.0):
                await _in_daemon_thread(_report_and_close, report)
        except Exception as error:
            logger.warning("syslog: could not write the receiver's status row: %s", error)


async def _stream_ensure(client: Client) -> None:
    """Before any consume_logs has started there is no stream: make it as it would. Should
    this fail, the publisher makes it when a publish finds no stream."""
    try:
        try:
            await client.jetstream().stream_info(settings.NATS_STREAM)
        except NotFoundError:
            await ensure_stream_and_consumer(client)
    except Exception as error:
        logger.warning("could not look up or create stream %s yet: %s", settings.NATS_STREAM, error)


def _report_and_close(report: ReceiverReport) -> None:
    try:
        syslog_receiver_report(report)
    finally:
        connections.close_all()


async def _in_daemon_thread(function: Callable[..., Any], *args: Any) -> Any:
    """function(*args) in a daemon thread: the process may exit while it still waits."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)

    def target() -> None:
        try:
            outcome = (function(*args), None)
        except BaseException as error:  # handed to the awaiting task
            outcome = (None, error)
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=target, name="syslog-report", daemon=True).start()
    return await future
