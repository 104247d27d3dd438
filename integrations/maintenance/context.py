"""The console's maintenance banner (a context processor in settings.TEMPLATES)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from integrations.maintenance.selectors import maintenance_on_now


def maintenance_banner(request: HttpRequest) -> dict[str, object]:
    """`maintenance_now`: the occurrences going on, read only if a page shows the banner
    (HTMX partials never do)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"maintenance_now": []}
    return {"maintenance_now": SimpleLazyObject(maintenance_on_now)}
