"""A parsed syslog line as the JSON messages consume_logs takes (logs.validation).

Each is shaped so that the consumer stores it rather than quarantining it. A quarantined
message is not grouped, analyzed or alerted on, waits for an admin's replay, and keeps only
REJECTED_RAW_MAX_BYTES of itself; a syslog line that breaks one of the consumer's limits is
still a real log from a real device. So:

- a hostname or service longer than the consumer's 255 characters is cut to 255, and the
  whole value is kept in context.syslog.hostname_original / service_original;
- a message over LOG_MAX_MESSAGE_BYTES (a frame within SYSLOG_MAX_FRAME_BYTES can still grow
  past it when invalid UTF-8 is replaced) is sent as several logs, in order, each with
  context.syslog.part and parts;
- a message whose JSON would still be over the payload limit (LOG_MAX_PAYLOAD_BYTES, or the
  NATS server's max_payload if smaller) is sent as raw parts: the line cut into pieces that
  fit whatever characters they hold, with little context.

Nothing of the line is left out in any case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

import orjson
from django.conf import settings

from logs.syslog.parse import SyslogLog, syslog_parse
from logs.syslog.spool import Received
from logs.validation import MAX_TEXT_FIELD

# JSON escapes a control character as \u00XX: six bytes for one.
WORST_JSON_EXPANSION = 6
# Room in a raw part for everything but its message: keys, timestamp, a 255-character
# hostname escaped at worst, and the little context a raw part has.
RAW_PART_OVERHEAD = 4096
MIN_RAW_PIECE = 256


@dataclass(frozen=True, slots=True)
class PayloadLimits:
    message_bytes: int
    payload_bytes: int

    @classmethod
    def from_settings(cls, max_payload: int | None = None) -> PayloadLimits:
        """The consumer's limits; max_payload is the NATS server's, once connected."""
        payload_bytes = settings.LOG_MAX_PAYLOAD_BYTES
        if max_payload:
            payload_bytes = min(payload_bytes, max_payload)
        return cls(message_bytes=settings.LOG_MAX_MESSAGE_BYTES, payload_bytes=payload_bytes)


def received_payloads(
    received: Received, *, limits: PayloadLimits, time_zone: tzinfo, raw: bool = False
) -> tuple[SyslogLog | None, list[bytes]]:
    """The log a received frame holds and its JSON messages; (None, []) for a frame of
    white space only. raw=True takes the frame as a raw line whatever it holds."""
    log = syslog_parse(
        received.frame,
        sender=received.sender,
        transport=received.transport,
        received_at=datetime.fromtimestamp(received.received_at, UTC),
        time_zone=time_zone,
        notes=received.notes,
        raw=received.raw or raw,
    )
    return (None, []) if log is None else (log, syslog_payloads(log, limits=limits))


def syslog_payloads(log: SyslogLog, *, limits: PayloadLimits) -> list[bytes]:
    """The JSON messages for one log: one, unless it had to be cut into parts."""
    syslog = dict(log.context["syslog"])
    hostname = _fit_name(log.hostname, "hostname", syslog)
    service = _fit_name(log.service, "service", syslog)
    parts = text_split(log.message, limits.message_bytes)
    payloads = []
    for number, part in enumerate(parts, 1):
        part_syslog = {**syslog, "part": number, "parts": len(parts)} if len(parts) > 1 else syslog
        payloads.append(_dump(log, hostname, service, part, {**log.context, "syslog": part_syslog}))
    if all(len(payload) <= limits.payload_bytes for payload in payloads):
        return payloads
    return _raw_parts(log, hostname, limits)


def _fit_name(value: str, field: str, syslog: dict[str, Any]) -> str:
    if len(value) <= MAX_TEXT_FIELD:
        return value
    syslog[f"{field}_original"] = value
    return value[:MAX_TEXT_FIELD]


def _dump(log: SyslogLog, hostname: str, service: str, message: str, context: dict) -> bytes:
    return orjson.dumps(
        {
            "timestamp": log.timestamp.astimezone(UTC).isoformat(),
            "hostname": hostname,
            "severity": log.severity.label.lower(),
            "service": service,
            "message": message,
            "context": context,
        }
    )


def _raw_parts(log: SyslogLog, hostname: str, limits: PayloadLimits) -> list[bytes]:
    """The whole line in pieces small enough that no content can push one over the limit."""
    syslog = log.context["syslog"]
    kept = {key: syslog[key] for key in ("facility", "pri", "transport", "sender") if key in syslog}
    piece = max(
        min(
            limits.message_bytes,
            (limits.payload_bytes - RAW_PART_OVERHEAD) // WORST_JSON_EXPANSION,
        ),
        MIN_RAW_PIECE,
    )
    pieces = text_split(log.line, piece)
    return [
        _dump(
            log,
            hostname,
            "",
            text,
            {
                "syslog_raw": True,
                "syslog": {
                    "format": "raw",
                    "oversize": True,
                    **kept,
                    **({"part": number, "parts": len(pieces)} if len(pieces) > 1 else {}),
                },
            },
        )
        for number, text in enumerate(pieces, 1)
    ]


def text_split(text: str, limit: int) -> list[str]:
    """text in pieces of at most `limit` UTF-8 bytes, cut between characters."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return [text]
    pieces = []
    start = 0
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    return pieces
