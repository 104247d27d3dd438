"""Severity badges and the volume chart of the console's log pages.

The chart is drawn server-side as SVG from numbers and our severity names only, so
nothing from a log can reach the markup.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from logs.models import Severity

register = template.Library()

SEVERITY_COLOURS = {
    "DEBUG": "#7b8794",
    "INFO": "#2f6fb0",
    "NOTICE": "#3f7f8f",
    "WARNING": "#b26b00",
    "ERROR": "#c0392b",
    "CRITICAL": "#8e1b10",
    "ALERT": "#6d1209",
    "EMERGENCY": "#4a0b05",
}


@register.filter
def severity_name(value: int) -> str:
    try:
        return Severity(int(value)).label
    except (TypeError, ValueError):
        return str(value)


@register.simple_tag
def volume_chart(series, width: int = 720, height: int = 160) -> SafeString:
    """Stacked bars of logs per bucket and severity (logs.activity.VolumeSeries)."""
    buckets = len(series.minutes)
    if not buckets:
        return mark_safe("")
    totals = [sum(counts[i] for counts in series.by_severity.values()) for i in range(buckets)]
    peak = max(totals) or 1
    plot = height - 16
    step = width / buckets
    order = [name for name in SEVERITY_COLOURS if name in series.by_severity]
    parts = []
    for i in range(buckets):
        y = plot
        for name in order:
            value = series.by_severity[name][i]
            if value:
                h = value / peak * plot
                y -= h
                parts.append(
                    f'<rect x="{i * step:.1f}" y="{y:.1f}" width="{max(step - 1, 1):.1f}" '
                    f'height="{h:.1f}" fill="{SEVERITY_COLOURS[name]}">'
                    f"<title>{name} {series.minutes[i]:%H:%M}: {int(value)}</title></rect>"
                )
    for i in range(0, buckets, max(buckets // 6, 1)):
        parts.append(f'<text x="{i * step:.1f}" y="{height - 2}">{series.minutes[i]:%H:%M}</text>')
    # Severity names are our constants and the rest are numbers and times.
    return mark_safe(  # noqa: S308
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'role="img" aria-label="Logs received: {series.total} in the period, '
        f'at most {peak} per bucket">{"".join(parts)}</svg>'
    )


@register.simple_tag
def severity_legend(names) -> SafeString:
    return format_html_join(
        "",
        # The colour is an SVG attribute: a style="" would be refused by the CSP.
        '<span><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" '
        'rx="2" fill="{}"></rect></svg>{}</span>',
        ((SEVERITY_COLOURS.get(name, "#999"), name) for name in names),
    )
