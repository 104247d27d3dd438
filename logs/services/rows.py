"""Raw row inserts of the ingest path: logs, quarantined messages, per-minute volume."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import orjson
from django.conf import settings
from django.db import connection

from gogent.db import insert_rows
from logs.models import LogEntry, LogVolume
from logs.services.batch import IncomingMessage
from logs.validation import LogRejected, ParsedLog


def datetime_adapter() -> Callable[[datetime], Any]:
    """connection.ops.adapt_datetimefield_value, fast for SQLite, for one batch.

    Ingest datetimes are aware and in UTC; on SQLite with USE_TZ Django stores them
    as naive UTC text, which str() of the naive value is. Django's adapter does the
    same through settings and timezone lookups, 3 µs a value on the hot path.
    Repeats are cached: a batch shares its arrival time, and logs share seconds.
    """
    if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
        return cache(_sqlite_datetime)
    return cache(connection.ops.adapt_datetimefield_value)


def _sqlite_datetime(value: datetime) -> str:
    if value.tzinfo is UTC:
        return str(value)[:-6]  # without "+00:00"
    return str(value.astimezone(UTC).replace(tzinfo=None))


def insert_entry_rows(cursor: Any, rows: list[tuple]) -> set[tuple[int, int]] | None:
    """Insert a batch of logs (ENTRY_COLUMNS), skipping places in the stream stored already.

    On PostgreSQL, returns the (stream_epoch, stream_seq) of the rows inserted: batches
    store side by side there, and another one may have stored a redelivered log since
    this batch looked. SQLite runs one writing transaction at a time: None, all inserted.

    On SQLite as multi-row statements, not one statement per row: the full-text index's
    trigger (logs.search.sqlite) costs ~5 µs a row that way, ~28 µs a row with executemany.
    """
    if connection.vendor != "sqlite":
        inserted = insert_rows(
            cursor,
            LogEntry,
            ENTRY_COLUMNS,
            rows,
            "ON CONFLICT (stream_epoch, stream_seq) DO NOTHING",
            returning="stream_epoch, stream_seq",
        )
        return set(map(tuple, inserted))
    for start in range(0, len(rows), MULTIROW_ROWS):
        chunk = rows[start : start + MULTIROW_ROWS]
        cursor.execute(_multirow_sql(len(chunk)), [value for row in chunk for value in row])


# 12 columns a row: 900 rows stay under SQLite's 32766 parameters with room to spare.
MULTIROW_ROWS = 900


@cache
def _multirow_sql(count: int) -> str:
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(ENTRY_COLUMNS)) + ")"
    # Identifiers from the model, values are parameters.
    table, columns = quote(LogEntry._meta.db_table), ", ".join(map(quote, ENTRY_COLUMNS))
    return (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"VALUES {', '.join([row] * count)} ON CONFLICT (stream_epoch, stream_seq) DO NOTHING"
    )


def insert_stream_rows(
    cursor: Any, model: type, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    """Insert ingest rows, skipping a place in the stream that is stored already."""
    insert_rows(cursor, model, columns, rows, "ON CONFLICT (stream_epoch, stream_seq) DO NOTHING")


# Raw inserts instead of bulk_create: the model layer costs ~45 µs a row,
# several times the insert itself. Column order must match the *_row() functions.
# The rows hold values already adapted for the database, as the model layer would:
# datetimes through connection.ops, context as JSON text. That text is orjson's, not
# ops.adapt_json_value()'s json.dumps (10x slower); every backend takes JSON text for a
# JSONField column (PostgreSQL casts it to jsonb).
ENTRY_COLUMNS = (
    "timestamp", "hostname", "severity", "service", "message", "context",
    "received_at", "subject", "stream_epoch", "stream_seq", "pattern_id", "plant_id",
)  # fmt: skip
REJECTED_COLUMNS = (
    "received_at", "subject", "stream_epoch", "stream_seq", "reason", "detail", "raw", "size",
)  # fmt: skip


def entry_row(
    message: IncomingMessage,
    log: ParsedLog,
    pattern_id: int,
    plant_id: int | None,
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
        message.stream_epoch,
        message.stream_seq,
        pattern_id,
        plant_id,
    )


def rejected_row(
    message: IncomingMessage, rejection: LogRejected, adapt_datetime: Callable[[datetime], Any]
) -> tuple[Any, ...]:
    return (
        adapt_datetime(message.received_at),
        message.subject,
        message.stream_epoch,
        message.stream_seq,
        rejection.reason,
        rejection.detail,
        message.data[: settings.REJECTED_RAW_MAX_BYTES],
        len(message.data),
    )


def volume_tally(entries: list[tuple[IncomingMessage, ParsedLog]]) -> Counter[tuple[datetime, int]]:
    """The batch's logs per minute received and severity, for volume_count()."""
    # Counted by arrival time first: a batch shares one or two, so the minutes are few.
    arrivals = Counter(
        zip(
            (message.received_at for message, _ in entries),
            (log.severity for _, log in entries),
            strict=True,
        )
    )
    volume: Counter[tuple[datetime, int]] = Counter()
    for (received_at, severity), count in arrivals.items():
        volume[(received_at.replace(second=0, microsecond=0), severity)] += count
    return volume


def volume_count(
    cursor: Any, volume: Counter[tuple[datetime, int]], adapt_datetime: Callable[[datetime], Any]
) -> None:
    """Add a volume_tally() to LogVolume: logs received per minute and severity."""
    if not volume:
        return
    table = connection.ops.quote_name(LogVolume._meta.db_table)
    insert_rows(
        cursor,
        LogVolume,
        ("minute", "severity", "count"),
        [
            (adapt_datetime(minute), severity, count)
            for (minute, severity), count in sorted(volume.items())
        ],
        f"ON CONFLICT (minute, severity) DO UPDATE SET count = {table}.count + excluded.count",
    )
