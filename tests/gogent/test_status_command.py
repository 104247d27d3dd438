"""`manage.py status`: one screen or one JSON object, and an exit code for cron and
monitoring: 0 all well, 1 warnings only, 2 something down (gogent.status)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import nats
import pytest
from django.core.management import call_command
from django.utils import timezone

from analysis.models import Provider, ResultsPublisher
from gogent.models import RunLock
from gogent.monitoring import consumer_lag
from logs.consumer import ensure_stream_and_consumer
from tests.gogent.test_operations import write_supervisor_state
from tests.helpers.analysis import analysis_in_outbox, ingest, log
from tests.helpers.processes import BASE_DIR, free_port
from tests.helpers.tickets import jira_integration_at
from tests.helpers.wait import wait_for

SECTIONS = ["components", "processes", "celery", "ingest", "syslog", "analysis", "tickets"]


@pytest.fixture(autouse=True)
def _quick_probes(settings, tmp_path) -> None:
    """Nothing answers unless a test starts it: NATS on a free port, no supervisor."""
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]
    settings.MONITORING_TIMEOUT = 0.3
    settings.SUPERVISOR_DIR = tmp_path / "no-supervisor"


def status(*args: str) -> tuple[int, str]:
    """(exit code, stdout) of `manage.py status`, run in this process."""
    out = StringIO()
    try:
        call_command("status", *args, stdout=out, no_color=True)
    except SystemExit as exit:
        return int(exit.code), out.getvalue()
    return 0, out.getvalue()


def status_json() -> tuple[int, dict]:
    code, out = status("--json")
    return code, json.loads(out)


def problems_of(report: dict, section: str) -> list[tuple[str, str]]:
    return [(p["level"], p["message"]) for p in report["problems"] if p["section"] == section]


def test_with_nats_down_it_exits_2_and_says_which_component_is_down(db):
    code, screen = status()

    assert code == 2
    assert screen.startswith("Gogent: DOWN (")
    problems = screen.split("\nProblems\n")[1].splitlines()
    assert "  DOWN     components: nats is down: nats: no servers available for connection" in (
        problems
    )
    assert "  DOWN     celery: no Celery worker answered: analyses and tickets wait" in problems
    components = screen.split("\nComponents [DOWN]\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[:2] for line in components] == [
        ["database", "up"],
        ["nats", "DOWN:"],
        ["broker", "up"],
    ]
    # Labels line up: every value starts in the same column.
    rows = [line for line in screen.splitlines() if line.startswith("  ") and "  " in line[2:]]
    starts = {len(line) - len(line[2:].split("  ", 1)[1].lstrip()) for line in rows[:8]}
    assert len(starts) == 1


def test_json_is_one_object_with_stable_keys(db):
    code, report = status_json()

    assert code == 2
    assert list(report) == ["status", "exit_code", "checked_at", "problems", "sections"]
    assert (report["status"], report["exit_code"]) == ("down", 2)
    assert list(report["sections"]) == SECTIONS
    for section in report["sections"].values():
        assert list(section) == ["title", "status", "data"]
    assert all(list(p) == ["section", "level", "message"] for p in report["problems"])
    assert report["sections"]["components"]["data"]["nats"]["ok"] is False
    assert report["sections"]["components"]["data"]["database"]["ok"] is True
    assert report["sections"]["ingest"]["data"]["backlog"]["ok"] is False
    assert report["sections"]["celery"]["data"]["workers"] == []
    assert report["sections"]["processes"]["data"]["supervised"] is False
    assert report["sections"]["analysis"]["data"]["providers"][0]["name"] == "Local Ollama"
    assert report["sections"]["tickets"]["data"]["integrations"] == []
    # Every status is counted, seen or not, so a monitor's key is always there.
    assert report["sections"]["analysis"]["data"]["counts"] == {
        "queued": 0, "running": 0, "done": 0, "failed": 0, "cancelled": 0,
    }  # fmt: skip
    assert set(report["sections"]["tickets"]["data"]["counts"]) == {
        "draft", "pending", "open", "closed", "failed", "discarded", "duplicate",
    }  # fmt: skip


def test_a_provider_failing_is_a_warning_while_something_answers_and_down_when_nothing_does(
    db, settings
):
    Provider.objects.update(
        last_error="connection refused", last_error_at=timezone.now(), last_success_at=None
    )
    settings.ANALYSIS_OFFLINE_FALLBACK = True
    [nothing_answers, failing] = problems_of(status_json()[1], "analysis")
    assert nothing_answers == (
        "warning",
        "no LLM provider answers (Local Ollama): analyses come from the offline analyzer",
    )
    assert failing[0] == "warning"
    assert failing[1].startswith("provider Local Ollama is failing its last call ")
    assert failing[1].endswith(" ago): connection refused (no fallback answers)")

    settings.ANALYSIS_OFFLINE_FALLBACK = False
    assert problems_of(status_json()[1], "analysis")[0] == (
        "down",
        "no LLM provider answers (Local Ollama): analyses fail",
    )

    Provider.objects.create(name="Cloud", kind=Provider.Kind.OPENAI, fallback_order=1)
    report = status_json()[1]
    assert [level for level, _ in problems_of(report, "analysis")] == ["warning"]
    assert "(Cloud answers instead)" in problems_of(report, "analysis")[0][1]
    states = {p["name"]: p["state"] for p in report["sections"]["analysis"]["data"]["providers"]}
    assert states == {"Local Ollama": "failing", "Cloud": "ok"}


def test_results_waiting_for_an_unreachable_nats_are_down(db):
    ResultsPublisher.objects.create(
        pk=1,
        reachable=False,
        failures=3,
        unreachable_since=timezone.now() - timedelta(minutes=5),
        last_failure_at=timezone.now(),
        last_error="nats: timeout",
    )
    [(level, message)] = problems_of(status_json()[1], "analysis")
    assert level == "warning"  # nothing waits: only its last attempt failed
    assert message.startswith("the results publisher's last attempt failed")

    analysis_in_outbox("k1")
    [(level, message)] = problems_of(status_json()[1], "analysis")
    assert level == "down"
    assert message.startswith("NATS unreachable for the results publisher since ")
    assert message.endswith("nats: timeout; 1 result and 0 answers waiting")


def test_an_integration_whose_sign_in_was_refused_is_down(db):
    jira_integration_at("http://127.0.0.1:9", name="Plant Jira")
    assert problems_of(status_json()[1], "tickets") == []

    jira_integration_at(
        "http://127.0.0.1:9",
        name="Old Jira",
        auth_failed_at=timezone.now(),
        last_error="HTTP 401: Unauthorized",
        last_error_at=timezone.now(),
    )
    [(level, message)] = problems_of(status_json()[1], "tickets")
    assert level == "down"
    assert message.startswith("integration Old Jira: auth failed ")
    assert "HTTP 401: Unauthorized; rules send it nothing until an admin saves it again" in message


def test_messages_waiting_with_nothing_stored_for_a_while_is_ingest_stalled(
    db, settings, nats_server
):
    settings.NATS_SERVERS = [nats_server.url]
    settings.MONITORING_TIMEOUT = 2

    async def publish(count: int) -> None:
        client = await nats.connect(nats_server.url)
        try:
            await ensure_stream_and_consumer(client)
            js = client.jetstream()
            for n in range(count):
                await js.publish(
                    settings.NATS_SUBJECT, json.dumps(log(f"Pump {n} stopped")).encode()
                )
        finally:
            await client.close()

    asyncio.run(publish(3))
    wait_for(lambda: consumer_lag().pending == 3, what="3 messages waiting in the stream")

    report = status_json()[1]
    assert problems_of(report, "ingest") == [
        (
            "down",
            "ingest stalled: 3 messages waiting in JetStream and nothing was ever stored "
            "(is consume_logs running? its log says why it stopped)",
        )
    ]
    assert report["sections"]["ingest"]["data"]["backlog"]["pending"] == 3

    # A log stored just now: ingest is moving, the backlog is not stuck (yet).
    ingest(log("Valve 1 stuck"))
    assert problems_of(status_json()[1], "ingest") == []
    settings.STATUS_INGEST_STALLED_AFTER = 0
    [(level, message)] = problems_of(status_json()[1], "ingest")
    assert level == "down"
    assert message.startswith(
        "ingest stalled: 3 messages waiting in JetStream and nothing was stored for "
    )


def test_a_supervised_process_failing_is_down_and_a_late_periodic_job_a_warning(db, settings):
    write_supervisor_state(settings.SUPERVISOR_DIR)  # worker in BACKOFF, the rest running
    RunLock.objects.create(name="analysis-sweep", taken_at=timezone.now() - timedelta(minutes=10))
    RunLock.objects.create(name="tickets-sync", taken_at=timezone.now() - timedelta(minutes=10))

    report = status_json()[1]

    assert problems_of(report, "processes") == [
        ("down", "process worker is BACKOFF (last exit: exit status 1)")
    ]
    assert report["sections"]["processes"]["data"]["processes"]["consumer"]["restarts"] == 3
    # Every 15 s, so late; tickets-sync runs every 300 s, so not yet.
    assert ("warning", "periodic job analysis-sweep last started 10 min ago, due every 15 s: "
                       "is celery beat running?") in problems_of(report, "celery")  # fmt: skip
    assert not any("tickets-sync" in message for _, message in problems_of(report, "celery"))


@pytest.mark.slow
def test_a_child_process_exits_2_when_nats_is_down_and_prints_nothing_else(gogent_env, tmp_path):
    env = {
        **gogent_env,
        "NATS_URL": f"nats://127.0.0.1:{free_port()}",
        "MONITORING_TIMEOUT_MS": "300",
    }
    run = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "status", "--json"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["exit_code"] == 2
    # A cron job running it mails whatever it prints there.
    assert "No hostname was supplied" not in run.stderr
    assert ("down", "nats is down: nats: no servers available for connection") in problems_of(
        report, "components"
    )


@pytest.mark.slow
def test_all_up_exits_0_a_warning_exits_1_and_a_component_down_exits_2(
    settings, nats_server, start_consumer, start_worker, gogent_env
):
    settings.NATS_SERVERS = [nats_server.url]
    settings.MONITORING_TIMEOUT = 2
    start_consumer()
    start_worker(concurrency=1)
    wait_for(lambda: consumer_lag().ok, timeout=30, what="consume_logs to create its consumer")

    code, screen = status()
    assert code == 0, screen
    assert screen.startswith("Gogent: OK, ")
    assert "\nProblems\n" not in screen
    assert "w0@" in screen.split("\nCelery\n")[1]

    # The same from a separate process, as cron runs it.
    run = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "status"],
        cwd=BASE_DIR, env=gogent_env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    assert run.stdout.startswith("Gogent: OK, ")

    settings.ANALYSIS_OFFLINE_FALLBACK = True
    # Flushed between transactional tests, the database has no provider until one is made.
    Provider.objects.create(
        name="Plant LLM", is_default=True, last_error="HTTP 500", last_error_at=timezone.now()
    )
    code, screen = status()
    assert code == 1, screen
    assert screen.startswith("Gogent: WARNING (2 problems), ")

    nats_server.stop()
    code, screen = status()
    assert code == 2, screen
    assert "  DOWN     components: nats is down: " in screen
