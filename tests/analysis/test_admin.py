"""The analysis admin through real views: write-only keys, validation, actions."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from analysis.models import Analysis, Provider, ProviderCall
from analysis.provider_config import provider_problems
from tests.fakes.llm import FakeLLM, Fault
from tests.helpers.processes import free_port

pytestmark = pytest.mark.django_db

SECRET = "sk-stored-4f1d9a7c2b-SECRET"
NEW_SECRET = "sk-typed-8e2a61c0d3-NEWKEY"
PROVIDERS = "/admin/analysis/provider/"
ANALYSES = "/admin/analysis/analysis/"
AZURE_URL = "https://r.openai.azure.com/openai/deployments/d"


@pytest.fixture
def cloud() -> Provider:
    return Provider.objects.create(
        name="Cloud", kind=Provider.Kind.OPENAI, model="gpt-4o-mini", api_key=SECRET
    )


def form_data(provider: Provider, **overrides: object) -> dict[str, object]:
    """The change form as a browser posts it: the key field blank, as rendered."""
    data: dict[str, object] = {
        "api_key": "",
        **{
            name: "" if getattr(provider, name) is None else getattr(provider, name)
            for name in [
                "name", "kind", "base_url", "model", "api_key_env", "api_version", "tenant_id",
                "client_id", "account_id", "timeout_seconds", "requests_per_minute",
                "tokens_per_minute", "max_concurrent", "max_tokens", "cost_per_million_input",
                "cost_per_million_output", "fallback_order",
            ]
        },
    }  # fmt: skip
    for flag in ("enabled", "is_default"):
        if getattr(provider, flag):
            data[flag] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not False}


def change_url(provider: Provider) -> str:
    return f"{PROVIDERS}{provider.pk}/change/"


def test_change_page_never_contains_the_stored_key(admin_client, cloud):
    page = admin_client.get(change_url(cloud))

    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET not in html
    assert re.search(r'<input type="password" name="api_key"[^>]*>', html)
    assert "value=" not in re.search(r'<input type="password" name="api_key"[^>]*>', html)[0]
    assert "A key is stored; leave blank to keep it" in html
    assert "Clear stored key" in html


def test_a_view_only_page_shows_whether_a_key_is_stored_but_not_the_key(client, cloud):
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_provider"))
    client.force_login(viewer)

    page = client.get(change_url(cloud))

    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET not in html
    assert "Key stored" in html
    assert 'name="_save"' not in html


def test_a_blank_key_keeps_the_stored_key(admin_client, cloud):
    response = admin_client.post(change_url(cloud), form_data(cloud, model="gpt-4o"))

    assert response.status_code == 302
    cloud.refresh_from_db()
    assert cloud.model == "gpt-4o"
    assert cloud.api_key == SECRET


def test_a_typed_key_replaces_the_stored_key(admin_client, cloud):
    response = admin_client.post(change_url(cloud), form_data(cloud, api_key=NEW_SECRET))

    assert response.status_code == 302
    cloud.refresh_from_db()
    assert cloud.api_key == NEW_SECRET


def test_clear_removes_the_stored_key(admin_client, cloud):
    data = form_data(cloud, clear_api_key="on", api_key_env="GOGENT_SECRET_OPENAI_API_KEY")
    response = admin_client.post(change_url(cloud), data)

    assert response.status_code == 302
    cloud.refresh_from_db()
    assert cloud.api_key == ""
    assert cloud.api_key_env == "GOGENT_SECRET_OPENAI_API_KEY"
    assert "No key stored" in admin_client.get(change_url(cloud)).content.decode()


def test_clearing_the_only_credential_is_refused(admin_client, cloud):
    page = admin_client.post(change_url(cloud), form_data(cloud, clear_api_key="on"))

    assert page.status_code == 200
    assert "OpenAI needs an API key, or api_key_env naming the environment variable" in (
        page.content.decode()
    )
    cloud.refresh_from_db()
    assert cloud.api_key == SECRET


def test_a_rerendered_form_echoes_neither_the_stored_nor_the_typed_key(admin_client, cloud):
    data = form_data(cloud, kind=Provider.Kind.AZURE_AD, api_key=NEW_SECRET)
    page = admin_client.post(change_url(cloud), data)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Entra ID needs the tenant id" in html
    assert SECRET not in html
    assert NEW_SECRET not in html
    cloud.refresh_from_db()
    assert (cloud.kind, cloud.api_key) == (Provider.Kind.OPENAI, SECRET)


@pytest.fixture
def previous_default() -> Provider:
    existing = Provider.objects.filter(is_default=True).first()
    return existing or Provider.objects.create(name="Local Ollama", is_default=True)


def test_making_a_provider_the_default_takes_the_flag_from_the_previous_one(
    admin_client, cloud, previous_default
):
    response = admin_client.post(change_url(cloud), form_data(cloud, is_default="on"))

    assert response.status_code == 302
    assert list(Provider.objects.filter(is_default=True)) == [cloud]
    previous_default.refresh_from_db()
    assert not previous_default.is_default


def test_adding_a_default_provider_takes_the_flag_too(admin_client, previous_default):
    new = Provider(name="Second Ollama", kind=Provider.Kind.OLLAMA, is_default=True)
    response = admin_client.post(f"{PROVIDERS}add/", form_data(new))

    assert response.status_code == 302
    assert Provider.objects.get(is_default=True).name == "Second Ollama"


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        (
            {"kind": "azure_openai", "api_key": NEW_SECRET},
            ["needs the deployment URL", "needs an api-version"],
        ),
        (
            {"kind": "azure_ad", "base_url": AZURE_URL, "api_version": "2024-10-21"},
            ["needs the tenant id", "needs the client id", "client secret"],
        ),
        ({"kind": "cloudflare", "api_key": NEW_SECRET}, ["needs the account id, unless"]),
        ({"kind": "gemini"}, ["Google Gemini needs an API key"]),
        ({"kind": "openai", "api_key_env": "OPENAI-KEY"}, ["Not an environment variable name"]),
    ],
)
def test_each_kind_is_told_what_it_lacks(admin_client, fields, messages):
    new = Provider(name="Incomplete", kind=fields["kind"])
    page = admin_client.post(f"{PROVIDERS}add/", form_data(new, **fields))

    assert page.status_code == 200
    html = page.content.decode()
    for message in messages:
        assert message in html
    assert NEW_SECRET not in html
    assert not Provider.objects.filter(name="Incomplete").exists()


def test_cloudflare_through_an_ai_gateway_needs_no_account_id():
    provider = Provider(
        kind=Provider.Kind.CLOUDFLARE,
        base_url="https://gateway.ai.cloudflare.com/v1/acct/my-gateway",
        api_key_env="GOGENT_SECRET_CLOUDFLARE_API_TOKEN",
    )
    assert provider_problems(provider) == {}


def test_provider_list_shows_limits_health_and_whether_a_key_is_stored(admin_client, cloud):
    Provider.objects.filter(pk=cloud.pk).update(
        requests_per_minute=60, tokens_per_minute=None, max_concurrent=4,
        last_error="HTTP 500", last_error_at=timezone.now(),
    )  # fmt: skip
    page = admin_client.get(PROVIDERS)

    assert page.status_code == 200
    html = page.content.decode()
    assert "60 / - / 4" in html
    assert "error 0" in html
    assert SECRET not in html


def run_test_connection(admin_client, provider: Provider) -> str:
    response = admin_client.post(
        PROVIDERS, {"action": "test_connection", "_selected_action": [provider.pk]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_test_connection_reports_latency_and_the_reply_escaped(admin_client):
    with FakeLLM(reply="<b>pong</b>", latency=0.05) as fake:
        provider = Provider.objects.create(
            name="Fake", kind=Provider.Kind.OLLAMA, base_url=fake.url, model="m"
        )
        html = run_test_connection(admin_client, provider)
        assert len(fake.requests) == 1

    found = re.search(r"✓ Fake: (\d+) ms — &lt;b&gt;pong&lt;/b&gt;", html)
    assert found, html
    assert int(found[1]) >= 50
    assert "<b>pong</b>" not in html
    provider.refresh_from_db()
    assert provider.last_success_at is not None
    assert ProviderCall.objects.get(provider=provider).outcome == "ok"


def test_test_connection_reports_a_refused_connection(admin_client):
    provider = Provider.objects.create(
        name="Dead", kind=Provider.Kind.OLLAMA, base_url=f"http://127.0.0.1:{free_port()}"
    )
    html = run_test_connection(admin_client, provider)

    assert "✗ Dead: Dead (ollama): connection failed (ConnectError)" in html
    provider.refresh_from_db()
    assert provider.last_error_at is not None


def test_test_connection_reports_a_rejected_key_without_the_key(admin_client):
    with FakeLLM(required_key="the-right-key") as fake:
        # A vendor that echoes the key it was sent, as OpenAI partly does.
        echoed = json.dumps({"error": {"message": f"Incorrect API key provided: {SECRET}"}})
        fake.fail_next(Fault.status(401, body=echoed))
        provider = Provider.objects.create(
            name="Cloud", kind=Provider.Kind.OPENAI, base_url=fake.url + "/v1", api_key=SECRET
        )
        html = run_test_connection(admin_client, provider)

    assert "✗ Cloud: Cloud (openai): HTTP 401" in html
    assert "Incorrect API key provided" in html
    assert SECRET not in html
    provider.refresh_from_db()
    assert SECRET not in provider.last_error


# --- Analyses -----------------------------------------------------------------------


@pytest.fixture
def pattern(pattern):
    # Ingest queued the pattern's first analysis; these tests make their own.
    Analysis.objects.filter(pattern=pattern).delete()
    return pattern


def make_analysis(pattern, **fields) -> Analysis:
    values: dict[str, object] = {
        "pattern": pattern,
        "trigger": Analysis.Trigger.NEW_PATTERN,
        "status": Analysis.Status.DONE,
        "provider_name": "Cloud",
        "model": "gpt-4o-mini",
        "attempts": 1,
        "latency_ms": 412,
        "tokens_in": 300,
        "tokens_out": 120,
        "finished_at": timezone.now(),
    }
    values.update(fields)
    return Analysis.objects.create(**values)


def run_action(admin_client, action: str, *analyses: Analysis) -> str:
    response = admin_client.post(
        ANALYSES, {"action": action, "_selected_action": [a.pk for a in analyses]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_analysis_list_and_detail_render_and_escape_remote_text(admin_client, pattern):
    analysis = make_analysis(
        pattern,
        result={
            "summary": "Slave 7 stops answering <script>alert(1)</script>",
            "probable_cause": "A loose RS-485 cable.",
            "impact": "Line 3 stops.",
            "recommended_actions": ["Check the cable", "Replace the <i>terminator</i>"],
            "severity": "high",
            "ticket_recommended": True,
            "ticket_priority": "high",
            "confidence": 0.8,
        },
        raw_reply='{"summary": "<script>alert(1)</script>"}',
        thinking="<script>alert(2)</script> maybe the cable",
    )

    listing = admin_client.get(ANALYSES).content.decode()
    assert "Modbus timeout reading register" in listing
    assert f"/admin/logs/logpattern/{pattern.pk}/change/" in listing
    assert "Cloud · gpt-4o-mini" in listing
    assert "412 ms" in listing

    page = admin_client.get(f"{ANALYSES}{analysis.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "<pre" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt; maybe the cable" in html
    assert "<li>Replace the &lt;i&gt;terminator&lt;/i&gt;</li>" in html
    assert "recommended, priority high" in html
    assert "80%" in html
    assert 'name="_save"' not in html


def test_retry_queues_failed_analyses_and_reports_the_others(admin_client, pattern):
    failed = make_analysis(pattern, status=Analysis.Status.FAILED, error="HTTP 500")
    done = make_analysis(pattern)

    html = run_action(admin_client, "retry", failed, done)

    failed.refresh_from_db()
    assert failed.status == Analysis.Status.QUEUED
    assert "Queued 1 analysis again." in html
    assert f"Analysis {done.pk} is done, not failed or cancelled" in html


def test_cancel_stops_queued_analyses(admin_client, pattern):
    queued = make_analysis(pattern, status=Analysis.Status.QUEUED, finished_at=None)

    html = run_action(admin_client, "cancel", queued)

    queued.refresh_from_db()
    assert queued.status == Analysis.Status.CANCELLED
    assert "Cancelled 1 analysis." in html


def test_analyze_again_queues_one_operator_request_per_pattern(admin_client, admin_user, pattern):
    first, second = make_analysis(pattern), make_analysis(pattern)

    html = run_action(admin_client, "analyze_again", first, second)

    new = Analysis.objects.exclude(pk__in=[first.pk, second.pk]).get()
    assert (new.status, new.trigger) == (Analysis.Status.QUEUED, Analysis.Trigger.OPERATOR)
    assert new.requested_by == admin_user
    assert "Queued 1 new analysis." in html

    html = run_action(admin_client, "analyze_again", first)
    assert f"has analysis {new.pk} queued already" in html
    assert Analysis.objects.count() == 3


def test_provider_calls_are_listed_read_only(admin_client, cloud):
    now = timezone.now()
    ProviderCall.objects.create(
        provider=cloud, started_at=now, lease_until=now, finished_at=now, tokens=42, outcome="ok"
    )
    page = admin_client.get("/admin/analysis/providercall/")

    assert page.status_code == 200
    assert "Cloud" in page.content.decode()
    assert admin_client.get("/admin/analysis/providercall/add/").status_code == 403
