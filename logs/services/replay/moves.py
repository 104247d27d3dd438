"""Moving stored logs between patterns, for the replay of stored logs: the rows, their
counts and statistics, and the patterns they leave empty. Inside the caller's batch
transaction, with the grouping lock held."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC
from typing import NamedTuple

from django.conf import settings
from django.db import connection

from logs import patterns
from logs.alarms.rollup import alarms_move_count
from logs.models import PLANT_KEYS, GroupingState, LogEntry, LogPattern, LogPatternStat
from logs.patterns import PatternChanges
from logs.place_values import place_values_count, place_values_tally
from logs.plant import Place
from logs.validation import ParsedLog


class Move(NamedTuple):
    """One stored log (LogEntry `pk`) going from pattern `source` to `target`."""

    pk: int
    stream_epoch: int
    stream_seq: int
    log: ParsedLog
    source: int | None  # None: stored before grouping existed
    target: int
    place: Place | None = None  # where the context rules placed it


def logs_move(moves: list[Move], changes: PatternChanges) -> None:
    """Point the logs at their new patterns and carry their counts over: off the patterns
    they leave (_uncount), onto the ones they join as ingest counts (patterns_count,
    patterns_count_hours), except that a resolved pattern does not regress: these logs
    are not new. Their alarms move too (logs.alarms.rollup)."""
    by_target: dict[int, list[int]] = defaultdict(list)
    for move in moves:
        by_target[move.target].append(move.pk)
    for target, pks in by_target.items():
        LogEntry.objects.filter(pk__in=pks).update(pattern_id=target)
    _uncount([(move.source, move.log, move.place) for move in moves if move.source is not None])
    patterns.patterns_count(
        [move.target for move in moves],
        [move.log for move in moves],
        changes,
        places=[move.place for move in moves],
        regress=False,
    )
    alarms_move_count([(move.source, move.target, move.log, move.place) for move in moves])
    seqs: dict[int, list[int]] = defaultdict(list)
    for move in moves:
        seqs[move.stream_epoch].append(move.stream_seq)
    for epoch, in_epoch in seqs.items():
        patterns.patterns_count_hours(epoch, in_epoch)


def patterns_merge_emptied(
    sources: set[int],
    *,
    destinations: Mapping[int, set[int]],
    state: GroupingState,
    changes: PatternChanges,
) -> None:
    """Merge each of `sources` left without stored logs into the one pattern its logs went
    to (`destinations`: pattern -> patterns its logs went to in this replay), with
    pattern_merge: its analyses, tickets, and the counts of logs that retention deleted
    follow. One whose logs went to several is left as it is. `state` is the grouping
    lock's row: a merge is a grouping change, and takes a revision."""
    revision = None
    for source in sorted(sources):
        if LogEntry.objects.filter(pattern_id=source).exists():
            continue
        if not LogPattern.objects.filter(pk=source, merged_into=None).exists():
            continue
        targets = {pattern_survivor(target) for target in destinations.get(source, ())}
        targets.discard(source)
        if len(targets) != 1:
            continue
        if revision is None:
            state.revision += 1
            revision = state.revision
        patterns.pattern_merge(absorbed_id=source, survivor_id=targets.pop(), revision=revision)
        changes.merged[source] = pattern_survivor(source)
    if revision is not None:
        state.save(update_fields=["revision"])


def _uncount(left: list[tuple[int, ParsedLog, Place | None]]) -> None:
    """Take logs off the patterns they left: what patterns_count and patterns_count_hours
    added for them, per pattern and per severity, host, service, hour and place. A
    statistic that reaches 0 goes; the highest severity is taken again from those left."""
    if not left:
        return
    totals: Counter[int] = Counter()
    stats: Counter[tuple[int, str, str]] = Counter()
    for pattern_id, log, place in left:
        totals[pattern_id] += 1
        for key, value in zip(PLANT_KEYS, place or (), strict=False):
            if value:
                stats[(pattern_id, key, value)] += 1
        stats[(pattern_id, patterns.SEVERITY, patterns.SEVERITY_LABELS[log.severity])] += 1
        if log.hostname:
            stats[(pattern_id, patterns.HOST, log.hostname)] += 1
        if log.service:
            stats[(pattern_id, patterns.SERVICE, log.service)] += 1
        stats[
            (pattern_id, patterns.HOUR, log.timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H"))
        ] += 1
    quote = connection.ops.quote_name
    pattern_table = quote(LogPattern._meta.db_table)
    stat_table = quote(LogPatternStat._meta.db_table)
    # Never below 0 (the columns are unsigned): a count can only be short of its logs if
    # it was changed by hand.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {pattern_table} SET count = CASE WHEN count > %s "  # noqa: S608
            "THEN count - %s ELSE 0 END WHERE id = %s",
            [(n, n, pattern_id) for pattern_id, n in totals.items()],
        )
        cursor.executemany(
            f"UPDATE {stat_table} SET count = CASE WHEN count > %s "  # noqa: S608
            "THEN count - %s ELSE 0 END WHERE pattern_id = %s AND dimension = %s AND value = %s",
            [(n, n, *key) for key, n in stats.items()],
        )
    LogPatternStat.objects.filter(pattern_id__in=totals, count=0).delete()
    if settings.PATTERN_VALUE_SKETCHES:
        templates = dict(LogPattern.objects.filter(pk__in=totals).values_list("pk", "template"))
        messages = ((pattern_id, log.message) for pattern_id, log, _ in left)
        place_values_count(place_values_tally(templates, messages), sign=-1)
    highest: dict[int, int] = {}
    severities = {label: value for value, label in patterns.SEVERITY_LABELS.items()}
    for pattern_id, label in LogPatternStat.objects.filter(
        pattern_id__in=totals, dimension=LogPatternStat.Dimension.SEVERITY
    ).values_list("pattern_id", "value"):
        highest[pattern_id] = max(highest.get(pattern_id, 0), severities.get(label, 0))
    for pattern_id, severity in highest.items():
        LogPattern.objects.filter(pk=pattern_id, max_severity__gt=severity).update(
            max_severity=severity
        )


def pattern_survivor(pattern_id: int) -> int:
    """The pattern that holds `pattern_id`'s logs now, following merges."""
    seen = {pattern_id}
    while True:
        merged_into = (
            LogPattern.objects.filter(pk=pattern_id)
            .values_list("merged_into_id", flat=True)
            .first()
        )
        if merged_into is None or merged_into in seen:
            return pattern_id
        seen.add(merged_into)
        pattern_id = merged_into
