"""open_ticket through real Celery workers and the fake servers: races, lost replies,
Retry-After. Whatever happens, the fake holds exactly one ticket for the pattern."""

from __future__ import annotations

import base64
import json
import threading

import pytest
from django.db import connection

from integrations.models import Integration, Ticket
from integrations.services import ticket_open
from integrations.tasks import open_ticket
from logs.models import LogPattern
from tests.fakes.jira import FakeJira, Fault
from tests.fakes.servicenow import FakeServiceNow
from tests.helpers.analysis import ingest, log
from tests.helpers.celery import task_envelopes
from tests.helpers.tickets import JIRA_TOKEN, SNOW_PASSWORD
from tests.helpers.wait import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]

QUICK_RETRIES = {"TICKETS_BACKOFF_BASE_MS": "300", "TICKETS_BACKOFF_MAX_MS": "600"}


def jira_integration(fake: FakeJira, **fields) -> Integration:
    return Integration.objects.create(
        name="Plant Jira", kind=Integration.Kind.JIRA, base_url=fake.url,
        auth=Integration.Auth.TOKEN, secret=JIRA_TOKEN, project_key="OPS",
        timeout_seconds=fields.pop("timeout_seconds", 5.0), **fields,
    )  # fmt: skip


def a_pattern() -> LogPattern:
    ingest(log("Hydraulic pressure 112 bar below threshold on press 4"))
    return LogPattern.objects.get()


def opened(ticket: Ticket) -> Ticket | None:
    ticket.refresh_from_db()
    return ticket if ticket.status == Ticket.Status.OPEN else None


def test_racing_requests_and_duplicated_tasks_on_two_workers_open_one_ticket(
    start_worker, admin_user
):
    with FakeJira(token=JIRA_TOKEN, latency=0.2) as fake:
        integration = jira_integration(fake)
        pattern = a_pattern()
        start_worker(concurrency=4)
        start_worker(concurrency=4)
        tickets: list[Ticket] = []

        def request() -> None:
            try:
                tickets.append(
                    ticket_open(pattern=pattern, integration=integration, user=admin_user)
                )
            finally:
                connection.close()

        threads = [threading.Thread(target=request) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for _ in range(6):  # a broker redelivering, a sweeper re-sending
            open_ticket.delay(tickets[0].pk)

        ticket = wait_for(lambda: opened(tickets[0]), timeout=30, what="the open ticket")
        # Let the duplicates run: they find the work done or held.
        wait_for(lambda: len(fake.requests()) >= 3, what="the calls")
        threading.Event().wait(2)
        assert len({t.pk for t in tickets}) == 1
        assert Ticket.objects.count() == 1
        assert len(fake.issues) == 1
        assert len(fake.requests("create")) == 1
        assert ticket.external_key == "OPS-1"


def test_a_worker_retries_a_lost_reply_and_a_500_without_a_second_ticket(start_worker, admin_user):
    with FakeServiceNow(user="gogent", password=SNOW_PASSWORD) as fake:
        integration = Integration.objects.create(
            name="ServiceNow", kind=Integration.Kind.SERVICENOW, base_url=fake.url,
            username="gogent", secret=SNOW_PASSWORD, timeout_seconds=1.0,
        )  # fmt: skip
        # A 500, then the incident is created but the reply never comes (timeout 1 s).
        # Either may have created: each holds the next create back TICKETS_INDEX_LAG.
        fake.fail("create", Fault.status(500), Fault.after(3))
        start_worker(**QUICK_RETRIES, TICKETS_INDEX_LAG="2")
        ticket = ticket_open(pattern=a_pattern(), integration=integration, user=admin_user)

        ticket = wait_for(lambda: opened(ticket), timeout=30, what="the open ticket")

        assert len(fake.records) == 1
        first, second = fake.requests("create")
        assert second.time - first.time >= 2.0
        assert ticket.external_key == "INC0010001"
        assert ticket.attempts == 3


def test_a_worker_honours_retry_after(start_worker, admin_user):
    with FakeJira(token=JIRA_TOKEN) as fake:
        integration = jira_integration(fake)
        fake.fail("create", Fault.status(429, retry_after=2))
        start_worker(**QUICK_RETRIES)
        ticket = ticket_open(pattern=a_pattern(), integration=integration, user=admin_user)

        wait_for(lambda: opened(ticket), timeout=30, what="the open ticket")

        first, second = fake.requests("create")
        assert second.time - first.time >= 2.0
        assert len(fake.issues) == 1


def test_task_messages_carry_the_ticket_id_only(nats_server, celery_broker, admin_user):
    with FakeJira(token=JIRA_TOKEN) as fake:
        ticket = ticket_open(pattern=a_pattern(), integration=jira_integration(fake),
                             user=admin_user)  # fmt: skip

    def ticket_messages() -> list[dict]:
        task = "integrations.tasks.open_ticket"
        return [e for e in task_envelopes(celery_broker) if e["headers"]["task"] == task]

    (envelope,) = wait_for(ticket_messages, what="the task message")
    body = base64.b64decode(envelope["body"]).decode()
    assert JIRA_TOKEN not in json.dumps(envelope) and JIRA_TOKEN not in body
    assert envelope["properties"]["delivery_info"]["routing_key"] == "tickets"
    assert json.loads(body)[0] == [ticket.pk]
