"""NATS goes away mid-run: analyses and ticket deliveries keep flowing through real Celery
workers, results wait in the outbox, and when NATS is back each is published once, in
order. Real nats-server (killed and started again), real workers, fake LLM and Jira."""

from __future__ import annotations

import time

import nats
import orjson
import pytest
from django.conf import settings

from analysis.models import Analysis, Provider
from analysis.services import outbox_size, publisher_state
from integrations.models import Ticket
from integrations.services import ticket_open
from logs.models import LogPattern
from tests.fakes.jira import FakeJira
from tests.fakes.llm import FakeLLM
from tests.helpers.analysis import ingest, log
from tests.helpers.nats import NatsServer
from tests.helpers.tickets import JIRA_TOKEN, jira_integration_at
from tests.helpers.wait import run_async, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {"ANALYSIS_PUBLISH_TIMEOUT_MS": "1000", "ANALYSIS_PUBLISH_PAUSE_MAX": "4"}


def results_stream(server: NatsServer) -> None:
    async def create() -> None:
        client = await nats.connect(server.url)
        try:
            await client.jetstream().add_stream(
                name="RESULTS_TEST", subjects=[settings.ANALYSIS_RESULTS_SUBJECT]
            )
        finally:
            await client.close()

    run_async(create())


def published_ids(server: NatsServer) -> list[int]:
    async def read() -> list[int]:
        client = await nats.connect(server.url)
        try:
            js = client.jetstream()
            count = (await js.stream_info("RESULTS_TEST")).state.messages
            return [
                orjson.loads((await js.get_msg("RESULTS_TEST", seq)).data)["analysis_id"]
                for seq in range(1, count + 1)
            ]
        finally:
            await client.close()

    return run_async(read())


def new_patterns(first: int, count: int, admin_user, integration) -> list[Ticket]:
    """`count` patterns of their own (each message a different length), each with a ticket
    requested by hand."""
    tickets = []
    for n in range(first, first + count):
        ingest(log("Conveyor fault " + "stage " * n + "stopped"))
        pattern = LogPattern.objects.order_by("-pk").first()
        tickets.append(ticket_open(pattern=pattern, integration=integration, user=admin_user))
    return tickets


def all_done(analyses, tickets) -> bool:
    return (
        not Analysis.objects.filter(pk__in=[a.pk for a in analyses])
        .exclude(status=Analysis.Status.DONE)
        .exists()
        and not Ticket.objects.filter(pk__in=[t.pk for t in tickets])
        .exclude(status=Ticket.Status.OPEN)
        .exists()
    )


def test_analyses_and_tickets_keep_flowing_while_nats_is_down(
    nats_server, start_worker, admin_user
):
    results_stream(nats_server)
    with FakeLLM(latency=0.05) as llm, FakeJira(token=JIRA_TOKEN) as jira:
        Provider.objects.update(enabled=False, is_default=False)
        Provider.objects.create(
            name="fake", kind=Provider.Kind.OLLAMA, base_url=llm.url, model="fake-model",
            is_default=True, timeout_seconds=5.0,
        )  # fmt: skip
        integration = jira_integration_at(jira.url)
        start_worker(concurrency=4, **WORKER_ENV)
        start_worker(concurrency=4, **WORKER_ENV)

        # NATS up: results are published as analyses complete.
        tickets_up = new_patterns(1, 8, admin_user, integration)
        analyses_up = list(Analysis.objects.order_by("pk"))
        wait_for(lambda: all_done(analyses_up, tickets_up), timeout=60, what="work with NATS up")
        wait_for(lambda: len(published_ids(nats_server)) == 8, timeout=30, what="8 published")
        assert publisher_state().reachable is True

        # NATS killed: the same work completes; results wait in the outbox.
        nats_server.stop()
        stopped = time.monotonic()
        tickets_down = new_patterns(9, 8, admin_user, integration)
        analyses_down = list(Analysis.objects.exclude(pk__in=[a.pk for a in analyses_up]))
        assert len(analyses_down) == 8
        wait_for(
            lambda: all_done(analyses_down, tickets_down), timeout=60, what="work with NATS down"
        )
        assert len(jira.issues) == 16
        wait_for(lambda: publisher_state().reachable is False, timeout=30, what="a failed try")
        state = publisher_state()
        assert outbox_size() == 8
        # Tries are spaced by the pause (2 s, then 4 s): one per pause, not one per analysis
        # (counted against the time NATS has been down, which a busy machine stretches).
        down_for = time.monotonic() - stopped
        assert 1 <= state.failures <= 1 + down_for / 2, (state.failures, down_for)
        assert state.last_error.startswith("NATS at")

        # NATS back: everything waiting is published once, in the order it completed.
        nats_server.start()
        wait_for(lambda: outbox_size() == 0, timeout=60, what="the outbox drained")
        order = list(
            Analysis.objects.filter(pk__in=[a.pk for a in analyses_down])
            .order_by("finished_at", "pk")
            .values_list("pk", flat=True)
        )
        assert published_ids(nats_server)[8:] == order
        assert sorted(published_ids(nats_server)) == sorted(
            a.pk for a in analyses_up + analyses_down
        )
        state = publisher_state()
        assert (state.reachable, state.failures, state.published_total) == (True, 0, 16)
