"""Analysis through real processes: nats-server, consume_logs, Celery workers, a fake LLM."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import nats
import orjson
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from analysis.models import Analysis, Provider
from analysis.services import analysis_request
from analysis.tasks import analyze_pattern
from logs.consumer import ensure_stream_and_consumer
from logs.models import LogEntry, LogPattern, Severity
from tests.fakes.llm import FakeLLM, Fault
from tests.helpers.celery import task_envelopes
from tests.helpers.wait import run_async, wait_for
from tests.logs.harness import final_stats, stop_gracefully

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]


def use_provider(url: str, **fields) -> Provider:
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


def done(pattern_id: int) -> Analysis | None:
    return Analysis.objects.filter(pattern_id=pattern_id, status=Analysis.Status.DONE).first()


def log_payload(message: str, severity: str, host: str = "plc-1") -> bytes:
    return orjson.dumps(
        {
            "timestamp": datetime.now(UTC).isoformat(),
            "hostname": host,
            "severity": severity,
            "service": "line-3",
            "message": message,
        }
    )


def test_logs_in_analysis_out_once_per_pattern(
    nats_server, start_consumer, start_worker, gogent_env
):
    errors = [
        log_payload(f"Modbus timeout reading register {n} from slave 7", "ERROR") for n in range(40)
    ]
    infos = [log_payload(f"operator {n} acknowledged alarm", "INFO") for n in range(20)]
    with FakeLLM(latency=0.2) as fake:
        use_provider(fake.url)
        start_consumer()
        start_worker()

        async def scenario() -> tuple[list[dict], list[dict]]:
            client = await nats.connect(nats_server.url)
            try:
                await ensure_stream_and_consumer(client)
                inbox = client.new_inbox()
                replies = await client.subscribe(inbox)
                results = await client.subscribe(settings.ANALYSIS_RESULTS_SUBJECT)
                js = client.jetstream()
                for payload in errors[:1]:
                    await js.publish(
                        settings.NATS_SUBJECT, payload, headers={"Gogent-Reply-To": inbox}
                    )
                for payload in errors[1:] + infos:
                    await js.publish(settings.NATS_SUBJECT, payload)
                to_me = [orjson.loads((await replies.next_msg(timeout=30)).data) for _ in range(2)]
                published = [orjson.loads((await results.next_msg(timeout=30)).data)]
                return to_me, published
            finally:
                await client.close()

        to_me, published = run_async(scenario())
        wait_for(lambda: LogEntry.objects.count() == 60, what="all logs stored")

        error_pattern = LogPattern.objects.get(max_severity=Severity.ERROR)
        analysis = wait_for(lambda: done(error_pattern.pk), what="the analysis")
        later = run_async(ask_for_reply(nats_server.url, errors[0]))
        # One LLM call for 40 error logs; the INFO pattern is not analyzed.
        assert len(fake.requests) == 1
        assert Analysis.objects.count() == 1

    receipt, answer = to_me
    assert receipt["status"] == "stored"
    assert answer["type"] == "analysis"
    assert answer["analysis_id"] == analysis.pk
    assert answer["stream_seq"] == receipt["stream_seq"]
    assert answer["result"]["summary"]
    # A log of an analyzed pattern gets the existing analysis at once, with no new call.
    assert [message.get("status") for message in later] == ["stored", "done"]
    assert later[1]["analysis_id"] == analysis.pk
    assert published[0]["analysis_id"] == analysis.pk
    assert published[0]["pattern"]["template"] == error_pattern.template
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT analysis FROM agent_logs WHERE severity = 'ERROR'")
        assert cursor.fetchall() == [(analysis.text,)]
    # The result landed in AGENT_STREAM too; the consumer skipped it instead of storing it.
    wait_for(lambda: Analysis.objects.filter(published_at__isnull=False).exists(), what="published")
    assert not LogEntry.objects.filter(subject=settings.ANALYSIS_RESULTS_SUBJECT).exists()


def finished(worker) -> int:
    """analyze_pattern tasks the worker has run to their end."""
    return sum(
        "analyze_pattern[" in line and " succeeded in " in line
        for line in worker.output.splitlines()
    )


async def ask_for_reply(url: str, payload: bytes) -> list[dict]:
    client = await nats.connect(url)
    try:
        inbox = client.new_inbox()
        replies = await client.subscribe(inbox)
        await client.jetstream().publish(
            settings.NATS_SUBJECT, payload, headers={"Gogent-Reply-To": inbox}
        )
        return [orjson.loads((await replies.next_msg(timeout=30)).data) for _ in range(2)]
    finally:
        await client.close()


def test_duplicated_deliveries_complete_one_analysis_and_call_once(
    nats_server, start_worker, celery_broker
):
    with FakeLLM(latency=0.5) as fake:
        use_provider(fake.url)
        pattern = make_patterns(1)[0]
        analysis = analysis_request(pattern=pattern, trigger=Analysis.Trigger.OPERATOR)
        for _ in range(5):
            analyze_pattern.delay(analysis.pk)
        worker = start_worker(concurrency=4)
        wait_for(lambda: done(pattern.pk), what="the analysis")
        # Every delivery ran to its end (the duplicates found the work claimed or done).
        wait_for(lambda: finished(worker) == 6, what="the six deliveries")
        assert len(fake.requests) == 1
    assert Analysis.objects.filter(status=Analysis.Status.DONE).count() == 1
    assert Analysis.objects.get().attempts == 1


def test_task_messages_carry_the_id_only(nats_server, celery_broker):
    secret = "sk-proj-NEVER-IN-A-TASK-42"
    use_provider("http://127.0.0.1:9", kind=Provider.Kind.OPENAI, api_key=secret)
    pattern = make_patterns(1)[0]
    analysis = analysis_request(pattern=pattern, trigger=Analysis.Trigger.OPERATOR)
    envelopes = wait_for(lambda: task_envelopes(celery_broker), what="the task message")
    envelope = envelopes[0]
    body = base64.b64decode(envelope["body"]).decode()
    assert secret not in json.dumps(envelope) and secret not in body
    args = json.loads(body)[0]
    assert args == [analysis.pk]


def test_retry_after_is_honoured_by_a_real_worker(nats_server, start_worker, celery_broker):
    with FakeLLM() as fake:
        use_provider(fake.url)
        fake.fail_next(Fault.status(429, retry_after=2))
        pattern = make_patterns(1)[0]
        analysis_request(pattern=pattern, trigger=Analysis.Trigger.OPERATOR)
        start_worker()
        analysis = wait_for(lambda: done(pattern.pk), timeout=30, what="the analysis")
        first, second = fake.requests
    assert second.time - first.time >= 2.0
    assert analysis.attempts == 2


def test_rate_limit_holds_across_two_workers(nats_server, start_worker, celery_broker):
    """150 analyses, rpm 120, two worker processes: no 60 s window sees more than 120 calls,
    counted as a provider counts them, when they arrive."""
    rpm, total = 120, 150  # past one minute's worth, so some window is full
    with FakeLLM(latency=0.05) as fake:
        provider = use_provider(fake.url, requests_per_minute=rpm, max_concurrent=4)
        start_worker(concurrency=4)
        start_worker(concurrency=4)
        for pattern in make_patterns(total):
            analysis_request(pattern=pattern, trigger=Analysis.Trigger.OPERATOR)
        wait_for(
            lambda: Analysis.objects.filter(status=Analysis.Status.DONE).count() == total,
            timeout=300,
            interval=1,
            what=f"{total} analyses",
        )
        times = sorted(request.time for request in fake.requests)  # arrivals at the fake
    assert len(times) == total
    # Every window that opens at an arrival: the busiest sliding window of arrivals.
    busiest = max(sum(1 for t in times if start <= t < start + 60) for start in times)
    assert busiest <= rpm
    # Paced, not bursty: about 20 in any 10 s. Late turns may catch up at half spacing, and
    # delivery jitters on a busy machine; unpaced, a full minute's 120 would go at once.
    assert max(sum(1 for t in times if start <= t < start + 10) for start in times) <= 30
    # And the limit is used, not just respected.
    assert times[-1] - times[0] < (total - 1) * 60.5 / rpm + 15
    assert provider.calls.count() == total


def make_patterns(count: int) -> list[LogPattern]:
    now = timezone.now()
    return LogPattern.objects.bulk_create(
        LogPattern(
            key=f"test{n:012d}",
            template=f"Conveyor {n} stalled: <*>",
            sample_message=f"Conveyor {n} stalled: jam",
            first_seen=now - timedelta(minutes=5),
            last_seen=now,
            count=3,
            max_severity=Severity.ERROR,
        )
        for n in range(count)
    )


def test_sweeper_resends_work_a_dead_worker_lost(
    nats_server, start_worker, celery_broker, settings
):
    with FakeLLM() as fake:
        use_provider(fake.url)
        pattern = make_patterns(1)[0]
        analysis = Analysis.objects.create(
            pattern=pattern,
            trigger=Analysis.Trigger.NEW_PATTERN,
            status=Analysis.Status.RUNNING,
            lease_token="dead-worker",
            lease_until=timezone.now() - timedelta(seconds=1),
        )
        start_worker()
        from analysis.tasks import sweep_analyses

        sweep_analyses.delay()
        wait_for(lambda: done(pattern.pk), what="the recovered analysis")
        assert len(fake.requests) == 1
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE


def test_consumer_reports_skipped_results(nats_server, start_consumer):
    async def publish_result() -> None:
        client = await nats.connect(nats_server.url)
        try:
            await ensure_stream_and_consumer(client)
            js = client.jetstream()
            await js.publish(settings.ANALYSIS_RESULTS_SUBJECT, b'{"type": "analysis"}')
            await js.publish(settings.NATS_SUBJECT, log_payload("valve 3 stuck", "WARNING"))
        finally:
            await client.close()

    consumer = start_consumer()
    run_async(publish_result())
    wait_for(lambda: LogEntry.objects.count() == 1, what="the log")
    output = stop_gracefully(consumer)
    assert final_stats(output)["stored"] == 1
    assert "skipped 1 (Gogent's own results)" in output
    assert LogEntry.objects.get().message == "valve 3 stuck"


def test_a_budget_crossed_mid_flood_moves_work_down_and_is_not_overshot(
    nats_server, start_worker, celery_broker
):
    """60 analyses on two worker processes, the default provider's day budget good for
    about a third of them: it is never overshot, the rest go to the fallback, none is
    skipped, and each records its rung and why."""
    total, budget = 60, 12_000
    with FakeLLM(latency=0.05) as cloud, FakeLLM(latency=0.05) as local:
        default = use_provider(cloud.url, name="cloud", budget_tokens_per_day=budget)
        Provider.objects.create(
            name="local", kind=Provider.Kind.OLLAMA, base_url=local.url, model="fake-model",
            fallback_order=1, timeout_seconds=5.0, requests_per_minute=None, max_concurrent=None,
        )  # fmt: skip
        start_worker(concurrency=4)
        start_worker(concurrency=4)
        for pattern in make_patterns(total):
            analysis_request(pattern=pattern, trigger=Analysis.Trigger.OPERATOR)
        wait_for(
            lambda: Analysis.objects.filter(status=Analysis.Status.DONE).count() == total,
            timeout=180,
            interval=0.5,
            what=f"{total} analyses",
        )
    analyses = list(Analysis.objects.all())
    on_cloud = [a for a in analyses if a.provider_name == "cloud"]
    on_local = [a for a in analyses if a.provider_name == "local"]
    assert len(on_cloud) + len(on_local) == total
    assert on_cloud and on_local
    assert {a.rung for a in on_cloud} == {1} and {a.rung for a in on_local} == {2}
    assert all("budget per day spent" in a.rung_reason for a in on_local)
    spend = default.spend.get()
    assert spend.tokens <= budget
    assert spend.calls == len(on_cloud) == len(cloud.requests)
    # What the fake counted (words in, words out) is what the ledger holds.
    assert spend.tokens == sum(a.tokens_in + a.tokens_out for a in on_cloud)
