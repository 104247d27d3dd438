"""Provider limits shared by every worker and process, kept in the database.

The truth is the ProviderCall ledger: a call may start only if, counting it, no
60-second window (plus a small margin for clock and network skew) holds more than
requests_per_minute calls or tokens_per_minute tokens, and fewer than
max_concurrent calls are in flight. Calls are also paced evenly (one every
window / requests_per_minute), so a provider never sees a burst.

Taking a slot happens in one transaction with the provider row locked
(select_for_update; SQLite's IMMEDIATE transactions lock the whole database), so
two workers never both take the last slot.

A caller that finds no capacity does not wait in place: it gets a time to come
back. Those times are handed out evenly spaced from Provider.next_slot_at, so
waiters come back one at a time instead of all at once when a slot frees up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from analysis.models import Provider, ProviderCall

WINDOW_SECONDS = 60.0
# Lease on a concurrency slot beyond the provider's timeout, for token fetches and parsing.
LEASE_EXTRA_SECONDS = 30.0
# With only a concurrency limit, when to look again: calls take about this long.
CONCURRENCY_RETRY_SECONDS = 1.0
# A ticket is good this long past its time (task delivery is not punctual).
TICKET_GRACE_SECONDS = 2.0
# A caller on its reserved turn may follow the previous call this soon (in intervals).
TURN_SPACING = 0.5
# Reason prefix of limits a turn holder waits out in place, keeping its turn.
MOMENTARY = "briefly:"


@dataclass(frozen=True, slots=True)
class CapacityWait:
    """No capacity now; come back at `at` (a reserved turn)."""

    at: datetime
    reason: str

    def seconds(self, now: datetime | None = None) -> float:
        return max((self.at - (now or timezone.now())).total_seconds(), 0.0)


def window(provider: Provider) -> timedelta:
    return timedelta(seconds=WINDOW_SECONDS + settings.ANALYSIS_RATE_MARGIN)


def slot_interval(provider: Provider) -> timedelta:
    """Spacing of reserved turns: the request rate the limit allows, evenly spread."""
    if not provider.requests_per_minute:
        return timedelta(0)
    return window(provider) / provider.requests_per_minute


def slot_acquire(
    *, provider_id: int, analysis_id: int | None, tokens: int, ticket: datetime | None = None
) -> ProviderCall | CapacityWait:
    """Take a request slot now, or reserve a turn and say when to come back.

    `ticket` is the turn this caller reserved earlier: holding one lets it in
    ahead of callers without one, which queue behind the turns already given out.
    """
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider_id)
        now = timezone.now()
        holds_turn = ticket is not None and ticket <= now + timedelta(seconds=TICKET_GRACE_SECONDS)
        ready_at, reason = _capacity_at(provider, now, tokens, holds_turn=holds_turn)
        queue_ahead = provider.next_slot_at is not None and provider.next_slot_at > now
        if not holds_turn and queue_ahead and provider.next_slot_at > ready_at:
            ready_at, reason = provider.next_slot_at, "waiting for turn"
        if ready_at > now and holds_turn and reason.startswith(MOMENTARY):
            # Keep the turn's place: only a momentary limit is in the way (a call in flight,
            # or turns delivered late and bunched up). The jitter unbunches them.
            jitter = timedelta(seconds=random.uniform(0, slot_interval(provider).total_seconds()))  # noqa: S311
            return CapacityWait(at=ready_at + jitter, reason=reason)
        if ready_at > now:
            turn = max(ready_at, provider.next_slot_at or ready_at)
            provider.next_slot_at = turn + slot_interval(provider)
            provider.save(update_fields=["next_slot_at"])
            return CapacityWait(at=turn, reason=reason)
        lease = timedelta(seconds=provider.timeout_seconds * 2 + LEASE_EXTRA_SECONDS)
        return ProviderCall.objects.create(
            provider=provider,
            analysis_id=analysis_id,
            started_at=now,
            lease_until=now + lease,
            tokens=tokens,
        )


def slot_release(*, call: ProviderCall, tokens: int | None, outcome: str) -> None:
    """End a call: frees its concurrency slot and records the tokens it really used."""
    update: dict[str, object] = {"finished_at": timezone.now(), "outcome": outcome[:32]}
    if tokens is not None:
        update["tokens"] = tokens
    ProviderCall.objects.filter(pk=call.pk).update(**update)


def provider_pause(*, provider_id: int, seconds: float, reason: str) -> None:
    """Make every worker hold off this provider (Retry-After, refused connections)."""
    until = timezone.now() + timedelta(seconds=seconds)
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider_id)
        if provider.paused_until is None or provider.paused_until < until:
            provider.paused_until = until
            provider.pause_reason = reason[:300]
            provider.save(update_fields=["paused_until", "pause_reason"])


@dataclass(frozen=True, slots=True)
class Headroom:
    requests_used: int
    tokens_used: int
    in_flight: int
    paused_until: datetime | None


def provider_headroom(provider: Provider, now: datetime | None = None) -> Headroom:
    """What the last window used, for status pages."""
    now = now or timezone.now()
    recent = provider.calls.filter(started_at__gt=now - window(provider))
    return Headroom(
        requests_used=recent.count(),
        tokens_used=recent.aggregate(total=Sum("tokens"))["total"] or 0,
        in_flight=provider.calls.filter(finished_at=None, lease_until__gt=now).count(),
        paused_until=provider.paused_until if _is_paused(provider, now) else None,
    )


def _is_paused(provider: Provider, now: datetime) -> bool:
    return provider.paused_until is not None and provider.paused_until > now


def _capacity_at(
    provider: Provider, now: datetime, tokens: int, *, holds_turn: bool = False
) -> tuple[datetime, str]:
    """The earliest time a call of `tokens` fits every limit, given the ledger now."""
    ready_at, reason = now, ""
    if _is_paused(provider, now):
        ready_at, reason = provider.paused_until, provider.pause_reason or "paused"
    span = window(provider)
    recent = ProviderCall.objects.filter(provider=provider, started_at__gt=now - span)
    if provider.requests_per_minute:
        rpm = provider.requests_per_minute
        starts = list(recent.order_by("-started_at").values_list("started_at", flat=True))
        if len(starts) >= rpm:
            # The call that must leave the window before one more fits.
            at = starts[rpm - 1] + span
            if at > ready_at:
                ready_at, reason = at, f"{rpm} requests per minute"
        if starts:
            # Calls are paced evenly, not in bursts: a provider that counts per second (or
            # a window that starts elsewhere) sees the rate we do. Turns were handed out
            # evenly already, so a caller on its turn only keeps late, bunched-up turns
            # from going all at once.
            spacing = slot_interval(provider) * (TURN_SPACING if holds_turn else 1)
            at = starts[0] + spacing
            if at > ready_at:
                ready_at, reason = at, f"{MOMENTARY if holds_turn else 'pacing'} {rpm} rpm"
    if provider.tokens_per_minute:
        at = _tokens_fit_at(provider, recent, span, tokens, now)
        if at > ready_at:
            ready_at, reason = at, f"{provider.tokens_per_minute} tokens per minute"
    if provider.max_concurrent:
        in_flight = ProviderCall.objects.filter(
            provider=provider, finished_at=None, lease_until__gt=now
        )
        if in_flight.count() >= provider.max_concurrent:
            at = min(
                now + timedelta(seconds=CONCURRENCY_RETRY_SECONDS),
                in_flight.aggregate(first=Min("lease_until"))["first"],
            )
            if at > ready_at:
                ready_at, reason = at, f"{MOMENTARY} {provider.max_concurrent} concurrent calls"
    return ready_at, reason


def _tokens_fit_at(
    provider: Provider, recent, span: timedelta, tokens: int, now: datetime
) -> datetime:
    rows = list(recent.order_by("started_at").values_list("started_at", "tokens"))
    used = sum(count for _, count in rows)
    limit = provider.tokens_per_minute
    if not rows or used + tokens <= limit:
        # An oversized request alone in the window is let through rather than never.
        return now
    for started_at, count in rows:
        used -= count
        if used + tokens <= limit:
            return started_at + span
    return rows[-1][0] + span
