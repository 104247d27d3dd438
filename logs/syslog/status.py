"""What receive_syslog tells the operator beyond its own log: a heartbeat row per receiver
(logs.models.SyslogReceiver), read by `manage.py status` (section "syslog") and /metrics
(gogent_syslog_*), so every web process reports the same numbers whatever host receives.

A receiver writes its row every HEARTBEAT_INTERVAL seconds and once more when it stops on a
signal. One not seen for DOWN_AFTER seconds that did not say it stopped is down (crashed,
killed, or its host is); one not seen for FORGET_AFTER is left out, so a receiver that was
moved elsewhere stops being reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from gogent.status import Level, Problem, StatusSection, ago, moment_json, plural
from logs.models import SyslogReceiver

HEARTBEAT_INTERVAL = 15.0
DOWN_AFTER = timedelta(seconds=4 * HEARTBEAT_INTERVAL)
FORGET_AFTER = timedelta(days=7)
COUNTERS = (
    "received_udp", "received_tcp", "published", "raw", "spooled", "dropped",
    "udp_kernel_drops", "tcp_refused", "tcp_framing_errors",
)  # fmt: skip
GAUGES = ("spool_bytes", "pending", "tcp_connections")


@dataclass(frozen=True, slots=True)
class ReceiverReport:
    """One beat of a receiver: its counts since it started, and how it is."""

    name: str
    listening: str
    started_at: datetime
    counts: dict[str, int]
    nats_connected: bool
    last_error: str
    stopped: bool = False


def syslog_receiver_report(report: ReceiverReport) -> None:
    """Write the receiver's row (its heartbeat); the first beat of a start resets it."""
    now = timezone.now()
    SyslogReceiver.objects.update_or_create(
        name=report.name,
        defaults={
            "listening": report.listening[:255],
            "started_at": report.started_at,
            "seen_at": now,
            "stopped_at": now if report.stopped else None,
            "nats_connected": report.nats_connected,
            "last_error": report.last_error,
            **{field: report.counts.get(field, 0) for field in (*COUNTERS, *GAUGES)},
        },
    )


def syslog_receivers() -> list[SyslogReceiver]:
    """Receivers seen within FORGET_AFTER, by name."""
    return list(
        SyslogReceiver.objects.filter(seen_at__gte=timezone.now() - FORGET_AFTER).order_by("name")
    )


def receiver_is_up(receiver: SyslogReceiver, now: datetime) -> bool:
    return receiver.stopped_at is None and now - receiver.seen_at <= DOWN_AFTER


def syslog_status() -> StatusSection:
    now = timezone.now()
    receivers = syslog_receivers()
    lines: list[tuple[str, str]] = []
    problems: list[Problem] = []
    data: dict[str, dict] = {}
    if not receivers:
        lines.append(("receivers", "none has reported (receive_syslog is not running anywhere)"))
    for receiver in receivers:
        up = receiver_is_up(receiver, now)
        if receiver.stopped_at is not None:
            state = f"stopped {ago(receiver.stopped_at, now)}"
        elif up:
            state = f"up since {ago(receiver.started_at, now)}"
        else:
            state = f"DOWN: not seen since {ago(receiver.seen_at, now)}"
            problems.append(
                Problem(
                    Level.DOWN,
                    f"syslog receiver {receiver.name} has not reported since "
                    f"{ago(receiver.seen_at, now)} and did not say it stopped (is "
                    "receive_syslog running? its log says why it stopped)",
                )
            )
        lines.append(("receiver", f"{receiver.name}: {state}; {receiver.listening}"))
        lines.append(
            (
                "counts",
                f"received {receiver.received_udp} udp, {receiver.received_tcp} tcp; published "
                f"{receiver.published} ({receiver.raw} raw); spooled {receiver.spooled}, "
                f"{receiver.spool_bytes} bytes waiting; dropped {receiver.dropped} "
                f"(and {receiver.udp_kernel_drops} by the kernel); "
                f"{plural(receiver.tcp_connections, 'TCP connection')}",
            )
        )
        if up and receiver.dropped:
            problems.append(
                Problem(
                    Level.WARNING,
                    f"syslog receiver {receiver.name} dropped "
                    f"{plural(receiver.dropped, 'UDP datagram')} since it started: its spool "
                    "was full (SYSLOG_SPOOL_MAX_BYTES) while NATS did not take logs",
                )
            )
        if up and receiver.udp_kernel_drops:
            problems.append(
                Problem(
                    Level.WARNING,
                    f"the kernel dropped {plural(receiver.udp_kernel_drops, 'UDP datagram')} "
                    f"for syslog receiver {receiver.name}: its socket buffer overflowed "
                    "(raise net.core.rmem_max; docs/syslog.md)",
                )
            )
        if up and not receiver.nats_connected:
            problems.append(
                Problem(
                    Level.WARNING,
                    f"syslog receiver {receiver.name} is not connected to NATS "
                    f"({receiver.last_error or 'connecting'}); {receiver.spool_bytes} bytes wait "
                    "in its spool and TCP senders are held",
                )
            )
        elif up and receiver.last_error:
            lines.append(("last error", receiver.last_error))
        data[receiver.name] = {
            "up": up,
            "listening": receiver.listening,
            "started_at": moment_json(receiver.started_at),
            "seen_at": moment_json(receiver.seen_at),
            "stopped_at": moment_json(receiver.stopped_at),
            "nats_connected": receiver.nats_connected,
            "last_error": receiver.last_error,
            **{field: getattr(receiver, field) for field in (*COUNTERS, *GAUGES)},
        }
    return StatusSection(title="Syslog", lines=lines, data={"receivers": data}, problems=problems)


def syslog_metrics() -> Iterable[Metric]:
    """gogent_syslog_*: one series per receiver seen within FORGET_AFTER."""
    now = timezone.now()
    receivers = syslog_receivers()
    up = GaugeMetricFamily(
        "gogent_syslog_up",
        "1 if the syslog receiver reported within the last minute and has not stopped.",
        labels=["receiver"],
    )
    received = CounterMetricFamily(
        "gogent_syslog_received",
        "Syslog frames received since the receiver started, by transport.",
        labels=["receiver", "transport"],
    )
    counters = {
        field: CounterMetricFamily(f"gogent_syslog_{field}", text, labels=["receiver"])
        for field, text in (
            ("published", "Logs JetStream acknowledged, since the receiver started."),
            ("raw", "Lines published as raw (neither RFC 5424 nor RFC 3164)."),
            ("spooled", "Frames written to the on-disk spool (every UDP datagram)."),
            ("dropped", "UDP datagrams lost because the spool was full."),
            (
                "udp_kernel_drops",
                "UDP datagrams the kernel dropped: the socket's receive buffer overflowed.",
            ),
            ("tcp_refused", "TCP connections refused at SYSLOG_TCP_MAX_CONNECTIONS."),
            ("tcp_framing_errors", "TCP connections closed for a bad octet count."),
        )
    }
    gauges = {
        field: GaugeMetricFamily(f"gogent_syslog_{field}", text, labels=["receiver"])
        for field, text in (
            ("spool_bytes", "Bytes in the spool not yet acknowledged by JetStream."),
            ("pending", "Logs queued or in flight, not yet acknowledged by JetStream."),
            ("tcp_connections", "Open TCP connections."),
        )
    }
    for receiver in receivers:
        name = [receiver.name]
        up.add_metric(name, 1 if receiver_is_up(receiver, now) else 0)
        received.add_metric([receiver.name, "udp"], receiver.received_udp)
        received.add_metric([receiver.name, "tcp"], receiver.received_tcp)
        for field, family in (*counters.items(), *gauges.items()):
            family.add_metric(name, getattr(receiver, field))
    return [up, received, *counters.values(), *gauges.values()]
