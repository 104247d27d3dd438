"""A ticket's remote work (create, comment, reopen), done by whoever holds its lease
(gogent.leases), so duplicated or retried tasks do it once. Creating first searches the
remote side for the ticket's correlation id, so a retry after a lost reply (the remote did
create it) adopts that ticket instead of adding one."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gogent import leases
from gogent.audit import WORKER, Actor
from gogent.models import AuditEvent
from integrations.models import Integration, Ticket
from integrations.notifications import notifications_ticket_failed, notifications_ticket_opened
from integrations.remote import RemoteTicket, ReopenImpossible, TicketError
from integrations.selectors import recurrence_content, ticket_content
from integrations.services.integration import integration_ok, system_of
from integrations.services.request import ticket_correlation_id, ticket_enqueue
from integrations.services.ticket_writes import (
    ticket_audit,
    ticket_lock_pattern,
    ticket_work_done,
)

logger = logging.getLogger(__name__)


def ticket_deliver(*, ticket_id: int) -> float | None:
    """Do a ticket's remote work (create, comment, reopen) once.

    Returns the seconds until the task should come back (backoff, Retry-After, a paused
    integration), or None when there is nothing more for it to do: done, failed for
    good, or held by another worker.
    """
    token = _claim(ticket_id)
    if token is None:
        return None
    ticket = Ticket.objects.select_related("integration", "pattern", "analysis").get(pk=ticket_id)
    integration = ticket.integration
    now = timezone.now()
    if integration.paused_until is not None and integration.paused_until > now:
        # No call made: the wait does not count as an attempt.
        Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(attempts=F("attempts") - 1)
        return _release(ticket, token, at=integration.paused_until)
    system = system_of(integration.kind)
    try:
        if ticket.action == Ticket.Action.CREATE:
            return _deliver_create(ticket, token, system)
        if ticket.action == Ticket.Action.COMMENT:
            _deliver_comment(ticket, token, system)
        elif ticket.action == Ticket.Action.REOPEN:
            _deliver_reopen(ticket, token, system)
    except ReopenImpossible as error:
        _reopen_impossible(ticket, token, error)
        return None
    except TicketError as error:
        return _on_error(ticket, token, error)
    except Exception as error:
        # A database error (a lost connection, a deadlock victim) or a bug, maybe after the
        # remote call: the next attempt finds a ticket made here by its correlation id.
        logger.exception("ticket %s: internal error", ticket.pk)
        step = leases.after_failure(
            leases.internal_error(error), attempts=ticket.attempts,
            limit=settings.TICKETS_MAX_ATTEMPTS, wait=_backoff(ticket.attempts),
        )  # fmt: skip
        if step.wait is None:
            _fail(ticket, token, step.error)
            return None
        return _release(
            ticket, token, at=timezone.now() + timedelta(seconds=step.wait), error=step.error
        )
    return None


def _claim(ticket_id: int) -> str | None:
    """Take the ticket's work for this worker for a lease long enough for its calls."""
    timeout = (
        Ticket.objects.filter(pk=ticket_id)
        .values_list("integration__timeout_seconds", flat=True)
        .first()
    )
    if timeout is None:
        return None
    now = timezone.now()
    claimable = (
        Ticket.objects.filter(pk=ticket_id, status__in=[Ticket.Status.PENDING, Ticket.Status.OPEN])
        .exclude(action=Ticket.Action.NONE)
        .filter(leases.unleased(now) & leases.due(now))
    )
    # Up to four calls (client, search, create, ...) each within the timeout.
    return leases.lease_claim(claimable, seconds=timeout * 5 + 10, attempts=F("attempts") + 1)


def _deliver_create(ticket: Ticket, token: str, system: ModuleType) -> float | None:
    """Find the ticket by its correlation id, else create it. After an ambiguous create,
    an empty search is believed only TICKETS_INDEX_LAG after that create: until then the
    task comes back (no attempt counted) and searches again. Returns the task's countdown,
    or None when done."""
    integration = ticket.integration
    content = ticket_content(ticket)
    remote = system.ticket_find(integration, ticket.correlation_id)
    adopted = remote is not None
    if remote is None and ticket.ambiguous_create_at is not None:
        believed_at = ticket.ambiguous_create_at + timedelta(seconds=settings.TICKETS_INDEX_LAG)
        if timezone.now() < believed_at:
            return _await_index(ticket, token, believed_at)
    if remote is None:
        sent_at = timezone.now()
        try:
            remote = system.ticket_create(integration, content, ticket.correlation_id)
        except TicketError as error:
            if error.ambiguous:
                # On the row, so every worker holds back, not only the next to claim it.
                Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(
                    ambiguous_create_at=sent_at
                )
            raise
    now = timezone.now()
    with transaction.atomic():
        pattern = ticket_lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(
            external_key=remote.key,
            external_id=remote.id,
            url=remote.url,
            remote_status=remote.status,
            title=content.title,
            opened_at=now,
            last_action_at=now,
            count_at_action=pattern.count,
            **ticket_work_done(),
        )
        if not updated:
            return None  # the lease ran out; the next holder finds it by its correlation id
        # A merge may have made it a duplicate meanwhile; it keeps that status.
        Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.PENDING).update(
            status=Ticket.Status.OPEN
        )
        ticket_audit(
            AuditEvent.Action.TICKET_CREATED,
            _actor_of(ticket),
            ticket=ticket,
            reason=ticket.reason,
            details={
                "key": remote.key, "found_existing": adopted, "attempts": ticket.attempts,
                "after_ambiguous_create": ticket.ambiguous_create_at is not None,
            },
        )  # fmt: skip
        integration_ok(integration)
        ticket.external_key, ticket.url = remote.key, remote.url
        notifications_ticket_opened(ticket=ticket)
    return None


def _await_index(ticket: Ticket, token: str, believed_at: datetime) -> float | None:
    """Come back when an empty search can be believed; a wait, not an attempt."""
    sent = timezone.localtime(ticket.ambiguous_create_at).strftime("%H:%M:%S")
    until = timezone.localtime(believed_at).strftime("%H:%M:%S")
    Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(attempts=F("attempts") - 1)
    return _release(
        ticket,
        token,
        at=believed_at,
        error=(
            f"the create sent at {sent} got no clear answer and the search does not show it "
            f"yet; searching again at {until} before creating again (TICKETS_INDEX_LAG)"
        ),
    )


def _deliver_comment(ticket: Ticket, token: str, system: ModuleType) -> None:
    why = ticket.action_reason or "the pattern occurs again"
    system.ticket_comment(ticket.integration, ticket.external_id, recurrence_content(ticket, why))
    _finish_action(ticket, token, AuditEvent.Action.TICKET_COMMENTED, comments=F("comments") + 1)


def _deliver_reopen(ticket: Ticket, token: str, system: ModuleType) -> None:
    why = f"It was closed; {ticket.action_reason or 'the pattern occurs again'}"
    remote: RemoteTicket = system.ticket_reopen(
        ticket.integration, ticket.external_id, recurrence_content(ticket, why)
    )
    _finish_action(
        ticket, token, AuditEvent.Action.TICKET_REOPENED, reopened=F("reopened") + 1,
        closed_at=None, remote_status=remote.status,
    )  # fmt: skip


def _finish_action(ticket: Ticket, token: str, action: str, **update: Any) -> None:
    now = timezone.now()
    with transaction.atomic():
        pattern = ticket_lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(
            last_action_at=now,
            count_at_action=pattern.count,
            **ticket_work_done(),
            **update,
        )
        if updated:
            by = Actor(label=ticket.action_by) if ticket.action_by else _actor_of(ticket)
            ticket_audit(action, by, ticket=ticket, reason=ticket.action_reason)
            integration_ok(ticket.integration)


def _on_error(ticket: Ticket, token: str, error: TicketError) -> float | None:
    integration = ticket.integration
    now = timezone.now()
    health: dict[str, Any] = {"last_error": error.message[:2000], "last_error_at": now}
    if error.auth:
        health["auth_failed_at"] = now
    if error.status == 429 and error.retry_after:
        health["paused_until"] = now + timedelta(seconds=error.retry_after)
    Integration.objects.filter(pk=integration.pk).update(**health)
    attempts, limit = ticket.attempts, settings.TICKETS_MAX_ATTEMPTS
    if error.retryable and attempts < limit:
        wait = error.retry_after or _backoff(attempts)
        logger.info("ticket %s: %s; retrying in %.0fs", ticket.pk, error.message, wait)
        step = leases.after_failure(error.message, attempts=attempts, limit=limit, wait=wait)
        return _release(ticket, token, at=now + timedelta(seconds=wait), error=step.error)
    _fail(ticket, token, error.message)
    return None


def _fail(ticket: Ticket, token: str, message: str) -> None:
    """Stop for good: a create fails the ticket; a failed comment or reopening leaves it as
    it was. The error stays on the ticket for operators."""
    update: dict[str, Any] = {**ticket_work_done(), "error": message[:2000]}
    if ticket.action == Ticket.Action.CREATE:
        update["status"] = Ticket.Status.FAILED
    elif ticket.action == Ticket.Action.REOPEN:
        update["status"] = Ticket.Status.CLOSED
    with transaction.atomic():
        ticket_lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(**update)
        if updated:
            logger.warning("ticket %s: %s failed: %s", ticket.pk, ticket.action, message)
            ticket_audit(
                AuditEvent.Action.TICKET_FAILED, WORKER, ticket=ticket, reason=message,
                details={"action": ticket.action, "attempts": ticket.attempts},
            )  # fmt: skip
            if ticket.action == Ticket.Action.CREATE:
                notifications_ticket_failed(ticket=ticket, error=message)


def _reopen_impossible(ticket: Ticket, token: str, error: ReopenImpossible) -> None:
    """The remote ticket cannot be reopened: it stays closed and a new ticket follows it."""
    with transaction.atomic():
        ticket_lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(
            **{**ticket_work_done(), "status": Ticket.Status.CLOSED, "error": error.message[:2000]}
        )
        if not updated:
            return
        ticket_audit(AuditEvent.Action.TICKET_FAILED, WORKER, ticket=ticket, reason=error.message)
        successor = Ticket.objects.create(
            integration=ticket.integration,
            pattern=ticket.pattern,
            analysis=ticket.analysis,
            rule=ticket.rule,
            created_by=ticket.created_by,
            status=Ticket.Status.PENDING,
            action=Ticket.Action.CREATE,
            reason=f"{ticket.external_key} could not be reopened; {ticket.action_reason}",
            title=ticket.title,
            correlation_id=ticket_correlation_id(ticket.pattern, ticket.integration),
            next_attempt_at=timezone.now(),
        )
        ticket_audit(
            AuditEvent.Action.TICKET_REQUESTED, WORKER, ticket=successor,
            reason=successor.reason,
        )  # fmt: skip
        ticket_enqueue(successor.pk)


def _release(ticket: Ticket, token: str, *, at: datetime, error: str | None = None) -> float | None:
    update = {} if error is None else {"error": error[:2000]}
    return leases.lease_release(Ticket.objects.filter(pk=ticket.pk), token, at=at, **update)


def _backoff(attempts: int) -> float:
    return leases.backoff(
        attempts, base=settings.TICKETS_BACKOFF_BASE, cap=settings.TICKETS_BACKOFF_MAX
    )


def _actor_of(ticket: Ticket) -> Actor:
    if ticket.rule_id is not None:
        return Actor(label=f"rule: {ticket.rule.name}", rule=ticket.rule)
    if ticket.created_by_id is not None:
        return Actor.of_user(ticket.created_by)
    if ticket.action_by:  # an API key: its label
        return Actor(label=ticket.action_by)
    return WORKER
