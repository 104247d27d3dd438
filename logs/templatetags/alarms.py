"""The alarm-health page's charts: the flood timeline and the bad actors' Pareto chart.

Drawn server-side as SVG from numbers, times and pattern ids only, so nothing a producer
sent can reach the markup (pattern templates are in the tables beside, escaped).
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from logs.alarms.health import FLOOD_ALARMS, Actor, TimelineColumn

register = template.Library()

CALM, FLOOD, LINE, CUMULATIVE = "#2f6fb0", "#c0392b", "#8a5a00", "#1d232b"


@register.simple_tag
def flood_timeline(
    columns: Sequence[TimelineColumn], width: int = 1200, height: int = 140
) -> SafeString:
    """Bars of the most alarms in one 10-minute period per column, red where a period
    flooded, and the flood line (more than FLOOD_ALARMS)."""
    if not columns:
        return mark_safe("")
    plot = height - 16
    top = max(max(column.peak for column in columns), FLOOD_ALARMS * 2)
    step = width / len(columns)
    parts = []
    for i, column in enumerate(columns):
        if column.peak:
            h = max(column.peak / top * plot, 1)
            start, end = timezone.localtime(column.start), timezone.localtime(column.end)
            parts.append(
                f'<rect x="{i * step:.1f}" y="{plot - h:.1f}" width="{max(step - 0.5, 0.5):.1f}" '
                f'height="{h:.1f}" fill="{FLOOD if column.floods else CALM}">'
                f"<title>{start:%Y-%m-%d %H:%M} to {end:%H:%M}: {column.alarms} alarms, at most "
                f"{column.peak} in 10 minutes, {column.floods} flood period(s)</title></rect>"
            )
    line_y = plot - FLOOD_ALARMS / top * plot
    parts.append(
        f'<line x1="0" x2="{width}" y1="{line_y:.1f}" y2="{line_y:.1f}" stroke="{LINE}" '
        'stroke-dasharray="4 3"><title>Flood: more than 10 alarms in 10 minutes</title></line>'
    )
    for i in range(0, len(columns), max(len(columns) // 6, 1)):
        moment = timezone.localtime(columns[i].start)
        parts.append(f'<text x="{i * step:.1f}" y="{height - 2}">{moment:%b %d %H:%M}</text>')
    floods = sum(column.floods for column in columns)
    # Numbers and times only.
    return mark_safe(  # noqa: S308
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'role="img" aria-label="Alarms per 10 minutes over the period: {floods} flood '
        f'period(s)">{"".join(parts)}</svg>'
    )


@register.simple_tag
def pareto_chart(actors: Sequence[Actor], width: int = 1200, height: int = 180) -> SafeString:
    """Bars of the bad actors' alarms, largest first, and the cumulative share of all alarms
    they cause (0-100 % on the same height); each bar links to its pattern."""
    if not actors:
        return mark_safe("")
    plot, left = height - 18, 4
    step = min((width - left * 2) / len(actors), 100)
    peak = max(actor.alarms for actor in actors) or 1
    parts, points = [], []
    for i, actor in enumerate(actors):
        x = left + i * step
        h = max(actor.alarms / peak * plot, 1)
        url = reverse("logs:pattern", args=[int(actor.pattern.pk)])
        parts.append(
            f'<a href="{url}"><rect x="{x + 2:.1f}" y="{plot - h:.1f}" '
            f'width="{max(step - 4, 1):.1f}" height="{h:.1f}" fill="{CALM}">'
            f"<title>#{i + 1}: pattern {int(actor.pattern.pk)}, {actor.alarms} alarms "
            f"({actor.percent:.1f} %), {actor.cumulative:.1f} % with those before</title>"
            f'</rect></a><text x="{x + step / 2 - 6:.1f}" y="{height - 4}">#{i + 1}</text>'
        )
        points.append(f"{x + step / 2:.1f},{plot - actor.cumulative / 100 * plot:.1f}")
    parts.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{CUMULATIVE}" '
        'stroke-width="2"></polyline>'
    )
    for point, actor in zip(points, actors, strict=True):
        x, y = point.split(",")
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="3" fill="{CUMULATIVE}">'
            f"<title>{actor.cumulative:.1f} % of all alarms</title></circle>"
        )
    total = actors[-1].cumulative
    return mark_safe(  # noqa: S308
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'role="img" aria-label="The {len(actors)} patterns with the most alarms cause '
        f'{total:.1f} % of all alarms">{"".join(parts)}</svg>'
    )
