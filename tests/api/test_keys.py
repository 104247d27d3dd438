"""API keys: stored hashed, shown once, expiring, revocable, rate limited, last use noted."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from gogent.apikeys import api_key_create, api_key_use
from gogent.models import ApiKey
from tests.helpers.api import KeyClient
from tests.helpers.users import user_with_role


def database_bytes() -> bytes:
    """The test database as it is on disk, WAL included (SQLite), or every row of every
    table as text (PostgreSQL)."""
    connection.ensure_connection()
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            rows = []
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                rows.extend(cursor.fetchall())
        return repr(rows).encode()
    name = Path(connection.settings_dict["NAME"])
    return b"".join(
        path.read_bytes() for path in (name, name.with_name(name.name + "-wal")) if path.exists()
    )


@pytest.mark.django_db(transaction=True)
def test_the_raw_key_is_not_in_the_database_only_its_hash():
    key, raw_key = api_key_create(name="grafana", role="viewer")
    secret = raw_key.split("_", 2)[2]
    assert raw_key.startswith(f"gog_{key.prefix}_")
    assert key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    row = ApiKey.objects.filter(pk=key.pk).values().get()
    assert not any(secret in str(value) for value in row.values())
    assert secret.encode() not in database_bytes()
    assert key.key_hash.encode() in database_bytes()  # the scan does see what is stored


def test_create_api_key_prints_the_key_once_on_stdout(db):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_key",
        "--role",
        "operator",
        "--name",
        "line-4 gateway",
        "--expires-in-days",
        "30",
        stdout=out,
        stderr=err,
    )
    raw_key = out.getvalue().strip()
    key = ApiKey.objects.get()
    assert (key.name, key.role) == ("line-4 gateway", "operator")
    assert timedelta(days=29, hours=23) < key.expires_at - timezone.now() <= timedelta(days=30)
    assert "not shown again" in err.getvalue()
    assert raw_key not in err.getvalue()
    assert KeyClient(raw_key).get("/api/v1/logs").status_code == 200


def test_create_api_key_refuses_unknown_roles(db):
    with pytest.raises(CommandError, match="invalid choice: 'root'"):
        call_command("create_api_key", "--role", "root", "--name", "x")
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize(
    "raw_key",
    ["", "nonsense", "gog_", "gog_abc_def", "gog_0123456789ab_", "Bearer gog_0123456789ab_xyz"],
)
def test_malformed_and_unknown_keys_are_refused(db, raw_key):
    response = Client(HTTP_X_API_KEY=raw_key or " ").get("/api/v1/logs")
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"invalid_api_key", "not_authenticated"}


def test_a_key_expires(api_key):
    client = api_key("admin")
    key = ApiKey.objects.get()
    assert client.get("/api/v1/logs").status_code == 200
    key.expires_at = timezone.now() - timedelta(seconds=1)
    key.save(update_fields=["expires_at"])
    response = client.get("/api/v1/logs")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "api_key_expired",
        "message": "The API key has expired.",
    }


def test_last_used_is_written_at_most_once_a_minute(api_key, settings):
    settings.API_RATE_LIMIT = 0
    client = api_key("viewer")
    client.get("/api/v1/logs")
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/logs")
    assert ApiKey.objects.get().last_used_at == first
    ApiKey.objects.update(last_used_at=first - timedelta(seconds=61))
    client.get("/api/v1/logs")
    assert ApiKey.objects.get().last_used_at > first


def test_over_the_rate_limit_the_answer_is_429_with_retry_after(api_key, settings):
    settings.API_RATE_LIMIT = 3
    client, other = api_key("viewer"), api_key("viewer")
    assert [client.get("/api/v1/logs").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/logs")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Per key: another key is not held back.
    assert other.get("/api/v1/logs").status_code == 200


def test_the_limit_counts_per_minute_window(db, settings):
    settings.API_RATE_LIMIT = 2
    key, _ = api_key_create(name="burst", role="viewer")
    now = timezone.now().replace(second=30, microsecond=0)
    assert api_key_use(key=key, now=now) is None
    assert api_key_use(key=key, now=now) is None
    limited = api_key_use(key=key, now=now)
    assert limited is not None
    assert limited.retry_after == 30
    assert api_key_use(key=key, now=now + timedelta(seconds=30)) is None  # the next minute


def test_admin_creates_a_key_and_shows_it_once(db):
    admin = user_with_role("admin")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/gogent/apikey/add/", {"name": "prometheus", "role": "viewer", "expires_at": ""}
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    assert key.created_by == admin
    page = response.content.decode()
    raw_key = re.search(r'id="api-key" readonly value="([^"]+)"', page).group(1)
    assert raw_key.startswith(f"gog_{key.prefix}_")
    assert KeyClient(raw_key).get("/api/v1/logs").status_code == 200
    # Never again: the list and the key's page show only the prefix.
    for url in ("/admin/gogent/apikey/", f"/admin/gogent/apikey/{key.pk}/change/"):
        shown = client.get(url).content.decode()
        assert key.prefix in shown
        assert raw_key not in shown


def test_admin_revokes_keys(api_key):
    client = api_key("operator")
    admin = Client()
    admin.force_login(user_with_role("admin"))
    key = ApiKey.objects.get()
    response = admin.post(
        "/admin/gogent/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert response.status_code == 200
    assert ApiKey.objects.get().revoked_at is not None
    assert client.get("/api/v1/logs").json()["error"]["code"] == "api_key_revoked"


def test_operators_cannot_manage_keys(db):
    operator = user_with_role("operator")
    operator.is_staff = True
    operator.save()
    client = Client()
    client.force_login(operator)
    assert client.get("/admin/gogent/apikey/add/").status_code == 403
