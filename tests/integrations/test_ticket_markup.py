"""URLs from logs and the model reach tickets as text; only Gogent's own link is a link."""

from __future__ import annotations

import re

import pytest

from integrations import jira, servicenow
from integrations.remote import Section, TicketContent
from integrations.services import ticket_open
from logs.models import LogPattern
from tests.helpers.analysis import ingest, log
from tests.helpers.tickets import analysis_done, deliver

pytestmark = pytest.mark.django_db

OURS = "https://gogent.example.com/patterns/1/"
# What Jira's wiki renderer would turn into a link: a scheme and its colon, unescaped.
LINKABLE = re.compile(r"(?<![\\\w+.])[a-z][a-z0-9+.]*:(//)|(?<![\\\w])mailto:", re.IGNORECASE)


def content(*sections: Section) -> TicketContent:
    return TicketContent(title="[ERROR] x", sections=sections, link=OURS, priority="low")


def outside_noformat(wiki: str) -> str:
    return re.sub(r"\{noformat\}.*?\{noformat\}", "", wiki, flags=re.DOTALL)


def test_jira_wiki_text_shows_urls_as_text_and_keeps_its_own_link():
    wiki = jira.wiki_text(
        content(
            Section("See https://evil.example/fix", text="Fetch http://evil.example/a?b=c now"),
            Section("Steps", items=("Mail mailto:ops@evil.example", "ftp://files.example/x")),
            Section("Pattern", facts=(("Template", "GET svn+ssh://repo.example/<*> failed"),)),
            Section("Recent logs", code=("upload to https://evil.example/drop failed",)),
        )
    )

    prose = outside_noformat(wiki).replace(f"[Open the pattern in Gogent|{OURS}]", "")
    assert not LINKABLE.search(prose), prose
    # Shown as written once rendered: the backslash only escapes the colon.
    for shown in (
        "https\\://evil.example/fix",
        "http\\://evil.example/a\\?b=c",
        "mailto\\:ops@evil.example",
        "ftp\\://files.example/x",
        "svn\\+ssh\\://repo.example/<\\*>",
    ):
        assert shown in prose
    assert "{noformat}\nupload to https://evil.example/drop failed\n{noformat}" in wiki
    assert wiki.endswith(f"[Open the pattern in Gogent|{OURS}]")
    assert wiki.count("|http") == 1


def test_a_ticket_from_a_log_and_an_analysis_with_urls_links_only_to_gogent(
    jira_integration, fake_jira, admin_user
):
    ingest(log("Firmware download from https://evil.example/fw.bin failed on press 4"))
    pattern = LogPattern.objects.get()
    analysis_done(
        pattern,
        summary="Firmware fetch fails; see https://evil.example/kb and [docs|http://x.example]",
        recommended_actions=["Email mailto:help@evil.example", "Check <https://evil.example>"],
    )

    deliver(ticket_open(pattern=pattern, integration=jira_integration, user=admin_user))

    description = fake_jira.issues["OPS-1"]["fields"]["description"]
    ours = f"[Open the pattern in Gogent|https://gogent.example.com/patterns/{pattern.pk}/]"
    prose = outside_noformat(description).replace(ours, "")
    assert not LINKABLE.search(prose), prose
    assert "[docs|" not in prose and "https\\://evil.example/kb" in prose
    assert ours in description


def test_servicenow_text_cannot_open_a_code_block_for_a_link():
    text = servicenow.plain_text(
        content(
            Section(
                "Summary",
                text='See [code]<a href="https://evil.example">runbook</a>[/code]',
                items=("[CODE]<img src=x onerror=alert(1)>[/Code]",),
            ),
            Section("Recent logs", code=('[code]<a href="https://evil.example">x</a>[/code]',)),
        )
    )

    assert not re.search(r"\[/?code\]", text, re.IGNORECASE)
    assert '[ code ]<a href="https://evil.example">runbook</a>[ /code ]' in text
    assert text.endswith(f"Open the pattern in Gogent: {OURS}")
