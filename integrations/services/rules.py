"""Ticket rules: after ingest, after an analysis and at each sweep they decide between
"nothing", "draft", "ticket" and "comment" for one pattern and integration, with a
cooldown; nothing a log or the model says can add tickets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from analysis.models import Analysis
from analysis.selectors import pattern_current_analysis
from gogent.audit import Actor
from integrations.maintenance import maintenance_hold
from integrations.models import Ticket, TicketRule
from integrations.selectors import RuleMatch, rule_match, ticket_active
from integrations.services.request import ticket_request
from logs.models import LogPattern
from logs.patterns import PatternChanges


def rules_evaluate(*, pattern: LogPattern, analysis: Analysis | None = None) -> list[Ticket]:
    """Apply the enabled rules to a pattern: nothing, a draft, a ticket, or a comment.

    One action per integration (the first matching rule, by name), and none within a
    rule's cooldown of the last one. Integrations with refused credentials are left
    alone until an admin saves them. An offline analysis (rule-based guesses) counts only
    for rules that accept offline analyses; the others see no analysis, and wait for an
    LLM's when they need one. While a maintenance window covers the pattern, what a rule
    would do is held instead, and done (or not) when the window ends.
    """
    if pattern.merged_into_id is not None or pattern.is_quiet:
        return []
    rules = TicketRule.objects.filter(
        enabled=True, integration__enabled=True, integration__auth_failed_at=None
    ).select_related("integration")
    if analysis is None:
        analysis = pattern_current_analysis(pattern)
    acted: list[Ticket] = []
    decided: set[int] = set()
    held: bool | None = None  # asked once, when a rule first wants to act
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
        if held is None:
            held = bool(maintenance_hold([pattern.pk], tickets=True))
        if held:
            continue  # evaluated again when the maintenance window ends
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
    return ticket_request(
        pattern=pattern,
        integration=integration,
        analysis=analysis,
        actor=Actor.of_rule(rule),
        reason=match.reason,
        draft_reason=match.draft_reason,
        recurrence=True,
    )
