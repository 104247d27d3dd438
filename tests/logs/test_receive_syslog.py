"""`manage.py receive_syslog` as it runs: the spool on disk, its status row, and the process
against a real nats-server with real senders (util-linux `logger`, Python sockets for what
`logger` will not send), NATS taken away and given back, and SIGTERM.

What reaches JetStream is read back from the stream itself (or stored by a real
consume_logs), so a test sees exactly what the receiver published, in order.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import nats
import orjson
import pytest
from django.conf import settings
from django.utils import timezone
from nats.js.errors import NotFoundError

from logs.models import LogEntry, Severity, SyslogReceiver
from logs.syslog.spool import HEADER, Received, Spool, SpoolError
from logs.syslog.status import syslog_metrics, syslog_status
from tests.helpers.nats import NatsServer
from tests.helpers.processes import ManagePy, free_port
from tests.helpers.wait import run_async, wait_for


def received(number: int, size: int = 10) -> Received:
    return Received(f"<13>line {number} ".encode().ljust(size, b"x"), "10.0.0.1", "udp", 1.5)


# --- the spool ------------------------------------------------------------------------------


def test_the_spool_gives_records_back_in_order_across_segments(tmp_path):
    spool = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    spool.open()
    for number in range(400):
        assert spool.append(received(number, size=500))
    spool.flush()

    records = spool.read(1000)

    assert [record.frame.split()[1] for _, record in records] == [
        str(number).encode() for number in range(400)
    ]
    assert len(list((tmp_path / "spool").glob("*.seg"))) > 1  # 64 KiB segments
    assert records[0][1].sender == "10.0.0.1" and records[0][1].received_at == 1.5
    spool.close()


def test_acknowledged_segments_are_deleted_and_a_reopened_spool_resumes_at_the_cursor(tmp_path):
    spool = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    spool.open()
    for number in range(400):
        spool.append(received(number, size=500))
    spool.flush()
    segments_before = len(list((tmp_path / "spool").glob("*.seg")))
    records = spool.read(1000)
    for handle, _ in records[:300]:
        spool.acknowledge(handle)
    ids = {record.frame.split()[1]: record.msg_id for _, record in records}
    spool.close()

    reopened = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    reopened.open()
    again = reopened.read(1000)

    assert [record.frame.split()[1] for _, record in again] == [
        str(number).encode() for number in range(300, 400)
    ]
    # The same message ids: JetStream drops copies of what it stored before the restart.
    assert all(record.msg_id == ids[record.frame.split()[1]] for _, record in again)
    assert len(list((tmp_path / "spool").glob("*.seg"))) < segments_before
    assert 100 * 500 < reopened.pending_bytes <= 100 * 600
    reopened.close()


def test_a_record_torn_by_a_crash_is_cut_off_and_the_rest_kept(tmp_path):
    spool = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    spool.open()
    for number in range(3):
        spool.append(received(number))
    spool.flush()
    spool.close()
    (segment,) = (tmp_path / "spool").glob("*.seg")
    with open(segment, "ab") as torn:
        torn.write(HEADER.pack(b"GSL1", 100, 0) + b"half a rec")

    reopened = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    reopened.open()
    reopened.append(received(3))
    reopened.flush()

    assert [record.frame.split()[1] for _, record in reopened.read(10)] == [b"0", b"1", b"2", b"3"]
    reopened.close()


def test_a_full_spool_refuses_records_until_acknowledgements_make_room(tmp_path):
    spool = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    spool.open()
    kept = 0
    while spool.append(received(kept, size=4000)):
        kept += 1
        spool.flush()

    assert 200 < kept < 270  # 1 MiB of 4 KiB records
    assert not spool.append(received(kept, size=4000))
    for handle, _ in spool.read(kept):
        spool.acknowledge(handle)
    spool.append(received(kept + 1, size=4000))  # a write to a new segment deletes the old
    spool.flush()
    assert spool.append(received(kept + 2, size=4000))
    spool.close()


def test_one_spool_directory_serves_one_receiver(tmp_path):
    first = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    first.open()

    with pytest.raises(SpoolError, match="in use by another receive_syslog"):
        Spool(tmp_path / "spool", max_bytes=1024 * 1024).open()
    first.close()


def test_a_damaged_record_in_the_middle_is_skipped_and_counted(tmp_path):
    spool = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    spool.open()
    for number in range(200):
        spool.append(received(number, size=500))
        spool.flush()
    spool.close()
    first = sorted((tmp_path / "spool").glob("*.seg"))[0]
    data = bytearray(first.read_bytes())
    data[HEADER.size + 30] ^= 0xFF  # inside the first record's body
    first.write_bytes(bytes(data))

    reopened = Spool(tmp_path / "spool", max_bytes=1024 * 1024)
    reopened.open()
    numbers = [int(record.frame.split()[1]) for _, record in reopened.read(1000)]

    assert reopened.corrupt_records == 1
    assert numbers == list(range(numbers[0], 200))  # the first segment skipped, the rest kept
    assert numbers[0] > 0
    reopened.close()


# --- status and metrics ---------------------------------------------------------------------


def receiver_row(**fields) -> SyslogReceiver:
    now = timezone.now()
    defaults = {
        "name": "plant-gw 0.0.0.0:5514",
        "listening": "udp 0.0.0.0:5514, tcp 0.0.0.0:5514",
        "started_at": now - timedelta(hours=1),
        "seen_at": now,
        "nats_connected": True,
    }
    return SyslogReceiver.objects.create(**{**defaults, **fields})


def test_a_receiver_that_stopped_reporting_without_saying_so_is_down(db):
    receiver_row(seen_at=timezone.now() - timedelta(minutes=5))
    receiver_row(name="other 127.0.0.1:5514", stopped_at=timezone.now())

    section = syslog_status()

    (problem,) = section.problems
    assert problem.level.label == "down"
    assert problem.message.startswith("syslog receiver plant-gw 0.0.0.0:5514 has not reported")
    assert section.data["receivers"]["other 127.0.0.1:5514"]["up"] is False


def test_drops_and_a_lost_nats_connection_are_warnings_with_the_counts(db):
    receiver_row(dropped=12, udp_kernel_drops=3, nats_connected=False, spool_bytes=4096,
                 last_error="publish failed: nats: connection closed")  # fmt: skip

    section = syslog_status()

    messages = [problem.message for problem in section.problems]
    assert {problem.level.label for problem in section.problems} == {"warning"}
    assert any("dropped 12 UDP datagrams" in message for message in messages)
    assert any("the kernel dropped 3 UDP datagrams" in message for message in messages)
    assert any("4096 bytes wait in its spool" in message for message in messages)


def test_metrics_have_one_series_per_receiver(db):
    receiver_row(received_udp=7, received_tcp=5, published=12, spool_bytes=100)

    families = {family.name: family for family in syslog_metrics()}

    def value(name: str, **labels: str) -> float:
        (sample,) = [s for s in families[name].samples if s.labels.items() >= labels.items()]
        return sample.value

    assert value("gogent_syslog_up") == 1
    assert value("gogent_syslog_received", transport="udp") == 7
    assert value("gogent_syslog_received", transport="tcp") == 5
    assert value("gogent_syslog_published") == 12
    assert value("gogent_syslog_spool_bytes") == 100


# --- the process ------------------------------------------------------------------------------


def require_logger() -> str:
    tool = shutil.which("logger")
    if tool is None:
        message = "util-linux logger not found (apt-get install bsdutils)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true it must run")
        pytest.skip(message)  # outside CI only
    return tool


@dataclass
class Receiver:
    process: ManagePy
    port: int

    @property
    def output(self) -> str:
        return self.process.output

    def udp(self, lines: list[bytes], *, pace: int = 50) -> None:
        """Datagrams, a pause every `pace` of them: the test's sender must not outrun the
        kernel's socket buffer, which would drop them before the receiver sees them."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for number, line in enumerate(lines, 1):
                sock.sendto(line, ("127.0.0.1", self.port))
                if number % pace == 0:
                    time.sleep(0.01)

    def tcp(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def logger(self, *args: str) -> None:
        subprocess.run(
            [require_logger(), "--server", "127.0.0.1", "--port", str(self.port), *args],
            check=True,
            timeout=30,
        )

    def stop(self) -> int:
        self.process.send(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def counts(self) -> dict[str, int]:
        """The numbers of its last "syslog: received ..." line (logged every second)."""
        found = re.findall(
            r"syslog: received (\d+) udp, (\d+) tcp; published (\d+) .*; dropped (\d+) ",
            self.output,
        )
        if not found:
            return {"udp": 0, "tcp": 0, "published": 0, "dropped": 0}
        return dict(zip(["udp", "tcp", "published", "dropped"], map(int, found[-1]), strict=True))


@pytest.fixture
def start_receiver(gogent_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Receiver]]:
    started: list[ManagePy] = []

    def start(port: int | None = None, **env: str) -> Receiver:
        port = port or free_port()
        process = ManagePy(
            ["receive_syslog"],
            {
                **gogent_env,
                "SYSLOG_BIND": f"127.0.0.1:{port}",
                "SYSLOG_STATUS_INTERVAL": "1",
                **env,
            },
            tmp_path / f"receive_syslog-{len(started)}.log",
        ).start()
        started.append(process)

        def listening() -> bool:
            if process.process.poll() is not None:
                raise AssertionError(f"receive_syslog exited:\n{process.output[-3000:]}")
            return "listening for syslog on" in process.output

        wait_for(listening, timeout=60, what="receive_syslog to listen")
        return Receiver(process, port)

    yield start
    for process in started:
        process.stop()


def stream_count(url: str) -> int:
    async def count() -> int:
        client = await nats.connect(url)
        try:
            return (await client.jetstream().stream_info(settings.NATS_STREAM)).state.messages
        except NotFoundError:
            return 0
        finally:
            await client.close()

    return run_async(count())


def stream_logs(url: str) -> list[dict]:
    async def read() -> list[dict]:
        client = await nats.connect(url)
        try:
            js = client.jetstream()
            state = (await js.stream_info(settings.NATS_STREAM)).state
            return [
                orjson.loads((await js.get_msg(settings.NATS_STREAM, seq)).data)
                for seq in range(state.first_seq, state.last_seq + 1)
            ]
        finally:
            await client.close()

    return run_async(read())


def wait_for_logs(server: NatsServer, count: int, timeout: float = 60) -> list[dict]:
    wait_for(lambda: stream_count(server.url) >= count, timeout=timeout, what=f"{count} logs")
    logs = stream_logs(server.url)
    assert len(logs) == count, [log["message"][:40] for log in logs]
    return logs


def numbers(logs: list[dict], prefix: str) -> list[int]:
    """The numbers of the test's lines "<prefix>-<n> ..." in stream order."""
    return [
        int(log["message"].split()[0].removeprefix(f"{prefix}-"))
        for log in logs
        if log["message"].startswith(f"{prefix}-")
    ]


@pytest.mark.slow
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_logger_over_tcp_and_udp_is_stored_by_the_consumer_field_for_field(
    nats_server, start_consumer, start_receiver
):
    receiver = start_receiver()
    start_consumer()

    receiver.logger("--tcp", "--rfc5424", "--sd-id", "plant@32473", "--sd-param", 'line="3"',
                    "--sd-param", 'cell="7"', "--msgid", "CYCLE", "-t", "press", "-p",
                    "local0.err", "Cycle time exceeded on press 3")  # fmt: skip
    receiver.logger("--tcp", "--octet-count", "-t", "conveyor", "-p", "daemon.warning",
                    "Belt speed low")  # fmt: skip
    receiver.logger("--udp", "--rfc3164", "-t", "su", "-p", "auth.crit", "'su root' failed")
    receiver.logger("--udp", "--rfc5424", "-t", "plc", "-p", "local7.debug", "cycle 1")
    wait_for(lambda: LogEntry.objects.count() == 4, timeout=60, what="4 stored logs")

    logs = {log.service: log for log in LogEntry.objects.all()}
    hostname = socket.gethostname()
    press = logs["press"]
    assert (press.hostname, press.severity) == (hostname, Severity.ERROR)
    assert press.message == "Cycle time exceeded on press 3"
    assert press.context["syslog"]["sd"]["plant@32473"] == {"line": "3", "cell": "7"}
    assert press.context["syslog"]["msgid"] == "CYCLE"
    assert press.context["syslog"]["facility"] == "local0"
    assert press.context["syslog"]["transport"] == "tcp"
    assert abs(press.timestamp - timezone.now()) < timedelta(minutes=1)
    assert (logs["conveyor"].severity, logs["conveyor"].message) == (
        Severity.WARNING,
        "Belt speed low",
    )
    su = logs["su"]
    assert (su.hostname, su.severity, su.message) == (
        hostname,
        Severity.CRITICAL,
        "'su root' failed",
    )
    assert su.context["syslog"]["format"] == "rfc3164"
    assert su.context["syslog"]["transport"] == "udp"
    assert logs["plc"].severity == Severity.DEBUG
    assert receiver.stop() == 0


def octet_counted(message: bytes) -> bytes:
    return b"%d %s" % (len(message), message)


@pytest.mark.slow
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_hostile_tcp_senders_lose_nothing_and_stop_nobody(nats_server, start_receiver):
    receiver = start_receiver(SYSLOG_TCP_MAX_CONNECTIONS="4", SYSLOG_TCP_IDLE_TIMEOUT="2",
                              SYSLOG_MAX_FRAME_BYTES="4096")  # fmt: skip
    # A sender that never finishes its line holds a connection open...
    slow = receiver.tcp()
    slow.sendall(b"<13>1 - slow - - - - slowloris never ends its")
    # ...while one with an absurd octet count is cut off once what it sent is published,
    absurd = receiver.tcp()
    absurd.sendall(b"5000 <13>1 - absurd - - - - the rest of what was read")
    assert absurd.recv(100) == b""
    # one with no count at all likewise,
    no_number = receiver.tcp()
    no_number.sendall(b"12ab <13>garbage count")
    assert no_number.recv(100) == b""
    # and one over the connection cap is turned away at once: at the cap, not before it.
    others = [receiver.tcp() for _ in range(3)]
    refused = receiver.tcp()
    assert refused.recv(100) == b""
    # The others are served meanwhile: a line over the max frame, and normal ones.
    long_line = b"<13>1 - long - - - - " + b"L" * 10_000
    others[0].sendall(long_line + b"\n")
    others[1].sendall(
        b"<14>1 - normal - - - - tcp-1 lf\n" + octet_counted(b"<14>1 - normal - - - - tcp-2 oc")
    )
    receiver.udp([b"<14>1 - normal - - - - udp-1 fine"])

    # 1 + 1 raw lines, 3 pieces of the long line, 3 normal lines, and the slow sender's half
    # line once SYSLOG_TCP_IDLE_TIMEOUT has passed.
    logs = wait_for_logs(nats_server, 9, timeout=30)

    messages = {log["message"]: log for log in logs}
    absurd_log = messages["5000 <13>1 - absurd - - - - the rest of what was read"]
    assert absurd_log["context"]["syslog_raw"] is True
    assert absurd_log["hostname"] == "127.0.0.1"
    assert absurd_log["severity"] == "notice"
    assert messages["12ab <13>garbage count"]["context"]["syslog_raw"] is True
    assert {"tcp-1 lf", "tcp-2 oc", "udp-1 fine"} <= set(messages)
    slow_log = messages["slowloris never ends its"]
    assert slow_log["context"]["syslog"]["unterminated"] == "idle"
    pieces = [log for log in logs if "LLL" in log["message"]]
    assert len(pieces) == 3
    assert pieces[0]["hostname"] == "long"  # the first piece is parsed, the rest are raw
    assert pieces[0]["message"] == long_line.decode()[len("<13>1 - long - - - - ") : 4096]
    assert "".join(log["message"] for log in pieces[1:]) == long_line.decode()[4096:]
    assert "octet count 5000 is over SYSLOG_MAX_FRAME_BYTES" in receiver.output
    assert "refused: SYSLOG_TCP_MAX_CONNECTIONS (4)" in receiver.output
    assert "nothing sent for 2 s" in receiver.output
    for sock in [slow, absurd, no_number, refused, *others]:
        sock.close()
    assert receiver.process.process.poll() is None
    assert receiver.stop() == 0


@pytest.mark.slow
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_nats_down_spools_udp_holds_tcp_then_delivers_all_in_order(nats_server, start_receiver):
    receiver = start_receiver(SYSLOG_MAX_PENDING="20")
    receiver.udp([b"<14>1 - h app - - - warm-up"])
    wait_for_logs(nats_server, 1)
    nats_server.stop()
    wait_for(lambda: "does not take syslog" in receiver.output or "disconnected" in receiver.output,
             timeout=30, what="the receiver to notice")  # fmt: skip

    receiver.udp([f"<14>1 - h app - - - udp-{n} datagram".encode() for n in range(1, 301)])
    # TCP: write until the socket will take no more; the receiver must stop reading.
    line = b"<14>1 - h app - - - tcp-%d " + b"p" * 4000 + b"\n"
    sender = receiver.tcp()
    sender.setblocking(False)
    sent = 0
    pending = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sent < 20_000:
        pending = pending or line % (sent + 1)
        try:
            written = sender.send(pending)
        except BlockingIOError:
            time.sleep(0.5)
            try:
                written = sender.send(pending)
            except BlockingIOError:
                break  # held: the receiver reads no more while NATS is away
        pending = pending[written:]
        if not pending:
            sent += 1
    assert sent < 20_000, "TCP was never held back"
    while pending:  # the line begun goes out whole once the receiver reads again
        try:
            pending = pending[sender.send(pending) :]
        except BlockingIOError:
            break
    wait_for(lambda: receiver.counts()["udp"] == 301, what="every datagram received")
    held = receiver.counts()["tcp"]
    assert held < sent
    spool = Path(receiver.process.env["GOGENT_DATA_DIR"]) / "syslog-spool"
    assert sum(path.stat().st_size for path in spool.glob("*.seg")) > 300 * 30

    nats_server.start()
    sender.setblocking(True)
    if pending:
        sender.sendall(pending)
        sent += 1
    logs = wait_for_logs(nats_server, 1 + 300 + sent, timeout=120)

    assert numbers(logs, "udp") == list(range(1, 301))
    assert numbers(logs, "tcp") == list(range(1, sent + 1))
    sender.close()
    assert receiver.stop() == 0


@pytest.mark.slow
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_sigterm_publishes_everything_received_then_exits_0(nats_server, start_receiver):
    receiver = start_receiver()
    receiver.udp([f"<14>1 - h app - - - udp-{n} x".encode() for n in range(1, 501)])
    with receiver.tcp() as sender:
        sender.sendall(b"".join(b"<14>1 - h app - - - tcp-%d x\n" % n for n in range(1, 501)))

        assert receiver.stop() == 0

    logs = wait_for_logs(nats_server, 1000, timeout=30)
    assert numbers(logs, "udp") == list(range(1, 501))
    assert numbers(logs, "tcp") == list(range(1, 501))
    row = SyslogReceiver.objects.get()
    assert row.stopped_at is not None
    assert (row.received_udp, row.received_tcp, row.published) == (500, 500, 1000)


@pytest.mark.slow
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_sigterm_takes_connections_the_kernel_completed_before_it(nats_server, start_receiver):
    # The receiver is frozen while senders connect and send: the kernel completes their
    # connections and takes their bytes, so they count them as delivered. The stop comes
    # before the receiver has accepted them; they are read and published all the same.
    receiver = start_receiver()
    receiver.udp([b"<14>1 - h app - - - warm-up"])
    wait_for_logs(nats_server, 1)
    receiver.process.send(signal.SIGSTOP)
    senders = [receiver.tcp() for _ in range(3)]
    try:
        for index, sender in enumerate(senders):
            sender.sendall(
                b"".join(
                    b"<14>1 - h app - - - tcp-%d x\n" % (index * 100 + n) for n in range(1, 101)
                )
            )
        receiver.process.send(signal.SIGTERM)
        receiver.process.send(signal.SIGCONT)
        assert receiver.process.wait(timeout=60) == 0
    finally:
        for sender in senders:
            sender.close()

    logs = wait_for_logs(nats_server, 301, timeout=30)
    assert sorted(numbers(logs, "tcp")) == list(range(1, 301))


@pytest.mark.slow
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_sigterm_with_nats_down_keeps_tcp_in_the_spool_for_the_next_start(
    nats_server, start_receiver
):
    receiver = start_receiver(SYSLOG_SHUTDOWN_TIMEOUT="1")
    receiver.udp([b"<14>1 - h app - - - warm-up"])
    wait_for_logs(nats_server, 1)
    nats_server.stop()
    with receiver.tcp() as sender:
        sender.sendall(b"".join(b"<14>1 - h app - - - tcp-%d x\n" % n for n in range(1, 101)))
        receiver.udp([f"<14>1 - h app - - - udp-{n} x".encode() for n in range(1, 101)])
        wait_for(lambda: receiver.counts()["tcp"] == 100 and receiver.counts()["udp"] == 101,
                 what="everything received")  # fmt: skip

        assert receiver.stop() == 0
    assert "100 TCP frames kept in the spool" in receiver.output

    nats_server.start()
    again = start_receiver(port=receiver.port)
    logs = wait_for_logs(nats_server, 201, timeout=60)
    assert numbers(logs, "tcp") == list(range(1, 101))
    assert numbers(logs, "udp") == list(range(1, 101))
    assert again.stop() == 0


@pytest.mark.slow
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_kill_9_loses_no_spooled_datagram_and_a_full_spool_counts_what_it_drops(
    nats_server, start_receiver
):
    receiver = start_receiver(SYSLOG_SPOOL_MAX_BYTES=str(1024 * 1024))
    receiver.udp([b"<14>1 - h app - - - warm-up"])
    wait_for_logs(nats_server, 1)
    nats_server.stop()
    big = b"p" * 60_000
    receiver.udp([b"<14>1 - h app - - - udp-%d " % n + big for n in range(1, 31)], pace=1)
    wait_for(lambda: receiver.counts()["udp"] == 31, what="every datagram received")
    dropped = receiver.counts()["dropped"]
    assert 10 <= dropped <= 16  # 1 MiB holds 16 of them
    assert "is full" in receiver.output
    receiver.process.send(signal.SIGKILL)
    receiver.process.wait()

    nats_server.start()
    again = start_receiver(port=receiver.port)
    logs = wait_for_logs(nats_server, 1 + 30 - dropped, timeout=60)

    assert numbers(logs, "udp") == list(range(1, 31 - dropped))
    assert again.stop() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_second_receiver_on_the_same_port_or_spool_exits_saying_why(
    nats_server, start_receiver, gogent_env, tmp_path
):
    first = start_receiver()

    def second(**env: str) -> tuple[int, str]:
        done = subprocess.run(
            ManagePy(["receive_syslog"], {}, tmp_path / "unused.log").argv,
            env={**gogent_env, "SYSLOG_BIND": f"127.0.0.1:{first.port}", **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.returncode, done.stderr

    code, stderr = second()
    assert code == 1
    assert "is in use by another receive_syslog: give each receiver its own spool" in stderr

    code, stderr = second(SYSLOG_SPOOL_DIR=str(tmp_path / "other-spool"))
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{first.port} (SYSLOG_BIND): Address already in use" in (
        stderr
    )
    # The one that runs is still reported up.
    assert SyslogReceiver.objects.get().stopped_at is None
    assert first.stop() == 0
    assert SyslogReceiver.objects.get().stopped_at is not None


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("SYSLOG_BIND", "5514", "SYSLOG_BIND must be host:port"),
        ("SYSLOG_TIME_ZONE", "Mars/Olympus_Mons", "SYSLOG_TIME_ZONE must be an IANA time zone"),
        ("SYSLOG_MAX_FRAME_BYTES", "100", "SYSLOG_MAX_FRAME_BYTES must be between 480 and"),
        ("SYSLOG_SPOOL_MAX_BYTES", "1000", "SYSLOG_SPOOL_MAX_BYTES must be at least 1048576"),
    ],
)
def test_a_bad_syslog_setting_stops_the_start_with_its_name(tmp_path, variable, value, says):
    env = {key: val for key, val in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(GOGENT_DATA_DIR=str(tmp_path), **{variable: value})

    done = subprocess.run(
        ManagePy(["receive_syslog"], env, tmp_path / "unused.log").argv,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert says in done.stderr
