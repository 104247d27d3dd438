"""Publishing to and draining a real stream, shared by the end-to-end ingest tests."""

from __future__ import annotations

import contextlib
import re
import signal
from collections.abc import Iterable, Iterator
from itertools import islice

import nats
from django.conf import settings
from django.db import connection

from logs.consumer import ensure_stream_and_consumer
from logs.models import LogEntry, RejectedMessage
from logs.publisher import PublishStats, publish_payloads
from logs.sources import generated_logs
from tests.helpers.nats import NatsServer, consumer_info
from tests.helpers.processes import ManagePy
from tests.helpers.wait import run_async, wait_for

# Short ack wait so messages delivered to a killed consumer come back within the test.
FAST_REDELIVERY = {"NATS_ACK_WAIT": "3"}


def publish(server: NatsServer, payloads: Iterable[bytes]) -> PublishStats:
    async def go() -> PublishStats:
        client = await nats.connect(server.url)
        try:
            await ensure_stream_and_consumer(client)
            return await publish_payloads(client, payloads, subject=settings.NATS_SUBJECT)
        finally:
            await client.close()

    stats = run_async(go())
    assert stats.failed == 0, stats
    return stats


def generated(count: int, seed: int = 1) -> list[bytes]:
    return list(islice(generated_logs(seed=seed), count))


def wait_until_drained(server: NatsServer, expected_rows: int, timeout: float = 120) -> None:
    wait_for(
        lambda: LogEntry.objects.count() + RejectedMessage.objects.count() >= expected_rows,
        timeout=timeout,
        what=f"{expected_rows} messages stored",
    )
    wait_for(
        lambda: (info := consumer_info(server.url)).num_pending == 0 and info.num_ack_pending == 0,
        timeout=timeout,
        what="every message acked",
    )


def final_stats(output: str) -> dict[str, int]:
    stored, duplicates, rejected = re.findall(
        r"stored (\d+), duplicates (\d+), rejected (\d+)", output
    )[-1]
    return {"stored": int(stored), "duplicates": int(duplicates), "rejected": int(rejected)}


def batch_counts(output: str) -> tuple[int, int]:
    """A consumer's batches and those of them stored under the grouping lock, as it last
    logged them."""
    batches, locked = re.findall(r"(\d+) batches, (\d+) of them under the grouping lock", output)[
        -1
    ]
    return int(batches), int(locked)


def stop_gracefully(consumer: ManagePy) -> str:
    consumer.send(signal.SIGTERM)
    assert consumer.wait(timeout=30) == 0, consumer.output[-3000:]
    return consumer.output


POISON = "POISON"


@contextlib.contextmanager
def refusing_poison() -> Iterator[None]:
    """The database refuses any log whose message holds POISON, as a constraint would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON logs_logentry "
                f"WHEN NEW.message LIKE '%{POISON}%' "
                "BEGIN SELECT RAISE(ABORT, 'poison refused by a check'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.message LIKE '%%{POISON}%%' THEN "
                "RAISE EXCEPTION 'poison refused by a check'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON logs_logentry "
                "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER refuse_poison")
            else:
                cursor.execute("DROP TRIGGER refuse_poison ON logs_logentry")
                cursor.execute("DROP FUNCTION refuse_poison()")
