"""The notification sweep, every NOTIFICATIONS_CHECK_INTERVAL seconds (beat): lost sends
re-sent, patterns crossing a rule's threshold told, and site-wide conditions watched
(ingest stalled, an LLM provider down) and told when they start and when they end."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gogent.leases import leases_resend
from gogent.runlock import Deadline, run_alone
from integrations.models import (
    Notification,
    NotificationEvent,
    NotificationRule,
    WatchedCondition,
)
from integrations.notifications.events import EventIn, notifications_record, notifications_site
from logs.models import QUIET_STATUSES, LogEntry, LogPattern

logger = logging.getLogger(__name__)

SWEEP_LOCK = "notifications-sweep"
Event = NotificationRule.Event
# Most patterns one sweep looks at per threshold rule (the most recently seen first).
THRESHOLD_CANDIDATES = 500


@dataclass(frozen=True, slots=True)
class NotificationSweepReport:
    resent: int
    crossed: int
    changed: list[str]


def notifications_sweep() -> NotificationSweepReport | None:
    """Runs alone within SWEEP_TIME_LIMIT; None when another sweep is running."""
    from integrations.tasks import send_notification

    with run_alone(SWEEP_LOCK, seconds=settings.SWEEP_TIME_LIMIT) as deadline:
        if deadline is None:
            return None
        resent = leases_resend(
            Notification.objects.filter(status=Notification.Status.PENDING),
            stale_after=settings.NOTIFICATIONS_STALE_AFTER,
            send=send_notification.delay,
            deadline=deadline,
        )
        rules = list(NotificationRule.objects.filter(enabled=True, channel__enabled=True))
        crossed = 0
        for rule in rules:
            if rule.wants(Event.THRESHOLD) and not deadline.passed():
                crossed += _thresholds(rule, deadline)
        changed: list[str] = []
        wanted = {kind for rule in rules for kind in (rule.events or [])}
        if Event.INGEST_STALLED in wanted and not deadline.passed():
            changed += _watch_ingest()
        if Event.PROVIDER_DOWN in wanted and not deadline.passed():
            changed += _watch_providers()
    return NotificationSweepReport(resent=resent, crossed=crossed, changed=changed)


def _thresholds(rule: NotificationRule, deadline: Deadline) -> int:
    """Patterns with at least threshold_count logs in the last threshold_minutes that the
    rule has not told of within that time."""
    now = timezone.now()
    since = now - timedelta(minutes=max(rule.threshold_minutes, 1))
    wanted = max(rule.threshold_count, 1)
    candidates = (
        LogPattern.objects.filter(
            last_seen__gte=since, count__gte=wanted, merged_into=None,
            max_severity__gte=rule.min_severity,
        )
        .exclude(status__in=QUIET_STATUSES)
        .order_by("-last_seen")
        .values_list("pk", flat=True)[:THRESHOLD_CANDIDATES]
    )  # fmt: skip
    candidate_ids = list(candidates)
    told = set(
        NotificationEvent.objects.filter(
            rule=rule, kind=Event.THRESHOLD, pattern_id__in=candidate_ids, created_at__gte=since
        ).values_list("pattern_id", flat=True)
    )
    crossing = []
    for pattern_id in candidate_ids:
        if pattern_id in told or deadline.passed():
            continue
        # LIMIT keeps the count cheap for a pattern with millions of recent logs.
        recent = LogEntry.objects.filter(pattern_id=pattern_id, timestamp__gte=since).order_by()
        if recent[:wanted].count() >= wanted:
            crossing.append(pattern_id)
    if not crossing:
        return 0
    detail = f"at least {wanted:,} occurrences in {rule.threshold_minutes} min"
    with transaction.atomic():
        return notifications_record(
            [EventIn(Event.THRESHOLD, pattern_id, {"detail": detail}) for pattern_id in crossing],
            now=now,
            rule=rule,
        )


def _watch_ingest() -> list[str]:
    from logs.status import ingest_status

    problems = ingest_status().problems
    stalled = [p.message for p in problems if p.message.startswith("ingest stalled")]
    return _condition(
        "ingest_stalled",
        Event.INGEST_STALLED,
        active=bool(stalled),
        title_on="Ingest stalled",
        title_off="Ingest recovered",
        detail=stalled[0] if stalled else "logs are being stored again",
    )


def _watch_providers() -> list[str]:
    from analysis.status import analysis_status

    changed: list[str] = []
    providers = analysis_status().data.get("providers", [])
    seen = set()
    for provider in providers:
        key = f"provider:{provider['name']}"
        seen.add(key)
        down = provider["state"] != "ok"
        changed += _condition(
            key,
            Event.PROVIDER_DOWN,
            active=down,
            title_on=f"LLM provider {provider['name']} is {provider['state']}",
            title_off=f"LLM provider {provider['name']} answers again",
            detail=(provider.get("why") or "") if down else "its last call succeeded",
        )
    # A provider removed or disabled while down is no longer down.
    for condition in WatchedCondition.objects.filter(key__startswith="provider:", active=True):
        if condition.key not in seen:
            WatchedCondition.objects.filter(pk=condition.pk).update(active=False)
    return changed


def _condition(
    key: str, kind: str, *, active: bool, title_on: str, title_off: str, detail: str
) -> list[str]:
    """Tell of a condition when it starts and when it ends, once each; [key] when told."""
    now = timezone.now()
    with transaction.atomic():
        condition, _ = WatchedCondition.objects.select_for_update().get_or_create(key=key)
        was = condition.active
        condition.checked_at = now
        if active != was:
            condition.active = active
            condition.since = now
            condition.detail = detail[:2000]
        condition.save()
        if active == was:
            return []
        notifications_site(kind, title=title_on if active else title_off, detail=detail)
        logger.info("%s: %s", key, title_on if active else title_off)
    return [key]
