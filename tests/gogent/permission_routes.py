"""What the permission matrix walks: every route in the URL conf, every ninja operation,
every admin action; and how to build a concrete URL for a route from stored rows.

Everything here is read from Django and ninja, not listed by hand, so a new route,
operation or action shows up in the matrix (and fails it until it has an entry).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

from gogent.api import api

# Apps whose rows an admin action or an endpoint might change (gogent's own and Django's users).
SNAPSHOT_APPS = ("auth", "gogent", "logs", "analysis", "integrations")
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern with the patterns of the resolvers above it."""

    key: str  # its name ("logs:pattern", "admin:auth_user_change") or, unnamed, its pattern
    pattern: str  # the full pattern, e.g. "patterns/<int:pk>/"
    levels: tuple[RoutePattern | RegexPattern, ...]
    callback: Callable[..., Any]

    @property
    def model_admin(self) -> ModelAdmin | None:
        """The ModelAdmin serving it, for the admin's model views (Django marks its wrappers)."""
        found = getattr(self.callback, "model_admin", None)
        if found is None:  # UserAdmin's password view is wrapped by admin_view only
            found = getattr(getattr(self.callback, "__wrapped__", None), "__self__", None)
        return found if isinstance(found, ModelAdmin) else None

    @property
    def view_name(self) -> str:
        """The wrapped view's function name: "change_view", "changelist_view", ..."""
        return getattr(self.callback, "__name__", "")


def routes() -> list[Route]:
    """Every URL pattern the project serves, in resolution order."""
    return list(_walk(get_resolver().url_patterns, (), None))


def _walk(patterns: list[Any], levels: tuple[Any, ...], namespace: str | None) -> Iterator[Route]:
    for entry in patterns:
        here = (*levels, entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, here, inner)
        elif isinstance(entry, URLPattern):
            pattern = "".join(str(level) for level in here)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Route(key=name or pattern, pattern=pattern, levels=here, callback=entry.callback)


def build_url(route: Route, value_for: Callable[[str], Any]) -> str:
    """The route's URL with each parameter filled by value_for(parameter name)."""
    parts = []
    for level in route.levels:
        if isinstance(level, RoutePattern):
            text = str(level)
            parts.append(_ROUTE_PARAMETER.sub(lambda match: str(value_for(match["name"])), text))
        else:
            template, names = normalize(str(level))[0]
            parts.append(template % {name: value_for(name) for name in names})
    return "/" + "".join(parts)


# --- The API ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # "/api/v1/patterns/{pattern_id}", ninja's notation
    function: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def api_operations() -> list[Operation]:
    """Every ninja operation of the one NinjaAPI, nested routers included."""
    mount = reverse(f"{api.urls_namespace}:api-root").rstrip("/")
    api.urls  # noqa: B018 - builds the routers, so _routers lists the nested ones too
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = "/".join(part.strip("/") for part in (mount, prefix, path) if part)
                    found.append(Operation(method, "/" + full, operation.view_func.__name__))
    return found


def api_route_patterns() -> set[str]:
    """The URL conf patterns ninja made for the operations ("api/v1/patterns/<pattern_id>")."""
    return {
        re.sub(r"\{(\w+)\}", r"<\1>", operation.path.lstrip("/")) for operation in api_operations()
    }


# --- The admin -------------------------------------------------------------------------


def model_label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def model_admins() -> dict[str, ModelAdmin]:
    return {model_label(model): model_admin for model, model_admin in admin.site._registry.items()}


def admin_actions() -> list[tuple[str, str]]:
    """(model label, action name) for every action of every ModelAdmin, site-wide ones too.

    _get_base_actions is the admin's own list before it filters by the user's permissions;
    get_actions(request) would hide exactly the actions a permission check removes.
    """
    return sorted(
        (label, name)
        for label, model_admin in model_admins().items()
        for _function, name, _description in model_admin._get_base_actions()
    )


def action_function(label: str, name: str) -> Callable[..., Any]:
    for function, action_name, _description in model_admins()[label]._get_base_actions():
        if action_name == name:
            return function
    raise LookupError(f"{label} has no action {name!r}")


def db_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the apps' models, to compare before and after a request."""
    return {
        model_label(model): list(model.objects.order_by("pk").values())
        for app_label in SNAPSHOT_APPS
        for model in apps.get_app_config(app_label).get_models()
    }
