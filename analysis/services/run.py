"""Running an analysis: one step at a time, under a lease.

Whoever runs it first claims it with a lease; a duplicated or retried task finds it
claimed or finished and does nothing, and only the lease holder can complete it, so a
request completes at most once and the LLM is not called again once it has.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from analysis.budgets import BudgetSpent
from analysis.investigation import (
    Caps,
    Conversation,
    action_offers,
    investigation_ask_repair,
    investigation_keep_offered,
    investigation_record_reply,
    investigation_request,
    investigation_save,
    investigation_tools,
)
from analysis.models import Analysis, Provider
from analysis.prompt import PatternContext, build_request
from analysis.providers import complete
from analysis.providers.messages import LLMError
from analysis.ratelimit import CapacityWait, provider_pause, slot_acquire, slot_release
from analysis.result import ReplyInvalid, parse_reply, repair_request
from analysis.selectors import pattern_context, provider_chain
from analysis.services.finish import analysis_answer_offline, analysis_complete, analysis_fail
from analysis.tools.base import Tool
from gogent.leases import (
    after_failure,
    backoff,
    due,
    internal_error,
    lease_claim,
    lease_release,
    unleased,
)

logger = logging.getLogger(__name__)

# Longer waits are left to the sweeper rather than a task countdown.
LONG_WAIT_SECONDS = 3600
# Prefix of Provider.pause_reason for a pause after a refused connection.
UNREACHABLE = "unreachable: "


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
            analysis_fail(analysis=analysis, token=token, error=step.error)
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
    offline_rung = len(chain) + 1
    if provider is None:
        note = "" if not chain else analysis.rung_reason or analysis.error
        return analysis_answer_offline(
            analysis=analysis,
            token=token,
            context=context,
            note=note or "no LLM provider configured",
            rung=offline_rung,
        )
    if settings.ANALYSIS_OFFLINE_FALLBACK and _unreachable_from(provider, chain):
        return analysis_answer_offline(
            analysis=analysis,
            token=token,
            context=context,
            note=f"no provider reachable: {provider.pause_reason}",
            rung=offline_rung,
        )
    if analysis.provider_id != provider.pk:
        analysis.provider = provider
        Analysis.objects.filter(pk=analysis.pk).update(provider=provider)
    conversation = Conversation.load(analysis.conversation)
    tools = investigation_tools(provider, conversation)
    if tools:
        return _investigate(analysis, token, provider, chain, context, conversation, tools)
    request = build_request(context, max_tokens=provider.max_tokens)
    if analysis.repair_pending:
        request = repair_request(request, analysis.raw_reply, analysis.error)
    prompt_tokens = (len(request.system) + len(request.user)) // 4
    slot = slot_acquire(
        provider_id=provider.pk,
        analysis_id=analysis.pk,
        tokens=prompt_tokens + request.max_tokens,
        cost=provider.cost_estimate(prompt_tokens, request.max_tokens),
        turn_at=analysis.turn_at,
    )
    if isinstance(slot, BudgetSpent):
        return _on_budget_spent(analysis, token, provider, chain, slot)
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
        slot_release(call=slot, outcome=error.kind)
        return _on_llm_error(analysis, token, provider, chain, error)
    except BaseException:
        # Not the provider's doing: free the slot now rather than when its lease runs out.
        slot_release(call=slot, outcome="internal_error")
        raise
    slot_release(
        call=slot, outcome="ok", tokens_in=reply.tokens_in, tokens_out=reply.tokens_out,
        provider=provider,
    )  # fmt: skip
    Provider.objects.filter(pk=provider.pk).update(last_success_at=timezone.now())
    try:
        parsed = parse_reply(reply.text)
    except ReplyInvalid as problem:
        return _on_invalid_reply(analysis, token, reply.text, str(problem))
    return analysis_complete(
        analysis=analysis,
        token=token,
        parsed=parsed,
        raw_reply=reply.text,
        tokens_in=reply.tokens_in,
        tokens_out=reply.tokens_out,
        latency_ms=reply.latency_ms,
        cost=provider.cost_estimate(reply.tokens_in, reply.tokens_out),
        model=reply.model or provider.model,
        rung=chain.index(provider) + 1,
        rung_reason=analysis.rung_reason or _first_choice(provider, chain),
    )


def _investigate(
    analysis: Analysis,
    token: str,
    provider: Provider,
    chain: list[Provider],
    context: PatternContext,
    conversation: Conversation,
    tools: list[Tool],
) -> float | None:
    """Model calls and tool runs until the answer (analysis.investigation); the
    conversation is checkpointed after each call, so a wait or an error resumes it."""
    offers = action_offers(analysis.pattern_id)
    caps = Caps.of(provider)
    while True:
        if not _lease_renew(analysis, token):
            return None  # cancelled or taken over meanwhile
        request, estimate = investigation_request(
            context, conversation, tools=tools, offers=offers,
            max_tokens=provider.max_tokens, caps=caps,
        )  # fmt: skip
        slot = slot_acquire(
            provider_id=provider.pk,
            analysis_id=analysis.pk,
            tokens=estimate,
            cost=provider.cost_estimate(estimate - request.max_tokens, request.max_tokens),
            turn_at=analysis.turn_at,
        )
        if isinstance(slot, BudgetSpent | CapacityWait):
            investigation_save(analysis, token, conversation)
            if isinstance(slot, BudgetSpent):
                return _on_budget_spent(analysis, token, provider, chain, slot)
            Analysis.objects.filter(pk=analysis.pk).update(turn_at=slot.at)
            return _release(analysis, token, at=slot.at, waiting=slot.reason)
        analysis.turn_at = None
        Analysis.objects.filter(pk=analysis.pk).update(
            attempts=F("attempts") + 1, provider_name=provider.name, model=provider.model,
            turn_at=None,
        )  # fmt: skip
        try:
            reply = complete(provider.config(), request)
        except LLMError as error:
            slot_release(call=slot, outcome=error.kind)
            if error.kind == "tools_unsupported":
                # Its API turned tools down: this model gets the one plain prompt from now.
                Provider.objects.filter(pk=provider.pk).update(tools_refused_model=provider.model)
                conversation.tools_off = True
                investigation_save(analysis, token, conversation)
                return _release(analysis, token, at=timezone.now(), error=error.message[:500])
            investigation_save(analysis, token, conversation)
            return _on_llm_error(analysis, token, provider, chain, error)
        except BaseException:
            slot_release(call=slot, outcome="internal_error")
            raise
        slot_release(
            call=slot, outcome="ok", tokens_in=reply.tokens_in, tokens_out=reply.tokens_out,
            provider=provider,
        )  # fmt: skip
        Provider.objects.filter(pk=provider.pk).update(last_success_at=timezone.now())
        answered = investigation_record_reply(
            analysis=analysis, conversation=conversation, reply=reply, tools=tools,
            provider=provider,
        )  # fmt: skip
        if answered:
            try:
                parsed = parse_reply(reply.text)
            except ReplyInvalid as problem:
                if conversation.repair_asked:
                    return analysis_fail(
                        analysis=analysis, token=token,
                        error=f"reply still not valid after a repair attempt: {problem}",
                        raw_reply=reply.text,
                    )  # fmt: skip
                investigation_ask_repair(conversation, reply.text, str(problem))
                answered = False
        if not investigation_save(analysis, token, conversation):
            return None
        if answered:
            return analysis_complete(
                analysis=analysis,
                token=token,
                parsed=investigation_keep_offered(parsed, offers, analysis, conversation),
                raw_reply=reply.text,
                tokens_in=conversation.tokens_in,
                tokens_out=conversation.tokens_out,
                latency_ms=conversation.latency_ms,
                cost=conversation.cost,
                model=reply.model or provider.model,
                rung=chain.index(provider) + 1,
                rung_reason=analysis.rung_reason or _first_choice(provider, chain),
            )


def _lease_renew(analysis: Analysis, token: str) -> bool:
    until = timezone.now() + timedelta(seconds=_lease_seconds())
    running = Analysis.objects.filter(
        pk=analysis.pk, status=Analysis.Status.RUNNING, lease_token=token
    )
    return bool(running.update(lease_until=until))


def _first_choice(provider: Provider, chain: list[Provider]) -> str:
    if chain.index(provider) == 0:
        return "the default provider"
    # Passed over without a recorded move: the ones before it were paused.
    return "the providers before it were paused"


def _on_budget_spent(
    analysis: Analysis, token: str, provider: Provider, chain: list[Provider], spent: BudgetSpent
) -> float | None:
    """Down the ladder: the next provider, then the offline analyzer; with neither, the
    analysis waits for the budget to renew. Never skipped, and the reason is kept."""
    renews = timezone.localtime(spent.renews_at).strftime("%Y-%m-%d %H:%M %Z")
    position = chain.index(provider)
    below = chain[position + 1] if position + 1 < len(chain) else None
    if below is not None:
        reason = f"{spent.reason}, renews {renews}; moved down to {below.name}"
        Analysis.objects.filter(pk=analysis.pk).update(
            provider=below, provider_failures=0, rung_reason=reason[:500]
        )
        return _release(analysis, token, at=timezone.now())
    if settings.ANALYSIS_OFFLINE_FALLBACK:
        return analysis_answer_offline(
            analysis=analysis,
            token=token,
            context=pattern_context(analysis.pattern),
            note=f"{spent.reason}, renews {renews}; the offline analyzer answered",
            rung=len(chain) + 1,
        )
    reason = f"{spent.reason}; waiting until it renews {renews} (no offline fallback)"
    Analysis.objects.filter(pk=analysis.pk).update(rung_reason=reason[:500])
    seconds = _release(analysis, token, at=spent.renews_at, error=reason)
    # Hours away: no broker holds a countdown that long reliably; once it is due, the
    # sweeper sends the task again (as for any overdue analysis).
    return None if seconds is None or seconds > LONG_WAIT_SECONDS else seconds


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
        Analysis.objects.filter(pk=analysis.pk).update(
            provider=fallback,
            provider_failures=0,
            rung_reason=f"{message}; moved down to {fallback.name}"[:500],
        )
        return _release(
            analysis, token, at=timezone.now(), error=f"{message}; trying {fallback.name}"
        )
    if error.retryable and settings.ANALYSIS_OFFLINE_FALLBACK:
        return analysis_answer_offline(
            analysis=analysis,
            token=token,
            context=pattern_context(analysis.pattern),
            note=f"no provider reachable: {message}",
            rung=len(chain) + 1,
        )
    return analysis_fail(analysis=analysis, token=token, error=message)


def _on_invalid_reply(analysis: Analysis, token: str, text: str, problem: str) -> float | None:
    if analysis.repair_pending:
        return analysis_fail(
            analysis=analysis, token=token,
            error=f"reply still not valid after a repair attempt: {problem}",
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
