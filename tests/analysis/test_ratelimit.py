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


def take(provider: Provider, tokens: int = 10, ticket=None):
    return slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=tokens, ticket=ticket)


def forget_turns(provider: Provider) -> None:
    Provider.objects.filter(pk=provider.pk).update(next_slot_at=None)


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
    holder = take(provider, ticket=timezone.now())

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
    slot_release(call=first, tokens=300, outcome="ok")
    forget_turns(provider)
    assert isinstance(take(provider, tokens=600), ProviderCall)


def test_an_oversized_request_alone_is_let_through(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=None, tokens_per_minute=100)
    assert isinstance(take(provider, tokens=5000), ProviderCall)


def test_concurrency_frees_on_release_and_on_expired_leases(provider):
    Provider.objects.filter(pk=provider.pk).update(requests_per_minute=None, max_concurrent=2)
    first, second = take(provider), take(provider)
    assert isinstance(take(provider), CapacityWait)
    slot_release(call=first, tokens=None, outcome="ok")
    forget_turns(provider)
    assert isinstance(take(provider), ProviderCall)
    # A worker died holding `second`: its lease runs out and the slot comes back.
    ProviderCall.objects.filter(pk=second.pk).update(lease_until=timezone.now())
    assert isinstance(take(provider, ticket=timezone.now()), ProviderCall)


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
    first = take(provider, ticket=timezone.now())
    assert isinstance(first, ProviderCall)
    # Another holder whose turn came late, right behind: it waits briefly, no new turn.
    wait = take(provider, ticket=timezone.now() - timedelta(seconds=5))
    assert isinstance(wait, CapacityWait)
    assert wait.reason.startswith("briefly:")
    half = slot_interval(provider) / 2
    assert first.started_at + half <= wait.at <= first.started_at + half + slot_interval(provider)
    provider.refresh_from_db()
    assert provider.next_slot_at is None
