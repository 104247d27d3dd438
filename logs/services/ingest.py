"""Storing a batch: logs_ingest_batch() in one transaction, logs_ingest() around it so
that one message cannot hold back the rest, and quarantine for what cannot be stored."""

from __future__ import annotations

import dataclasses
import logging
import operator
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

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

from gogent.db import insert_rows

# The catalog through its module, not imported by name: a restarted process (and a test
# acting as one) replaces logs.patterns.catalog, and ingest must group with that one.
from logs import patterns
from logs.alarms.rollup import alarms_count
from logs.models import IngestEvent, LogEntry, RejectedMessage
from logs.place_values import KnownValues
from logs.plant import Place, plant_ids, plant_ids_remembered, plant_mapper
from logs.services.batch import IncomingMessage, IngestResult, by_epoch
from logs.services.hooks import ingest_hooks
from logs.services.receipts import batch_receipts
from logs.services.rows import (
    REJECTED_COLUMNS,
    datetime_adapter,
    entry_row,
    insert_entry_rows,
    insert_stream_rows,
    rejected_row,
    volume_count,
    volume_tally,
)
from logs.services.status import patterns_wake
from logs.validation import (
    Limits,
    LogRejected,
    ParsedLog,
    parse_log_message,
    reply_subject_problem,
)

logger = logging.getLogger(__name__)
# Failures of the database itself, not of any message in the batch: retrying the same
# batch later is right, splitting it would only quarantine good logs.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What the database says is wrong with the data itself.
MESSAGE_FAULTS = (DataError, IntegrityError)
STORE_FAILED_DETAIL_MAX = 2000


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
            insert_stream_rows(
                cursor,
                RejectedMessage,
                REJECTED_COLUMNS,
                [rejected_row(message, rejection, datetime_adapter())],
            )
            _count_bad_replies(result)
    if not stored:
        result.rejected[reason] += 1
        result.rejected_seqs.add(message.stream_seq)
        result.receipts = batch_receipts([], [(message, rejection)])
    return result


def logs_ingest_batch(messages: Sequence[IncomingMessage]) -> IngestResult:
    """Validate, group and store a batch in one transaction; the caller acks after it returns.

    Redelivered messages (a stream sequence already stored) are left out before
    counting, so calling this twice with the same batch stores and counts each log
    once; the unique index on the place in the stream backs that up.
    """
    started = time.perf_counter()
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
        patterns.catalog.forget()
        raise
    result.duplicates = len(entries) - result.stored
    result.ignored = ignored
    result.rejected.update(rejection.reason for _, rejection in rejections)
    result.rejected_seqs = {message.stream_seq for message, _ in rejections}
    result.receipts = batch_receipts(entries, rejections)
    result.seconds = time.perf_counter() - started
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
    """Match the batch in memory, then store it in one transaction: under the grouping
    lock if it changes patterns, else beside other consumers' batches (logs.patterns)."""
    grouping = patterns.catalog.match([log for _, log in entries]) if entries else None
    if grouping is not None and not grouping.changes_patterns:
        prepared = _prepare(entries, grouping)
        try:
            _store_in_transaction(
                entries, grouping, rejections, result, exclusive=False, prepared=prepared
            )
            return
        except patterns.CatalogMoved as moved:
            logger.info("grouping a batch again, under the lock: %s", moved)
            grouping = None
    _store_in_transaction(entries, grouping, rejections, result, exclusive=True)


def _store_in_transaction(
    entries: list[tuple[IncomingMessage, ParsedLog]],
    grouping: patterns.Grouping | None,
    rejections: list[tuple[IncomingMessage, LogRejected]],
    result: IngestResult,
    *,
    exclusive: bool,
    prepared: _Prepared | None = None,
) -> None:
    """The batch's one transaction: pattern ids, insert, count, call the hooks."""
    adapt_datetime = prepared.adapt_datetime if prepared is not None else datetime_adapter()
    locked_at = counting_at = None
    with transaction.atomic(), connection.cursor() as cursor:
        if entries:
            if exclusive:
                state = patterns.grouping_lock()
                locked_at = time.perf_counter()
                logs = [log for _, log in entries]
                all_ids = patterns.catalog.pattern_ids_locked(
                    logs, grouping, state, result.patterns
                )
            else:
                all_ids = patterns.catalog.pattern_ids_shared(grouping)
            known = grouping.place_values if grouping is not None else None
            counting_at = _store_logs(
                cursor, entries, all_ids, result, adapt_datetime, known, prepared
            )
        if rejections:
            insert_stream_rows(
                cursor,
                RejectedMessage,
                REJECTED_COLUMNS,
                [rejected_row(m, r, adapt_datetime) for m, r in rejections],
            )
        _count_bad_replies(result)
    committed_at = time.perf_counter()
    if counting_at is not None:
        result.counting_seconds += committed_at - counting_at
    if locked_at is not None:
        result.locked_seconds += committed_at - locked_at
        result.locked_transactions += 1


def _store_logs(
    cursor: Any,
    entries: list[tuple[IncomingMessage, ParsedLog]],
    all_pattern_ids: list[int],
    result: IngestResult,
    adapt_datetime: Callable[[datetime], Any],
    place_values: KnownValues | None = None,
    prepared: _Prepared | None = None,
) -> float:
    """Insert the logs not stored yet and count them; return when counting began.

    Counting comes last and in one order (stream place, pattern id, key), so batches
    counting on the same rows hold them briefly and wait for each other in line, never in
    a cycle. `prepared` serves when its pattern ids still hold and every log is new."""
    new_entries, pattern_ids = _not_yet_stored(entries, all_pattern_ids)
    if prepared is not None and (new_entries is not entries or pattern_ids != prepared.pattern_ids):
        prepared = None
    logs = [log for _, log in new_entries]
    if prepared is None:
        places, place_ids = _places(logs)
        rows = _entry_rows(new_entries, pattern_ids, places, place_ids, adapt_datetime)
    else:
        places, place_ids, rows = prepared.places, prepared.place_ids, prepared.rows
    # The full-text index (logs.search) follows in this transaction.
    inserted = insert_entry_rows(cursor, rows)
    if inserted is not None and len(inserted) < len(new_entries):
        # Another consumer stored some of them since _not_yet_stored looked: theirs.
        kept = [
            i for i, (m, _) in enumerate(new_entries) if (m.stream_epoch, m.stream_seq) in inserted
        ]
        new_entries = [new_entries[i] for i in kept]
        pattern_ids = [pattern_ids[i] for i in kept]
        places = [places[i] for i in kept]
        logs = [logs[i] for i in kept]
        prepared = None
    result.stored = len(new_entries)
    counting_at = time.perf_counter()
    for epoch, seqs in by_epoch(m for m, _ in new_entries).items():
        patterns.patterns_count_hours(epoch, seqs)
    volume = prepared.volume if prepared is not None else volume_tally(new_entries)
    volume_count(cursor, volume, adapt_datetime)
    alarms_count(pattern_ids=pattern_ids, logs=logs, places=places, place_ids=place_ids)
    patterns.patterns_count(
        pattern_ids,
        logs,
        result.patterns,
        places=places,
        place_values=place_values,
        tallies=prepared.tallies if prepared is not None else None,
    )
    # A pattern snoozed "for N more logs" wakes with the log that passes the mark.
    patterns_wake(pattern_ids=set(pattern_ids))
    replies = [
        (m.reply_to, m.stream_seq, pattern_id)
        for (m, _), pattern_id in zip(new_entries, pattern_ids, strict=True)
        if m.reply_to
    ]
    if replies or result.patterns.worth_a_hook:
        for hook in ingest_hooks():
            hook(changes=result.patterns, replies=replies)
    return counting_at


def _places(logs: list[ParsedLog]) -> tuple[list[Place | None], dict[Place | None, int]]:
    """Each log's place by the context rules, and the PlantContext id of each place."""
    mapper = plant_mapper()
    if not mapper.rules:
        return [None] * len(logs), {}
    places = [mapper.place(log) for log in logs]
    return places, plant_ids(place for place in places if place is not None)


def _entry_rows(
    entries: list[tuple[IncomingMessage, ParsedLog]],
    pattern_ids: list[int],
    places: list[Place | None],
    place_ids: dict[Place | None, int],
    adapt_datetime: Callable[[datetime], Any],
) -> list[tuple]:
    return [
        entry_row(m, log, pattern_id, place_ids.get(place), adapt_datetime)
        for (m, log), pattern_id, place in zip(entries, pattern_ids, places, strict=True)
    ]


@dataclasses.dataclass(frozen=True, slots=True)
class _Prepared:
    """A batch's rows and counts, worked out before its transaction for the pattern ids
    its match gave, so that the transaction (which on SQLite holds the one write lock every
    consumer waits for) only writes them."""

    pattern_ids: list[int]
    places: list[Place | None]
    place_ids: dict[Place | None, int]
    rows: list[tuple]
    volume: Counter[tuple[datetime, int]]
    tallies: patterns.PatternTallies
    adapt_datetime: Callable[[datetime], Any]


def _prepare(
    entries: list[tuple[IncomingMessage, ParsedLog]], grouping: patterns.Grouping
) -> _Prepared | None:
    """The batch prepared for its transaction, or None where only the transaction can tell
    (a place in the plant never stored yet)."""
    pattern_ids = patterns.catalog.pattern_ids_matched(grouping)
    logs = [log for _, log in entries]
    mapper = plant_mapper()
    places: list[Place | None] = [None] * len(logs)
    place_ids: dict[Place | None, int] = {}
    if mapper.rules:
        places = [mapper.place(log) for log in logs]
        remembered = plant_ids_remembered(place for place in places if place is not None)
        if remembered is None:
            return None
        place_ids = remembered
    adapt_datetime = datetime_adapter()
    templates = {
        pattern_id: match.cluster.template
        for pattern_id, match in zip(pattern_ids, grouping.matches, strict=True)
    }
    return _Prepared(
        pattern_ids=pattern_ids,
        places=places,
        place_ids=place_ids,
        rows=_entry_rows(entries, pattern_ids, places, place_ids, adapt_datetime),
        volume=volume_tally(entries),
        tallies=patterns.pattern_tallies(
            pattern_ids,
            logs,
            places=places,
            templates=templates,
            place_values=grouping.place_values,
        ),
        adapt_datetime=adapt_datetime,
    )


def _ignored_subjects() -> frozenset[str]:
    return frozenset(filter(None, [settings.ANALYSIS_RESULTS_SUBJECT]))


def _not_yet_stored(
    entries: list[tuple[IncomingMessage, ParsedLog]], pattern_ids: list[int]
) -> tuple[list[tuple[IncomingMessage, ParsedLog]], list[int]]:
    """The entries whose place in the stream holds no log yet, in stream order, and their
    pattern ids."""
    stored: set[tuple[int, int]] = set()
    for epoch, seqs in by_epoch(m for m, _ in entries).items():
        stored.update(
            (epoch, seq)
            for seq in LogEntry.objects.filter(
                stream_epoch=epoch, stream_seq__range=(min(seqs), max(seqs))
            ).values_list("stream_seq", flat=True)
        )
    positions = [(m.stream_epoch, m.stream_seq) for m, _ in entries]
    if not stored and all(map(operator.lt, positions, positions[1:])):
        return entries, pattern_ids  # the common batch: all new, in stream order
    new = sorted(
        (
            (m.stream_epoch, m.stream_seq, m, log, pattern_id)
            for (m, log), pattern_id in zip(entries, pattern_ids, strict=True)
            if (m.stream_epoch, m.stream_seq) not in stored
        ),
        key=lambda item: item[:2],
    )
    return [(m, log) for _, _, m, log, _ in new], [pattern_id for *_, pattern_id in new]
