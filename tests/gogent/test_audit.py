"""Every state change has an actor: who muted, resolved, asked for an analysis, opened a
ticket or made a key, whether a person in the console or admin or an API key; and only
admins read the log, filtered by actor, object and time."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analysis.models import Analysis
from gogent.apikeys import api_key_create
from gogent.audit import SYSTEM
from gogent.models import ApiKey, AuditEvent
from integrations.models import Integration, Ticket
from integrations.services import ticket_open, tickets_sync
from logs.models import LogPattern, Severity
from logs.services import pattern_set_status
from tests.fakes.jira import FakeJira
from tests.helpers.api import KeyClient
from tests.helpers.processes import free_port
from tests.helpers.tickets import JIRA_TOKEN, deliver, jira_integration_at
from tests.helpers.users import user_with_role

pytestmark = pytest.mark.django_db

AUDIT_LOG = "/admin/gogent/auditevent/"


@pytest.fixture(autouse=True)
def _no_outside_services(settings) -> None:
    # Nothing here reaches NATS or publishes results: a closed loopback port, refused at once.
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]
    settings.ANALYSIS_RESULTS_SUBJECT = ""


def make_pattern(key: str = "k1") -> LogPattern:
    now = timezone.now()
    return LogPattern.objects.create(
        key=key,
        template=f"Modbus timeout reading <*> ({key})",
        sample_message=f"Modbus timeout reading 40001 ({key})",
        first_seen=now,
        last_seen=now,
        count=3,
        max_severity=Severity.ERROR,
    )


@pytest.fixture
def pattern() -> LogPattern:
    return make_pattern()


def signed_in(role: str, username: str | None = None) -> Client:
    browser = Client()
    browser.force_login(user_with_role(role, username))
    return browser


def key_client(role: str = "operator", name: str = "grafana") -> tuple[ApiKey, KeyClient]:
    key, raw_key = api_key_create(name=name, role=role)
    return key, KeyClient(raw_key)


def key_label(key: ApiKey) -> str:
    return f"key {key.name} (gog_{key.prefix}_…)"


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- Patterns -----------------------------------------------------------------------


def test_an_operator_mutes_a_pattern_in_the_console(pattern):
    operator = user_with_role("operator")
    response = signed_in("operator").post(
        reverse("logs:pattern-status", args=[pattern.pk]), {"status": "muted"}
    )
    assert response.status_code == 200

    (event,) = events(AuditEvent.Action.PATTERN_STATUS)
    assert (event.actor, event.actor_label, event.api_key) == (operator, "operator", None)
    assert (event.pattern_id, event.object_type, event.object_id) == (
        pattern.pk,
        "logs.logpattern",
        str(pattern.pk),
    )
    assert event.details == {"from": "new", "to": "muted"}


def test_setting_the_status_a_pattern_has_records_nothing(pattern):
    pattern_set_status(pattern=pattern, status=LogPattern.Status.NEW, actor=SYSTEM)
    assert not AuditEvent.objects.exists()


def test_a_bulk_resolve_records_each_pattern_with_the_count(pattern):
    other = make_pattern("k2")
    response = signed_in("operator").post(
        reverse("logs:patterns-bulk"), {"set_status": "resolved", "pattern": [pattern.pk, other.pk]}
    )
    assert response.status_code == 200

    recorded = events(AuditEvent.Action.PATTERN_STATUS)
    assert sorted(event.pattern_id for event in recorded) == [pattern.pk, other.pk]
    for event in recorded:
        assert (event.actor_label, event.reason) == ("operator", "bulk")
        assert event.details == {"from": "new", "to": "resolved", "count": 2}


def test_a_superuser_changes_a_status_in_the_django_admin(pattern, admin_client, admin_user):
    response = admin_client.post(
        f"/admin/logs/logpattern/{pattern.pk}/change/",
        {"status": "resolved", "stats-TOTAL_FORMS": 0, "stats-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302
    (event,) = events(AuditEvent.Action.PATTERN_STATUS)
    assert (event.actor, event.details) == (admin_user, {"from": "new", "to": "resolved"})


def test_a_key_mutes_a_pattern_and_the_key_is_the_actor(pattern):
    key, client = key_client()
    response = client.post(
        f"/api/v1/patterns/{pattern.pk}/status",
        {"status": "muted"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content

    (event,) = events(AuditEvent.Action.PATTERN_STATUS)
    assert (event.actor, event.api_key, event.actor_label) == (None, key, key_label(key))
    assert re.fullmatch(r"key grafana \(gog_[0-9a-f]{12}_…\)", event.actor_label)


def test_the_ticket_sync_resolves_a_pattern_in_one_row(pattern, settings):
    settings.TICKETS_BASE_URL = "https://gogent.example.com"
    with FakeJira(token=JIRA_TOKEN) as fake_jira:
        integration = jira_integration_at(fake_jira.url, resolve_pattern_on_close=True)
        ticket = ticket_open(pattern=pattern, integration=integration, user=None)
        ticket = deliver(ticket)
        fake_jira.close(ticket.external_key)
        assert tickets_sync().closed == 1

    pattern.refresh_from_db()
    assert pattern.status == LogPattern.Status.RESOLVED
    assert not events(AuditEvent.Action.PATTERN_STATUS)
    (resolved,) = events(AuditEvent.Action.PATTERN_RESOLVED)
    assert (resolved.actor_label, resolved.pattern_id, resolved.ticket_id) == (
        "ticket sync",
        pattern.pk,
        ticket.pk,
    )


# --- Analyses -----------------------------------------------------------------------


def test_an_operator_asks_for_an_analysis_in_the_console(pattern):
    operator = user_with_role("operator")
    response = signed_in("operator").post(reverse("analysis:analyze", args=[pattern.pk]))
    assert response.status_code == 200

    analysis = Analysis.objects.get()
    assert analysis.requested_by == operator
    (event,) = events(AuditEvent.Action.ANALYSIS_REQUESTED)
    assert (event.actor, event.actor_label, event.pattern_id) == (operator, "operator", pattern.pk)
    assert (event.object_type, event.object_id) == ("analysis.analysis", str(analysis.pk))
    # Asking again while it is queued changes nothing and records nothing.
    signed_in("operator").post(reverse("analysis:analyze", args=[pattern.pk]))
    assert len(events(AuditEvent.Action.ANALYSIS_REQUESTED)) == 1


def test_a_key_asks_for_an_analysis(pattern):
    key, client = key_client()
    response = client.post(f"/api/v1/patterns/{pattern.pk}/analyze")
    assert response.status_code == 202, response.content
    assert response.json()["requested_by"] is None  # requested_by names users only

    (event,) = events(AuditEvent.Action.ANALYSIS_REQUESTED)
    assert (event.actor, event.api_key, event.actor_label) == (None, key, key_label(key))
    assert Analysis.objects.get().requested_by is None


def test_retry_and_cancel_record_who_in_the_console_and_over_the_api(pattern):
    analysis = Analysis.objects.create(
        pattern=pattern, trigger=Analysis.Trigger.NEW_PATTERN, status=Analysis.Status.FAILED,
        finished_at=timezone.now(),
    )  # fmt: skip
    operator = user_with_role("operator")
    browser = signed_in("operator")
    assert browser.post(reverse("analysis:retry", args=[analysis.pk])).status_code == 200
    key, client = key_client()
    assert client.post(f"/api/v1/analyses/{analysis.pk}/cancel").status_code == 200
    assert client.post(f"/api/v1/analyses/{analysis.pk}/retry").status_code == 202
    assert browser.post(reverse("analysis:cancel", args=[analysis.pk])).status_code == 200

    recorded = [
        (event.action, event.actor, event.api_key, event.pattern_id)
        for event in AuditEvent.objects.filter(action__startswith="analysis_").order_by("pk")
    ]
    assert recorded == [
        (AuditEvent.Action.ANALYSIS_RETRIED, operator, None, pattern.pk),
        (AuditEvent.Action.ANALYSIS_CANCELLED, None, key, pattern.pk),
        (AuditEvent.Action.ANALYSIS_RETRIED, None, key, pattern.pk),
        (AuditEvent.Action.ANALYSIS_CANCELLED, operator, None, pattern.pk),
    ]
    # A refused action (not cancellable now) records nothing.
    assert client.post(f"/api/v1/analyses/{analysis.pk}/cancel").status_code == 409
    assert AuditEvent.objects.filter(action__startswith="analysis_").count() == 4


def test_an_admin_retries_in_the_django_admin(pattern):
    analysis = Analysis.objects.create(
        pattern=pattern, trigger=Analysis.Trigger.NEW_PATTERN, status=Analysis.Status.CANCELLED,
        finished_at=timezone.now(),
    )  # fmt: skip
    admin = user_with_role("admin")
    signed_in("admin").post(
        "/admin/analysis/analysis/", {"action": "retry", "_selected_action": [analysis.pk]}
    )
    (event,) = events(AuditEvent.Action.ANALYSIS_RETRIED)
    assert (event.actor, event.object_id) == (admin, str(analysis.pk))


def test_analyses_gogent_asks_for_itself_record_nothing(pattern):
    from analysis.services import analyses_after_ingest
    from logs.patterns import PatternChanges

    changes = PatternChanges()
    changes.regressed.add(pattern.pk)
    analyses_after_ingest(changes=changes, replies=[])
    assert Analysis.objects.filter(trigger=Analysis.Trigger.REGRESSION).exists()
    assert not AuditEvent.objects.exists()


# --- Tickets ------------------------------------------------------------------------


def _jira(**fields) -> Integration:
    return Integration.objects.create(
        name="Plant Jira", kind=Integration.Kind.JIRA, base_url="http://127.0.0.1:9",
        auth=Integration.Auth.TOKEN, secret="jira-token", project_key="OPS", **fields,
    )  # fmt: skip


def test_a_key_opens_a_ticket_and_the_key_is_the_actor(pattern):
    jira = _jira()
    key, client = key_client()
    response = client.post(
        f"/api/v1/patterns/{pattern.pk}/tickets",
        {"integration": jira.pk},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content

    ticket = Ticket.objects.get()
    assert ticket.created_by is None  # a user or nobody, never a key
    (event,) = events(AuditEvent.Action.TICKET_REQUESTED)
    assert (event.actor, event.api_key, event.actor_label) == (None, key, key_label(key))
    assert (event.ticket_id, event.pattern_id) == (ticket.pk, pattern.pk)
    assert ticket.reason == f"opened by {key_label(key)}"


def test_the_worker_creates_a_keys_ticket_in_the_keys_name(pattern, settings):
    settings.TICKETS_BASE_URL = "https://gogent.example.com"
    key, client = key_client()
    with FakeJira(token=JIRA_TOKEN) as fake_jira:
        integration = jira_integration_at(fake_jira.url)
        response = client.post(
            f"/api/v1/patterns/{pattern.pk}/tickets",
            {"integration": integration.pk},
            content_type="application/json",
        )
        assert response.status_code == 202, response.content
        deliver(Ticket.objects.get())

    (created,) = events(AuditEvent.Action.TICKET_CREATED)
    assert created.actor_label == key_label(key)


# --- API keys -----------------------------------------------------------------------


def test_an_admin_creates_and_revokes_a_key_in_the_admin():
    admin = user_with_role("admin")
    browser = signed_in("admin")
    response = browser.post(
        "/admin/gogent/apikey/add/", {"name": "prometheus", "role": "viewer", "expires_at": ""}
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    raw_key = re.search(r'id="api-key" readonly value="([^"]+)"', response.content.decode())[1]
    browser.post("/admin/gogent/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    # Revoking a revoked key again changes nothing.
    browser.post("/admin/gogent/apikey/", {"action": "revoke", "_selected_action": [key.pk]})

    created, revoked = AuditEvent.objects.order_by("pk")
    assert (created.action, created.actor, created.object_type, created.object_id) == (
        AuditEvent.Action.API_KEY_CREATED,
        admin,
        "gogent.apikey",
        str(key.pk),
    )
    assert created.details == {"role": "viewer", "expires_at": None}
    assert (revoked.action, revoked.actor, revoked.object_id) == (
        AuditEvent.Action.API_KEY_REVOKED,
        admin,
        str(key.pk),
    )
    assert_no_secret_in_the_log(raw_key, key)


def test_changing_a_keys_role_or_deleting_it_in_the_admin_is_recorded():
    admin = user_with_role("admin")
    key, _ = api_key_create(name="grafana", role="viewer")
    browser = signed_in("admin")
    change = browser.post(
        f"/admin/gogent/apikey/{key.pk}/change/",
        {"name": "grafana", "role": "operator", "expires_at": ""},
    )
    assert change.status_code == 302, change.content
    delete = browser.post(f"/admin/gogent/apikey/{key.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302

    (changed,) = events(AuditEvent.Action.CONFIG_CHANGED)
    assert (changed.actor, changed.object_type, changed.object_id) == (
        admin, "gogent.apikey", str(key.pk),
    )  # fmt: skip
    assert changed.details == {"fields": ["role"], "role": {"from": "viewer", "to": "operator"}}
    (deleted,) = events(AuditEvent.Action.CONFIG_DELETED)
    assert (deleted.actor, deleted.object_id) == (admin, str(key.pk))


def test_the_command_creates_a_key_and_says_so_in_the_log():
    out = StringIO()
    call_command("create_api_key", role="operator", name="ci", stdout=out, stderr=StringIO())
    key = ApiKey.objects.get()
    (event,) = events(AuditEvent.Action.API_KEY_CREATED)
    assert (event.actor, event.actor_label, event.object_repr) == (
        None,
        "manage.py create_api_key",
        str(key),
    )
    assert_no_secret_in_the_log(out.getvalue().strip(), key)


def test_no_key_or_hash_is_ever_in_the_log(pattern):
    key, client = key_client()
    client.post(
        f"/api/v1/patterns/{pattern.pk}/status",
        {"status": "muted"},
        content_type="application/json",
    )
    client.post(f"/api/v1/patterns/{pattern.pk}/analyze")
    assert AuditEvent.objects.count() == 3  # created, muted, analysis requested
    assert_no_secret_in_the_log(client.raw_key, key)


def assert_no_secret_in_the_log(raw_key: str, key: ApiKey) -> None:
    assert raw_key.startswith(f"gog_{key.prefix}_")
    secret = raw_key.removeprefix(f"gog_{key.prefix}_")
    for row in AuditEvent.objects.values():
        text = str(row)
        assert secret not in text and key.key_hash not in text


# --- Reading the log ----------------------------------------------------------------


@pytest.fixture
def logged(pattern) -> dict[str, object]:
    """One change by an operator yesterday, one by a key today."""
    key, client = key_client()
    signed_in("operator").post(
        reverse("logs:pattern-status", args=[pattern.pk]), {"status": "muted"}
    )
    yesterday = timezone.now() - timedelta(days=1)
    AuditEvent.objects.filter(actor_label="operator").update(created_at=yesterday)
    client.post(f"/api/v1/patterns/{pattern.pk}/analyze")
    return {"key": key, "yesterday": yesterday, "pattern": pattern}


def listed(browser: Client, query: dict | None = None) -> list[str]:
    response = browser.get(AUDIT_LOG, query or {})
    assert response.status_code == 200
    return [f"{event.action} {event.actor_label}" for event in response.context["cl"].result_list]


def test_admins_read_the_log_filtered_by_actor_object_and_time(logged):
    browser = signed_in("admin")
    label = key_label(logged["key"])
    requested = f"analysis_requested {label}"
    muted = "pattern_status operator"
    assert listed(browser) == [requested, "api_key_created system", muted]  # newest first

    assert listed(browser, {"actor_label": "operator"}) == [muted]
    assert listed(browser, {"actor_kind": "key"}) == [requested]
    assert listed(browser, {"actor_kind": "user"}) == [muted]
    assert listed(browser, {"actor_kind": "gogent"}) == ["api_key_created system"]
    # The key's actions, and the key itself.
    assert listed(browser, {"q": "grafana"}) == [requested, "api_key_created system"]
    assert listed(browser, {"object_type": "logs.logpattern"}) == [muted]
    assert listed(browser, {"pattern_id": logged["pattern"].pk, "action": "analysis_requested"})
    assert listed(browser, {"api_key": logged["key"].pk}) == [requested]
    yesterday = logged["yesterday"]
    day = {
        "created_at__year": yesterday.year,
        "created_at__month": yesterday.month,
        "created_at__day": yesterday.day,
    }
    assert muted in listed(browser, day) and requested not in listed(browser, day)
    # As the "Today" link of the created_at filter asks.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    since = {"created_at__gte": str(midnight)}
    assert requested in listed(browser, since) and muted not in listed(browser, since)


def test_a_row_links_to_its_pattern_its_ticket_and_its_actors_other_rows(logged):
    browser = signed_in("admin")
    page = browser.get(AUDIT_LOG).content.decode()
    pattern = logged["pattern"]
    assert f'href="/patterns/{pattern.pk}/"' in page
    assert 'href="/admin/gogent/auditevent/?actor_label=operator"' in page
    event = AuditEvent.objects.filter(ticket_id=None).first()
    AuditEvent.objects.filter(pk=event.pk).update(ticket_id=77)
    page = browser.get(f"{AUDIT_LOG}{event.pk}/change/").content.decode()
    assert 'href="/admin/integrations/ticket/77/change/"' in page
    assert "everything done to" in page


def test_the_log_is_for_admins_only(logged):
    for role in ("operator", "viewer"):
        staff = user_with_role(role, f"staff {role}".replace(" ", "-"))
        staff.is_staff = True
        staff.save(update_fields=["is_staff"])
        browser = Client()
        browser.force_login(staff)
        assert browser.get(AUDIT_LOG).status_code == 403
        assert browser.get(f"{AUDIT_LOG}{AuditEvent.objects.first().pk}/change/").status_code == 403
        # Without staff status the admin site sends them to sign in; the log is not shown.
        response = signed_in(role).get(AUDIT_LOG)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_console_links_admins_to_the_log(logged):
    assert f'href="{AUDIT_LOG}"' in signed_in("admin").get(reverse("dashboard")).content.decode()
    assert AUDIT_LOG not in signed_in("operator").get(reverse("dashboard")).content.decode()
