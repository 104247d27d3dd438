"""Writes for the integrations app: tickets by hand and by rule, delivered once, synced back.

Never twice:
- the database holds at most one draft, pending or open ticket per pattern and
  integration (a partial unique index); a request that loses a race gets the winner;
- remote work (create, comment, reopen) is a Ticket's `action`, done by whoever holds
  its lease, so duplicated or retried tasks do it once;
- creating first searches the remote side for the ticket's correlation id, so a retry
  after a lost reply (the remote did create it) adopts that ticket instead of adding one;
- rules only decide between "nothing", "draft", "ticket" and "comment" for one pattern
  and integration, with a cooldown: nothing a log or the model says can add tickets.
"""

from __future__ import annotations

import importlib
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from analysis.models import Analysis
from analysis.selectors import pattern_current_analysis
from analysis.services import ConnectionCheck
from gogent.audit import SYNC, WORKER, Actor, audit_record
from gogent.leases import (
    LEASE_CLEARED,
    after_failure,
    backoff,
    due,
    internal_error,
    lease_claim,
    lease_release,
    leases_resend,
    unleased,
)
from gogent.models import AuditEvent
from integrations import tasks
from integrations.models import Integration, RuleSweep, Ticket, TicketRule
from integrations.remote import RemoteTicket, ReopenImpossible, TicketError
from integrations.selectors import (
    RuleMatch,
    recurrence_content,
    rule_match,
    ticket_active,
    ticket_content,
    ticket_title,
)
from logs.models import LogEntry, LogPattern
from logs.patterns import PatternChanges, pattern_lock_of
from logs.services import pattern_set_status

logger = logging.getLogger(__name__)

# Imported when a remote call is made: the consumer runs this app's rules at ingest and
# needs neither client library, which take ~150 ms to import.
SYSTEMS: dict[str, str] = {
    Integration.Kind.JIRA: "integrations.jira",
    Integration.Kind.SERVICENOW: "integrations.servicenow",
}


def _system(kind: str) -> ModuleType:
    return importlib.import_module(SYSTEMS[kind])


# Which of two active tickets survives a pattern merge: the one furthest along.
RANK = {Ticket.Status.OPEN: 3, Ticket.Status.PENDING: 2, Ticket.Status.DRAFT: 1}
STATUS_BATCH = 50


# --- Operators ----------------------------------------------------------------------


def ticket_open(*, pattern: LogPattern, integration: Integration, user: Any) -> Ticket:
    """An operator's "Open Jira issue" / "Open ServiceNow incident".

    Returns the pattern's active ticket on that integration when it has one (a draft
    is approved on the way); otherwise a closed ticket is reopened or a new one is
    opened, as the integration says. The remote work happens in the open_ticket task:
    the ticket is pending until then, and shows its key and link, or the exact error.
    """
    if not integration.enabled:
        raise ValueError(f"integration {integration.name} is disabled")
    if pattern.merged_into_id is not None:
        raise ValueError(f"pattern {pattern.pk} was merged into pattern {pattern.merged_into_id}")
    actor = Actor.of_user(user)
    return _ticket_request(
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
        _lock_pattern(ticket)
        draft = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if draft.status != Ticket.Status.DRAFT:
            raise ValueError(f"ticket {draft.pk} is {draft.get_status_display()}, not a draft")
        reason = f"draft approved by {actor.label}; {draft.reason}"
        _audit(AuditEvent.Action.DRAFT_APPROVED, actor, ticket=draft, reason=draft.reason)
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
        _lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.DRAFT).update(
            status=Ticket.Status.DISCARDED, last_action_at=timezone.now()
        )
        if not updated:
            ticket.refresh_from_db()
            raise ValueError(f"ticket {ticket.pk} is {ticket.get_status_display()}, not a draft")
        _audit(AuditEvent.Action.DRAFT_DISCARDED, actor, ticket=ticket, reason=reason)
    ticket.refresh_from_db()
    return ticket


def ticket_retry(*, ticket: Ticket, user: Any) -> Ticket:
    """Try a failed ticket again (after an admin fixed the credentials, say)."""
    actor = Actor.of_user(user)
    try:
        with transaction.atomic():
            _lock_pattern(ticket)
            failed = Ticket.objects.select_for_update().get(pk=ticket.pk)
            if failed.status != Ticket.Status.FAILED:
                raise ValueError(f"ticket {failed.pk} is {failed.get_status_display()}, not failed")
            _queue(
                failed,
                Ticket.Action.CREATE,
                actor,
                status=Ticket.Status.PENDING,
                reason=f"retried by {actor.label}; {failed.reason}",
            )
            _audit(AuditEvent.Action.TICKET_REQUESTED, actor, ticket=failed, reason="retry")
    except IntegrityError:
        raise ValueError(
            f"pattern {ticket.pattern_id} has another active ticket on this integration"
        ) from None
    ticket.refresh_from_db()
    return ticket


# --- Rules --------------------------------------------------------------------------


def rules_evaluate(*, pattern: LogPattern, analysis: Analysis | None = None) -> list[Ticket]:
    """Apply the enabled rules to a pattern: nothing, a draft, a ticket, or a comment.

    One action per integration (the first matching rule, by name), and none within a
    rule's cooldown of the last one. Integrations with refused credentials are left
    alone until an admin saves them. An offline analysis (rule-based guesses) counts only
    for rules that accept offline analyses; the others see no analysis, and wait for an
    LLM's when they need one.
    """
    if pattern.merged_into_id is not None or pattern.status == LogPattern.Status.MUTED:
        return []
    rules = TicketRule.objects.filter(
        enabled=True, integration__enabled=True, integration__auth_failed_at=None
    ).select_related("integration")
    if analysis is None:
        analysis = pattern_current_analysis(pattern)
    acted: list[Ticket] = []
    decided: set[int] = set()
    for rule in rules:
        if rule.integration_id in decided:
            continue
        seen = analysis
        if seen is not None and seen.is_offline and not rule.accept_offline:
            seen = None
        match = rule_match(rule=rule, pattern=pattern, analysis=seen)
        if match is None:
            continue
        decided.add(rule.integration_id)
        ticket = _rule_act(match, pattern, seen)
        if ticket is not None:
            acted.append(ticket)
    return acted


def rules_after_analysis(*, analysis: Analysis) -> None:
    """ANALYSIS_DONE_HOOKS: inside the transaction that completes the analysis."""
    pattern = LogPattern.objects.get(pk=analysis.pattern_id)
    rules_evaluate(pattern=pattern, analysis=analysis)


def rules_after_ingest(*, changes: PatternChanges, replies: Sequence[Any]) -> None:
    """LOGS_INGEST_HOOKS: new and regressed patterns, inside the batch's transaction.
    (Patterns that keep occurring are the sweeper's, every TICKETS_RULES_INTERVAL.)"""
    pattern_ids = changes.created | changes.regressed
    if not pattern_ids or not TicketRule.objects.filter(enabled=True).exists():
        return
    for pattern in LogPattern.objects.filter(pk__in=pattern_ids, merged_into=None):
        rules_evaluate(pattern=pattern)


def _rule_act(match: RuleMatch, pattern: LogPattern, analysis: Analysis | None) -> Ticket | None:
    rule, integration = match.rule, match.rule.integration
    # The ticket that counts: the active one, or else the latest.
    current = ticket_active(pattern_id=pattern.pk, integration_id=integration.pk) or (
        Ticket.objects.filter(pattern=pattern, integration=integration)
        .exclude(status=Ticket.Status.DUPLICATE)
        .order_by("-created_at", "-pk")
        .first()
    )
    now = timezone.now()
    cooldown = timedelta(minutes=rule.cooldown_minutes)
    if current is not None:
        status = current.status
        if status == Ticket.Status.PENDING or (status == Ticket.Status.OPEN and current.action):
            return None  # its creation, comment or reopening is on its way
        last = current.last_action_at or current.created_at
        if status != Ticket.Status.DRAFT and now - last < cooldown:
            return None
        if status == Ticket.Status.FAILED and now - current.updated_at < cooldown:
            return None  # no retry storm against a failing integration
        if status in (Ticket.Status.OPEN, Ticket.Status.CLOSED) and (
            pattern.count <= current.count_at_action
        ):
            return None  # nothing new since the ticket's last update
    if (
        match.draft_reason
        and not (current is not None and current.is_active)
        and Ticket.objects.filter(
            pattern=pattern,
            integration=integration,
            analysis=analysis,
            status=Ticket.Status.DISCARDED,
        ).exists()
    ):
        return None  # an operator discarded this one already
    return _ticket_request(
        pattern=pattern,
        integration=integration,
        analysis=analysis,
        actor=Actor.of_rule(rule),
        reason=match.reason,
        draft_reason=match.draft_reason,
        recurrence=True,
    )


# --- Requests -----------------------------------------------------------------------


def _ticket_request(
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
                _audit(AuditEvent.Action.DRAFT_APPROVED, actor, ticket=active, reason=reason)
                _queue(
                    active, Ticket.Action.CREATE, actor, status=Ticket.Status.PENDING,
                    reason=f"{reason}; {active.reason}",
                )  # fmt: skip
            elif active.status == Ticket.Status.OPEN and recurrence and not active.action:
                _queue(active, Ticket.Action.COMMENT, actor, reason=reason)
                _audit(
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
                    correlation_id=_correlation_id(pattern, integration),
                    next_attempt_at=timezone.now(),
                )
        except IntegrityError:
            # Another request won the race for this pattern and integration: theirs stands.
            winner = ticket_active(pattern_id=pattern.pk, integration_id=integration.pk)
            if winner is None:
                raise
            return winner
        if draft_reason:
            _audit(
                AuditEvent.Action.DRAFT_CREATED, actor, ticket=ticket,
                reason=f"{reason}; {draft_reason}",
            )  # fmt: skip
        else:
            _audit(AuditEvent.Action.TICKET_REQUESTED, actor, ticket=ticket, reason=reason)
            _enqueue(ticket.pk)
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
    _audit(AuditEvent.Action.TICKET_REQUESTED, actor, ticket=failed, reason=f"retry: {reason}")
    failed.refresh_from_db()
    return failed


def _correlation_id(pattern: LogPattern, integration: Integration) -> str:
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
    _audit(AuditEvent.Action.TICKET_REQUESTED, actor, ticket=closed, reason=f"reopen: {reason}")
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
    _enqueue(ticket.pk)


def _enqueue(ticket_id: int) -> None:
    # robust: a broker hiccup must not undo the caller's committed work; the sweeper
    # re-sends work whose task never arrived.
    transaction.on_commit(lambda: tasks.open_ticket.delay(ticket_id), robust=True)


# --- Delivering ---------------------------------------------------------------------


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
    system = _system(integration.kind)
    try:
        if ticket.action == Ticket.Action.CREATE:
            _deliver_create(ticket, token, system)
        elif ticket.action == Ticket.Action.COMMENT:
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
        step = after_failure(
            internal_error(error), attempts=ticket.attempts,
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
        .filter(unleased(now) & due(now))
    )
    # Up to four calls (client, search, create, ...) each within the timeout.
    return lease_claim(claimable, seconds=timeout * 5 + 10, attempts=F("attempts") + 1)


def _deliver_create(ticket: Ticket, token: str, system: ModuleType) -> None:
    integration = ticket.integration
    content = ticket_content(ticket)
    remote = system.ticket_find(integration, ticket.correlation_id)
    adopted = remote is not None
    if remote is None:
        remote = system.ticket_create(integration, content, ticket.correlation_id)
    now = timezone.now()
    with transaction.atomic():
        pattern = _lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(
            external_key=remote.key,
            external_id=remote.id,
            url=remote.url,
            remote_status=remote.status,
            title=content.title,
            opened_at=now,
            last_action_at=now,
            count_at_action=pattern.count,
            **_done(),
        )
        if not updated:
            return  # the lease ran out; the next holder finds the ticket by its correlation id
        # A merge may have made it a duplicate meanwhile; it keeps that status.
        Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.PENDING).update(
            status=Ticket.Status.OPEN
        )
        _audit(
            AuditEvent.Action.TICKET_CREATED,
            _actor_of(ticket),
            ticket=ticket,
            reason=ticket.reason,
            details={
                "key": remote.key, "found_existing": adopted, "attempts": ticket.attempts,
            },
        )  # fmt: skip
        _integration_ok(integration)


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
        pattern = _lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(
            last_action_at=now,
            count_at_action=pattern.count,
            **_done(),
            **update,
        )
        if updated:
            by = Actor(label=ticket.action_by) if ticket.action_by else _actor_of(ticket)
            _audit(action, by, ticket=ticket, reason=ticket.action_reason)
            _integration_ok(ticket.integration)


def _lock_pattern(ticket: Ticket) -> LogPattern:
    """First in a transaction that writes the ticket and rows pointing at its pattern
    (audit events): see pattern_lock_of. The ticket then holds the pattern it is on now."""
    ticket.pattern = pattern_lock_of(Ticket, ticket.pk)
    return ticket.pattern


def _done() -> dict[str, Any]:
    return {
        "action": Ticket.Action.NONE,
        "error": "",
        "next_attempt_at": None,
        **LEASE_CLEARED,
    }


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
        step = after_failure(error.message, attempts=attempts, limit=limit, wait=wait)
        return _release(ticket, token, at=now + timedelta(seconds=wait), error=step.error)
    _fail(ticket, token, error.message)
    return None


def _fail(ticket: Ticket, token: str, message: str) -> None:
    """Stop for good: a create fails the ticket; a failed comment or reopening leaves it as
    it was. The error stays on the ticket for operators."""
    update: dict[str, Any] = {**_done(), "error": message[:2000]}
    if ticket.action == Ticket.Action.CREATE:
        update["status"] = Ticket.Status.FAILED
    elif ticket.action == Ticket.Action.REOPEN:
        update["status"] = Ticket.Status.CLOSED
    with transaction.atomic():
        _lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(**update)
        if updated:
            logger.warning("ticket %s: %s failed: %s", ticket.pk, ticket.action, message)
            _audit(
                AuditEvent.Action.TICKET_FAILED, WORKER, ticket=ticket, reason=message,
                details={"action": ticket.action, "attempts": ticket.attempts},
            )  # fmt: skip


def _reopen_impossible(ticket: Ticket, token: str, error: ReopenImpossible) -> None:
    """The remote ticket cannot be reopened: it stays closed and a new ticket follows it."""
    with transaction.atomic():
        _lock_pattern(ticket)
        updated = Ticket.objects.filter(pk=ticket.pk, lease_token=token).update(
            **{**_done(), "status": Ticket.Status.CLOSED, "error": error.message[:2000]}
        )
        if not updated:
            return
        _audit(AuditEvent.Action.TICKET_FAILED, WORKER, ticket=ticket, reason=error.message)
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
            correlation_id=_correlation_id(ticket.pattern, ticket.integration),
            next_attempt_at=timezone.now(),
        )
        _audit(
            AuditEvent.Action.TICKET_REQUESTED, WORKER, ticket=successor,
            reason=successor.reason,
        )  # fmt: skip
        _enqueue(successor.pk)


def _release(ticket: Ticket, token: str, *, at: datetime, error: str | None = None) -> float | None:
    update = {} if error is None else {"error": error[:2000]}
    return lease_release(Ticket.objects.filter(pk=ticket.pk), token, at=at, **update)


def _backoff(attempts: int) -> float:
    return backoff(attempts, base=settings.TICKETS_BACKOFF_BASE, cap=settings.TICKETS_BACKOFF_MAX)


def _actor_of(ticket: Ticket) -> Actor:
    if ticket.rule_id is not None:
        return Actor(label=f"rule: {ticket.rule.name}", rule=ticket.rule)
    if ticket.created_by_id is not None:
        return Actor.of_user(ticket.created_by)
    if ticket.action_by:  # an API key: its label
        return Actor(label=ticket.action_by)
    return WORKER


def _integration_ok(integration: Integration) -> None:
    Integration.objects.filter(pk=integration.pk).update(
        last_success_at=timezone.now(), auth_failed_at=None
    )


# --- Sync and sweep -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncReport:
    checked: int
    closed: int
    errors: list[str]


def tickets_sync() -> SyncReport:
    """Read open tickets' status back from Jira and ServiceNow; close what was closed there
    (and resolve its pattern, where the integration says so)."""
    checked = closed = 0
    errors: list[str] = []
    for integration in Integration.objects.filter(enabled=True, auth_failed_at=None):
        system = _system(integration.kind)
        tickets = list(
            Ticket.objects.filter(
                integration=integration, status=Ticket.Status.OPEN, action=Ticket.Action.NONE
            )
            .exclude(external_id="")
            .select_related("pattern")
            .order_by(F("synced_at").asc(nulls_first=True))[:1000]
        )
        for start in range(0, len(tickets), STATUS_BATCH):
            batch = tickets[start : start + STATUS_BATCH]
            try:
                remote = system.tickets_status(integration, [t.external_id for t in batch])
            except TicketError as error:
                _on_sync_error(integration, error)
                errors.append(f"{integration.name}: {error.message}")
                break
            checked += len(batch)
            for ticket in batch:
                found = remote.get(ticket.external_id)
                if found is None:
                    continue  # deleted remotely, or out of sight: left as it is
                if found.closed:
                    closed += _close(ticket, integration, found)
                else:
                    Ticket.objects.filter(pk=ticket.pk).update(
                        remote_status=found.status, synced_at=timezone.now()
                    )
    return SyncReport(checked=checked, closed=closed, errors=errors)


def _on_sync_error(integration: Integration, error: TicketError) -> None:
    health: dict[str, Any] = {"last_error": error.message[:2000], "last_error_at": timezone.now()}
    if error.auth:
        health["auth_failed_at"] = timezone.now()
    Integration.objects.filter(pk=integration.pk).update(**health)


def _close(ticket: Ticket, integration: Integration, remote: RemoteTicket) -> int:
    now = timezone.now()
    with transaction.atomic():
        pattern = _lock_pattern(ticket)
        updated = Ticket.objects.filter(
            pk=ticket.pk, status=Ticket.Status.OPEN, action=Ticket.Action.NONE
        ).update(
            status=Ticket.Status.CLOSED,
            remote_status=remote.status,
            closed_at=now,
            synced_at=now,
            count_at_action=pattern.count,
        )
        if not updated:
            return 0
        _audit(
            AuditEvent.Action.TICKET_CLOSED, SYNC, ticket=ticket,
            reason=f"{ticket.external_key} is {remote.status} in {integration.name}",
        )  # fmt: skip
        if integration.resolve_pattern_on_close and pattern.status in (
            LogPattern.Status.NEW,
            LogPattern.Status.ACTIVE,
        ):
            # Recorded below, with its ticket, as "resolved by its ticket": one row, not two.
            pattern_set_status(
                pattern=pattern, status=LogPattern.Status.RESOLVED, actor=SYNC, record=False
            )
            _audit(
                AuditEvent.Action.PATTERN_RESOLVED, SYNC, ticket=ticket,
                reason=f"{ticket.external_key} was resolved in {integration.name}",
            )  # fmt: skip
    return 1


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


# --- Pattern merges -----------------------------------------------------------------


def tickets_fold_for_merge(*, absorbed_id: int, survivor_id: int) -> None:
    """Before a merge moves the absorbed pattern's tickets to the survivor: where both have
    an active ticket on one integration, the one furthest along stays and the other
    becomes its duplicate, so the survivor keeps one active ticket per integration."""
    for ticket in Ticket.objects.filter(pattern_id=absorbed_id, status__in=Ticket.ACTIVE):
        other = ticket_active(pattern_id=survivor_id, integration_id=ticket.integration_id)
        if other is None:
            continue
        keep, fold = (
            (ticket, other) if RANK[ticket.status] > RANK[other.status] else (other, ticket)
        )
        Ticket.objects.filter(pk=fold.pk).update(
            status=Ticket.Status.DUPLICATE, duplicate_of=keep, **_done()
        )
        _audit(
            AuditEvent.Action.TICKET_DUPLICATE, WORKER, ticket=fold,
            reason=f"patterns {absorbed_id} and {survivor_id} merged; kept ticket {keep.pk}"
            + (f" ({keep.external_key})" if keep.external_key else ""),
        )  # fmt: skip


# --- Integrations -------------------------------------------------------------------


def integration_test(*, integration: Integration) -> ConnectionCheck:
    """Sign in and look at the project or table; the answer or the exact error, for the
    admin's Test connection."""
    started = time.monotonic()
    try:
        detail = _system(integration.kind).connection_test(integration)
    except TicketError as error:
        latency_ms = int((time.monotonic() - started) * 1000)
        Integration.objects.filter(pk=integration.pk).update(
            last_error=error.message[:2000], last_error_at=timezone.now()
        )
        return ConnectionCheck(ok=False, latency_ms=latency_ms, detail=error.message)
    latency_ms = int((time.monotonic() - started) * 1000)
    _integration_ok(integration)
    return ConnectionCheck(ok=True, latency_ms=latency_ms, detail=detail)


def integration_save(*, integration: Integration) -> Integration:
    """Save an admin's or a config file's change: refused credentials and a pause are
    forgotten, so rules send work again."""
    integration.auth_failed_at = None
    integration.paused_until = None
    integration.save()
    return integration


# --- Audit --------------------------------------------------------------------------


def _audit(
    action: str,
    actor: Actor,
    *,
    ticket: Ticket | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    if ticket is not None and not object_repr:
        object_type = "integrations.ticket"
        object_id = str(ticket.pk)
        object_repr = ticket.external_key or f"ticket {ticket.pk}"
    return audit_record(
        action,
        actor,
        ticket_id=ticket.pk if ticket is not None else None,
        pattern_id=ticket.pattern_id if ticket is not None else None,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        reason=reason,
        details=details,
    )
