"""Pattern assignment at ingest: the LogPattern table and an in-memory TemplateMiner in step.

The table is the source of truth. Each process keeps a TemplateMiner restored
from it; GroupingState.revision orders every change to patterns (new, generalized,
merged), and a process catches up on what others changed since the revision it knows.

A batch is matched in memory before its transaction. Most batches change no pattern:
they hold the grouping lock in shared mode and only count, so consumers store side by
side. A batch that changes patterns holds it exclusively for its transaction
(grouping_lock), so two consumers never both create a pattern for one template, and a
merge waits for the batches counting on the patterns it moves. Counters are increments
taken in one order (pattern id, key) by every batch, so batches that share patterns wait
for each other briefly instead of deadlocking. On PostgreSQL the lock is an advisory
lock plus the GroupingState row; SQLite runs one writing transaction at a time anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.module_loading import import_string

from gogent.db import insert_rows
from logs.alarms.rollup import ALARM_ROLLUPS, alarms_merge
from logs.grouping import Cluster, GroupMatch, TemplateMiner
from logs.grouping.corrections import SPLIT_VALUES_MAX, Correction, Corrections
from logs.models import (
    PLANT_KEYS,
    GroupingRule,
    GroupingState,
    LogEntry,
    LogPattern,
    LogPatternStat,
    Severity,
)
from logs.place_values import (
    KnownValues,
    pattern_sketches_drop,
    place_values_count,
    place_values_known,
    place_values_tally,
)
from logs.plant import Place
from logs.validation import ParsedLog

# Plain strings, not enum members: they key dicts in the ingest hot path.
SEVERITY = str(LogPatternStat.Dimension.SEVERITY.value)
HOST = str(LogPatternStat.Dimension.HOST.value)
SERVICE = str(LogPatternStat.Dimension.SERVICE.value)
HOUR = str(LogPatternStat.Dimension.HOUR.value)
SEVERITY_LABELS = {int(severity.value): str(severity.label) for severity in Severity}


@dataclass(slots=True)
class PatternChanges:
    """What a batch did to patterns, for work that follows the commit (analysis)."""

    created: set[int] = field(default_factory=set)
    generalized: set[int] = field(default_factory=set)
    regressed: set[int] = field(default_factory=set)
    escalated: set[int] = field(default_factory=set)  # their highest severity rose
    merged: dict[int, int] = field(default_factory=dict)  # absorbed id -> survivor id

    @property
    def worth_a_hook(self) -> bool:
        """Something LOGS_INGEST_HOOKS act on (generalized templates alone are not)."""
        return bool(self.created or self.regressed or self.escalated or self.merged)


# PostgreSQL advisory lock key of the grouping lock ("gogent grouping" in ASCII, folded).
GROUPING_LOCK_KEY = 0x676F67656E74_67


def grouping_lock() -> GroupingState:
    """Lock the grouping state for this transaction: one batch groups at a time, and no
    batch counts under a shared lock meanwhile (grouping_revision(share=True))."""
    if connection.vendor == "postgresql":
        # Advisory locks queue fairly: a waiting exclusive request holds back new shared
        # ones, where a row's FOR SHARE would let a stream of batches starve a merge.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GROUPING_LOCK_KEY])
    state, _ = GroupingState.objects.select_for_update().get_or_create(pk=1)
    return state


def grouping_revision(*, share: bool = False) -> int | None:
    """The grouping revision; None before the first pattern. share=True holds the grouping
    lock in shared mode for this transaction: batches count side by side, and no pattern
    changes until the transaction ends. (On SQLite the transaction holds the database.)"""
    table = connection.ops.quote_name(GroupingState._meta.db_table)
    with connection.cursor() as cursor:
        if share and connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [GROUPING_LOCK_KEY])
        cursor.execute(f"SELECT revision FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else row[0]


class CatalogMoved(Exception):
    """The catalog changed under a batch matched without the lock in a way its matches
    cannot follow (the table went back in time): group it again under the lock."""


@dataclass(slots=True)
class Grouping:
    """A batch matched against this process's catalog, before its transaction."""

    matches: list[GroupMatch]
    revision: int  # the catalog's revision the matches were made at
    changes_patterns: bool  # a new, generalized or merged pattern: needs the grouping lock
    # Each log's values under its template as matched, for the inspector's counts.
    place_values: KnownValues = field(default_factory=dict)


class PatternCatalog:
    """One process's view of LogPattern: a miner restored from the table, plus key -> id."""

    def __init__(self) -> None:
        self.miner = TemplateMiner()
        self.pattern_ids: dict[str, int] = {}
        self.revision = -1
        self.corrections = Corrections()
        # split rule id -> keys of the patterns it made (SPLIT_VALUES_MAX at most), and back
        self.split_keys: dict[int, set[str]] = {}
        self.split_rule_of: dict[str, int] = {}

    def forget(self) -> None:
        """Drop everything: the next sync reads every pattern from the table again. For a
        batch whose transaction was rolled back: this process may know ids it never
        committed, even at the revision the table still has."""
        self.__init__()

    def sync(self, revision: int) -> None:
        """Take in every pattern created or changed since the revision this process knows."""
        if revision < self.revision:
            # The table went back in time: a batch that changed patterns was rolled back,
            # a backup was restored, or a test database was reset.
            self.forget()
        if revision == self.revision:
            return
        changed = (
            LogPattern.objects.filter(revision__gt=self.revision)
            .order_by("revision", "id")
            .values_list("id", "key", "template", "merged_into_id", "split_rule_id")
        )
        for pattern_id, key, template, merged_into_id, split_rule_id in changed:
            if merged_into_id is not None:
                self.miner.discard(key)
                self._redirect(key, merged_into_id)
            elif split_rule_id is not None:
                # The rule sends logs there; in the miner it could be generalized back.
                self.miner.discard(key)
                self.pattern_ids[key] = pattern_id
                self.split_keys.setdefault(split_rule_id, set()).add(key)
                self.split_rule_of[key] = split_rule_id
            else:
                self.miner.restore(template, key)
                self.pattern_ids[key] = pattern_id
        rules = GroupingRule.objects.filter(undone_at=None).select_related("source")
        active = [
            Correction(rule.pk, rule.template, rule.source.key if rule.source else "",
                       rule.place, rule.value)
            for rule in rules.order_by("-pk")
        ]  # fmt: skip
        if active != self.corrections.corrections:  # else keep what it remembers
            self.corrections = Corrections(active)
        self.revision = revision

    def _redirect(self, key: str, survivor_id: int) -> None:
        """Send a key, and every key that led to its pattern, to the surviving pattern."""
        absorbed_id = self.pattern_ids.get(key)
        self.pattern_ids[key] = survivor_id
        if absorbed_id is not None and absorbed_id != survivor_id:
            for other, pattern_id in self.pattern_ids.items():
                if pattern_id == absorbed_id:
                    self.pattern_ids[other] = survivor_id

    def match(self, logs: Sequence[ParsedLog]) -> Grouping:
        """Each log's cluster, found in memory, outside any transaction. The miner may make
        clusters and templates no one stored yet: pattern_ids_locked() stores them, or
        groups the batch again under the lock if another process changed patterns first."""
        revision = grouping_revision()
        if revision is not None:
            self.sync(revision)
        matches = self._add(logs)
        known = self.pattern_ids
        return Grouping(
            matches=matches,
            revision=self.revision,
            changes_patterns=any(
                match.template_changed or match.merged or match.cluster.key not in known
                for match in matches
            ),
            place_values=self._place_values(matches, logs),
        )

    @staticmethod
    def _place_values(matches: list[GroupMatch], logs: Sequence[ParsedLog]) -> KnownValues:
        if not settings.PATTERN_VALUE_SKETCHES:
            return {}
        # A cluster's template is the batch's last one by now: the one counting will read.
        pairs = zip(
            (match.cluster.template for match in matches),
            (log.message for log in logs),
            strict=True,
        )
        return place_values_known(pairs)

    def pattern_ids_matched(self, grouping: Grouping) -> list[int]:
        """For a batch that changes no pattern: each log's pattern id as its match found it,
        before the transaction, where pattern_ids_shared() confirms it."""
        pattern_ids = self.pattern_ids
        return [pattern_ids[match.cluster.key] for match in grouping.matches]

    def pattern_ids_shared(self, grouping: Grouping) -> list[int]:
        """For a batch that changes no pattern, inside its transaction: each log's pattern
        id, with the grouping state locked in share mode (see grouping_revision) and what
        other processes changed since the match followed (a merge sends a key to its
        survivor). Raises CatalogMoved when the matches cannot be followed."""
        revision = grouping_revision(share=True)
        if revision is None:
            raise CatalogMoved("no grouping state yet")
        self.sync(revision)
        pattern_ids = self.pattern_ids
        try:
            # A cluster keeps its key, also when it absorbs others or the miner drops it.
            return [pattern_ids[match.cluster.key] for match in grouping.matches]
        except KeyError as error:
            raise CatalogMoved(f"pattern key {error} is gone") from None

    def pattern_ids_locked(
        self,
        logs: Sequence[ParsedLog],
        grouping: Grouping | None,
        state: GroupingState,
        changes: PatternChanges,
    ) -> list[int]:
        """For a batch that changes patterns, inside its transaction, with state from
        grouping_lock(): store what its match made. If another process changed patterns
        since (or grouping is None), the miner's own clusters from that match may
        duplicate theirs: it is restored from the table and the batch grouped again."""
        if grouping is None or state.revision != grouping.revision:
            self.forget()
            return self.group(logs, state, changes)
        return self._store_matches(logs, grouping.matches, state, changes)

    def group(
        self, logs: Sequence[ParsedLog], state: GroupingState, changes: PatternChanges
    ) -> list[int]:
        """The pattern id of each log, creating and generalizing patterns as needed.

        Call inside the batch's transaction, with state from grouping_lock().
        """
        self.sync(state.revision)
        matches = self._add(logs)
        return self._store_matches(logs, matches, state, changes)

    def _add(self, logs: Sequence[ParsedLog]) -> list[GroupMatch]:
        """Each log's match: by an operator's correction if one takes it, else the miner's."""
        corrections = self.corrections
        if not corrections:
            return [self.miner.add(log.message) for log in logs]
        matches = []
        made: dict[int, set[str]] = {}  # split rule -> keys this batch would add
        for log in logs:
            routed = corrections.route(log.message)
            if routed is not None:
                correction, value = routed
                match = corrections.match(correction, value)
                if value is None or self._split_has_room(correction.rule_id, match, made):
                    matches.append(match)
                    continue
            matches.append(self.miner.add(log.message))
        return matches

    def _split_has_room(self, rule_id: int, match: GroupMatch, made: dict[int, set[str]]) -> bool:
        key = match.cluster.key
        known = self.split_keys.get(rule_id, set())
        if key in known:
            return True
        added = made.setdefault(rule_id, set())
        if key not in added and len(known) + len(added) >= SPLIT_VALUES_MAX:
            return False
        added.add(key)
        self.split_rule_of[key] = rule_id
        return True

    def _store_matches(
        self,
        logs: Sequence[ParsedLog],
        matches: list[GroupMatch],
        state: GroupingState,
        changes: PatternChanges,
    ) -> list[int]:
        new: dict[str, ParsedLog] = {}
        generalized: dict[str, Cluster] = {}
        merges: list[tuple[str, str]] = []
        for log, match in zip(logs, matches, strict=True):
            key = match.cluster.key
            if key not in self.pattern_ids:
                new.setdefault(key, log)
            elif match.template_changed:
                generalized[key] = match.cluster
            merges.extend((key, absorbed) for absorbed in match.merged)

        if new or generalized or merges:
            state.revision += 1
            self._create(new, matches, state.revision, changes)
            for key, cluster in generalized.items():
                LogPattern.objects.filter(pk=self.pattern_ids[key]).update(
                    template=cluster.template, revision=state.revision
                )
                changes.generalized.add(self.pattern_ids[key])
            for survivor_key, absorbed_key in merges:
                survivor = self.pattern_ids[survivor_key]
                absorbed = self.pattern_ids.get(absorbed_key, survivor)
                # A cluster re-made after a restart can carry a key that already leads to
                # the survivor (its pattern was merged before), or one never stored:
                # nothing to fold then.
                if absorbed != survivor:
                    pattern_merge(
                        absorbed_id=absorbed, survivor_id=survivor, revision=state.revision
                    )
                    changes.merged[absorbed] = survivor
                self._redirect(absorbed_key, survivor)
            state.save(update_fields=["revision"])
            self.revision = state.revision
        return [self.pattern_ids[match.cluster.key] for match in matches]

    def _create(
        self,
        new: dict[str, ParsedLog],
        matches: list[GroupMatch],
        revision: int,
        changes: PatternChanges,
    ) -> None:
        templates = {m.cluster.key: m.cluster.template for m in matches if m.cluster.key in new}
        split_rules = self.split_rule_of
        LogPattern.objects.bulk_create(
            [
                LogPattern(
                    key=key,
                    template=templates[key],
                    sample_message=log.message,
                    first_seen=log.timestamp,
                    last_seen=log.timestamp,
                    count=0,  # counted with the batch, as for every other pattern
                    max_severity=log.severity,
                    revision=revision,
                    split_rule_id=split_rules.get(key),
                )
                for key, log in new.items()
            ],
            # A key can exist already: its cluster was evicted from this miner, then re-made.
            ignore_conflicts=True,
        )
        for pattern_id, key, template, merged_into_id in LogPattern.objects.filter(
            key__in=new
        ).values_list("id", "key", "template", "merged_into_id"):
            if merged_into_id is not None:
                self._redirect(key, merged_into_id)
                continue
            self.pattern_ids[key] = pattern_id
            if key in split_rules:
                self.split_keys.setdefault(split_rules[key], set()).add(key)
                changes.created.add(pattern_id)
            elif template != templates[key]:
                self.miner.restore(template, key)  # the stored pattern is the truth
            else:
                changes.created.add(pattern_id)


class PatternMergeHook(Protocol):
    """One of settings.PATTERN_MERGE_HOOKS: settles, before a merge moves the absorbed
    pattern's rows, what the move would break (two active tickets on one integration
    would break the one-active-ticket constraint). Called inside the merge's transaction
    with both patterns locked."""

    def __call__(self, *, absorbed_id: int, survivor_id: int) -> None: ...


@cache
def _merge_hooks_for(paths: tuple[str, ...]) -> tuple[PatternMergeHook, ...]:
    return tuple(import_string(path) for path in paths)


def pattern_merge_hooks() -> tuple[PatternMergeHook, ...]:
    return _merge_hooks_for(tuple(settings.PATTERN_MERGE_HOOKS))


def pattern_merge(
    *, absorbed_id: int, survivor_id: int, revision: int, record: bool = False
) -> dict[str, Any]:
    """Fold one pattern into another: counts, logs and everything attached move over.

    First settings.PATTERN_MERGE_HOOKS settle conflicts (see PatternMergeHook); then every
    row that points at the absorbed pattern through a foreign key (logs, analyses,
    tickets, ...) is moved, so no app's rows can stay behind on a pattern that no longer
    counts, whether or not the app declared a hook.

    With `record` (an operator's merge, which can be undone), returns what an undo would
    give back (pattern_merge_undo): the ids of the rows moved other than logs (those are
    moved back by their template), by "app_label.Model.field", and whether the survivor
    took the absorbed pattern's explanation. Ingest's merges record nothing: {}.
    """
    if absorbed_id == survivor_id:
        raise ValueError(f"pattern {absorbed_id} cannot be merged into itself")
    absorbed = LogPattern.objects.select_for_update().get(pk=absorbed_id)
    survivor = LogPattern.objects.select_for_update().get(pk=survivor_id)
    for hook in pattern_merge_hooks():
        hook(absorbed_id=absorbed_id, survivor_id=survivor_id)
    moved: dict[str, list[int]] = {}
    for relation in LogPattern._meta.related_objects:
        if relation.related_model in (LogPattern, LogPatternStat, *ALARM_ROLLUPS):
            continue
        if not relation.field.concrete:
            continue
        rows = relation.related_model._base_manager.filter(**{relation.field.name: absorbed})
        if record and relation.related_model is not LogEntry:
            moved[_relation_label(relation)] = list(
                rows.order_by("pk").values_list("pk", flat=True)
            )
        rows.update(**{relation.field.name: survivor})
    absorbed_stats = LogPatternStat.objects.filter(pattern=absorbed)
    _upsert_stats(
        {
            (survivor_id, dimension, value): (count, last_seen)
            for dimension, value, count, last_seen in absorbed_stats.values_list(
                "dimension", "value", "count", "last_seen"
            )
        }
    )
    absorbed_stats.delete()
    pattern_sketches_drop([absorbed_id])
    alarms_merge(absorbed_id=absorbed_id, survivor_id=survivor_id)
    survivor.count += absorbed.count
    survivor.first_seen = min(survivor.first_seen, absorbed.first_seen)
    survivor.last_seen = max(survivor.last_seen, absorbed.last_seen)
    survivor.max_severity = max(survivor.max_severity, absorbed.max_severity)
    explanation_taken = not survivor.explanation and bool(absorbed.explanation)
    survivor.explanation = survivor.explanation or absorbed.explanation
    survivor.revision = revision
    survivor.save(
        update_fields=[
            "count",
            "first_seen",
            "last_seen",
            "max_severity",
            "explanation",
            "revision",
        ]
    )
    chained = LogPattern.objects.filter(merged_into=absorbed)
    if record:
        moved[MERGED_INTO] = list(chained.order_by("pk").values_list("pk", flat=True))
    chained.update(merged_into=survivor, revision=revision)
    absorbed.merged_into = survivor
    absorbed.count = 0
    absorbed.revision = revision
    absorbed.save(update_fields=["merged_into", "count", "revision"])
    return {"rows": moved, "explanation_taken": explanation_taken} if record else {}


# The patterns merged into the absorbed one before, in pattern_merge's record of moves.
MERGED_INTO = "logs.LogPattern.merged_into"


def _relation_label(relation: Any) -> str:
    """A relation to LogPattern as pattern_merge's record names it: "app.Model.field"."""
    return f"{relation.related_model._meta.label}.{relation.field.name}"


def pattern_merge_undo(
    *, source_id: int, survivor_id: int, moves: dict[str, Any], revision: int
) -> dict[str, int]:
    """Give a merged pattern back what `pattern_merge` moved (its record `moves`): the rows
    other than logs that are still where the merge put them, the patterns merged into it
    before, and the explanation the survivor took from it if the survivor still shows it.
    Rows made since on the survivor stay. The caller holds the grouping lock and has
    un-merged the pattern; its logs move back by their template. Returns, by record
    label, how many rows came back."""
    source = LogPattern.objects.select_for_update().get(pk=source_id)
    survivor = LogPattern.objects.select_for_update().get(pk=survivor_id)
    related = {
        _relation_label(relation): relation
        for relation in LogPattern._meta.related_objects
        if relation.field.concrete
    }
    back: dict[str, int] = {}
    for label, ids in (moves.get("rows") or {}).items():
        relation = related.get(label)
        if relation is None or not ids:
            continue  # a relation gone since the merge (an app removed)
        field = relation.field.name
        rows = relation.related_model._base_manager.filter(pk__in=ids, **{field: survivor})
        if label == MERGED_INTO:
            back[label] = rows.update(merged_into=source, revision=revision)
        else:
            back[label] = rows.update(**{field: source})
    if moves.get("explanation_taken") and survivor.explanation == source.explanation:
        survivor.explanation = ""
        survivor.revision = revision
        survivor.save(update_fields=["explanation", "revision"])
    return back


def pattern_lock_of(model: type[Model], pk: int) -> LogPattern:
    """Lock the pattern that row `pk` of `model` points at (its `pattern` field); return it.

    For a transaction that writes such a row (an analysis, a ticket) and then rows that
    point at the pattern too (audit events, tickets): call it first. pattern_merge locks
    both patterns and then moves their rows, so taking the pattern first waits for a merge
    in progress instead of deadlocking with it. If that merge moved the row, the survivor
    is locked next, and returned.
    """
    pattern_ids = model._base_manager.filter(pk=pk).values_list("pattern_id", flat=True)
    pattern_id = pattern_ids.get()
    while True:
        pattern = LogPattern.objects.select_for_update().get(pk=pattern_id)
        pattern_id = pattern_ids.get()
        if pattern_id == pattern.pk:
            return pattern


@dataclass(slots=True)
class PatternTallies:
    """A batch's counts per pattern, worked out in memory (pattern_tallies) so that the
    transaction only writes them: (count, first, last, highest severity) per pattern,
    (count, last seen) per (pattern, dimension, value), and the values at each `<*>` of
    the templates they were worked out for (place_values_tally)."""

    totals: dict[int, list]
    stats: dict[tuple[int, str, str], list]
    templates: dict[int, str] | None = None
    values: dict[int, Any] | None = None


def pattern_tallies(
    pattern_ids: Sequence[int],
    logs: Sequence[ParsedLog],
    *,
    places: Sequence[Place | None] | None = None,
    templates: Mapping[int, str] | None = None,
    place_values: KnownValues | None = None,
) -> PatternTallies:
    """Count logs per pattern in memory, outside any transaction. With the patterns'
    templates (as matched), their place values are tallied too."""
    totals: dict[int, list] = {}
    stats: dict[tuple[int, str, str], list] = {}
    for pattern_id, log in zip(pattern_ids, logs, strict=True):
        timestamp = log.timestamp
        total = totals.get(pattern_id)
        if total is None:
            totals[pattern_id] = [1, timestamp, timestamp, log.severity]
        else:
            total[0] += 1
            if timestamp < total[1]:
                total[1] = timestamp
            if timestamp > total[2]:
                total[2] = timestamp
            if log.severity > total[3]:
                total[3] = log.severity
        for key in (
            (pattern_id, SEVERITY, SEVERITY_LABELS[log.severity]),
            (pattern_id, HOST, log.hostname),
            (pattern_id, SERVICE, log.service),
        ):
            stat = stats.get(key)
            if stat is None:
                if key[2]:  # no row for an empty host or service
                    stats[key] = [1, timestamp]
            else:
                stat[0] += 1
                if timestamp > stat[1]:
                    stat[1] = timestamp
    if places is not None:
        _count_places(pattern_ids, logs, places, stats)
    tallies = PatternTallies(totals, stats)
    if templates is not None and settings.PATTERN_VALUE_SKETCHES:
        tallies.templates = {pattern_id: templates[pattern_id] for pattern_id in totals}
        tallies.values = _values_tally(tallies.templates, pattern_ids, logs, place_values)
    return tallies


def _values_tally(
    templates: Mapping[int, str],
    pattern_ids: Sequence[int],
    logs: Sequence[ParsedLog],
    place_values: KnownValues | None,
) -> dict[int, Any]:
    entries = zip(pattern_ids, (log.message for log in logs), strict=True)
    return place_values_tally(templates, entries, place_values)


def patterns_count(
    pattern_ids: Sequence[int],
    logs: Sequence[ParsedLog],
    changes: PatternChanges,
    *,
    places: Sequence[Place | None] | None = None,
    regress: bool = True,
    place_values: KnownValues | None = None,
    tallies: PatternTallies | None = None,
) -> None:
    """Add a batch's logs to their patterns' counters; resolved patterns that recur regress.

    `places`, one per log where known (logs.plant), count the site, line… each pattern
    occurs on. regress=False for logs that did not just occur (a replay moving stored logs
    between patterns): counted, but a resolved pattern stays resolved. `place_values`:
    the logs' values worked out before the transaction (Grouping.place_values).
    `tallies`: the same logs already counted in memory (pattern_tallies), so that the
    transaction holds its rows only for the writes.
    """
    if tallies is None:
        tallies = pattern_tallies(pattern_ids, logs, places=places)
    totals = tallies.totals

    # Locked here, in id order, as every batch does: the status read stays true until the
    # update below, so of two batches that see one pattern recur only one regresses it.
    templates: dict[int, str] = {}
    for pattern_id, status, max_severity, template in (
        LogPattern.objects.filter(pk__in=totals)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", "status", "max_severity", "template")
    ):
        templates[pattern_id] = template
        if regress and status == LogPattern.Status.RESOLVED:
            changes.regressed.add(pattern_id)
        if totals[pattern_id][3] > max_severity:
            changes.escalated.add(pattern_id)
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(LogPattern._meta.db_table)
    now = adapt(timezone.now())
    regression = ""
    if regress:
        # SET expressions see the row as it was, so each tests the old status.
        resolved, active = LogPattern.Status.RESOLVED.value, LogPattern.Status.ACTIVE.value
        regression = (
            f", regressed_at = CASE WHEN status = '{resolved}' THEN %s ELSE regressed_at END, "
            f"status_changed_at = CASE WHEN status = '{resolved}' THEN %s "
            "ELSE status_changed_at END, "
            f"status = CASE WHEN status = '{resolved}' THEN '{active}' ELSE status END"
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET count = count + %s, "  # noqa: S608 (identifiers only)
            "first_seen = CASE WHEN first_seen > %s THEN %s ELSE first_seen END, "
            "last_seen = CASE WHEN last_seen < %s THEN %s ELSE last_seen END, "
            "max_severity = CASE WHEN max_severity < %s THEN %s ELSE max_severity END"
            f"{regression} WHERE id = %s",
            [
                (count, adapt(first), adapt(first), adapt(last), adapt(last), severity, severity,
                 *((now, now) if regress else ()), pattern_id)
                for pattern_id, (count, first, last, severity) in sorted(totals.items())
            ],
        )  # fmt: skip
    _upsert_stats(tallies.stats)
    if settings.PATTERN_VALUE_SKETCHES:
        values = tallies.values
        if values is None or tallies.templates != templates:
            # Tallied for other templates (another process generalized one since): again.
            values = _values_tally(templates, pattern_ids, logs, place_values)
        place_values_count(values)


def _count_places(
    pattern_ids: Sequence[int],
    logs: Sequence[ParsedLog],
    places: Sequence[Place | None],
    stats: dict[tuple[int, str, str], list],
) -> None:
    for pattern_id, log, place in zip(pattern_ids, logs, places, strict=True):
        if place is None:
            continue
        for dimension, value in zip(PLANT_KEYS, place, strict=True):
            if not value:
                continue
            key = (pattern_id, dimension, value)
            stat = stats.get(key)
            if stat is None:
                stats[key] = [1, log.timestamp]
            else:
                stat[0] += 1
                if log.timestamp > stat[1]:
                    stat[1] = log.timestamp


def patterns_count_hours(stream_epoch: int, stream_seqs: Sequence[int]) -> None:
    """Add the batch's logs to their patterns' HOUR statistics, grouped by the database.

    One INSERT ... SELECT over the rows just written (found by their unique place in
    the stream): the database groups 2000 rows in about a millisecond, where doing it
    per log in Python cost 2-3 µs a log.
    """
    if not stream_seqs:
        return
    quote = connection.ops.quote_name
    stats, entries = quote(LogPatternStat._meta.db_table), quote(LogEntry._meta.db_table)
    if connection.vendor == "sqlite":
        hour = "strftime('%%Y-%%m-%%dT%%H', timestamp)"
    else:
        hour = "to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')"
    placeholders = ", ".join(["%s"] * len(stream_seqs))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {stats} (pattern_id, dimension, value, count, last_seen) "  # noqa: S608
            f"SELECT pattern_id, %s, {hour}, COUNT(*), MAX(timestamp) FROM {entries} "
            f"WHERE stream_epoch = %s AND stream_seq IN ({placeholders}) "
            "AND pattern_id IS NOT NULL "
            f"GROUP BY pattern_id, {hour} ORDER BY pattern_id, {hour} "
            "ON CONFLICT (pattern_id, dimension, value) DO UPDATE SET "
            f"count = {stats}.count + excluded.count, "
            f"last_seen = CASE WHEN excluded.last_seen > {stats}.last_seen "
            f"THEN excluded.last_seen ELSE {stats}.last_seen END",
            [HOUR, stream_epoch, *stream_seqs],
        )


def _upsert_stats(stats: Mapping[tuple[int, str, str], Sequence[Any]]) -> None:
    """Add (count, last_seen) to each (pattern, dimension, value) row, creating it if new."""
    if not stats:
        return
    table = connection.ops.quote_name(LogPatternStat._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        insert_rows(
            cursor,
            LogPatternStat,
            ("pattern_id", "dimension", "value", "count", "last_seen"),
            [
                (pattern_id, dimension, value, count, adapt(last_seen))
                for (pattern_id, dimension, value), (count, last_seen) in sorted(stats.items())
            ],
            "ON CONFLICT (pattern_id, dimension, value) DO UPDATE SET "
            f"count = {table}.count + excluded.count, "
            f"last_seen = CASE WHEN excluded.last_seen > {table}.last_seen "
            f"THEN excluded.last_seen ELSE {table}.last_seen END",
        )


# One catalog per process: the ingest path runs in a single thread.
catalog = PatternCatalog()
