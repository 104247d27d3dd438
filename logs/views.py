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
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from gogent.audit import Actor
from gogent.cursors import encode_cursor
from gogent.errors import StateRefused
from gogent.numbers import ascii_digits, row_id
from logs.activity import log_volume, patterns_new_since, patterns_top_active
from logs.console import dashboard_panels, pattern_columns, pattern_panels
from logs.forms import LogFilterForm, PatternFilterForm, QuarantineFilterForm, SnoozeForm
from logs.grouping.corrections import SPLIT_VALUES_MAX
from logs.live import logs_newer, pattern_changes, pattern_version
from logs.models import GroupingRule, LogPattern, Severity
from logs.plant import plant_summary
from logs.selectors import (
    PAGE_SIZE,
    PATTERN_SORTS,
    LogExport,
    SearchedPage,
    filter_choices,
    grouping_rules_of,
    host_counts,
    hourly_activity,
    log_export_rows,
    log_page,
    pattern_breakdown,
    pattern_page,
    pattern_place_values,
    recent_logs,
    rejected_counts,
    rejected_page,
)
from logs.services import pattern_set_status, pattern_snooze, patterns_set_status
from logs.services.corrections import (
    grouping_rule_undo,
    pattern_split,
    patterns_merge_by_operator,
)

TRIAGE = "logs.triage_pattern"
CORRECT = "logs.correct_grouping"
DASHBOARD_REFRESH = 10
# A live Logs list stops adding rows after this many (the tab would grow without end);
# "Show newest" starts it again from a fresh page.
LIVE_LOGS_MAX = 500
# At most this many shown rows are read back per poll of the patterns list.
LIVE_PATTERNS_MAX = 500
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
    context["snooze_form"] = SnoozeForm()
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
    ids = _ids(request.POST.getlist("pattern"))
    patterns = list(LogPattern.objects.filter(pk__in=ids))
    count = patterns_set_status(patterns=patterns, status=status, actor=Actor.of_user(request.user))
    label = LogPattern.Status(status).label.lower()
    context = _pattern_results(request, PatternFilterForm(request.POST, user=request.user))
    context["notice"] = f"{count} pattern(s) {label}."
    return render(request, "logs/_pattern_results.html", context)


def _pattern_results(request: HttpRequest, form: PatternFilterForm) -> dict[str, Any]:
    filters = form.filters()
    cursor = request.GET.get("cursor", "")
    page = pattern_page(filters, cursor)
    query = form.data.copy()
    query.pop("cursor", None)
    query.pop("csrfmiddlewaretoken", None)
    for name in ("pattern", "set_status"):
        query.pop(name, None)
    return {
        "form": form,
        "rows": _pattern_rows(request, page.rows, sort=filters.sort),
        "columns": pattern_columns(user=request.user),
        "next_cursor": page.next_cursor,
        "query": query.urlencode(),
        "can_triage": request.user.has_perm(TRIAGE),
        "can_correct": request.user.has_perm(CORRECT),
        "live": _pattern_live_context(query, cursor=cursor, floor=page.next_cursor),
    }


def _pattern_rows(
    request: HttpRequest, patterns: list[LogPattern], *, sort: str = "last_seen", **flags: bool
) -> list[dict[str, Any]]:
    """What a row of the patterns list draws, for the page and for live updates alike."""
    ids = [pattern.pk for pattern in patterns]
    activity, hosts, places = hourly_activity(ids), host_counts(ids), plant_summary(ids)
    columns = pattern_columns(user=request.user)
    values = [column.values(ids) for column in columns]
    sort_field = PATTERN_SORTS.get(sort, "last_seen")
    return [
        {
            "pattern": pattern,
            "activity": activity[pattern.pk],
            "hosts": hosts.get(pattern.pk, 0),
            "place": places.get(pattern.pk, ""),
            "cells": [(column.template, column_values.get(pattern.pk))
                      for column, column_values in zip(columns, values, strict=True)],
            "version": pattern_version(pattern, matches=not flags.get("leaving", False)),
            "sort_key": _sort_key(getattr(pattern, sort_field)),
            **flags,
        }
        for pattern in patterns
    ]  # fmt: skip


def _sort_key(value: Any) -> int:
    # live.js places an added row by this number: microseconds for a time, else the value.
    if hasattr(value, "timestamp"):
        return int(value.timestamp() * 1_000_000)
    return int(value)


def _pattern_live_context(query: QueryDict, *, cursor: str, floor: str) -> dict[str, Any] | None:
    interval = settings.CONSOLE_LIVE_INTERVAL
    if interval <= 0:
        return None
    params = query.copy()
    if cursor:
        params["cursor"] = cursor
    params["floor"] = floor
    return {
        "id": "pattern-live",
        "url": reverse("logs:patterns-live") + "?" + params.urlencode(),
        "interval": interval,
        "older_page": bool(cursor),
    }


@login_required
@permission_required("logs.view_logpattern", raise_exception=True)
@require_GET
def pattern_live(request: HttpRequest) -> HttpResponse:
    """A poll of the patterns list: the rows that changed since the client drew them and
    the patterns that now belong on its first page, as out-of-band swaps; 204 when nothing
    changed. `seen` is "id:version,…" of the rows shown, `floor` the first page's cursor."""
    if settings.CONSOLE_LIVE_INTERVAL <= 0:
        return HttpResponse(status=204)
    form = PatternFilterForm(request.GET, user=request.user)
    filters = form.filters()
    cursor = request.GET.get("cursor", "")
    floor = request.GET.get("floor", "")
    shown = _parse_seen(request.GET.get("seen", ""))
    changes = pattern_changes(filters, shown, floor=floor, first_page=not cursor)
    if not changes:
        return HttpResponse(status=204)
    query = request.GET.copy()
    for name in ("seen", "floor", "cursor"):
        query.pop(name, None)
    context = {
        "changed": _pattern_rows(request, changes.changed, sort=filters.sort)
        + _pattern_rows(request, changes.leaving, sort=filters.sort, leaving=True),
        "added": _pattern_rows(request, changes.added, sort=filters.sort, added=True),
        "gone": changes.gone,
        "columns": pattern_columns(user=request.user),
        "can_triage": request.user.has_perm(TRIAGE),
        "live": _pattern_live_context(query, cursor=cursor, floor=floor),
    }
    return render(request, "logs/_pattern_live.html", context)


def _ids(texts: list[str]) -> list[int]:
    return [pk for text in texts if (pk := row_id(text)) is not None]


def _parse_seen(raw: str) -> dict[int, str]:
    """{id: version} from "12:ab34cd,13:…", in the list's order; junk entries are skipped."""
    shown: dict[int, str] = {}
    for item in raw.split(",")[:LIVE_PATTERNS_MAX]:
        pk, _, version = item.partition(":")
        if (pattern_id := row_id(pk)) is not None and version:
            shown[pattern_id] = version[:32]
    return shown


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
        **_grouping_context(request, pattern),
    }
    return render(request, "logs/pattern_detail.html", context)


def _grouping_context(
    request: HttpRequest, pattern: LogPattern, *, notice: str = "", error: str = ""
) -> dict[str, Any]:
    """The pattern page's Grouping section: each <*>'s values (read from stored logs, so
    only for those who may read logs), the corrections concerning the pattern."""
    can_read_logs = request.user.has_perm("logs.view_logentry")
    return {
        "pattern": pattern,
        "place_values": pattern_place_values(pattern) if can_read_logs else [],
        "can_read_logs": can_read_logs,
        "grouping_rules": grouping_rules_of(pattern),
        "can_correct": request.user.has_perm(CORRECT),
        "split_values_max": SPLIT_VALUES_MAX,
        "grouping_notice": notice,
        "grouping_error": error,
    }


@login_required
@require_POST
def pattern_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    pattern = _get_pattern_for_user(request, pk)
    if not request.user.has_perm(CORRECT):
        raise PermissionDenied
    place = request.POST.get("place", "")
    value = request.POST.get("value")
    if not ascii_digits(place) or not 1 <= int(place) <= 1000:
        return _grouping_fragment(request, pattern, error="Choose which <*> to split by.")
    try:
        rule = pattern_split(
            pattern_id=pattern.pk,
            place=int(place) - 1,
            value=value,
            actor=Actor.of_user(request.user),
        )
    except StateRefused as problem:
        return _grouping_fragment(request, pattern, error=str(problem))
    what = "every value" if rule.value is None else f"the value “{rule.value}”"
    return _grouping_fragment(
        request,
        pattern,
        notice=f"Split at <*> {int(place)} by {what}: new logs follow now; "
        "stored logs are being moved.",
    )


@login_required
@require_POST
def grouping_rule_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(CORRECT):
        raise PermissionDenied
    rule = get_object_or_404(GroupingRule, pk=pk)
    shown = request.POST.get("pattern", "")
    shown_id = row_id(shown) or rule.pattern_id
    pattern = _get_pattern_for_user(request, shown_id)
    try:
        grouping_rule_undo(rule_id=rule.pk, actor=Actor.of_user(request.user))
    except StateRefused as problem:
        return _grouping_fragment(request, pattern, error=str(problem))
    pattern.refresh_from_db()
    return _grouping_fragment(
        request, pattern, notice=f"Undid rule {rule.pk}: stored logs are being moved back."
    )


def _grouping_fragment(
    request: HttpRequest, pattern: LogPattern, *, notice: str = "", error: str = ""
) -> HttpResponse:
    context = _grouping_context(request, pattern, notice=notice, error=error)
    return render(request, "logs/_pattern_grouping.html", context, status=409 if error else 200)


@login_required
@require_POST
def patterns_merge_view(request: HttpRequest) -> HttpResponse:
    """Merge the ticked patterns into the oldest of them, then show the list as filtered."""
    if not request.user.has_perm(CORRECT):
        raise PermissionDenied
    ids = sorted(set(_ids(request.POST.getlist("pattern"))))
    context = _pattern_results(request, PatternFilterForm(request.POST, user=request.user))
    if len(ids) < 2:
        context["error"] = "Tick two patterns or more to merge them."
        return render(request, "logs/_pattern_results.html", context)
    survivor, *absorbed = ids
    try:
        patterns_merge_by_operator(
            survivor_id=survivor, absorbed_ids=absorbed, actor=Actor.of_user(request.user)
        )
    except StateRefused as problem:
        context["error"] = str(problem)
        return render(request, "logs/_pattern_results.html", context)
    context = _pattern_results(request, PatternFilterForm(request.POST, user=request.user))
    context["notice"] = (
        f"{len(absorbed)} pattern(s) merged into pattern {survivor}, the oldest; "
        "their future logs go there too. Undo it on that pattern's page."
    )
    return render(request, "logs/_pattern_results.html", context)


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
    # From the patterns list's dialog (`s`): the row comes back, swapped in by its id.
    reply = _snoozed_row if request.POST.get("from") == "list" else _status_fragment
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        problems = [problem for problems in form.errors.values() for problem in problems]
        return reply(request, pattern, " ".join(problems))
    minutes, more = form.cleaned_data["minutes"], form.cleaned_data["more"]
    try:
        pattern = pattern_snooze(
            pattern=pattern,
            actor=Actor.of_user(request.user),
            until=timezone.now() + timedelta(minutes=minutes) if minutes else None,
            more=more,
        )
    except StateRefused as problem:
        return reply(request, pattern, str(problem))
    return reply(request, pattern)


def _snoozed_row(request: HttpRequest, pattern: LogPattern, error: str = "") -> HttpResponse:
    """For the list's snooze dialog: the error inside the dialog (which stays open), or
    nothing there and the pattern's row out of band, and `gogent:snoozed` to close it."""
    if error:
        return render(request, "logs/_snooze_error.html", {"error": error})
    context = {
        "changed": _pattern_rows(request, [pattern], sort=request.POST.get("sort", "")),
        "columns": pattern_columns(user=request.user),
        "can_triage": True,
    }
    response = render(request, "logs/_pattern_live.html", context)
    return trigger_client_event(response, "gogent:snoozed", {"pattern": pattern.pk})


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
    cursor = request.GET.get("cursor", "")
    # A search that cannot be understood shows why (form.q.errors), and no logs.
    page = SearchedPage(rows=[]) if form.has_error("q") else log_page(filters, cursor)
    query = _query_without_cursor(request)
    top = encode_cursor([page.rows[0].timestamp, page.rows[0].pk]) if page.rows else ""
    context = {
        "form": form,
        "searched": page.searched,
        "export_limit": settings.LOGS_EXPORT_MAX_ROWS,
        "logs": page.rows,
        "next_cursor": page.next_cursor,
        "query": query,
        "choices": filter_choices(),
        # Older pages stay as they are: new logs belong on the newest page.
        "live": None if cursor else _log_live_context(query, top=top, added=0),
    }
    return _fragment_or_page(request, "logs/_log_results.html", "logs/logs.html", context)


def _log_live_context(query: str, *, top: str, added: int) -> dict[str, Any] | None:
    interval = settings.CONSOLE_LIVE_INTERVAL
    if interval <= 0:
        return None
    params = QueryDict(query, mutable=True)
    params["top"], params["added"] = top, str(added)
    return {
        "id": "log-live",
        "url": reverse("logs:logs-live") + "?" + params.urlencode(),
        "interval": interval,
        # Past LIVE_LOGS_MAX added rows the list stops growing: "Show newest" reloads it.
        "stopped": added >= LIVE_LOGS_MAX,
        "newest_url": reverse("logs:logs") + "?" + query,
    }


@login_required
@permission_required("logs.view_logentry", raise_exception=True)
@require_GET
def log_live(request: HttpRequest) -> HttpResponse:
    """A poll of the Logs list's newest page: the logs of its filters above the newest one
    it shows (`top`), added at the top out of band; 204 when there are none."""
    if settings.CONSOLE_LIVE_INTERVAL <= 0:
        return HttpResponse(status=204)
    added = request.GET.get("added", "0")
    added = int(added) if ascii_digits(added) else 0
    if added >= LIVE_LOGS_MAX:
        return HttpResponse(status=204)
    form = LogFilterForm(request.GET)
    if form.has_error("q"):  # the page says why; there is nothing to add
        return HttpResponse(status=204)
    new = logs_newer(form.filters(), request.GET.get("top", ""), limit=PAGE_SIZE)
    if not new.rows:
        return HttpResponse(status=204)
    query = request.GET.copy()
    for name in ("top", "added"):
        query.pop(name, None)
    context = {
        "logs": new.rows,
        "more": new.more,
        "newest_url": reverse("logs:logs") + "?" + query.urlencode(),
        "live": _log_live_context(query.urlencode(), top=new.top, added=added + len(new.rows)),
    }
    return render(request, "logs/_log_live.html", context)


@login_required
@permission_required("logs.view_logentry", raise_exception=True)
@require_GET
def log_export(request: HttpRequest) -> StreamingHttpResponse:
    """The current filter as CSV, newest first, streamed row by row (flat memory): at most
    LOGS_EXPORT_MAX_ROWS logs; a cut export says so in its last line and a header."""
    form = LogFilterForm(request.GET)
    if form.has_error("q"):
        return HttpResponse(" ".join(form.errors["q"]), status=400, content_type="text/plain")
    export = log_export_rows(form.filters(), limit=settings.LOGS_EXPORT_MAX_ROWS)
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
