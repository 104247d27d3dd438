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
    slot_release,
    window,
)


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


def test_requests_per_minute_lets_a_burst_through_then_says_when(provider):
    calls = [take(provider) for _ in range(3)]
    assert all(isinstance(call, ProviderCall) for call in calls)

    wait = take(provider)

    assert isinstance(wait, CapacityWait)
    assert wait.at == calls[0].started_at + window(provider)
    assert "3 requests per minute" in wait.reason


def test_waiters_get_evenly_spaced_turns(provider):
    for _ in range(3):
        take(provider)
    turns = [take(provider).at for _ in range(3)]
    spacing = window(provider) / 3
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
    take(provider, tokens=40)
    take(provider, tokens=2)
    headroom = provider_headroom(provider)
    assert headroom.requests_used == 2
    assert headroom.tokens_used == 42
    assert headroom.in_flight == 2
