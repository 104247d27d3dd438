"""A real Celery worker process, and the broker the test process shares with it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from kombu import pools

from tests.helpers.processes import ManagePy
from tests.helpers.wait import wait_for


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


def reset_connections(app: Any) -> None:
    """Drop pooled broker connections so the next send uses the changed configuration."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per broker address: a closed one would be handed back.
    pools.reset()
