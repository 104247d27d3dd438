"""`manage.py publish_logs` against a real nats-server."""

from __future__ import annotations

import asyncio
import re
import signal
import threading
import time
from io import StringIO

import nats
import orjson
import pytest
from django.core.management import CommandError, call_command

from logs.consumer import ensure_stream_and_consumer
from tests.helpers.processes import ManagePy, free_port
from tests.helpers.wait import run_async, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


async def stream_messages(url: str) -> list[bytes]:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        info = await js.stream_info("AGENT_STREAM")
        return [
            (await js.get_msg("AGENT_STREAM", seq)).data
            for seq in range(1, info.state.messages + 1)
        ]
    finally:
        await client.close()


async def create_stream(url: str) -> None:
    client = await nats.connect(url)
    try:
        await ensure_stream_and_consumer(client)
    finally:
        await client.close()


def test_json_lines_are_published_as_they_are(nats_server, settings, tmp_path):
    settings.NATS_SERVERS = [nats_server.url]
    run_async(create_stream(nats_server.url))
    lines = tmp_path / "logs.jsonl"
    lines.write_bytes(b'{"message": "one"}\n\n{"message": "two"}\nnot json, sent anyway\n')
    out = StringIO()

    call_command("publish_logs", str(lines), stdout=out)

    assert out.getvalue().startswith("published 3 in ")
    assert "failed 0" in out.getvalue()
    assert run_async(stream_messages(nats_server.url)) == [
        b'{"message": "one"}',
        b'{"message": "two"}',
        b"not json, sent anyway",
    ]


def test_count_cycles_a_generated_source_at_a_rate(nats_server, settings):
    settings.NATS_SERVERS = [nats_server.url]
    run_async(create_stream(nats_server.url))
    started = time.monotonic()
    call_command(
        "publish_logs", "--generate", "10", "--count", "25", "--rate", "100", stdout=StringIO()
    )
    assert time.monotonic() - started >= 0.24  # 25 messages at 100/s
    messages = [orjson.loads(m) for m in run_async(stream_messages(nats_server.url))]
    assert len(messages) == 25
    for message in messages:
        del message["timestamp"]  # generated logs are stamped "now"
    assert messages[10:20] == messages[:10]  # the ten generated logs, again


def test_wait_holds_until_the_stream_exists(nats_server, settings, tmp_path):
    settings.NATS_SERVERS = [nats_server.url]
    lines = tmp_path / "one.jsonl"
    lines.write_bytes(b'{"message": "late stream"}\n')
    creator = threading.Timer(1.0, lambda: asyncio.run(create_stream(nats_server.url)))
    creator.start()
    try:
        call_command("publish_logs", str(lines), "--wait", "30", stdout=StringIO())
    finally:
        creator.join()
    assert run_async(stream_messages(nats_server.url)) == [b'{"message": "late stream"}']


def test_without_a_stream_the_command_fails_clearly(nats_server, settings, tmp_path):
    settings.NATS_SERVERS = [nats_server.url]
    lines = tmp_path / "one.jsonl"
    lines.write_bytes(b'{"message": "nowhere to go"}\n')
    with pytest.raises(CommandError, match="consume_logs creates it"):
        call_command("publish_logs", str(lines), stdout=StringIO())
    with pytest.raises(CommandError, match="no JetStream stream takes"):
        call_command("publish_logs", str(lines), "--wait", "1", stdout=StringIO())


def test_unreachable_nats_is_named_in_the_error(settings, tmp_path):
    url = f"nats://127.0.0.1:{free_port()}"
    settings.NATS_SERVERS = [url]
    lines = tmp_path / "one.jsonl"
    lines.write_bytes(b'{"message": "m"}\n')
    with pytest.raises(CommandError, match=f"cannot reach NATS at {url}"):
        call_command("publish_logs", str(lines), stdout=StringIO())


def test_unknown_dataset_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="unknown Loghub dataset 'Nope'"):
        call_command("publish_logs", "--loghub", "Nope")
    with pytest.raises(CommandError, match="no such file"):
        call_command("publish_logs", str(tmp_path / "missing.jsonl"))


def test_sigterm_stops_publishing_and_reports_what_was_sent(nats_server, gogent_env, tmp_path):
    run_async(create_stream(nats_server.url))
    publisher = ManagePy(
        ["publish_logs", "--generate", "10", "--count", "1000000", "--rate", "200"],
        gogent_env,
        tmp_path / "publish.log",
    ).start()
    wait_for(lambda: len(run_async(stream_messages(nats_server.url))) >= 20, what="publishing")
    publisher.send(signal.SIGTERM)
    assert publisher.wait(timeout=30) == 0, publisher.output
    published = int(re.search(r"published (\d+) in", publisher.output).group(1))
    assert published == len(run_async(stream_messages(nats_server.url)))
    assert "failed 0" in publisher.output
