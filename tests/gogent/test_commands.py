from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import nats
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.helpers.processes import BASE_DIR, free_port
from tests.helpers.wait import run_async, wait_for


def manage(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def clean_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NATS_"))}
    env.update(GOGENT_DATA_DIR=str(tmp_path / "data"), SECRET_KEY="", **overrides)
    return env


@pytest.mark.django_db
def test_ensure_admin_creates_one_admin_with_a_generated_password_once():
    first, second = StringIO(), StringIO()
    call_command("ensure_admin", stdout=first)
    call_command("ensure_admin", stdout=second)

    admin = get_user_model().objects.get()
    assert admin.is_superuser and admin.username == "admin"
    password = first.getvalue().split("password: ")[1].split()[0]
    assert len(password) >= 20
    assert admin.check_password(password)
    assert "password" not in second.getvalue()
    assert "exists already" in second.getvalue()


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    env = clean_env(tmp_path)
    print_key = ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]
    keys = [manage(print_key, env).communicate(timeout=60)[0].split()[-1] for _ in range(2)]
    assert keys[0] == keys[1]
    assert len(keys[0]) >= 50
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text().strip() == keys[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


@pytest.mark.slow
def test_nats_server_command_runs_jetstream_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = clean_env(
        tmp_path, NATS_EMBEDDED_PORT=str(port), NATS_EMBEDDED_MONITOR_PORT=str(free_port())
    )
    server = manage(["nats_server"], env)
    try:

        async def jetstream_enabled() -> bool:
            client = await nats.connect(f"nats://127.0.0.1:{port}", connect_timeout=1)
            try:
                return (await client.jetstream().account_info()) is not None
            finally:
                await client.close()

        def reachable() -> bool:
            try:
                return run_async(jetstream_enabled())
            except Exception:
                return False

        wait_for(reachable, timeout=30, what="the embedded nats-server")
        assert (tmp_path / "data" / "nats" / "jetstream").is_dir()
        # On loopback, as in the seed: any local client, no credentials made or asked for.
        assert not (tmp_path / "data" / "nats-token").exists()
        assert "authorization" not in (tmp_path / "data" / "nats" / "nats-server.conf").read_text()
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
        assert server.returncode == 0, output
        assert "Starting nats-server on 127.0.0.1" in output
        assert "no credentials required on loopback" in output
        assert "token:" not in output
    finally:
        if server.poll() is None:
            server.kill()


def test_nats_server_command_starts_nothing_when_nats_url_is_set(tmp_path):
    env = clean_env(tmp_path, NATS_URL="nats://nats.example.internal:4222")
    waiting = manage(["nats_server"], env)
    try:
        line = waiting.stdout.readline()
        assert "NATS_URL is set (nats://nats.example.internal:4222)" in line
        assert "not starting the embedded one" in line
        assert not (tmp_path / "data" / "nats").exists()
        waiting.send_signal(signal.SIGTERM)
        assert waiting.wait(timeout=30) == 0
    finally:
        if waiting.poll() is None:
            waiting.kill()
