"""The sweep, every TICKETS_RULES_INTERVAL: lost work re-sent, and the rules applied to
patterns that keep occurring."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gogent.leases import leases_resend
from gogent.runlock import run_alone
from integrations import tasks
from integrations.models import RuleSweep, Ticket, TicketRule
from integrations.remediation.services import proposals_approved_waiting, proposals_stale_fail
from integrations.services.rules import rules_evaluate
from logs.models import LogEntry, LogPattern

SWEEP_LOCK = "tickets-sweep"


@dataclass(frozen=True, slots=True)
class SweepReport:
    resent: int
    patterns: int
    acted: int


def tickets_sweep() -> SweepReport | None:
    """Every TICKETS_RULES_INTERVAL: re-send work a dead worker or broker lost, and apply
    the rules to patterns that received logs since the last sweep (counts crossing a
    rule's threshold). Runs alone within SWEEP_TIME_LIMIT; patterns not reached by then
    are evaluated by the next sweep. None when another sweep is running."""
    with run_alone(SWEEP_LOCK, seconds=settings.SWEEP_TIME_LIMIT) as deadline:
        if deadline is None:
            return None
        resent = leases_resend(
            Ticket.objects.exclude(action=Ticket.Action.NONE).filter(
                status__in=[Ticket.Status.PENDING, Ticket.Status.OPEN]
            ),
            stale_after=settings.TICKETS_STALE_AFTER,
            send=tasks.open_ticket.delay,
            deadline=deadline,
        )
        # Remediation runs: approved ones whose task was lost, running ones whose worker died.
        for proposal_id in proposals_approved_waiting():
            tasks.run_remediation.delay(proposal_id)
        proposals_stale_fail()
        pattern_ids = sorted(_patterns_with_new_logs())
        left = list(pattern_ids)
        acted = 0
        try:
            while left and not deadline.passed():
                pattern = LogPattern.objects.filter(pk=left[0], merged_into=None).first()
                if pattern is not None:
                    acted += len(rules_evaluate(pattern=pattern))
                left.pop(0)
        finally:
            # Out of time, or an error: what is left is the next sweep's, never skipped.
            if left:
                RuleSweep.objects.filter(pk=1).update(carried_pattern_ids=left)
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
        carried = set(state.carried_pattern_ids)
        state.last_entry_id = latest
        state.swept_at = timezone.now()
        state.carried_pattern_ids = []
        state.save(update_fields=["last_entry_id", "swept_at", "carried_pattern_ids"])
    # New patterns were evaluated at ingest; the first sweep only sets the mark.
    if first_sweep or nothing_new or not TicketRule.objects.filter(enabled=True).exists():
        return carried
    return carried | set(
        LogEntry.objects.filter(pk__gt=since, pk__lte=latest)
        .exclude(pattern=None)
        .values_list("pattern_id", flat=True)
        .distinct()
    )
