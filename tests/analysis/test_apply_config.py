"""`manage.py apply_config`: providers declared in TOML, applied idempotently."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis.models import Provider
from tests.helpers.processes import BASE_DIR, child_database_url

pytestmark = pytest.mark.django_db

LITERAL_KEY = "sk-literal-51c3e9a0b7-SECRET"
WORKSTATION = """
[[providers]]
name = "Workstation"
kind = "ollama"
base_url = "http://10.0.0.5:11434"
model = "qwen2.5:7b"
requests_per_minute = 30
"""
OPENAI = """
[[providers]]
name = "OpenAI"
kind = "openai"
model = "gpt-4o-mini"
api_key_env = "GOGENT_SECRET_OPENAI_API_KEY"
fallback_order = 1
tokens_per_minute = 0
cost_per_million_input = 0.15
"""
TWO_PROVIDERS = WORKSTATION + OPENAI


def apply(text: str, *args: str) -> str:
    out = StringIO()
    call_command("apply_config", "-", *args, stdin=StringIO(text), stdout=out)
    return out.getvalue()


def apply_error(text: str, *args: str) -> str:
    with pytest.raises(CommandError) as raised:
        apply(text, *args)
    return str(raised.value)


def snapshot() -> dict[str, tuple]:
    return {
        p.name: (p.updated_at, p.enabled, p.is_default, p.model)
        for p in Provider.objects.order_by("name")
    }


def test_providers_are_created_as_declared():
    before = Provider.objects.count()

    output = apply(TWO_PROVIDERS)

    assert "created (2): Workstation, OpenAI" in output
    assert Provider.objects.count() == before + 2
    openai = Provider.objects.get(name="OpenAI")
    assert (openai.kind, openai.api_key_env, openai.fallback_order) == (
        "openai",
        "GOGENT_SECRET_OPENAI_API_KEY",
        1,
    )
    assert openai.tokens_per_minute is None  # 0: no limit
    assert openai.requests_per_minute == 60  # left out: the field's default
    assert str(openai.cost_per_million_input) == "0.1500"


def test_a_second_run_writes_nothing():
    apply(TWO_PROVIDERS)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        output = apply(TWO_PROVIDERS)

    assert "unchanged (2): Workstation, OpenAI" in output
    assert "created (0)" in output and "updated (0)" in output
    assert snapshot() == before
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_changing_one_field_updates_only_that_provider():
    apply(TWO_PROVIDERS)
    before = snapshot()

    output = apply(TWO_PROVIDERS.replace('model = "gpt-4o-mini"', 'model = "gpt-4o"'))

    assert "updated (1): OpenAI (model)" in output
    assert "unchanged (1): Workstation" in output
    after = snapshot()
    assert after["OpenAI"][3] == "gpt-4o"
    assert after["OpenAI"][0] > before["OpenAI"][0]
    assert after["Workstation"] == before["Workstation"]


def test_a_new_default_takes_the_flag_from_the_previous_one():
    previous = Provider.objects.filter(is_default=True).first() or Provider.objects.create(
        name="Local Ollama", is_default=True
    )

    output = apply(WORKSTATION + "default = true\n" + OPENAI)

    assert f"updated (1): {previous.name} (default)" in output
    assert list(Provider.objects.filter(is_default=True).values_list("name", flat=True)) == [
        "Workstation"
    ]


def test_prune_disables_providers_left_out_but_keeps_them():
    apply(TWO_PROVIDERS)
    others = set(Provider.objects.exclude(name="OpenAI").values_list("name", flat=True))

    output = apply("prune = true\n" + OPENAI)

    assert "Workstation" in output.split("disabled")[1]
    assert set(Provider.objects.filter(enabled=False).values_list("name", flat=True)) == others
    assert Provider.objects.get(name="OpenAI").enabled
    assert Provider.objects.filter(name="Workstation").exists()


def test_an_unknown_key_names_its_table_and_applies_nothing():
    before = snapshot()
    text = TWO_PROVIDERS.replace('model = "gpt-4o-mini"', 'modle = "gpt-4o-mini"')

    error = apply_error(text)

    assert "[[providers]] #2 (OpenAI): unknown key(s) 'modle'; allowed: " in error
    assert snapshot() == before  # not even the valid first table


def test_wrong_types_and_unknown_sections_are_reported_together():
    error = apply_error(
        'prune = "yes"\n[[widgets]]\nname = "jira"\n'
        '[[providers]]\nname = "X"\nmax_tokens = "lots"\nenabled = 1\n'
    )

    assert (
        "unknown top-level key(s) 'widgets'; allowed: context_rules, providers, integrations, "
        "rules, maintenance_windows, channels, notification_rules, actions, prune" in error
    )
    assert "prune must be true or false, not a string" in error
    assert "[[providers]] #1 (X): max_tokens must be a whole number, not a string" in error
    assert "[[providers]] #1 (X): enabled must be true or false, not a whole number" in error


def test_kind_rules_are_the_admins():
    error = apply_error('[[providers]]\nname = "Azure"\nkind = "azure_ad"\napi_key_env = "S"\n')

    assert "#1 (Azure): base_url: Azure OpenAI needs the deployment URL" in error
    assert "#1 (Azure): api_version: Azure OpenAI needs an api-version" in error
    assert "#1 (Azure): tenant_id: Entra ID needs the tenant id" in error
    assert not Provider.objects.filter(name="Azure").exists()


def test_invalid_toml_is_reported_with_its_line():
    error = apply_error('[[providers]]\nname = "X"\nmodel = \n')

    assert "stdin is not valid TOML" in error
    assert "line 3" in error


def test_dry_run_reports_and_writes_nothing():
    before = snapshot()

    output = apply(TWO_PROVIDERS, "--dry-run")

    assert output.startswith("Dry run: nothing was written.")
    assert "created (2): Workstation, OpenAI" in output
    assert snapshot() == before


def test_a_literal_key_is_stored_with_a_warning_and_never_printed():
    text = '[[providers]]\nname = "Cloud"\nkind = "openai"\napi_key = "' + LITERAL_KEY + '"\n'

    output = apply(text)

    assert Provider.objects.get(name="Cloud").api_key == LITERAL_KEY
    assert "warning: Cloud: api_key is written in the file; secrets belong in the environment" in (
        output
    )
    assert LITERAL_KEY not in output
    output = apply(text.replace(LITERAL_KEY, "sk-other"))
    assert "updated (1): Cloud (api_key)" in output


def test_a_key_stored_in_admin_survives_a_file_without_one():
    apply(TWO_PROVIDERS)
    Provider.objects.filter(name="OpenAI").update(api_key=LITERAL_KEY)

    output = apply(TWO_PROVIDERS)

    assert "unchanged (2)" in output
    assert Provider.objects.get(name="OpenAI").api_key == LITERAL_KEY


def test_the_documented_example_applies_cleanly_and_idempotently():
    path = str(BASE_DIR / "docs" / "config.example.toml")
    out = StringIO()
    call_command("apply_config", path, stdout=out)

    assert "warning" not in out.getvalue()
    assert Provider.objects.get(is_default=True).kind == Provider.Kind.OLLAMA
    azure = Provider.objects.get(kind=Provider.Kind.AZURE_AD)
    assert (azure.fallback_order, azure.max_concurrent) == (1, 8)
    again = StringIO()
    call_command("apply_config", path, stdout=again)
    assert "created (0)" in again.getvalue() and "updated (0)" in again.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_command_reads_stdin_and_exits_non_zero_on_error(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=child_database_url(),
        GOGENT_DATA_DIR=str(tmp_path),
        SECRET_KEY="test-only-secret-key",
    )

    def run(text: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), "apply_config", "-"],
            input=text, capture_output=True, text=True, cwd=BASE_DIR, env=env, timeout=60,
        )  # fmt: skip

    ok = run(TWO_PROVIDERS)
    assert ok.returncode == 0, ok.stderr
    assert "created (2)" in ok.stdout
    assert Provider.objects.filter(name="Workstation").exists()

    bad = run('[[providers]]\nname = "X"\ncolour = "red"\n')
    assert bad.returncode != 0
    assert "unknown key(s) 'colour'" in bad.stderr
