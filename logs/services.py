"""Writes for the logs app. The ingest path is logs_ingest_batch()."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gogent.db import insert_rows
from logs.models import LogEntry, LogPattern, LogPatternStat, LogVolume, RejectedMessage
from logs.patterns import (
    PatternChanges,
    catalog,
    grouping_lock,
    patterns_count,
    patterns_count_hours,
)
from logs.validation import Limits, LogRejected, ParsedLog, parse_log_message

IngestHook = Callable[..., None]


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message as JetStream delivered it; reply_to is where to send the receipt."""

    subject: str
    stream_seq: int
    data: bytes
    received_at: datetime
    reply_to: str = ""


@dataclass(slots=True)
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    # Messages on a subject Gogent publishes itself (analysis results): acked, not stored.
    ignored: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    rejected_seqs: set[int] = field(default_factory=set)
    patterns: PatternChanges = field(default_factory=PatternChanges)
    # (reply subject, receipt) for messages that asked for one.
    receipts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


def logs_ingest_batch(messages: Sequence[IncomingMessage]) -> IngestResult:
    """Validate, group and store a batch in one transaction; the caller acks after it returns.

    Redelivered messages (a stream sequence already stored) are left out before
    grouping, so calling this twice with the same batch stores and counts each log
    once; the unique index on stream_seq backs that up.
    """
    entries: list[tuple[IncomingMessage, ParsedLog]] = []
    rejections: list[tuple[IncomingMessage, LogRejected]] = []
    limits = Limits.from_settings()
    ignored_subjects = _ignored_subjects()
    ignored = 0
    for message in messages:
        if message.subject in ignored_subjects:
            ignored += 1
            continue
        try:
            entries.append(
                (
                    message,
                    parse_log_message(message.data, received_at=message.received_at, limits=limits),
                )
            )
        except LogRejected as rejection:
            rejections.append((message, rejection))

    result = IngestResult()
    try:
        _store(entries, rejections, result)
    except BaseException:
        catalog.forget()
        raise
    result.duplicates = len(entries) - result.stored
    result.ignored = ignored
    result.rejected.update(rejection.reason for _, rejection in rejections)
    result.rejected_seqs = {message.stream_seq for message, _ in rejections}
    result.receipts = _receipts(entries, rejections)
    return result


def _store(
    entries: list[tuple[IncomingMessage, ParsedLog]],
    rejections: list[tuple[IncomingMessage, LogRejected]],
    result: IngestResult,
) -> None:
    """The batch's one transaction: group, insert, count, call the hooks."""
    adapt_datetime = _datetime_adapter()
    with transaction.atomic(), connection.cursor() as cursor:
        if entries:
            state = grouping_lock()
            # Under the lock, so a redelivered log is neither grouped nor counted twice.
            new_entries = _not_yet_stored(entries)
            logs = [log for _, log in new_entries]
            pattern_ids = catalog.group(logs, state, result.patterns)
            _insert_rows(
                cursor,
                LogEntry,
                ENTRY_COLUMNS,
                [
                    _entry_row(m, p, pattern_id, adapt_datetime)
                    for (m, p), pattern_id in zip(new_entries, pattern_ids, strict=True)
                ],
            )
            result.stored = len(new_entries)
            patterns_count(pattern_ids, logs, result.patterns)
            patterns_count_hours([m.stream_seq for m, _ in new_entries])
            _count_volume(new_entries, cursor, adapt_datetime)
            replies = [
                (m.reply_to, m.stream_seq, pattern_id)
                for (m, _), pattern_id in zip(new_entries, pattern_ids, strict=True)
                if m.reply_to
            ]
            if replies or result.patterns.worth_a_hook:
                for hook in ingest_hooks():
                    hook(changes=result.patterns, replies=replies)
        if rejections:
            _insert_rows(
                cursor,
                RejectedMessage,
                REJECTED_COLUMNS,
                [_rejected_row(m, r, adapt_datetime) for m, r in rejections],
            )


def _count_volume(
    entries: list[tuple[IncomingMessage, ParsedLog]],
    cursor: Any,
    adapt_datetime: Callable[[datetime], Any],
) -> None:
    """Add the batch to LogVolume: logs received per minute and severity."""
    volume: Counter[tuple[datetime, int]] = Counter()
    minutes: dict[datetime, datetime] = {}  # a batch shares one or two arrival times
    for message, log in entries:
        minute = minutes.get(message.received_at)
        if minute is None:
            minute = minutes[message.received_at] = message.received_at.replace(
                second=0, microsecond=0
            )
        volume[(minute, log.severity)] += 1
    if not volume:
        return
    table = connection.ops.quote_name(LogVolume._meta.db_table)
    insert_rows(
        cursor,
        LogVolume,
        ("minute", "severity", "count"),
        [(adapt_datetime(minute), severity, count) for (minute, severity), count in volume.items()],
        f"ON CONFLICT (minute, severity) DO UPDATE SET count = {table}.count + excluded.count",
    )


def _ignored_subjects() -> frozenset[str]:
    return frozenset(filter(None, [settings.ANALYSIS_RESULTS_SUBJECT]))


@cache
def _ingest_hooks_for(paths: tuple[str, ...]) -> tuple[IngestHook, ...]:
    return tuple(import_string(path) for path in paths)


def ingest_hooks() -> tuple[IngestHook, ...]:
    """settings.LOGS_INGEST_HOOKS: how apps that build on logs (analysis) hear of a batch.

    Each is called inside the batch's transaction as hook(changes=PatternChanges,
    replies=[(reply subject, stream sequence, pattern id), ...]), so what it writes
    commits or rolls back with the logs; work outside the database goes on_commit.
    """
    return _ingest_hooks_for(tuple(settings.LOGS_INGEST_HOOKS))


def _datetime_adapter() -> Callable[[datetime], Any]:
    """connection.ops.adapt_datetimefield_value, fast for SQLite.

    Ingest datetimes are aware and in UTC; on SQLite with USE_TZ Django stores them
    as naive UTC text, which str() of the naive value is. Django's adapter does the
    same through settings and timezone lookups, 3 µs a value on the hot path.
    """
    if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
        return lambda value: str(value.astimezone(UTC).replace(tzinfo=None))
    # Other backends take datetimes as they are; cache the repeats within a batch.
    return cache(connection.ops.adapt_datetimefield_value)


def _not_yet_stored(
    entries: list[tuple[IncomingMessage, ParsedLog]],
) -> list[tuple[IncomingMessage, ParsedLog]]:
    seqs = [message.stream_seq for message, _ in entries]
    stored = set(
        LogEntry.objects.filter(stream_seq__range=(min(seqs), max(seqs))).values_list(
            "stream_seq", flat=True
        )
    )
    return [entry for entry in entries if entry[0].stream_seq not in stored]


def _insert_rows(cursor: Any, model: type, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ingest rows, skipping a stream sequence that is stored already."""
    insert_rows(cursor, model, columns, rows, "ON CONFLICT (stream_seq) DO NOTHING")


# Raw inserts instead of bulk_create: the model layer costs ~45 µs a row,
# several times the insert itself. Column order must match the *_row() functions.
# The rows hold values already adapted for the database, as the model layer would:
# datetimes through connection.ops, context as JSON text. That text is orjson's, not
# ops.adapt_json_value()'s json.dumps (10x slower); every backend takes JSON text for a
# JSONField column (PostgreSQL casts it to jsonb).
ENTRY_COLUMNS = (
    "timestamp", "hostname", "severity", "service", "message", "context",
    "received_at", "subject", "stream_seq", "pattern_id",
)  # fmt: skip
REJECTED_COLUMNS = ("received_at", "subject", "stream_seq", "reason", "detail", "raw", "size")


def _entry_row(
    message: IncomingMessage,
    log: ParsedLog,
    pattern_id: int,
    adapt_datetime: Callable[[datetime], Any],
) -> tuple[Any, ...]:
    return (
        adapt_datetime(log.timestamp),
        log.hostname,
        log.severity,
        log.service,
        log.message,
        orjson.dumps(log.context).decode(),
        adapt_datetime(message.received_at),
        message.subject,
        message.stream_seq,
        pattern_id,
    )


def _rejected_row(
    message: IncomingMessage, rejection: LogRejected, adapt_datetime: Callable[[datetime], Any]
) -> tuple[Any, ...]:
    return (
        adapt_datetime(message.received_at),
        message.subject,
        message.stream_seq,
        rejection.reason,
        rejection.detail,
        message.data[: settings.REJECTED_RAW_MAX_BYTES],
        len(message.data),
    )


def _receipts(
    entries: list[tuple[IncomingMessage, ParsedLog]],
    rejections: list[tuple[IncomingMessage, LogRejected]],
) -> list[tuple[str, dict[str, Any]]]:
    waiting = [m for m, _ in entries if m.reply_to]
    ids = (
        dict(
            LogEntry.objects.filter(stream_seq__in=[m.stream_seq for m in waiting]).values_list(
                "stream_seq", "id"
            )
        )
        if waiting
        else {}
    )
    receipts = [
        (m.reply_to, {"status": "stored", "id": ids.get(m.stream_seq), "stream_seq": m.stream_seq})
        for m in waiting
    ]
    receipts += [
        (
            m.reply_to,
            {
                "status": "rejected",
                "reason": r.reason,
                "detail": r.detail,
                "stream_seq": m.stream_seq,
            },
        )
        for m, r in rejections
        if m.reply_to
    ]
    return receipts


def pattern_set_status(*, pattern: LogPattern, status: str) -> LogPattern:
    """Mute, resolve or reopen a pattern. A resolved pattern that recurs regresses at ingest."""
    if status not in LogPattern.Status.values:
        raise ValueError(f"unknown pattern status {status!r}")
    pattern.status = status
    pattern.status_changed_at = timezone.now()
    pattern.save(update_fields=["status", "status_changed_at"])
    return pattern


@dataclass(frozen=True, slots=True)
class PurgeReport:
    logs: int
    hours: int
    minutes: int


def logs_purge(
    *, older_than: datetime, batch_size: int = 2000, max_batches: int | None = None
) -> PurgeReport:
    """Delete logs received before `older_than`, in short transactions of `batch_size`.

    Each batch is its own transaction, so ingest (which needs the write lock on
    SQLite) waits at most one small delete. Patterns keep their counts, first and
    last seen and per-host/service/severity statistics: those are totals, not rows.
    The hourly and per-minute activity rollups older than the cutoff go too.
    """
    deleted = batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            ids = list(
                LogEntry.objects.filter(received_at__lt=older_than)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            LogEntry.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
        batches += 1
    cutoff_hour = older_than.astimezone(UTC).strftime("%Y-%m-%dT%H")
    hours, _ = LogPatternStat.objects.filter(
        dimension=LogPatternStat.Dimension.HOUR, value__lt=cutoff_hour
    ).delete()
    minutes, _ = LogVolume.objects.filter(minute__lt=older_than).delete()
    return PurgeReport(logs=deleted, hours=hours, minutes=minutes)
