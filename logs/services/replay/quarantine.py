"""Quarantined messages back through today's input rules and limits, into the logs."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Max, QuerySet

from gogent.audit import Actor, audit_record
from gogent.models import AuditEvent
from logs.models import LogEntry, RejectedMessage
from logs.services.batch import IncomingMessage
from logs.services.ingest import (
    DATABASE_UNAVAILABLE,
    MESSAGE_FAULTS,
    STORE_FAILED_DETAIL_MAX,
    logs_ingest_batch,
)
from logs.services.replay.batches import DEFAULT_BATCH_SIZE, REPORT_IDS_MAX, selection_details
from logs.validation import Limits, LogRejected, parse_log_message

logger = logging.getLogger(__name__)

QUARANTINE_REPLAYED = AuditEvent.Action.QUARANTINE_REPLAYED
# Why a quarantined message cannot be replayed.
TRUNCATED = "truncated"
NO_STREAM_POSITION = "no_stream_position"
NOT_REPLAYABLE_LABELS = {
    TRUNCATED: "payload kept only in part (REJECTED_RAW_MAX_BYTES)",
    NO_STREAM_POSITION: "never reached the stream: no identity to store it under once",
}


@dataclass(frozen=True, slots=True)
class QuarantineSelection:
    """Which quarantined messages to replay: every filter given must match (none: all)."""

    reasons: tuple[str, ...] = ()
    since: datetime | None = None  # received at or after
    until: datetime | None = None  # received before
    ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.reasons) - set(RejectedMessage.Reason.values))
        if unknown:
            raise ValueError(
                f"unknown reason {', '.join(unknown)}; reasons are "
                + ", ".join(RejectedMessage.Reason.values)
            )

    def queryset(self) -> QuerySet[RejectedMessage]:
        rejected = RejectedMessage.objects.all()
        if self.reasons:
            rejected = rejected.filter(reason__in=self.reasons)
        if self.since is not None:
            rejected = rejected.filter(received_at__gte=self.since)
        if self.until is not None:
            rejected = rejected.filter(received_at__lt=self.until)
        if self.ids:
            rejected = rejected.filter(pk__in=self.ids)
        return rejected

    def describe(self) -> dict[str, Any]:
        return selection_details(
            reasons=list(self.reasons),
            since=self.since.isoformat() if self.since else None,
            until=self.until.isoformat() if self.until else None,
            ids=list(self.ids)[:REPORT_IDS_MAX],
        )


@dataclass(slots=True)
class QuarantineReplay:
    """What a quarantine replay did (or, dry, would do)."""

    dry_run: bool
    total: int = 0  # selected when the replay started
    examined: int = 0
    replayed: int = 0  # stored as logs by this replay, and out of quarantine
    already_stored: int = 0  # a log held their place already: out of quarantine
    still_rejected: Counter[str] = field(default_factory=Counter)  # by today's reason
    updated: int = 0  # still rejected, with another reason or detail than before
    not_replayable: Counter[str] = field(default_factory=Counter)  # TRUNCATED, ...
    not_replayable_ids: list[int] = field(default_factory=list)  # the first few


class _Position(NamedTuple):
    epoch: int
    seq: int


def quarantine_replay(
    *,
    selection: QuarantineSelection,
    actor: Actor,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[QuarantineReplay], None] | None = None,
) -> QuarantineReplay:
    """Put quarantined messages through today's input rules (limits from settings now).

    Those that pass are stored through logs_ingest_batch() under their own place in the
    stream and leave quarantine; a place that holds a log already (a redelivery got
    through after the rules changed) is not stored again, its quarantine row just goes.
    Those that still fail stay, their reason and detail brought up to date. A payload
    kept only in part, or one that never reached the stream, cannot be replayed and is
    counted as such. A message whose log the database refuses stays as `store_failed`
    with the error. Batches of `batch_size`, each one transaction with its audit row;
    `progress` hears after each. dry_run changes nothing and reports the same.
    """
    selected = selection.queryset()
    report = QuarantineReplay(dry_run=dry_run)
    last_pk = selected.aggregate(last=Max("pk"))["last"]
    if last_pk is None:
        return report
    # Messages quarantined while the replay runs are not part of it.
    selected = selected.filter(pk__lte=last_pk)
    report.total = selected.count()
    after = 0
    while rows := list(selected.filter(pk__gt=after).order_by("pk")[:batch_size]):
        after = rows[-1].pk
        _quarantine_batch(rows, report=report, actor=actor, selection=selection)
        report.examined += len(rows)
        if progress is not None:
            progress(report)
    return report


def _quarantine_batch(
    rows: list[RejectedMessage],
    *,
    report: QuarantineReplay,
    actor: Actor,
    selection: QuarantineSelection,
) -> None:
    limits = Limits.from_settings()
    passing: list[tuple[RejectedMessage, IncomingMessage]] = []
    failing: list[tuple[RejectedMessage, LogRejected]] = []
    for row in rows:
        why = _not_replayable(row)
        if why:
            report.not_replayable[why] += 1
            if len(report.not_replayable_ids) < REPORT_IDS_MAX:
                report.not_replayable_ids.append(row.pk)
            continue
        data = bytes(row.raw)
        try:
            parse_log_message(data, received_at=row.received_at, limits=limits)
        except LogRejected as rejection:
            failing.append((row, rejection))
            continue
        message = IncomingMessage(
            subject=row.subject,
            stream_seq=row.stream_seq,
            data=data,
            received_at=row.received_at,
            stream_epoch=row.stream_epoch,
        )
        passing.append((row, message))

    changed = [
        (row, rejection)
        for row, rejection in failing
        if (row.reason, row.detail) != (rejection.reason, rejection.detail)
    ]
    if report.dry_run:
        stored = _stored_positions(message for _, message in passing)
        report.already_stored += sum(_position(m) in stored for _, m in passing)
        report.replayed += sum(_position(m) not in stored for _, m in passing)
        report.still_rejected.update(rejection.reason for _, rejection in failing)
        report.updated += len(changed)
        return

    with transaction.atomic():
        stored_before = _stored_positions(message for _, message in passing)
        errors = _ingest_each([m for _, m in passing if _position(m) not in stored_before])
        stored_after = _stored_positions(message for _, message in passing)
        out = [(row, m) for row, m in passing if _position(m) in stored_after]
        RejectedMessage.objects.filter(pk__in=[row.pk for row, _ in out]).delete()
        for row, message in passing:
            if _position(message) not in stored_after:
                detail = errors.get(_position(message), "not stored on replay")
                rejection = LogRejected(
                    RejectedMessage.Reason.STORE_FAILED, detail[:STORE_FAILED_DETAIL_MAX]
                )
                failing.append((row, rejection))
                if (row.reason, row.detail) != (rejection.reason, rejection.detail):
                    changed.append((row, rejection))
        for row, rejection in changed:
            row.reason, row.detail = rejection.reason, rejection.detail
        RejectedMessage.objects.bulk_update([row for row, _ in changed], ["reason", "detail"])
        replayed = [m for _, m in out if _position(m) not in stored_before]
        already = [m for _, m in out if _position(m) in stored_before]
        if out or changed:
            audit_record(
                QUARANTINE_REPLAYED,
                actor,
                object_type=RejectedMessage._meta.label_lower,
                object_repr=f"{len(out)} of {len(rows)} quarantined messages stored",
                reason="replayed with the input rules and limits of now",
                details={
                    # Places in the stream ("epoch:sequence"): the stored logs carry them.
                    "replayed": [_label(m) for m in replayed],
                    "already_stored": [_label(m) for m in already],
                    # Kept in quarantine with a new reason or detail.
                    "updated": [row.pk for row, _ in changed],
                    "selection": selection.describe(),
                },
            )
    report.replayed += len(replayed)
    report.already_stored += len(already)
    report.still_rejected.update(rejection.reason for _, rejection in failing)
    report.updated += len(changed)


def _not_replayable(row: RejectedMessage) -> str:
    if row.stream_seq is None:
        return NO_STREAM_POSITION
    if row.is_truncated:
        return TRUNCATED
    return ""


def _ingest_each(messages: list[IncomingMessage]) -> dict[_Position, str]:
    """Store the messages; the error of each one the database refuses, by its place.

    Inside the caller's transaction: each try is a savepoint, rolled back alone. As in
    logs_ingest(), a failure that is no message's fault propagates, and the batch with
    it: the database being away, or every message failing alike unless the database
    blamed the data (a bug would otherwise mark a whole quarantine `store_failed`).
    """
    failures = _failures(messages)
    if (
        messages
        and len(failures) == len(messages)
        and not all(isinstance(error, MESSAGE_FAULTS) for error in failures.values())
    ):
        raise next(iter(failures.values()))
    for position, error in failures.items():
        logger.warning(
            "replay of message %d:%d not stored: %s: %s", *position, type(error).__name__, error
        )
    return {position: f"{type(error).__name__}: {error}" for position, error in failures.items()}


def _failures(messages: list[IncomingMessage]) -> dict[_Position, Exception]:
    if not messages:
        return {}
    try:
        logs_ingest_batch(messages)
        return {}
    except DATABASE_UNAVAILABLE:
        raise
    except Exception as error:
        if len(messages) == 1:
            return {_position(messages[0]): error}
    failures: dict[_Position, Exception] = {}
    for message in messages:
        failures.update(_failures([message]))
    return failures


def _position(message: IncomingMessage) -> _Position:
    return _Position(message.stream_epoch, message.stream_seq)


def _label(message: IncomingMessage) -> str:
    return f"{message.stream_epoch}:{message.stream_seq}"


def _stored_positions(messages: Iterable[IncomingMessage]) -> set[_Position]:
    """The places among the messages' that hold a stored log."""
    seqs: dict[int, list[int]] = defaultdict(list)
    for message in messages:
        seqs[message.stream_epoch].append(message.stream_seq)
    stored: set[_Position] = set()
    for epoch, in_epoch in seqs.items():
        stored.update(
            _Position(epoch, seq)
            for seq in LogEntry.objects.filter(
                stream_epoch=epoch, stream_seq__in=in_epoch
            ).values_list("stream_seq", flat=True)
        )
    return stored
