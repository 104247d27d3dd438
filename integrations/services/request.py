"""Tickets asked for, by an operator or a rule: opened, approved, discarded, retried or
reopened, and their remote work queued for whoever holds the ticket's lease.

At most one draft, pending or open ticket per pattern and integration (a partial unique
index): a request that loses a race gets the winner.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from analysis.models import Analysis
from analysis.selectors import pattern_current_analysis
from gogent.audit import Actor
from gogent.errors import StateRefused
from gogent.leases import LEASE_CLEARED
from gogent.models import AuditEvent
from integrations import tasks
from integrations.models import Integration, Ticket
from integrations.selectors import ticket_active, ticket_title
from integrations.services.ticket_writes import ticket_audit, ticket_lock_pattern
from logs.models import LogPattern


def ticket_open(*, pattern: LogPattern, integration: Integration, user: Any) -> Ticket:
    """An operator's "Open Jira issue" / "Open ServiceNow incident".

    Returns the pattern's active ticket on that integration when it has one (a draft
    is approved on the way); otherwise a closed ticket is reopened or a new one is
    opened, as the integration says. The remote work happens in the open_ticket task:
    the ticket is pending until then, and shows its key and link, or the exact error.
    """
    if not integration.enabled:
        raise StateRefused(f"integration {integration.name} is disabled")
    if pattern.merged_into_id is not None:
        raise StateRefused(f"pattern {pattern.pk} was merged into pattern {pattern.merged_into_id}")
    actor = Actor.of_user(user)
    return ticket_request(
        pattern=pattern,
        integration=integration,
        analysis=pattern_current_analysis(pattern),
        actor=actor,
        reason=f"opened by {actor.label}",
    )


def ticket_approve(*, ticket: Ticket, user: Any) -> Ticket:
    """Approve a draft: it is opened. For an integration that reopens, the pattern's
    closed ticket is reopened instead and returned; the draft is set aside."""
    actor = Actor.of_user(user)
    with transaction.atomic():
        ticket_lock_pattern(ticket)
        draft = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if draft.status != Ticket.Status.DRAFT:
            raise StateRefused(f"ticket {draft.pk} is {draft.get_status_display()}, not a draft")
        reason = f"draft approved by {actor.label}; {draft.reason}"
        ticket_audit(AuditEvent.Action.DRAFT_APPROVED, actor, ticket=draft, reason=draft.reason)
        closed = _reopenable(draft.pattern_id, draft.integration)
        if closed is not None:
            Ticket.objects.filter(pk=draft.pk).update(
                status=Ticket.Status.DISCARDED,
                draft_reason=f"{draft.draft_reason}; approved as a reopening of "
                f"{closed.external_key}",
            )
            return _reopen(closed, actor, reason)
        _queue(draft, Ticket.Action.CREATE, actor, status=Ticket.Status.PENDING, reason=reason)
    ticket.refresh_from_db()
    return ticket


def ticket_discard(*, ticket: Ticket, user: Any, reason: str = "") -> Ticket:
    """Discard a draft. The rule that made it does not draft again for the same analysis."""
    actor = Actor.of_user(user)
    with transaction.atomic():
        ticket_lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.DRAFT).update(
            status=Ticket.Status.DISCARDED, last_action_at=timezone.now()
        )
        if not updated:
            ticket.refresh_from_db()
            raise StateRefused(f"ticket {ticket.pk} is {ticket.get_status_display()}, not a draft")
        ticket_audit(AuditEvent.Action.DRAFT_DISCARDED, actor, ticket=ticket, reason=reason)
    ticket.refresh_from_db()
    return ticket


def ticket_retry(*, ticket: Ticket, user: Any) -> Ticket:
    """Try a failed ticket again (after an admin fixed the credentials, say)."""
    actor = Actor.of_user(user)
    try:
        with transaction.atomic():
            ticket_lock_pattern(ticket)
            failed = Ticket.objects.select_for_update().get(pk=ticket.pk)
            if failed.status != Ticket.Status.FAILED:
                raise StateRefused(
                    f"ticket {failed.pk} is {failed.get_status_display()}, not failed"
                )
            _queue(
                failed,
                Ticket.Action.CREATE,
                actor,
                status=Ticket.Status.PENDING,
                reason=f"retried by {actor.label}; {failed.reason}",
            )
            ticket_audit(AuditEvent.Action.TICKET_REQUESTED, actor, ticket=failed, reason="retry")
    except IntegrityError:
        raise StateRefused(
            f"pattern {ticket.pattern_id} has another active ticket on this integration"
        ) from None
    ticket.refresh_from_db()
    return ticket


def ticket_request(
    *,
    pattern: LogPattern,
    integration: Integration,
    analysis: Analysis | None,
    actor: Actor,
    reason: str,
    draft_reason: str = "",
    recurrence: bool = False,
) -> Ticket:
    """The one place a ticket is asked for. recurrence: a rule's request, which comments on
    an open ticket instead of returning it as it is."""
    with transaction.atomic():
        # Serializes requests for one pattern (SQLite's IMMEDIATE transactions already do).
        LogPattern.objects.select_for_update().filter(pk=pattern.pk).first()
        active = ticket_active(pattern_id=pattern.pk, integration_id=integration.pk)
        if active is not None:
            if active.status == Ticket.Status.DRAFT and not draft_reason:
                ticket_audit(AuditEvent.Action.DRAFT_APPROVED, actor, ticket=active, reason=reason)
                _queue(
                    active, Ticket.Action.CREATE, actor, status=Ticket.Status.PENDING,
                    reason=f"{reason}; {active.reason}",
                )  # fmt: skip
            elif active.status == Ticket.Status.OPEN and recurrence and not active.action:
                _queue(active, Ticket.Action.COMMENT, actor, reason=reason)
                ticket_audit(
                    AuditEvent.Action.TICKET_REQUESTED, actor, ticket=active,
                    reason=f"comment: {reason}",
                )  # fmt: skip
            active.refresh_from_db()
            return active
        if not draft_reason:
            closed = _reopenable(pattern.pk, integration)
            if closed is not None:
                return _reopen(closed, actor, reason)
            failed = _retryable(pattern.pk, integration)
            if failed is not None:
                return _retry(failed, actor, reason)
        try:
            with transaction.atomic():
                ticket = Ticket.objects.create(
                    integration=integration,
                    pattern=pattern,
                    analysis=analysis,
                    rule=actor.rule,
                    created_by=actor.stored_user,
                    action_by=actor.label[:200],
                    status=Ticket.Status.DRAFT if draft_reason else Ticket.Status.PENDING,
                    action="" if draft_reason else Ticket.Action.CREATE,
                    reason=reason,
                    draft_reason=draft_reason,
                    title=ticket_title(pattern, analysis),
                    correlation_id=ticket_correlation_id(pattern, integration),
                    next_attempt_at=timezone.now(),
                )
        except IntegrityError:
            # Another request won the race for this pattern and integration: theirs stands.
            winner = ticket_active(pattern_id=pattern.pk, integration_id=integration.pk)
            if winner is None:
                raise
            return winner
        if draft_reason:
            ticket_audit(
                AuditEvent.Action.DRAFT_CREATED, actor, ticket=ticket,
                reason=f"{reason}; {draft_reason}",
            )  # fmt: skip
        else:
            ticket_audit(AuditEvent.Action.TICKET_REQUESTED, actor, ticket=ticket, reason=reason)
            ticket_enqueue(ticket.pk)
    return ticket


def _reopenable(pattern_id: int, integration: Integration) -> Ticket | None:
    """The pattern's last closed ticket, when the integration reopens instead of adding."""
    if integration.on_recurrence != Integration.Recurrence.REOPEN:
        return None
    return (
        Ticket.objects.filter(
            pattern_id=pattern_id, integration=integration, status=Ticket.Status.CLOSED
        )
        .exclude(external_id="")
        .order_by("-closed_at", "-pk")
        .first()
    )


def _retryable(pattern_id: int, integration: Integration) -> Ticket | None:
    """The pattern's last ticket when it failed: asked again, it is retried with its own
    correlation id, so a ticket its failed attempts did create is found, not doubled."""
    latest = (
        Ticket.objects.filter(pattern_id=pattern_id, integration=integration)
        .exclude(status__in=[Ticket.Status.DUPLICATE, Ticket.Status.DISCARDED])
        .order_by("-created_at", "-pk")
        .first()
    )
    return latest if latest is not None and latest.status == Ticket.Status.FAILED else None


def _retry(failed: Ticket, actor: Actor, reason: str) -> Ticket:
    try:
        with transaction.atomic():
            _queue(failed, Ticket.Action.CREATE, actor, status=Ticket.Status.PENDING, reason=reason)
    except IntegrityError:
        winner = ticket_active(pattern_id=failed.pattern_id, integration_id=failed.integration_id)
        if winner is None:
            raise
        return winner
    ticket_audit(
        AuditEvent.Action.TICKET_REQUESTED, actor, ticket=failed, reason=f"retry: {reason}"
    )
    failed.refresh_from_db()
    return failed


def ticket_correlation_id(pattern: LogPattern, integration: Integration) -> str:
    """gogent-<pattern key>-<integration id>-<random>: unique per ticket, stable across its
    retries, and a valid Jira label."""
    return f"gogent-{pattern.key}-{integration.pk}-{secrets.token_hex(3)}"


def _reopen(closed: Ticket, actor: Actor, reason: str) -> Ticket:
    """Mark a closed ticket open again (taking the active slot) and queue the reopening."""
    try:
        with transaction.atomic():
            _queue(closed, Ticket.Action.REOPEN, actor, status=Ticket.Status.OPEN, reason=reason)
    except IntegrityError:
        winner = ticket_active(pattern_id=closed.pattern_id, integration_id=closed.integration_id)
        if winner is None:
            raise
        return winner
    ticket_audit(
        AuditEvent.Action.TICKET_REQUESTED, actor, ticket=closed, reason=f"reopen: {reason}"
    )
    closed.refresh_from_db()
    return closed


def _queue(
    ticket: Ticket, action: str, actor: Actor, *, reason: str, status: str | None = None
) -> None:
    """Give a ticket remote work to do and send its task after commit. `reason` says why:
    for a creation it is the ticket's reason; for a comment or reopening, the action's."""
    update: dict[str, Any] = {
        "action": action,
        "action_by": actor.label[:200],
        "attempts": 0,
        "error": "",
        "next_attempt_at": timezone.now(),
        **LEASE_CLEARED,
        "action_reason": reason,
    }
    if action == Ticket.Action.CREATE:
        update["reason"] = reason
    if status is not None:
        update["status"] = status
    Ticket.objects.filter(pk=ticket.pk).update(**update)
    ticket_enqueue(ticket.pk)


def ticket_enqueue(ticket_id: int) -> None:
    # robust: a broker hiccup must not undo the caller's committed work; the sweeper
    # re-sends work whose task never arrived.
    transaction.on_commit(lambda: tasks.open_ticket.delay(ticket_id), robust=True)
