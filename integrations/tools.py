"""The investigation's tools that read tickets and runbooks (settings.ANALYSIS_TOOLS).

Tickets Gogent opened are read from the database; tickets anyone opened are searched in
the configured Jira or ServiceNow through the integration's own client, with only words
of letters, digits and underscores from the model's text, lower-cased: nothing it sends
can change the query's structure. A remote failure is a refusal the model reads (no URL, no secret).
"""

from __future__ import annotations

import re

from pydantic import Field

from analysis.tools.base import Tool, ToolArguments, ToolContext, ToolRefused, ToolResult
from analysis.tools.logs import MESSAGE_CHARS, cut, pattern_of
from integrations import jira, servicenow
from integrations.models import Integration, Ticket
from integrations.remote import TicketError
from integrations.runbooks import runbooks_for_pattern

RUNBOOK_CHARS = 3000
TICKETS_SHOWN = 10
SEARCH_WORDS = 8
WORD = re.compile(r"[A-Za-z0-9_]{2,40}")


class PatternTicketsArguments(ToolArguments):
    pattern_id: int | None = Field(default=None, ge=1, le=2**62)


def _pattern_tickets(context: ToolContext, arguments: PatternTicketsArguments) -> ToolResult:
    pattern = pattern_of(context, arguments.pattern_id)
    tickets = (
        Ticket.objects.filter(pattern=pattern)
        .exclude(status=Ticket.Status.DUPLICATE)
        .select_related("integration")
        .order_by("-created_at")[:TICKETS_SHOWN]
    )
    rows = [
        {"key": ticket.external_key, "system": ticket.integration.get_kind_display(),
         "status": ticket.get_status_display(), "remote_status": cut(ticket.remote_status),
         "title": cut(ticket.title, MESSAGE_CHARS), "url": cut(ticket.url, 300),
         "opened": ticket.created_at.isoformat(timespec="seconds"),
         "why": cut(ticket.reason, MESSAGE_CHARS)}
        for ticket in tickets
    ]  # fmt: skip
    return ToolResult(data={"pattern": pattern.pk, "tickets": rows}, summary=f"{len(rows)} tickets")


PATTERN_TICKETS = Tool(
    name="pattern_tickets",
    description="The tickets Gogent opened (or drafted) for a pattern, newest first.",
    arguments=PatternTicketsArguments,
    run=_pattern_tickets,
)


class SearchTicketsArguments(ToolArguments):
    text: str = Field(
        min_length=2, max_length=200,
        description="Words the ticket's text contains (letters, digits, underscores; up to 8).",
    )  # fmt: skip
    limit: int = Field(default=5, ge=1, le=TICKETS_SHOWN)


def _search_tickets(context: ToolContext, arguments: SearchTicketsArguments) -> ToolResult:
    # Lower case: Lucene's operators (AND, OR, NOT, TO) are upper case only.
    words = [word.lower() for word in WORD.findall(arguments.text)][:SEARCH_WORDS]
    if not words:
        raise ToolRefused("give words of letters, digits or underscores to search for")
    found, problems = [], []
    for integration in Integration.objects.filter(enabled=True).order_by("name")[:3]:
        system = jira if integration.kind == Integration.Kind.JIRA else servicenow
        try:
            tickets = system.tickets_search(integration, words, arguments.limit)
        except TicketError as error:
            problems.append(f"{integration.name}: {cut(str(error), 200)}")
            continue
        found += [
            {"system": integration.name, "key": t.key, "status": t.status, "closed": t.closed,
             "title": cut(t.title, MESSAGE_CHARS), "updated": t.updated, "url": cut(t.url, 300)}
            for t in tickets[: arguments.limit]
        ]  # fmt: skip
    if problems and not found:
        raise ToolRefused("ticket search failed: " + "; ".join(problems))
    return ToolResult(
        data={"words": words, "tickets": found, "failed": problems},
        summary=f"{len(found)} tickets for {' '.join(words)}"[:200],
    )


SEARCH_TICKETS = Tool(
    name="search_tickets",
    description="Search the configured Jira projects and ServiceNow tables for existing "
    "tickets (anyone's) whose text has all the given words.",
    arguments=SearchTicketsArguments,
    run=_search_tickets,
    available=lambda: Integration.objects.filter(enabled=True).exists(),
)


class RunbooksArguments(ToolArguments):
    pattern_id: int | None = Field(default=None, ge=1, le=2**62)


def _runbooks(context: ToolContext, arguments: RunbooksArguments) -> ToolResult:
    pattern = pattern_of(context, arguments.pattern_id)
    runbooks = runbooks_for_pattern(pattern, limit=3)
    rows = [{"title": r.title, "body": cut(r.body, RUNBOOK_CHARS)} for r in runbooks]
    return ToolResult(data={"runbooks": rows}, summary=f"{len(rows)} runbooks")


FIND_RUNBOOKS = Tool(
    name="find_runbooks",
    description="The runbooks (how-tos written by this site's admins) that match a pattern "
    "by service, host, plant place or words of its template.",
    arguments=RunbooksArguments,
    run=_runbooks,
)
