"""The permission matrix: every route, API operation and admin action x every caller.

Routes come from the URL conf, operations from the NinjaAPI, actions from the admin
site (tests/gogent/permission_routes.py); the tables below only say what each one
requires. A route, operation or action without an entry fails the matrix, and so does
an entry for one that no longer exists.

An entry marked `hole=` is a known gap in the app: its case is a strict xfail, so it
fails again (asking for the mark to go) once the app is fixed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from analysis.models import Analysis, Provider, ProviderCall
from gogent.apikeys import api_key_create
from gogent.audit import Actor
from gogent.models import ApiKey
from integrations.models import (
    ActionProposal,
    Channel,
    Integration,
    MaintenanceOccurrence,
    MaintenanceWindow,
    Notification,
    NotificationRule,
    RemediationAction,
    Runbook,
    Ticket,
    TicketRule,
)
from integrations.services import ticket_discard
from logs.models import ContextRule, LogPattern
from logs.services import IncomingMessage, logs_ingest_batch
from logs.services.corrections import pattern_split
from tests.gogent.permission_routes import (
    Operation,
    Route,
    action_function,
    admin_actions,
    api_operations,
    api_route_patterns,
    build_url,
    db_snapshot,
    model_admins,
    model_label,
    routes,
)
from tests.helpers.api import ingest, log
from tests.helpers.processes import free_port
from tests.helpers.users import user_with_role

# --- What each route requires ------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """Who a route lets in, with a session (`key`: an API key of any role too).

    public: anyone; login: any signed-in user; perm: signed in with all `perms`; staff:
    the admin site's staff check plus all `perms`; admin-model: the admin's model
    permissions, derived from the ModelAdmin; nobody: no session at all.
    """

    kind: str
    perms: tuple[str, ...] = ()
    hole: str = ""
    key: bool = False


PUBLIC = Access("public")
LOGIN = Access("login")
LOGIN_OR_KEY = Access("login", key=True)
STAFF = Access("staff")
ADMIN_MODEL = Access("admin-model")
API_KEY_ONLY = Access("nobody", key=True)
NOBODY = Access("nobody")


def perm(*perms: str, hole: str = "") -> Access:
    return Access("perm", perms, hole)


def staff(*perms: str, hole: str = "") -> Access:
    return Access("staff", perms, hole)


def admin_model_views(*labels: str) -> dict[str, Access]:
    """The five views Django's admin adds per model, and its bare-id redirect to "change"."""
    entries: dict[str, Access] = {}
    for label in labels:
        app_label, model_name = label.split(".")
        for view in ("changelist", "add", "history", "delete", "change"):
            entries[f"admin:{app_label}_{model_name}_{view}"] = ADMIN_MODEL
        # Redirects any staff user to the change view, which checks the permission.
        entries[f"admin/{app_label}/{model_name}/<path:object_id>/"] = STAFF
    return entries


# Routes served by a ninja operation are not listed here: API_OPERATIONS covers them.
ROUTES: dict[str, Access] = {
    # Console pages and their HTMX fragments (the same URL with HX-Request: true).
    "dashboard": perm("logs.view_logpattern"),
    "logs:patterns": perm("logs.view_logpattern"),
    # NOTE: only triage is checked, though the answer is the pattern list; every role with
    # triage can view patterns, so no one sees more than they may today.
    "logs:patterns-bulk": perm("logs.triage_pattern"),
    "logs:pattern": perm("logs.view_logpattern"),
    "logs:pattern-status": perm("logs.view_logpattern", "logs.triage_pattern"),
    "logs:pattern-snooze": perm("logs.view_logpattern", "logs.triage_pattern"),
    "logs:pattern-split": perm("logs.view_logpattern", "logs.correct_grouping"),
    # NOTE: as for patterns-bulk, only the correction is checked; its answer is the list.
    "logs:patterns-merge": perm("logs.correct_grouping"),
    "logs:grouping-rule-undo": perm("logs.view_logpattern", "logs.correct_grouping"),
    "integrations:action-proposals": perm("integrations.view_actionproposal"),
    "integrations:action-approve": perm(
        "integrations.view_actionproposal", "integrations.approve_action"
    ),
    "integrations:action-reject": perm(
        "integrations.view_actionproposal", "integrations.approve_action"
    ),
    "logs:logs": perm("logs.view_logentry"),
    "logs:logs-live": perm("logs.view_logentry"),
    "logs:patterns-live": perm("logs.view_logpattern"),
    "logs:export": perm("logs.view_logentry"),
    "logs:quarantine": perm("logs.view_rejectedmessage"),
    "logs:alarm-health": perm("logs.view_logpattern"),
    "analysis:analyses": perm("analysis.view_analysis"),
    "analysis:retry": perm("analysis.view_analysis", "analysis.request_analysis"),
    "analysis:cancel": perm("analysis.view_analysis", "analysis.request_analysis"),
    "analysis:pattern-panel": perm("analysis.view_analysis"),
    "analysis:analyze": perm("analysis.view_analysis", "analysis.request_analysis"),
    "integrations:pattern-panel": perm("integrations.view_ticket"),
    "integrations:tickets": perm("integrations.view_ticket"),
    "integrations:maintenance": perm("integrations.view_maintenancewindow"),
    "integrations:open": perm("integrations.view_ticket", "integrations.open_ticket"),
    "integrations:approve": perm("integrations.view_ticket", "integrations.review_draft"),
    "integrations:discard": perm("integrations.view_ticket", "integrations.review_draft"),
    "integrations:retry": perm("integrations.view_ticket", "integrations.open_ticket"),
    # Probes: open, as orchestrators ask without credentials. /metrics wants a key.
    "healthz": PUBLIC,
    "readyz": PUBLIC,  # other helper: details for staff only; the route stays open
    "metrics": API_KEY_ONLY,  # METRICS_ACCESS=key (the default): a key, never a session
    # Sign-in: only these four (no password reset: admins set passwords).
    "login": PUBLIC,
    "logout": PUBLIC,  # POST only; signing out nobody is harmless
    "password_change": LOGIN,
    "password_change_done": LOGIN,
    # The API's own pages (its operations are in API_OPERATIONS).
    "api:api-root": PUBLIC,  # ninja's index: a 404 unless docs are served at the root
    "api:openapi-json": LOGIN_OR_KEY,
    "api:openapi-view": LOGIN,  # Swagger UI, for browsers
    # The admin site's own views: staff only; each model page checks its model permission.
    "admin:login": PUBLIC,
    "admin:logout": STAFF,  # refused: a redirect to the admin index, then to its login
    "admin:index": STAFF,
    "admin:password_change": STAFF,
    "admin:password_change_done": STAFF,
    "admin:jsi18n": STAFF,
    "admin:view_on_site": STAFF,  # a redirect to the object's own URL, which checks access
    "admin/(?P<url>.*)$": STAFF,  # the catch-all: 404 for staff
    # Filled with app_label=logs: the app's page needs any logs permission (404 without).
    "admin:app_list": staff("logs.view_logpattern"),
    # No ModelAdmin has autocomplete_fields, so Django refuses every lookup (403).
    "admin:autocomplete": NOBODY,
    "admin-operations": staff("gogent.view_operations"),
    "admin:logs_contextrule_try": staff("logs.view_contextrule"),
    "admin:auth_user_password_change": ADMIN_MODEL,
    **admin_model_views(
        "auth.group",
        "auth.user",
        "gogent.apikey",
        "logs.logentry",
        "logs.rejectedmessage",
        "logs.logpattern",
        "logs.contextrule",
        "logs.groupingrule",
        "analysis.analysis",
        "analysis.providercall",
        "analysis.provider",
        "integrations.integration",
        "integrations.ticketrule",
        "integrations.ticket",
        "integrations.maintenancewindow",
        "integrations.maintenanceoccurrence",
        "integrations.channel",
        "integrations.notificationrule",
        "integrations.notification",
        "integrations.runbook",
        "integrations.remediationaction",
        "integrations.actionproposal",
        "gogent.auditevent",
        # django-axes' login throttling records; Django's own admin pages.
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
    ),
}


@dataclass(frozen=True)
class ApiAccess:
    perm: str
    # A body that passes ninja's validation, which runs before the endpoint checks the
    # permission: with an invalid one a refused caller would get 422, not 403.
    body: Callable[[World], Any] | None = None
    hole: str = ""


API_OPERATIONS: dict[str, ApiAccess] = {
    "GET /api/v1/logs": ApiAccess("logs.view_logentry"),
    # Breaks the input rules: an allowed caller gets 422 without reaching NATS.
    "POST /api/v1/logs": ApiAccess("logs.add_logentry", body=lambda world: {"message": ""}),
    "GET /api/v1/patterns": ApiAccess("logs.view_logpattern"),
    "GET /api/v1/patterns/{pattern_id}": ApiAccess("logs.view_logpattern"),
    "POST /api/v1/patterns/{pattern_id}/status": ApiAccess(
        "logs.triage_pattern", body=lambda world: {"status": "muted"}
    ),
    "POST /api/v1/patterns/{pattern_id}/snooze": ApiAccess(
        "logs.triage_pattern", body=lambda world: {"minutes": 60}
    ),
    "POST /api/v1/patterns/{pattern_id}/merge": ApiAccess(
        "logs.correct_grouping", body=lambda world: {"patterns": [world.ids["second_pattern"]]}
    ),
    "POST /api/v1/patterns/{pattern_id}/split": ApiAccess(
        "logs.correct_grouping", body=lambda world: {"place": 1}
    ),
    "GET /api/v1/patterns/{pattern_id}/values": ApiAccess("logs.view_logentry"),
    "GET /api/v1/grouping-rules": ApiAccess("logs.view_groupingrule"),
    "POST /api/v1/grouping-rules/{rule_id}/undo": ApiAccess(
        "logs.correct_grouping", body=lambda world: {}
    ),
    "POST /api/v1/patterns/{pattern_id}/analyze": ApiAccess("analysis.request_analysis"),
    "GET /api/v1/patterns/{pattern_id}/action-proposals": ApiAccess(
        "integrations.view_actionproposal"
    ),
    "POST /api/v1/action-proposals/{proposal_id}/approve": ApiAccess("integrations.approve_action"),
    "POST /api/v1/action-proposals/{proposal_id}/reject": ApiAccess(
        "integrations.approve_action", body=lambda world: {"reason": "matrix"}
    ),
    "POST /api/v1/patterns/{pattern_id}/tickets": ApiAccess(
        "integrations.open_ticket", body=lambda world: {"integration": world.ids["integration"]}
    ),
    "GET /api/v1/analyses": ApiAccess("analysis.view_analysis"),
    "GET /api/v1/analyses/{analysis_id}": ApiAccess("analysis.view_analysis"),
    "POST /api/v1/analyses/{analysis_id}/retry": ApiAccess("analysis.request_analysis"),
    "POST /api/v1/analyses/{analysis_id}/cancel": ApiAccess("analysis.request_analysis"),
    "GET /api/v1/stats": ApiAccess("logs.view_logentry"),
    "GET /api/v1/alarm-health": ApiAccess("logs.view_logpattern"),
    "GET /api/v1/tickets": ApiAccess("integrations.view_ticket"),
    "GET /api/v1/tickets/{ticket_id}": ApiAccess("integrations.view_ticket"),
    "GET /api/v1/maintenance-windows": ApiAccess("integrations.view_maintenancewindow"),
    "POST /api/v1/maintenance-windows": ApiAccess(
        "integrations.add_maintenancewindow",
        body=lambda world: {
            "name": f"matrix window {MaintenanceWindow.objects.count()}",
            "starts_at": "2026-12-06T02:00:00+01:00",
            "ends_at": "2026-12-06T04:00:00+01:00",
        },
    ),
    "POST /api/v1/maintenance-windows/{window_id}/end": ApiAccess(
        "integrations.change_maintenancewindow"
    ),
}

# Every custom admin action and the permissions it must need besides the model's view
# permission (which the changelist itself needs). Compared with what the action declares
# in allowed_permissions; delete_selected is Django's own and checks "delete" itself.


@dataclass(frozen=True)
class ActionAccess:
    perms: tuple[str, ...]
    hole: str = ""  # runs for a user without `perms`
    broken: str = ""  # fails even for a user with them


ADMIN_ACTIONS: dict[tuple[str, str], ActionAccess] = {
    ("gogent.apikey", "revoke"): ActionAccess(("gogent.change_apikey",)),
    ("analysis.analysis", "retry"): ActionAccess(("analysis.request_analysis",)),
    ("analysis.analysis", "cancel"): ActionAccess(("analysis.request_analysis",)),
    ("analysis.analysis", "analyze_again"): ActionAccess(("analysis.request_analysis",)),
    ("integrations.ticket", "approve"): ActionAccess(("integrations.review_draft",)),
    ("integrations.ticket", "discard"): ActionAccess(("integrations.review_draft",)),
    ("integrations.ticket", "retry"): ActionAccess(("integrations.open_ticket",)),
    # "Test connection" sends the stored secret: only for those who may change it.
    ("analysis.provider", "test_connection"): ActionAccess(("analysis.change_provider",)),
    ("integrations.integration", "test_connection"): ActionAccess(
        ("integrations.change_integration",)
    ),
    # django-axes' own action declares no permission and fails without the sign-in
    # request's time: gogent.loginadmin replaces it.
    ("axes.accessattempt", "cleanup_expired_attempts"): ActionAccess(
        ("axes.delete_accessattempt",)
    ),
    ("integrations.channel", "send_test"): ActionAccess(("integrations.change_channel",)),
    ("integrations.notification", "retry"): ActionAccess(("integrations.change_channel",)),
    ("logs.groupingrule", "undo"): ActionAccess(("logs.correct_grouping",)),
}
# The ModelAdmins' own has_<name>_permission checks and the permission each one tests.
CUSTOM_ADMIN_PERMISSIONS = {
    ("analysis.analysis", "operate"): "analysis.request_analysis",
    ("integrations.ticket", "review"): "integrations.review_draft",
    ("integrations.ticket", "open"): "integrations.open_ticket",
    ("integrations.notification", "retry"): "integrations.change_channel",
    ("logs.groupingrule", "correct"): "logs.correct_grouping",
}

# --- The rows every URL is filled from ----------------------------------------------------


@dataclass
class World:
    ids: dict[str, int]
    users: dict[str, User | None] = field(default_factory=dict)

    def first_pk(self, model: type[Model]) -> Any:
        row = model._default_manager.order_by("pk").first()
        assert row is not None, f"create a {model_label(model)} row in the world fixture"
        return row.pk


# A route's <int:pk> names the rows of the path segment before it.
PK_OWNERS = {
    "patterns": "pattern",
    "analyses": "analysis",
    "tickets": "ticket",
    "grouping-rules": "grouping_rule",
    "actions": "proposal",
}
# ninja's path parameters.
ID_PARAMETERS = {
    "pattern_id": "pattern",
    "analysis_id": "analysis",
    "ticket_id": "ticket",
    "window_id": "window",
    "rule_id": "grouping_rule",
    "proposal_id": "proposal",
}
# Parameters no row names.
ROUTE_ARGUMENTS: dict[str, Callable[[World], dict[str, Any]]] = {
    "admin:view_on_site": lambda world: {
        "content_type_id": ContentType.objects.get_for_model(LogPattern).pk,
        "object_id": world.ids["pattern"],
    },
    "admin:app_list": lambda world: {"app_label": "logs"},
    "admin/(?P<url>.*)$": lambda world: {"url": "no-such-page/"},
}
# Form data for the console's POST actions, so an allowed caller reaches the action.
POST_DATA: dict[str, Callable[[World], dict[str, Any]]] = {
    "logs:pattern-status": lambda world: {"status": "muted"},
    "logs:pattern-snooze": lambda world: {"minutes": "60"},
    "logs:patterns-bulk": lambda world: {"set_status": "muted", "pattern": world.ids["pattern"]},
    "logs:pattern-split": lambda world: {"place": "1"},
    "logs:patterns-merge": lambda world: {
        "pattern": [world.ids["pattern"], world.ids["second_pattern"]]
    },
    "integrations:open": lambda world: {"integration": world.ids["integration"]},
    "integrations:discard": lambda world: {"reason": "matrix"},
}


def url_for(route: Route, world: World) -> str:
    arguments = ROUTE_ARGUMENTS[route.key](world) if route.key in ROUTE_ARGUMENTS else {}
    model_admin = route.model_admin

    def value(name: str) -> Any:
        if name in arguments:
            return arguments[name]
        if model_admin is not None:
            return world.first_pk(model_admin.model)
        if name in ID_PARAMETERS:
            return world.ids[ID_PARAMETERS[name]]
        segment = route.pattern.split(f"<int:{name}>")[0].rstrip("/").rsplit("/", 1)[-1]
        if name == "pk" and segment in PK_OWNERS:
            return world.ids[PK_OWNERS[segment]]
        raise AssertionError(
            f"cannot fill <{name}> in {route.pattern!r}: add it to ROUTE_ARGUMENTS or PK_OWNERS"
        )

    return build_url(route, value)


@pytest.fixture(autouse=True)
def _no_outside_services(settings) -> None:
    # A closed loopback port for NATS: refused at once, never a developer's own server.
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]
    settings.MONITORING_TIMEOUT = 0.2
    settings.METRICS_CACHE_SECONDS = 0
    settings.ANALYSIS_RESULTS_SUBJECT = ""
    settings.API_RATE_LIMIT = 0


@pytest.fixture
def world(db) -> World:
    closed = f"http://127.0.0.1:{free_port()}"
    ingest(log("Hydraulic pressure below threshold on press 4"))
    ingest(log("Inverter 2 fault code 17", service="inverter"))
    first, second = LogPattern.objects.order_by("pk")
    queued = Analysis.objects.get(pattern=first)
    failed = Analysis.objects.get(pattern=second)
    Analysis.objects.filter(pk=failed.pk).update(
        status=Analysis.Status.FAILED, error="provider said no", finished_at=timezone.now()
    )
    logs_ingest_batch(
        [IncomingMessage("agent.technical.support", 88_000_000, b"\xff", datetime.now(UTC))]
    )
    # Every provider and integration points at a closed port: "Test connection" fails fast.
    Provider.objects.update(base_url=closed, enabled=False, is_default=False)
    provider = Provider.objects.create(
        name="matrix", base_url=closed, model="fake", timeout_seconds=1.0, is_default=True
    )
    ProviderCall.objects.create(
        provider=provider, started_at=timezone.now(), lease_until=timezone.now()
    )
    integration = Integration.objects.create(
        name="matrix jira", kind=Integration.Kind.JIRA, base_url=closed,
        auth=Integration.Auth.TOKEN, secret="token", project_key="OPS", timeout_seconds=1.0,
    )  # fmt: skip
    TicketRule.objects.create(name="matrix rule", integration=integration)
    ContextRule.objects.create(name="matrix context", source="any", site="plant-a")
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        name="matrix window", starts_at=now, ends_at=now + timedelta(hours=1)
    )
    earlier = now - timedelta(days=7)
    MaintenanceOccurrence.objects.create(window=window, starts_at=earlier, ends_at=earlier)
    channel = Channel.objects.create(
        name="matrix channel", kind=Channel.Kind.WEBHOOK, url=f"{closed}/hook"
    )
    rule = NotificationRule.objects.create(name="matrix rule", channel=channel)
    Notification.objects.create(
        channel=channel, rule=rule, idempotency_key="matrix", status=Notification.Status.FAILED
    )
    draft = Ticket.objects.create(
        integration=integration, pattern=first, status=Ticket.Status.DRAFT,
        correlation_id="matrix-draft",
    )  # fmt: skip
    Ticket.objects.create(
        integration=integration, pattern=second, status=Ticket.Status.FAILED,
        correlation_id="matrix-failed", error="Jira said no",
    )  # fmt: skip
    users = {caller: make_caller(caller) for caller in CALLERS}
    # Writes an audit event, wherever the audit log lives.
    discarded = Ticket.objects.create(
        integration=integration, pattern=second, status=Ticket.Status.DRAFT,
        correlation_id="matrix-discarded",
    )  # fmt: skip
    ticket_discard(ticket=discarded, user=users["superuser"], reason="matrix")
    api_key_create(name="matrix", role=ApiKey.Role.VIEWER)
    # Sign-in records (django-axes): a refused sign-in, an accepted one, and the failure
    # log, which is off by default (AXES_ENABLE_ACCESS_FAILURE_LOG) so is written here.
    Client().post(reverse("login"), {"username": "matrix-norole", "password": "wrong"})
    Client().force_login(users["norole"])
    apps.get_model("axes", "AccessFailureLog").objects.create(
        username="matrix-norole", ip_address="127.0.0.1", user_agent="matrix",
        path_info=reverse("login"), attempt_time=timezone.now(), locked_out=False,
    )  # fmt: skip
    # An operator's split of a third pattern (the merge endpoints take first and second).
    ingest(*(log(f"Conveyor belt {belt} stopped") for belt in ("north", "south", "east")))
    third = LogPattern.objects.get(template="Conveyor belt <*> stopped", merged_into=None)
    grouping_rule = pattern_split(pattern_id=third.pk, place=0, value=None, actor=Actor("matrix"))
    Runbook.objects.create(title="matrix runbook", body="Check it.", services="press")
    action = RemediationAction.objects.create(
        name="matrix_action", description="d", url=f"{closed}/launch/"
    )
    proposal = ActionProposal.objects.create(pattern=first, action=action, reason="matrix")
    return World(
        ids={
            "pattern": first.pk,
            "second_pattern": second.pk,
            "grouping_rule": grouping_rule.pk,
            "analysis": failed.pk,
            "queued": queued.pk,
            "ticket": draft.pk,
            "integration": integration.pk,
            "window": window.pk,
            "proposal": proposal.pk,
        },
        users=users,
    )


# --- Callers -------------------------------------------------------------------------------

CALLERS = ["anonymous", "norole", "staff", "viewer", "operator", "admin", "superuser"]


def make_caller(caller: str) -> User | None:
    if caller == "anonymous":
        return None
    if caller == "norole":
        return User.objects.create_user("matrix-norole")
    if caller == "staff":
        return User.objects.create_user("matrix-staff", is_staff=True)
    if caller == "superuser":
        return User.objects.create_superuser("matrix-superuser")
    return user_with_role(caller)


def user_with_perms(username: str, perms: tuple[str, ...], *, is_staff: bool = False) -> User:
    user = User.objects.create_user(username, is_staff=is_staff)
    for name in perms:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # a fresh instance: no cached permissions


def precise_callers(access: Access) -> dict[str, User]:
    """A user with exactly the entry's permissions (it must be let in), and for each one
    a user with all but that one (it must be kept out): the table claims no more and no
    fewer permissions than the view checks."""
    if access.kind not in ("perm", "staff") or not access.perms:
        return {}
    is_staff = access.kind == "staff"
    callers = {"exact": user_with_perms("matrix-exact", access.perms, is_staff=is_staff)}
    for missing in access.perms:
        rest = tuple(name for name in access.perms if name != missing)
        callers[f"without {missing}"] = user_with_perms(
            f"matrix-without-{missing}", rest, is_staff=is_staff
        )
    return callers


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def rolled_back(send: Callable[[], HttpResponse]) -> HttpResponse:
    """One request in a savepoint rolled back after it: each caller meets the same rows."""
    with transaction.atomic():
        response = send()
        if response.streaming:
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


# --- Expectations --------------------------------------------------------------------------


def admin_allows(route: Route, user: User, method: str, world: World) -> bool:
    """What the admin lets the user do on a model view: the model's Django permission
    (never widened by the ModelAdmin) and the ModelAdmin's own check (which may narrow it)."""
    model_admin = route.model_admin
    assert model_admin is not None, f"{route.key} is ADMIN_MODEL but no ModelAdmin serves it"
    opts = model_admin.opts

    def has(action: str) -> bool:
        return user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")

    request = RequestFactory().get("/")
    request.user = user
    obj = model_admin.model._default_manager.get(pk=world.first_pk(model_admin.model))
    view = route.view_name
    reads = (has("view") or has("change")) and model_admin.has_view_or_change_permission(
        request, obj
    )
    if view == "changelist_view":
        return (has("view") or has("change")) and model_admin.has_view_or_change_permission(request)
    if view == "add_view":
        return has("add") and model_admin.has_add_permission(request)
    if view == "history_view" or (view == "change_view" and method == "GET"):
        return reads
    if view == "user_change_password":
        # Setting someone else's password is a superuser's (gogent.useradmin).
        return has("change") and model_admin.has_change_password_permission(request, obj)
    if view == "change_view":
        return has("change") and model_admin.has_change_permission(request, obj)
    if view == "delete_view":
        return has("delete") and model_admin.has_delete_permission(request, obj)
    raise AssertionError(f"{route.key}: no rule for the admin view {view!r}; add one here")


def allowed(access: Access, route: Route, user: User | None, method: str, world: World) -> bool:
    if access.kind == "public":
        return True
    if user is None or access.kind == "nobody":
        return False
    if access.kind == "login":
        return True
    if access.kind == "admin-model":
        return user.is_staff and admin_allows(route, user, method, world)
    if access.kind == "staff" and not user.is_staff:
        return False
    return all(user.has_perm(name) for name in access.perms)


def to_login(response: HttpResponse, *, admin_only: bool = False) -> bool:
    """A refusal's redirect to a login page, which carries ?next= (a signed-out user's
    redirect there after logging out does not)."""
    if response.status_code != 302 or "next=" not in response["Location"]:
        return False
    logins = [reverse("admin:login")] if admin_only else [reverse("login"), reverse("admin:login")]
    return response["Location"].startswith(tuple(logins))


def problem(response: HttpResponse, *, may: bool, anonymous: bool, admin: bool) -> str:
    """What is wrong with the response, or "" when it is what the matrix expects."""
    status = response.status_code
    if status >= 500 and status != 503:  # 503: /readyz with no NATS, as it should say
        return f"{status}"
    if may:
        if status in (401, 403) or to_login(response):
            return f"refused ({status}) but has the permission"
        return ""
    if status in (401, 403, 404, 405) or to_login(response, admin_only=admin and not anonymous):
        return ""
    # The admin's refusal on its logout page: to the index, which sends on to the login.
    if admin and status == 302 and response["Location"] == reverse("admin:index"):
        return ""
    return f"{status} but lacks the permission"


# --- Routes --------------------------------------------------------------------------------

ALL_ROUTES = routes()
API_PATTERNS = api_route_patterns()
CHECKED_ROUTES = [route for route in ALL_ROUTES if route.pattern not in API_PATTERNS]


def test_route_keys_are_unique():
    keys = [route.key for route in ALL_ROUTES]
    assert sorted({key for key in keys if keys.count(key) > 1}) == []


def test_every_route_has_an_entry():
    missing = sorted(route.key for route in CHECKED_ROUTES if route.key not in ROUTES)
    assert missing == [], f"routes without an entry in ROUTES: {missing}"


def test_no_entry_is_stale():
    stale = sorted(set(ROUTES) - {route.key for route in CHECKED_ROUTES})
    assert stale == [], f"entries in ROUTES for routes that no longer exist: {stale}"


def _route_param(route: Route) -> Any:
    access = ROUTES.get(route.key)
    marks = [pytest.mark.xfail(reason=access.hole, strict=True)] if access and access.hole else []
    return pytest.param(route, id=route.key, marks=marks)


@pytest.mark.parametrize("route", [_route_param(route) for route in CHECKED_ROUTES])
def test_route(world, route):
    access = ROUTES.get(route.key)
    assert access is not None, f"{route.key} ({route.pattern}) has no entry in ROUTES"
    url = url_for(route, world)
    admin = route.pattern.startswith("admin/")
    headers = {} if admin else {"HTTP_HX_REQUEST": "true"}
    data = POST_DATA[route.key](world) if route.key in POST_DATA else {}
    requests: list[tuple[str, dict[str, str]]] = [("GET", {}), ("POST", headers)]
    if not admin:
        requests.append(("GET", headers))  # the fragment an HTMX request gets

    callers: dict[str, User | None] = {**world.users, **precise_callers(access)}
    problems = []
    for name, user in callers.items():
        client = client_for(user)
        for method, extra in requests:
            if method == "GET":
                response = rolled_back(lambda: client.get(url, **extra))  # noqa: B023
            else:
                response = rolled_back(lambda: client.post(url, data, **extra))  # noqa: B023
            may = allowed(access, route, user, method, world)
            wrong = problem(response, may=may, anonymous=user is None, admin=admin)
            if wrong:
                label = f"{method}{' (HTMX)' if extra else ''}"
                problems.append(f"{name}: {label} {url} → {wrong}")
    if access.key:
        for role in ApiKey.Role.values:
            _key, raw = api_key_create(name=f"matrix {role}", role=role)
            response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(url)
            if response.status_code != 200:
                problems.append(f"{role} key: GET {url} → {response.status_code}")
    assert problems == [], f"{route.key}:\n" + "\n".join(problems)


# --- The API -------------------------------------------------------------------------------

OPERATIONS = api_operations()


def test_every_operation_has_an_entry():
    missing = sorted(op.key for op in OPERATIONS if op.key not in API_OPERATIONS)
    assert missing == [], f"API operations without an entry in API_OPERATIONS: {missing}"


def test_no_operation_entry_is_stale():
    stale = sorted(set(API_OPERATIONS) - {op.key for op in OPERATIONS})
    assert stale == [], f"entries in API_OPERATIONS for operations that no longer exist: {stale}"


def _operation_param(operation: Operation) -> Any:
    access = API_OPERATIONS.get(operation.key)
    marks = [pytest.mark.xfail(reason=access.hole, strict=True)] if access and access.hole else []
    return pytest.param(operation, id=operation.key, marks=marks)


@pytest.mark.parametrize("operation", [_operation_param(op) for op in OPERATIONS])
def test_api_operation(world, operation):
    access = API_OPERATIONS.get(operation.key)
    assert access is not None, f"{operation.key} has no entry in API_OPERATIONS"
    url = operation.path.format(**{name: world.ids[row] for name, row in ID_PARAMETERS.items()})
    body = access.body(world) if access.body else {}

    def call(client: Client) -> HttpResponse:
        if operation.method == "GET":
            return rolled_back(lambda: client.get(url))
        return rolled_back(
            lambda: client.generic(
                operation.method, url, data=json.dumps(body), content_type="application/json"
            )
        )

    callers: list[tuple[str, Client, bool | None]] = [("anonymous", Client(), None)]
    for role in ApiKey.Role.values:
        key, raw = api_key_create(name=f"matrix {role}", role=role)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        callers.append((f"{role} key", client, key.has_perm(access.perm)))
    sessions = {
        **{name: user for name, user in world.users.items() if user is not None},
        "exact": user_with_perms("matrix-exact", (access.perm,)),
    }
    for name, user in sessions.items():
        callers.append((f"{name} session", client_for(user), user.has_perm(access.perm)))

    problems = []
    for name, client, may in callers:
        response = call(client)
        status = response.status_code
        if status == 500:
            problems.append(f"{name}: 500")
        elif may is None and status != 401:
            problems.append(f"{name}: {status}, not 401")
        elif may is False and (status != 403 or _code(response) != "permission_denied"):
            problems.append(f"{name}: {status} {_code(response)}, not 403 permission_denied")
        elif may and status in (401, 403):
            problems.append(f"{name}: refused ({status}) but has {access.perm}")
    assert problems == [], f"{operation.key}:\n" + "\n".join(problems)


def _code(response: HttpResponse) -> str:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return ""


# --- Admin actions -------------------------------------------------------------------------

ACTIONS = [(label, name) for label, name in admin_actions() if name != "delete_selected"]
# Messages the admin itself gives when it does not run an action.
NOT_RUN = {"No action selected.", "Items must be selected in order to perform actions on them."}


def test_every_admin_action_has_an_entry():
    missing = sorted(set(ACTIONS) - set(ADMIN_ACTIONS))
    assert missing == [], f"admin actions without an entry in ADMIN_ACTIONS: {missing}"


def test_no_admin_action_entry_is_stale():
    stale = sorted(set(ADMIN_ACTIONS) - set(ACTIONS))
    assert stale == [], f"entries in ADMIN_ACTIONS for actions that no longer exist: {stale}"


def _action_params(problem: str) -> list[Any]:
    """The actions as parameters; those whose entry notes `problem` ("hole" or "broken")
    are strict xfails."""
    params = []
    for action in ACTIONS:
        note = getattr(ADMIN_ACTIONS.get(action), problem, "")
        marks = [pytest.mark.xfail(reason=note, strict=True)] if note else []
        params.append(pytest.param(*action, id=":".join(action), marks=marks))
    return params


def declared_permissions(label: str, name: str) -> tuple[str, ...]:
    """The Django permissions behind the action's allowed_permissions."""
    opts = model_admins()[label].opts
    found = []
    for allowed_name in getattr(action_function(label, name), "allowed_permissions", ()):
        if allowed_name in ("add", "change", "delete", "view"):
            codename = get_permission_codename(allowed_name, opts)
            found.append(f"{opts.app_label}.{codename}")
        else:
            assert (label, allowed_name) in CUSTOM_ADMIN_PERMISSIONS, (
                f"{label}: add has_{allowed_name}_permission's permission to "
                "CUSTOM_ADMIN_PERMISSIONS"
            )
            found.append(CUSTOM_ADMIN_PERMISSIONS[(label, allowed_name)])
    return tuple(found)


@pytest.mark.parametrize(("label", "name"), _action_params("hole"))
def test_admin_action_declares_its_permissions(db, label, name):
    assert (label, name) in ADMIN_ACTIONS, f"{label}:{name} has no entry in ADMIN_ACTIONS"
    declared = declared_permissions(label, name)
    assert declared, f"{label}:{name} declares no allowed_permissions"
    assert declared == ADMIN_ACTIONS[(label, name)].perms


def run_action(world: World, label: str, name: str, user: User) -> tuple[bool, list[str]]:
    """POST the action on every row of the model's changelist; whether it ran (rows
    changed, or it said something other than the admin's "not run") and its messages."""
    model = model_admins()[label].model
    client = client_for(user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    pks = list(model._default_manager.values_list("pk", flat=True))
    before = db_snapshot()
    with transaction.atomic():
        response = client.post(url, {"action": name, "index": "0", "_selected_action": pks})
        changed = db_snapshot() != before
        transaction.set_rollback(True)
    assert response.status_code in (200, 302), response.status_code
    said = [str(message) for message in get_messages(response.wsgi_request)]
    return changed or any(message not in NOT_RUN for message in said), said


@pytest.mark.parametrize(("label", "name"), _action_params("hole"))
def test_admin_action_refused_with_view_permission_only(world, label, name):
    opts = model_admins()[label].opts
    viewer = user_with_perms(
        "matrix-view-only", (f"{opts.app_label}.view_{opts.model_name}",), is_staff=True
    )
    ran, said = run_action(world, label, name, viewer)
    assert not ran, f"{label}:{name} ran for a staff user who may only view: {said}"


@pytest.mark.parametrize(("label", "name"), _action_params("broken"))
def test_admin_action_runs_with_its_permissions(world, label, name):
    opts = model_admins()[label].opts
    assert (label, name) in ADMIN_ACTIONS, f"{label}:{name} has no entry in ADMIN_ACTIONS"
    required = ADMIN_ACTIONS[(label, name)].perms
    user = user_with_perms(
        "matrix-actor", (f"{opts.app_label}.view_{opts.model_name}", *required), is_staff=True
    )
    ran, said = run_action(world, label, name, user)
    assert ran, f"{label}:{name} did not run with {required}: {said}"
