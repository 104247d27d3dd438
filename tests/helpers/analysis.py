"""Logs stored for analysis and ticket tests, through the consumer's ingest service, and
analyses waiting to be published."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from django.utils import timezone

from analysis.models import Analysis
from logs.models import LogPattern, Severity
from logs.services import IncomingMessage, logs_ingest_batch

_sequence = iter(range(1, 10**9))


def ingest(*logs: dict, reply_to: str = "") -> None:
    """Store logs through the real ingest path (the consumer's service)."""
    now = datetime.now(UTC)
    logs_ingest_batch(
        [
            IncomingMessage(
                subject="agent.technical.support",
                stream_seq=next(_sequence) + 10_000_000,
                data=orjson.dumps(log),
                received_at=now,
                reply_to=reply_to,
            )
            for log in logs
        ]
    )


def log(message: str, severity: str = "ERROR", host: str = "plc-1", service: str = "line") -> dict:
    return {
        "timestamp": datetime.now(UTC).isoformat(),
        "hostname": host,
        "severity": severity,
        "service": service,
        "message": message,
        "context": {"line": 3},
    }


def analysis_in_outbox(key: str, *, finished_at: datetime | None = None) -> Analysis:
    """A completed analysis of a pattern of its own, waiting to be published on NATS."""
    finished_at = finished_at or timezone.now()
    pattern = LogPattern.objects.create(
        key=key, template=f"Spindle <*> overheated ({key})", sample_message="Spindle 3 overheated",
        first_seen=finished_at, last_seen=finished_at, count=1, max_severity=Severity.ERROR,
    )  # fmt: skip
    return Analysis.objects.create(
        pattern=pattern, trigger=Analysis.Trigger.NEW_PATTERN, status=Analysis.Status.DONE,
        text=f"explanation of {key}", finished_at=finished_at, publish_pending=True,
    )  # fmt: skip
