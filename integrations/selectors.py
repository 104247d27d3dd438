"""Reads for the integrations app: a pattern's tickets, what a ticket says, rule matches,
the Tickets page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from analysis.models import Analysis
from analysis.selectors import pattern_current_analysis
from integrations.models import PRIORITIES, Integration, Ticket, TicketRule
from integrations.remote import Section, TicketContent
from integrations.scope import scope_filters, scope_matches, scope_seen
from logs.models import PLANT_KEYS, LogEntry, LogPattern, LogPatternStat, Severity

SAMPLE_LOGS = 3
SAMPLE_MAX_CHARS = 500
TOP_VALUES = 5


def ticket_active(*, pattern_id: int, integration_id: int) -> Ticket | None:
    """The pattern's draft, pending or open ticket on this integration (at most one)."""
    return Ticket.objects.filter(
        pattern_id=pattern_id, integration_id=integration_id, status__in=Ticket.ACTIVE
    ).first()


def pattern_tickets(pattern: LogPattern) -> QuerySet[Ticket]:
    """A pattern's tickets, newest first, for the pattern page and the API."""
    return (
        Ticket.objects.filter(pattern=pattern)
        .select_related("integration", "rule", "created_by")
        .order_by("-created_at", "-pk")
    )


def integrations_enabled() -> QuerySet[Integration]:
    """What the "Open Jira issue" / "Open ServiceNow incident" buttons offer."""
    return Integration.objects.filter(enabled=True).order_by("name")


def tickets_drafts() -> QuerySet[Ticket]:
    """Drafts waiting for an operator, oldest first."""
    return (
        Ticket.objects.filter(status=Ticket.Status.DRAFT)
        .select_related("integration", "pattern", "rule", "analysis")
        .order_by("created_at")
    )


# --- Rules --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: TicketRule
    # What matched, for the ticket and the audit log.
    reason: str
    # Set when the rule matched but the analysis is not confident enough: make a draft.
    draft_reason: str = ""


def rule_match(
    *, rule: TicketRule, pattern: LogPattern, analysis: Analysis | None
) -> RuleMatch | None:
    """Whether a rule wants a ticket for a pattern now. Cooldowns are the caller's."""
    if pattern.merged_into_id is not None or pattern.is_quiet:
        return None
    if pattern.max_severity < rule.min_severity:
        return None
    if scope_filters(rule):
        seen = scope_seen([pattern.pk]).get(pattern.pk, {})
        if not scope_matches(rule, seen):
            return None
    occurrences = _occurrences(pattern, rule)
    if occurrences < rule.min_occurrences:
        return None
    span = f"in {rule.window_minutes} min" if rule.window_minutes else "in total"
    reasons = [
        f"rule {rule.name!r}: severity {Severity(pattern.max_severity).label}",
        f"at least {rule.min_occurrences} occurrences {span}",
    ]
    result = _result(analysis)
    if rule.needs_analysis and not result:
        return None  # evaluated again when the analysis completes
    if rule.require_recommendation:
        if result.get("ticket_recommended") is not True:
            return None
        reasons.append("the analysis recommends a ticket")
    draft_reason = ""
    if rule.min_confidence > 0:
        confidence = _confidence(result)
        if confidence < rule.min_confidence:
            draft_reason = (
                f"the analysis's confidence {confidence:.2f} is below the rule's "
                f"{rule.min_confidence:.2f}"
            )
        else:
            reasons.append(f"confidence {confidence:.2f}")
    if rule.needs_analysis and not rule.act_on_model_judgement and not draft_reason:
        # Log text reaches the prompt and can try to talk the model into a ticket.
        draft_reason = (
            "the rule depends on the model's judgement, which the logs it reads can steer: "
            "an operator approves (the rule does not open tickets on the model's word alone)"
        )
    return RuleMatch(rule=rule, reason=", ".join(reasons), draft_reason=draft_reason)


def _occurrences(pattern: LogPattern, rule: TicketRule) -> int:
    """Occurrences in the rule's window, counted no further than the rule's minimum."""
    if not rule.window_minutes:
        return pattern.count
    since = timezone.now() - timedelta(minutes=rule.window_minutes)
    # LIMIT keeps the count cheap for a pattern with millions of recent logs.
    recent = LogEntry.objects.filter(pattern=pattern, timestamp__gte=since).order_by()
    return recent[: max(rule.min_occurrences, 1)].count()


def _result(analysis: Analysis | None) -> dict[str, Any]:
    if analysis is None or analysis.status != Analysis.Status.DONE:
        return {}
    return analysis.result if isinstance(analysis.result, dict) else {}


def _confidence(result: dict[str, Any]) -> float:
    value = result.get("confidence")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


# --- Content ------------------------------------------------------------------------


def pattern_url(pattern: LogPattern) -> str:
    """The pattern's page in the console, absolute (TICKETS_BASE_URL)."""
    try:
        path = reverse("logs:pattern", args=[pattern.pk])
    except NoReverseMatch:  # the console is not installed: its documented address
        path = f"/patterns/{pattern.pk}/"
    return settings.TICKETS_BASE_URL.rstrip("/") + path


def ticket_priority(pattern: LogPattern, analysis: Analysis | None) -> str:
    priority = _result(analysis).get("ticket_priority")
    if priority in PRIORITIES:
        return priority
    if pattern.max_severity >= Severity.CRITICAL:
        return "critical"
    if pattern.max_severity >= Severity.ERROR:
        return "high"
    return "medium" if pattern.max_severity >= Severity.WARNING else "low"


def ticket_title(pattern: LogPattern, analysis: Analysis | None) -> str:
    """[SEVERITY] and the analysis's summary, or the template: one line, Jira's 255 at most."""
    summary = str(_result(analysis).get("summary", "")).strip()
    title = f"[{Severity(pattern.max_severity).label}] {summary or pattern.template}"
    return " ".join(title.split())[:255]


def ticket_content(ticket: Ticket) -> TicketContent:
    """What a new ticket says: the analysis, the pattern's numbers, a few logs, a link."""
    pattern = ticket.pattern
    analysis = ticket.analysis or pattern_current_analysis(pattern)
    result = _result(analysis)
    sections: list[Section] = []
    if result:
        sections.append(Section("Summary", text=str(result.get("summary", ""))))
        sections.append(Section("Probable cause", text=str(result.get("probable_cause", ""))))
        sections.append(Section("Impact", text=str(result.get("impact", ""))))
        actions = result.get("recommended_actions") or []
        if isinstance(actions, list) and actions:
            sections.append(Section("Recommended actions", items=tuple(map(str, actions))))
    sections.append(Section("Pattern", facts=tuple(_pattern_facts(pattern, analysis, result))))
    sections.append(Section("Why this ticket", text=ticket.reason or "requested"))
    sections.append(Section("Recent logs", code=tuple(_sample_lines(pattern))))
    return TicketContent(
        title=ticket_title(pattern, analysis),
        sections=tuple(sections),
        link=pattern_url(pattern),
        priority=ticket_priority(pattern, analysis),
        place=pattern_main_place(pattern),
    )


def pattern_main_place(pattern: LogPattern) -> dict[str, str]:
    """Each plant key's most frequent value among the pattern's logs."""
    place: dict[str, str] = {}
    for dimension, value in (
        LogPatternStat.objects.filter(pattern=pattern, dimension__in=PLANT_KEYS)
        .order_by("-count", "value")
        .values_list("dimension", "value")
    ):
        place.setdefault(dimension, value)
    return place


def recurrence_content(ticket: Ticket, why: str) -> TicketContent:
    """A comment for a ticket whose pattern keeps occurring (or occurs again after closing)."""
    pattern = ticket.pattern
    new = max(pattern.count - ticket.count_at_action, 0)
    facts = [
        ("Occurrences", f"{pattern.count:,} in total, {new:,} since the last update"),
        ("Last seen", _when(pattern.last_seen)),
        *_spread(pattern),
    ]
    return TicketContent(
        title=ticket.title or pattern.template[:255],
        sections=(
            Section("The problem occurs again", text=why, facts=tuple(facts)),
            Section("Recent logs", code=tuple(_sample_lines(pattern))),
        ),
        link=pattern_url(pattern),
        priority=ticket_priority(pattern, ticket.analysis),
    )


def _pattern_facts(
    pattern: LogPattern, analysis: Analysis | None, result: dict[str, Any]
) -> list[tuple[str, str]]:
    facts = [
        ("Template", pattern.template),
        ("Occurrences", f"{pattern.count:,}"),
        ("First seen", _when(pattern.first_seen)),
        ("Last seen", _when(pattern.last_seen)),
        ("Highest severity", Severity(pattern.max_severity).label),
        *_spread(pattern),
    ]
    if result and analysis is not None:
        facts.append(
            (
                "Analysis",
                f"{analysis.source_label or 'LLM'}, confidence {_confidence(result):.0%}, "
                f"assessed severity {result.get('severity', '?')}",
            )
        )
    return facts


def _spread(pattern: LogPattern) -> list[tuple[str, str]]:
    facts = []
    for dimension, label in (
        (LogPatternStat.Dimension.HOST, "Hosts"),
        (LogPatternStat.Dimension.SERVICE, "Services"),
        *((key, f"{key.capitalize()}s") for key in PLANT_KEYS),
    ):
        top = LogPatternStat.objects.filter(pattern=pattern, dimension=dimension).order_by(
            "-count", "value"
        )[:TOP_VALUES]
        if top:
            facts.append((label, ", ".join(f"{stat.value} ({stat.count:,})" for stat in top)))
    return facts


def _sample_lines(pattern: LogPattern) -> list[str]:
    entries = LogEntry.objects.filter(pattern=pattern).order_by("-timestamp")[:SAMPLE_LOGS]
    return [
        f"{_when(entry.timestamp)} {entry.get_severity_display()} {entry.hostname or '-'} "
        f"{entry.service or '-'}: {' '.join(entry.message.split())[:SAMPLE_MAX_CHARS]}"
        for entry in entries
    ]


def _when(moment: Any) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC" if moment else "-"


# The Tickets page without a status filter: what needs someone.
TICKETS_ATTENTION = (Ticket.Status.DRAFT, Ticket.Status.PENDING, Ticket.Status.FAILED)


@dataclass(frozen=True, slots=True)
class TicketPage:
    tickets: list[Ticket]
    # The last ticket's id when older ones follow: the next page's `before`.
    before: int | None
    counts: dict[str, int]


def ticket_page(
    *,
    status: str = "",
    integration_id: int | None = None,
    query: str = "",
    before: int | None = None,
    size: int = 50,
) -> TicketPage:
    """Tickets newest first (by id), filtered; without a status, those needing attention.
    `query` matches the remote key, the title or the pattern's template."""
    tickets = Ticket.objects.select_related("integration", "pattern", "rule", "created_by")
    if integration_id is not None:
        tickets = tickets.filter(integration_id=integration_id)
    if query:
        tickets = tickets.filter(
            Q(external_key__iexact=query)
            | Q(title__icontains=query)
            | Q(pattern__template__icontains=query)
        )
    counts = dict(tickets.values_list("status").annotate(n=Count("id")).order_by())
    tickets = (
        tickets.filter(status=status) if status else tickets.filter(status__in=TICKETS_ATTENTION)
    )
    if before is not None:
        tickets = tickets.filter(pk__lt=before)
    rows = list(tickets.defer("pattern__sample_message").order_by("-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return TicketPage(tickets=rows, before=rows[-1].pk if more else None, counts=counts)
