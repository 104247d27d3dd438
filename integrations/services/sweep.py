"""The sweep, every TICKETS_RULES_INTERVAL: lost work re-sent, and the rules applied to
patterns that keep occurring."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gogent.leases import leases_resend
from integrations import tasks
from integrations.models import RuleSweep, Ticket, TicketRule
from integrations.services.rules import rules_evaluate
from logs.models import LogEntry, LogPattern


@dataclass(frozen=True, slots=True)
class SweepReport:
    resent: int
    patterns: int
    acted: int


def tickets_sweep() -> SweepReport:
    """Every TICKETS_RULES_INTERVAL: re-send work a dead worker or broker lost, and apply
    the rules to patterns that received logs since the last sweep (counts crossing a
    rule's threshold)."""
    resent = leases_resend(
        Ticket.objects.exclude(action=Ticket.Action.NONE).filter(
            status__in=[Ticket.Status.PENDING, Ticket.Status.OPEN]
        ),
        stale_after=settings.TICKETS_STALE_AFTER,
        send=tasks.open_ticket.delay,
    )
    pattern_ids = _patterns_with_new_logs()
    acted = 0
    if pattern_ids:
        for pattern in LogPattern.objects.filter(pk__in=pattern_ids, merged_into=None):
            acted += len(rules_evaluate(pattern=pattern))
    return SweepReport(resent=resent, patterns=len(pattern_ids), acted=acted)


def _patterns_with_new_logs() -> set[int]:
    """Patterns of logs stored since the last sweep. The window reaches back a little
    (TICKETS_SWEEP_OVERLAP ids): with several consumers, ids can commit out of order."""
    with transaction.atomic():
        state, _ = RuleSweep.objects.select_for_update().get_or_create(pk=1)
        latest = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        first_sweep = state.swept_at is None
        nothing_new = latest <= state.last_entry_id
        since = max(state.last_entry_id - settings.TICKETS_SWEEP_OVERLAP, 0)
        state.last_entry_id = latest
        state.swept_at = timezone.now()
        state.save(update_fields=["last_entry_id", "swept_at"])
    # New patterns were evaluated at ingest; the first sweep only sets the mark.
    if first_sweep or nothing_new or not TicketRule.objects.filter(enabled=True).exists():
        return set()
    return set(
        LogEntry.objects.filter(pk__gt=since, pk__lte=latest)
        .exclude(pattern=None)
        .values_list("pattern_id", flat=True)
        .distinct()
    )
