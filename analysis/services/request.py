"""Requesting analyses: by hand, after ingest, again after a failure; and cancelling them.

An Analysis row is one request; a pattern has at most one queued or running at a time
(but for two running ones that a merge brought together: both finish).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.module_loading import import_string

from analysis import tasks
from analysis.models import Analysis, ReplyWaiter
from analysis.selectors import active_analysis
from analysis.services.publish import replies_answer_current
from gogent.audit import WORKER, Actor, audit_record
from gogent.errors import StateRefused
from gogent.leases import LEASE_CLEARED
from gogent.models import AuditEvent
from logs.models import LogPattern, Severity
from logs.patterns import PatternChanges

ACTIVE = (Analysis.Status.QUEUED, Analysis.Status.RUNNING)


def analysis_request(*, pattern: LogPattern, trigger: str, user: object | None = None) -> Analysis:
    """Queue an analysis of a pattern, unless one is queued or running already.

    `user` is who asked: a user, the API key of an API call (recorded as the key; the
    analysis's requested_by stays empty), or None for Gogent itself.
    """
    actor = Actor.of_user(user)
    with transaction.atomic():
        # Serializes requests for one pattern (SQLite's IMMEDIATE transactions already do).
        LogPattern.objects.select_for_update().filter(pk=pattern.pk).first()
        existing = active_analysis(pattern.pk)
        if existing is not None:
            return existing
        analysis = Analysis.objects.create(
            pattern=pattern,
            trigger=trigger,
            requested_by=actor.stored_user,
            next_attempt_at=timezone.now(),
        )
        _audit(AuditEvent.Action.ANALYSIS_REQUESTED, actor, analysis, details={"trigger": trigger})
        enqueue_on_commit([analysis.pk])
    return analysis


def _audit(
    action: str,
    actor: Actor,
    analysis: Analysis,
    details: dict[str, str] | None = None,
    reason: str = "",
) -> None:
    audit_record(
        action,
        actor,
        obj=analysis,
        pattern_id=analysis.pattern_id,
        # Not str(analysis): its status in memory may be the one before this change.
        object_repr=f"analysis {analysis.pk} of pattern {analysis.pattern_id}",
        reason=reason,
        details=details,
    )


def analyses_after_ingest(*, changes: PatternChanges, replies: list[tuple[str, int, int]]) -> None:
    """Ingest hook, inside the batch's transaction: queue analyses and reply waiters.

    Patterns that reach ANALYSIS_MIN_SEVERITY and were never analyzed, and regressions,
    are analyzed;
    `replies` are (reply subject, stream sequence, pattern id) of logs that asked
    for their analysis, which is sent as soon as there is one.
    """
    wanted: dict[int, str] = {}
    # A pattern reaches the threshold as a new pattern, or later: a log of a higher severity,
    # or a merge that brought in such logs before they were analyzed.
    reached = changes.created | changes.escalated | set(changes.merged.values())
    if reached:
        threshold = Severity[settings.ANALYSIS_MIN_SEVERITY]
        for pattern_id in (
            LogPattern.objects.filter(pk__in=reached, max_severity__gte=threshold, merged_into=None)
            .exclude(Exists(Analysis.objects.filter(pattern=OuterRef("pk"))))
            .values_list("pk", flat=True)
        ):
            wanted[pattern_id] = (
                Analysis.Trigger.NEW_PATTERN
                if pattern_id in changes.created
                else Analysis.Trigger.ESCALATION
            )
    for pattern_id in changes.regressed:
        wanted[pattern_id] = Analysis.Trigger.REGRESSION
    answer_now: set[int] = set()
    if replies:
        expires_at = timezone.now() + timedelta(seconds=settings.ANALYSIS_REPLY_TIMEOUT)
        ReplyWaiter.objects.bulk_create(
            ReplyWaiter(
                pattern_id=pattern_id, reply_to=reply_to, stream_seq=seq, expires_at=expires_at
            )
            for reply_to, seq, pattern_id in replies
        )
        asked = {pattern_id for _, _, pattern_id in replies}
        # pattern -> its active analysis's status if it has one, else "done".
        analyzed: dict[int, str] = {}
        for pattern_id, status in Analysis.objects.filter(
            pattern_id__in=asked, status__in=[*ACTIVE, Analysis.Status.DONE]
        ).values_list("pattern_id", "status"):
            if status in ACTIVE or pattern_id not in analyzed:
                analyzed[pattern_id] = status
        for pattern_id in asked:
            if pattern_id not in analyzed:
                wanted.setdefault(pattern_id, Analysis.Trigger.REPLY)
        # Analyzed, nothing queued or running, nothing new asked: the current one answers now.
        answer_now = {
            pattern_id
            for pattern_id, status in analyzed.items()
            if status == Analysis.Status.DONE and pattern_id not in wanted
        }
    held = _held(wanted, asked={pattern_id for _, _, pattern_id in replies})
    wanted = {pattern_id: t for pattern_id, t in wanted.items() if pattern_id not in held}
    if wanted:
        _request_many(wanted)
    if answer_now:
        replies_answer_current(pattern_ids=answer_now)


class AnalysisHoldHook(Protocol):
    """One of settings.ANALYSIS_HOLD_HOOKS (maintenance windows): of the analyses ingest is
    about to queue (pattern id -> trigger), returns the pattern ids it holds, recorded in
    the same transaction so that whoever holds them queues them later."""

    def __call__(self, *, wanted: dict[int, str]) -> set[int]: ...


def _held(wanted: dict[int, str], *, asked: set[int]) -> set[int]:
    """Pattern ids whose analysis a hook holds; never one a log asked for (`asked`): its
    producer waits for the answer."""
    holdable = {pattern_id: t for pattern_id, t in wanted.items() if pattern_id not in asked}
    held: set[int] = set()
    for path in settings.ANALYSIS_HOLD_HOOKS if holdable else ():
        hook: AnalysisHoldHook = import_string(path)
        held |= hook(wanted={p: t for p, t in holdable.items() if p not in held})
    return held


def _request_many(wanted: dict[int, str]) -> None:
    busy = set(
        Analysis.objects.filter(pattern_id__in=wanted, status__in=ACTIVE).values_list(
            "pattern_id", flat=True
        )
    )
    now = timezone.now()
    created = Analysis.objects.bulk_create(
        Analysis(pattern_id=pattern_id, trigger=trigger, next_attempt_at=now)
        for pattern_id, trigger in wanted.items()
        if pattern_id not in busy
    )
    enqueue_on_commit([analysis.pk for analysis in created])


def enqueue_on_commit(analysis_ids: Iterable[int]) -> None:
    # robust: a broker hiccup must not undo or fail the caller's committed work; the
    # sweeper re-sends analyses whose task never arrived.
    for analysis_id in analysis_ids:
        transaction.on_commit(
            lambda analysis_id=analysis_id: tasks.analyze_pattern.delay(analysis_id), robust=True
        )


def analysis_retry(*, analysis: Analysis, user: object | None = None) -> Analysis:
    """Run a failed or cancelled analysis again, from the first provider of the chain.
    `user`: who asked (a user or an API key), as for analysis_request."""
    with transaction.atomic():
        updated = Analysis.objects.filter(
            pk=analysis.pk, status__in=[Analysis.Status.FAILED, Analysis.Status.CANCELLED]
        ).update(
            status=Analysis.Status.QUEUED,
            provider=None,
            provider_failures=0,
            repair_pending=False,
            next_attempt_at=timezone.now(),
            finished_at=None,
        )
        if not updated:
            raise StateRefused(
                f"analysis {analysis.pk} is {analysis.status}, not failed or cancelled"
            )
        _audit(AuditEvent.Action.ANALYSIS_RETRIED, Actor.of_user(user), analysis)
        enqueue_on_commit([analysis.pk])
    analysis.refresh_from_db()
    return analysis


def analyses_fold_for_merge(*, absorbed_id: int, survivor_id: int) -> None:
    """One of settings.PATTERN_MERGE_HOOKS: where both patterns have an analysis queued or
    running, a queued one (the absorbed pattern's when both are) is cancelled and the other
    goes on for the merged pattern, which so pays for one call. Two running ones both
    finish: their calls are in flight, and cancelling one would only drop its answer."""
    absorbed = active_analysis(absorbed_id)
    kept = active_analysis(survivor_id)
    if absorbed is None or kept is None:
        return
    folded = absorbed
    if absorbed.status == Analysis.Status.RUNNING:
        if kept.status == Analysis.Status.RUNNING:
            return
        kept, folded = absorbed, kept
    reason = f"patterns {absorbed_id} and {survivor_id} merged; analysis {kept.pk} goes on"
    cancelled = Analysis.objects.filter(pk=folded.pk, status=Analysis.Status.QUEUED).update(
        status=Analysis.Status.CANCELLED,
        error=reason,
        finished_at=timezone.now(),
        next_attempt_at=None,
        **LEASE_CLEARED,
    )
    if cancelled:
        _audit(AuditEvent.Action.ANALYSIS_CANCELLED, WORKER, folded, reason=reason)


def analysis_cancel(*, analysis: Analysis, user: object | None = None) -> Analysis:
    """Stop a queued or running analysis; a call in flight finishes but its answer is dropped.
    `user`: who asked (a user or an API key), as for analysis_request."""
    with transaction.atomic():
        updated = Analysis.objects.filter(pk=analysis.pk, status__in=ACTIVE).update(
            status=Analysis.Status.CANCELLED,
            finished_at=timezone.now(),
            **LEASE_CLEARED,
        )
        if not updated:
            raise StateRefused(
                f"analysis {analysis.pk} is {analysis.status}, not queued or running"
            )
        _audit(AuditEvent.Action.ANALYSIS_CANCELLED, Actor.of_user(user), analysis)
    analysis.refresh_from_db()
    return analysis
