"""Turning what happened into notification events: the hooks other code calls, each
inside its own transaction, and the matching of rules.

Cheap where it runs: an ingest batch costs one query when no rule wants its events, and a
handful per batch otherwise (rules, patterns, their hosts and services, the hold, one
insert per rule), never one per log. Nothing here makes an HTTP call: a new notification's
task is sent when the transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from analysis.models import Analysis
from integrations.maintenance import maintenance_hold
from integrations.models import (
    MaintenanceOccurrence,
    Notification,
    NotificationEvent,
    NotificationRule,
    Ticket,
)
from integrations.scope import Seen, scope_filters, scope_matches, scope_seen
from logs.models import LogPattern
from logs.patterns import PatternChanges

Event = NotificationRule.Event


@dataclass(frozen=True, slots=True)
class EventIn:
    """An event to tell of: about a pattern (filtered, held by maintenance) or the site."""

    kind: str
    pattern_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def notifications_record(
    events: Sequence[EventIn],
    *,
    now: datetime | None = None,
    rule: NotificationRule | None = None,
) -> int:
    """Add the events to the notifications of the enabled rules that want them (inside the
    caller's transaction). Pattern events pass the rule's filters, skip quiet patterns and
    are held while a maintenance window covers their pattern. `rule`: for that rule only
    (a threshold is a rule's own). Returns how many were added."""
    if not events:
        return 0
    now = now or timezone.now()
    kinds = {event.kind for event in events}
    candidates = NotificationRule.objects.filter(enabled=True, channel__enabled=True)
    if rule is not None:
        candidates = candidates.filter(pk=rule.pk)
    rules = [r for r in candidates if any(r.wants(kind) for kind in kinds)]
    if not rules:
        return 0
    pattern_ids = {event.pattern_id for event in events if event.pattern_id is not None}
    patterns = (
        LogPattern.objects.filter(pk__in=pattern_ids, merged_into=None)
        .only("pk", "status", "max_severity")
        .in_bulk()
    )
    spread = _spread(patterns, rules)
    wanted: dict[int, list[EventIn]] = {}
    for each in rules:
        for event in events:
            if not each.wants(event.kind):
                continue
            if event.pattern_id is not None:
                pattern = patterns.get(event.pattern_id)
                if pattern is None or pattern.is_quiet:
                    continue
                if not _matches(each, pattern, spread.get(pattern.pk, {})):
                    continue
            wanted.setdefault(each.pk, []).append(event)
    told_patterns = {e.pattern_id for es in wanted.values() for e in es if e.pattern_id}
    # One message each would have been: summed up when the window ends.
    held = maintenance_hold(told_patterns, notifications=1) if told_patterns else set()
    added = 0
    for each in rules:
        kept = [e for e in wanted.get(each.pk, []) if e.pattern_id not in held]
        if kept:
            added += _attach(each, kept, now)
    return added


def _attach(rule: NotificationRule, events: list[EventIn], now: datetime) -> int:
    notification, created = _collecting(rule, now)
    NotificationEvent.objects.bulk_create(
        NotificationEvent(
            notification=notification, rule=rule, kind=e.kind, pattern_id=e.pattern_id,
            data=e.data,
        )
        for e in events
    )  # fmt: skip
    Notification.objects.filter(pk=notification.pk).update(
        event_count=F("event_count") + len(events)
    )
    if created:
        from integrations.tasks import send_notification

        wait = max((notification.next_attempt_at - now).total_seconds(), 0.0)
        pk = notification.pk
        transaction.on_commit(lambda: send_notification.apply_async((pk,), countdown=wait))
    return len(events)


def _collecting(rule: NotificationRule, now: datetime) -> tuple[Notification, bool]:
    """The rule's notification still taking events, locked until the caller commits (its
    send claims it only after), or a new one due after the rule's grouping time and its
    cooldown since the last message."""
    for _ in range(2):
        current = (
            Notification.objects.select_for_update()
            .filter(rule=rule, status=Notification.Status.PENDING, closed=False)
            .first()
        )
        if current is not None:
            return current, False
        due = now + timedelta(seconds=rule.group_seconds)
        last_sent = (
            Notification.objects.filter(rule=rule, sent_at__isnull=False)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        if last_sent is not None:
            due = max(due, last_sent + timedelta(minutes=rule.cooldown_minutes))
        try:
            with transaction.atomic():
                return Notification.objects.create(
                    channel_id=rule.channel_id, rule=rule, idempotency_key=uuid.uuid4().hex,
                    next_attempt_at=due,
                ), True  # fmt: skip
        except IntegrityError:
            continue  # another transaction opened one first: join it
    raise RuntimeError(f"no open notification for rule {rule.name!r} after two tries")


def _spread(patterns: dict[int, LogPattern], rules: list[NotificationRule]) -> dict[int, Seen]:
    """The hosts and services each pattern has seen, read only when a rule filters on them."""
    if not patterns or not any(scope_filters(rule) for rule in rules):
        return {}
    return scope_seen(patterns)


def _matches(rule: NotificationRule, pattern: LogPattern, seen: Seen) -> bool:
    """As ticket rules match: the severity at least the rule's, and its scope."""
    return pattern.max_severity >= rule.min_severity and scope_matches(rule, seen)


# --- The hooks -------------------------------------------------------------------------


def notifications_after_ingest(*, changes: PatternChanges, replies: Sequence[Any]) -> None:
    """LOGS_INGEST_HOOKS: new and regressed patterns, inside the batch's transaction."""
    if not (changes.created or changes.regressed):
        return
    notifications_record(
        [EventIn(Event.NEW_PATTERN, pattern_id) for pattern_id in sorted(changes.created)]
        + [EventIn(Event.REGRESSION, pattern_id) for pattern_id in sorted(changes.regressed)]
    )


def notifications_after_analysis(*, analysis: Analysis) -> None:
    """ANALYSIS_DONE_HOOKS: inside the transaction that completes the analysis."""
    notifications_record(
        [EventIn(Event.ANALYSIS_DONE, analysis.pattern_id, {"analysis_id": analysis.pk})]
    )


def notifications_ticket_opened(*, ticket: Ticket) -> None:
    """Inside the transaction that records a ticket as opened (integrations.services)."""
    detail = f"{ticket.external_key} in {ticket.integration.name}"
    if ticket.url:
        detail += f": {ticket.url}"
    notifications_record(
        [EventIn(Event.TICKET_OPENED, ticket.pattern_id,
                 {"ticket_id": ticket.pk, "key": ticket.external_key, "detail": detail})]
    )  # fmt: skip


def notifications_ticket_failed(*, ticket: Ticket, error: str) -> None:
    """Inside the transaction that fails a ticket for good."""
    detail = f"Ticket {ticket.pk} in {ticket.integration.name} failed: {error}"
    notifications_record(
        [EventIn(Event.TICKET_FAILED, ticket.pattern_id,
                 {"ticket_id": ticket.pk, "detail": detail[:1000]})]
    )  # fmt: skip


def notifications_after_maintenance(*, occurrence: MaintenanceOccurrence) -> None:
    """MAINTENANCE_ENDED_HOOKS: one message sums up what a window held (never held itself)."""
    summary = dict(occurrence.summary or {})
    summary.setdefault("window", occurrence.window.name)
    summary["title"] = f"Maintenance window {summary['window']} ended"
    notifications_record([EventIn(Event.MAINTENANCE_ENDED, None, summary)])


def notifications_site(kind: str, *, title: str, detail: str) -> int:
    """A site-wide event (ingest stalled, a provider down, and their recoveries)."""
    return notifications_record([EventIn(kind, None, {"title": title, "detail": detail})])
