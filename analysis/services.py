"""Writes for the analysis app: requesting analyses, running them, publishing results.

An Analysis row is one request. Whoever runs it first claims it with a lease; a
duplicated or retried task finds it claimed or finished and does nothing, and
only the lease holder can complete it, so a request completes at most once and
the LLM is not called again once it has.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from analysis import tasks
from analysis.models import Analysis, Provider, ProviderCall, ReplyWaiter
from analysis.offline import OFFLINE_ANALYZER_NAME, OFFLINE_TEXT_PREFIX, offline_analyze
from analysis.prompt import PROMPT_VERSION, PatternContext, build_request
from analysis.providers import complete
from analysis.providers.messages import LLMError, LLMRequest
from analysis.ratelimit import CapacityWait, provider_pause, slot_acquire, slot_release
from analysis.schema import (
    ParsedReply,
    ReplyInvalid,
    analysis_text,
    parse_reply,
    repair_request,
)
from analysis.selectors import active_analysis, pattern_context, provider_chain
from gogent.audit import Actor, audit_record
from gogent.leases import (
    LEASE_CLEARED,
    after_failure,
    backoff,
    due,
    internal_error,
    lease_claim,
    lease_release,
    leases_resend,
    unleased,
)
from gogent.models import AuditEvent
from gogent.nats import NatsPublisher
from logs.models import LogPattern, Severity
from logs.patterns import PatternChanges, pattern_lock_of
from logs.validation import reply_subject_problem

logger = logging.getLogger(__name__)

ACTIVE = (Analysis.Status.QUEUED, Analysis.Status.RUNNING)
OFFLINE_MODEL = "rules"
# Prefix of Provider.pause_reason for a pause after a refused connection.
UNREACHABLE = "unreachable: "
publisher = NatsPublisher("gogent-analysis")


# --- Requesting -------------------------------------------------------------------


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
        _enqueue_on_commit([analysis.pk])
    return analysis


def _audit(
    action: str, actor: Actor, analysis: Analysis, details: dict[str, str] | None = None
) -> None:
    audit_record(
        action,
        actor,
        obj=analysis,
        pattern_id=analysis.pattern_id,
        # Not str(analysis): its status in memory may be the one before this change.
        object_repr=f"analysis {analysis.pk} of pattern {analysis.pattern_id}",
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
    if wanted:
        _request_many(wanted)
    for pattern_id in answer_now:
        transaction.on_commit(
            lambda pattern_id=pattern_id: tasks.send_replies.delay(pattern_id), robust=True
        )


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
    _enqueue_on_commit([analysis.pk for analysis in created])


def _enqueue_on_commit(analysis_ids: Iterable[int]) -> None:
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
            raise ValueError(
                f"analysis {analysis.pk} is {analysis.status}, not failed or cancelled"
            )
        _audit(AuditEvent.Action.ANALYSIS_RETRIED, Actor.of_user(user), analysis)
        _enqueue_on_commit([analysis.pk])
    analysis.refresh_from_db()
    return analysis


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
            raise ValueError(f"analysis {analysis.pk} is {analysis.status}, not queued or running")
        _audit(AuditEvent.Action.ANALYSIS_CANCELLED, Actor.of_user(user), analysis)
    analysis.refresh_from_db()
    return analysis


# --- Offline analyses replaced -------------------------------------------------------


def analyses_redo_offline() -> int:
    """Once a provider answers, queue real analyses of patterns the offline analyzer explained.

    Patterns whose latest analysis is a completed offline one (muted and merged ones aside),
    most severe and most recently seen first. At most ANALYSIS_OFFLINE_REDO_BATCH of these
    requests are queued or running at a time, so a backlog drains at the provider's pace
    (its limits apply as to any analysis) without crowding out new patterns. When no
    provider has answered since its last error, one that has not failed for
    ANALYSIS_OFFLINE_REDO_INTERVAL is sent a tiny prompt to find out whether it answers now.
    Safe to run twice at once: a pattern gets a request only while, under its lock, its
    latest analysis is still that offline one and none is queued or running.
    Returns how many were queued.
    """
    room = settings.ANALYSIS_OFFLINE_REDO_BATCH - (
        Analysis.objects.filter(status__in=ACTIVE, trigger=Analysis.Trigger.OFFLINE_REDO).count()
    )
    if room <= 0:
        return 0
    candidates = _offline_current(limit=room)
    if not candidates or not _provider_answers():
        return 0
    return sum(_redo_request(pattern_id, analysis_id) for pattern_id, analysis_id in candidates)


def _offline_current(*, limit: int) -> list[tuple[int, int]]:
    """(pattern id, latest analysis id) of patterns whose latest analysis is offline and done."""
    offline_done = Analysis.objects.filter(status=Analysis.Status.DONE, is_offline=True)
    latest = Analysis.objects.filter(pattern=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return list(
        LogPattern.objects.filter(merged_into=None, pk__in=offline_done.values("pattern_id"))
        .exclude(status=LogPattern.Status.MUTED)
        .annotate(latest_analysis=Subquery(latest))
        .filter(Exists(offline_done.filter(pk=OuterRef("latest_analysis"))))
        .order_by("-max_severity", "-last_seen", "-pk")
        .values_list("pk", "latest_analysis")[:limit]
    )


def _provider_answers() -> bool:
    """A provider of the chain, not paused, answered since its last error; or, asked now, does."""
    now = timezone.now()
    ready = [p for p in provider_chain() if p.paused_until is None or p.paused_until <= now]
    if any(p.last_success_at is not None and not p.is_failing for p in ready):
        return True
    quiet_since = now - timedelta(seconds=settings.ANALYSIS_OFFLINE_REDO_INTERVAL)
    for provider in ready:
        if provider.last_error_at is None or provider.last_error_at <= quiet_since:
            # Records last_success_at or last_error_at, which the next pass reads.
            return provider_test(provider=provider).ok
    return False


def _redo_request(pattern_id: int, offline_id: int) -> bool:
    with transaction.atomic():
        # Serializes requests for one pattern, as in analysis_request.
        LogPattern.objects.select_for_update().filter(pk=pattern_id).first()
        latest = (
            Analysis.objects.filter(pattern_id=pattern_id)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if latest != offline_id or active_analysis(pattern_id) is not None:
            return False  # analyzed, requested or merged meanwhile
        analysis = Analysis.objects.create(
            pattern_id=pattern_id,
            trigger=Analysis.Trigger.OFFLINE_REDO,
            next_attempt_at=timezone.now(),
        )
        _enqueue_on_commit([analysis.pk])
    return True


# --- Running ----------------------------------------------------------------------


def analysis_run(*, analysis_id: int) -> float | None:
    """Take the next step of an analysis.

    Returns the seconds until it should run again (no capacity, backoff, repair),
    or None when there is nothing more for this task to do: finished, cancelled,
    claimed by another worker, or not due yet (its own task is scheduled).
    """
    token = _claim(analysis_id)
    if token is None:
        return None
    analysis = Analysis.objects.select_related("pattern", "provider").get(pk=analysis_id)
    try:
        return _step(analysis, token)
    except Exception as error:
        # A database error (a lost connection, a deadlock victim) or a bug: logged with its
        # traceback and tried again by this task after a backoff, as a provider error is.
        logger.exception("analysis %s: internal error", analysis_id)
        failures = analysis.provider_failures + 1
        step = after_failure(
            internal_error(error)[:1500], attempts=failures,
            limit=settings.ANALYSIS_MAX_RETRIES, wait=_backoff(failures),
        )  # fmt: skip
        if step.wait is None:
            _fail(analysis, token, error=step.error)
            return None
        return _release(
            analysis, token, at=timezone.now() + timedelta(seconds=step.wait), error=step.error,
            provider_failures=failures,
        )  # fmt: skip


def _claim(analysis_id: int) -> str | None:
    now = timezone.now()
    claimable = Q(status=Analysis.Status.QUEUED) & due(now)
    stale = Q(status=Analysis.Status.RUNNING) & unleased(now)
    return lease_claim(
        Analysis.objects.filter(Q(pk=analysis_id) & (claimable | stale)),
        # Long enough for the slowest call; renewed with each step.
        seconds=_lease_seconds(),
        status=Analysis.Status.RUNNING,
        started_at=Coalesce("started_at", Value(now)),
    )


def _lease_seconds() -> float:
    slowest = Provider.objects.filter(enabled=True).order_by("-timeout_seconds").first()
    timeout = slowest.timeout_seconds if slowest else 30.0
    # One call, one Entra token fetch, and room for parsing and the database.
    return timeout * 2 + 30


def _step(analysis: Analysis, token: str) -> float | None:
    chain = provider_chain()
    provider = _current_provider(analysis, chain)
    context = pattern_context(analysis.pattern)
    if provider is None:
        note = "" if not chain else analysis.error
        return _answer_offline(analysis, token, context, note=note or "no LLM provider configured")
    if settings.ANALYSIS_OFFLINE_FALLBACK and _unreachable_from(provider, chain):
        return _answer_offline(
            analysis, token, context, note=f"no provider reachable: {provider.pause_reason}"
        )
    if analysis.provider_id != provider.pk:
        analysis.provider = provider
        Analysis.objects.filter(pk=analysis.pk).update(provider=provider)
    request = build_request(context, max_tokens=provider.max_tokens)
    if analysis.repair_pending:
        request = repair_request(request, analysis.raw_reply, analysis.error)
    estimate = (len(request.system) + len(request.user)) // 4 + request.max_tokens
    slot = slot_acquire(
        provider_id=provider.pk,
        analysis_id=analysis.pk,
        tokens=estimate,
        ticket=analysis.turn_at,
    )
    if isinstance(slot, CapacityWait):
        Analysis.objects.filter(pk=analysis.pk).update(turn_at=slot.at)
        return _release(analysis, token, at=slot.at, waiting=slot.reason)
    try:
        Analysis.objects.filter(pk=analysis.pk).update(
            attempts=F("attempts") + 1,
            provider_name=provider.name,
            model=provider.model,
            turn_at=None,
        )
        reply = complete(provider.config(), request)
    except LLMError as error:
        slot_release(call=slot, tokens=None, outcome=error.kind)
        return _on_llm_error(analysis, token, provider, chain, error)
    except BaseException:
        # Not the provider's doing: free the slot now rather than when its lease runs out.
        slot_release(call=slot, tokens=None, outcome="internal_error")
        raise
    tokens = (reply.tokens_in or 0) + (reply.tokens_out or 0)
    slot_release(call=slot, tokens=tokens or None, outcome="ok")
    Provider.objects.filter(pk=provider.pk).update(last_success_at=timezone.now())
    try:
        parsed = parse_reply(reply.text)
    except ReplyInvalid as problem:
        return _on_invalid_reply(analysis, token, reply.text, str(problem))
    return _complete(
        analysis,
        token,
        parsed,
        raw_reply=reply.text,
        tokens_in=reply.tokens_in,
        tokens_out=reply.tokens_out,
        latency_ms=reply.latency_ms,
        cost=provider.cost_estimate(reply.tokens_in, reply.tokens_out),
        model=reply.model or provider.model,
    )


def _current_provider(analysis: Analysis, chain: list[Provider]) -> Provider | None:
    """Where the analysis stands in the chain, passing over paused providers when a later
    one is not: a provider that refused or rate-limited everyone is not waited for."""
    if analysis.is_offline or not chain:
        return None
    start = next((i for i, p in enumerate(chain) if p.pk == analysis.provider_id), 0)
    now = timezone.now()
    for provider in chain[start:]:
        if provider.paused_until is None or provider.paused_until <= now:
            return provider
    return chain[start]


def _unreachable_from(provider: Provider, chain: list[Provider]) -> bool:
    """This provider and every one after it refused connections moments ago."""
    now = timezone.now()
    return all(
        p.paused_until is not None
        and p.paused_until > now
        and p.pause_reason.startswith(UNREACHABLE)
        for p in chain[chain.index(provider) :]
    )


def _on_llm_error(
    analysis: Analysis, token: str, provider: Provider, chain: list[Provider], error: LLMError
) -> float | None:
    message = f"{provider.name}: {error.message}"[:2000]
    Provider.objects.filter(pk=provider.pk).update(last_error=message, last_error_at=timezone.now())
    if error.retry_after and error.kind in ("rate_limited", "unavailable"):
        provider_pause(provider_id=provider.pk, seconds=error.retry_after, reason=message)
    if error.kind == "connection":
        provider_pause(
            provider_id=provider.pk,
            seconds=settings.ANALYSIS_UNREACHABLE_PAUSE,
            reason=f"{UNREACHABLE}{message}",
        )
    failures = analysis.provider_failures + 1
    position = chain.index(provider)
    fallback = chain[position + 1] if position + 1 < len(chain) else None
    # A refused connection means nothing is listening: waiting rarely helps when
    # another provider (or the offline analyzer) can answer now.
    moving_on = error.kind == "connection" and (
        fallback is not None or settings.ANALYSIS_OFFLINE_FALLBACK
    )
    hopeless_here = not error.retryable or moving_on
    if not hopeless_here and failures < settings.ANALYSIS_MAX_RETRIES:
        wait = error.retry_after or _backoff(failures)
        step = after_failure(
            message, attempts=failures, limit=settings.ANALYSIS_MAX_RETRIES, wait=wait
        )
        return _release(
            analysis,
            token,
            at=timezone.now() + timedelta(seconds=wait),
            error=step.error,
            provider_failures=failures,
        )
    if fallback is not None:
        Analysis.objects.filter(pk=analysis.pk).update(provider=fallback, provider_failures=0)
        return _release(
            analysis, token, at=timezone.now(), error=f"{message}; trying {fallback.name}"
        )
    if error.retryable and settings.ANALYSIS_OFFLINE_FALLBACK:
        return _answer_offline(
            analysis,
            token,
            pattern_context(analysis.pattern),
            note=f"no provider reachable: {message}",
        )
    return _fail(analysis, token, error=message)


def _on_invalid_reply(analysis: Analysis, token: str, text: str, problem: str) -> float | None:
    if analysis.repair_pending:
        return _fail(
            analysis, token, error=f"reply still not valid after a repair attempt: {problem}",
            raw_reply=text,
        )  # fmt: skip
    Analysis.objects.filter(pk=analysis.pk).update(raw_reply=text, repair_pending=True)
    return _release(analysis, token, at=timezone.now(), error=problem)


def _backoff(failures: int) -> float:
    return backoff(failures, base=settings.ANALYSIS_BACKOFF_BASE, cap=settings.ANALYSIS_BACKOFF_MAX)


def _release(
    analysis: Analysis,
    token: str,
    *,
    at: datetime,
    error: str | None = None,
    waiting: str = "",
    provider_failures: int | None = None,
) -> float | None:
    """Hand the analysis back to the queue, due at `at`; the caller's task comes back then."""
    update: dict[str, object] = {"status": Analysis.Status.QUEUED}
    if error is not None:
        update["error"] = error
    if provider_failures is not None:
        update["provider_failures"] = provider_failures
    running = Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.RUNNING)
    seconds = lease_release(running, token, at=at, **update)
    if seconds is not None and waiting:
        logger.debug("analysis %s waits %s for %s", analysis.pk, at, waiting)
    return seconds  # None: cancelled or taken over meanwhile


def _answer_offline(
    analysis: Analysis, token: str, context: PatternContext, *, note: str
) -> float | None:
    started = time.monotonic()
    result = offline_analyze(context)
    latency_ms = int((time.monotonic() - started) * 1000)
    Analysis.objects.filter(pk=analysis.pk).update(
        is_offline=True, provider=None, provider_name=OFFLINE_ANALYZER_NAME, model=OFFLINE_MODEL
    )
    return _complete(
        analysis,
        token,
        ParsedReply(result=result, thinking=""),
        raw_reply="",
        latency_ms=latency_ms,
        model=OFFLINE_MODEL,
        note=note,
        text_prefix=OFFLINE_TEXT_PREFIX,
    )


def _complete(
    analysis: Analysis,
    token: str,
    parsed: ParsedReply,
    *,
    raw_reply: str,
    model: str,
    latency_ms: int,
    tokens_in: int | None = None,
    tokens_out: int | None = None,
    cost: object = None,
    note: str = "",
    text_prefix: str = "",
) -> None:
    # The text is what agent_logs.analysis and NATS replies show: an offline one says so.
    text = text_prefix + analysis_text(parsed.result)
    now = timezone.now()
    with transaction.atomic():
        pattern = pattern_lock_of(Analysis, analysis.pk)
        updated = Analysis.objects.filter(
            pk=analysis.pk, status=Analysis.Status.RUNNING, lease_token=token
        ).update(
            status=Analysis.Status.DONE,
            result=parsed.result.model_dump(mode="json"),
            text=text,
            raw_reply=raw_reply,
            thinking=parsed.thinking,
            model=model,
            prompt_version=PROMPT_VERSION,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            latency_ms=latency_ms,
            cost_estimate=cost,
            error=note[:2000],
            repair_pending=False,
            finished_at=now,
            next_attempt_at=None,
            **LEASE_CLEARED,
        )
        if not updated:
            return None  # cancelled or taken over: this answer is not the request's
        LogPattern.objects.filter(pk=pattern.pk).update(explanation=text)
        analysis.refresh_from_db()
        for hook in _done_hooks():
            hook(analysis=analysis)
    analysis_publish(analysis=analysis)
    return None


def _done_hooks() -> list:
    """settings.ANALYSIS_DONE_HOOKS: apps that build on analyses (ticket rules) hear of each
    completed one inside its transaction, so their writes commit with it."""
    return [import_string(path) for path in settings.ANALYSIS_DONE_HOOKS]


def _fail(analysis: Analysis, token: str, *, error: str, raw_reply: str | None = None) -> None:
    update: dict[str, object] = {
        "status": Analysis.Status.FAILED,
        "error": error[:2000],
        "finished_at": timezone.now(),
        "next_attempt_at": None,
        **LEASE_CLEARED,
    }
    if raw_reply is not None:
        update["raw_reply"] = raw_reply
    updated = Analysis.objects.filter(
        pk=analysis.pk, status=Analysis.Status.RUNNING, lease_token=token
    ).update(**update)
    if updated:
        logger.warning(
            "analysis %s of pattern %s failed: %s", analysis.pk, analysis.pattern_id, error
        )
        analysis.refresh_from_db()
        replies_send(analysis=analysis)
    return None


# --- Results on NATS ----------------------------------------------------------------


def analysis_message(analysis: Analysis) -> dict[str, object]:
    pattern = analysis.pattern
    return {
        "type": "analysis",
        "analysis_id": analysis.pk,
        "status": analysis.status,
        "pattern": {
            "id": pattern.pk,
            "key": pattern.key,
            "template": pattern.template,
            "count": pattern.count,
            "first_seen": pattern.first_seen.isoformat(),
            "last_seen": pattern.last_seen.isoformat(),
        },
        "source": analysis.source_label,
        "offline": analysis.is_offline,
        "provider": analysis.provider_name,
        "model": analysis.model,
        "result": analysis.result,
        "analysis": analysis.text,
        "error": analysis.error if analysis.status != Analysis.Status.DONE else "",
        "finished_at": analysis.finished_at.isoformat() if analysis.finished_at else None,
    }


def analysis_publish(*, analysis: Analysis) -> bool:
    """Publish a completed analysis on the results subject, then answer waiting logs.

    A failure is logged and left for the sweeper, which publishes what is still
    unpublished; the analysis itself is already safe in the database. Returns whether
    the results subject has it (or there is none to publish on).
    """
    subject = settings.ANALYSIS_RESULTS_SUBJECT
    if subject and analysis.published_at is None:
        try:
            publisher.publish(subject, orjson.dumps(analysis_message(analysis)))
        except Exception as error:
            logger.warning("analysis %s not published yet: %s", analysis.pk, error)
            return False
        Analysis.objects.filter(pk=analysis.pk).update(published_at=timezone.now())
    replies_send(analysis=analysis)
    return True


def replies_send(*, analysis: Analysis) -> int:
    """Answer the logs still waiting on this analysis's pattern; returns how many."""
    now = timezone.now()
    waiters = list(
        ReplyWaiter.objects.filter(pattern_id=analysis.pattern_id, expires_at__gt=now)[:10_000]
    )
    if not waiters:
        return 0
    message = analysis_message(analysis)
    sent: list[int] = []
    # Ingest stores only valid reply subjects; rows from before it checked may hold others,
    # which no retry can send: they are dropped, so they never block the rest.
    unsendable = [waiter.pk for waiter in waiters if reply_subject_problem(waiter.reply_to)]
    try:
        for waiter in waiters:
            if waiter.pk in unsendable:
                continue
            publisher.publish(
                waiter.reply_to, orjson.dumps({**message, "stream_seq": waiter.stream_seq})
            )
            sent.append(waiter.pk)
    except Exception as error:
        logger.warning("replies for pattern %s not sent yet: %s", analysis.pattern_id, error)
    if unsendable:
        logger.warning("dropped %d replies to invalid subjects", len(unsendable))
    ReplyWaiter.objects.filter(pk__in=sent + unsendable).delete()
    return len(sent)


def replies_send_current(*, pattern_id: int) -> int:
    """Answer waiting logs of a pattern that already has its analysis."""
    analysis = (
        Analysis.objects.filter(pattern_id=pattern_id, status=Analysis.Status.DONE)
        .select_related("pattern")
        .order_by("-finished_at", "-pk")
        .first()
    )
    return replies_send(analysis=analysis) if analysis else 0


# --- Housekeeping -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SweepReport:
    resent: int
    published: int
    expired_waiters: int
    old_calls: int


def analyses_sweep() -> SweepReport:
    """Recover what a dead worker or broker hiccup left behind; tidy the ledgers.

    Re-sends tasks for analyses overdue by ANALYSIS_STALE_AFTER (queued and never
    picked up, or running with an expired lease), publishes completed analyses
    that did not reach NATS, and drops expired reply waiters and old ledger rows.
    """
    now = timezone.now()
    resent = leases_resend(
        Analysis.objects.filter(status__in=ACTIVE),
        stale_after=settings.ANALYSIS_STALE_AFTER,
        send=tasks.analyze_pattern.delay,
    )
    published = 0
    if settings.ANALYSIS_RESULTS_SUBJECT:
        for analysis in Analysis.objects.filter(
            status=Analysis.Status.DONE,
            published_at__isnull=True,
            finished_at__gte=now - timedelta(hours=1),
        ).select_related("pattern")[:100]:
            published += analysis_publish(analysis=analysis)
    expired, _ = ReplyWaiter.objects.filter(expires_at__lte=now).delete()
    old_calls, _ = ProviderCall.objects.filter(started_at__lt=now - timedelta(days=1)).delete()
    return SweepReport(
        resent=resent, published=published, expired_waiters=expired, old_calls=old_calls
    )


# --- Providers ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    ok: bool
    latency_ms: int
    detail: str


def provider_test(*, provider: Provider) -> ConnectionCheck:
    """Send a tiny prompt; the reply or the exact error, for the admin's Test connection."""
    request = LLMRequest(
        system="You are a connectivity check. Answer with the single word: pong",
        user="ping",
        max_tokens=64,
    )
    slot = slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=80)
    if isinstance(slot, CapacityWait):
        return ConnectionCheck(
            ok=False, latency_ms=0, detail=f"no capacity now ({slot.reason}); next slot in "
            f"{slot.seconds():.0f}s",
        )  # fmt: skip
    started = time.monotonic()
    try:
        reply = complete(provider.config(), request)
    except LLMError as error:
        slot_release(call=slot, tokens=None, outcome=error.kind)
        latency_ms = int((time.monotonic() - started) * 1000)
        Provider.objects.filter(pk=provider.pk).update(
            last_error=error.message[:2000], last_error_at=timezone.now()
        )
        return ConnectionCheck(ok=False, latency_ms=latency_ms, detail=error.message)
    except BaseException:
        slot_release(call=slot, tokens=None, outcome="internal_error")
        raise
    slot_release(
        call=slot, tokens=(reply.tokens_in or 0) + (reply.tokens_out or 0) or None, outcome="ok"
    )
    Provider.objects.filter(pk=provider.pk).update(last_success_at=timezone.now())
    return ConnectionCheck(ok=True, latency_ms=reply.latency_ms, detail=reply.text.strip()[:500])
