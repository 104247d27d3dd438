"""The console's filter forms: query strings in, selector filters out."""

from __future__ import annotations

from django import forms

from logs.console import pattern_flags
from logs.models import (
    PLANT_KEYS,
    PLANT_VALUE_MAX,
    ContextRule,
    LogPattern,
    PlantContext,
    RejectedMessage,
    Severity,
)
from logs.search import HELP, MAX_QUERY_LENGTH, SearchSyntaxError, parse_query
from logs.selectors import SINCE_CHOICES, LogFilters, PatternFilters

SEVERITY_CHOICES = [("", "any")] + [(str(s.value), f"{s.label}+") for s in Severity]
FLAG_CHOICES = [("", "any"), ("yes", "yes"), ("no", "no")]
SINCE = [("", "any time")] + [(key, f"last {key}") for key in SINCE_CHOICES]


class PlaceFilterFields(forms.Form):
    """Site, area, line, cell and asset filters (a value, or a glob: press-*); shown once
    context rules have placed logs anywhere, or when a link sets one."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key in PLANT_KEYS:
            self.fields[key] = forms.CharField(
                label=key.capitalize(), required=False, max_length=PLANT_VALUE_MAX
            )

    @property
    def place_fields(self) -> list[forms.BoundField]:
        wanted = any(self.data.get(key) for key in PLANT_KEYS)
        if not wanted and not PlantContext.objects.exists():
            return []
        return [self[key] for key in PLANT_KEYS]

    def place(self, data: dict) -> tuple[tuple[str, str], ...]:
        return tuple((key, data[key]) for key in PLANT_KEYS if data.get(key))


class PatternFilterForm(PlaceFilterFields):
    q = forms.CharField(label="Search templates", required=False, max_length=200)
    severity = forms.TypedChoiceField(
        label="Severity", choices=SEVERITY_CHOICES, coerce=int, empty_value=None, required=False
    )
    service = forms.CharField(label="Service", required=False, max_length=255)
    host = forms.CharField(label="Host", required=False, max_length=255)
    status = forms.ChoiceField(
        label="Status", choices=[("", "any"), *LogPattern.Status.choices], required=False
    )
    since = forms.ChoiceField(label="Seen", choices=SINCE, required=False)
    sort = forms.ChoiceField(
        label="Sort",
        choices=[("last_seen", "last seen"), ("count", "count"), ("severity", "severity")],
        required=False,
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the flags the user may see, e.g. "has ticket" needs integrations.view_ticket.
        self.flags = pattern_flags(user=user)
        for flag in self.flags:
            self.fields[flag.name] = forms.ChoiceField(
                label=flag.label, choices=FLAG_CHOICES, required=False
            )

    @property
    def flag_fields(self) -> list[forms.BoundField]:
        return [self[flag.name] for flag in self.flags]

    def filters(self) -> PatternFilters:
        """The filters; invalid values are dropped (a bad link shows everything, not an error)."""
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        return PatternFilters(
            flags=tuple(
                (flag.pattern_ids(), data.get(flag.name) == "yes")
                for flag in self.flags
                if data.get(flag.name) in ("yes", "no")
            ),
            q=data.get("q") or "",
            min_severity=data.get("severity"),
            service=data.get("service") or "",
            host=data.get("host") or "",
            status=data.get("status") or "",
            since=data.get("since") or "",
            sort=data.get("sort") or "last_seen",
            place=self.place(data),
        )

    def _valid_part(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class LogFilterForm(PlaceFilterFields):
    q = forms.CharField(
        label="Search messages", required=False, max_length=MAX_QUERY_LENGTH, help_text=HELP
    )
    severity = forms.TypedChoiceField(
        label="Severity", choices=SEVERITY_CHOICES, coerce=int, empty_value=None, required=False
    )
    service = forms.CharField(label="Service", required=False, max_length=255)
    host = forms.CharField(label="Host", required=False, max_length=255)
    since = forms.ChoiceField(label="Time", choices=SINCE, required=False)
    pattern = forms.IntegerField(label="Pattern", required=False, min_value=1)

    def clean_q(self) -> str:
        q = self.cleaned_data.get("q", "")
        try:
            parse_query(q)
        except SearchSyntaxError as problem:
            raise forms.ValidationError(str(problem)) from None
        return q

    def filters(self) -> LogFilters:
        data = (
            self.cleaned_data
            if self.is_valid()
            else {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        )
        return LogFilters(
            q=data.get("q") or "",
            min_severity=data.get("severity"),
            service=data.get("service") or "",
            host=data.get("host") or "",
            since=data.get("since") or "",
            pattern_id=data.get("pattern"),
            place=self.place(data),
        )


class QuarantineFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason", choices=[("", "any"), *RejectedMessage.Reason.choices], required=False
    )


class SnoozeForm(forms.Form):
    """Snooze for a while, or until N more logs of the pattern (either or both)."""

    DURATIONS = [
        ("", "—"),
        ("60", "1 hour"),
        ("240", "4 hours"),
        ("1440", "1 day"),
        ("10080", "1 week"),
    ]

    minutes = forms.TypedChoiceField(
        label="for", choices=DURATIONS, coerce=int, empty_value=None, required=False
    )
    more = forms.IntegerField(
        label="or until more logs", min_value=1, max_value=10**9, required=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("minutes") is None and data.get("more") is None:
            raise forms.ValidationError("Choose how long, or how many more logs.")
        return data


class ContextRuleForm(forms.ModelForm):
    """A context rule, from the admin or a config file's [[context_rules]]; the model's
    clean() says what keeps it from placing logs."""

    class Meta:
        model = ContextRule
        fields = [
            "name", "position", "enabled", "source", "context_field", "pattern", "assign_to",
            "site", "area", "line", "cell", "asset",
        ]  # fmt: skip
