"""Budgets per provider and the fallback ladder: spend counted, hard limits, moving down
and back up, every rung recorded with its reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from analysis.budgets import BudgetSpent, budget_lines, budget_refusal, periods, spend_overview
from analysis.models import Analysis, Provider, ProviderCall, ProviderSpend
from analysis.ratelimit import slot_acquire, slot_release
from analysis.services import analysis_request, analysis_run
from analysis.status import analysis_status
from logs.models import LogPattern, Severity
from tests.fakes.llm import FakeLLM

pytestmark = [pytest.mark.production, pytest.mark.usefixtures("no_results_subject")]


@pytest.fixture(autouse=True)
def single_prompts(settings):
    # The ladder is the same with tools; one call per analysis keeps the sums plain.
    settings.ANALYSIS_TOOLS = []


def make_patterns(count: int) -> list[LogPattern]:
    now = timezone.now()
    return LogPattern.objects.bulk_create(
        LogPattern(
            key=f"budget{n:010d}",
            template=f"Conveyor {n} stalled: <*>",
            sample_message=f"Conveyor {n} stalled: jam",
            first_seen=now - timedelta(minutes=5),
            last_seen=now,
            count=3,
            max_severity=Severity.ERROR,
        )
        for n in range(count)
    )


def settle(analysis: Analysis, steps: int = 10) -> Analysis:
    for _ in range(steps):
        Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.QUEUED).update(
            next_attempt_at=timezone.now()
        )
        if analysis_run(analysis_id=analysis.pk) is None:
            break
    analysis.refresh_from_db()
    return analysis


def spend_on(provider: Provider, *, days_ago: int = 0, tokens: int = 0, cost: str = "0") -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    ProviderSpend.objects.create(
        provider=provider, day=day, calls=1, tokens=tokens, cost=Decimal(cost)
    )


def test_a_call_starts_only_if_its_estimate_fits_what_the_day_has_left(fake_llm, make_provider):
    provider = make_provider(fake_llm.url, budget_tokens_per_day=1000)
    spend_on(provider, tokens=700)
    assert budget_refusal(provider, tokens=300, cost=Decimal(0)) is None
    spent = budget_refusal(provider, tokens=301, cost=Decimal(0))
    assert isinstance(spent, BudgetSpent)
    assert "tokens budget per day spent (700 of 1,000 tokens this day)" in spent.reason
    assert spent.renews_at == periods(timezone.now())[0].renews_at
    # A call in flight holds its estimate: a second one cannot take the same room.
    call = slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=200)
    assert isinstance(call, ProviderCall)
    refused = slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=200)
    assert isinstance(refused, BudgetSpent)
    # It used less than estimated: the difference comes back.
    slot_release(call=call, outcome="ok", tokens_in=50, tokens_out=30, provider=provider)
    assert budget_lines(provider)[0].spent == 780
    assert isinstance(
        slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=200), ProviderCall
    )


def test_a_month_counts_this_months_days_and_renews_on_the_first(fake_llm, make_provider):
    provider = make_provider(fake_llm.url, budget_tokens_per_month=1000)
    day, month = periods(timezone.now())
    spend_on(provider, tokens=600)
    if day.first_day != month.first_day:
        spend_on(provider, days_ago=1, tokens=300)  # earlier this month
    else:
        spend_on(provider, tokens=300)
    spend_on(provider, days_ago=40, tokens=50_000)  # last month: not counted
    assert budget_lines(provider)[0].spent == 900
    assert budget_refusal(provider, tokens=101, cost=Decimal(0)) is not None
    assert budget_refusal(provider, tokens=101, cost=Decimal(0), now=month.renews_at) is None


def test_cost_is_priced_from_reported_tokens_and_recorded_once(fake_llm, make_provider):
    provider = make_provider(
        fake_llm.url,
        cost_per_million_input=Decimal("2"),
        cost_per_million_output=Decimal("10"),
        budget_cost_per_day=Decimal("0.01"),
    )
    call = slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=10, cost=Decimal("0.002"))
    slot_release(call=call, outcome="ok", tokens_in=1000, tokens_out=500, provider=provider)
    slot_release(call=call, outcome="ok", tokens_in=1000, tokens_out=500, provider=provider)
    row = ProviderSpend.objects.get(provider=provider)
    assert (row.calls, row.tokens_in, row.tokens_out, row.tokens) == (1, 1000, 500, 1500)
    assert row.cost == Decimal("0.007")
    refusal = budget_refusal(provider, tokens=1, cost=Decimal("0.0031"))
    assert refusal is not None and "cost budget per day" in refusal.reason


def test_failed_calls_cost_nothing_unless_the_provider_may_have_done_the_work(
    fake_llm, make_provider
):
    provider = make_provider(fake_llm.url)
    refused = slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=400)
    slot_release(call=refused, outcome="rate_limited")
    timed_out = slot_acquire(provider_id=provider.pk, analysis_id=None, tokens=400)
    slot_release(call=timed_out, outcome="timeout")
    row = ProviderSpend.objects.get(provider=provider)
    assert (row.calls, row.tokens) == (2, 400)


def test_the_ladder_moves_down_past_spent_budgets_and_back_up_when_they_renew(make_provider):
    with FakeLLM() as first_llm, FakeLLM() as second_llm:
        first = make_provider(first_llm.url, name="cloud", budget_tokens_per_day=2500)
        second = make_provider(
            second_llm.url, name="local", is_default=False, fallback_order=1,
            budget_tokens_per_day=2500,
        )  # fmt: skip
        rungs = []
        for pattern in make_patterns(8):
            analysis = settle(analysis_request(pattern=pattern, trigger="operator"))
            assert analysis.status == Analysis.Status.DONE
            rungs.append((analysis.rung, analysis.provider_name, analysis.rung_reason))
        names = [name for _, name, _ in rungs]
        # Each budget holds about two calls; then the next rung, then the offline analyzer.
        assert names[0] == "cloud" and names[-1] == "offline analyzer"
        assert "local" in names
        assert names == sorted(names, key=["cloud", "local", "offline analyzer"].index)
        for rung, name, reason in rungs:
            if name == "cloud":
                assert (rung, reason) == (1, "the default provider")
            elif name == "local":
                assert rung == 2
                assert reason.startswith("cloud: tokens budget per day spent")
                assert reason.endswith("moved down to local")
            else:
                assert rung == 3
                assert "local: tokens budget per day spent" in reason
                assert "the offline analyzer answered" in reason
        for provider in (first, second):
            line = budget_lines(provider)[0]
            assert line.spent <= line.limit
        calls_before = (len(first_llm.requests), len(second_llm.requests))

        # Midnight: yesterday's spend no longer counts, and work is back on the first rung.
        ProviderSpend.objects.update(day=timezone.localdate() - timedelta(days=1))
        pattern = LogPattern.objects.create(
            key="budget-renewed", template="Boiler <*> pressure high", sample_message="x",
            first_seen=timezone.now(), last_seen=timezone.now(), count=1,
            max_severity=Severity.ERROR,
        )  # fmt: skip
        analysis = settle(analysis_request(pattern=pattern, trigger="operator"))
        assert (analysis.rung, analysis.provider_name) == (1, "cloud")
        assert len(first_llm.requests) == calls_before[0] + 1


def test_without_the_offline_analyzer_a_spent_budget_waits_for_its_renewal(
    fake_llm, make_provider, settings
):
    settings.ANALYSIS_OFFLINE_FALLBACK = False
    provider = make_provider(fake_llm.url, budget_tokens_per_day=100)
    (pattern,) = make_patterns(1)
    analysis = analysis_request(pattern=pattern, trigger="operator")
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.QUEUED
    assert analysis.next_attempt_at == periods(timezone.now())[0].renews_at
    assert "tokens budget per day spent" in analysis.error
    assert "waiting until it renews" in analysis.rung_reason
    assert fake_llm.requests == []
    assert not ProviderCall.objects.filter(provider=provider).exists()


def test_status_and_dashboard_show_spend_against_budget(fake_llm, make_provider, admin_client):
    provider = make_provider(fake_llm.url, name="cloud", budget_tokens_per_day=1000)
    spend_on(provider, tokens=1000)
    section = analysis_status()
    assert any("provider cloud is over budget" in problem.message for problem in section.problems)
    (data,) = section.data["providers"]
    assert data["state"] == "over budget"
    assert data["budgets"][0]["spent"] == "1000"
    overview = spend_overview()
    assert overview.calls_this_month == 1
    page = admin_client.get("/").content.decode()
    assert "1,000 of 1,000 tokens this day" in page
    assert "work moves down the chain until" in page
    assert "calls saved by analyzing patterns instead of logs" in page


def test_apply_config_sets_budgets_and_zero_means_none(db, tmp_path):
    config = tmp_path / "gogent.toml"
    config.write_text(
        '[[providers]]\nname = "cloud"\nkind = "ollama"\nbase_url = "http://127.0.0.1:9"\n'
        "budget_tokens_per_day = 50000\nbudget_cost_per_month = 12.5\n"
        "budget_tokens_per_month = 0\ninvestigation_max_steps = 6\n"
    )
    call_command("apply_config", str(config))
    provider = Provider.objects.get(name="cloud")
    assert provider.budget_tokens_per_day == 50000
    assert provider.budget_cost_per_month == Decimal("12.5")
    assert provider.budget_tokens_per_month is None
    assert provider.investigation_max_steps == 6
