"""Runbooks: which ones fit a pattern, and their markdown as safe HTML."""

from __future__ import annotations

import markdown
import nh3

from integrations.models import Runbook
from integrations.scope import scope_matches, scope_seen, scope_words_found
from logs.models import LogPattern

# Runbooks are few and admin-written; past this many, the oldest are not considered.
CONSIDERED = 500
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em",
    "code", "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def runbooks_for_pattern(pattern: LogPattern, *, limit: int = 5) -> list[Runbook]:
    """The enabled runbooks whose services, hosts, places and words all fit the pattern,
    the most specific (most criteria, most words found) first."""
    seen = scope_seen([pattern.pk]).get(pattern.pk, {})
    ranked = []
    for runbook in Runbook.objects.filter(enabled=True).order_by("-updated_at")[:CONSIDERED]:
        words = runbook.words()
        found = scope_words_found(words, pattern.template)
        if (words and not found) or not scope_matches(runbook, seen):
            continue
        criteria = sum(
            bool(value.strip())
            for value in (runbook.services, runbook.hosts, runbook.places, runbook.template_words)
        )
        ranked.append((criteria, found, runbook))
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2].title))
    return [runbook for _, _, runbook in ranked[:limit]]


def runbook_html(body: str) -> str:
    """The markdown as HTML with only formatting tags and http(s)/mailto links kept."""
    html = markdown.markdown(body, extensions=["tables", "fenced_code"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
