"""The embedded broker: whole messages only, each taken once, a bad file never a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from queue import Empty

import pytest
from django.conf import settings
from kombu import Connection

import gogent.celery  # noqa: F401  (registers the transport)


def connection(folder: Path) -> Connection:
    return Connection(
        "gogentfs://",
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
            "polling_interval": 0.01,
        },
    )


def test_the_gogentfs_url_uses_gogents_transport(tmp_path):
    with connection(tmp_path) as conn:
        assert type(conn.transport).__module__ == "gogent.broker"


def test_kombus_filesystem_transport_is_left_as_kombu_wrote_it(tmp_path):
    with Connection("filesystem://", transport_options={"data_folder_in": str(tmp_path)}) as conn:
        assert type(conn.transport).__module__ == "kombu.transport.filesystem"


PRINT_BROKER_URL = "from django.conf import settings; print(settings.CELERY_BROKER_URL)"


@pytest.mark.parametrize(
    ("configured", "used"),
    [
        (None, "gogentfs://"),
        ("gogentfs://", "gogentfs://"),
        # What filesystem:// meant before gogentfs:// had its own name.
        ("filesystem://", "gogentfs://"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_the_broker_url_setting(configured, used, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env.update(GOGENT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="gogent.settings")
    if configured is not None:
        env["CELERY_BROKER_URL"] = configured
    printed = subprocess.run(
        [sys.executable, "-c", PRINT_BROKER_URL],
        env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR,
    ).stdout.strip()  # fmt: skip
    assert printed == used


def test_many_writers_and_readers_deliver_each_message_once(tmp_path):
    sent = [f"message {n}" for n in range(400)]
    received: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    done = threading.Event()

    def write(part: list[str]) -> None:
        with connection(tmp_path) as conn:
            queue = conn.SimpleQueue("work")
            for body in part:
                queue.put(body)

    def read() -> None:
        try:
            with connection(tmp_path) as conn:
                queue = conn.SimpleQueue("work")
                while len(received) < len(sent) and not done.is_set():
                    try:
                        message = queue.get(timeout=0.05)
                    except Empty:
                        continue
                    with lock:
                        received.append(message.payload)
                    message.ack()
        except BaseException as error:  # a reader must never die on a half-written file
            errors.append(error)

    # Declared once up front, as a running system has it: kombu keeps declarations per
    # process, so threads racing to declare on an empty folder would test kombu, not us.
    with connection(tmp_path) as conn:
        conn.SimpleQueue("work").close()
    readers = [threading.Thread(target=read) for _ in range(3)]
    writers = [threading.Thread(target=write, args=(sent[i::4],)) for i in range(4)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    for thread in readers:
        thread.join(timeout=30)
    done.set()
    assert errors == []
    assert sorted(received) == sorted(sent)


def test_partial_files_are_invisible_and_unreadable_ones_are_set_aside(tmp_path, caplog):
    (tmp_path / "1_a.work.msg.part").write_bytes(b'{"half": ')
    (tmp_path / "2_b.work.msg").write_bytes(b"")
    with connection(tmp_path) as conn:
        channel = conn.default_channel
        channel._put("work", {"body": "whole"})
        assert channel._size("work") == 2  # the empty file counts until read; .part does not
        assert channel._get("work") == {"body": "whole"} or channel._get("work") == {
            "body": "whole"
        }
        with pytest.raises(Empty):
            channel._get("work")
    assert (tmp_path / "unreadable" / "2_b.work.msg").exists()
    assert (tmp_path / "1_a.work.msg.part").exists()
    assert "unreadable" in caplog.text


def test_binding_tables_are_never_seen_half_written(tmp_path):
    """Many processes bind queues to one exchange at once: every binding survives."""
    errors: list[BaseException] = []

    def bind(name: str) -> None:
        try:
            with connection(tmp_path) as conn:
                channel = conn.default_channel
                for n in range(20):
                    channel._queue_bind("shared", f"{name}-{n}", None, f"{name}-{n}")
                    channel.get_table("shared")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=bind, args=(f"q{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with connection(tmp_path) as conn:
        table = conn.default_channel.get_table("shared")
    assert len(table) == 6 * 20
