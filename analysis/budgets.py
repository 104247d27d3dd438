"""Hard budgets per provider: tokens and cost, per day and per month.

What a provider has used in a period is its ProviderSpend rows (one per day, added to
when a call ends) plus its calls not ended yet, at their estimate: those in flight,
and those lost with their worker, which the provider may have billed. A call may start
only if its estimate fits what is left of every budget the provider has. The check runs
in slot_acquire with the provider row locked, so workers racing for the end of a budget
cannot both take it; what a call really uses can still pass its estimate (the prompt's
tokens are estimated from its length), so a budget holds to within that.

Days and months are the calendar's in settings.TIME_ZONE; a budget renews at midnight
and on the first of the month, and work moves back up the ladder on its own then:
every analysis starts at the top of the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone

from analysis.models import Provider, ProviderCall, ProviderSpend
from logs.models import LogVolume

DAY = "day"
MONTH = "month"
TOKENS = "tokens"
COST = "cost"


@dataclass(frozen=True, slots=True)
class Period:
    name: str  # DAY or MONTH
    first_day: date
    starts_at: datetime
    renews_at: datetime


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One budget of a provider and what the period has used of it."""

    period: Period
    measure: str  # TOKENS or COST
    limit: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.limit - self.spent, Decimal(0))

    @property
    def percent(self) -> int:
        return 100 if not self.limit else min(int(self.spent * 100 / self.limit), 999)

    def describe(self) -> str:
        if self.measure == TOKENS:
            return f"{int(self.spent):,} of {int(self.limit):,} tokens this {self.period.name}"
        return f"{self.spent:,.4f} of {self.limit:,.4f} cost this {self.period.name}"


@dataclass(frozen=True, slots=True)
class BudgetSpent:
    """No call may start on this provider until `renews_at`."""

    reason: str
    renews_at: datetime


def periods(now: datetime) -> tuple[Period, Period]:
    """Today and this month, in settings.TIME_ZONE."""
    local = timezone.localtime(now)
    today = local.date()
    tz = local.tzinfo
    day = Period(
        name=DAY,
        first_day=today,
        starts_at=datetime.combine(today, time(), tzinfo=tz),
        renews_at=datetime.combine(today + timedelta(days=1), time(), tzinfo=tz),
    )
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    month = Period(
        name=MONTH,
        first_day=first,
        starts_at=datetime.combine(first, time(), tzinfo=tz),
        renews_at=datetime.combine(following, time(), tzinfo=tz),
    )
    return day, month


def budget_lines(provider: Provider, now: datetime | None = None) -> list[BudgetLine]:
    """The budgets the provider has, with what their periods used (dashboard, status)."""
    now = now or timezone.now()
    day, month = periods(now)
    wanted = [
        (day, TOKENS, provider.budget_tokens_per_day),
        (day, COST, provider.budget_cost_per_day),
        (month, TOKENS, provider.budget_tokens_per_month),
        (month, COST, provider.budget_cost_per_month),
    ]
    wanted = [(period, measure, limit) for period, measure, limit in wanted if limit is not None]
    if not wanted:
        return []
    used = {period.name: _used(provider, period) for period in (day, month)}
    return [
        BudgetLine(
            period=period, measure=measure, limit=Decimal(limit), spent=used[period.name][measure]
        )
        for period, measure, limit in wanted
    ]


def budget_refusal(
    provider: Provider, *, tokens: int, cost: Decimal, now: datetime | None = None
) -> BudgetSpent | None:
    """Why a call estimated at `tokens` and `cost` may not start now, or None if it may."""
    for line in budget_lines(provider, now):
        needed = Decimal(tokens) if line.measure == TOKENS else cost
        if line.spent + needed > line.limit:
            return BudgetSpent(
                reason=f"{provider.name}: {line.measure} budget per {line.period.name} "
                f"spent ({line.describe()})",
                renews_at=line.period.renews_at,
            )
    return None


def budget_spent(provider: Provider, now: datetime | None = None) -> BudgetSpent | None:
    """A budget of the provider has nothing left for even the smallest call."""
    return budget_refusal(provider, tokens=1, cost=Decimal(0), now=now)


def spend_record(
    *,
    provider_id: int,
    started_at: datetime,
    tokens_in: int,
    tokens_out: int,
    tokens: int,
    cost: Decimal,
) -> None:
    """Add an ended call to its day's ledger row (the day it started: where its estimate
    was counted while it ran)."""
    day = timezone.localtime(started_at).date()
    # Insert-or-nothing, then one increment: concurrent workers never lose an update.
    ProviderSpend.objects.bulk_create(
        [ProviderSpend(provider_id=provider_id, day=day)], ignore_conflicts=True
    )
    ProviderSpend.objects.filter(provider_id=provider_id, day=day).update(
        calls=F("calls") + 1,
        tokens_in=F("tokens_in") + tokens_in,
        tokens_out=F("tokens_out") + tokens_out,
        tokens=F("tokens") + tokens,
        cost=F("cost") + cost,
    )


def _used(provider: Provider, period: Period) -> dict[str, Decimal]:
    ended = ProviderSpend.objects.filter(provider=provider, day__gte=period.first_day).aggregate(
        tokens=Sum("tokens"), cost=Sum("cost")
    )
    running = ProviderCall.objects.filter(
        Q(provider=provider, finished_at=None, started_at__gte=period.starts_at)
    ).aggregate(tokens=Sum("tokens"), cost=Sum("cost"))
    return {
        TOKENS: Decimal(ended["tokens"] or 0) + Decimal(running["tokens"] or 0),
        COST: Decimal(ended["cost"] or 0) + Decimal(running["cost"] or 0),
    }


@dataclass(frozen=True, slots=True)
class Spend:
    calls: int
    tokens: int
    cost: Decimal


@dataclass(frozen=True, slots=True)
class ProviderSpendView:
    provider: Provider
    today: Spend
    month: Spend
    budgets: list[BudgetLine]
    spent: BudgetSpent | None


@dataclass(frozen=True, slots=True)
class SpendOverview:
    providers: list[ProviderSpendView]
    calls_this_month: int
    logs_this_month: int

    @property
    def logs_per_call(self) -> float | None:
        if not self.calls_this_month:
            return None
        return self.logs_this_month / self.calls_this_month

    @property
    def calls_saved(self) -> int:
        """LLM calls a per-log analyzer (the Go seed) would have made beyond ours."""
        return max(self.logs_this_month - self.calls_this_month, 0)


def spend_overview(now: datetime | None = None) -> SpendOverview:
    """Spend against budget per enabled provider, and what analyzing patterns saved this
    month: the dashboard's and the API's figures (ProviderSpend and LogVolume rollups)."""
    now = now or timezone.now()
    day, month = periods(now)
    rows: dict[tuple[int, date], ProviderSpend] = {
        (row.provider_id, row.day): row
        for row in ProviderSpend.objects.filter(day__gte=month.first_day)
    }
    views = []
    for provider in Provider.objects.filter(enabled=True).order_by("-is_default", "name"):
        mine = [row for (pk, _), row in rows.items() if pk == provider.pk]
        today = [row for row in mine if row.day >= day.first_day]
        views.append(
            ProviderSpendView(
                provider=provider,
                today=_spend_of(today),
                month=_spend_of(mine),
                budgets=budget_lines(provider, now),
                spent=budget_spent(provider, now),
            )
        )
    logs = LogVolume.objects.filter(minute__gte=month.starts_at).aggregate(total=Sum("count"))
    return SpendOverview(
        providers=views,
        calls_this_month=sum(row.calls for row in rows.values()),
        logs_this_month=logs["total"] or 0,
    )


def _spend_of(rows: list[ProviderSpend]) -> Spend:
    return Spend(
        calls=sum(row.calls for row in rows),
        tokens=sum(row.tokens for row in rows),
        cost=sum((row.cost for row in rows), Decimal(0)),
    )
