"""The maintenance window form: what every window must meet, in the admin and in a file."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from integrations.maintenance.schedule import (
    occurrence_next,
    recurrence_problem,
    window_zone,
)
from integrations.models import MaintenanceWindow


class MaintenanceWindowForm(forms.ModelForm):
    class Meta:
        model = MaintenanceWindow
        fields = [
            "name", "enabled", "reason", "starts_at", "ends_at", "recurrence", "time_zone",
            "services", "hosts", "places",
        ]  # fmt: skip

    def clean_recurrence(self) -> str:
        recurrence = self.cleaned_data["recurrence"].strip()
        problem = recurrence_problem(recurrence)
        if problem:
            raise forms.ValidationError(problem)
        return recurrence.removeprefix("RRULE:").removeprefix("rrule:")

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip() or "UTC"
        try:
            window_zone(MaintenanceWindow(time_zone=name))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return name

    def clean(self) -> dict:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The window must end after it starts.")
        return data

    def _post_clean(self) -> None:
        super()._post_clean()
        window = self.instance
        if self.errors or not window.recurrence or not window.enabled:
            return
        if occurrence_next(window, timezone.now()) is None and window.starts_at > timezone.now():
            self.add_error("recurrence", "The recurrence never starts an occurrence.")
