"""What `manage.py status` (gogent.status) says about ingest: the JetStream backlog, the
rate, the last log stored, quarantine, and whether ingest has stalled."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from gogent.monitoring import consumer_lag
from gogent.status import Level, Problem, StatusSection, ago, duration, moment_json, plural
from logs.metrics import ingest_rate
from logs.models import LogEntry, RejectedMessage
from logs.operations import ingest_health

RESET_RECENT = timedelta(hours=24)


def ingest_status() -> StatusSection:
    """Down when the backlog cannot be read, or when messages wait in JetStream and nothing
    was stored for STATUS_INGEST_STALLED_AFTER; a warning for a stream reset within a day."""
    now = timezone.now()
    lag = consumer_lag()
    health = ingest_health(epochs=1)
    # The consumer stamps received_at when it takes a batch: the newest is its last store.
    last_log = LogEntry.objects.order_by("-pk").values_list("received_at", flat=True).first()
    last_rejected = RejectedMessage.objects.order_by("-received_at", "-pk").first()
    last_stored = max(
        (m for m in (last_log, last_rejected and last_rejected.received_at) if m), default=None
    )
    quarantined = {
        "last_hour": RejectedMessage.objects.filter(
            received_at__gte=now - timedelta(hours=1)
        ).count(),
        "kept": RejectedMessage.objects.count(),
    }
    rates = {"last_minute": ingest_rate(minutes=1), "last_15_minutes": ingest_rate(minutes=15)}

    problems = []
    if not lag.ok:
        backlog = f"UNREADABLE: {lag.error}"
        problems.append(Problem(Level.DOWN, f"the JetStream backlog cannot be read: {lag.error}"))
    else:
        backlog = (
            f"{lag.pending} waiting, {lag.ack_pending} being stored, {lag.redelivered} "
            f"redelivered; {plural(lag.waiting_pulls, 'pull request')} open"
        )
        waiting = lag.pending + lag.ack_pending
        stalled_after = timedelta(seconds=settings.STATUS_INGEST_STALLED_AFTER)
        if waiting and (last_stored is None or now - last_stored > stalled_after):
            since = (
                "nothing was ever stored"
                if last_stored is None
                else f"nothing was stored for {duration(now - last_stored)}"
            )
            problems.append(
                Problem(
                    Level.DOWN,
                    f"ingest stalled: {plural(waiting, 'message')} waiting in JetStream and "
                    f"{since} "
                    "(is consume_logs running? its log says why it stopped)",
                )
            )
    epoch = health.epochs[0] if health.epochs else None
    if epoch is not None and epoch.is_reset and now - epoch.detected_at < RESET_RECENT:
        problems.append(
            Problem(
                Level.WARNING,
                f"the stream was created anew {duration(now - epoch.detected_at)} ago (epoch "
                f"{epoch.number}): logs the old stream held that Gogent had not stored are gone",
            )
        )

    lines = [
        ("backlog", backlog),
        ("rate", f"{rates['last_minute']:.1f}/s last minute, {rates['last_15_minutes']:.1f}/s "
                 "last 15 minutes"),
        ("last stored", ago(last_stored, now)),
        ("quarantined", f"{quarantined['last_hour']} in the last hour, {quarantined['kept']} kept"),
    ]  # fmt: skip
    if last_rejected is not None:
        lines.append(
            (
                "last quarantined",
                f"{last_rejected.get_reason_display()}, {ago(last_rejected.received_at, now)}: "
                f"{last_rejected.detail}",
            )
        )
    if epoch is not None:
        lines.append(
            ("stream", f"{settings.NATS_STREAM} epoch {epoch.number}, {health.resets} resets")
        )
    for event in health.events:
        lines.append(
            (event.kind, f"{event.count}, last {ago(event.last_at, now)}: {event.last_detail}")
        )

    return StatusSection(
        title="Ingest",
        lines=lines,
        data={
            "backlog": asdict(lag),
            "rate_per_second": rates,
            "last_stored_at": moment_json(last_stored),
            "quarantined": {
                **quarantined,
                "last": None
                if last_rejected is None
                else {
                    "reason": last_rejected.reason,
                    "detail": last_rejected.detail,
                    "at": moment_json(last_rejected.received_at),
                },
            },
            "stream": {
                "name": settings.NATS_STREAM,
                "epoch": epoch.number if epoch else None,
                "resets": health.resets,
            },
            "events": {
                event.kind: {"count": event.count, "last_at": moment_json(event.last_at)}
                for event in health.events
            },
        },
        problems=problems,
    )
