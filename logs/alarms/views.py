"""The console's alarm-health page (server-rendered; the picker reloads the report by HTMX)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from logs.alarms import health
from logs.alarms.forms import PERIOD_CHOICES, AlarmHealthForm
from logs.alarms.health import alarm_health, alarm_links
from logs.alarms.period import scope_choices


@login_required
@permission_required("logs.view_logpattern", raise_exception=True)
@require_GET
def alarm_health_page(request: HttpRequest) -> HttpResponse:
    form = AlarmHealthForm(request.GET)
    period, scope = form.selection()
    report = alarm_health(period, scope)
    choices = scope_choices()
    lines = sorted({line for site, line in choices.lines if not scope.site or site == scope.site})
    links = alarm_links(report)
    context = {
        "form": form,
        "report": report,
        "periods": PERIOD_CHOICES,
        "sites": choices.sites,
        "lines": lines,
        "links": links,
        "priorities": [(priority, links[priority.name]) for priority in report.priorities],
        # The logs of one pattern among the scope's alarms: ?pattern=<id>&<this>.
        "scope_query": urlencode(
            {
                name: value
                for name, value in (
                    ("severity", report.alarm_severity),
                    ("site", scope.site),
                    ("line", scope.line),
                )
                if value
            }
        ),
        "targets": health,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "logs/_alarm_health.html", context)
    return render(request, "logs/alarm_health.html", context)
