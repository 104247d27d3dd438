"""What a notification says, once, and how each target writes it: Slack mrkdwn, a Teams
Adaptive Card, e-mail (plain text and HTML) and the JSON webhook.

Log text (templates, hosts, analysis summaries written by a model that read the logs) is
untrusted: each renderer escapes it for its markup, so a log line can neither format the
message nor ping a whole channel (Slack's <!here>, @channel) nor forge a link.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field
from typing import Any

# Characters Adaptive Cards' Markdown gives a meaning to.
TEAMS_MARKDOWN = re.compile(r"([\\`*_\[\]()#>~|])")


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a message tells of: a pattern's event, a stall, a window's summary."""

    event: str  # "New pattern", "Ingest stalled", ...
    title: str  # the pattern's template, or what happened
    severity: str = ""
    count: int | None = None
    hosts: str = ""  # "plc-1 (12), plc-2 (3)"
    services: str = ""
    summary: str = ""  # the analysis's summary
    detail: str = ""  # a ticket's key or error, why ingest stalled, what a window held
    link: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    items: tuple[Item, ...] = ()
    # Items left out of the list (NOTIFICATIONS_MAX_ITEMS): "and N more".
    more: int = 0
    link: str = ""  # the console page that shows them all
    intro: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # data only the webhook carries

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        items = tuple(Item(**item) for item in data.get("items", []))
        return cls(**{**data, "items": items})


def _facts(item: Item) -> list[tuple[str, str]]:
    facts = []
    if item.severity:
        facts.append(("Severity", item.severity))
    if item.count is not None:
        facts.append(("Occurrences", f"{item.count:,}"))
    if item.hosts:
        facts.append(("Hosts", item.hosts))
    if item.services:
        facts.append(("Services", item.services))
    return facts


def _more_text(message: Message) -> str:
    return f"and {message.more:,} more" if message.more else ""


# --- Slack -----------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Slack's three control characters escaped (so <!here>, <@U1> and <url|label> are
    text), and every @ joined to a word joiner, so "@channel" notifies no one."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "@\u2060")


def _slack_code(text: str) -> str:
    """Inline code: log text keeps its * and _ as they are; a backtick would end the span."""
    flat = " ".join(text.split())
    return "`" + slack_escape(flat.replace("`", "'")) + "`"


def slack_payload(message: Message) -> dict[str, Any]:
    lines = [f"*{slack_escape(message.title)}*"]
    if message.intro:
        lines.append(slack_escape(message.intro))
    for item in message.items:
        head = f"• *{slack_escape(item.event)}*: {_slack_code(item.title)}"
        if item.link:
            head += f" <{item.link}|open>"
        lines.append(head)
        facts = [f"{label}: {slack_escape(value)}" for label, value in _facts(item)]
        if facts:
            lines.append("    " + " · ".join(facts))
        if item.summary:
            lines.append("    _" + slack_escape(" ".join(item.summary.split())) + "_")
        if item.detail:
            lines.append("    " + slack_escape(item.detail))
    if message.more:
        lines.append(_more_text(message))
    if message.link:
        lines.append(f"<{message.link}|Open Gogent>")
    return {"text": "\n".join(lines), "unfurl_links": False, "unfurl_media": False}


# --- Microsoft Teams -------------------------------------------------------------------


def teams_escape(text: str) -> str:
    """Markdown characters backslash-escaped, and {{ broken up (card template functions)."""
    return TEAMS_MARKDOWN.sub(r"\\\1", text).replace("{{", "{\u2060{")


def teams_payload(message: Message) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": teams_escape(message.title), "weight": "Bolder",
         "size": "Medium", "wrap": True},
    ]  # fmt: skip
    if message.intro:
        body.append({"type": "TextBlock", "text": teams_escape(message.intro), "wrap": True})
    for item in message.items:
        body.append(
            {"type": "TextBlock", "wrap": True, "spacing": "Medium",
             "text": f"**{teams_escape(item.event)}**: {teams_escape(item.title)}"}
        )  # fmt: skip
        facts = [{"title": label, "value": teams_escape(value)} for label, value in _facts(item)]
        if facts:
            body.append({"type": "FactSet", "facts": facts})
        for text in (item.summary, item.detail):
            if text:
                body.append({"type": "TextBlock", "text": teams_escape(text), "wrap": True,
                             "isSubtle": True})  # fmt: skip
        if item.link:
            body.append({"type": "TextBlock", "text": f"[Open the pattern]({item.link})"})
    if message.more:
        body.append({"type": "TextBlock", "text": _more_text(message), "wrap": True})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if message.link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open Gogent", "url": message.link}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


# --- E-mail ----------------------------------------------------------------------------


def email_subject(message: Message) -> str:
    """One line (a header cannot be split by log text), at most 200 characters."""
    subject = " ".join(f"[Gogent] {message.title}".split())
    return subject[:200]


def email_text(message: Message) -> str:
    lines = [message.title, ""]
    if message.intro:
        lines += [message.intro, ""]
    for item in message.items:
        lines.append(f"* {item.event}: {item.title}")
        lines += [f"  {label}: {value}" for label, value in _facts(item)]
        if item.summary:
            lines.append(f"  Analysis: {item.summary}")
        if item.detail:
            lines.append(f"  {item.detail}")
        if item.link:
            lines.append(f"  {item.link}")
        lines.append("")
    if message.more:
        lines += [_more_text(message), ""]
    if message.link:
        lines.append(f"Open Gogent: {message.link}")
    return "\n".join(lines) + "\n"


def email_html(message: Message) -> str:
    e = html.escape
    parts = [f"<h2>{e(message.title)}</h2>"]
    if message.intro:
        parts.append(f"<p>{e(message.intro)}</p>")
    parts.append("<ul>")
    for item in message.items:
        facts = "".join(f"<br>{e(label)}: {e(value)}" for label, value in _facts(item))
        summary = f"<br><em>{e(item.summary)}</em>" if item.summary else ""
        detail = f"<br>{e(item.detail)}" if item.detail else ""
        link = f' <a href="{e(item.link)}">open</a>' if item.link else ""
        parts.append(
            f"<li><strong>{e(item.event)}</strong>: <code>{e(item.title)}</code>{link}"
            f"{facts}{summary}{detail}</li>"
        )
    parts.append("</ul>")
    if message.more:
        parts.append(f"<p>{e(_more_text(message))}</p>")
    if message.link:
        parts.append(f'<p><a href="{e(message.link)}">Open Gogent</a></p>')
    return "\n".join(parts)


# --- JSON webhook ----------------------------------------------------------------------


def webhook_payload(message: Message, *, key: str) -> dict[str, Any]:
    """Data, not markup: the receiver escapes for wherever it shows it."""
    return {
        "id": key,
        "title": message.title,
        "intro": message.intro,
        "items": [asdict(item) for item in message.items],
        "more": message.more,
        "link": message.link,
        **message.extra,
    }
