"""Stored logs back through today's grouping: those whose pattern now differs move to it
(moves.py), as a batch at ingest would have put them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Count, Max, Min, QuerySet

from gogent.audit import Actor, audit_record
from gogent.models import AuditEvent

# The catalog through its module, as ingest does: a restarted process (and a test acting
# as one) replaces logs.patterns.catalog.
from logs import patterns
from logs.models import GroupingState, LogEntry, LogPattern
from logs.patterns import PatternCatalog, PatternChanges
from logs.plant import plant_places
from logs.services.hooks import ingest_hooks
from logs.services.replay.batches import DEFAULT_BATCH_SIZE, REPORT_IDS_MAX, selection_details
from logs.services.replay.moves import Move, logs_move, patterns_merge_emptied
from logs.validation import ParsedLog

LOGS_REPLAYED = AuditEvent.Action.LOGS_REPLAYED


@dataclass(frozen=True, slots=True)
class LogsSelection:
    """Which stored logs to put through grouping again: every filter given must match."""

    pattern_ids: tuple[int, ...] = ()
    service: str = ""
    host: str = ""
    min_severity: int | None = None
    since: datetime | None = None  # the log's timestamp, at or after
    until: datetime | None = None  # before

    def queryset(self) -> QuerySet[LogEntry]:
        logs = LogEntry.objects.all()
        if self.pattern_ids:
            logs = logs.filter(pattern_id__in=self.pattern_ids)
        if self.service:
            logs = logs.filter(service=self.service)
        if self.host:
            logs = logs.filter(hostname=self.host)
        if self.min_severity is not None:
            logs = logs.filter(severity__gte=self.min_severity)
        if self.since is not None:
            logs = logs.filter(timestamp__gte=self.since)
        if self.until is not None:
            logs = logs.filter(timestamp__lt=self.until)
        return logs

    def describe(self) -> dict[str, Any]:
        return selection_details(
            patterns=list(self.pattern_ids)[:REPORT_IDS_MAX],
            service=self.service,
            host=self.host,
            min_severity=self.min_severity,
            since=self.since.isoformat() if self.since else None,
            until=self.until.isoformat() if self.until else None,
        )


@dataclass(slots=True)
class LogsReplay:
    """What a replay of stored logs did (or, dry, would do). In a dry run, patterns that
    would be created have negative ids."""

    dry_run: bool
    total: int = 0
    examined: int = 0
    moved: int = 0  # logs now in another pattern (merges aside)
    moved_from: Counter[int] = field(default_factory=Counter)  # pattern -> logs that left
    moved_to: Counter[int] = field(default_factory=Counter)  # pattern -> logs that came
    created: set[int] = field(default_factory=set)  # patterns that grouping created
    # absorbed -> survivor: grouping's merges, and patterns left without logs whose logs
    # all went to one other pattern.
    merged: dict[int, int] = field(default_factory=dict)
    # Patterns left without stored logs whose logs went to several others: kept as they
    # are (their count is what retention deleted), for an operator to look at.
    emptied: list[int] = field(default_factory=list)
    destinations: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    @property
    def unchanged(self) -> int:
        return self.examined - self.moved


class _StoredLog(NamedTuple):
    pk: int
    message: str
    timestamp: datetime
    hostname: str
    severity: int
    service: str
    stream_epoch: int
    stream_seq: int
    pattern_id: int | None
    plant_id: int | None


def logs_replay(
    *,
    selection: LogsSelection,
    actor: Actor,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[LogsReplay], None] | None = None,
) -> LogsReplay:
    """Put stored logs through grouping again, as ingest would group them now.

    Each batch goes through the process's pattern catalog under the grouping lock, as an
    ingest batch does: templates generalize, patterns are created and merged the same
    way. A log whose pattern now differs moves there: its pattern's count and per-
    severity, host, service and hour statistics go down, the new one's up (a resolved
    pattern that receives logs this way is not a regression: they are not new); the
    highest severity of the pattern left is taken again from what it keeps. A pattern
    left without stored logs whose logs all went to one pattern is merged into it in
    the same batch (patterns_merge_emptied). Then settings.LOGS_INGEST_HOOKS hear of created,
    escalated and merged patterns, so analyses and ticket rules act as at ingest. At
    the end, a pattern left without logs that went to several is reported as emptied,
    and one that keeps all its logs takes its first and last seen from them again. A dry
    run groups in memory, on a copy of the catalog, and writes nothing.
    """
    selected = selection.queryset()
    report = LogsReplay(dry_run=dry_run)
    last_pk = selected.aggregate(last=Max("pk"))["last"]
    if last_pk is None:
        return report
    selected = selected.filter(pk__lte=last_pk)  # logs stored meanwhile are grouped already
    report.total = selected.count()
    preview = _GroupingPreview() if dry_run else None
    after = 0
    while True:
        rows = [
            _StoredLog(*values)
            for values in selected.filter(pk__gt=after)
            .order_by("pk")
            .values_list(*_StoredLog._fields)[:batch_size]
        ]
        if not rows:
            break
        after = rows[-1].pk
        if preview is not None:
            preview.batch(rows, report)
        else:
            _logs_batch(rows, report=report, actor=actor, selection=selection)
        report.examined += len(rows)
        if progress is not None:
            progress(report)
    if preview is not None:
        preview.finish(report)
    else:
        _logs_finish(report)
    return report


def _parsed(row: _StoredLog) -> ParsedLog:
    # Grouping reads the message; counting the rest. The context plays no part.
    return ParsedLog(
        timestamp=row.timestamp,
        hostname=row.hostname,
        severity=row.severity,
        service=row.service,
        message=row.message,
        context={},
    )


def _logs_batch(
    rows: list[_StoredLog], *, report: LogsReplay, actor: Actor, selection: LogsSelection
) -> None:
    logs = [_parsed(row) for row in rows]
    changes = PatternChanges()
    try:
        with transaction.atomic():
            state = patterns.grouping_lock()
            targets = patterns.catalog.group(logs, state, changes)
            # After grouping: a merge it made moved logs (these too) with their counts.
            current = dict(
                LogEntry.objects.filter(pk__in=[row.pk for row in rows]).values_list(
                    "pk", "pattern_id"
                )
            )
            places = plant_places({row.plant_id for row in rows if row.plant_id})
            moves = [
                Move(row.pk, row.stream_epoch, row.stream_seq, log, current[row.pk], target,
                     places.get(row.plant_id))
                for row, log, target in zip(rows, logs, targets, strict=True)
                if row.pk in current and current[row.pk] != target
            ]  # fmt: skip
            if moves:
                logs_move(moves, changes)
                _count_moves(report, [(move.source, move.target) for move in moves])
                # Before the hooks: a pattern created for the logs of one it absorbs
                # takes that one's analysis with it, and needs no other.
                patterns_merge_emptied(
                    {move.source for move in moves if move.source is not None},
                    destinations=report.destinations,
                    state=state,
                    changes=changes,
                )
            if changes.worth_a_hook:
                for hook in ingest_hooks():
                    hook(changes=changes, replies=[])
            if moves or changes.created or changes.merged:
                audit_record(
                    LOGS_REPLAYED,
                    actor,
                    object_type=LogEntry._meta.label_lower,
                    object_repr=f"{len(moves)} of {len(rows)} logs moved to another pattern",
                    reason="grouped again as ingest groups now",
                    details={
                        "moved": _moves_by_pair(moves),
                        "created": sorted(changes.created),
                        "merged": {str(a): s for a, s in changes.merged.items()},
                        "selection": selection.describe(),
                    },
                )
    except BaseException:
        # This process may know patterns and ids that were rolled back.
        patterns.catalog.forget()
        raise
    report.created |= changes.created
    report.merged.update(changes.merged)


def _logs_finish(report: LogsReplay) -> None:
    """Patterns the replay took logs from and did not merge: those left without logs are
    reported as emptied; those that keep all their logs (retention deleted none) take
    their first and last seen from them again."""
    sources = sorted(set(report.moved_from) - set(report.merged))
    if not sources:
        return
    with transaction.atomic():
        patterns.grouping_lock()  # ingest's counting waits: no later log is overwritten
        for source in sources:
            pattern = LogPattern.objects.filter(pk=source, merged_into=None).first()
            if pattern is None:
                continue
            kept = LogEntry.objects.filter(pattern_id=source).aggregate(
                n=Count("pk"), first=Min("timestamp"), last=Max("timestamp")
            )
            if not kept["n"]:
                report.emptied.append(source)
            elif kept["n"] == pattern.count:
                LogPattern.objects.filter(pk=source).update(
                    first_seen=kept["first"], last_seen=kept["last"]
                )


def _count_moves(report: LogsReplay, pairs: Sequence[tuple[int | None, int]]) -> None:
    report.moved += len(pairs)
    for source, target in pairs:
        report.moved_to[target] += 1
        if source is not None:
            report.moved_from[source] += 1
            report.destinations[source].add(target)


def _moves_by_pair(moves: list[Move]) -> list[list]:
    """[[from pattern, to pattern, logs], ...] for the audit row."""
    pairs = Counter((move.source, move.target) for move in moves)
    return [[source, target, n] for (source, target), n in sorted(pairs.items(), key=str)]


class _GroupingPreview:
    """A dry run's grouping: a catalog restored from the table, as a restarted consumer's,
    used in memory only. Patterns it would create get negative ids; patterns its miner
    would merge are followed to their survivor."""

    def __init__(self) -> None:
        self.catalog = PatternCatalog()
        revision = GroupingState.objects.values_list("revision", flat=True).first()
        self.catalog.sync(revision or 0)
        self.survivors: dict[int, int] = {}

    def _resolve(self, pattern_id: int | None) -> int | None:
        while pattern_id in self.survivors:
            pattern_id = self.survivors[pattern_id]
        return pattern_id

    def _group(self, message: str, report: LogsReplay) -> int:
        match = self.catalog.miner.add(message)
        ids = self.catalog.pattern_ids
        if match.cluster.key not in ids:
            ids[match.cluster.key] = -(len(report.created) + 1)
            report.created.add(ids[match.cluster.key])
        target = self._resolve(ids[match.cluster.key])
        for absorbed_key in match.merged:
            absorbed = self._resolve(ids.get(absorbed_key))
            if absorbed is not None and absorbed != target:
                self.survivors[absorbed] = target
                report.merged[absorbed] = target
        return target

    def batch(self, rows: list[_StoredLog], report: LogsReplay) -> None:
        targets = [self._group(row.message, report) for row in rows]
        pairs = [
            (self._resolve(row.pattern_id), target)
            for row, target in zip(rows, targets, strict=True)
        ]
        _count_moves(report, [(source, target) for source, target in pairs if source != target])

    def finish(self, report: LogsReplay) -> None:
        for source, n in sorted(report.moved_from.items()):
            if self._resolve(source) != source:
                continue
            if LogEntry.objects.filter(pattern_id=source).count() > n:
                continue
            targets = {self._resolve(target) for target in report.destinations[source]}
            targets.discard(source)
            if len(targets) == 1:
                report.merged[source] = targets.pop()
            else:
                report.emptied.append(source)
