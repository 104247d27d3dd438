"""Proposals from analyses, the operator's decision, and the run.

Nothing runs on a model's word: an analysis can only create a proposal, and only for an
enabled action whose scope covers the pattern; an operator with approve_action approves
it, and the approval checks the cooldown and the concurrency limit with the action's row
locked, so two approvals racing cannot both pass a limit.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analysis.models import Analysis
from gogent.audit import WORKER, Actor, audit_record
from gogent.errors import StateRefused
from gogent.models import AuditEvent
from integrations.models import ActionProposal, RemediationAction
from integrations.remediation.render import body_render
from integrations.scope import scope_matches, scope_seen, scope_words, scope_words_found
from logs.models import LogPattern, LogPatternStat

logger = logging.getLogger(__name__)

EXCERPT_CHARS = 4000
# A run not finished this long after its timeout lost its worker: it no longer holds a
# place under max_concurrent_runs, and shows as failed.
RUN_GRACE_SECONDS = 60
FINISHED = (
    ActionProposal.Status.RUNNING, ActionProposal.Status.SUCCEEDED,
    ActionProposal.Status.FAILED, ActionProposal.Status.DRY_RUN,
)  # fmt: skip


def actions_in_scope(pattern_id: int) -> list[RemediationAction]:
    """Enabled actions whose services, hosts, places and template words fit the pattern."""
    seen = scope_seen([pattern_id]).get(pattern_id, {})
    template = LogPattern.objects.filter(pk=pattern_id).values_list("template", flat=True)
    template = template.first() or ""
    in_scope = []
    for action in RemediationAction.objects.filter(enabled=True).order_by("name")[:100]:
        words = scope_words(action.template_words)
        if (not words or scope_words_found(words, template)) and scope_matches(action, seen):
            in_scope.append(action)
    return in_scope


def actions_offered(*, pattern_id: int) -> list[tuple[str, str]]:
    """settings.ANALYSIS_ACTION_OFFERS: the actions an investigation may propose."""
    return [(action.name, action.description) for action in actions_in_scope(pattern_id)]


def proposals_after_analysis(*, analysis: Analysis) -> None:
    """settings.ANALYSIS_DONE_HOOKS: an analysis that proposed an action in scope makes a
    proposal (one open proposal per pattern and action); any other name is recorded as
    refused. The offline analyzer never proposes."""
    result = analysis.result if isinstance(analysis.result, dict) else {}
    proposed = result.get("proposed_action")
    if analysis.is_offline or not isinstance(proposed, dict):
        return
    name, reason = str(proposed.get("name", ""))[:100], str(proposed.get("reason", ""))[:1000]
    actor = Actor(label=f"analysis {analysis.pk}")
    action = next((a for a in actions_in_scope(analysis.pattern_id) if a.name == name), None)
    if action is None:
        audit_record(
            AuditEvent.Action.ACTION_NOT_OFFERED, actor, pattern_id=analysis.pattern_id,
            object_repr=name, reason=reason, details={"analysis": analysis.pk},
        )  # fmt: skip
        return
    open_one = ActionProposal.objects.filter(
        pattern_id=analysis.pattern_id, action=action, status=ActionProposal.Status.PROPOSED
    )
    if open_one.exists():
        return
    proposal = ActionProposal.objects.create(
        pattern_id=analysis.pattern_id, analysis=analysis, action=action, reason=reason
    )
    audit_record(
        AuditEvent.Action.ACTION_PROPOSED, actor, obj=proposal, pattern_id=proposal.pattern_id,
        object_repr=f"{action.name} for pattern {proposal.pattern_id}", reason=reason,
    )  # fmt: skip


def proposal_approve(*, proposal_id: int, user: Any) -> ActionProposal:
    """Approve and queue the run; StateRefused (a 409) names what stands in the way."""
    from integrations import tasks

    actor = Actor.of_user(user)
    now = timezone.now()
    with transaction.atomic():
        proposal = _locked(proposal_id)
        # The action's row: approvals of one action are serialized, so the limits hold.
        action = RemediationAction.objects.select_for_update().get(pk=proposal.action_id)
        if proposal.status != ActionProposal.Status.PROPOSED:
            raise StateRefused(f"this proposal is {proposal.get_status_display().lower()}")
        if not action.enabled:
            raise StateRefused(f"action {action.name} is disabled")
        if action not in actions_in_scope(proposal.pattern_id):
            raise StateRefused(f"action {action.name} no longer covers this pattern")
        recent = (
            ActionProposal.objects.filter(
                action=action,
                pattern_id=proposal.pattern_id,
                status__in=FINISHED,
                started_at__gt=now - timedelta(minutes=action.cooldown_minutes),
            )
            .order_by("-started_at")
            .first()
        )
        if recent is not None:
            until = recent.started_at + timedelta(minutes=action.cooldown_minutes)
            raise StateRefused(
                f"action {action.name} ran for this pattern at {recent.started_at:%H:%M:%S}; "
                f"its cooldown lasts until {timezone.localtime(until):%Y-%m-%d %H:%M}"
            )
        running = _running(action, now).count()
        approved = ActionProposal.objects.filter(
            action=action, status=ActionProposal.Status.APPROVED
        ).count()
        if running + approved >= action.max_concurrent_runs:
            raise StateRefused(
                f"action {action.name} has {running + approved} run(s) under way; at most "
                f"{action.max_concurrent_runs} at a time"
            )
        proposal.status = ActionProposal.Status.APPROVED
        proposal.decided_by = actor.stored_user
        proposal.decided_by_label = actor.label
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_by", "decided_by_label", "decided_at"])
        audit_record(AuditEvent.Action.ACTION_APPROVED, actor, obj=proposal,
                     pattern_id=proposal.pattern_id, object_repr=str(action))  # fmt: skip
        transaction.on_commit(lambda: tasks.run_remediation.delay(proposal.pk))
    return proposal


def proposal_reject(*, proposal_id: int, user: Any, reason: str = "") -> ActionProposal:
    actor = Actor.of_user(user)
    with transaction.atomic():
        proposal = _locked(proposal_id)
        if proposal.status != ActionProposal.Status.PROPOSED:
            raise StateRefused(f"this proposal is {proposal.get_status_display().lower()}")
        proposal.status = ActionProposal.Status.REJECTED
        proposal.decided_by = actor.stored_user
        proposal.decided_by_label = actor.label
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_by_label", "decided_at"])
        audit_record(AuditEvent.Action.ACTION_REJECTED, actor, obj=proposal,
                     pattern_id=proposal.pattern_id, object_repr=str(proposal.action),
                     reason=reason[:500])  # fmt: skip
    return proposal


def proposal_run(*, proposal_id: int) -> ActionProposal | None:
    """Send the approved proposal's request (or, in a dry run, record it); once."""
    now = timezone.now()
    claimed = ActionProposal.objects.filter(
        pk=proposal_id, status=ActionProposal.Status.APPROVED
    ).update(status=ActionProposal.Status.RUNNING, started_at=now)
    if not claimed:
        return None  # ran already, or a duplicated task
    proposal = ActionProposal.objects.select_related("action", "pattern", "analysis").get(
        pk=proposal_id
    )
    action = proposal.action
    headers = {**action.headers, "Content-Type": "application/json"}
    body = body_render(action.body, proposal_values(proposal))
    shown_headers = dict(headers)
    if action.secret_env:
        shown_headers[action.secret_header] = "***"
    request = {"method": action.method, "url": action.url, "headers": shown_headers, "body": body}
    update: dict[str, Any] = {"request": request, "finished_at": timezone.now()}
    if action.dry_run:
        update["status"] = ActionProposal.Status.DRY_RUN
    else:
        update.update(_send(action, headers, body))
    ActionProposal.objects.filter(pk=proposal.pk).update(**update)
    proposal.refresh_from_db()
    audit_record(
        AuditEvent.Action.ACTION_RAN, WORKER, obj=proposal, pattern_id=proposal.pattern_id,
        object_repr=str(action),
        details={"status": proposal.status, "http_status": proposal.response_status},
    )  # fmt: skip
    return proposal


def proposals_approved_waiting() -> list[int]:
    """Approved a minute ago or more and not started: their task was lost (the sweep)."""
    return list(
        ActionProposal.objects.filter(
            status=ActionProposal.Status.APPROVED,
            decided_at__lt=timezone.now() - timedelta(seconds=RUN_GRACE_SECONDS),
        ).values_list("pk", flat=True)[:100]
    )


def proposals_stale_fail() -> int:
    """Runs that lost their worker: failed, so they stop holding a place (the sweep)."""
    stale = [
        p.pk
        for p in ActionProposal.objects.filter(status=ActionProposal.Status.RUNNING)
        .select_related("action")
        .iterator()
        if p.started_at < _run_deadline(p.action, timezone.now())
    ]
    return ActionProposal.objects.filter(pk__in=stale, status=ActionProposal.Status.RUNNING).update(
        status=ActionProposal.Status.FAILED,
        error="the worker running it stopped; the request may or may not have been sent",
        finished_at=timezone.now(),
    )


def proposal_values(proposal: ActionProposal) -> dict[str, Any]:
    """What the body's placeholders read (integrations.remediation.render.NAMES)."""
    pattern: LogPattern = proposal.pattern
    top: dict[str, str] = {}
    for dimension, value in (
        LogPatternStat.objects.filter(pattern=pattern)
        .exclude(dimension=LogPatternStat.Dimension.HOUR)
        .order_by("dimension", "-count")
        .values_list("dimension", "value")
    ):
        top.setdefault(dimension, value)
    result = (proposal.analysis.result if proposal.analysis else None) or {}
    return {
        "pattern.id": pattern.pk,
        "pattern.template": pattern.template,
        "pattern.severity": pattern.get_max_severity_display(),
        "pattern.count": pattern.count,
        "pattern.host": top.get("host", ""),
        "pattern.service": top.get("service", ""),
        "pattern.url": f"{settings.TICKETS_BASE_URL.rstrip('/')}/patterns/{pattern.pk}/",
        **{f"place.{key}": top.get(key, "") for key in ("site", "area", "line", "cell", "asset")},
        "analysis.summary": result.get("summary", ""),
        "analysis.probable_cause": result.get("probable_cause", ""),
        "proposal.id": proposal.pk,
        "proposal.reason": proposal.reason,
    }


def _send(action: RemediationAction, headers: dict[str, str], body: str) -> dict[str, Any]:
    secret = ""
    try:
        secret = action.resolved_secret()
        if secret:
            headers = {**headers, action.secret_header: secret}
        response = httpx.request(
            action.method, action.url, headers=headers, content=body.encode(),
            timeout=action.timeout_seconds, follow_redirects=False,
        )  # fmt: skip
    except httpx.HTTPError as error:
        return {"status": ActionProposal.Status.FAILED,
                "error": f"no reply from {action.url}: {type(error).__name__}"}  # fmt: skip
    except Exception as error:  # an unreadable secret variable, for instance
        logger.warning("remediation action %s: %s", action.name, type(error).__name__)
        return {"status": ActionProposal.Status.FAILED, "error": str(error)[:500]}
    text = response.text[:EXCERPT_CHARS]
    if secret:
        text = text.replace(secret, "***")
    ok = 200 <= response.status_code < 300
    return {
        "status": ActionProposal.Status.SUCCEEDED if ok else ActionProposal.Status.FAILED,
        "response_status": response.status_code,
        "response_excerpt": text,
        "error": "" if ok else f"HTTP {response.status_code}",
    }


def _running(action: RemediationAction, now: Any):
    return ActionProposal.objects.filter(
        action=action, status=ActionProposal.Status.RUNNING,
        started_at__gt=_run_deadline(action, now),
    )  # fmt: skip


def _run_deadline(action: RemediationAction, now: Any) -> Any:
    return now - timedelta(seconds=action.timeout_seconds + RUN_GRACE_SECONDS)


def _locked(proposal_id: int) -> ActionProposal:
    proposal = (
        ActionProposal.objects.select_for_update()
        .select_related("action")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise StateRefused(f"no proposal {proposal_id}")
    return proposal
