"""The embedded nats-server off loopback: credentials required, generated once if need be,
and Gogent's own clients use them. The real nats-server binary, listening on 0.0.0.0 but
reached through 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

import nats
import pytest
from nats.errors import Error as NatsError

from gogent.nats import (
    NatsSettingsError,
    is_loopback_host,
    nats_connect_options,
    nats_server_config,
)
from tests.helpers.processes import BASE_DIR, ManagePy, free_port
from tests.helpers.wait import run_async, wait_for

# Connects with Gogent's client and settings, as a consumer would; prints the outcome.
CONNECT = """
import asyncio
from django.conf import settings
from gogent.nats import nats_connect

async def main():
    client = await nats_connect(name="gogent-test")
    info = await client.jetstream().account_info()
    print("connected to", settings.NATS_SERVERS, "streams:", info.streams)
    await client.close()

asyncio.run(main())
"""


def embedded_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NATS_"))}
    env.update(
        GOGENT_DATA_DIR=str(tmp_path / "data"),
        SECRET_KEY="test-only-secret-key",
        NATS_EMBEDDED_PORT=str(free_port()),
        NATS_EMBEDDED_MONITOR_PORT=str(free_port()),
        **overrides,
    )
    return env


def start_server(env: dict[str, str], log_path: Path) -> ManagePy:
    server = ManagePy(["nats_server"], env, log_path).start()

    def ready() -> bool:
        if server.process.poll() is not None:
            raise AssertionError(f"nats_server exited:\n{server.output[-3000:]}")
        return "Server is ready" in server.output

    wait_for(ready, timeout=30, what="the embedded nats-server")
    return server


def stop_server(server: ManagePy) -> None:
    server.send(signal.SIGTERM)
    assert server.wait(timeout=30) == 0, server.output[-3000:]


def varz(env: dict[str, str]) -> dict:
    url = f"http://127.0.0.1:{env['NATS_EMBEDDED_MONITOR_PORT']}/varz"
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def connect_as_stranger(port: str, **credentials: str) -> None:
    async def attempt() -> None:
        client = await nats.connect(
            f"nats://127.0.0.1:{port}",
            allow_reconnect=False,
            max_reconnect_attempts=1,
            connect_timeout=2,
            **credentials,
        )
        await client.close()

    run_async(attempt())


def gogent_client(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "shell", "-c", CONNECT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_off_loopback_a_token_is_generated_once_and_only_its_holders_connect(tmp_path):
    env = embedded_env(tmp_path, NATS_EMBEDDED_HOST="0.0.0.0")
    port = env["NATS_EMBEDDED_PORT"]
    token_file = tmp_path / "data" / "nats-token"
    server = start_server(env, tmp_path / "nats-1.log")
    try:
        token = token_file.read_text().strip()
        assert len(token) >= 40
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert server.output.count(f"token: {token}") == 1
        config = tmp_path / "data" / "nats" / "nats-server.conf"
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
        # The token is in the config file, not on the command line that `ps` shows.
        cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes()
        assert b"nats-server" in cmdline and token.encode() not in cmdline

        monitoring = varz(env)
        assert (monitoring["host"], monitoring["http_host"]) == ("0.0.0.0", "127.0.0.1")
        assert monitoring["auth_required"] is True

        with pytest.raises(NatsError, match="Authorization Violation"):
            connect_as_stranger(port)
        with pytest.raises(NatsError, match="Authorization Violation"):
            connect_as_stranger(port, token="not-the-token")
        connect_as_stranger(port, token=token)

        # Gogent's processes find the server through loopback and send the token.
        client = gogent_client(env)
        assert client.returncode == 0, client.stderr
        assert f"connected to ['nats://127.0.0.1:{port}']" in client.stdout
        stop_server(server)

        # Started again: the same token, not shown again.
        server = start_server(env, tmp_path / "nats-2.log")
        assert token_file.read_text().strip() == token
        assert "token:" not in server.output
        assert gogent_client(env).returncode == 0
    finally:
        server.stop()


@pytest.mark.slow
def test_off_loopback_the_settings_credentials_are_required_and_nothing_is_generated(tmp_path):
    env = embedded_env(
        tmp_path, NATS_EMBEDDED_HOST="0.0.0.0", NATS_USER="gogent", NATS_PASSWORD='pw "$x\\y'
    )
    port = env["NATS_EMBEDDED_PORT"]
    server = start_server(env, tmp_path / "nats.log")
    try:
        assert not (tmp_path / "data" / "nats-token").exists()
        assert "NATS_USER/NATS_PASSWORD required" in server.output
        assert "token:" not in server.output
        with pytest.raises(NatsError, match="Authorization Violation"):
            connect_as_stranger(port)
        with pytest.raises(NatsError, match="Authorization Violation"):
            connect_as_stranger(port, user="gogent", password="wrong")
        connect_as_stranger(port, user="gogent", password='pw "$x\\y')
        client = gogent_client(env)
        assert client.returncode == 0, client.stderr
        assert varz(env)["http_host"] == "127.0.0.1"
        stop_server(server)
    finally:
        server.stop()


def test_prepare_generates_the_token_before_any_client_starts(tmp_path):
    env = embedded_env(tmp_path, NATS_EMBEDDED_HOST="0.0.0.0")

    def prepare() -> str:
        done = subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), "nats_server", "--prepare"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    first, second = prepare(), prepare()
    token = (tmp_path / "data" / "nats-token").read_text().strip()
    assert f"token: {token}" in first
    assert "token:" not in second
    assert "Starting nats-server" not in first + second


def test_a_client_without_the_generated_token_is_told_where_it_comes_from(settings, tmp_path):
    settings.NATS_URL = ""
    settings.NATS_USER = settings.NATS_TOKEN = ""
    settings.NATS_EMBEDDED_HOST = "0.0.0.0"
    settings.NATS_EMBEDDED_TOKEN_FILE = tmp_path / "nats-token"
    with pytest.raises(NatsSettingsError, match=r"`manage.py nats_server` generates it into .*"):
        nats_connect_options()
    settings.NATS_EMBEDDED_TOKEN_FILE.write_text("s3cr3t\n")
    assert nats_connect_options()["token"] == "s3cr3t"
    # Settings' own token wins; on loopback no token is sent.
    settings.NATS_TOKEN = "from-settings"
    assert nats_connect_options()["token"] == "from-settings"
    settings.NATS_TOKEN = ""
    settings.NATS_EMBEDDED_HOST = "127.0.0.1"
    assert "token" not in nats_connect_options()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.10.5", False),
        ("gogent.example.internal", False),
    ],
)
def test_which_hosts_count_as_loopback(host, loopback):
    assert is_loopback_host(host) is loopback


def test_the_monitoring_port_stays_on_loopback_in_the_config(tmp_path):
    config = nats_server_config(
        host="0.0.0.0",
        port=4222,
        monitor_port=8222,
        store_dir=tmp_path,
        authorization={"token": "t"},
    )
    assert 'host: "0.0.0.0"' in config
    assert 'http: "127.0.0.1:8222"' in config
    assert 'authorization {\n  token: "t"\n}' in config
