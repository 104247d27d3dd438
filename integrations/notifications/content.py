"""A notification's message, built from its events when it is first sent: the patterns'
templates, counts, hosts, severity and analysis summary as they are then, with links to
their pages. At most NOTIFICATIONS_MAX_ITEMS are listed, the rest counted."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import Max

from analysis.models import Analysis
from integrations.models import Notification, NotificationEvent, NotificationRule
from integrations.notifications.messages import Item, Message
from integrations.selectors import pattern_url
from logs.models import LogPattern, LogPatternStat, Severity

Event = NotificationRule.Event
TOP_VALUES = 3
# How several events of one kind read in a title.
PLURALS = {
    Event.NEW_PATTERN: "new patterns",
    Event.REGRESSION: "regressions",
    Event.THRESHOLD: "patterns over their threshold",
    Event.ANALYSIS_DONE: "analyses done",
    Event.TICKET_OPENED: "tickets opened",
    Event.TICKET_FAILED: "tickets failed",
    Event.INGEST_STALLED: "ingest alerts",
    Event.PROVIDER_DOWN: "provider alerts",
    Event.MAINTENANCE_ENDED: "maintenance windows ended",
}


def notification_message(notification: Notification) -> Message:
    """What the notification says. Events of one kind about one pattern are told once (the
    latest); patterns are listed worst first."""
    latest_ids = (
        NotificationEvent.objects.filter(notification=notification)
        .values("kind", "pattern_id")
        .annotate(latest=Max("pk"))
        .values_list("latest", flat=True)
    )
    events = list(
        NotificationEvent.objects.filter(pk__in=list(latest_ids)).select_related("pattern")
    )
    kinds = Counter(event.kind for event in events)
    events.sort(key=_rank)
    limit = settings.NOTIFICATIONS_MAX_ITEMS
    shown, more = events[:limit], max(len(events) - limit, 0)
    patterns = [event.pattern for event in shown if event.pattern is not None]
    spread = _spread(patterns)
    summaries = _summaries(patterns)
    items = [
        item
        for event in shown
        for item in _items(event, spread.get(event.pattern_id, {}), summaries)
    ]
    return Message(
        title=_title(kinds, shown),
        items=tuple(items),
        more=more,
        link=_console_link(),
        extra={"events": dict(kinds), "rule": notification.rule.name if notification.rule else ""},
    )


def test_message(channel_name: str) -> Message:
    """What Send test posts: a message shaped like the real ones."""
    return Message(
        title=f"Test message from Gogent to {channel_name}",
        intro="If you can read this, notifications reach this channel.",
        items=(
            Item(
                event="Example",
                title="Hydraulic pressure <*> bar below threshold on press <*>",
                severity="ERROR",
                count=42,
                hosts="plc-press-4 (40), plc-press-2 (2)",
            ),
        ),
        link=_console_link(),
        extra={"test": True},
    )


def _rank(event: NotificationEvent) -> tuple[int, int, int]:
    pattern = event.pattern
    if pattern is None:
        return (0, 0, -event.pk)  # site-wide events first
    return (1, -pattern.max_severity, -pattern.count)


def _title(kinds: Counter, shown: list[NotificationEvent]) -> str:
    total = sum(kinds.values())
    if total == 1 and shown:
        event = shown[0]
        if event.pattern is not None:
            return f"{event.get_kind_display().split(' (')[0]}: {_short(event.pattern.template)}"
        return str(event.data.get("title") or event.get_kind_display())
    if len(kinds) == 1:
        kind = next(iter(kinds))
        return f"{total:,} {PLURALS.get(kind, kind)}"
    parts = ", ".join(f"{count:,} {PLURALS.get(kind, kind)}" for kind, count in kinds.items())
    return f"{total:,} events: {parts}"


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _items(
    event: NotificationEvent, spread: dict[str, str], summaries: dict[int, str]
) -> list[Item]:
    label = event.get_kind_display().split(" (")[0]
    data: dict[str, Any] = event.data or {}
    pattern = event.pattern
    if event.kind == Event.MAINTENANCE_ENDED:
        return _maintenance_items(data)
    if pattern is None:
        return [Item(event=label, title=str(data.get("title", label)),
                     detail=str(data.get("detail", "")))]  # fmt: skip
    return [
        Item(
            event=label,
            title=pattern.template,
            severity=Severity(pattern.max_severity).label,
            count=pattern.count,
            hosts=spread.get(LogPatternStat.Dimension.HOST, ""),
            services=spread.get(LogPatternStat.Dimension.SERVICE, ""),
            summary=summaries.get(pattern.pk, ""),
            detail=str(data.get("detail", "")),
            link=pattern_url(pattern),
        )
    ]


def _maintenance_items(summary: dict[str, Any]) -> list[Item]:
    held = ", ".join(
        f"{summary.get(key, 0):,} {key}"
        for key in ("patterns", "logs", "analyses", "tickets", "notifications")
    )
    items = [
        Item(
            event="Maintenance ended",
            title=f"Window {summary.get('window', '?')} "
            f"({summary.get('starts_at', '?')} to {summary.get('ends_at', '?')})",
            detail=f"Reason: {summary.get('reason') or '-'}. Held meanwhile: {held}.",
        )
    ]
    base = settings.TICKETS_BASE_URL.rstrip("/")
    for top in summary.get("top", [])[: settings.NOTIFICATIONS_MAX_ITEMS]:
        pattern = LogPattern(pk=top.get("pattern_id"))
        items.append(
            Item(
                event="Held",
                title=str(top.get("template", "")),
                severity=_severity_label(top.get("severity")),
                count=top.get("count"),
                link=pattern_url(pattern) if pattern.pk else base,
            )
        )
    return items


def _severity_label(value: Any) -> str:
    try:
        return Severity(int(value)).label
    except (TypeError, ValueError):
        return str(value or "")


def _spread(patterns: list[LogPattern]) -> dict[int, dict[str, str]]:
    """Each pattern's busiest hosts and services, "plc-1 (12), plc-2 (3)": one query."""
    if not patterns:
        return {}
    rows = LogPatternStat.objects.filter(
        pattern__in=patterns,
        dimension__in=[LogPatternStat.Dimension.HOST, LogPatternStat.Dimension.SERVICE],
    ).order_by("pattern_id", "dimension", "-count", "value")
    values: dict[int, dict[str, list[str]]] = {}
    for stat in rows.only("pattern_id", "dimension", "value", "count"):
        listed = values.setdefault(stat.pattern_id, {}).setdefault(stat.dimension, [])
        if len(listed) < TOP_VALUES:
            listed.append(f"{stat.value} ({stat.count:,})")
    return {
        pattern_id: {dimension: ", ".join(listed) for dimension, listed in dims.items()}
        for pattern_id, dims in values.items()
    }


def _summaries(patterns: list[LogPattern]) -> dict[int, str]:
    """Each pattern's latest completed analysis's summary."""
    summaries: dict[int, str] = {}
    done = Analysis.objects.filter(pattern__in=patterns, status=Analysis.Status.DONE).order_by(
        "pattern_id", "-finished_at", "-pk"
    )
    for pattern_id, result in done.values_list("pattern_id", "result"):
        if pattern_id in summaries:
            continue
        summary = result.get("summary") if isinstance(result, dict) else None
        summaries[pattern_id] = str(summary) if summary else ""
    return summaries


def _console_link() -> str:
    return settings.TICKETS_BASE_URL.rstrip("/") + "/"
