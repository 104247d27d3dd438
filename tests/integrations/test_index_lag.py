"""Never a second ticket when the remote's search lags: after a create whose outcome is
unknown, no worker creates again until the correlation search has stayed empty for
TICKETS_INDEX_LAG. Against a fake Jira whose search shows new issues late, as Jira Cloud's
index does (here 2 s instead of tens of seconds, with a lag setting to match)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
from django.db import connection
from django.utils import timezone

from gogent.models import AuditEvent
from integrations.models import Ticket
from integrations.remote import reply_lost
from integrations.services import ticket_deliver, ticket_open
from integrations.tasks import open_ticket
from tests.fakes.jira import FakeJira, Fault
from tests.helpers.processes import free_port
from tests.helpers.tickets import JIRA_TOKEN, jira_integration_at
from tests.helpers.wait import wait_for

SEARCH_LAG = 2.0


@pytest.fixture
def lagging_jira() -> Iterator[FakeJira]:
    with FakeJira(token=JIRA_TOKEN, search_lag=SEARCH_LAG) as fake:
        yield fake


def attempt(ticket: Ticket) -> float | None:
    """One delivery now, as if its countdown had passed."""
    Ticket.objects.filter(pk=ticket.pk).update(next_attempt_at=timezone.now())
    wait = ticket_deliver(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    return wait


@pytest.mark.production
def test_after_a_create_whose_reply_was_lost_the_search_is_given_time_to_show_it(
    pattern, lagging_jira, admin_user, settings
):
    settings.TICKETS_INDEX_LAG = SEARCH_LAG + 1.5
    integration = jira_integration_at(lagging_jira.url)
    lagging_jira.fail("create", Fault.after(3))  # created; the reply never comes (timeout 1 s)
    ticket = ticket_open(pattern=pattern, integration=integration, user=admin_user)

    assert attempt(ticket) is not None
    assert ticket.ambiguous_create_at is not None
    assert "did not answer (create the" in ticket.error

    # The retry searches, finds nothing yet, and waits instead of creating: not an attempt.
    wait = attempt(ticket)
    assert wait is not None and 0 < wait <= settings.TICKETS_INDEX_LAG
    assert ticket.status == Ticket.Status.PENDING
    assert ticket.attempts == 1
    assert "searching again at" in ticket.error
    assert len(lagging_jira.requests("create")) == 1

    wait_for(lambda: timezone.now() >= ticket.next_attempt_at, timeout=10, what="the index lag")
    assert attempt(ticket) is None

    assert ticket.status == Ticket.Status.OPEN
    assert (ticket.external_key, ticket.ambiguous_create_at, ticket.error) == ("OPS-1", None, "")
    assert len(lagging_jira.issues) == 1
    assert len(lagging_jira.requests("create")) == 1
    created = AuditEvent.objects.get(action=AuditEvent.Action.TICKET_CREATED)
    assert created.details["found_existing"] is True
    assert created.details["after_ambiguous_create"] is True


def test_without_the_index_lag_the_same_fault_makes_a_second_issue(
    pattern, lagging_jira, admin_user, settings
):
    """What the lag prevents (and what Gogent did before it): the retry's search comes
    back empty, so it creates again."""
    settings.TICKETS_INDEX_LAG = 0
    integration = jira_integration_at(lagging_jira.url)
    lagging_jira.fail("create", Fault.after(3))
    ticket = ticket_open(pattern=pattern, integration=integration, user=admin_user)

    attempt(ticket)
    attempt(ticket)

    assert ticket.status == Ticket.Status.OPEN
    assert len(lagging_jira.issues) == 2


def test_a_search_still_empty_after_the_lag_creates_again(
    pattern, fake_jira, jira_integration, admin_user, settings
):
    settings.TICKETS_INDEX_LAG = 1
    fake_jira.fail("create", Fault.hang(3))  # nothing created, no answer
    ticket = ticket_open(pattern=pattern, integration=jira_integration, user=admin_user)
    attempt(ticket)
    assert ticket.ambiguous_create_at is not None

    wait_for(lambda: attempt(ticket) is None, timeout=10, what="the create after the lag")

    assert ticket.status == Ticket.Status.OPEN
    assert len(fake_jira.issues) == 1
    assert len(fake_jira.requests("create")) == 2


def test_a_5xx_on_create_is_ambiguous_and_a_refused_connection_is_not(
    pattern, fake_jira, jira_integration, admin_user, settings
):
    settings.TICKETS_INDEX_LAG = 60
    fake_jira.fail("create", Fault.status(502))
    ticket = ticket_open(pattern=pattern, integration=jira_integration, user=admin_user)
    attempt(ticket)
    assert ticket.ambiguous_create_at is not None
    attempt(ticket)  # the search is empty: it waits for the lag instead of creating
    assert len(fake_jira.requests("create")) == 1

    Ticket.objects.filter(pk=ticket.pk).update(ambiguous_create_at=None)
    jira_integration.base_url = f"http://127.0.0.1:{free_port()}"
    jira_integration.save(update_fields=["base_url"])
    attempt(ticket)
    assert "cannot reach Jira" in ticket.error
    assert ticket.ambiguous_create_at is None


def test_which_request_failures_may_have_reached_the_remote_side():
    refused = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(requests.ConnectionError) as error:
        requests.get(refused, timeout=2)
    assert not reply_lost(error.value)

    with FakeJira(token=JIRA_TOKEN) as fake:
        fake.fail("serverInfo", Fault.hang(2))
        with pytest.raises(requests.ReadTimeout) as error:
            requests.get(f"{fake.url}/rest/api/2/serverInfo", timeout=0.5)
    assert reply_lost(error.value)
    assert not reply_lost(requests.ConnectTimeout())


@pytest.mark.slow
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_workers_racing_after_a_lost_reply_leave_one_issue(
    start_worker, pattern, lagging_jira, admin_user
):
    integration = jira_integration_at(lagging_jira.url)
    lagging_jira.fail("create", Fault.after(3))
    start_worker(
        concurrency=4,
        TICKETS_INDEX_LAG=str(int(SEARCH_LAG) + 2),
        TICKETS_BACKOFF_BASE_MS="200",
        TICKETS_BACKOFF_MAX_MS="400",
    )
    start_worker(
        concurrency=4,
        TICKETS_INDEX_LAG=str(int(SEARCH_LAG) + 2),
        TICKETS_BACKOFF_BASE_MS="200",
        TICKETS_BACKOFF_MAX_MS="400",
    )

    def request() -> Ticket:
        try:
            return ticket_open(pattern=pattern, integration=integration, user=admin_user)
        finally:
            connection.close()

    ticket = request()
    wait_for(lambda: len(lagging_jira.requests("create")) == 1, what="the first create")
    # Redeliveries and sweeps re-sending the task while the create's outcome is unknown.
    for _ in range(4):
        open_ticket.delay(ticket.pk)
        threading.Event().wait(0.5)

    wait_for(
        lambda: Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.OPEN,
        timeout=30,
        what="the ticket open",
    )
    assert len(lagging_jira.issues) == 1
    assert len(lagging_jira.requests("create")) == 1
