"""Offline analyses stand in until a provider answers: then the patterns they explain are
analyzed again by it, most severe first, a bounded batch at a time, once per pattern."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from analysis import tasks
from analysis.models import Analysis, Provider, ProviderCall
from analysis.offline import OFFLINE_TEXT_PREFIX
from analysis.services import (
    analyses_redo_offline,
    analysis_request,
    analysis_retry,
    analysis_run,
)
from analysis.services.offline_redo import OFFLINE_REDO_LOCK
from gogent.audit import SYSTEM
from gogent.runlock import run_lock_release, run_lock_take
from logs.models import LogPattern
from logs.services import pattern_set_status
from tests.fakes.llm import Fault
from tests.helpers.analysis import ingest, log
from tests.helpers.processes import free_port

pytestmark = [pytest.mark.production, pytest.mark.usefixtures("no_results_subject")]


def run(analysis: Analysis, *, steps: int = 10) -> Analysis:
    """Run an analysis's steps back to back, as if each countdown had already passed."""
    for _ in range(steps):
        Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.QUEUED).update(
            next_attempt_at=timezone.now()
        )
        Provider.objects.update(paused_until=None)
        if analysis_run(analysis_id=analysis.pk) is None:
            break
    analysis.refresh_from_db()
    return analysis


def analyzed_offline(*messages: tuple[str, str]) -> list[LogPattern]:
    """New patterns of these (message, severity) logs, analyzed by the offline analyzer."""
    enabled = list(Provider.objects.filter(enabled=True).values_list("pk", flat=True))
    Provider.objects.update(enabled=False)
    before = list(LogPattern.objects.values_list("pk", flat=True))
    for message, severity in messages:
        ingest(log(message, severity=severity))
    for analysis in Analysis.objects.filter(status=Analysis.Status.QUEUED):
        assert run(analysis).is_offline
    Provider.objects.filter(pk__in=enabled).update(enabled=True)
    return list(LogPattern.objects.exclude(pk__in=before).order_by("pk"))


def queued_redos() -> list[Analysis]:
    return list(
        Analysis.objects.filter(
            trigger=Analysis.Trigger.OFFLINE_REDO, status=Analysis.Status.QUEUED
        ).order_by("pk")
    )


def test_an_offline_explanation_says_so_in_agent_logs(db):
    (pattern,) = analyzed_offline(("Robot R3 emergency stop: light curtain zone 2 interrupted",
                                   "CRITICAL"))  # fmt: skip
    analysis = Analysis.objects.get(pattern=pattern)
    pattern.refresh_from_db()

    assert analysis.text.startswith("offline analyzer: Summary: ")
    assert pattern.explanation == analysis.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT analysis FROM agent_logs")
        assert [row[0] for row in cursor.fetchall()] == [analysis.text]


def test_a_provider_that_answers_replaces_offline_analyses_most_severe_first(
    fake_llm, make_provider, settings
):
    settings.ANALYSIS_OFFLINE_REDO_BATCH = 2
    make_provider(fake_llm.url)
    warning, critical, error, later_error = analyzed_offline(
        ("Conveyor 4 belt slipping", "WARNING"),
        ("Robot R3 emergency stop: light curtain zone 2 interrupted", "CRITICAL"),
        ("Press 2 hydraulic pressure low", "ERROR"),
        ("Oven 1 door open during cycle", "ERROR"),
    )
    LogPattern.objects.filter(pk=later_error.pk).update(
        last_seen=timezone.now() + timedelta(minutes=1)
    )

    # Never heard from: one tiny prompt tells whether it answers, then a batch is queued.
    assert analyses_redo_offline() == 2
    assert len(fake_llm.requests) == 1
    assert [a.pattern_id for a in queued_redos()] == [critical.pk, later_error.pk]
    # The batch is the bound on what waits: nothing more until it is done.
    assert analyses_redo_offline() == 0

    for analysis in queued_redos():
        done = run(analysis)
        assert (done.status, done.is_offline, done.provider_name) == ("done", False, "fake")
    critical.refresh_from_db()
    assert not critical.explanation.startswith(OFFLINE_TEXT_PREFIX)
    assert "Summary: Database connections are being refused" in critical.explanation

    assert analyses_redo_offline() == 2
    assert [a.pattern_id for a in queued_redos()] == [error.pk, warning.pk]
    for analysis in queued_redos():
        run(analysis)
    assert analyses_redo_offline() == 0
    assert not Analysis.objects.filter(status__in=["queued", "running"]).exists()
    assert len(fake_llm.requests) == 5  # the check and four analyses, none twice


def test_no_answering_provider_means_nothing_is_queued_and_few_checks(make_provider, db):
    dead = make_provider(f"http://127.0.0.1:{free_port()}")
    analyzed_offline(("Press 2 hydraulic pressure low", "ERROR"))

    assert analyses_redo_offline() == 0
    assert analyses_redo_offline() == 0  # failed moments ago: not asked again yet

    assert ProviderCall.objects.filter(provider=dead).count() == 1
    dead.refresh_from_db()
    assert dead.is_failing and "connection failed" in dead.last_error
    assert not queued_redos()


def test_a_paused_provider_is_not_asked(make_provider, fake_llm, db):
    make_provider(fake_llm.url, last_success_at=timezone.now())
    analyzed_offline(("Press 2 hydraulic pressure low", "ERROR"))
    Provider.objects.update(paused_until=timezone.now() + timedelta(minutes=1))

    assert analyses_redo_offline() == 0
    assert fake_llm.requests == []


def test_no_offline_analysis_means_no_check_at_all(make_provider, fake_llm, db):
    make_provider(fake_llm.url)
    ingest(log("Press 2 hydraulic pressure low"))
    run(Analysis.objects.get())

    assert analyses_redo_offline() == 0
    assert len(fake_llm.requests) == 1  # the analysis itself


def test_a_retried_pass_never_adds_a_second_request_for_a_pattern(
    fake_llm, make_provider, admin_user
):
    # An older failed analysis of this pattern, then its offline one.
    ingest(log("Oven 1 door open during cycle"))
    failed = Analysis.objects.get()
    Analysis.objects.filter(pk=failed.pk).update(status=Analysis.Status.FAILED)
    retried = failed.pattern
    analysis_request(pattern=retried, trigger=Analysis.Trigger.OPERATOR)
    analyzed_offline()
    requested, redone, muted = analyzed_offline(
        ("Press 2 hydraulic pressure low", "ERROR"),
        ("Conveyor 4 belt slipping", "ERROR"),
        ("Door 7 sensor chatter", "ERROR"),
    )
    make_provider(fake_llm.url, last_success_at=timezone.now())
    # Meanwhile an operator asked for one pattern and retried the failed analysis of another.
    analysis_request(pattern=requested, trigger=Analysis.Trigger.OPERATOR, user=admin_user)
    analysis_retry(analysis=failed, user=admin_user)
    pattern_set_status(pattern=muted, status=LogPattern.Status.MUTED, actor=SYSTEM)

    assert analyses_redo_offline() == 1
    assert analyses_redo_offline() == 0  # a retried task, or a second worker

    assert [a.pattern_id for a in queued_redos()] == [redone.pk]
    active = Analysis.objects.filter(status__in=["queued", "running"]).order_by("pattern_id")
    assert list(active.values_list("pattern_id", flat=True)) == [
        retried.pk,
        requested.pk,
        redone.pk,
    ]


def test_a_failed_replacement_is_left_to_an_operator(fake_llm, make_provider):
    make_provider(fake_llm.url, last_success_at=timezone.now())
    (pattern,) = analyzed_offline(("Press 2 hydraulic pressure low", "ERROR"))
    analyses_redo_offline()
    (redo,) = queued_redos()
    fake_llm.fail_next(Fault.reply("no JSON here"), Fault.reply("still none, sorry"))

    assert run(redo).status == Analysis.Status.FAILED
    assert analyses_redo_offline() == 0
    # The offline analysis stays what the pattern shows.
    pattern.refresh_from_db()
    assert pattern.explanation.startswith(OFFLINE_TEXT_PREFIX)


def test_a_replacement_that_finds_no_provider_again_is_offline_and_tried_later(make_provider, db):
    dead = make_provider(f"http://127.0.0.1:{free_port()}", last_success_at=timezone.now())
    analyzed_offline(("Press 2 hydraulic pressure low", "ERROR"))
    analyses_redo_offline()
    (redo,) = queued_redos()

    assert run(redo).is_offline
    dead.refresh_from_db()
    assert dead.is_failing
    # It answers again later (its pause over, a call succeeded).
    Provider.objects.filter(pk=dead.pk).update(paused_until=None, last_success_at=timezone.now())
    assert analyses_redo_offline() == 1


def test_zero_batch_switches_it_off(fake_llm, make_provider, settings):
    settings.ANALYSIS_OFFLINE_REDO_BATCH = 0
    make_provider(fake_llm.url, last_success_at=timezone.now())
    analyzed_offline(("Press 2 hydraulic pressure low", "ERROR"))

    assert analyses_redo_offline() == 0


def test_beat_runs_the_pass_on_the_analysis_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["analysis-offline-redo"]
    assert entry["task"] == tasks.redo_offline_analyses.name
    assert entry["schedule"] == settings.ANALYSIS_OFFLINE_REDO_INTERVAL


def test_a_pass_that_finds_the_lock_held_does_nothing(fake_llm, make_provider):
    make_provider(fake_llm.url)  # never heard from: the pass would probe it first
    analyzed_offline(("Press 2 hydraulic pressure low", "ERROR"))
    token = run_lock_take(OFFLINE_REDO_LOCK, seconds=60)
    assert token is not None

    assert analyses_redo_offline() == 0

    assert queued_redos() == []
    assert fake_llm.requests == []  # not even the probe
    run_lock_release(OFFLINE_REDO_LOCK, token)
    assert analyses_redo_offline() == 1
    assert len(queued_redos()) == 1
