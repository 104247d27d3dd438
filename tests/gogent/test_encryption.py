"""Secrets at rest: what the database holds, the keys, rotation, lost keys, the migrations."""

from __future__ import annotations

import importlib
import os
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from analysis.models import Provider
from analysis.providers.messages import LLMError
from gogent.encryption import (
    PREFIX,
    SecretUndecryptable,
    UnreadableSecret,
    encryption_keys,
    key_file_load,
    secret_readable,
)
from gogent.models import AuditEvent
from integrations.models import Integration
from integrations.remote import TicketError
from tests.helpers.processes import BASE_DIR

pytestmark = pytest.mark.django_db

API_KEY = "sk-at-rest-6b1f0e2d9c-SECRET"
JIRA_SECRET = "jira-at-rest-3a9d7c41e8-SECRET"
CLIENT_SECRET = "client-at-rest-58e0b2f7a1-SECRET"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
PROVIDERS = "/admin/analysis/provider/"
INTEGRATIONS = "/admin/integrations/integration/"


def stored(table: str, column: str, pk: int) -> str:
    """The column as the database holds it, past the model field."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def store_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def token_of(value: str) -> bytes:
    assert value.startswith(PREFIX)
    return value[len(PREFIX) :].encode()


@pytest.fixture
def provider() -> Provider:
    return Provider.objects.create(
        name="Cloud", kind=Provider.Kind.OPENAI, model="gpt-4o-mini", api_key=API_KEY
    )


@pytest.fixture
def integration() -> Integration:
    return Integration.objects.create(
        name="ServiceNow",
        kind=Integration.Kind.SERVICENOW,
        instance="acme",
        auth=Integration.Auth.OAUTH,
        username="gogent",
        secret=JIRA_SECRET,
        client_id="client",
        client_secret=CLIENT_SECRET,
    )


# --- What the database holds ------------------------------------------------------------


def test_the_columns_hold_tokens_and_reads_give_the_secrets_back(provider, integration):
    columns = [
        ("analysis_provider", "api_key", provider.pk, API_KEY),
        ("integrations_integration", "secret", integration.pk, JIRA_SECRET),
        ("integrations_integration", "client_secret", integration.pk, CLIENT_SECRET),
    ]
    for table, column, pk, secret in columns:
        value = stored(table, column, pk)
        assert value.startswith(PREFIX), column
        assert secret not in value

    assert Provider.objects.get(pk=provider.pk).api_key == API_KEY
    again = Integration.objects.get(pk=integration.pk)
    assert (again.secret, again.client_secret) == (JIRA_SECRET, CLIENT_SECRET)
    assert (again.resolved_secret(), again.resolved_client_secret()) == (
        JIRA_SECRET,
        CLIENT_SECRET,
    )
    assert Provider.objects.get(pk=provider.pk).config().secret == API_KEY
    # Each save encrypts afresh; update() goes through the field too.
    Provider.objects.filter(pk=provider.pk).update(api_key="sk-updated")
    assert "sk-updated" not in stored("analysis_provider", "api_key", provider.pk)
    assert Provider.objects.values_list("api_key", flat=True).get(pk=provider.pk) == "sk-updated"


def test_an_empty_secret_stays_empty_and_plaintext_from_before_reads_as_it_is(provider):
    empty = Provider.objects.create(name="Local", kind=Provider.Kind.OLLAMA)
    assert stored("analysis_provider", "api_key", empty.pk) == ""
    assert Provider.objects.filter(api_key="").filter(pk=empty.pk).exists()

    store_raw("analysis_provider", "api_key", provider.pk, "sk-plaintext-from-before")
    assert Provider.objects.get(pk=provider.pk).api_key == "sk-plaintext-from-before"


# --- Keys -------------------------------------------------------------------------------


def test_the_key_file_is_made_once_0600_in_a_0700_folder_and_everyone_reads_it(tmp_path):
    path = tmp_path / "data" / "encryption.key"
    start = threading.Barrier(8)

    def load(_: int) -> str:
        start.wait()
        return key_file_load(path)

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(load, range(8)))

    assert len(keys) == 1
    Fernet(keys.pop())  # a valid key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("existing", [False, True])
def test_settings_make_the_data_dir_0700(tmp_path, existing):
    data_dir = tmp_path / "data"
    if existing:
        data_dir.mkdir(mode=0o755)
        data_dir.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(GOGENT_DATA_DIR=str(data_dir), SECRET_KEY="test-only-secret-key")
    subprocess.run(
        [sys.executable, "-c", "import gogent.settings"],
        cwd=BASE_DIR, env=env, check=True, timeout=60,
    )  # fmt: skip

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_a_key_that_is_not_a_fernet_key_is_refused_without_showing_it(settings):
    settings.ENCRYPTION_KEYS = [NEW_KEY, "not-a-key-SECRET"]

    with pytest.raises(Exception, match="key 2 is not a Fernet key") as raised:
        Provider.objects.create(name="X", kind=Provider.Kind.OPENAI, api_key=API_KEY)
    assert "not-a-key-SECRET" not in str(raised.value)


# --- Rotation ---------------------------------------------------------------------------


def test_rotation_re_encrypts_with_the_new_key_and_old_tokens_read_until_then(
    settings, integration
):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    provider = Provider.objects.create(name="Cloud", kind=Provider.Kind.OPENAI, api_key=API_KEY)
    Integration.objects.filter(pk=integration.pk).update(secret=JIRA_SECRET, client_secret="")
    before = stored("analysis_provider", "api_key", provider.pk)
    assert Fernet(OLD_KEY).decrypt(token_of(before)).decode() == API_KEY

    # The new key first, the old one second: tokens of the old key still read.
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert Provider.objects.get(pk=provider.pk).api_key == API_KEY
    out = StringIO()
    call_command("secrets_rotate", stdout=out)

    assert "analysis.Provider: 1 row re-encrypted" in out.getvalue()
    assert "integrations.Integration: 1 row re-encrypted" in out.getvalue()
    after = stored("analysis_provider", "api_key", provider.pk)
    assert Fernet(NEW_KEY).decrypt(token_of(after)).decode() == API_KEY
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(token_of(after))
    assert stored("integrations_integration", "client_secret", integration.pk) == ""
    event = AuditEvent.objects.get(action=AuditEvent.Action.SECRETS_ROTATED)
    assert (event.actor_label, event.details) == (
        "manage.py secrets_rotate",
        {"rows": 2, "unreadable": 0},
    )
    # The old key can go.
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    assert Provider.objects.get(pk=provider.pk).api_key == API_KEY
    assert Integration.objects.get(pk=integration.pk).secret == JIRA_SECRET


def test_rotation_encrypts_plaintext_left_from_before(provider):
    store_raw("analysis_provider", "api_key", provider.pk, API_KEY)

    call_command("secrets_rotate", stdout=StringIO())

    assert stored("analysis_provider", "api_key", provider.pk).startswith(PREFIX)
    assert Provider.objects.get(pk=provider.pk).api_key == API_KEY


def test_a_dry_run_counts_and_writes_nothing(settings, provider):
    settings.ENCRYPTION_KEYS = [NEW_KEY, *encryption_keys()]
    before = stored("analysis_provider", "api_key", provider.pk)
    out = StringIO()

    call_command("secrets_rotate", "--dry-run", stdout=out)

    assert out.getvalue().startswith("Dry run: nothing was written.")
    assert "analysis.Provider: 1 row would be re-encrypted" in out.getvalue()
    assert stored("analysis_provider", "api_key", provider.pk) == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SECRETS_ROTATED).exists()


# --- A key no one has any more -----------------------------------------------------------


@pytest.fixture
def lost_key(settings, provider, integration) -> str:
    """The provider's and integration's secrets encrypted with a key that is then lost."""
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    Provider.objects.filter(pk=provider.pk).update(api_key=API_KEY)
    Integration.objects.filter(pk=integration.pk).update(secret=JIRA_SECRET)
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    return stored("analysis_provider", "api_key", provider.pk)


def test_a_secret_no_key_decrypts_reads_as_unreadable_and_fails_clearly(lost_key, provider):
    provider = Provider.objects.get(pk=provider.pk)

    assert isinstance(provider.api_key, UnreadableSecret)
    assert provider.api_key and provider.has_secret
    with pytest.raises(SecretUndecryptable) as raised:
        secret_readable(provider.api_key)
    message = str(raised.value)
    assert message.startswith("The stored provider api key cannot be decrypted")
    assert "enter the secret again, or restore the key" in message
    assert lost_key[len(PREFIX) :] not in message
    with pytest.raises(LLMError) as raised:
        provider.config()
    assert not raised.value.retryable
    assert "Cloud (openai): The stored provider api key cannot be decrypted" in str(raised.value)
    integration = Integration.objects.get()
    with pytest.raises(TicketError) as failed:
        integration.resolved_secret()
    assert (failed.value.auth, failed.value.retryable) == (True, False)
    assert "The stored integration secret cannot be decrypted" in failed.value.message


def test_admin_pages_still_load_without_the_token(admin_client, lost_key, provider, integration):
    token = lost_key[len(PREFIX) :]
    for url in (
        PROVIDERS,
        f"{PROVIDERS}{provider.pk}/change/",
        INTEGRATIONS,
        f"{INTEGRATIONS}{integration.pk}/change/",
    ):
        page = admin_client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert token not in html
        assert PREFIX not in html
        if "/change/" in url:
            assert "set but unreadable" in html

    page = admin_client.post(
        PROVIDERS, {"action": "test_connection", "_selected_action": [provider.pk]}, follow=True
    )
    html = page.content.decode()
    assert "✗ Cloud: Cloud (openai): The stored provider api key cannot be decrypted" in html
    assert token not in html


def test_saving_other_fields_keeps_an_unreadable_secret_and_rotation_names_it(lost_key, provider):
    provider = Provider.objects.get(pk=provider.pk)
    provider.model = "gpt-4o"
    provider.full_clean()
    provider.save()
    assert stored("analysis_provider", "api_key", provider.pk) == lost_key

    out, err = StringIO(), StringIO()
    call_command("secrets_rotate", stdout=out, stderr=err)

    assert f"analysis.Provider {provider.pk} api_key: no key decrypts it" in err.getvalue()
    assert "analysis.Provider: 0 rows re-encrypted" in out.getvalue()
    assert stored("analysis_provider", "api_key", provider.pk) == lost_key


# --- The migrations -----------------------------------------------------------------------


def migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_the_migrations_encrypt_plaintext_rows_and_decrypt_them_going_back(provider, integration):
    analysis_0007 = migration("analysis", "0007_provider_secret_encrypted")
    integrations_0004 = migration("integrations", "0004_integration_secrets_encrypted")
    store_raw("analysis_provider", "api_key", provider.pk, API_KEY)
    store_raw("integrations_integration", "secret", integration.pk, JIRA_SECRET)
    store_raw("integrations_integration", "client_secret", integration.pk, CLIENT_SECRET)

    analysis_0007.encrypt_keys(apps, None)
    integrations_0004.encrypt_secrets(apps, None)

    columns = [
        ("analysis_provider", "api_key", provider.pk, API_KEY),
        ("integrations_integration", "secret", integration.pk, JIRA_SECRET),
        ("integrations_integration", "client_secret", integration.pk, CLIENT_SECRET),
    ]
    for table, column, pk, secret in columns:
        assert stored(table, column, pk).startswith(PREFIX)
        assert secret not in stored(table, column, pk)
    assert Provider.objects.get(pk=provider.pk).api_key == API_KEY

    analysis_0007.decrypt_keys(apps, None)
    integrations_0004.decrypt_secrets(apps, None)

    for table, column, pk, secret in columns:
        assert stored(table, column, pk) == secret
