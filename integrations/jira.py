"""Jira through the `jira` library, REST API v2 (wiki markup text): one function per remote job.

The client makes no retries of its own (max_retries=0): the open_ticket task owns the
retry policy, so a 429's Retry-After is honoured across workers and a retry always
searches for the ticket before creating it. Errors become TicketError with a message
built here: the library's own (str(JIRAError)) can carry the request's headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import requests
from jira import JIRA, JIRAError

from gogent.numbers import ascii_digits
from integrations.models import Integration
from integrations.remote import (
    FoundTicket,
    RemoteTicket,
    ReopenImpossible,
    TicketContent,
    TicketError,
    reply_lost,
    retry_after_seconds,
)

# Jira's status categories: new, indeterminate (in progress), done.
DONE = "done"
LABEL_MAX = 255
SUMMARY_MAX = 255
# Characters that start markup in Jira's wiki renderer; a backslash makes them literal.
WIKI_SPECIAL = re.compile(r"([\\{}\[\]|*_?^~+!#-])")
NOFORMAT = re.compile(r"\{(noformat|code|quote|panel)", re.IGNORECASE)
# The renderer links bare URLs (scheme://..., mailto:...); an escaped colon breaks the
# match and renders as a colon, so a URL from a log or the model shows as text.
URL_SCHEME = re.compile(r"\b([a-z][a-z0-9+.]*(?=://)|mailto(?=:))", re.IGNORECASE)


def client(integration: Integration) -> JIRA:
    """A client for the integration's site. Constructing it fetches serverInfo."""
    # Reference: https://jira.readthedocs.io/api.html#jira.client.JIRA
    auth: dict[str, Any] = {}
    if integration.auth == Integration.Auth.TOKEN:
        auth["token_auth"] = integration.resolved_secret()
    else:
        auth["basic_auth"] = (integration.username, integration.resolved_secret())
    with _remote("connect", integration):
        return JIRA(
            server=integration.base_url.rstrip("/"),
            timeout=integration.timeout_seconds,
            max_retries=0,
            get_server_info=True,
            **auth,
        )


def ticket_find(integration: Integration, correlation_id: str) -> RemoteTicket | None:
    """The issue carrying the correlation label, if one was created already."""
    jira = client(integration)
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-search/
    with _remote("search for the issue", integration):
        found = jira.search_issues(
            f'labels = "{correlation_id}" ORDER BY created ASC',
            maxResults=1,
            fields=["status"],
            json_result=True,
        )
    issues = found.get("issues") or []
    return _remote_ticket(integration, issues[0]) if issues else None


def ticket_create(
    integration: Integration, content: TicketContent, correlation_id: str
) -> RemoteTicket:
    jira = client(integration)
    fields: dict[str, Any] = {
        "project": {"key": integration.project_key},
        "issuetype": {"name": integration.issue_type},
        "summary": _one_line(content.title)[:SUMMARY_MAX],
        "description": wiki_text(content),
        "labels": [*integration.labels, *place_labels(integration, content), correlation_id],
    }
    components = [
        {"name": content.place[key]}
        for key in integration.plant_fields.get("components", [])
        if content.place.get(key)
    ]
    if components:
        fields["components"] = components
    priority = integration.priorities().get(content.priority)
    if priority:
        fields["priority"] = {"name": priority}
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/#api-rest-api-2-issue-post
    with _remote("create the issue", integration):
        issue = jira.create_issue(fields=fields, prefetch=False)
    key = issue.raw["key"]
    return RemoteTicket(
        key=key, id=str(issue.raw.get("id", "")), url=browse_url(integration, key),
        status="", closed=False,
    )  # fmt: skip


def place_labels(integration: Integration, content: TicketContent) -> list[str]:
    """Labels for the pattern's place (line-3, site-plant_a): a label has no spaces."""
    return [
        f"{key}-{'_'.join(content.place[key].split())}"[:LABEL_MAX]
        for key in integration.plant_fields.get("labels", [])
        if content.place.get(key)
    ]


def ticket_comment(integration: Integration, remote_id: str, content: TicketContent) -> None:
    """Comment on the issue with this id (Jira takes an id wherever it takes a key)."""
    jira = client(integration)
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-comments/#api-rest-api-2-issue-issueidorkey-comment-post
    with _remote("comment on the issue", integration):
        jira.add_comment(remote_id, wiki_text(content))


def ticket_reopen(integration: Integration, remote_id: str, content: TicketContent) -> RemoteTicket:
    """Move a done issue back through the reopen transition, with the recurrence as comment."""
    jira = client(integration)
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/#api-rest-api-2-issue-issueidorkey-transitions-get
    with _remote("list the issue's transitions", integration):
        transitions = jira.transitions(remote_id)
    wanted = integration.reopen_transition.strip().lower()
    chosen = _reopen_transition(transitions, wanted)
    if chosen is None:
        names = ", ".join(t.get("name", "?") for t in transitions) or "none"
        raise ReopenImpossible(
            f"issue {remote_id} has no transition "
            + (f"named {integration.reopen_transition!r}" if wanted else "out of done")
            + f" (available: {names})"
        )
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/#api-rest-api-2-issue-issueidorkey-transitions-post
    with _remote("reopen the issue", integration):
        jira.transition_issue(remote_id, str(chosen["id"]), comment=wiki_text(content))
    to = chosen.get("to") or {}
    return RemoteTicket(key="", id=remote_id, url="", status=to.get("name", ""), closed=False)


def tickets_status(integration: Integration, remote_ids: Sequence[str]) -> dict[str, RemoteTicket]:
    """Current status of issues by id; issues Jira no longer has are left out."""
    ids = [remote_id for remote_id in remote_ids if ascii_digits(remote_id)]
    if not ids:
        return {}
    jira = client(integration)
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-search/
    with _remote("read the issues' status", integration):
        found = jira.search_issues(
            f"id in ({', '.join(ids)})", maxResults=len(ids), fields=["status"], json_result=True
        )
    tickets = (_remote_ticket(integration, issue) for issue in found.get("issues") or [])
    return {ticket.id: ticket for ticket in tickets}


def tickets_search(integration: Integration, words: Sequence[str], limit: int) -> list[FoundTicket]:
    """Issues of the project whose text has all the words, newest first. The words are
    letters, digits and underscores only (integrations.tools), so they cannot change the
    query: no quote, backslash or Lucene operator reaches the JQL."""
    jira = client(integration)
    text = " ".join(words)
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-search/
    with _remote("search issues", integration):
        found = jira.search_issues(
            f'project = "{integration.project_key}" AND text ~ "{text}" ORDER BY updated DESC',
            maxResults=limit,
            fields=["summary", "status", "updated"],
            json_result=True,
        )
    tickets = []
    for issue in found.get("issues") or []:
        remote = _remote_ticket(integration, issue)
        fields = issue.get("fields") or {}
        tickets.append(
            FoundTicket(
                key=remote.key,
                url=remote.url,
                status=remote.status,
                closed=remote.closed,
                title=str(fields.get("summary") or ""),
                updated=str(fields.get("updated") or ""),
            )
        )
    return tickets


def connection_test(integration: Integration) -> str:
    """Sign in and look at the project: what an admin needs to know it will work."""
    jira = client(integration)
    with _remote("read serverInfo", integration):
        info = jira.server_info()
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-myself/
    with _remote("read the signed-in user", integration):
        me = jira.myself()
    # Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-projects/#api-rest-api-2-project-projectidorkey-get
    with _remote(f"read project {integration.project_key}", integration):
        project = jira.project(integration.project_key)
    who = me.get("displayName") or me.get("name") or me.get("emailAddress") or "?"
    return (
        f"Jira {info.get('version', '?')} ({info.get('deploymentType', '?')}), signed in as "
        f"{who}, project {project.key} ({project.name})"
    )


def browse_url(integration: Integration, key: str) -> str:
    return f"{integration.base_url.rstrip('/')}/browse/{key}"


# --- Markup -------------------------------------------------------------------------


def wiki_text(content: TicketContent) -> str:
    """The content in Jira wiki markup. Everything that came from logs or the model is
    escaped or inside {noformat}, so it cannot add links, macros or formatting."""
    parts: list[str] = []
    for section in content.sections:
        if section.heading:
            parts.append(f"h3. {wiki_escape(section.heading)}")
        if section.text:
            parts.append(wiki_escape(_one_line(section.text)))
        if section.items:
            parts.append("\n".join(f"# {wiki_escape(_one_line(item))}" for item in section.items))
        if section.facts:
            parts.append(
                "\n".join(
                    f"*{wiki_escape(label)}:* {wiki_escape(_one_line(value))}"
                    for label, value in section.facts
                )
            )
        if section.code:
            lines = "\n".join(NOFORMAT.sub(r"{ \1", line) for line in section.code)
            parts.append("{noformat}\n" + lines + "\n{noformat}")
    if content.link:
        parts.append(f"[Open the pattern in Gogent|{content.link.replace('|', '%7C')}]")
    return "\n\n".join(parts)


def wiki_escape(text: str) -> str:
    """Text that renders as written: no markup, and URLs not linked."""
    # Reference: https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa?section=all
    # ("\\X: escape special character X").
    return URL_SCHEME.sub(r"\1\\", WIKI_SPECIAL.sub(r"\\\1", text))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reopen_transition(transitions: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """The transition named `wanted`, or without a name the first one out of done."""
    for transition in transitions:
        if wanted:
            if transition.get("name", "").lower() == wanted:
                return transition
        elif _category(transition.get("to")) != DONE:
            return transition
    return None


def _category(status: Any) -> str:
    if not isinstance(status, dict):
        return ""
    category = status.get("statusCategory") or {}
    return category.get("key", "") if isinstance(category, dict) else ""


def _remote_ticket(integration: Integration, issue: dict[str, Any]) -> RemoteTicket:
    status = (issue.get("fields") or {}).get("status") or {}
    return RemoteTicket(
        key=issue["key"],
        id=str(issue.get("id", "")),
        url=browse_url(integration, issue["key"]),
        status=status.get("name", ""),
        closed=_category(status) == DONE,
    )


@contextmanager
def _remote(what: str, integration: Integration) -> Iterator[None]:
    """Turn the library's and requests' exceptions into TicketError."""
    try:
        yield
    except JIRAError as error:
        raise _jira_error(what, error) from None
    except requests.Timeout as error:
        raise TicketError(
            f"Jira did not answer ({what}) within {integration.timeout_seconds:g}s",
            retryable=True,
            ambiguous=reply_lost(error),
        ) from None
    except requests.ConnectionError as error:
        raise TicketError(
            f"cannot reach Jira at {integration.base_url} ({what}): {type(error).__name__}",
            retryable=True,
            ambiguous=reply_lost(error),
        ) from None
    except (requests.RequestException, ValueError) as error:
        # ValueError: a reply that is not JSON, e.g. a proxy's error page.
        raise TicketError(
            f"unexpected reply from Jira ({what}): {type(error).__name__}", retryable=True
        ) from None


def _jira_error(what: str, error: JIRAError) -> TicketError:
    status = error.status_code
    detail = (error.text or "").strip()[:500] or "no details"
    headers = error.response.headers if error.response is not None else {}
    if status in (401, 403):
        return TicketError(
            f"Jira refused the credentials (HTTP {status}) to {what}: {detail}",
            retryable=False,
            auth=True,
            status=status,
        )
    if status == 429:
        return TicketError(
            f"Jira rate limit (HTTP 429) to {what}",
            retryable=True,
            retry_after=retry_after_seconds(headers.get("Retry-After")),
            status=status,
        )
    if status is not None and status >= 500:
        return TicketError(
            f"Jira failed (HTTP {status}) to {what}: {detail}",
            retryable=True,
            ambiguous=True,
            retry_after=retry_after_seconds(headers.get("Retry-After")),
            status=status,
        )
    return TicketError(
        f"Jira refused (HTTP {status or '?'}) to {what}: {detail}", retryable=False, status=status
    )
