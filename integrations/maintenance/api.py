"""Maintenance windows over the API: list them, plan one (a deploy pipeline before its
rollout), end one early. gogent.api mounts the router at /api/v1/maintenance-windows."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status

from gogent.access import ApiError, errors, require_perm
from gogent.audit import Actor
from gogent.errors import StateRefused
from integrations.maintenance.selectors import WindowState, maintenance_windows
from integrations.maintenance.services import (
    WindowInvalid,
    maintenance_window_create,
    maintenance_window_end,
)
from integrations.models import MaintenanceWindow

maintenance_router = Router(tags=["maintenance"])
MAX_ID = 2**63 - 1


class MaintenanceWindowIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    reason: str = Field("", max_length=500)
    starts_at: datetime = Field(..., description="With its UTC offset.")
    ends_at: datetime
    recurrence: str = Field(
        "", max_length=200, description="An iCalendar RRULE (FREQ=WEEKLY;BYDAY=SU); empty: once."
    )
    time_zone: str = Field("UTC", max_length=64, description="The recurrence's wall clock.")
    services: str = Field("", max_length=500, description="Comma-separated globs; empty: any.")
    hosts: str = Field("", max_length=500, description="Comma-separated globs; empty: any.")
    places: str = Field(
        "",
        max_length=500,
        description="key = glob pairs (site, area, line, cell, asset): `site = plant-a, "
        "line = 3`; empty: anywhere.",
    )
    enabled: bool = True


class MaintenanceWindowOut(Schema):
    id: int
    name: str
    reason: str
    enabled: bool
    starts_at: datetime
    ends_at: datetime
    recurrence: str
    time_zone: str
    services: str
    hosts: str
    places: str
    on: bool = Field(description="An occurrence is going on now.")
    occurrence_starts_at: datetime | None = Field(
        description="The occurrence going on, else the next one; null when over or disabled."
    )
    occurrence_ends_at: datetime | None


def _out(state: WindowState) -> dict:
    window = state.window
    return {
        **{name: getattr(window, name) for name in MaintenanceWindowIn.model_fields},
        "id": window.pk,
        "on": state.on,
        "occurrence_starts_at": state.occurrence.starts_at if state.occurrence else None,
        "occurrence_ends_at": state.occurrence.ends_at if state.occurrence else None,
    }


def _state(window: MaintenanceWindow) -> dict:
    return next(_out(s) for s in maintenance_windows() if s.window.pk == window.pk)


@maintenance_router.get(
    "", response={200: list[MaintenanceWindowOut], **errors()}, summary="List maintenance windows"
)
def list_windows(request: HttpRequest) -> list[dict]:
    require_perm(request, "integrations.view_maintenancewindow")
    return [_out(state) for state in maintenance_windows()]


@maintenance_router.post(
    "",
    response={201: MaintenanceWindowOut, **errors(409)},
    summary="Plan a maintenance window",
    description="Validated like the admin's form; 422 names each field's problem, 409 a "
    "name in use.",
)
def create_window(request: HttpRequest, body: MaintenanceWindowIn) -> Status:
    require_perm(request, "integrations.add_maintenancewindow")
    if MaintenanceWindow.objects.filter(name=body.name).exists():
        raise ApiError(409, "name_in_use", f"a maintenance window is named {body.name!r}")
    try:
        window = maintenance_window_create(data=body.model_dump(), actor=Actor.of_request(request))
    except WindowInvalid as invalid:
        raise ApiError(
            422,
            "invalid_window",
            str(invalid),
            details=[
                {"field": field, "message": " ".join(messages)}
                for field, messages in invalid.problems.items()
            ],
        ) from None
    return Status(201, _state(window))


@maintenance_router.post(
    "/{window_id}/end",
    response={200: MaintenanceWindowOut, **errors(404, 409)},
    summary="End the maintenance window's current occurrence now",
    description="A one-off window ends; a recurring one ends this occurrence only. What it "
    "held is summarized and released within a minute. 409 when it is not on.",
)
def end_window(request: HttpRequest, window_id: int = Path(..., ge=1, le=MAX_ID)) -> dict:
    require_perm(request, "integrations.change_maintenancewindow")
    window = get_object_or_404(MaintenanceWindow, pk=window_id)
    try:
        window = maintenance_window_end(window=window, actor=Actor.of_request(request))
    except StateRefused as problem:
        raise ApiError(409, "not_on", str(problem)) from None
    return _state(window)
