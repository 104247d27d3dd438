"""Extension points of the pattern pages, for apps that build on logs.

The patterns list and detail pages and the dashboard belong to logs, but what
they show about analyses and tickets belongs to the apps above it. Those apps
name a column, panel, filter or card in settings (CONSOLE_PATTERN_COLUMNS,
CONSOLE_PATTERN_PANELS, CONSOLE_PATTERN_FLAGS, CONSOLE_DASHBOARD_PANELS); logs renders them without
importing the apps, so dependencies keep pointing one way.

Each names the permission that reading it needs (analysis.view_analysis, ...): the functions
below return only those the user has, so a page never holds data its reader may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.http import HttpRequest
from django.utils.module_loading import import_string

from logs.models import LogPattern


@dataclass(frozen=True)
class PatternColumn:
    """A column of the patterns list: one query for the page, a fragment per cell."""

    label: str
    template: str  # rendered with `value` (the entry of values() for the row, or None)
    values: Callable[[list[int]], dict[int, Any]]
    permission: str  # who sees it


@dataclass(frozen=True)
class PatternPanel:
    """A section of the pattern page, rendered from the context its function returns."""

    template: str
    context: Callable[[HttpRequest, LogPattern], dict[str, Any]]
    permission: str  # who sees it


@dataclass(frozen=True)
class PatternFlag:
    """A yes/no filter of the patterns list (e.g. "has ticket"): the ids it says yes to."""

    name: str
    label: str
    pattern_ids: Callable[[], Any]  # a queryset of pattern ids (a subquery, not a list)
    permission: str  # who may filter by it


@dataclass(frozen=True)
class DashboardPanel:
    """A card of the dashboard, refreshed with it."""

    template: str
    context: Callable[[HttpRequest], dict[str, Any]]
    permission: str  # who sees it


@cache
def _load(paths: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(import_string(path) for path in paths)


Reader = PermissionsMixin | AnonymousUser  # request.user


def _allowed(paths: list[str], user: Reader) -> tuple[Any, ...]:
    return tuple(entry for entry in _load(tuple(paths)) if user.has_perm(entry.permission))


def pattern_columns(*, user: Reader) -> tuple[PatternColumn, ...]:
    return _allowed(settings.CONSOLE_PATTERN_COLUMNS, user)


def pattern_panels(*, user: Reader) -> tuple[PatternPanel, ...]:
    return _allowed(settings.CONSOLE_PATTERN_PANELS, user)


def dashboard_panels(*, user: Reader) -> tuple[DashboardPanel, ...]:
    return _allowed(settings.CONSOLE_DASHBOARD_PANELS, user)


def pattern_flags(*, user: Reader) -> tuple[PatternFlag, ...]:
    return _allowed(settings.CONSOLE_PATTERN_FLAGS, user)
