"""Which environment variables may be named as secrets: refused when saved (admin forms,
apply_config) and when read, so no stored row sends SECRET_KEY or DATABASE_URL anywhere."""

from __future__ import annotations

import logging

import pytest

from analysis.models import Provider
from integrations.models import Integration
from integrations.services import integration_test
from tests.analysis.test_admin import form_data as provider_form
from tests.analysis.test_apply_config import apply, apply_error
from tests.fakes.jira import FakeJira
from tests.fakes.llm import FakeLLM
from tests.integrations.test_admin import form_data as integration_form

pytestmark = pytest.mark.django_db

PROVIDERS = "/admin/analysis/provider/"
INTEGRATIONS = "/admin/integrations/integration/"
WORKER_VALUE = "value-of-a-worker-setting-9f2c61d0-SECRET"
RULE = "may not be read as a secret: only environment variables whose names start with"


def new_provider(**fields: object) -> Provider:
    return Provider(name="Cloud", kind=Provider.Kind.OPENAI, model="gpt-4o-mini", **fields)


def new_integration(**fields: object) -> Integration:
    return Integration(
        name="Plant Jira", kind=Integration.Kind.JIRA, base_url="https://jira.example.com",
        auth=Integration.Auth.TOKEN, project_key="OPS", **fields,
    )  # fmt: skip


# --- Saving -------------------------------------------------------------------------------


def test_the_admin_form_refuses_a_variable_outside_the_rule(admin_client):
    page = admin_client.post(
        f"{PROVIDERS}add/", provider_form(new_provider(), api_key_env="DATABASE_URL")
    )

    assert page.status_code == 200
    assert "DATABASE_URL " + RULE + " GOGENT_SECRET_" in page.content.decode()
    assert page.context["adminform"].form.errors["api_key_env"]
    assert not Provider.objects.filter(name="Cloud").exists()

    page = admin_client.post(
        f"{INTEGRATIONS}add/",
        integration_form(new_integration(), secret_env="SECRET_KEY", client_secret_env="HOME"),
    )

    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert RULE in errors["secret_env"][0]
    assert errors["client_secret_env"][0].startswith("HOME may not be read as a secret")
    assert not Integration.objects.exists()


@pytest.mark.parametrize(
    ("name", "settings_changes"),
    [
        ("GOGENT_SECRET_OPENAI_API_KEY", {}),
        ("OPENAI_API_KEY", {"SECRET_ENV_ALLOW": ["OPENAI_API_KEY"]}),
        ("VAULT_OPENAI", {"SECRET_ENV_PREFIX": "VAULT_"}),
    ],
)
def test_the_prefix_and_the_allow_list_are_accepted(admin_client, settings, name, settings_changes):
    for setting, value in settings_changes.items():
        setattr(settings, setting, value)

    response = admin_client.post(
        f"{PROVIDERS}add/", provider_form(new_provider(), api_key_env=name)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Provider.objects.get(name="Cloud").api_key_env == name


def test_apply_config_refuses_a_variable_outside_the_rule():
    error = apply_error(
        '[[providers]]\nname = "Cloud"\nkind = "openai"\napi_key_env = "SECRET_KEY"\n'
    )

    assert f"[[providers]] #1 (Cloud): api_key_env: SECRET_KEY {RULE}" in error
    assert not Provider.objects.filter(name="Cloud").exists()

    error = apply_error(
        '[[integrations]]\nname = "S"\nkind = "servicenow"\ninstance = "acme"\nauth = "oauth"\n'
        'username = "gogent"\nclient_id = "c"\nsecret_env = "GOGENT_SECRET_SNOW"\n'
        'client_secret_env = "DATABASE_URL"\n'
    )

    assert f"[[integrations]] #1 (S): client_secret_env: DATABASE_URL {RULE}" in error
    assert "secret_env: GOGENT_SECRET_SNOW" not in error
    assert not Integration.objects.exists()

    output = apply(
        '[[providers]]\nname = "Cloud"\nkind = "openai"\napi_key_env = "GOGENT_SECRET_K"\n'
    )
    assert "created (1): Cloud" in output


# --- Reading: rows saved before the rule ---------------------------------------------------


@pytest.fixture
def worker_setting(monkeypatch) -> str:
    monkeypatch.setenv("SECRET_KEY", WORKER_VALUE)
    return WORKER_VALUE


def test_a_stored_provider_naming_secret_key_fails_its_test_without_sending_it(
    admin_client, worker_setting, caplog
):
    caplog.set_level(logging.DEBUG)
    with FakeLLM() as fake:
        # As saved before the rule: create() does not clean.
        provider = Provider.objects.create(
            name="Cloud", kind=Provider.Kind.OPENAI, base_url=fake.url + "/v1",
            api_key_env="SECRET_KEY",
        )  # fmt: skip
        page = admin_client.post(
            PROVIDERS, {"action": "test_connection", "_selected_action": [provider.pk]}, follow=True
        )
        assert fake.requests == []

    html = page.content.decode()
    assert f"✗ Cloud: Cloud (openai): api_key_env: SECRET_KEY {RULE} GOGENT_SECRET_" in html
    messages = [str(message) for message in page.context["messages"]]
    provider.refresh_from_db()
    for text in (html, caplog.text, provider.last_error, *messages):
        assert WORKER_VALUE not in text
    assert "SECRET_KEY may not be read as a secret" in provider.last_error


def test_a_stored_integration_naming_secret_key_fails_its_test_without_sending_it(
    admin_client, worker_setting, caplog
):
    caplog.set_level(logging.DEBUG)
    with FakeJira(token=WORKER_VALUE) as fake:
        integration = Integration.objects.create(
            name="Plant Jira", kind=Integration.Kind.JIRA, base_url=fake.url,
            auth=Integration.Auth.TOKEN, project_key="OPS", secret_env="SECRET_KEY",
        )  # fmt: skip
        page = admin_client.post(
            INTEGRATIONS,
            {"action": "test_connection", "_selected_action": [integration.pk]},
            follow=True,
        )
        assert fake.requests() == []

    html = page.content.decode()
    assert f"✗ Plant Jira: secret_env: SECRET_KEY {RULE}" in html
    integration.refresh_from_db()
    for text in (html, caplog.text, integration.last_error):
        assert WORKER_VALUE not in text
    assert "SECRET_KEY may not be read as a secret" in integration.last_error


def test_an_allowed_variable_is_read_at_call_time(monkeypatch):
    monkeypatch.setenv("GOGENT_SECRET_JIRA_TOKEN", "pat-from-the-environment")
    with FakeJira(token="pat-from-the-environment") as fake:
        integration = Integration.objects.create(
            name="Plant Jira", kind=Integration.Kind.JIRA, base_url=fake.url,
            auth=Integration.Auth.TOKEN, project_key="OPS",
            secret_env="GOGENT_SECRET_JIRA_TOKEN",
        )  # fmt: skip
        check = integration_test(integration=integration)

    assert check.ok, check.detail
