"""The shared limiter: ledger arithmetic, turns, pauses (in one process; across processes
see test_worker.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from analysis.models import Provider, ProviderCall
from analysis.ratelimit import (
    CapacityWait,
    provider_headroom,
    provider_pause,
    slot_acquire,
    slot_interval,
    slot_release,
    window,
)

pytestmark = pytest.mark.production


@pytest.fixture
def provider(db) -> Provider:
    return Provider.objects.create(
        name="limited",
        kind=Provider.Kind.OPENAI,
        model="m",
        requests_per_minute=3,
        tokens_per_minute=None,
        max_concurrent=None,
    )


def take(provider: Provider, tokens: int = 10, turn_at=None):
    return slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=tokens, turn_at=turn_at)


def forget_turns(provider: Provider) -> None:
    Provider.objects.filter(pk=provider.pk).update(next_slot_at=None)


def past_call(
    provider: Provider, *, started: float, ended: float | None, lease: float = 300, tokens: int = 10
) -> ProviderCall:
    """A call in the ledger, reserved `started` seconds ago and ended `ended` seconds ago
    (None: not ended), whose lease ran `lease` seconds from its reservation."""
    now = timezone.now()
    started_at = now - timedelta(seconds=started)
    return ProviderCall.objects.create(
        provider=provider,
        started_at=started_at,
        finished_at=None if ended is None else now - timedelta(seconds=ended),
        lease_until=started_at + timedelta(seconds=lease),
        tokens=tokens,
        outcome="" if ended is None else "ok",
    )


def seconds_until(moment) -> float:
    return (moment - timezone.now()).total_seconds()


def test_calls_are_paced_evenly(provider):
    first = take(provider)
    assert isinstance(first, ProviderCall)

    wait = take(provider)

    assert isinstance(wait, CapacityWait)
    assert wait.at == first.started_at + slot_interval(provider)
    assert wait.reason == "pacing 3 rpm"


def test_a_full_window_waits_for_its_oldest_call(provider):
    now = timezone.now()
    for seconds_ago in (50, 30, 25):
        started = now - timedelta(seconds=seconds_ago)
        ProviderCall.objects.create(provider=provider, started_at=started, lease_until=started)

    wait = take(provider)

    assert isinstance(wait, CapacityWait)
    assert "3 requests per minute" in wait.reason
    oldest = now - timedelta(seconds=50)
    assert abs((wait.at - (oldest + window(provider))).total_seconds()) < 0.01


def test_waiters_get_evenly_spaced_turns(provider):
    take(provider)
    turns = [take(provider).at for _ in range(3)]
    spacing = slot_interval(provider)
    assert turns[1] - turns[0] == spacing
    assert turns[2] - turns[1] == spacing


def test_a_turn_holder_goes_ahead_of_newcomers(provider):
    Provider.objects.filter(pk=provider.pk).update(
        next_slot_at=timezone.now() + timedelta(seconds=20)
    )

    newcomer = take(provider)
    holder = take(provider, turn_at=timezone.now())

    assert isinstance(newcomer, CapacityWait) and newcomer.reason == "waiting for turn"
    assert isinstance(holder, ProviderCall)


def test_tokens_per_minute(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=None, tokens_per_minute=1000)
    first = take(provider, tokens=600)
    assert isinstance(first, ProviderCall)
    wait = take(provider, tokens=600)
    assert isinstance(wait, CapacityWait)
    assert "1000 tokens per minute" in wait.reason
    # Real usage was lower than the estimate: the correction frees room.
    slot_release(call=first, outcome="ok", tokens_in=200, tokens_out=100)
    forget_turns(provider)
    assert isinstance(take(provider, tokens=600), ProviderCall)


def test_an_oversized_request_alone_is_let_through(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=None, tokens_per_minute=100)
    assert isinstance(take(provider, tokens=5000), ProviderCall)


def test_concurrency_frees_on_release_and_on_expired_leases(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=None, max_concurrent=2)
    first, second = take(provider), take(provider)
    assert isinstance(take(provider), CapacityWait)
    slot_release(call=first, outcome="ok")
    forget_turns(provider)
    assert isinstance(take(provider), ProviderCall)
    # A worker died holding `second`: its lease runs out and the slot comes back.
    ProviderCall.objects.filter(pk=second.pk).update(lease_until=timezone.now())
    assert isinstance(take(provider, turn_at=timezone.now()), ProviderCall)


def test_a_pause_holds_every_caller(provider):
    provider_pause(provider_id=provider.pk, seconds=30, reason="HTTP 429")
    wait = take(provider)
    assert isinstance(wait, CapacityWait)
    assert wait.reason == "HTTP 429"
    assert 29 <= wait.seconds() <= 30
    # A shorter pause never cuts a longer one.
    provider_pause(provider_id=provider.pk, seconds=1, reason="HTTP 503")
    provider.refresh_from_db()
    assert provider.pause_reason == "HTTP 429"


def test_headroom_reports_the_window(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=None)
    take(provider, tokens=40)
    take(provider, tokens=2)
    headroom = provider_headroom(provider)
    assert headroom.requests_used == 2
    assert headroom.tokens_used == 42
    assert headroom.in_flight == 2


def test_late_bunched_turns_go_at_half_spacing_and_keep_their_place(provider):
    first = take(provider, turn_at=timezone.now())
    assert isinstance(first, ProviderCall)
    # Another holder whose turn came late, right behind: it waits briefly, no new turn.
    wait = take(provider, turn_at=timezone.now() - timedelta(seconds=5))
    assert isinstance(wait, CapacityWait)
    assert wait.reason.startswith("briefly:")
    half = slot_interval(provider) / 2
    assert first.started_at + half <= wait.at <= first.started_at + half + slot_interval(provider)
    provider.refresh_from_db()
    assert provider.next_slot_at is None


def test_a_call_counts_until_a_window_after_it_completes(provider):
    # Both were reserved over a minute ago, but the provider may have seen them arrive as
    # late as they completed: 40 and 35 s ago.
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=2)
    first = past_call(provider, started=90, ended=40)
    past_call(provider, started=80, ended=35)

    wait = take(provider)

    assert isinstance(wait, CapacityWait)
    assert wait.reason == "2 requests per minute"
    assert wait.at == first.finished_at + window(provider)
    assert 20 < seconds_until(wait.at) <= 20.5
    # Once the first completed more than a window ago, it no longer counts.
    ProviderCall.objects.filter(pk=first.pk).update(
        finished_at=timezone.now() - window(provider) - timedelta(seconds=0.1)
    )
    forget_turns(provider)
    assert isinstance(take(provider), ProviderCall)


def test_a_call_in_flight_counts_however_long_ago_it_was_reserved(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=1)
    past_call(provider, started=120, ended=None)

    wait = take(provider)

    assert isinstance(wait, CapacityWait)
    assert wait.reason == "1 requests per minute"
    # The earliest it can leave: if it completed now.
    assert window(provider).total_seconds() - 1 < seconds_until(wait.at)


def test_a_call_lost_with_its_worker_counts_until_a_window_after_its_lease(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=1)
    lost = past_call(provider, started=100, ended=None, lease=90)

    wait = take(provider)

    assert isinstance(wait, CapacityWait)
    assert wait.at == lost.lease_until + window(provider)


def test_tokens_count_until_a_window_after_the_call_completes(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=None, tokens_per_minute=1000)
    slow = past_call(provider, started=90, ended=40, tokens=600)
    past_call(provider, started=200, ended=61, tokens=900)  # completed over a window ago

    wait = take(provider, tokens=600)

    assert isinstance(wait, CapacityWait)
    assert wait.reason == "1000 tokens per minute"
    assert wait.at == slow.finished_at + window(provider)
    forget_turns(provider)
    assert isinstance(take(provider, tokens=400), ProviderCall)


def test_pacing_stretches_by_how_long_calls_take(provider):
    # A call holds its place for the window and its own duration, so the rate that fits
    # is 3 per (window + 24 s); pacing at a third of the window would fill it early.
    last = past_call(provider, started=25, ended=1)

    wait = take(provider)

    assert isinstance(wait, CapacityWait)
    assert wait.reason == "pacing 3 rpm"
    stretched = slot_interval(provider, timedelta(seconds=24))
    assert stretched == (window(provider) + timedelta(seconds=24)) / 3
    assert wait.at == last.started_at + stretched
    provider.refresh_from_db()
    assert provider.next_slot_at == wait.at + stretched


def test_a_turn_holder_waits_in_place_for_a_slow_call_to_leave(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=2)
    # Turns are spaced for calls of 3 s, the average; the oldest took 5 s and leaves in 0.5 s.
    past_call(provider, started=60 + 5, ended=60)
    past_call(provider, started=40, ended=39)
    provider.refresh_from_db()
    leaves_at = timezone.now() - timedelta(seconds=60) + window(provider)

    holder = take(provider, turn_at=timezone.now())

    assert isinstance(holder, CapacityWait)
    assert holder.reason == "briefly: 2 requests per minute"
    assert leaves_at - timedelta(seconds=0.1) <= holder.at
    assert holder.at <= leaves_at + slot_interval(provider, timedelta(seconds=3))
    provider.refresh_from_db()
    assert provider.next_slot_at is None
    # A newcomer reserves a turn behind it.
    newcomer = take(provider)
    assert isinstance(newcomer, CapacityWait) and newcomer.reason == "2 requests per minute"
    provider.refresh_from_db()
    assert provider.next_slot_at == newcomer.at + slot_interval(provider, timedelta(seconds=3))


def test_headroom_counts_what_the_limiter_counts(provider):
    past_call(provider, started=90, ended=40, tokens=100)  # arrived within the window
    past_call(provider, started=200, ended=61, tokens=900)  # completed over a window ago
    past_call(provider, started=10, ended=None, tokens=5)  # in flight

    headroom = provider_headroom(provider)

    assert (headroom.requests_used, headroom.tokens_used, headroom.in_flight) == (2, 105, 1)
