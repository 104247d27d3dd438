"""Operators correct grouping: merge patterns, split one by the values of a `<*>`, undo.

Each correction is a GroupingRule made under the grouping lock with a new grouping
revision: every consumer reads the active rules when the revision moves, and applies them
from its next batch (logs.patterns, logs.grouping.corrections). A merge moves everything
at once, as an automatic merge does (pattern_merge: logs, counts, analyses, tickets). A
split, and undoing either, then moves the stored logs concerned: logs_move_for_rule()
puts them through grouping again (logs_replay), as ingest groups them now, with their
counts; the periodic task retries a move that failed or was cut off.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gogent.audit import Actor, audit_record
from gogent.errors import StateRefused
from gogent.models import AuditEvent
from gogent.runlock import run_alone
from logs import patterns
from logs.grouping.corrections import template_places
from logs.models import GroupingRule, LogEntry, LogPattern
from logs.patterns import PatternChanges
from logs.services.hooks import ingest_hooks
from logs.services.replay import LogsSelection, logs_replay
from logs.services.replay.moves import pattern_survivor

logger = logging.getLogger(__name__)

# Patterns one merge may fold into another: a page of them, not a whole catalog by mistake.
MERGE_MAX = 50
# Longest value an operator may turn back into literal text.
VALUE_MAX = 1000
# A batch matched before a rule changed may commit after the move of stored logs began; a
# move that began this soon after the change is done once more by the next periodic run.
SETTLE_SECONDS = 30.0
# How long the periodic move of stored logs may hold its lock (a split of a large pattern
# moves every log it has; one that is cut off is taken up again by the next run).
MOVE_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Moved:
    rule_id: int
    moved: int
    error: str = ""


def patterns_merge_by_operator(
    *, survivor_id: int, absorbed_ids: Sequence[int], actor: Actor, reason: str = ""
) -> list[GroupingRule]:
    """Merge patterns into `survivor_id`: their logs, counts, analyses and tickets move there
    now, and a rule per absorbed pattern sends its template's future logs there too."""
    absorbed_ids = list(dict.fromkeys(absorbed_ids))
    if not absorbed_ids:
        raise StateRefused("Choose at least one pattern to merge into the other.")
    if survivor_id in absorbed_ids:
        raise StateRefused(f"Pattern #{survivor_id} cannot be merged into itself.")
    if len(absorbed_ids) > MERGE_MAX:
        raise StateRefused(f"At most {MERGE_MAX} patterns can be merged at once.")
    changes = PatternChanges()
    with transaction.atomic():
        state = patterns.grouping_lock()
        found = LogPattern.objects.in_bulk([survivor_id, *absorbed_ids])
        for pattern_id in [survivor_id, *absorbed_ids]:
            pattern = found.get(pattern_id)
            if pattern is None:
                raise StateRefused(f"There is no pattern #{pattern_id}.")
            if pattern.merged_into_id is not None:
                raise StateRefused(
                    f"Pattern #{pattern_id} was merged into #{pattern.merged_into_id} already."
                )
        state.revision += 1
        rules = []
        for absorbed_id in sorted(absorbed_ids):
            absorbed = found[absorbed_id]
            moved = LogEntry.objects.filter(pattern_id=absorbed_id).count()
            rule = GroupingRule.objects.create(
                kind=GroupingRule.Kind.MERGE,
                pattern_id=survivor_id,
                source=absorbed,
                template=absorbed.template,
                created_by=actor.stored_user,
                created_by_label=actor.label[:200],
                revision=state.revision,
                logs_moved_at=timezone.now(),
                logs_moved=moved,
            )
            rule.merge_moves = patterns.pattern_merge(
                absorbed_id=absorbed_id,
                survivor_id=survivor_id,
                revision=state.revision,
                record=True,
            )
            rule.save(update_fields=["merge_moves"])
            changes.merged[absorbed_id] = survivor_id
            audit_record(
                AuditEvent.Action.PATTERNS_MERGED,
                actor,
                obj=rule,
                pattern_id=survivor_id,
                reason=reason,
                details={"absorbed": absorbed_id, "survivor": survivor_id, "logs": moved},
            )
            rules.append(rule)
        state.save(update_fields=["revision"])
        for hook in ingest_hooks():
            hook(changes=changes, replies=[])
    return rules


def pattern_split(
    *, pattern_id: int, place: int, value: str | None, actor: Actor, reason: str = ""
) -> GroupingRule:
    """Split a pattern at its `place`-th `<*>` (from 0): each value gets a pattern of its own,
    or, with `value`, only that one (the `<*>` turned back into literal text there). Future
    logs follow at once; the stored ones move in the background (logs_move_for_rule)."""
    if value is not None:
        value = " ".join(value.split())
        if not value:
            raise StateRefused("Give the value to turn into literal text, or split by every value.")
        if len(value) > VALUE_MAX:
            raise StateRefused(f"A value can be at most {VALUE_MAX} characters.")
    with transaction.atomic():
        state = patterns.grouping_lock()
        pattern = LogPattern.objects.filter(pk=pattern_id).first()
        if pattern is None:
            raise StateRefused(f"There is no pattern #{pattern_id}.")
        if pattern.merged_into_id is not None:
            raise StateRefused(
                f"Pattern #{pattern_id} was merged into #{pattern.merged_into_id}: split that one."
            )
        places = len(template_places(pattern.template))
        if not places:
            raise StateRefused("This pattern's template has no <*> to split by.")
        if not 0 <= place < places:
            raise StateRefused(f"Choose a <*> from 1 to {places}.")
        same = GroupingRule.objects.filter(
            kind=GroupingRule.Kind.SPLIT,
            pattern=pattern,
            template=pattern.template,
            place=place,
            value=value,
            undone_at=None,
        )
        if same.exists():
            raise StateRefused("This split is in place already.")
        state.revision += 1
        rule = GroupingRule.objects.create(
            kind=GroupingRule.Kind.SPLIT,
            pattern=pattern,
            template=pattern.template,
            place=place,
            value=value,
            created_by=actor.stored_user,
            created_by_label=actor.label[:200],
            revision=state.revision,
        )
        state.save(update_fields=["revision"])
        audit_record(
            AuditEvent.Action.PATTERN_SPLIT,
            actor,
            obj=rule,
            pattern_id=pattern.pk,
            reason=reason,
            details={"place": place + 1, "value": value, "template": pattern.template[:500]},
        )
        transaction.on_commit(lambda: _move_soon(rule.pk))
    return rule


def grouping_rule_undo(*, rule_id: int, actor: Actor, reason: str = "") -> GroupingRule:
    """Stop a rule. A merge's absorbed pattern comes back and takes the survivor's logs of
    its template back, and now the analyses, tickets and patterns the merge moved (those
    made since on the survivor stay); a split's patterns give their logs back to the
    pattern split, and merge into it (their analyses and tickets follow). Stored logs move
    in the background."""
    with transaction.atomic():
        state = patterns.grouping_lock()
        rule = GroupingRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise StateRefused(f"There is no grouping rule #{rule_id}.")
        if rule.undone_at is not None:
            raise StateRefused(
                f"Rule #{rule_id} was undone already, by {rule.undone_by_label or 'someone'}."
            )
        state.revision += 1
        details: dict = {"kind": rule.kind}
        if rule.kind == GroupingRule.Kind.MERGE and rule.source_id is not None:
            # Back in every miner (a new revision): its template takes its logs again.
            LogPattern.objects.filter(pk=rule.source_id).update(
                merged_into=None, revision=state.revision
            )
            details["given_back"] = patterns.pattern_merge_undo(
                source_id=rule.source_id,
                survivor_id=pattern_survivor(rule.pattern_id),
                moves=rule.merge_moves,
                revision=state.revision,
            )
        rule.undone_at = timezone.now()
        rule.undone_by_label = actor.label[:200]
        rule.revision = state.revision
        rule.logs_moved_at = None
        rule.logs_moved = 0
        rule.logs_move_error = ""
        rule.save()
        state.save(update_fields=["revision"])
        audit_record(
            AuditEvent.Action.GROUPING_RULE_UNDONE,
            actor,
            obj=rule,
            pattern_id=rule.pattern_id,
            reason=reason,
            details=details,
        )
        transaction.on_commit(lambda: _move_soon(rule.pk))
    return rule


def _move_soon(rule_id: int) -> None:
    from logs.tasks import move_logs_for_grouping_rules  # the task module imports this one

    try:
        move_logs_for_grouping_rules.delay(rule_id)
    except Exception:
        logger.warning("could not queue the move of logs for grouping rule %s", rule_id)


def _patterns_to_regroup(rule: GroupingRule) -> tuple[int, ...]:
    if rule.kind == GroupingRule.Kind.SPLIT:
        if rule.is_active:
            return (pattern_survivor(rule.pattern_id),)
        return tuple(
            LogPattern.objects.filter(split_rule=rule, merged_into=None).values_list(
                "pk", flat=True
            )
        )
    if rule.is_active:
        return ()  # a merge moved its logs at once
    return (pattern_survivor(rule.pattern_id),)


def logs_move_for_rule(rule_id: int) -> Moved:
    """Move the stored logs a rule (or its undoing) concerns, as ingest groups them now;
    record on the rule when that finished and how many moved, or why it failed."""
    rule = GroupingRule.objects.get(pk=rule_id)
    if not rule.logs_pending:
        return Moved(rule_id, rule.logs_moved)
    revision = rule.revision
    changed_at = rule.created_at if rule.is_active else rule.undone_at
    settled = (timezone.now() - changed_at).total_seconds() >= SETTLE_SECONDS
    actor = Actor(label=rule.created_by_label if rule.is_active else rule.undone_by_label)
    pattern_ids = _patterns_to_regroup(rule)
    try:
        report = logs_replay(selection=LogsSelection(pattern_ids=pattern_ids), actor=actor)
    except Exception as error:
        GroupingRule.objects.filter(pk=rule_id, revision=revision).update(
            logs_move_error=f"{type(error).__name__}: {error}"[:1000]
        )
        raise
    if rule.kind == GroupingRule.Kind.SPLIT and not rule.is_active:
        _merge_left_behind(rule)
    # Undone meanwhile (a new revision): the next run moves the logs for that.
    current = GroupingRule.objects.filter(pk=rule_id, revision=revision)
    if settled:
        current.update(
            logs_moved_at=timezone.now(),
            logs_moved=F("logs_moved") + report.moved,
            logs_move_error="",
        )
    else:
        current.update(logs_moved=F("logs_moved") + report.moved, logs_move_error="")
    return Moved(rule_id, report.moved)


def _merge_left_behind(rule: GroupingRule) -> None:
    """A split undone: its patterns whose logs retention deleted (none to move back) still
    hold counts and perhaps analyses; they merge into the pattern that was split."""
    with transaction.atomic():
        state = patterns.grouping_lock()
        survivor = pattern_survivor(rule.pattern_id)
        left = LogPattern.objects.filter(split_rule=rule, merged_into=None).exclude(pk=survivor)
        changes = PatternChanges()
        revision = None
        for pattern_id in sorted(left.values_list("pk", flat=True)):
            if LogEntry.objects.filter(pattern_id=pattern_id).exists():
                continue  # a log ingest grouped there before it heard of the undo
            if revision is None:
                state.revision += 1
                revision = state.revision
            patterns.pattern_merge(absorbed_id=pattern_id, survivor_id=survivor, revision=revision)
            changes.merged[pattern_id] = survivor
        if revision is not None:
            state.save(update_fields=["revision"])
            for hook in ingest_hooks():
                hook(changes=changes, replies=[])


def logs_move_pending(rule_id: int | None = None) -> list[Moved]:
    """The periodic task's work (and a made or undone rule's): move the stored logs of every
    rule still waiting, oldest first, one run at a time across workers."""
    pending = GroupingRule.objects.filter(logs_moved_at=None).order_by("pk")
    if rule_id is not None:
        pending = pending.filter(pk=rule_id)
    done: list[Moved] = []
    with run_alone("grouping-rules-move", seconds=MOVE_SECONDS) as deadline:
        if deadline is None:
            return done
        for pending_id in pending.values_list("pk", flat=True):
            if deadline.passed():
                break
            try:
                done.append(logs_move_for_rule(pending_id))
            except Exception as error:
                logger.exception("moving logs for grouping rule %s failed", pending_id)
                done.append(Moved(pending_id, 0, str(error)))
    return done
