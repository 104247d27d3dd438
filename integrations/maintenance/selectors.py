"""Reads of maintenance windows for the console: what is on, what is next, what was held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from integrations.maintenance.schedule import Occurrence, maintenance_active, occurrence_next
from integrations.models import MaintenanceOccurrence, MaintenanceWindow


@dataclass(frozen=True)
class WindowState:
    window: MaintenanceWindow
    # The occurrence going on, else the next one; None when the window is over.
    occurrence: Occurrence | None
    on: bool

    @property
    def scope(self) -> str:
        parts = [
            f"services {self.window.services}" if self.window.services else "",
            f"hosts {self.window.hosts}" if self.window.hosts else "",
            self.window.places,
        ]
        return "; ".join(part for part in parts if part) or "every pattern"


def maintenance_windows(now: datetime | None = None) -> list[WindowState]:
    """Every window: on now first, then by next start, disabled and finished ones last."""
    now = now or timezone.now()
    on = {occurrence.window.pk: occurrence for occurrence in maintenance_active(now)}
    states = []
    for window in MaintenanceWindow.objects.all():
        occurrence = on.get(window.pk)
        if occurrence is None and window.enabled:
            occurrence = occurrence_next(window, now)
            if occurrence is not None and occurrence.covers(now):  # ended early
                occurrence = occurrence_next(window, occurrence.ends_at)
        states.append(WindowState(window, occurrence, window.pk in on))
    far = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    return sorted(
        states,
        key=lambda s: (not s.on, s.occurrence.starts_at if s.occurrence else far, s.window.name),
    )


def maintenance_occurrences(limit: int = 20) -> list[MaintenanceOccurrence]:
    """The latest occurrences that held something, with how many patterns they hold."""
    return list(
        MaintenanceOccurrence.objects.select_related("window")
        .annotate(held=Count("holds"))
        .order_by("-starts_at")[:limit]
    )


def maintenance_on_now() -> list[Occurrence]:
    """Occurrences going on now (the console's banner)."""
    return sorted(maintenance_active(), key=lambda occurrence: occurrence.ends_at)
