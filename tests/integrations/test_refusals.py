"""A refused state change is a StateRefused, which views answer with 409; any other
ValueError from the same code is an error, not an operator's mistake."""

from __future__ import annotations

import pytest

from analysis.models import Analysis
from analysis.services import analysis_cancel, analysis_retry
from gogent.errors import StateRefused
from integrations.models import Ticket
from integrations.services import ticket_approve, ticket_discard, ticket_open, ticket_retry


def test_ticket_actions_the_state_does_not_allow_are_refused(pattern, jira_integration, admin_user):
    ticket = ticket_open(pattern=pattern, integration=jira_integration, user=admin_user)
    assert ticket.status == Ticket.Status.PENDING
    with pytest.raises(StateRefused, match="not a draft"):
        ticket_approve(ticket=ticket, user=admin_user)
    with pytest.raises(StateRefused, match="not a draft"):
        ticket_discard(ticket=ticket, user=admin_user)
    with pytest.raises(StateRefused, match="not failed"):
        ticket_retry(ticket=ticket, user=admin_user)
    jira_integration.enabled = False
    jira_integration.save()
    with pytest.raises(StateRefused, match="disabled"):
        ticket_open(pattern=pattern, integration=jira_integration, user=admin_user)


def test_analysis_actions_the_state_does_not_allow_are_refused(pattern, admin_user):
    analysis = Analysis.objects.create(pattern=pattern, status=Analysis.Status.DONE)
    with pytest.raises(StateRefused, match="not queued or running"):
        analysis_cancel(analysis=analysis, user=admin_user)
    with pytest.raises(StateRefused):
        analysis_retry(analysis=analysis, user=admin_user)


def test_the_api_answers_a_refusal_with_409_and_says_why(pattern, jira_integration, admin_client):
    jira_integration.enabled = False
    jira_integration.save()
    response = admin_client.post(
        f"/api/v1/patterns/{pattern.pk}/tickets",
        {"integration": jira_integration.pk},
        content_type="application/json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_state"
    assert "disabled" in error["message"]
