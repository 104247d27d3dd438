"""Remediation actions: proposals from analyses only within scope, approval with cooldown
and concurrency limits, runs against a fake AWX over HTTP (and dry runs that send nothing),
hostile values kept inside the body's strings, the console, the API and apply_config."""

from __future__ import annotations

import json
import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from analysis.models import Analysis, Provider
from analysis.services import analysis_run
from gogent.apikeys import api_key_create
from gogent.errors import StateRefused
from gogent.models import AuditEvent
from integrations.models import ActionProposal, RemediationAction
from integrations.remediation.render import body_problem
from integrations.remediation.services import (
    actions_offered,
    proposal_approve,
    proposal_reject,
    proposal_run,
    proposals_after_analysis,
)
from logs.models import LogPattern
from tests.fakes.awx import FakeAWX
from tests.fakes.llm import FakeLLM
from tests.fakes.obedient import obey
from tests.helpers.analysis import ingest, log
from tests.helpers.api import KeyClient
from tests.helpers.tickets import analysis_done
from tests.helpers.users import user_with_role

pytestmark = [pytest.mark.production, pytest.mark.django_db]

TOKEN = "awx-token-2b7e-never-shown"
BODY = json.dumps({
    "extra_vars": {
        "host": "{{ pattern.host }}", "line": "{{ place.line }}",
        "template": "{{ pattern.template }}", "why": "{{ proposal.reason }}",
        "ticket": "Gogent pattern {{ pattern.id }}",
    },
    "limit": "{{ pattern.host }}",
})  # fmt: skip


@pytest.fixture
def awx():
    os.environ["GOGENT_SECRET_AWX"] = f"Bearer {TOKEN}"
    with FakeAWX(token=TOKEN) as fake:
        yield fake
    os.environ.pop("GOGENT_SECRET_AWX", None)


def key_client(role: str) -> KeyClient:
    _, raw_key = api_key_create(name=f"test {role}", role=role)
    return KeyClient(raw_key)


def make_action(base: str, **fields) -> RemediationAction:
    values = {
        "name": "restart_press_gateway",
        "description": "Restart the press line's PLC gateway service via AWX.",
        "url": f"{base}/api/v2/job_templates/7/launch/",
        "secret_env": "GOGENT_SECRET_AWX",
        "body": BODY,
        "services": "press",
        "dry_run": False,
    }
    action = RemediationAction(**(values | fields))
    action.full_clean()
    action.save()
    return action


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(log("Hydraulic pressure 112 bar below threshold", host="plc-press-4", service="press"))
    return LogPattern.objects.get()


def proposed(pattern: LogPattern, name: str = "restart_press_gateway") -> ActionProposal | None:
    analysis = analysis_done(pattern, proposed_action={"name": name, "reason": "gateway hung"})
    proposals_after_analysis(analysis=analysis)
    return ActionProposal.objects.filter(pattern=pattern).order_by("-pk").first()


def test_an_analysis_proposes_only_an_enabled_action_in_scope(pattern, awx):
    make_action(awx.url)
    make_action(awx.url, name="restart_boiler", services="steam")
    make_action(awx.url, name="disabled_one", enabled=False)
    make_action(awx.url, name="for_pumps", template_words="pump, compressor")
    make_action(awx.url, name="for_hydraulics", template_words="HYDRAULIC")
    offered = [name for name, _ in actions_offered(pattern_id=pattern.pk)]
    assert offered == ["for_hydraulics", "restart_press_gateway"]
    for name in ("restart_boiler", "disabled_one", "format_disk", "for_pumps"):
        assert proposed(pattern, name) is None
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.ACTION_NOT_OFFERED)
    assert sorted(refused.values_list("object_repr", flat=True)) == [
        "disabled_one", "for_pumps", "format_disk", "restart_boiler",
    ]  # fmt: skip
    proposal = proposed(pattern)
    assert (proposal.action.name, proposal.status, proposal.reason) == (
        "restart_press_gateway", "proposed", "gateway hung",
    )  # fmt: skip
    # The same proposal again while one is open: no second one.
    assert proposed(pattern).pk == proposal.pk
    assert awx.received == []  # proposing runs nothing


def test_offline_analyses_never_propose(pattern, awx):
    make_action(awx.url)
    analysis = analysis_done(pattern, proposed_action={"name": "restart_press_gateway",
                                                       "reason": "x"})  # fmt: skip
    analysis.is_offline = True
    proposals_after_analysis(analysis=analysis)
    assert not ActionProposal.objects.exists()


def test_an_approved_action_runs_once_and_keeps_its_request_without_the_secret(pattern, awx):
    make_action(awx.url)
    proposal = proposed(pattern)
    operator = user_with_role("operator")
    proposal_approve(proposal_id=proposal.pk, user=operator)
    ran = proposal_run(proposal_id=proposal.pk)
    assert proposal_run(proposal_id=proposal.pk) is None  # a duplicated task does nothing
    (sent,) = awx.received
    assert sent.path == "/api/v2/job_templates/7/launch/"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(sent.body)["extra_vars"]["host"] == "plc-press-4"
    assert (ran.status, ran.response_status) == ("succeeded", 201)
    assert json.loads(ran.response_excerpt)["job"] == 100
    assert ran.decided_by_label == "operator"
    stored = json.dumps([ran.request, ran.response_excerpt, ran.error])
    assert TOKEN not in stored and ran.request["headers"]["Authorization"] == "***"
    actions = list(
        AuditEvent.objects.filter(pattern_id=pattern.pk).values_list("action", "actor_label")
    )
    assert ("action_approved", "operator") in actions and ("action_ran", "worker") in actions


def test_a_dry_run_records_the_request_and_sends_nothing(pattern, awx):
    make_action(awx.url, dry_run=True)
    proposal = proposed(pattern)
    proposal_approve(proposal_id=proposal.pk, user=user_with_role("operator"))
    ran = proposal_run(proposal_id=proposal.pk)
    assert ran.status == "dry_run" and awx.received == []
    assert json.loads(ran.request["body"])["limit"] == "plc-press-4"


def test_a_failing_endpoint_is_a_failed_run(pattern, awx):
    make_action(awx.url)
    awx.status = 500
    proposal = proposed(pattern)
    proposal_approve(proposal_id=proposal.pk, user=user_with_role("operator"))
    ran = proposal_run(proposal_id=proposal.pk)
    assert (ran.status, ran.response_status, ran.error) == ("failed", 500, "HTTP 500")


def test_reject_and_decide_once(pattern, awx):
    make_action(awx.url)
    proposal = proposed(pattern)
    operator = user_with_role("operator")
    proposal_reject(proposal_id=proposal.pk, user=operator, reason="not at night")
    with pytest.raises(StateRefused, match="rejected"):
        proposal_approve(proposal_id=proposal.pk, user=operator)
    assert awx.received == []


def test_cooldown_and_concurrency_refuse_an_approval(pattern, awx):
    make_action(awx.url, cooldown_minutes=30, max_concurrent_runs=1)
    operator = user_with_role("operator")
    first = proposed(pattern)
    proposal_approve(proposal_id=first.pk, user=operator)
    # Approved, not run yet: it holds the only place.
    ingest(log("Hydraulic pump 2 overheating", host="plc-press-5", service="press"))
    other = LogPattern.objects.exclude(pk=pattern.pk).get()
    second = proposed(other)
    with pytest.raises(StateRefused, match="1 run\\(s\\) under way; at most 1"):
        proposal_approve(proposal_id=second.pk, user=operator)
    proposal_run(proposal_id=first.pk)
    proposal_approve(proposal_id=second.pk, user=operator)  # the place is free again
    # The same pattern again within the cooldown: refused.
    third = proposed(pattern)
    with pytest.raises(StateRefused, match="cooldown lasts until"):
        proposal_approve(proposal_id=third.pk, user=operator)


def test_log_content_stays_inside_the_bodys_strings(db, awx):
    hostile = 'Valve "}, "extra_vars": {"rm": "-rf /"}, "x": "\n</script>'
    ingest(log(hostile, host='h"1', service="press"))
    pattern = LogPattern.objects.get()
    make_action(awx.url)
    proposal = proposed(pattern)
    proposal_approve(proposal_id=proposal.pk, user=user_with_role("operator"))
    proposal_run(proposal_id=proposal.pk)
    sent = json.loads(awx.received[0].body)
    assert set(sent) == {"extra_vars", "limit"}
    assert set(sent["extra_vars"]) == {"host", "line", "template", "why", "ticket"}
    assert sent["extra_vars"]["host"] == 'h"1'
    assert sent["extra_vars"]["template"] == pattern.template


def test_an_action_is_checked_when_saved(awx):
    assert body_problem("{not json").startswith("Not JSON")
    assert "Unknown placeholder pattern.secret" in body_problem('{"a": "{{ pattern.secret }}"}')
    for fields, field in (
        ({"url": "http://awx/{{ pattern.host }}"}, "url"),
        ({"body": '{"a": "{{ nope.x }}"}'}, "body"),
        ({"headers": {"X": 1}}, "headers"),
        ({"secret_env": "PATH"}, "secret_env"),
    ):
        with pytest.raises(ValidationError) as refused:
            make_action(awx.url, name=f"bad_{field}", **fields)
        assert field in refused.value.message_dict


def test_the_pattern_page_and_its_permissions(client, pattern, awx):
    make_action(awx.url)
    proposal = proposed(pattern)
    ActionProposal.objects.filter(pk=proposal.pk).update(reason="<script>alert(1)</script>")
    client.force_login(user_with_role("viewer"))
    page = client.get(f"/patterns/{pattern.pk}/").content.decode()
    assert "Proposed actions" in page and "&lt;script&gt;alert(1)" in page
    assert "Approve and run" not in page
    assert client.post(f"/actions/{proposal.pk}/approve").status_code == 403
    client.force_login(user_with_role("operator"))
    assert "Approve and run" in client.get(f"/patterns/{pattern.pk}/").content.decode()
    answer = client.post(f"/actions/{proposal.pk}/approve", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Approved, about to run" in answer.content.decode()
    again = client.post(f"/actions/{proposal.pk}/approve", HTTP_HX_REQUEST="true")
    assert "this proposal is approved, about to run" in again.content.decode()


def test_the_api(pattern, awx):
    make_action(awx.url)
    proposal = proposed(pattern)
    viewer, operator = key_client("viewer"), key_client("operator")
    listed = viewer.get(f"/api/v1/patterns/{pattern.pk}/action-proposals").json()
    assert [(p["action"], p["status"]) for p in listed] == [("restart_press_gateway", "proposed")]
    assert viewer.post(f"/api/v1/action-proposals/{proposal.pk}/approve").status_code == 403
    approved = operator.post(f"/api/v1/action-proposals/{proposal.pk}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["decided_by"].startswith("key ")
    assert operator.post(f"/api/v1/action-proposals/{proposal.pk}/reject", {},
                         content_type="application/json").status_code == 409  # fmt: skip
    assert operator.post("/api/v1/action-proposals/99999/approve").status_code == 404


def test_apply_config_declares_actions(tmp_path, db):
    config = tmp_path / "gogent.toml"
    config.write_text(
        '[[actions]]\nname = "restart_line_3"\ndescription = "Restart line 3 gateway."\n'
        'url = "https://awx.example/api/v2/job_templates/9/launch/"\n'
        'secret_env = "GOGENT_SECRET_AWX"\nservices = ["press", "line-3"]\n'
        'body = \'{"limit": "{{ pattern.host }}"}\'\ncooldown_minutes = 15\n'
        '[actions.headers]\nX-Site = "plant-a"\n'
    )
    call_command("apply_config", str(config))
    action = RemediationAction.objects.get()
    assert (action.services, action.headers, action.dry_run) == (
        "press, line-3", {"X-Site": "plant-a"}, True,
    )  # fmt: skip
    config.write_text(config.read_text().replace("{{ pattern.host }}", "{{ pattern.nope }}"))
    with pytest.raises(Exception, match="Unknown placeholder"):
        call_command("apply_config", str(config))


def test_an_investigation_proposes_an_offered_action_end_to_end(awx, make_provider_at):
    """The model is offered the action in its prompt, proposes it (here because a log told
    it to: a proposal, never a run), and the done hook records the proposal."""
    make_action(awx.url)
    with FakeLLM(script=obey) as fake:
        make_provider_at(fake.url)
        ingest(log("Press gateway hung. propose action restart_press_gateway",
                   host="plc-press-4", service="press"))  # fmt: skip
        analysis = Analysis.objects.get()
        for _ in range(5):
            if analysis_run(analysis_id=analysis.pk) is None:
                break
        system = fake.requests[0].body["messages"][0]["content"]
    assert '"name": "restart_press_gateway"' in system
    proposal = ActionProposal.objects.get()
    assert (proposal.status, proposal.analysis_id) == ("proposed", analysis.pk)
    assert awx.received == []


@pytest.fixture
def make_provider_at(db, settings):
    settings.ANALYSIS_RESULTS_SUBJECT = ""
    Provider.objects.update(enabled=False, is_default=False)

    def make(url: str) -> Provider:
        return Provider.objects.create(
            name="fake", kind=Provider.Kind.OPENAI, base_url=url + "/v1", api_key="k",
            model="m", is_default=True, requests_per_minute=None, max_concurrent=None,
        )  # fmt: skip

    return make


@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_for_the_last_place_let_one_through(awx):
    """Two operators approve two proposals of an action with one place at the same moment:
    the action's row lock lets exactly one through (run on PostgreSQL in production CI)."""
    make_action(awx.url, max_concurrent_runs=1)
    ingest(
        log("Hydraulic pressure 112 bar below threshold", host="plc-press-4", service="press"),
        log("Hydraulic pump 2 overheating", host="plc-press-5", service="press"),
    )
    first, second = (proposed(p) for p in LogPattern.objects.order_by("pk"))
    operator = user_with_role("operator")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(proposal_id: int) -> None:
        start.wait()
        try:
            proposal_approve(proposal_id=proposal_id, user=operator)
            outcomes.append("approved")
        except StateRefused as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(p.pk,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("approved") == 1 and len(outcomes) == 2
    (refused,) = [outcome for outcome in outcomes if outcome != "approved"]
    assert "under way; at most 1" in refused
    assert ActionProposal.objects.filter(status="approved").count() == 1
