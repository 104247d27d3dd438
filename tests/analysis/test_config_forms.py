"""The admin and `manage.py apply_config` validate a provider with one form: a value one
refuses, the other refuses for the same reasons; a value one accepts, the other stores
the same way."""

from __future__ import annotations

import json

import pytest

from analysis.models import Provider
from tests.analysis.test_admin import PROVIDERS, form_data
from tests.analysis.test_apply_config import apply, apply_error

pytestmark = pytest.mark.django_db

OPENAI = {"kind": "openai", "model": "gpt-4o-mini", "api_key_env": "GOGENT_SECRET_OPENAI_KEY"}


def toml_value(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)  # strings, numbers, booleans and arrays read the same in TOML


def toml_table(section: str, **fields: object) -> str:
    return "\n".join([f"[[{section}]]", *(f"{k} = {toml_value(v)}" for k, v in fields.items())])


def admin_refusal(page, keys: dict[str, str] | None = None) -> set[str]:
    """The admin form's errors as apply_config words them: "key: message"."""
    assert page.status_code == 200, "the admin saved it"
    errors = page.context["adminform"].form.errors
    keys = keys or {}
    return {
        f"{keys.get(name, name)}: {message}" if name != "__all__" else message
        for name, messages in errors.items()
        for message in messages
    }


def file_refusal(text: str, section: str, name: str) -> set[str]:
    """apply_config's problems with the table named `name`, without the table's label."""
    error = apply_error(text)
    prefix = f"[[{section}]] #1 ({name}): "
    return {line.removeprefix(prefix) for line in error.splitlines() if line.startswith(prefix)}


@pytest.mark.parametrize(
    ("admin_fields", "file_fields"),
    [
        ({"timeout_seconds": "0.5"}, {"timeout_seconds": 0.5}),
        ({"max_concurrent": "-1"}, {"max_concurrent": -1}),
        ({"cost_per_million_input": "0.123456"}, {"cost_per_million_input": 0.123456}),
        ({"kind": "llama"}, {"kind": "llama"}),
        ({"api_key_env": "DATABASE_URL"}, {"api_key_env": "DATABASE_URL"}),
        ({"base_url": "not a url"}, {"base_url": "not a url"}),
        ({"kind": "azure_ad"}, {"kind": "azure_ad"}),
        ({"kind": "cloudflare", "api_key_env": ""}, {"kind": "cloudflare", "api_key_env": ""}),
    ],
)
def test_a_value_the_admin_refuses_the_file_refuses_for_the_same_reasons(
    admin_client, admin_fields, file_fields
):
    provider = Provider(name="Checked", **OPENAI)
    page = admin_client.post(f"{PROVIDERS}add/", form_data(provider, **admin_fields))
    refused_in_admin = admin_refusal(page, keys={"is_default": "default"})

    refused_in_file = file_refusal(
        toml_table("providers", name="Checked", **(OPENAI | file_fields)), "providers", "Checked"
    )

    assert refused_in_admin
    assert refused_in_file == refused_in_admin
    assert not Provider.objects.filter(name="Checked").exists()


def test_a_value_the_admin_accepts_the_file_stores_the_same_way(admin_client):
    admin = Provider(name="By admin", **OPENAI)
    # A blank limit in admin is no limit; a file writes 0. No scheme: https, for both.
    page = admin_client.post(
        f"{PROVIDERS}add/",
        form_data(admin, base_url="gw.example.com/v1", requests_per_minute="", fallback_order=2),
    )
    assert page.status_code == 302

    apply(
        toml_table(
            "providers", name="By file", **OPENAI, base_url="gw.example.com/v1",
            requests_per_minute=0, fallback_order=2,
        )
    )  # fmt: skip

    by_admin = Provider.objects.get(name="By admin")
    by_file = Provider.objects.get(name="By file")
    fields = ["kind", "model", "api_key_env", "base_url", "requests_per_minute", "fallback_order"]
    assert [getattr(by_file, f) for f in fields] == [getattr(by_admin, f) for f in fields]
    assert (by_file.base_url, by_file.requests_per_minute) == ("https://gw.example.com/v1", None)
