import pytest
from django.utils import timezone

from logs.models import LogPattern, RejectedMessage, Severity

pytestmark = pytest.mark.django_db


@pytest.fixture
def pattern() -> LogPattern:
    now = timezone.now()
    return LogPattern.objects.create(
        key="k1",
        template="Connection to <*> refused",
        sample_message="Connection to 10.0.0.1:80 refused",
        first_seen=now,
        last_seen=now,
        count=3,
        max_severity=Severity.ERROR,
    )


def test_admin_changes_a_patterns_status_and_records_when(admin_client, pattern):
    response = admin_client.post(
        f"/admin/logs/logpattern/{pattern.pk}/change/",
        {
            "status": "resolved",
            **{f"stats-{field}": 0 for field in ("TOTAL_FORMS", "INITIAL_FORMS")},
        },
    )
    assert response.status_code == 302
    pattern.refresh_from_db()
    assert pattern.status == LogPattern.Status.RESOLVED
    assert pattern.status_changed_at is not None
    assert pattern.template == "Connection to <*> refused"  # read-only fields untouched


def test_admin_shows_quarantined_payloads_as_escaped_text(admin_client):
    rejected = RejectedMessage.objects.create(
        received_at=timezone.now(),
        subject="agent.technical.support",
        reason=RejectedMessage.Reason.NOT_JSON,
        detail="payload is not JSON",
        raw=b"<script>alert(1)</script>",
        size=25,
    )
    page = admin_client.get(f"/admin/logs/rejectedmessage/{rejected.pk}/change/")
    assert page.status_code == 200
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    assert b"<script>alert(1)</script>" not in page.content


def test_admin_lists_logs_patterns_and_quarantine(admin_client, pattern):
    for url in ("/admin/logs/logentry/", "/admin/logs/logpattern/", "/admin/logs/rejectedmessage/"):
        assert admin_client.get(url).status_code == 200
