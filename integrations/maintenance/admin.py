"""Maintenance windows in Django admin: planned and past, with what each held."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from gogent.adminbase import AuditedAdmin, ReadOnlyAdmin
from integrations.maintenance.forms import MaintenanceWindowForm
from integrations.maintenance.schedule import occurrence_next
from integrations.models import MaintenanceOccurrence, MaintenanceWindow


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(AuditedAdmin):
    form = MaintenanceWindowForm
    list_display = ["name", "enabled", "state", "recurrence", "time_zone", "scope", "reason"]
    list_filter = ["enabled"]
    search_fields = ["name", "reason", "services", "hosts"]
    fieldsets = [
        (None, {"fields": ["name", "enabled", "reason"]}),
        ("When", {"fields": ["starts_at", "ends_at", "recurrence", "time_zone"]}),
        ("Scope", {"fields": ["services", "hosts", "places"],
                   "description": "Patterns that have seen a matching service and host. "
                                  "Both blank: every pattern."}),
    ]  # fmt: skip

    @admin.display(description="now")
    def state(self, window: MaintenanceWindow) -> str:
        if not window.enabled:
            return "disabled"
        now = timezone.now()
        occurrence = occurrence_next(window, now)
        if occurrence is None:
            return "over"
        if occurrence.covers(now):
            return f"on until {timezone.localtime(occurrence.ends_at):%Y-%m-%d %H:%M}"
        return f"next {timezone.localtime(occurrence.starts_at):%Y-%m-%d %H:%M}"

    @admin.display(description="scope")
    def scope(self, window: MaintenanceWindow) -> str:
        parts = [f"services {window.services}" if window.services else "",
                 f"hosts {window.hosts}" if window.hosts else ""]  # fmt: skip
        return "; ".join(part for part in parts if part) or "everything"


@admin.register(MaintenanceOccurrence)
class MaintenanceOccurrenceAdmin(ReadOnlyAdmin):
    list_display = ["window", "starts_at", "ends_at", "released_at", "held"]
    list_filter = ["window"]
    list_select_related = ["window"]
    readonly_fields = ["window", "starts_at", "ends_at", "released_at", "held", "top"]
    fields = readonly_fields

    @admin.display(description="held")
    def held(self, occurrence: MaintenanceOccurrence) -> str:
        summary = occurrence.summary or {}
        if not occurrence.released_at:
            return f"holding {occurrence.holds.count()} patterns"
        return (
            f"{summary.get('patterns', 0)} patterns, {summary.get('logs', 0)} logs; held "
            f"{summary.get('analyses', 0)} analyses, {summary.get('tickets', 0)} ticket rules, "
            f"{summary.get('notifications', 0)} notifications"
        )

    @admin.display(description="busiest patterns")
    def top(self, occurrence: MaintenanceOccurrence) -> str:
        rows = (occurrence.summary or {}).get("top", [])
        if not rows:
            return "-"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "", "<li>{} logs: {} ({})</li>",
                ((row["count"], row["template"][:200], row["severity"]) for row in rows),
            ),
        )  # fmt: skip
