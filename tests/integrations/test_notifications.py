"""Notifications end to end in one process: events from the real hooks (ingest, analysis,
tickets, maintenance, the sweep), one message per burst, filters, cooldown, escaping for
each target, retries and refusals, Send test, config, and secrets kept out of sight. The
receivers are fakes speaking HTTP and SMTP on 127.0.0.1 (tests/fakes/chat.py)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from analysis.models import Analysis, Provider
from analysis.services import analysis_run
from gogent.config import ConfigError
from gogent.models import AuditEvent
from integrations.models import (
    Channel,
    MaintenanceHold,
    MaintenanceOccurrence,
    MaintenanceWindow,
    Notification,
    NotificationEvent,
    NotificationRule,
    Ticket,
)
from integrations.notifications import (
    notification_deliver,
    notifications_after_maintenance,
    notifications_sweep,
)
from integrations.notifications.channels import mask_url
from integrations.services import ticket_open
from logs.models import ContextRule, LogPattern, Severity
from tests.fakes.chat import FakeChat, FakeSmtp, Fault
from tests.fakes.jira import FakeJira
from tests.fakes.llm import FakeLLM
from tests.helpers.analysis import ingest, log
from tests.helpers.tickets import JIRA_TOKEN, deliver, jira_integration_at

pytestmark = pytest.mark.django_db

Event = NotificationRule.Event
TOKEN = "xOxB7c1e5d90aaSLACKTOKEN"
SLACK_PATH = f"/services/T0001/B0002/{TOKEN}"
SIGNING_KEY = "whsec-3f1e9b7a-SECRET"


@pytest.fixture(autouse=True)
def _quick(settings) -> None:
    settings.NOTIFICATIONS_BACKOFF_BASE = 0.01
    settings.NOTIFICATIONS_BACKOFF_MAX = 0.05
    settings.NOTIFICATIONS_MAX_ITEMS = 20


@pytest.fixture
def chat():
    with FakeChat() as fake:
        yield fake


def slack(chat: FakeChat, **fields) -> Channel:
    values = {"name": "ops-slack", "kind": Channel.Kind.SLACK, "url": chat.url(SLACK_PATH),
              "timeout_seconds": 1.0}  # fmt: skip
    return Channel.objects.create(**(values | fields))


def rule_for(channel: Channel, *events: str, **fields) -> NotificationRule:
    values = {
        "name": f"rule {NotificationRule.objects.count() + 1}",
        "events": list(events) or [Event.NEW_PATTERN],
        "group_seconds": 0,
        "cooldown_minutes": 0,
    }
    return NotificationRule.objects.create(channel=channel, **(values | fields))


def send_all(steps: int = 10) -> list[Notification]:
    """Run every pending notification's task back to back, as if its countdown had passed."""
    for _ in range(steps):
        Channel.objects.update(paused_until=None)
        pending = list(Notification.objects.filter(status=Notification.Status.PENDING))
        if not pending:
            break
        Notification.objects.filter(status=Notification.Status.PENDING).update(
            next_attempt_at=timezone.now()
        )
        for notification in pending:
            notification_deliver(notification_id=notification.pk)
    return list(Notification.objects.order_by("pk"))


def burst_messages(count: int) -> list[str]:
    """Messages that make `count` distinct patterns: no shared words, no numbers."""
    syllables = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "tu", "vo", "ze", "ba", "do", "fi"]
    words = ("".join(parts) for parts in itertools.product(syllables, repeat=3))
    return [f"{next(words)} {next(words)} {next(words)} fault" for _ in range(count)]


# --- Events, grouping, filters, cooldown ------------------------------------------------


def test_a_burst_of_200_new_patterns_makes_one_message_listing_20_and_180_more(chat):
    rule_for(slack(chat), Event.NEW_PATTERN, group_seconds=60)
    messages = burst_messages(200)
    for start in range(0, 200, 50):  # four ingest batches within the minute
        ingest(*(log(text) for text in messages[start : start + 50]))

    assert LogPattern.objects.count() == 200
    notification = Notification.objects.get()
    assert notification.event_count == 200
    assert notification.next_attempt_at > timezone.now() + timedelta(seconds=50)
    [sent] = send_all()

    assert sent.status == Notification.Status.SENT
    [request] = chat.accepted()
    text = request.body["text"]
    assert sent.title == "200 new patterns"
    assert text.startswith("*200 new patterns*")
    assert text.count("• *New pattern*") == 20
    assert "and 180 more" in text
    assert request.headers["idempotency-key"] == sent.idempotency_key


def test_events_after_the_message_was_claimed_go_into_the_next_one(chat):
    rule_for(slack(chat), Event.NEW_PATTERN)
    first, second = burst_messages(2)
    ingest(log(first))
    send_all()
    ingest(log(second))

    sent = send_all()

    assert [n.event_count for n in sent] == [1, 1]
    assert len(chat.accepted()) == 2
    assert len({n.idempotency_key for n in sent}) == 2


def test_the_cooldown_holds_the_next_message_and_collects_what_happens_meanwhile(chat):
    rule_for(slack(chat), Event.NEW_PATTERN, cooldown_minutes=15)
    texts = burst_messages(3)
    ingest(log(texts[0]))
    [first] = send_all()
    ingest(log(texts[1]))
    ingest(log(texts[2]))

    waiting = Notification.objects.get(status=Notification.Status.PENDING)
    assert waiting.event_count == 2
    assert waiting.next_attempt_at >= first.sent_at + timedelta(minutes=15)
    # Its task arriving early (a duplicate) finds it not yet due and sends nothing.
    assert notification_deliver(notification_id=waiting.pk) is None
    assert len(chat.accepted()) == 1


def test_rules_filter_by_severity_service_and_host_globs(chat):
    channel = slack(chat)
    rule_for(channel, name="errors on presses", min_severity=Severity.ERROR,
             hosts="plc-press-*", services="line-?")  # fmt: skip
    ingest(
        log("Spindle overheated on the lathe", severity="ERROR", host="plc-press-4",
            service="line-1"),
        log("Conveyor belt slipping near the oven", severity="WARNING", host="plc-press-2",
            service="line-1"),
        log("Robot arm lost its reference position", severity="ERROR", host="plc-robot-1",
            service="line-1"),
        log("Paint booth humidity out of range", severity="CRITICAL", host="plc-press-9",
            service="paint"),
    )  # fmt: skip

    notification = Notification.objects.get()
    told = NotificationEvent.objects.filter(notification=notification)
    assert [e.pattern.template for e in told] == ["Spindle overheated on the lathe"]


def test_muted_patterns_and_disabled_rules_or_channels_tell_nothing(chat):
    channel = slack(chat)
    rule_for(channel, Event.NEW_PATTERN, Event.REGRESSION)
    rule_for(slack(chat, name="off", enabled=False), Event.NEW_PATTERN)
    rule_for(channel, Event.NEW_PATTERN, name="disabled rule", enabled=False)
    ingest(log("Spindle overheated on the lathe"))
    pattern = LogPattern.objects.get()
    send_all()
    LogPattern.objects.filter(pk=pattern.pk).update(status=LogPattern.Status.MUTED)
    ingest(log("Spindle overheated on the lathe"))

    assert NotificationEvent.objects.count() == 1
    assert len(chat.accepted()) == 1


def test_a_maintenance_window_holds_pattern_events_and_counts_them(chat):
    rule_for(slack(chat), Event.NEW_PATTERN)
    now = timezone.now()
    MaintenanceWindow.objects.create(
        name="press service", starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1), hosts="plc-press-*",
    )  # fmt: skip
    ingest(
        log("Spindle overheated on the lathe", host="plc-press-4"),
        log("Robot arm lost its reference position", host="plc-robot-1"),
    )

    told = NotificationEvent.objects.select_related("pattern").get()
    assert told.pattern.template == "Robot arm lost its reference position"
    hold = MaintenanceHold.objects.get()
    assert hold.pattern.template == "Spindle overheated on the lathe"
    assert hold.notifications == 1


def test_the_end_of_a_window_is_one_summary_message(chat):
    rule_for(slack(chat), Event.MAINTENANCE_ENDED, hosts="never-*")
    ingest(log("Spindle overheated <b>on</b> the lathe", host="plc-press-4"))
    pattern = LogPattern.objects.get()
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        name="press service", reason="seal change", starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
    )  # fmt: skip
    occurrence = MaintenanceOccurrence.objects.create(
        window=window, starts_at=window.starts_at, ends_at=window.ends_at,
        summary={"window": "press service", "reason": "seal change",
                 "starts_at": window.starts_at.isoformat(), "ends_at": window.ends_at.isoformat(),
                 "patterns": 1, "logs": 340, "analyses": 1, "tickets": 0, "notifications": 3,
                 "top": [{"pattern_id": pattern.pk, "template": pattern.template, "count": 340,
                          "severity": Severity.ERROR}]},
    )  # fmt: skip

    notifications_after_maintenance(occurrence=occurrence)
    [sent] = send_all()

    text = chat.accepted()[0].body["text"]
    assert sent.title == "Maintenance window press service ended"
    assert "Held meanwhile: 1 patterns, 340 logs, 1 analyses, 0 tickets, 3 notifications" in text
    assert "`Spindle overheated &lt;b&gt;on&lt;/b&gt; the lathe`" in text
    assert f"https://gogent.example.com/patterns/{pattern.pk}/" in text


def test_a_completed_analysis_is_told_with_its_summary(chat, django_capture_on_commit_callbacks):
    rule_for(slack(chat), Event.ANALYSIS_DONE)
    ingest(log("Hydraulic pressure 112 bar below threshold on press 4"))
    Provider.objects.update(enabled=False, is_default=False)
    with FakeLLM() as fake_llm:
        Provider.objects.create(
            name="fake", kind=Provider.Kind.OLLAMA, base_url=fake_llm.url, model="m",
            is_default=True, requests_per_minute=None, max_concurrent=None,
        )  # fmt: skip
        analysis = Analysis.objects.get()
        with django_capture_on_commit_callbacks() as callbacks:
            analysis_run(analysis_id=analysis.pk)
    [sent] = send_all()

    assert callbacks  # the notification's task among them, sent after commit
    event = NotificationEvent.objects.get()
    assert (event.kind, event.data["analysis_id"]) == (Event.ANALYSIS_DONE, analysis.pk)
    summary = Analysis.objects.get().result["summary"]
    assert sent.title.startswith("Analysis done: Hydraulic pressure")
    assert summary.split()[0] in chat.accepted()[0].body["text"]


def test_a_ticket_opened_and_a_ticket_failed_are_told(chat, admin_user):
    rule_for(slack(chat), Event.TICKET_OPENED, Event.TICKET_FAILED)
    ingest(log("Hydraulic pressure 112 bar below threshold on press 4"))
    ingest(log("Robot arm lost its reference position"))
    first, second = LogPattern.objects.order_by("pk")
    with FakeJira(token=JIRA_TOKEN) as jira:
        integration = jira_integration_at(jira.url)
        opened = deliver(ticket_open(pattern=first, integration=integration, user=admin_user))
        jira.fail("create", Fault.status(400, body={"errorMessages": ["Field 'x' invalid"]}))
        failed = deliver(ticket_open(pattern=second, integration=integration, user=admin_user))
    [sent] = send_all()

    assert (opened.status, failed.status) == (Ticket.Status.OPEN, Ticket.Status.FAILED)
    kinds = sorted(NotificationEvent.objects.values_list("kind", flat=True))
    assert kinds == [Event.TICKET_FAILED, Event.TICKET_OPENED]
    text = chat.accepted()[0].body["text"]
    assert sent.title.startswith("2 events: ")
    assert "1 tickets opened" in sent.title and "1 tickets failed" in sent.title
    assert "OPS-1 in Plant Jira" in text
    assert "failed:" in text


def test_a_pattern_crossing_its_threshold_is_told_once_per_window(chat):
    rule_for(slack(chat), Event.THRESHOLD, threshold_count=5, threshold_minutes=10)
    ingest(*(log(f"Hydraulic pressure {100 + n} bar below threshold") for n in range(4)))
    ingest(log("Robot arm lost its reference position"))
    assert notifications_sweep().crossed == 0

    ingest(log("Hydraulic pressure 99 bar below threshold"))
    assert notifications_sweep().crossed == 1
    assert notifications_sweep().crossed == 0
    [sent] = send_all()

    assert sent.title.startswith("Pattern crosses N occurrences in a window: Hydraulic")
    assert "at least 5 occurrences in 10 min" in chat.accepted()[0].body["text"]


def test_a_provider_going_down_and_coming_back_is_told_once_each(chat):
    rule_for(slack(chat), Event.PROVIDER_DOWN)
    Provider.objects.update(enabled=False, is_default=False)
    provider = Provider.objects.create(
        name="cloud", kind=Provider.Kind.OLLAMA, base_url="http://127.0.0.1:9", model="m",
        is_default=True, last_error="connection refused", last_error_at=timezone.now(),
    )  # fmt: skip

    assert notifications_sweep().changed == ["provider:cloud"]
    assert notifications_sweep().changed == []
    send_all()
    Provider.objects.filter(pk=provider.pk).update(last_success_at=timezone.now())
    assert notifications_sweep().changed == ["provider:cloud"]
    send_all()

    titles = [r.body["text"].splitlines()[0] for r in chat.accepted()]
    assert titles == ["*LLM provider cloud is failing*", "*LLM provider cloud answers again*"]


# --- Delivery: retries, refusals, leases ------------------------------------------------


def a_notification(channel: Channel) -> Notification:
    rule_for(channel, Event.NEW_PATTERN)
    ingest(log("Spindle overheated on the lathe"))
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    return notification


def test_429_with_retry_after_pauses_the_channel_and_comes_back_then(chat):
    notification = a_notification(slack(chat))
    chat.fail(Fault.status(429, retry_after=30))

    wait = notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    channel = Channel.objects.get()
    assert 29 <= wait <= 30
    assert notification.status == Notification.Status.PENDING
    assert "answered 429" in notification.error and "retrying in 30s" in notification.error
    assert channel.paused_until > timezone.now() + timedelta(seconds=25)
    # Another worker's task before then makes no call and counts no attempt.
    assert notification_deliver(notification_id=notification.pk) > 25
    assert len(chat.received) == 1 and notification.attempts == 1


def test_a_500_and_a_timeout_are_retried_and_the_message_sent_once(chat):
    notification = a_notification(slack(chat))
    chat.fail(Fault.status(500), Fault.hang(2))

    [sent] = send_all()

    assert sent.status == Notification.Status.SENT
    assert sent.attempts == 3
    assert len(chat.received) == 3
    assert chat.accepted_keys() == {notification.idempotency_key: 1}
    # The same bytes each time: the message was written once, on the first attempt.
    assert len({r.raw for r in chat.received}) == 1
    # A duplicated task afterwards finds it sent.
    assert notification_deliver(notification_id=notification.pk) is None
    assert len(chat.received) == 3


def test_a_refusal_fails_for_good_with_the_url_masked(chat):
    notification = a_notification(slack(chat))
    chat.fail(Fault.status(404, body=f"no_service for {SLACK_PATH}"))

    assert notification_deliver(notification_id=notification.pk) is None

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "answered 404" in notification.error and "refused: not retried" in notification.error
    assert TOKEN not in notification.error
    assert TOKEN not in Channel.objects.get().last_error


def test_retries_stop_after_the_last_attempt(chat, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    a_notification(slack(chat))
    chat.fail(*[Fault.status(503)] * 3)

    [failed] = send_all()

    assert failed.status == Notification.Status.FAILED
    assert "(attempt 3 of 3)" in failed.error
    assert len(chat.received) == 3


def test_an_unreachable_receiver_is_retried_and_its_url_never_shown():
    with FakeChat() as gone:
        url = gone.url(SLACK_PATH)
    channel = Channel.objects.create(name="gone", kind=Channel.Kind.SLACK, url=url)
    notification = a_notification(channel)

    assert notification_deliver(notification_id=notification.pk) is not None

    notification.refresh_from_db()
    assert "could not be reached" in notification.error
    assert TOKEN not in notification.error
    assert mask_url(url) in notification.error


def test_a_disabled_channel_discards_what_was_waiting(chat):
    notification = a_notification(slack(chat))
    Channel.objects.update(enabled=False)

    notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.DISCARDED
    assert chat.received == []


# --- Each target's markup -----------------------------------------------------------------

NASTY = "<!here> @channel *bold* `tick` & <https://evil.example|click> {{DATE(2020)}}"


def nasty_notification(channel: Channel) -> Notification:
    rule_for(channel, Event.NEW_PATTERN)
    ingest(log(NASTY, host="plc-<script>"))
    return Notification.objects.get()


def test_slack_messages_escape_log_text_and_cannot_mention_anyone(chat):
    nasty_notification(slack(chat))
    send_all()

    text = chat.accepted()[0].body["text"]
    assert "<!here>" not in text and "<https://evil" not in text
    assert "&lt;!here&gt;" in text
    assert "@channel" not in text and "@\u2060channel" in text
    assert "&amp;" in text
    assert "plc-&lt;script&gt;" in text
    # Links are ours only: the pattern page and the console.
    assert [link.split("|")[0] for link in text.split("<")[1:]] == [
        f"https://gogent.example.com/patterns/{LogPattern.objects.get().pk}/",
        "https://gogent.example.com/",
    ]


def test_teams_cards_escape_markdown_and_card_functions(chat):
    nasty_notification(Channel.objects.create(name="teams", kind=Channel.Kind.TEAMS,
                                              url=chat.url("/workflows/abc")))  # fmt: skip
    send_all()

    card = chat.accepted()[0].body["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    texts = " ".join(block.get("text", "") for block in card["body"])
    assert r"\*bold\*" in texts and r"\`<\*\>\`" in texts
    assert "{{" not in texts
    # The only link is ours.
    assert texts.count("](") == 1 and "[Open the pattern](https://gogent.example.com/" in texts


def test_webhooks_carry_data_and_an_hmac_signature_of_the_exact_body(chat):
    channel = Channel.objects.create(
        name="hook", kind=Channel.Kind.WEBHOOK, url=chat.url("/gogent"),
        signing_secret=SIGNING_KEY,
    )  # fmt: skip
    notification = nasty_notification(channel)
    send_all()

    request = chat.accepted()[0]
    timestamp = request.headers["x-gogent-timestamp"]
    expected = hmac.new(SIGNING_KEY.encode(), timestamp.encode() + b"." + request.raw,
                        hashlib.sha256).hexdigest()  # fmt: skip
    assert request.headers["x-gogent-signature"] == f"sha256={expected}"
    body = request.body
    assert body["id"] == notification.idempotency_key
    assert body["items"][0]["title"] == LogPattern.objects.get().template  # data, as it is
    assert body["events"] == {"new_pattern": 1}


def test_email_goes_through_a_real_smtp_server_plain_and_escaped_html():
    with FakeSmtp() as smtp:
        channel = Channel.objects.create(
            name="mail", kind=Channel.Kind.EMAIL, smtp_host="127.0.0.1", smtp_port=smtp.port,
            smtp_security=Channel.Security.NONE, email_from="gogent@plant.example",
            email_to="ops@plant.example, lead@plant.example",
        )  # fmt: skip
        notification = nasty_notification(channel)
        smtp.refuse("451 4.3.0 try again later")
        [sent] = send_all()

        assert sent.status == Notification.Status.SENT and sent.attempts == 2
        [mail] = smtp.messages
    assert mail["To"] == "ops@plant.example, lead@plant.example"
    assert notification.idempotency_key in mail["Message-ID"]
    assert "\n" not in mail["Subject"]
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert LogPattern.objects.get().template in plain
    assert "&lt;!here&gt;" in html and "<!here>" not in html and "&amp;" in html


def test_an_smtp_refusal_fails_the_notification():
    with FakeSmtp() as smtp:
        channel = Channel.objects.create(
            name="mail", kind=Channel.Kind.EMAIL, smtp_host="127.0.0.1", smtp_port=smtp.port,
            smtp_security=Channel.Security.NONE, email_from="gogent@plant.example",
            email_to="ops@plant.example",
        )  # fmt: skip
        notification = a_notification(channel)
        smtp.refuse("550 5.1.1 no such user")
        notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "answered 550" in notification.error


# --- Admin: Send test, secrets, failures visible -------------------------------------------


def test_send_test_from_the_channel_page_posts_and_says_so(chat, admin_client):
    channel = slack(chat)
    page = reverse("admin:integrations_channel_change", args=[channel.pk])

    assert "Send test message" in admin_client.get(page).content.decode()
    response = admin_client.post(
        reverse("admin:integrations_channel_changelist"),
        {"action": "send_test", "_selected_action": [channel.pk], "_from_change_page": "1"},
        follow=True,
    )

    body = response.content.decode()
    assert response.redirect_chain[-1][0] == page
    assert "✓ ops-slack: test message sent" in body
    [request] = chat.accepted()
    assert request.body["text"].startswith("*Test message from Gogent to ops-slack*")
    assert TOKEN not in body


def test_send_test_as_an_action_shows_why_it_failed_without_the_token(chat, admin_client):
    channel = slack(chat)
    chat.fail(Fault.status(403, body="invalid_token"))

    response = admin_client.post(
        reverse("admin:integrations_channel_changelist"),
        {"action": "send_test", "_selected_action": [channel.pk]},
        follow=True,
    )

    body = response.content.decode()
    assert "✗ ops-slack: test message not sent" in body
    assert "answered 403: invalid_token" in body
    assert TOKEN not in body


def test_secrets_are_never_shown_on_channel_pages(chat, admin_client, django_user_model):
    channel = slack(chat, signing_secret=SIGNING_KEY)
    Channel.objects.create(
        name="mail", kind=Channel.Kind.EMAIL, smtp_host="smtp.plant.example",
        smtp_username="gogent", smtp_password="smtp-pw-SECRET-91",
        email_from="gogent@plant.example", email_to="ops@plant.example",
    )  # fmt: skip
    viewer = django_user_model.objects.create_user("auditor", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_channel"))
    pages = [
        reverse("admin:integrations_channel_changelist"),
        reverse("admin:integrations_channel_change", args=[channel.pk]),
    ]
    for page in pages:
        body = admin_client.get(page).content.decode()
        assert TOKEN not in body and SIGNING_KEY not in body and "smtp-pw-SECRET" not in body
    admin_client.force_login(viewer)
    body = admin_client.get(pages[1]).content.decode()
    assert TOKEN not in body and SIGNING_KEY not in body
    assert "Send test message" not in body
    # Stored encrypted.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT url, signing_secret FROM integrations_channel WHERE id = %s",
                       [channel.pk])  # fmt: skip
        stored = cursor.fetchone()
    assert all(value.startswith("fernet:") for value in stored)


def test_saving_a_channel_in_admin_is_audited_and_keeps_the_secret(chat, admin_client):
    channel = slack(chat)
    page = reverse("admin:integrations_channel_change", args=[channel.pk])
    response = admin_client.post(page, {
        "name": "ops-slack", "kind": "slack", "enabled": "on", "timeout_seconds": "5",
        "url": "", "url_env": "", "signing_secret": "", "signing_secret_env": "",
        "smtp_host": "", "smtp_port": "587", "smtp_security": "starttls", "smtp_username": "",
        "smtp_password": "", "smtp_password_env": "", "email_from": "", "email_to": "",
    })  # fmt: skip

    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.url == chat.url(SLACK_PATH) and channel.timeout_seconds == 5
    event = AuditEvent.objects.get(object_type="integrations.channel")
    assert (event.action, event.actor_label) == (AuditEvent.Action.CONFIG_CHANGED, "admin")
    assert TOKEN not in str(event.details)


def test_a_webhook_url_in_clear_text_to_another_host_is_refused(admin_client):
    response = admin_client.post(reverse("admin:integrations_channel_add"), {
        "name": "leaky", "kind": "slack", "enabled": "on", "timeout_seconds": "5",
        "url": f"http://hooks.slack.example{SLACK_PATH}", "smtp_port": "587",
        "smtp_security": "starttls",
    })  # fmt: skip

    body = response.content.decode()
    assert response.status_code == 200
    assert "must use https" in body
    assert TOKEN not in body
    assert not Channel.objects.exists()


def test_failed_notifications_show_in_admin_operations_metrics_and_status(
    chat, admin_client, settings
):
    notification = a_notification(slack(chat))
    chat.fail(Fault.status(410, body="channel_is_archived"))
    notification_deliver(notification_id=notification.pk)

    listing = admin_client.get(reverse("admin:integrations_notification_changelist"))
    assert "channel_is_archived" in listing.content.decode()
    operations = admin_client.get("/admin/operations/").content.decode()
    assert "Recent failed notifications" in operations and "channel_is_archived" in operations
    from gogent.metrics import metrics_render
    from integrations.status import notifications_status

    section = notifications_status()
    assert section.data["counts"]["failed"] == 1
    assert any("failed in 24 h" in p.message for p in section.problems)
    settings.METRICS_CACHE_SECONDS = 0
    metrics = metrics_render().decode()
    assert 'gogent_notifications{channel="ops-slack",status="failed"} 1.0' in metrics


def test_a_failed_notification_sent_again_by_an_admin_is_audited(chat, admin_client):
    notification = a_notification(slack(chat))
    chat.fail(Fault.status(400, body="invalid_payload"))
    notification_deliver(notification_id=notification.pk)

    admin_client.post(
        reverse("admin:integrations_notification_changelist"),
        {"action": "retry", "_selected_action": [notification.pk]},
    )
    [sent] = send_all()

    assert sent.status == Notification.Status.SENT
    assert chat.accepted_keys() == {notification.idempotency_key: 1}
    event = AuditEvent.objects.get(object_type="integrations.notification")
    assert (event.action, event.actor_label) == (AuditEvent.Action.NOTIFICATION_RESENT, "admin")


# --- apply_config ---------------------------------------------------------------------------

CONFIG = """
[[channels]]
name = "ops-slack"
kind = "slack"
url_env = "GOGENT_SECRET_SLACK_URL"

[[channels]]
name = "ops-mail"
kind = "email"
smtp_host = "smtp.plant.example"
smtp_username = "gogent"
smtp_password_env = "GOGENT_SECRET_SMTP"
email_from = "gogent@plant.example"
email_to = "ops@plant.example"

[[notification_rules]]
name = "new errors on presses"
channel = "ops-slack"
events = ["new_pattern", "regression"]
min_severity = "error"
hosts = ["plc-press-*"]
group_seconds = 60
cooldown_minutes = 10
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "gogent.toml"
    path.write_text(text)
    return str(path)


def run_config(path: str, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("apply_config", path, *args, stdout=out)
    return out.getvalue()


def test_apply_config_creates_channels_and_rules_once(db, tmp_path):
    path = write(tmp_path, CONFIG)

    first = run_config(path)
    second = run_config(path)

    assert "created (2): ops-slack, ops-mail" in first
    assert "created (1): new errors on presses" in first
    assert "unchanged (2): ops-slack, ops-mail" in second
    rule = NotificationRule.objects.get()
    assert rule.events == ["new_pattern", "regression"]
    assert (rule.channel.name, rule.hosts, rule.min_severity) == (
        "ops-slack", "plc-press-*", Severity.ERROR,
    )  # fmt: skip


def test_apply_config_dry_run_writes_nothing(db, tmp_path):
    output = run_config(write(tmp_path, CONFIG), "--dry-run")

    assert "Dry run: nothing was written." in output
    assert not Channel.objects.exists() and not NotificationRule.objects.exists()


def test_apply_config_refuses_the_whole_file_for_one_bad_table(db, tmp_path):
    bad_event = CONFIG.replace('"regression"]', '"tea"]')
    bad_url = CONFIG + '[[channels]]\nname = "leaky"\nkind = "teams"\n'
    bad_url += 'url = "http://teams.example/x/SECRETPATH"\n'

    problems = []
    for text in (bad_event, bad_url):
        with pytest.raises(CommandError) as refused:
            run_config(write(tmp_path, text))
        problems.append(str(refused.value))

    assert (
        "[[notification_rules]] #1 (new errors on presses): unknown event(s) 'tea'" in (problems[0])
    )
    assert "[[channels]] #3 (leaky): url: The webhook URL must use https" in problems[1]
    assert "SECRETPATH" not in problems[1]
    assert not Channel.objects.exists() and not NotificationRule.objects.exists()


def test_apply_config_warns_of_a_secret_written_in_the_file(db, tmp_path):
    text = CONFIG.replace(
        'url_env = "GOGENT_SECRET_SLACK_URL"', f'url = "https://hooks.slack.com{SLACK_PATH}"'
    )

    output = run_config(write(tmp_path, text))

    assert "ops-slack: a secret (webhook URL, signing secret or SMTP password) is written" in output
    assert TOKEN not in output
    assert Channel.objects.get(name="ops-slack").url == f"https://hooks.slack.com{SLACK_PATH}"


def test_the_sweep_resends_a_notification_whose_task_was_lost(chat, settings):
    settings.NOTIFICATIONS_STALE_AFTER = 0
    notification = a_notification(slack(chat))
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )

    report = notifications_sweep()

    assert report.resent == 1
    notification.refresh_from_db()
    assert notification.next_attempt_at > timezone.now() - timedelta(seconds=5)


def test_config_error_type_is_what_apply_config_raises(db, tmp_path):
    from gogent.management.commands.apply_config import apply

    with pytest.raises(ConfigError):
        apply({"notification_rules": [{"name": "x", "channel": "nowhere", "events": []}]},
              source="test", dry_run=False)  # fmt: skip


def test_the_documented_example_configures_notifications(db):
    from django.conf import settings

    path = str(settings.BASE_DIR / "docs" / "config.example.toml")
    output = run_config(path)

    assert "warning" not in output
    assert set(Channel.objects.values_list("kind", flat=True)) == {"slack", "email", "webhook"}
    rule = NotificationRule.objects.get(name="New press errors to Slack")
    assert rule.events == ["new_pattern", "regression", "threshold", "ticket_failed"]
    assert rule.services == "press*, hydraulics"
    assert "created (" not in run_config(path).replace("created (0)", "")


def test_rules_filter_by_place(chat):
    ContextRule.objects.create(
        name="asset from context", source="context", context_field="asset", assign_to="asset"
    )
    rule_for(slack(chat), name="presses", places="asset = press-*")
    press, robot = (log("Spindle overheated on the lathe"), log("Robot arm lost its reference"))
    press["context"] = {"asset": "Press-4"}
    robot["context"] = {"asset": "robot-1"}
    ingest(press, robot)

    told = NotificationEvent.objects.filter(notification=Notification.objects.get())
    assert [e.pattern.template for e in told] == ["Spindle overheated on the lathe"]
