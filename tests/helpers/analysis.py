"""Logs stored for analysis and ticket tests, through the consumer's ingest service."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

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
