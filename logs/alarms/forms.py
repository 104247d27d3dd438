"""The alarm-health page's picker: a period (the last 1, 7, 30 or 90 days, or from/to) and
a scope (a site, a line, or everything)."""

from __future__ import annotations

from django import forms

from logs.alarms.period import DEFAULT_PERIOD, Period, PeriodError, Scope, period_of, scope_of
from logs.models import PLANT_VALUE_MAX

PERIOD_CHOICES = [
    ("1d", "last 24 hours"),
    ("7d", "last 7 days"),
    ("30d", "last 30 days"),
    ("90d", "last 90 days"),
    ("custom", "from … to …"),
]


class AlarmHealthForm(forms.Form):
    period = forms.ChoiceField(label="Period", choices=PERIOD_CHOICES, required=False)
    site = forms.CharField(label="Site", required=False, max_length=PLANT_VALUE_MAX)
    line = forms.CharField(label="Line", required=False, max_length=PLANT_VALUE_MAX)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # "from" and "to", as the API names them, are Python keywords: declared here.
        self.fields["from"] = forms.DateField(label="From", required=False)
        self.fields["to"] = forms.DateField(label="To", required=False)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        label = data.get("period") or ""
        try:
            # Days count when chosen as the period, or given with no period at all.
            if label == "custom" or (not label and (start or end)):
                data["report_period"] = period_of(start=start, end=end)
            else:
                data["report_period"] = period_of(label or DEFAULT_PERIOD)
        except PeriodError as problem:
            raise forms.ValidationError(str(problem)) from None
        return data

    def selection(self) -> tuple[Period, Scope]:
        """The period and scope asked for; what is not valid falls back to the last 30 days
        of everything (form.errors says why)."""
        if self.is_valid():
            data = self.cleaned_data
            return data["report_period"], scope_of(site=data["site"], line=data["line"])
        return period_of(DEFAULT_PERIOD), scope_of()
