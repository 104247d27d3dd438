"""send_notification through two real Celery workers and a fake Slack webhook: a 429 with
Retry-After, a 500 and a timeout in a row, and duplicated tasks. Whatever happens, the
receiver takes the message once."""

from __future__ import annotations

import pytest

from integrations.models import Channel, Notification, NotificationRule
from integrations.tasks import send_notification
from tests.fakes.chat import FakeChat, Fault
from tests.helpers.analysis import ingest, log
from tests.helpers.wait import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]

QUICK_RETRIES = {"NOTIFICATIONS_BACKOFF_BASE_MS": "300", "NOTIFICATIONS_BACKOFF_MAX_MS": "600"}


def sent(notification: Notification) -> Notification | None:
    notification.refresh_from_db()
    return notification if notification.status == Notification.Status.SENT else None


def finished_tasks(workers) -> int:
    return sum(w.output.count("integrations.tasks.send_notification[") for w in workers) // 2


def test_two_workers_send_once_through_a_429_a_500_a_timeout_and_duplicated_tasks(
    start_worker,
):
    with FakeChat() as chat:
        channel = Channel.objects.create(
            name="ops-slack", kind=Channel.Kind.SLACK, url=chat.url("/services/T1/B2/token"),
            timeout_seconds=1.0,
        )  # fmt: skip
        NotificationRule.objects.create(
            name="new patterns", channel=channel, events=["new_pattern"], group_seconds=1,
            cooldown_minutes=0,
        )  # fmt: skip
        chat.fail(Fault.status(429, retry_after=2), Fault.status(500), Fault.hang(3))
        workers = [start_worker(concurrency=4, **QUICK_RETRIES) for _ in range(2)]

        # The ingest transaction commits, then its task is sent.
        ingest(log("Hydraulic pressure 112 bar below threshold on press 4"))
        notification = Notification.objects.get()
        for _ in range(6):  # a broker redelivering, a sweep re-sending
            send_notification.delay(notification.pk)

        notification = wait_for(lambda: sent(notification), timeout=60, what="the message")
        # Evidence that the duplicates ran too: the first task, six duplicates and at least
        # three comebacks (each logs received and succeeded).
        wait_for(lambda: finished_tasks(workers) >= 10, timeout=30, what="every task")

        assert chat.accepted_keys() == {notification.idempotency_key: 1}
        first, second, third, fourth = chat.received
        assert [r.status for r in (first, second, third, fourth)] == [429, 500, 0, 200]
        assert second.time - first.time >= 2.0  # Retry-After honoured by whichever worker
        assert notification.attempts == 4
        assert Channel.objects.get().last_success_at is not None
