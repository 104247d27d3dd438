"""The analysis service (ANALYZE_SUBJECT) through real processes: nats-server, consume_logs,
a Celery worker and a fake LLM; requests sent as a seed client would, with nats-py."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from datetime import UTC, datetime
from typing import Any

import nats
import orjson
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from analysis.models import Analysis, Provider
from logs.analyze_service import (
    QUEUE_GROUP,
    SERVICE_NAME,
    AnalyzeSettingsError,
    analyze_settings_check,
    subjects_overlap,
)
from logs.consumer import ensure_stream_and_consumer
from logs.models import LogEntry, RejectedMessage
from tests.fakes.llm import FakeLLM, Fault
from tests.helpers.wait import run_async, wait_for
from tests.logs.harness import stop_gracefully


def with_processes(test):
    """Marks of a test that starts processes (and so commits its rows for them to see)."""
    for mark in (pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)):
        test = mark(test)
    return test


def use_provider(url: str, **fields: Any) -> Provider:
    Provider.objects.update(enabled=False, is_default=False)
    values = {
        "name": "fake",
        "kind": Provider.Kind.OLLAMA,
        "base_url": url,
        "model": "fake-model",
        "is_default": True,
        "timeout_seconds": 5.0,
        "requests_per_minute": None,
        "max_concurrent": None,
    }
    return Provider.objects.create(**(values | fields))


def seed_log(message: str, severity: str = "ERROR") -> bytes:
    """A seed LogMessage, as the seed's clients send it."""
    return orjson.dumps(
        {
            "timestamp": datetime.now(UTC).isoformat(),
            "hostname": "plc-1",
            "severity": severity,
            "service": "line-3",
            "message": message,
        }
    )


async def analyze(
    url: str, payload: bytes, *, headers: dict[str, str] | None = None, timeout: float = 45
) -> tuple[dict[str, Any], dict[str, str]]:
    """One request, as `nats request gogent.analyze '<log>'` sends it: (body, headers)."""
    client = await nats.connect(url)
    try:
        reply = await client.request(
            settings.ANALYZE_SUBJECT, payload, timeout=timeout, headers=headers
        )
        return orjson.loads(reply.data), dict(reply.headers or {})
    finally:
        await client.close()


async def srv(client: nats.NATS, verb: str, count: int, timeout: float = 5) -> list[dict]:
    """The answers of `count` instances to $SRV.<verb>.gogent."""
    inbox = client.new_inbox()
    answers = await client.subscribe(inbox)
    await client.publish(f"$SRV.{verb}.{SERVICE_NAME}", b"", reply=inbox)
    try:
        replies = [await answers.next_msg(timeout=timeout) for _ in range(count)]
    finally:
        await answers.unsubscribe()
    if any((reply.headers or {}).get("Status") == "503" for reply in replies):
        raise TimeoutError("no responders yet")
    return [orjson.loads(reply.data) for reply in replies]


def wait_for_instances(url: str, count: int = 1) -> None:
    """Until `count` consume_logs answer $SRV.PING (the service has subscribed)."""

    async def ping() -> bool:
        client = await nats.connect(url)
        try:
            return len(await srv(client, "PING", count, timeout=0.5)) == count
        except TimeoutError:
            return False
        finally:
            await client.close()

    wait_for(lambda: run_async(ping()), timeout=30, interval=0.2, what="the analysis service")


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ("gogent.analyze", "agent.technical.support", False),
        ("gogent.analyze", "agent.technical.support.>", False),
        ("agent.technical.support", "agent.technical.support", True),
        ("agent.technical.support.analyze", "agent.technical.support.>", True),
        ("agent.technical.support", "agent.technical.support.>", False),
        ("agent.technical", "agent.*.support", False),
        ("agent.x.support", "agent.*.support", True),
        ("gogent.analyze", ">", True),
    ],
)
def test_subjects_overlap_when_one_subject_matches_both(first, second, overlap):
    assert subjects_overlap(first, second) is overlap
    assert subjects_overlap(second, first) is overlap


@pytest.mark.parametrize(
    ("subject", "why"),
    [
        ("agent.technical.support", "captured by stream AGENT_STREAM"),
        ("agent.technical.support.analyze", "captured by stream AGENT_STREAM"),
        ("gogent.*", "no plain subject: wildcards"),
        ("gogent analyze", "no plain subject"),
        ("$SRV.analyze", "reserves"),
    ],
)
def test_an_analyze_subject_the_service_cannot_answer_on_is_refused(settings, subject, why):
    settings.ANALYZE_SUBJECT = subject
    with pytest.raises(AnalyzeSettingsError, match=re.escape(why)):
        analyze_settings_check()


def test_an_analyze_subject_where_results_are_published_is_refused(settings):
    settings.ANALYSIS_RESULTS_SUBJECT = "plant.results"
    settings.ANALYZE_SUBJECT = "plant.results"
    with pytest.raises(AnalyzeSettingsError, match="where analyses are published"):
        analyze_settings_check()


def test_a_reply_timeout_below_one_second_is_refused(settings):
    settings.ANALYZE_REPLY_TIMEOUT = 0
    with pytest.raises(AnalyzeSettingsError, match="ANALYZE_REPLY_TIMEOUT must be at least 1"):
        analyze_settings_check()


def test_consume_logs_refuses_to_start_with_a_captured_analyze_subject(settings):
    settings.ANALYZE_SUBJECT = "agent.technical.support.analyze"
    with pytest.raises(CommandError) as refused:
        call_command("consume_logs")
    assert "ANALYZE_SUBJECT='agent.technical.support.analyze' is captured by stream" in str(
        refused.value
    )
    assert "JetStream would answer requests with its acknowledgement" in str(refused.value)


def test_the_default_analyze_subject_and_the_off_switch_pass_the_check(settings):
    analyze_settings_check()
    settings.ANALYZE_SUBJECT = ""
    settings.ANALYZE_MAX_IN_FLIGHT = 0  # not checked: the service does not run
    analyze_settings_check()


@with_processes
def test_a_request_is_stored_and_answered_with_the_analysis_of_its_pattern(
    nats_server, start_consumer, start_worker
):
    with FakeLLM(latency=0.2) as fake:
        use_provider(fake.url)
        start_consumer()
        start_worker()
        wait_for_instances(nats_server.url)
        first, first_headers = run_async(
            analyze(nats_server.url, seed_log("Modbus timeout reading register 4 from slave 7"))
        )
        # A second log of the same pattern: the analysis it has, with no new LLM call.
        second, _ = run_async(
            analyze(nats_server.url, seed_log("Modbus timeout reading register 9 from slave 7"))
        )
        assert len(fake.requests) == 1

    entries = list(LogEntry.objects.order_by("stream_seq"))
    assert [entry.message for entry in entries] == [
        "Modbus timeout reading register 4 from slave 7",
        "Modbus timeout reading register 9 from slave 7",
    ]
    analysis = Analysis.objects.get()
    assert "Nats-Service-Error-Code" not in first_headers
    assert first["type"] == "analysis"
    assert first["status"] == "done"
    assert first["analysis_id"] == analysis.pk
    assert first["pattern"]["id"] == entries[0].pattern_id
    assert first["stream_seq"] == entries[0].stream_seq
    assert first["analysis"] == analysis.text
    assert first["result"]["summary"] == "Database connections are being refused by the primary."
    assert (second["analysis_id"], second["stream_seq"]) == (analysis.pk, entries[1].stream_seq)
    assert second["pattern"]["id"] == entries[0].pattern_id
    # Stored through the stream, like any log: its place there is its identity.
    assert {entry.subject for entry in entries} == {settings.NATS_SUBJECT}


@with_processes
def test_an_invalid_request_is_answered_with_the_reason_and_nothing_is_stored(
    nats_server, start_consumer
):
    start_consumer(LOG_MAX_PAYLOAD_BYTES="2000", ANALYZE_REPLY_TIMEOUT="3")
    wait_for_instances(nats_server.url)

    async def scenario() -> list[tuple[dict, dict]]:
        return [
            await analyze(nats_server.url, b"{broken"),
            await analyze(nats_server.url, orjson.dumps({"hostname": "plc-1"})),
            await analyze(nats_server.url, seed_log("x" * 3000)),
            await analyze(nats_server.url, seed_log("fine"), headers={"Nats-Msg-Id": "a\tb"}),
            # A valid one after them: the evidence that requests were served at all.
            await analyze(nats_server.url, seed_log("Valve 3 stuck open")),
        ]

    *refused, (valid, _) = run_async(scenario())

    assert [(body["status"], body["reason"]) for body, _ in refused] == [
        ("rejected", "not_json"),
        ("rejected", "missing_message"),
        ("rejected", "too_large"),
        ("rejected", "invalid_msg_id"),
    ]
    for body, headers in refused:
        assert headers["Nats-Service-Error-Code"] == "400"
        assert body["detail"].endswith("nothing was stored")
        assert headers["Nats-Service-Error"] == body["detail"][:200]
    assert (
        "payload is 3" in refused[2][0]["detail"] and "the limit is 2000" in refused[2][0]["detail"]
    )
    # No worker runs, so the valid one's analysis cannot come: stored, and pending.
    entry = wait_for(LogEntry.objects.first, what="the valid log stored")
    assert LogEntry.objects.count() == 1
    assert entry.message == "Valve 3 stuck open"
    assert valid["status"] == "pending"
    assert valid["stream_seq"] == entry.stream_seq
    assert not RejectedMessage.objects.exists()


@with_processes
def test_a_request_sent_again_with_its_nats_msg_id_is_stored_once(nats_server, start_consumer):
    start_consumer(ANALYZE_REPLY_TIMEOUT="2")
    wait_for_instances(nats_server.url)
    payload, headers = seed_log("Chiller 2 flow alarm"), {"Nats-Msg-Id": "plc-1/4711"}

    async def twice() -> list[dict]:
        return [(await analyze(nats_server.url, payload, headers=headers))[0] for _ in range(2)]

    first, again = run_async(twice())

    entry = wait_for(LogEntry.objects.first, what="the log stored")
    assert LogEntry.objects.count() == 1
    # No worker runs: the first is stored and pending; the second is recognized.
    assert (first["status"], first["stream_seq"]) == ("pending", entry.stream_seq)
    assert (again["status"], again["stream_seq"]) == ("duplicate", entry.stream_seq)
    assert "not stored again" in again["detail"]


@with_processes
def test_a_plain_publish_on_the_subject_is_stored_like_any_log(nats_server, start_consumer):
    consumer = start_consumer(ANALYZE_REPLY_TIMEOUT="1")
    wait_for_instances(nats_server.url)

    async def publish() -> None:
        client = await nats.connect(nats_server.url)
        try:
            await client.publish(settings.ANALYZE_SUBJECT, seed_log("Kiln 1 over temperature"))
            await client.flush()
        finally:
            await client.close()

    run_async(publish())
    wait_for(lambda: LogEntry.objects.filter(message="Kiln 1 over temperature").exists())
    # Its answer had nowhere to go: counted, and the service goes on.
    output = stop_gracefully(consumer)
    assert "pending 1, rejected 0, busy 0, duplicates 0, failed 0, answers not sent 1" in output


@with_processes
def test_a_provider_slower_than_the_reply_timeout_gets_a_pending_reply_naming_the_pattern(
    nats_server, start_consumer, start_worker
):
    with FakeLLM() as fake:
        use_provider(fake.url, timeout_seconds=30)
        fake.fail_next(Fault.hang(30))
        start_consumer(ANALYZE_REPLY_TIMEOUT="5")
        start_worker()
        wait_for_instances(nats_server.url)
        began = time.monotonic()
        reply, headers = run_async(
            analyze(nats_server.url, seed_log("Conveyor 4 motor overcurrent trip"))
        )
        took = time.monotonic() - began
        # The analysis was under way: the provider had the call and had not answered.
        wait_for(lambda: len(fake.requests) == 1, what="the call to the provider")
        assert not Analysis.objects.filter(status=Analysis.Status.DONE).exists()

    entry = LogEntry.objects.get()
    assert "Nats-Service-Error-Code" not in headers
    assert reply["status"] == "pending"
    assert reply["pattern_id"] == entry.pattern_id
    assert reply["id"] == entry.id
    assert reply["stream_seq"] == entry.stream_seq
    assert f"of pattern {entry.pattern_id}" in reply["detail"]
    assert settings.ANALYSIS_RESULTS_SUBJECT in reply["detail"]
    assert 5 <= took < 15


@with_processes
def test_two_consumers_share_the_requests_and_answer_srv_discovery(nats_server, start_consumer):
    start_consumer()
    start_consumer()
    wait_for_instances(nats_server.url, count=2)

    async def scenario() -> tuple[list[dict], list[dict], list[dict]]:
        for n in range(20):
            body, _ = await analyze(nats_server.url, b"not a log %d" % n)
            assert body["reason"] == "not_json"
        client = await nats.connect(nats_server.url)
        try:
            return (
                await srv(client, "PING", 2),
                await srv(client, "INFO", 2),
                await srv(client, "STATS", 2),
            )
        finally:
            await client.close()

    pings, infos, stats = run_async(scenario())

    assert {ping["name"] for ping in pings} == {SERVICE_NAME}
    assert len({ping["id"] for ping in pings}) == 2
    for info in infos:
        assert info["type"] == "io.nats.micro.v1.info_response"
        assert info["metadata"] == {"stream": "AGENT_STREAM", "subject": "agent.technical.support"}
        # What the nats CLI's schema requires: a description, metadata of strings.
        assert isinstance(info["description"], str)
        assert all(isinstance(value, str) for value in info["endpoints"][0]["metadata"].values())
        (endpoint,) = info["endpoints"]
        assert (endpoint["name"], endpoint["subject"], endpoint["queue_group"]) == (
            "analyze",
            settings.ANALYZE_SUBJECT,
            QUEUE_GROUP,
        )
    served = [stat["endpoints"][0]["num_requests"] for stat in stats]
    # One queue group: each request went to one instance, and both took some.
    assert sum(served) == 20 and min(served) > 0
    assert sorted(stat["endpoints"][0]["data"]["rejected"] for stat in stats) == sorted(served)
    assert not LogEntry.objects.exists() and not RejectedMessage.objects.exists()


@with_processes
def test_requests_past_the_limit_are_busy_and_those_in_flight_are_answered_on_sigterm(
    nats_server, start_consumer
):
    # No worker: no analysis comes, so the two requests wait for the full 30 s.
    consumer = start_consumer(ANALYZE_MAX_IN_FLIGHT="2", ANALYZE_REPLY_TIMEOUT="30")
    wait_for_instances(nats_server.url)

    async def in_flight(client: nats.NATS) -> int:
        return (await srv(client, "STATS", 1))[0]["endpoints"][0]["data"]["in_flight"]

    async def scenario() -> tuple[list[dict], dict, dict, float]:
        client = await nats.connect(nats_server.url)
        try:
            waiting = [
                asyncio.create_task(analyze(nats_server.url, seed_log(f"Pump {n} dry run")))
                for n in (1, 2)
            ]
            deadline = time.monotonic() + 20
            while await in_flight(client) < 2:
                assert time.monotonic() < deadline, "the two requests were not taken"
                await asyncio.sleep(0.1)
            busy, busy_headers = await analyze(nats_server.url, seed_log("Pump 3 dry run"))
            stopped = time.monotonic()
            consumer.send(signal.SIGTERM)
            answers = [body for body, _ in await asyncio.gather(*waiting)]
            return answers, busy, busy_headers, time.monotonic() - stopped
        finally:
            await client.close()

    answers, busy, busy_headers, answered_after = run_async(scenario())
    # Stopped by the scenario's SIGTERM; a second one would race the process's exit.
    assert consumer.wait(timeout=30) == 0, consumer.output[-3000:]
    output = consumer.output

    assert busy["status"] == "busy" and busy_headers["Nats-Service-Error-Code"] == "503"
    assert "ANALYZE_MAX_IN_FLIGHT=2" in busy["detail"]
    # Answered because the process stopped, long before their 30 s were up.
    assert [answer["status"] for answer in answers] == ["pending", "pending"]
    assert answered_after < 15
    assert "stopping: answering 2 analysis requests in flight" in output
    assert "analysis requests: answered 0, pending 2, rejected 0, busy 1" in output
    assert sorted(LogEntry.objects.values_list("message", flat=True)) == [
        "Pump 1 dry run",
        "Pump 2 dry run",
    ]


@with_processes
def test_a_subject_another_stream_captures_is_not_served_and_ingest_goes_on(
    nats_server, start_consumer
):
    async def other_stream_and_a_log() -> None:
        client = await nats.connect(nats_server.url)
        try:
            await client.jetstream().add_stream(name="OPERATORS_OWN", subjects=["gogent.>"])
            await ensure_stream_and_consumer(client)
            await client.jetstream().publish(settings.NATS_SUBJECT, seed_log("Door 2 open"))
        finally:
            await client.close()

    run_async(other_stream_and_a_log())
    consumer = start_consumer()
    wait_for(lambda: LogEntry.objects.exists(), what="the log stored")
    wait_for(
        lambda: "stream OPERATORS_OWN captures gogent.analyze" in consumer.output,
        what="the refusal in the log",
    )
    assert "not serving analysis requests" in consumer.output
    assert "answering analysis requests on" not in consumer.output
