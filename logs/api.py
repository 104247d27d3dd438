"""The logs app's API: logs (list, submit), patterns (list, get, change status), stats.

Endpoints parse, check the permission, call the selector or service the console's
views call, and return. gogent.api mounts these routers under /api/v1/.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Header, Path, Query, Router, Status

from gogent.access import ApiError, errors, require_perm
from gogent.audit import Actor
from gogent.cursors import decode_cursor
from gogent.errors import StateRefused
from gogent.models import ApiKey
from gogent.monitoring import broker_queue_depths, consumer_lag
from logs.activity import log_volume
from logs.intake import IntakeUnavailable, LogsRefused, logs_submit
from logs.metrics import ingest_rate, ingested_by_severity
from logs.models import PLANT_KEYS, PLANT_VALUE_MAX, GroupingRule, LogPattern, Severity
from logs.schemas import (
    GroupingRuleOut,
    LogIn,
    LogPage,
    MergeIn,
    PatternDetailOut,
    PatternOut,
    PatternPage,
    PatternSort,
    PatternStatus,
    PlaceValuesOut,
    Since,
    SnoozeIn,
    SplitIn,
    StatsOut,
    StatusIn,
    SubmittedOut,
    UndoIn,
)
from logs.search import SearchSyntaxError
from logs.selectors import (
    LogFilters,
    PatternFilters,
    log_page,
    pattern_breakdown,
    pattern_page,
    pattern_place_values,
    rejected_counts,
)
from logs.services import pattern_set_status, pattern_snooze
from logs.services.corrections import (
    grouping_rule_undo,
    pattern_split,
    patterns_merge_by_operator,
)
from logs.validation import SEVERITY_ALIASES

logs_router = Router(tags=["logs"])
patterns_router = Router(tags=["patterns"])
stats_router = Router(tags=["stats"])
grouping_rules_router = Router(tags=["patterns"])

# Ids and cursor values beyond a 64-bit integer are refused before they reach the database.
MAX_ID = 2**63 - 1
MAX_PAGE = 500
MAX_BUCKETS = 2000
# Text filters: PostgreSQL cannot hold NUL in a query parameter, so it is refused up front.
NO_NUL = r"^[^\x00]*$"


PLACE = (
    "Where the context rules placed the logs: a value, or a glob (press-*); "
    "case-insensitive. Several keys: all must match."
)


def _severity(name: str | None) -> int | None:
    """A severity filter in the input rules' vocabulary: names, aliases, syslog 0-7."""
    if not name:
        return None
    key = name.strip().lower()
    if key in SEVERITY_ALIASES:
        return SEVERITY_ALIASES[key]
    raise ApiError(
        422,
        "invalid_severity",
        "min_severity must be one of " + ", ".join(label.lower() for label in Severity.labels),
    )


def _cursor(cursor: str) -> str:
    """The cursor as given, or 400 if it is not one this API handed out."""
    if not cursor:
        return ""
    values = decode_cursor(cursor)
    if values is None or not all(
        not isinstance(value, int) or -MAX_ID <= value <= MAX_ID for value in values
    ):
        raise ApiError(400, "invalid_cursor", "The cursor is not valid; start again without one.")
    return cursor


# --- Logs -------------------------------------------------------------------------------


@logs_router.get(
    "",
    response={200: LogPage, **errors()},
    summary="List logs, newest first",
    description=(
        "Keyset pages: pass next_cursor as cursor until it is null. q searches every retained "
        "log through a full-text index: words (all must be in the message, as whole words), "
        '"quoted phrases", host:NAME and service:NAME (exact, or globs with * and ?; several '
        "mean any of them) and severity:NAME (that severity or worse). A q that cannot be "
        "understood (an unclosed quote, an unknown field:) is a 422 invalid_search saying why."
    ),
)
def list_logs(
    request: HttpRequest,
    q: str = Query(
        "",
        pattern=NO_NUL,
        description='A search, e.g. `timeout "unit 7" host:plc-* severity:error` (see above).',
    ),
    min_severity: str | None = Query(None, pattern=NO_NUL, description="e.g. warning, error"),
    service: str = Query("", pattern=NO_NUL),
    host: str = Query("", pattern=NO_NUL),
    since: Since | None = None,
    pattern: int | None = Query(None, ge=1, le=MAX_ID),
    site: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    area: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    line: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    cell: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    asset: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    cursor: str = Query("", description="next_cursor of the previous page."),
    limit: int = Query(50, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    require_perm(request, "logs.view_logentry")
    filters = LogFilters(
        place=_place(site=site, area=area, line=line, cell=cell, asset=asset),
        q=q,
        min_severity=_severity(min_severity),
        service=service,
        host=host,
        since=since or "",
        pattern_id=pattern,
    )
    try:
        page = log_page(filters, _cursor(cursor), size=limit)
    except SearchSyntaxError as problem:
        raise ApiError(422, "invalid_search", f"q: {problem}") from None
    return {"items": page.rows, "next_cursor": page.next_cursor or None}


LOG_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        LogIn.model_json_schema(),
                        {"type": "array", "items": LogIn.model_json_schema(), "minItems": 1},
                    ]
                }
            }
        },
    }
}


@logs_router.post(
    "",
    response={202: SubmittedOut, **errors(413, 503)},
    openapi_extra=LOG_BODY,
    summary="Submit one log or a batch",
    description=(
        "For producers that cannot speak NATS. The body is one log (an object) or a batch "
        "(an array, at most API_LOGS_MAX_BATCH). Every log is checked with the NATS input "
        "rules; if any breaks them the answer is 422 naming each one (index, reason, detail) "
        "and nothing is stored. Otherwise the logs are published into the JetStream stream and "
        "stored by the consumer like any other; the answer carries their stream sequences. "
        "With an Idempotency-Key header, a retry of the same request within two minutes "
        "stores nothing twice. Keys are the caller's own (per API key, or per signed-in user): "
        "another caller using the same key is not taken for a retry."
    ),
)
def submit_logs(
    request: HttpRequest,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=100, pattern=r"^[A-Za-z0-9._:-]+$"
    ),
) -> Status[SubmittedOut]:
    require_perm(request, "logs.add_logentry")
    try:
        body = orjson.loads(request.body)
    except orjson.JSONDecodeError as error:
        raise ApiError(400, "invalid_json", f"The body is not JSON: {error}") from None
    items = [body] if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise ApiError(
            422, "invalid_body", "Send one log (a JSON object) or a batch (an array of them)."
        )
    if not items:
        raise ApiError(422, "empty_batch", "The batch is empty.")
    if len(items) > settings.API_LOGS_MAX_BATCH:
        raise ApiError(
            413,
            "too_many_logs",
            f"{len(items)} logs in one request; the limit is {settings.API_LOGS_MAX_BATCH}.",
        )
    try:
        submitted = logs_submit(
            payloads=[orjson.dumps(item) for item in items],
            caller=_caller(request),
            idempotency_key=idempotency_key or "",
        )
    except LogsRefused as refused:
        raise ApiError(
            422,
            "invalid_logs",
            f"{len(refused.problems)} of {len(items)} logs break the input rules; none was stored.",
            details=[asdict(problem) for problem in refused.problems],
        ) from None
    except IntakeUnavailable as error:
        raise ApiError(
            503,
            "nats_unavailable",
            f"NATS did not take the logs ({error}). Some may have been; retry with an "
            "Idempotency-Key to store none twice.",
        ) from None
    return Status(
        202,
        SubmittedOut(
            accepted=len(submitted.stream_seqs),
            duplicates=submitted.duplicates,
            stream=submitted.stream,
            stream_seqs=submitted.stream_seqs,
        ),
    )


def _caller(request: HttpRequest) -> str:
    """Whose Idempotency-Key this is: "k<api key id>" or "u<user id>" (logs.intake._msg_id)."""
    if isinstance(request.auth, ApiKey):
        return f"k{request.auth.pk}"
    return f"u{request.auth.pk}"


# --- Patterns ---------------------------------------------------------------------------


@patterns_router.get(
    "", response={200: PatternPage, **errors()}, summary="List patterns (merged ones left out)"
)
def list_patterns(
    request: HttpRequest,
    q: str = Query("", pattern=NO_NUL, description="Text the template contains."),
    min_severity: str | None = Query(None, pattern=NO_NUL, description="e.g. warning, error"),
    status: PatternStatus | None = None,
    service: str = Query("", pattern=NO_NUL),
    host: str = Query("", pattern=NO_NUL),
    since: Since | None = None,
    sort: PatternSort = "last_seen",
    site: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    area: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    line: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    cell: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    asset: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL, description=PLACE),
    cursor: str = "",
    limit: int = Query(50, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    require_perm(request, "logs.view_logpattern")
    filters = PatternFilters(
        place=_place(site=site, area=area, line=line, cell=cell, asset=asset),
        q=q,
        min_severity=_severity(min_severity),
        service=service,
        host=host,
        status=status or "",
        since=since or "",
        sort=sort,
    )
    page = pattern_page(filters, _cursor(cursor), size=limit)
    return {"items": page.rows, "next_cursor": page.next_cursor or None}


def _place(**values: str) -> tuple[tuple[str, str], ...]:
    return tuple((key, values[key]) for key in PLANT_KEYS if values[key])


def _get_pattern(pattern_id: int) -> LogPattern:
    return get_object_or_404(LogPattern, pk=pattern_id)


@patterns_router.get(
    "/{pattern_id}", response={200: PatternDetailOut, **errors(404)}, summary="Get a pattern"
)
def get_pattern(request: HttpRequest, pattern_id: int = Path(..., ge=1, le=MAX_ID)) -> LogPattern:
    require_perm(request, "logs.view_logpattern")
    pattern = _get_pattern(pattern_id)
    breakdown = pattern_breakdown(pattern)
    # Read by PatternDetailOut alongside the row's own fields.
    pattern.severities = [{"value": v, "count": c} for v, c in breakdown.severities]
    pattern.hosts = [{"value": v, "count": c} for v, c in breakdown.hosts]
    pattern.services = [{"value": v, "count": c} for v, c in breakdown.services]
    pattern.host_total = breakdown.host_total
    pattern.service_total = breakdown.service_total
    pattern.places = {
        key: [{"value": v, "count": c} for v, c in values]
        for key, values in breakdown.places.items()
    }
    return pattern


@patterns_router.post(
    "/{pattern_id}/status",
    response={200: PatternOut, **errors(404, 409)},
    summary="Mute, resolve or reopen a pattern",
)
def set_pattern_status(
    request: HttpRequest, body: StatusIn, pattern_id: int = Path(..., ge=1, le=MAX_ID)
) -> LogPattern:
    require_perm(request, "logs.triage_pattern")
    pattern = _get_pattern(pattern_id)
    if pattern.merged_into_id is not None:
        raise ApiError(
            409,
            "pattern_merged",
            f"Pattern {pattern.pk} was merged into {pattern.merged_into_id}; change that one.",
        )
    return pattern_set_status(pattern=pattern, status=body.status, actor=Actor.of_request(request))


@patterns_router.post(
    "/{pattern_id}/snooze",
    response={200: PatternOut, **errors(404, 409)},
    summary="Snooze a pattern until a time, for a while, or for a number of more logs",
)
def snooze_pattern(
    request: HttpRequest, body: SnoozeIn, pattern_id: int = Path(..., ge=1, le=MAX_ID)
) -> LogPattern:
    require_perm(request, "logs.triage_pattern")
    pattern = _get_pattern(pattern_id)
    until = body.until
    if body.minutes is not None:
        by_minutes = timezone.now() + timedelta(minutes=body.minutes)
        until = min(until, by_minutes) if until else by_minutes
    try:
        return pattern_snooze(
            pattern=pattern,
            actor=Actor.of_request(request),
            until=until,
            more=body.more,
            reason=body.reason,
        )
    except StateRefused as problem:
        raise ApiError(409, "snooze_refused", str(problem)) from None


# --- Grouping corrections ---------------------------------------------------------------

CORRECT = "logs.correct_grouping"


@patterns_router.post(
    "/{pattern_id}/merge",
    response={200: list[GroupingRuleOut], **errors(404, 409)},
    summary="Merge other patterns into this one; their future logs follow",
)
def merge_patterns(
    request: HttpRequest, body: MergeIn, pattern_id: int = Path(..., ge=1, le=MAX_ID)
) -> list[Any]:
    require_perm(request, CORRECT)
    _get_pattern(pattern_id)
    try:
        return patterns_merge_by_operator(
            survivor_id=pattern_id,
            absorbed_ids=body.patterns,
            actor=Actor.of_request(request),
            reason=body.reason,
        )
    except StateRefused as problem:
        raise ApiError(409, "merge_refused", str(problem)) from None


@patterns_router.post(
    "/{pattern_id}/split",
    response={202: GroupingRuleOut, **errors(404, 409)},
    summary="Split a pattern by the values of one <*>, or turn one value into literal text",
    description="Future logs follow at once; stored logs move in the background "
    "(`logs_pending` on the rule).",
)
def split_pattern(
    request: HttpRequest, body: SplitIn, pattern_id: int = Path(..., ge=1, le=MAX_ID)
) -> tuple[int, Any]:
    require_perm(request, CORRECT)
    _get_pattern(pattern_id)
    try:
        rule = pattern_split(
            pattern_id=pattern_id,
            place=body.place - 1,
            value=body.value,
            actor=Actor.of_request(request),
            reason=body.reason,
        )
    except StateRefused as problem:
        raise ApiError(409, "split_refused", str(problem)) from None
    return Status(202, rule)


@patterns_router.get(
    "/{pattern_id}/values",
    response={200: list[PlaceValuesOut], **errors(404)},
    summary="The most common values of each <*> in the pattern's newest stored logs",
)
def pattern_values(
    request: HttpRequest, pattern_id: int = Path(..., ge=1, le=MAX_ID)
) -> list[dict[str, Any]]:
    require_perm(request, "logs.view_logentry")
    return [
        {
            **asdict(values),
            "place": values.place + 1,
            "top": [{"value": v, "count": c} for v, c in values.top],
        }
        for values in pattern_place_values(_get_pattern(pattern_id))
    ]


@grouping_rules_router.get(
    "",
    response={200: list[GroupingRuleOut], **errors()},
    summary="Grouping corrections, newest first",
)
def list_grouping_rules(
    request: HttpRequest,
    active: bool | None = Query(None, description="Only active (true) or undone (false) ones."),
    pattern: int | None = Query(None, ge=1, le=MAX_ID, description="Made on this pattern."),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
) -> list[Any]:
    require_perm(request, "logs.view_groupingrule")
    rules = GroupingRule.objects.order_by("-pk")
    if active is not None:
        rules = rules.filter(undone_at__isnull=active)
    if pattern is not None:
        rules = rules.filter(Q(pattern_id=pattern) | Q(source_id=pattern))
    return list(rules[:limit])


@grouping_rules_router.post(
    "/{rule_id}/undo",
    response={202: GroupingRuleOut, **errors(404, 409)},
    summary="Undo a merge or split: logs move back, future logs group as before",
)
def undo_grouping_rule(
    request: HttpRequest, body: UndoIn, rule_id: int = Path(..., ge=1, le=MAX_ID)
) -> tuple[int, Any]:
    require_perm(request, CORRECT)
    get_object_or_404(GroupingRule, pk=rule_id)
    try:
        rule = grouping_rule_undo(
            rule_id=rule_id, actor=Actor.of_request(request), reason=body.reason
        )
    except StateRefused as problem:
        raise ApiError(409, "undo_refused", str(problem)) from None
    return Status(202, rule)


# --- Stats ------------------------------------------------------------------------------


@stats_router.get(
    "",
    response={200: StatsOut, **errors()},
    summary="Log volume by severity over time, ingest rate, quarantine, queue depths",
)
def stats(
    request: HttpRequest,
    hours: int = Query(3, ge=1, le=24 * 30),
    bucket_minutes: int = Query(5, ge=1, le=24 * 60),
) -> dict[str, Any]:
    require_perm(request, "logs.view_logentry")
    if hours * 60 // bucket_minutes > MAX_BUCKETS:
        raise ApiError(
            422,
            "too_many_buckets",
            f"{hours} hours in {bucket_minutes}-minute buckets is more than {MAX_BUCKETS}; "
            "use larger buckets.",
        )
    volume = log_volume(hours=hours, bucket_minutes=bucket_minutes)
    return {
        "volume": {
            "bucket_minutes": bucket_minutes,
            "buckets": volume.minutes,
            "by_severity": volume.by_severity,
            "total": volume.total,
        },
        "ingest_rate": {
            "last_minute": ingest_rate(minutes=1),
            "last_15_minutes": ingest_rate(minutes=15),
        },
        "ingested": ingested_by_severity(),
        "rejected": [
            {"reason": reason, "label": label, "count": count}
            for reason, label, count in rejected_counts()
        ],
        "queues": {"jetstream": asdict(consumer_lag()), "celery": broker_queue_depths()},
    }
