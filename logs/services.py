"""Writes for the logs app. The ingest path is logs_ingest_batch()."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import orjson
from django.conf import settings
from django.db import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.utils import timezone
from django.utils.module_loading import import_string

from gogent.audit import Actor, audit_record
from gogent.db import insert_rows
from gogent.models import AuditEvent
from logs.models import (
    IngestEvent,
    LogEntry,
    LogPattern,
    LogPatternStat,
    LogVolume,
    RejectedMessage,
    StreamEpoch,
)
from logs.patterns import (
    PatternChanges,
    catalog,
    grouping_lock,
    patterns_count,
    patterns_count_hours,
)
from logs.validation import (
    Limits,
    LogRejected,
    ParsedLog,
    parse_log_message,
    reply_subject_problem,
)

IngestHook = Callable[..., None]
logger = logging.getLogger(__name__)
# Failures of the database itself, not of any message in the batch: retrying the same
# batch later is right, splitting it would only quarantine good logs.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What the database says is wrong with the data itself.
MESSAGE_FAULTS = (DataError, IntegrityError)
STORE_FAILED_DETAIL_MAX = 2000


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message as JetStream delivered it; reply_to is where to send the receipt.

    (stream_epoch, stream_seq) is the message's place in the stream: its identity.
    reply_to is the producer's header as sent; ingest checks it before any use.
    """

    subject: str
    stream_seq: int
    data: bytes
    received_at: datetime
    reply_to: str = ""
    stream_epoch: int = 0


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
    # Reply headers that were no valid subject: ignored, the logs stored all the same.
    bad_reply_subjects: int = 0
    bad_reply_detail: str = ""

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def add(self, other: IngestResult) -> None:
        """Add a part of the same batch (stored in its own transaction) to this result."""
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.ignored += other.ignored
        self.rejected.update(other.rejected)
        self.rejected_seqs |= other.rejected_seqs
        self.receipts += other.receipts
        self.bad_reply_subjects += other.bad_reply_subjects
        self.bad_reply_detail = other.bad_reply_detail or self.bad_reply_detail
        for name in ("created", "generalized", "regressed", "escalated"):
            getattr(self.patterns, name).update(getattr(other.patterns, name))
        self.patterns.merged.update(other.patterns.merged)


def logs_ingest(messages: Sequence[IncomingMessage]) -> IngestResult:
    """Store a batch as logs_ingest_batch() does, so that one message cannot hold back the rest.

    A batch that fails is split in halves, each stored in its own transaction, until
    each message that fails stands alone; those are quarantined (store_failed, with the
    error) and every other message is stored. When every message fails, the fault is
    not in the messages (a broken schema, a bug) unless the database blamed the data:
    the error propagates and the caller hands the batch back. So does an error of the
    database itself (connection lost, locked), at once, with nothing split.
    """
    result = IngestResult()
    failures = _store_or_split(messages, result)
    if not failures:
        return result
    if len(failures) == len(messages) and not all(
        isinstance(error, MESSAGE_FAULTS) for _, error in failures
    ):
        raise failures[0][1]
    for message, error in failures:
        result.add(
            logs_quarantine(
                message=message,
                reason=RejectedMessage.Reason.STORE_FAILED,
                detail=f"{type(error).__name__}: {error}",
            )
        )
    return result


def _store_or_split(
    messages: Sequence[IncomingMessage], result: IngestResult
) -> list[tuple[IncomingMessage, Exception]]:
    """Store what can be stored into `result`; return each message that fails alone."""
    try:
        result.add(logs_ingest_batch(messages))
        return []
    except DATABASE_UNAVAILABLE:
        raise
    except Exception as error:
        if len(messages) == 1:
            return [(messages[0], error)]
        logger.warning(
            "a batch of %d messages failed (%s: %s); storing it in halves to find the culprit",
            len(messages),
            type(error).__name__,
            error,
        )
    middle = len(messages) // 2
    return _store_or_split(messages[:middle], result) + _store_or_split(messages[middle:], result)


def logs_quarantine(*, message: IncomingMessage, reason: str, detail: str) -> IngestResult:
    """Quarantine one message that cannot be stored as a log, with its payload and why.

    A message whose place in the stream holds a stored log already is left alone:
    quarantine is for what would otherwise be lost.
    """
    detail = detail[:STORE_FAILED_DETAIL_MAX]
    logger.error(
        "message %d:%d quarantined (%s): %s",
        message.stream_epoch,
        message.stream_seq,
        reason,
        detail,
    )
    rejection = LogRejected(reason, detail)
    result = IngestResult()
    message = _with_valid_reply(message, result)
    with transaction.atomic(), connection.cursor() as cursor:
        stored = LogEntry.objects.filter(
            stream_epoch=message.stream_epoch, stream_seq=message.stream_seq
        ).exists()
        if stored:
            result.duplicates = 1
        else:
            _insert_rows(
                cursor,
                RejectedMessage,
                REJECTED_COLUMNS,
                [_rejected_row(message, rejection, _datetime_adapter())],
            )
            _count_bad_replies(result)
    if not stored:
        result.rejected[reason] += 1
        result.rejected_seqs.add(message.stream_seq)
        result.receipts = _receipts([], [(message, rejection)])
    return result


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
    result = IngestResult()
    for message in messages:
        if message.subject in ignored_subjects:
            ignored += 1
            continue
        if message.reply_to:
            message = _with_valid_reply(message, result)
        try:
            entries.append(
                (
                    message,
                    parse_log_message(message.data, received_at=message.received_at, limits=limits),
                )
            )
        except LogRejected as rejection:
            rejections.append((message, rejection))

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


def _with_valid_reply(message: IncomingMessage, result: IngestResult) -> IncomingMessage:
    """The message, its reply header dropped (and counted) unless it is a valid subject."""
    problem = reply_subject_problem(message.reply_to) if message.reply_to else ""
    if not problem:
        return message
    result.bad_reply_subjects += 1
    result.bad_reply_detail = (
        f"message {message.stream_epoch}:{message.stream_seq} on {message.subject}: {problem}"
    )
    logger.warning("%s; reply header ignored, the log stored all the same", result.bad_reply_detail)
    return dataclasses.replace(message, reply_to="")


def _count_bad_replies(result: IngestResult) -> None:
    if result.bad_reply_subjects:
        ingest_event_count(
            kind=IngestEvent.Kind.BAD_REPLY_SUBJECT,
            count=result.bad_reply_subjects,
            detail=result.bad_reply_detail,
        )


def ingest_event_count(*, kind: str, count: int = 1, detail: str = "") -> None:
    """Add to the count of an ingest event (one upsert; never on the path of a clean batch)."""
    table = connection.ops.quote_name(IngestEvent._meta.db_table)
    with connection.cursor() as cursor:
        insert_rows(
            cursor,
            IngestEvent,
            ("kind", "count", "last_at", "last_detail"),
            [(kind, count, connection.ops.adapt_datetimefield_value(timezone.now()), detail)],
            f"ON CONFLICT (kind) DO UPDATE SET count = {table}.count + excluded.count, "
            "last_at = excluded.last_at, last_detail = excluded.last_detail",
        )


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
            for epoch, seqs in _by_epoch(m for m, _ in new_entries).items():
                patterns_count_hours(epoch, seqs)
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
        _count_bad_replies(result)


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


def _by_epoch(messages: Iterable[IncomingMessage]) -> dict[int, list[int]]:
    """Stream sequences by epoch: a batch nearly always comes from one life of the stream."""
    seqs: dict[int, list[int]] = {}
    for message in messages:
        seqs.setdefault(message.stream_epoch, []).append(message.stream_seq)
    return seqs


def _not_yet_stored(
    entries: list[tuple[IncomingMessage, ParsedLog]],
) -> list[tuple[IncomingMessage, ParsedLog]]:
    stored: set[tuple[int, int]] = set()
    for epoch, seqs in _by_epoch(m for m, _ in entries).items():
        stored.update(
            (epoch, seq)
            for seq in LogEntry.objects.filter(
                stream_epoch=epoch, stream_seq__range=(min(seqs), max(seqs))
            ).values_list("stream_seq", flat=True)
        )
    return [(m, log) for m, log in entries if (m.stream_epoch, m.stream_seq) not in stored]


def _insert_rows(cursor: Any, model: type, columns: tuple[str, ...], rows: list[tuple]) -> None:
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
    "received_at", "subject", "stream_epoch", "stream_seq", "pattern_id",
)  # fmt: skip
REJECTED_COLUMNS = (
    "received_at", "subject", "stream_epoch", "stream_seq", "reason", "detail", "raw", "size",
)  # fmt: skip


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
        message.stream_epoch,
        message.stream_seq,
        pattern_id,
    )


def _rejected_row(
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


def _receipts(
    entries: list[tuple[IncomingMessage, ParsedLog]],
    rejections: list[tuple[IncomingMessage, LogRejected]],
) -> list[tuple[str, dict[str, Any]]]:
    waiting = [m for m, _ in entries if m.reply_to]
    ids: dict[tuple[int, int], int] = {}
    for epoch, seqs in _by_epoch(waiting).items():
        ids.update(
            ((epoch, seq), pk)
            for seq, pk in LogEntry.objects.filter(
                stream_epoch=epoch, stream_seq__in=seqs
            ).values_list("stream_seq", "id")
        )
    receipts = [
        (
            m.reply_to,
            {
                "status": "stored",
                "id": ids.get((m.stream_epoch, m.stream_seq)),
                "stream_seq": m.stream_seq,
            },
        )
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


def stream_epoch_record(*, stream: str, created: datetime) -> StreamEpoch:
    """The epoch of the stream life a consumer reads; JetStream's creation time tells lives apart.

    The first life Gogent meets adopts epoch 0, where logs stored before epochs existed
    are, unless it cannot be theirs. Every later life is a reset: logged as a warning,
    counted in /metrics, shown on the operations page. Safe from several consumers at once.
    """
    for _ in range(10):
        epoch = StreamEpoch.objects.filter(stream=stream, created=created).first()
        if epoch is not None:
            return epoch
        try:
            with transaction.atomic():
                return _stream_epoch_create(stream=stream, created=created)
        except IntegrityError:
            continue  # another consumer recorded this life, or took the number, first
    raise RuntimeError(f"could not record an epoch for stream {stream} created {created}")


def _stream_epoch_create(*, stream: str, created: datetime) -> StreamEpoch:
    latest = StreamEpoch.objects.order_by("-number").first()
    number = 0 if latest is None else latest.number + 1
    previous = _last_stored(number - 1) if number else _last_stored(0)
    if latest is None and (previous is None or previous[1] >= created):
        # Nothing stored yet, or the newest stored log came in while this stream existed.
        return StreamEpoch.objects.create(number=0, stream=stream, created=created)
    if latest is None:
        number = 1
    epoch = StreamEpoch.objects.create(
        number=number,
        stream=stream,
        created=created,
        is_reset=True,
        previous_last_seq=previous[0] if previous else None,
    )
    logger.warning(
        "stream %s was created anew (%s): its messages start again at sequence 1 and are "
        "stored as epoch %d; the epoch before ended at sequence %s",
        stream,
        created.isoformat(),
        number,
        epoch.previous_last_seq,
    )
    return epoch


def _last_stored(epoch: int) -> tuple[int, datetime] | None:
    """The highest stream sequence stored in an epoch, and when it was received."""
    last = (
        LogEntry.objects.filter(stream_epoch=epoch)
        .order_by("-stream_seq")
        .values_list("stream_seq", "received_at")
        .first()
    )
    quarantined = (
        RejectedMessage.objects.filter(stream_epoch=epoch, stream_seq__isnull=False)
        .order_by("-stream_seq")
        .values_list("stream_seq", "received_at")
        .first()
    )
    candidates = [row for row in (last, quarantined) if row is not None]
    return max(candidates) if candidates else None


def pattern_set_status(
    *,
    pattern: LogPattern,
    status: str,
    actor: Actor,
    reason: str = "",
    details: dict[str, Any] | None = None,
    record: bool = True,
) -> LogPattern:
    """Mute, resolve or reopen a pattern, and record who did it. A resolved pattern that
    recurs regresses at ingest. Setting the status it has changes and records nothing.

    `record=False` is for a caller that records the change its own way (the ticket sync's
    "resolved by its ticket").
    """
    if status not in LogPattern.Status.values:
        raise ValueError(f"unknown pattern status {status!r}")
    with transaction.atomic():
        # The stored status, not the instance's: the admin's form has set it already.
        previous = (
            LogPattern.objects.select_for_update()
            .filter(pk=pattern.pk)
            .values_list("status", flat=True)
            .get()
        )
        pattern.status = status
        if previous == status:
            return pattern
        pattern.status_changed_at = timezone.now()
        pattern.save(update_fields=["status", "status_changed_at"])
        if record:
            audit_record(
                AuditEvent.Action.PATTERN_STATUS,
                actor,
                obj=pattern,
                pattern_id=pattern.pk,
                reason=reason,
                details={"from": previous, "to": status, **(details or {})},
            )
    return pattern


def patterns_set_status(*, patterns: Sequence[LogPattern], status: str, actor: Actor) -> int:
    """Mute or resolve many patterns at once (the console's bulk action); returns how many."""
    for pattern in patterns:
        pattern_set_status(
            pattern=pattern,
            status=status,
            actor=actor,
            reason="bulk",
            details={"count": len(patterns)},
        )
    return len(patterns)


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
