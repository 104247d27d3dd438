"""Providers: the admin's Test connection, also how the offline redo asks whether one answers."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils import timezone

from analysis.budgets import BudgetSpent
from analysis.models import Provider
from analysis.providers import complete
from analysis.providers.messages import LLMError, LLMRequest
from analysis.ratelimit import CapacityWait, slot_acquire, slot_release


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
    cost = provider.cost_estimate(16, 64)
    slot = slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=80, cost=cost)
    if isinstance(slot, BudgetSpent):
        return ConnectionCheck(ok=False, latency_ms=0, detail=f"not called: {slot.reason}")
    if isinstance(slot, CapacityWait):
        return ConnectionCheck(
            ok=False, latency_ms=0, detail=f"no capacity now ({slot.reason}); next slot in "
            f"{slot.seconds():.0f}s",
        )  # fmt: skip
    started = time.monotonic()
    try:
        reply = complete(provider.config(), request)
    except LLMError as error:
        slot_release(call=slot, outcome=error.kind)
        latency_ms = int((time.monotonic() - started) * 1000)
        Provider.objects.filter(pk=provider.pk).update(
            last_error=error.message[:2000], last_error_at=timezone.now()
        )
        return ConnectionCheck(ok=False, latency_ms=latency_ms, detail=error.message)
    except BaseException:
        slot_release(call=slot, outcome="internal_error")
        raise
    slot_release(
        call=slot, outcome="ok", tokens_in=reply.tokens_in, tokens_out=reply.tokens_out,
        provider=provider,
    )  # fmt: skip
    Provider.objects.filter(pk=provider.pk).update(last_success_at=timezone.now())
    return ConnectionCheck(ok=True, latency_ms=reply.latency_ms, detail=reply.text.strip()[:500])
