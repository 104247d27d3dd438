"""The operator console's pattern, log and quarantine pages (server-rendered, HTMX)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import orjson
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gogent.audit import Actor
from gogent.errors import StateRefused
from logs.activity import log_volume, patterns_new_since, patterns_top_active
from logs.console import dashboard_panels, pattern_columns, pattern_panels
from logs.forms import LogFilterForm, PatternFilterForm, QuarantineFilterForm, SnoozeForm
from logs.models import LogPattern, Severity
from logs.selectors import (
    LogExport,
    filter_choices,
    host_counts,
    hourly_activity,
    log_export_rows,
    log_page,
    pattern_breakdown,
    pattern_page,
    recent_logs,
    rejected_counts,
    rejected_page,
)
from logs.services import pattern_set_status, pattern_snooze, patterns_set_status

TRIAGE = "logs.triage_pattern"
DASHBOARD_REFRESH = 10
# Spreadsheets run cells starting with these as formulas; log text is untrusted.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _get_pattern_for_user(request: HttpRequest, pk: int) -> LogPattern:
    if not request.user.has_perm("logs.view_logpattern"):
        raise PermissionDenied
    return get_object_or_404(LogPattern, pk=pk)


def _fragment_or_page(
    request: HttpRequest, fragment: str, page: str, context: dict
) -> HttpResponse:
    # A history restore asks for the whole page; other HTMX requests take the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, fragment, context)
    return render(request, page, context)


@login_required
@permission_required("logs.view_logpattern", raise_exception=True)
@require_GET
def pattern_list(request: HttpRequest) -> HttpResponse:
    context = _pattern_results(request, PatternFilterForm(request.GET, user=request.user))
    context["choices"] = filter_choices()
    return _fragment_or_page(request, "logs/_pattern_results.html", "logs/patterns.html", context)


@login_required
@require_POST
def pattern_bulk_status(request: HttpRequest) -> HttpResponse:
    """Mute or resolve the ticked patterns, then show the list as it is filtered."""
    if not request.user.has_perm(TRIAGE):
        raise PermissionDenied
    status = request.POST.get("set_status", "")
    if status not in (LogPattern.Status.MUTED, LogPattern.Status.RESOLVED):
        return HttpResponse("Choose mute or resolve.", status=400)
    ids = [int(value) for value in request.POST.getlist("pattern") if value.isdigit()]
    patterns = list(LogPattern.objects.filter(pk__in=ids))
    count = patterns_set_status(patterns=patterns, status=status, actor=Actor.of_user(request.user))
    label = LogPattern.Status(status).label.lower()
    context = _pattern_results(request, PatternFilterForm(request.POST, user=request.user))
    context["notice"] = f"{count} pattern(s) {label}."
    return render(request, "logs/_pattern_results.html", context)


def _pattern_results(request: HttpRequest, form: PatternFilterForm) -> dict[str, Any]:
    page = pattern_page(form.filters(), request.GET.get("cursor", ""))
    ids = [pattern.pk for pattern in page.rows]
    activity, hosts = hourly_activity(ids), host_counts(ids)
    columns = pattern_columns(user=request.user)
    values = [column.values(ids) for column in columns]
    rows = [
        {
            "pattern": pattern,
            "activity": activity[pattern.pk],
            "hosts": hosts.get(pattern.pk, 0),
            "cells": [(column.template, column_values.get(pattern.pk))
                      for column, column_values in zip(columns, values, strict=True)],
        }
        for pattern in page.rows
    ]  # fmt: skip
    query = form.data.copy()
    query.pop("cursor", None)
    query.pop("csrfmiddlewaretoken", None)
    for name in ("pattern", "set_status"):
        query.pop(name, None)
    return {
        "form": form,
        "rows": rows,
        "columns": columns,
        "next_cursor": page.next_cursor,
        "query": query.urlencode(),
        "can_triage": request.user.has_perm(TRIAGE),
    }


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()


@login_required
@require_GET
def pattern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pattern = _get_pattern_for_user(request, pk)
    context = {
        "pattern": pattern,
        "breakdown": pattern_breakdown(pattern),
        "activity": hourly_activity([pattern.pk], hours=7 * 24)[pattern.pk],
        "logs": recent_logs(pattern),
        "panels": [
            (panel.template, panel.context(request, pattern))
            for panel in pattern_panels(user=request.user)
        ],
        "can_triage": request.user.has_perm(TRIAGE),
        "snooze_form": SnoozeForm(),
        "absorbed": pattern.absorbed.count(),
    }
    return render(request, "logs/pattern_detail.html", context)


@login_required
@require_POST
def pattern_status(request: HttpRequest, pk: int) -> HttpResponse:
    pattern = _get_pattern_for_user(request, pk)
    if not request.user.has_perm(TRIAGE):
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status not in LogPattern.Status.values:
        return HttpResponse("Unknown status.", status=400)
    error = ""
    try:
        pattern = pattern_set_status(
            pattern=pattern, status=status, actor=Actor.of_user(request.user)
        )
    except StateRefused as problem:
        error = str(problem)
    return _status_fragment(request, pattern, error)


@login_required
@require_POST
def pattern_snooze_view(request: HttpRequest, pk: int) -> HttpResponse:
    pattern = _get_pattern_for_user(request, pk)
    if not request.user.has_perm(TRIAGE):
        raise PermissionDenied
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        problems = [problem for problems in form.errors.values() for problem in problems]
        return _status_fragment(request, pattern, " ".join(problems))
    minutes, more = form.cleaned_data["minutes"], form.cleaned_data["more"]
    try:
        pattern = pattern_snooze(
            pattern=pattern,
            actor=Actor.of_user(request.user),
            until=timezone.now() + timedelta(minutes=minutes) if minutes else None,
            more=more,
        )
    except StateRefused as problem:
        return _status_fragment(request, pattern, str(problem))
    return _status_fragment(request, pattern)


def _status_fragment(request: HttpRequest, pattern: LogPattern, error: str = "") -> HttpResponse:
    context = {
        "pattern": pattern,
        "can_triage": True,
        "snooze_form": SnoozeForm(),
        "error": error,
    }
    return render(request, "logs/_pattern_status.html", context)


@login_required
@permission_required("logs.view_logentry", raise_exception=True)
@require_GET
def log_list(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET)
    filters = form.filters()
    page = log_page(filters, request.GET.get("cursor", ""))
    context = {
        "form": form,
        "searched": page.searched,
        "export_limit": settings.LOGS_EXPORT_MAX_ROWS,
        "logs": page.rows,
        "next_cursor": page.next_cursor,
        "query": _query_without_cursor(request),
        "choices": filter_choices(),
    }
    return _fragment_or_page(request, "logs/_log_results.html", "logs/logs.html", context)


@login_required
@permission_required("logs.view_logentry", raise_exception=True)
@require_GET
def log_export(request: HttpRequest) -> StreamingHttpResponse:
    """The current filter as CSV, newest first, streamed row by row (flat memory): at most
    LOGS_EXPORT_MAX_ROWS logs; a cut export says so in its last line and a header."""
    filters = LogFilterForm(request.GET).filters()
    export = log_export_rows(filters, limit=settings.LOGS_EXPORT_MAX_ROWS)
    response = StreamingHttpResponse(_csv_lines(export), content_type="text/csv")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="gogent-logs-{stamp}.csv"'
    if export.truncated is not None:
        response["X-Gogent-Truncated"] = f"{export.truncated.size} newest logs"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(export: LogExport) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(
        ["timestamp", "severity", "hostname", "service", "message", "context", "pattern_id"]
    )
    for timestamp, severity, hostname, service, message, context, pattern_id in export.rows:
        yield writer.writerow(
            [
                timestamp.isoformat(),
                Severity(severity).label,
                _cell(hostname),
                _cell(service),
                _cell(message),
                _cell(orjson.dumps(context).decode()),
                pattern_id or "",
            ]
        )
    if export.truncated is not None:
        # Last, where whoever opens the file meets it; "#" marks it as no log.
        cut = export.truncated
        yield writer.writerow(
            [
                f"# truncated: the newest {cut.size} logs of this filter, back to "
                f"{cut.oldest.isoformat()}; older ones are left out (LOGS_EXPORT_MAX_ROWS). A "
                "narrower severity, service, host or pattern reaches further back."
            ]
        )


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


@login_required
@permission_required("logs.view_rejectedmessage", raise_exception=True)
@require_GET
def quarantine(request: HttpRequest) -> HttpResponse:
    form = QuarantineFilterForm(request.GET)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    page = rejected_page(reason, request.GET.get("cursor", ""))
    context = {
        "form": form,
        "rejected": page.rows,
        "next_cursor": page.next_cursor,
        "query": _query_without_cursor(request),
        "counts": rejected_counts(),
    }
    return _fragment_or_page(
        request, "logs/_quarantine_results.html", "logs/quarantine.html", context
    )


@login_required
@permission_required("logs.view_logpattern", raise_exception=True)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The overview; its cards refresh themselves every DASHBOARD_REFRESH seconds."""
    volume = log_volume(hours=3, bucket_minutes=5)
    top = patterns_top_active(hours=24)
    activity = hourly_activity([pattern.pk for pattern, _ in top])
    context = {
        "volume": volume,
        "severities": list(volume.by_severity),
        "new_patterns": patterns_new_since(24),
        "top": [(pattern, count, activity[pattern.pk]) for pattern, count in top],
        "panels": [
            (panel.template, panel.context(request))
            for panel in dashboard_panels(user=request.user)
        ],
        "refresh_seconds": DASHBOARD_REFRESH,
    }
    return _fragment_or_page(request, "logs/_dashboard_cards.html", "logs/dashboard.html", context)
