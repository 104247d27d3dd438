"""What `manage.py status` (gogent.status) says about analyses: the queue, the providers
with their limits this minute, the results outbox and its publisher, the last failure."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from analysis.budgets import budget_lines, budget_spent
from analysis.models import Analysis, Provider
from analysis.ratelimit import Headroom, provider_headroom
from analysis.selectors import ResultsOutbox, provider_chain, results_outbox
from gogent.status import (
    Level,
    Problem,
    StatusSection,
    ago,
    duration,
    limit_text,
    moment_json,
    plural,
)

RECENT = timedelta(hours=24)


def analysis_status() -> StatusSection:
    """Down when no provider or offline analyzer can answer, or when results wait for a
    NATS the publisher cannot reach; a warning when a fallback answers for a provider that
    is paused or failing."""
    now = timezone.now()
    counts = dict(Analysis.objects.values_list("status").annotate(n=Count("id")).order_by())
    queue = {
        "queued": counts.get(Analysis.Status.QUEUED, 0),
        "running": counts.get(Analysis.Status.RUNNING, 0),
        "failed_last_24h": Analysis.objects.filter(
            status=Analysis.Status.FAILED, finished_at__gte=now - RECENT
        ).count(),
        "oldest_queued_at": Analysis.objects.filter(status=Analysis.Status.QUEUED).aggregate(
            oldest=Min("created_at")
        )["oldest"],
    }
    chain = [(provider, provider_headroom(provider, now)) for provider in provider_chain()]
    outbox = results_outbox()
    publisher = outbox.publisher
    last_failed = (
        Analysis.objects.filter(status=Analysis.Status.FAILED)
        .order_by("-finished_at", "-pk")
        .first()
    )

    problems = _provider_problems(chain, now)
    if publisher.reachable is False:
        if outbox.size:
            problems.append(
                Problem(
                    Level.DOWN,
                    f"NATS unreachable for the results publisher since "
                    f"{ago(publisher.unreachable_since, now)}: {publisher.last_error}; "
                    f"{plural(outbox.analyses, 'result')} and {plural(outbox.answers, 'answer')} "
                    "waiting",
                )
            )
        else:
            problems.append(
                Problem(
                    Level.WARNING,
                    f"the results publisher's last attempt failed "
                    f"({ago(publisher.last_failure_at, now)}): {publisher.last_error}",
                )
            )

    lines = [
        (
            "queue",
            f"{queue['queued']} queued, {queue['running']} running, "
            f"{queue['failed_last_24h']} failed in 24 h; oldest queued "
            f"{ago(queue['oldest_queued_at'], now, never='none')}",
        )
    ]
    lines += [(f"provider {p.name}", _provider_text(p, room, now)) for p, room in chain]
    if not chain:
        lines.append(("providers", _no_provider_text()))
    lines.append(("results on NATS", _outbox_text(outbox, now)))
    if last_failed is not None:
        lines.append(
            ("last failure", f"analysis {last_failed.pk}, {ago(last_failed.finished_at, now)}: "
                             f"{last_failed.error}")
        )  # fmt: skip

    return StatusSection(
        title="Analysis",
        lines=lines,
        data={
            "queue": {**queue, "oldest_queued_at": moment_json(queue["oldest_queued_at"])},
            "counts": {status: counts.get(status, 0) for status in Analysis.Status.values},
            "offline_fallback": settings.ANALYSIS_OFFLINE_FALLBACK,
            "providers": [_provider_json(provider, room, now) for provider, room in chain],
            "results": {
                "subject": outbox.subject,
                "waiting_results": outbox.analyses,
                "waiting_answers": outbox.answers,
                "oldest_waiting_at": moment_json(outbox.oldest),
                "nats_reachable": publisher.reachable,
                "unreachable_since": moment_json(publisher.unreachable_since),
                "last_error": publisher.last_error,
                "published_total": publisher.published_total,
            },
            "last_failure": None
            if last_failed is None
            else {
                "id": last_failed.pk,
                "error": last_failed.error,
                "at": moment_json(last_failed.finished_at),
            },
        },
        problems=problems,
    )


def _state(provider: Provider, room: Headroom, now: datetime) -> tuple[str, str]:
    """("ok", "") or ("paused" / "over budget" / "failing", why): whether it answers now."""
    if room.paused_until is not None:
        return "paused", f"until {room.paused_until:%H:%M:%S} UTC: {provider.pause_reason}"
    spent = budget_spent(provider, now)
    if spent is not None:
        return "over budget", f"until {spent.renews_at:%Y-%m-%d %H:%M %Z}: {spent.reason}"
    if provider.is_failing:
        return "failing", f"its last call {ago(provider.last_error_at, now)}: {provider.last_error}"
    return "ok", ""


def _provider_problems(chain: list[tuple[Provider, Headroom]], now: datetime) -> list[Problem]:
    offline = settings.ANALYSIS_OFFLINE_FALLBACK
    if not chain:
        if offline:
            return []  # the offline analyzer is what this site chose
        return [
            Problem(
                Level.DOWN,
                "no LLM provider is enabled as default or fallback and the offline analyzer "
                "is off (ANALYSIS_OFFLINE_FALLBACK): analyses fail",
            )
        ]
    states = [(provider, *_state(provider, room, now)) for provider, room in chain]
    working = [provider.name for provider, state, _ in states if state == "ok"]
    problems = []
    if not working:
        instead = "analyses come from the offline analyzer" if offline else "analyses fail"
        problems.append(
            Problem(
                Level.WARNING if offline else Level.DOWN,
                f"no LLM provider answers ({', '.join(p.name for p, _, _ in states)}): {instead}",
            )
        )
    for provider, state, why in states:
        if state != "ok":
            answering = f"{working[0]} answers instead" if working else "no fallback answers"
            problems.append(
                Problem(Level.WARNING, f"provider {provider.name} is {state} {why} ({answering})")
            )
    return problems


def _provider_text(provider: Provider, room: Headroom, now: datetime) -> str:
    budget = (
        f"requests {limit_text(room.requests_used, provider.requests_per_minute)}, "
        f"tokens {limit_text(room.tokens_used, provider.tokens_per_minute)} this minute, "
        f"{limit_text(room.in_flight, provider.max_concurrent)} in flight"
    )
    state, why = _state(provider, room, now)
    return f"ok; {budget}" if state == "ok" else f"{state.upper()} {why}; {budget}"


def _no_provider_text() -> str:
    if settings.ANALYSIS_OFFLINE_FALLBACK:
        return "none enabled: the offline analyzer answers"
    return "NONE enabled, and the offline analyzer is off"


def _outbox_text(outbox: ResultsOutbox, now: datetime) -> str:
    publisher = outbox.publisher
    state = {None: "not tried yet", True: "NATS reachable"}.get(
        publisher.reachable, f"NATS UNREACHABLE since {ago(publisher.unreachable_since, now)}"
    )
    waiting = f"{plural(outbox.analyses, 'result')} and {plural(outbox.answers, 'answer')} waiting"
    if outbox.oldest is not None:
        waiting += f" (oldest {duration(now - outbox.oldest)})"
    subject = outbox.subject or "no results subject"
    return f"{state}; {waiting}; {publisher.published_total} published to {subject}"


def _provider_json(provider: Provider, room: Headroom, now: datetime) -> dict[str, Any]:
    state, why = _state(provider, room, now)
    return {
        "name": provider.name,
        "kind": provider.kind,
        "model": provider.model,
        "is_default": provider.is_default,
        "state": state,
        "why": why,
        "paused_until": moment_json(room.paused_until),
        "last_error": provider.last_error,
        "last_error_at": moment_json(provider.last_error_at),
        "last_success_at": moment_json(provider.last_success_at),
        "requests_used": room.requests_used,
        "requests_per_minute": provider.requests_per_minute,
        "tokens_used": room.tokens_used,
        "tokens_per_minute": provider.tokens_per_minute,
        "in_flight": room.in_flight,
        "max_concurrent": provider.max_concurrent,
        "budgets": [
            {
                "period": line.period.name,
                "measure": line.measure,
                "limit": str(line.limit),
                "spent": str(line.spent),
                "renews_at": moment_json(line.period.renews_at),
            }
            for line in budget_lines(provider, now)
        ],
    }
