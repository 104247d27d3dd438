"""A real nats-server with JetStream, and reading its consumer's state."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nats
from django.conf import settings

from gogent.nats import nats_server_binary
from tests.helpers.wait import run_async, wait_for


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
