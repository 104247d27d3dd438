"""Provider limits shared by every worker and process, kept in the database.

Limits hold where the provider counts them: when a request arrives. That moment is
not seen here, only that it falls between reserving a slot (ProviderCall.started_at)
and the end of the call (finished_at): worker scheduling, connecting and a loaded
machine all come in between. So a call holds a place in the window from its
reservation until a window after it ends; one in flight holds it all along, one lost
with its worker until a window after its lease ran out. A call may start only if,
counting it, at most requests_per_minute calls and tokens_per_minute tokens hold a
place, and fewer than max_concurrent calls are in flight. That holds at arrival:
calls that arrive within 60 s all ended less than 60 s before the last of them was
reserved, so that reservation counted every one of them; and a call is in flight
here from before it arrives until after its reply, so the provider never has more
at once. The window is 60 s plus ANALYSIS_RATE_MARGIN, for clocks that differ
between hosts and the provider.

Calls are also paced evenly, so a provider never sees a burst: one every window /
requests_per_minute, stretched by how long recent calls took (each holds its place
that much longer), which is the rate the window lets through.

Taking a slot happens in one transaction with the provider row locked
(select_for_update; SQLite's IMMEDIATE transactions lock the whole database), so
two workers never both take the last slot.

A caller that finds no capacity does not wait in place: it gets a time to come
back. Those times are handed out evenly spaced from Provider.next_slot_at, so
waiters come back one at a time instead of all at once when a slot frees up. A
caller back on its turn that finds only a momentary obstacle (a call in flight, a
slow call still holding the last place, turns bunched by late delivery) waits it
out and keeps its turn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from analysis.budgets import BudgetSpent, budget_refusal, spend_record
from analysis.models import Provider, ProviderCall

WINDOW_SECONDS = 60.0
# Lease on a concurrency slot beyond the provider's timeout, for token fetches and parsing.
LEASE_EXTRA_SECONDS = 30.0
# With only a concurrency limit, when to look again: calls take about this long.
CONCURRENCY_RETRY_SECONDS = 1.0
# A reserved turn is good this long past its time (task delivery is not punctual).
TURN_GRACE_SECONDS = 2.0
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


@dataclass(frozen=True, slots=True)
class HeldPlace:
    """A call counted in the window now."""

    leaves_at: datetime  # a window after the call ended; in flight, the earliest it can
    tokens: int
    took: timedelta | None  # reservation to release; None if it has not ended


def window(provider: Provider) -> timedelta:
    return timedelta(seconds=WINDOW_SECONDS + settings.ANALYSIS_RATE_MARGIN)


def slot_interval(provider: Provider, busy: timedelta = timedelta(0)) -> timedelta:
    """Spacing of calls and reserved turns: the request rate the limit allows, evenly
    spread over the window and the `busy` time a call holds its place beyond it."""
    if not provider.requests_per_minute:
        return timedelta(0)
    return (window(provider) + busy) / provider.requests_per_minute


def slot_acquire(
    *,
    provider_id: int,
    analysis_id: int | None,
    tokens: int,
    cost: Decimal = Decimal(0),
    turn_at: datetime | None = None,
) -> ProviderCall | CapacityWait | BudgetSpent:
    """Take a request slot now, or reserve a turn and say when to come back, or say that
    a budget of the provider has no room for a call estimated at `tokens` and `cost`.

    `turn_at` is the turn this caller reserved earlier: holding one lets it in
    ahead of callers without one, which queue behind the turns already given out.
    """
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider_id)
        now = timezone.now()
        # Under the row lock: two workers never both take the end of a budget.
        spent = budget_refusal(provider, tokens=tokens, cost=cost, now=now)
        if spent is not None:
            return spent
        held = _held_places(provider, now)
        interval = slot_interval(provider, _typical_duration(held))
        holds_turn = turn_at is not None and turn_at <= now + timedelta(seconds=TURN_GRACE_SECONDS)
        ready_at, reason = _capacity_at(
            provider, now, tokens, held=held, interval=interval, holds_turn=holds_turn
        )
        queue_ahead = provider.next_slot_at is not None and provider.next_slot_at > now
        if not holds_turn and queue_ahead and provider.next_slot_at > ready_at:
            ready_at, reason = provider.next_slot_at, "waiting for turn"
        if ready_at > now and holds_turn and reason.startswith(MOMENTARY):
            # Keep the turn's place: only a momentary limit is in the way. The jitter
            # unbunches turn holders that found the same one.
            jitter = timedelta(seconds=random.uniform(0, interval.total_seconds()))  # noqa: S311
            return CapacityWait(at=ready_at + jitter, reason=reason)
        if ready_at > now:
            turn = max(ready_at, provider.next_slot_at or ready_at)
            provider.next_slot_at = turn + interval
            provider.save(update_fields=["next_slot_at"])
            return CapacityWait(at=turn, reason=reason)
        lease = timedelta(seconds=provider.timeout_seconds * 2 + LEASE_EXTRA_SECONDS)
        return ProviderCall.objects.create(
            provider=provider,
            analysis_id=analysis_id,
            started_at=now,
            lease_until=now + lease,
            tokens=tokens,
            cost=cost,
        )


# Failures the provider may still have done (and billed) the work of.
BILLED_FAILURES = frozenset({"timeout"})


def slot_release(
    *,
    call: ProviderCall,
    outcome: str,
    tokens_in: int | None = None,
    tokens_out: int | None = None,
    provider: Provider | None = None,
) -> None:
    """End a call, after its reply or error: frees its concurrency slot, starts the last
    window it is counted in, records the tokens it really used and adds it to its day's
    spend. A reply without usage counts its estimate; so does a timeout; other failures
    cost nothing. `provider` prices the reported tokens (its row as the caller has it)."""
    reported = tokens_in is not None or tokens_out is not None
    update: dict[str, object] = {"finished_at": timezone.now(), "outcome": outcome[:32]}
    tokens, cost = call.tokens, call.cost
    if reported:
        tokens = (tokens_in or 0) + (tokens_out or 0)
        provider = provider or Provider.objects.get(pk=call.provider_id)
        cost = provider.cost_estimate(tokens_in, tokens_out)
        update.update(tokens=tokens, cost=cost)
    elif outcome != "ok" and outcome not in BILLED_FAILURES:
        tokens, cost = 0, Decimal(0)
    with transaction.atomic():
        # Once: a call released twice (a retried step) is not spent twice.
        ended = ProviderCall.objects.filter(pk=call.pk, finished_at=None).update(**update)
        if ended:
            spend_record(
                provider_id=call.provider_id,
                started_at=call.started_at,
                tokens_in=tokens_in or 0,
                tokens_out=tokens_out or 0,
                tokens=tokens,
                cost=cost,
            )


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
    """What counts against the limits now (as the limiter counts it), for status pages."""
    now = now or timezone.now()
    held = _held_places(provider, now)
    return Headroom(
        requests_used=len(held),
        tokens_used=sum(place.tokens for place in held),
        in_flight=_in_flight(provider, now).count(),
        paused_until=provider.paused_until if _is_paused(provider, now) else None,
    )


def _in_flight(provider: Provider, now: datetime) -> QuerySet[ProviderCall]:
    return provider.calls.filter(finished_at=None, lease_until__gt=now)


def _held_places(provider: Provider, now: datetime) -> list[HeldPlace]:
    """The calls counted against the per-minute limits now, first to leave first."""
    since = now - window(provider)
    rows = provider.calls.filter(
        Q(finished_at__gt=since) | Q(finished_at=None, lease_until__gt=since)
    ).values_list("started_at", "finished_at", "lease_until", "tokens")
    places = [
        HeldPlace(
            # A call lost with its worker arrived, if at all, before its lease ran out.
            leaves_at=min(finished_at or lease_until, now) + window(provider),
            tokens=tokens,
            took=finished_at - started_at if finished_at else None,
        )
        for started_at, finished_at, lease_until, tokens in rows
    ]
    return sorted(places, key=lambda place: place.leaves_at)


def _is_paused(provider: Provider, now: datetime) -> bool:
    return provider.paused_until is not None and provider.paused_until > now


def _typical_duration(held: list[HeldPlace]) -> timedelta:
    took = [place.took for place in held if place.took is not None]
    return sum(took, timedelta(0)) / len(took) if took else timedelta(0)


def _capacity_at(
    provider: Provider,
    now: datetime,
    tokens: int,
    *,
    held: list[HeldPlace],
    interval: timedelta,
    holds_turn: bool,
) -> tuple[datetime, str]:
    """The earliest time a call of `tokens` fits every limit, given the ledger now."""
    ready_at, reason = now, ""
    if _is_paused(provider, now):
        ready_at, reason = provider.paused_until, provider.pause_reason or "paused"
    if provider.requests_per_minute:
        rpm = provider.requests_per_minute
        if len(held) >= rpm:
            # The call that must leave the window before one more fits. A turn holder
            # waits for it in place if it is due within a turn: turns are spaced by how
            # long calls take on average, and this one took longer.
            at = held[len(held) - rpm].leaves_at
            momentary = holds_turn and at <= now + interval
            if at > ready_at:
                limit = f"{rpm} requests per minute"
                ready_at, reason = at, f"{MOMENTARY} {limit}" if momentary else limit
        latest = provider.calls.order_by("-started_at").values_list("started_at", flat=True).first()
        if latest is not None:
            # Calls are paced evenly, not in bursts: a provider that counts per second (or
            # a window that starts elsewhere) sees the rate we do. Turns were handed out
            # evenly already, so a caller on its turn only keeps late, bunched-up turns
            # from going all at once.
            at = latest + interval * (TURN_SPACING if holds_turn else 1)
            if at > ready_at:
                ready_at, reason = at, f"{MOMENTARY if holds_turn else 'pacing'} {rpm} rpm"
    if provider.tokens_per_minute:
        at = _tokens_fit_at(provider.tokens_per_minute, held, tokens, now)
        if at > ready_at:
            ready_at, reason = at, f"{provider.tokens_per_minute} tokens per minute"
    if provider.max_concurrent:
        in_flight = _in_flight(provider, now)
        if in_flight.count() >= provider.max_concurrent:
            at = min(
                now + timedelta(seconds=CONCURRENCY_RETRY_SECONDS),
                in_flight.aggregate(first=Min("lease_until"))["first"],
            )
            if at > ready_at:
                ready_at, reason = at, f"{MOMENTARY} {provider.max_concurrent} concurrent calls"
    return ready_at, reason


def _tokens_fit_at(limit: int, held: list[HeldPlace], tokens: int, now: datetime) -> datetime:
    used = sum(place.tokens for place in held)
    if not held or used + tokens <= limit:
        # An oversized request alone in the window is let through rather than never.
        return now
    for place in held:
        used -= place.tokens
        if used + tokens <= limit:
            return place.leaves_at
    return held[-1].leaves_at
