"""Input rules for a log message (documented in README, "Input rules").

parse_log_message() turns a raw payload into a ParsedLog or raises
LogRejected with a reason code and a human-readable detail. It never raises
anything else, whatever the bytes: the consumer relies on that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from django.conf import settings

from gogent.numbers import ascii_digits
from logs.models import RejectedMessage, Severity

Reason = RejectedMessage.Reason

SEVERITY_ALIASES: dict[str, Severity] = {
    "debug": Severity.DEBUG,
    "info": Severity.INFO,
    "notice": Severity.NOTICE,
    "warn": Severity.WARNING,
    "warning": Severity.WARNING,
    "err": Severity.ERROR,
    "error": Severity.ERROR,
    "crit": Severity.CRITICAL,
    "critical": Severity.CRITICAL,
    "fatal": Severity.CRITICAL,
    "alert": Severity.ALERT,
    "emerg": Severity.EMERGENCY,
    "emergency": Severity.EMERGENCY,
    "panic": Severity.EMERGENCY,
}
# RFC 5424 numerical codes: 0 is the worst.
SYSLOG_SEVERITIES: tuple[Severity, ...] = (
    Severity.EMERGENCY,
    Severity.ALERT,
    Severity.CRITICAL,
    Severity.ERROR,
    Severity.WARNING,
    Severity.NOTICE,
    Severity.INFO,
    Severity.DEBUG,
)
KNOWN_FIELDS = frozenset({"timestamp", "hostname", "severity", "service", "message", "context"})
CONTAINERS = (dict, list)
MAX_TEXT_FIELD = 255
# Epoch numbers above this are milliseconds (1e11 s is the year 5138).
EPOCH_MILLIS_THRESHOLD = 1e11
MIN_EPOCH = datetime(1970, 1, 1, tzinfo=UTC).timestamp()
MAX_EPOCH = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


class LogRejected(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ParsedLog:
    timestamp: datetime
    hostname: str
    severity: int
    service: str
    message: str
    context: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Limits:
    """The size limits from settings, read once per batch rather than once per field."""

    payload_bytes: int
    message_bytes: int
    context_depth: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            payload_bytes=settings.LOG_MAX_PAYLOAD_BYTES,
            message_bytes=settings.LOG_MAX_MESSAGE_BYTES,
            context_depth=settings.LOG_MAX_CONTEXT_DEPTH,
        )


def parse_log_message(
    payload: bytes, *, received_at: datetime, limits: Limits | None = None
) -> ParsedLog:
    limits = limits or Limits.from_settings()
    if len(payload) > limits.payload_bytes:
        raise LogRejected(
            Reason.TOO_LARGE,
            f"payload is {len(payload)} bytes; the limit is {limits.payload_bytes}",
        )
    if b"\\u0000" in payload:
        # Valid JSON, but PostgreSQL cannot store NUL in text or jsonb: a row that
        # cannot be written would stall its whole batch, so it is quarantined here.
        raise LogRejected(Reason.NUL_CHARACTER, "payload contains a NUL character (\\u0000)")
    data = _decode_json(payload)
    if not isinstance(data, dict):
        raise LogRejected(Reason.NOT_OBJECT, f"expected a JSON object, got {_json_type(data)}")

    # No value nests deeper than the payload has brackets (the outer object's among them):
    # most payloads need no walk through their context.
    brackets = payload.count(b"{") + payload.count(b"[")
    shallow = brackets <= limits.context_depth
    context = _parse_context(data.get("context"), limits.context_depth, shallow=shallow)
    if not data.keys() <= KNOWN_FIELDS:
        # Unknown top-level fields are kept, not dropped: nothing a producer sends is lost.
        extra = {key: value for key, value in data.items() if key not in KNOWN_FIELDS}
        context = {**context, "_extra": extra}
        # They are stored in context, so its depth limit covers them too: a value too deep
        # to serialize would otherwise fail its whole batch again on every redelivery.
        # Two levels more than the fields themselves, less the outer object: one more.
        limit = limits.context_depth
        if brackets + 1 > limit and _nesting_depth(context, limit) > limit:
            raise LogRejected(
                Reason.TOO_DEEP,
                f"unknown top-level fields (kept in context._extra) nest context more than "
                f"{limit} levels deep",
            )
    return ParsedLog(
        timestamp=_parse_timestamp(data.get("timestamp"), received_at),
        hostname=_parse_text(data.get("hostname"), "hostname", Reason.INVALID_HOSTNAME),
        severity=_parse_severity(data.get("severity")),
        service=_parse_text(data.get("service"), "service", Reason.INVALID_SERVICE),
        message=_parse_message(data.get("message"), limits.message_bytes),
        context=context,
    )


def _decode_json(payload: bytes) -> Any:
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError as decode_error:
            raise LogRejected(
                Reason.NOT_UTF8,
                f"payload is not UTF-8: {decode_error.reason} at byte {decode_error.start}",
            ) from None
        if "recursion" in str(error) or "depth" in str(error):
            raise LogRejected(Reason.TOO_DEEP, f"JSON nesting too deep: {error}") from None
        raise LogRejected(Reason.NOT_JSON, f"payload is not JSON: {error}") from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _parse_message(value: Any, limit: int) -> str:
    if value is None:
        raise LogRejected(Reason.MISSING_MESSAGE, "field 'message' is required")
    if not isinstance(value, str):
        raise LogRejected(
            Reason.INVALID_MESSAGE, f"field 'message' must be a string, got {_json_type(value)}"
        )
    if not value or value.isspace():
        raise LogRejected(Reason.MISSING_MESSAGE, "field 'message' is empty")
    # A character is at most 4 bytes: short messages skip the encode.
    if len(value) * 4 > limit and (size := len(value.encode("utf-8"))) > limit:
        raise LogRejected(
            Reason.INVALID_MESSAGE, f"field 'message' is {size} bytes; the limit is {limit}"
        )
    return value


def _parse_text(value: Any, field: str, reason: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LogRejected(reason, f"field '{field}' must be a string, got {_json_type(value)}")
    if len(value) > MAX_TEXT_FIELD:
        raise LogRejected(
            reason, f"field '{field}' is {len(value)} characters; the limit is {MAX_TEXT_FIELD}"
        )
    return value


def _parse_severity(value: Any) -> int:
    if value is None:
        return Severity.INFO
    if isinstance(value, bool):
        raise LogRejected(Reason.INVALID_SEVERITY, "field 'severity' must not be a boolean")
    if isinstance(value, str):
        name = value.strip().lower()
        if name in SEVERITY_ALIASES:
            return SEVERITY_ALIASES[name]
        if ascii_digits(name):
            value = int(name)
    if isinstance(value, int) and 0 <= value <= 7:
        return SYSLOG_SEVERITIES[value]
    raise LogRejected(
        Reason.INVALID_SEVERITY,
        f"field 'severity' is {str(value)[:50]!r}: use debug, info, notice, warning, error, "
        "critical, alert, emergency (or warn, err, crit, emerg, fatal, panic) or syslog 0-7",
    )


def _parse_timestamp(value: Any, received_at: datetime) -> datetime:
    if value is None:
        return received_at
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                return _from_epoch(float(text))
            except ValueError:
                pass
            raise LogRejected(
                Reason.INVALID_TIMESTAMP,
                f"field 'timestamp' is {text[:50]!r}: use RFC 3339 / ISO 8601 "
                "or epoch seconds or milliseconds",
            ) from None
        try:
            when = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        except OverflowError:
            when = None  # "0001-01-01T00:00:00+01:00" is before year 1 in UTC
        # Past the last second of 9999, SQLite's date functions (which round to the
        # millisecond) give NULL, and the row's counts could not be written.
        if when is None or when.timestamp() > MAX_EPOCH:
            raise LogRejected(
                Reason.INVALID_TIMESTAMP,
                f"field 'timestamp' {text[:50]!r} is outside 0001-01-01 to 9999-12-31 23:59:59 UTC",
            )
        return when
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(value)
    raise LogRejected(
        Reason.INVALID_TIMESTAMP,
        f"field 'timestamp' must be a string or a number, got {_json_type(value)}",
    )


def _from_epoch(value: float) -> datetime:
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    seconds = value / 1000 if abs(value) >= EPOCH_MILLIS_THRESHOLD else value
    if not MIN_EPOCH <= seconds <= MAX_EPOCH:
        raise LogRejected(
            Reason.INVALID_TIMESTAMP,
            f"field 'timestamp' {value!r} is outside 1970-01-01 to 9999-12-31",
        )
    return datetime.fromtimestamp(seconds, tz=UTC)


def _parse_context(value: Any, limit: int, *, shallow: bool = False) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LogRejected(
            Reason.INVALID_CONTEXT, f"field 'context' must be an object, got {_json_type(value)}"
        )
    if not shallow and _nesting_depth(value, limit) > limit:
        raise LogRejected(
            Reason.TOO_DEEP, f"field 'context' is nested more than {limit} levels deep"
        )
    return value


def _nesting_depth(value: dict[str, Any] | list[Any], limit: int) -> int:
    """Depth of nested objects/arrays, counting the outer one; stops past limit."""
    depth = 1
    level: list[Any] = [value]
    # Level by level: one comprehension per level, not a stack push per container.
    while depth <= limit:
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, CONTAINERS)
        ]
        if not level:
            break
        depth += 1
    return depth


MAX_SUBJECT_BYTES = 255


def reply_subject_problem(subject: str) -> str:
    """Why `subject` (a producer's reply header) is no subject Gogent may publish to; "" if it is.

    A publish subject is printable, has no white space or control characters, no
    wildcards and no empty tokens, and (here) at most 255 bytes: what fits the
    reply columns and what nats-py and the server accept.
    """
    if len(subject.encode("utf-8", errors="surrogatepass")) > MAX_SUBJECT_BYTES:
        return f"longer than {MAX_SUBJECT_BYTES} bytes"
    if not subject.isprintable() or any(char.isspace() for char in subject):
        return "white space or control characters"
    if "*" in subject or ">" in subject:
        return "wildcards"
    if "" in subject.split("."):
        return "empty tokens"
    return ""
