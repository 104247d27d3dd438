"""The alarm-health rollups, counted in the ingest batch's transaction and kept right when
logs move between patterns, patterns merge and retention deletes old logs.

Each alarm (a log at or above ALARM_SEVERITY) adds 1 to, for each of its scopes (all; its
site; its line), the scope's 10-minute load by severity (AlarmLoad), the pattern's hour
(AlarmPatternHour) and the pattern's day with the bit of its hour (AlarmPatternDay); and to
the pattern's minute at its place (AlarmMinute). A minute that reaches CHATTER_ALARMS
alarms is a chattering minute, added to the pattern's hour in each scope of the place.

Counts are single upserts per batch (distinct keys, as PostgreSQL's ON CONFLICT DO UPDATE
needs, sorted, so batches counting side by side take the rows in one order); the minutes'
upsert returns the counts it left, which is how a crossing is seen, also when another
batch counts on the same minute. Ingest counts holding the grouping lock in shared mode
(logs.patterns); replay moves, merges and rebuilds hold it exclusively, so no batch counts
meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gogent.db import insert_rows
from logs.models import (
    AlarmLoad,
    AlarmMinute,
    AlarmPatternDay,
    AlarmPatternHour,
    AlarmScope,
    LogEntry,
    Severity,
)
from logs.plant import Place, plant_ids, plant_places
from logs.validation import ParsedLog

# ISA-18.2's chattering alarm: 3 or more occurrences within one minute (at one place).
CHATTER_ALARMS = 3
# Minutes are kept this long, for crossings: a log arriving later than that for its minute
# starts the count of that minute again.
MINUTES_KEPT = timedelta(days=1)
# Rows per multi-row statement with RETURNING: 4 values each, far under both databases'
# limits on parameters.
RETURNING_ROWS = 1000
# Scope ids per IN (...) of a read or delete across scopes.
SCOPES_PER_QUERY = 500
DAY_HOURS = 24
ALL_HOURS = (1 << DAY_HOURS) - 1

# The rollups that point at a pattern: pattern_merge folds them with alarms_merge.
ALARM_ROLLUPS = (AlarmPatternHour, AlarmPatternDay, AlarmMinute)

ALL = str(AlarmScope.Kind.ALL.value)
SITE = str(AlarmScope.Kind.SITE.value)
LINE = str(AlarmScope.Kind.LINE.value)

# (pattern id, PlantContext id or 0, place, timestamp, severity) of one alarm.
Alarm = tuple[int, int, Place | None, datetime, int]
ScopeKey = tuple[str, str, str]  # (kind, site, line)


def alarm_threshold() -> int:
    return int(Severity[settings.ALARM_SEVERITY])


def epoch_minute(moment: datetime) -> int:
    """Whole minutes since 1970-01-01 UTC (floored, also before 1970)."""
    return int(moment.timestamp() // 60)


def scope_keys(place: Place | None) -> list[ScopeKey]:
    """The scopes an alarm placed here counts in: all, its site, its line (of its site)."""
    keys = [(ALL, "", "")]
    if place is not None:
        site, line = place[0], place[2]
        if site:
            keys.append((SITE, site, ""))
        if line:
            keys.append((LINE, site, line))
    return keys


def alarm_scope_ids(places: Iterable[Place | None]) -> dict[Place | None, tuple[int, ...]]:
    """The AlarmScope ids of each place's scopes, creating the scopes new to the table.

    Read per batch (a few rows by their unique key), not remembered across transactions:
    a scope created in a batch that rolls back is gone, and so would its remembered id be.
    """
    by_place = {place: scope_keys(place) for place in set(places)}
    wanted = {key for keys in by_place.values() for key in keys}
    ids = _scope_ids_read(wanted)
    # In one order, as every batch inserts them: see logs.services.ingest._store_logs.
    missing = sorted((key for key in wanted if key not in ids), key=repr)
    if missing:
        with connection.cursor() as cursor:
            insert_rows(
                cursor, AlarmScope, ("kind", "site", "line"), missing, "ON CONFLICT DO NOTHING"
            )
        ids.update(_scope_ids_read(set(missing)))
    return {place: tuple(ids[key] for key in keys) for place, keys in by_place.items()}


def _scope_ids_read(keys: set[ScopeKey]) -> dict[ScopeKey, int]:
    # Row values in one short statement: the ORM's OR of Qs cost ~1 ms a batch to build.
    table = connection.ops.quote_name(AlarmScope._meta.db_table)
    rows = list(keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, kind, site, line FROM {table} "  # noqa: S608 (identifiers only)
            f"WHERE (kind, site, line) IN ({', '.join(['(%s, %s, %s)'] * len(rows))})",
            [value for row in rows for value in row],
        )
        return {(kind, site, line): pk for pk, kind, site, line in cursor.fetchall()}


# --- Counting -------------------------------------------------------------------------------


def alarms_count(
    *,
    pattern_ids: Sequence[int],
    logs: Sequence[ParsedLog],
    places: Sequence[Place | None],
    place_ids: dict[Place, int],
    load: bool = True,
) -> None:
    """Add a batch's alarms to the rollups (logs below ALARM_SEVERITY are not alarms).

    `places` holds each log's place (None: no rule placed it) and `place_ids` their
    PlantContext ids. load=False for logs counted in AlarmLoad already, moving between
    patterns (replay): a scope's load does not depend on the pattern.
    """
    threshold = alarm_threshold()
    alarms = [
        (pattern_id, place_ids[place] if place is not None else 0, place, log.timestamp,
         log.severity)
        for pattern_id, log, place in zip(pattern_ids, logs, places, strict=True)
        if log.severity >= threshold
    ]  # fmt: skip
    if alarms:
        _count(alarms, load=load)


@dataclass
class _Tally:
    """A batch's alarms, summed per row of each rollup."""

    minutes: dict[tuple[int, int, int], int]  # (pattern, plant, minute) -> alarms
    load: dict[tuple[int, int, int], int]  # (scope, slot, severity) -> alarms
    hours: dict[tuple[int, int, int], list[int]]  # (scope, hour, pattern) -> [alarms, chatter]
    days: dict[tuple[int, int, int], list[int]]  # (scope, day, pattern) -> [alarms, hour bits]
    plant_scopes: dict[int, tuple[int, ...]]  # plant -> its scopes


def _tally(alarms: Sequence[Alarm], *, load: bool) -> _Tally:
    scope_ids = alarm_scope_ids(alarm[2] for alarm in alarms)
    tally = _Tally({}, {}, {}, {}, {})
    minutes, loads, hours, days = tally.minutes, tally.load, tally.hours, tally.days
    for pattern_id, plant, place, timestamp, severity in alarms:
        scopes = scope_ids[place]
        tally.plant_scopes[plant] = scopes
        minute = int(timestamp.timestamp() // 60)
        key = (pattern_id, plant, minute)
        minutes[key] = minutes.get(key, 0) + 1
        slot, hour, day = minute // 10, minute // 60, minute // 1440
        bit = 1 << (hour - day * DAY_HOURS)
        for scope in scopes:
            if load:
                key = (scope, slot, severity)
                loads[key] = loads.get(key, 0) + 1
            key = (scope, hour, pattern_id)
            counts = hours.get(key)
            if counts is None:
                hours[key] = [1, 0]
            else:
                counts[0] += 1
            key = (scope, day, pattern_id)
            counts = days.get(key)
            if counts is None:
                days[key] = [1, bit]
            else:
                counts[0] += 1
                counts[1] |= bit
    return tally


def _count(alarms: Sequence[Alarm], *, load: bool) -> None:
    tally = _tally(alarms, load=load)
    after = _minutes_add(tally.minutes)
    for (pattern_id, plant, minute), count in after.items():
        before = count - tally.minutes[(pattern_id, plant, minute)]
        if before < CHATTER_ALARMS <= count:
            for scope in tally.plant_scopes[plant]:
                tally.hours[(scope, minute // 60, pattern_id)][1] += 1
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if tally.load:
            table = quote(AlarmLoad._meta.db_table)
            insert_rows(
                cursor,
                AlarmLoad,
                ("scope_id", "slot", "severity", "count"),
                [(*key, count) for key, count in sorted(tally.load.items())],
                "ON CONFLICT (scope_id, slot, severity) DO UPDATE SET "
                f"count = {table}.count + excluded.count",
            )
        _hours_add(cursor, tally.hours)
        table = quote(AlarmPatternDay._meta.db_table)
        insert_rows(
            cursor,
            AlarmPatternDay,
            ("scope_id", "day", "pattern_id", "count", "hours"),
            [(*key, count, bits) for key, (count, bits) in sorted(tally.days.items())],
            "ON CONFLICT (scope_id, day, pattern_id) DO UPDATE SET "
            f"count = {table}.count + excluded.count, hours = {table}.hours | excluded.hours",
        )


def _hours_add(cursor: Any, hours: dict[tuple[int, int, int], list[int]]) -> None:
    table = connection.ops.quote_name(AlarmPatternHour._meta.db_table)
    insert_rows(
        cursor,
        AlarmPatternHour,
        ("scope_id", "hour", "pattern_id", "count", "chatter"),
        [(*key, count, chatter) for key, (count, chatter) in sorted(hours.items())],
        "ON CONFLICT (scope_id, hour, pattern_id) DO UPDATE SET "
        f"count = {table}.count + excluded.count, chatter = {table}.chatter + excluded.chatter",
    )


def _minutes_add(minutes: dict[tuple[int, int, int], int]) -> dict[tuple[int, int, int], int]:
    """Add to each minute's count; return the counts they reached."""
    table = connection.ops.quote_name(AlarmMinute._meta.db_table)
    head = f"INSERT INTO {table} (pattern_id, plant, minute, count)"
    tail = (
        "ON CONFLICT (pattern_id, plant, minute) DO UPDATE SET "
        f"count = {table}.count + excluded.count RETURNING pattern_id, plant, minute, count"
    )
    rows = [(*key, count) for key, count in sorted(minutes.items())]
    if connection.vendor == "postgresql":
        # As gogent.db.insert_rows: one array per column, bound by the server (%b).
        import psycopg

        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(
                f"{head} SELECT * FROM unnest(%b::bigint[], %b::bigint[], "  # noqa: S608
                f"%b::bigint[], %b::bigint[]) {tail}",
                [list(column) for column in zip(*rows, strict=True)],
            )
            returned = cursor.fetchall()
    else:
        returned = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), RETURNING_ROWS):
                chunk = rows[start : start + RETURNING_ROWS]
                values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
                cursor.execute(
                    f"{head} VALUES {values} {tail}", [value for row in chunk for value in row]
                )
                returned += cursor.fetchall()
    return {(row[0], row[1], row[2]): row[3] for row in returned}


# --- Logs moving between patterns, patterns merging --------------------------------------------


def alarms_uncount(
    *,
    pattern_ids: Sequence[int],
    logs: Sequence[ParsedLog],
    places: Sequence[Place | None],
    place_ids: dict[Place, int],
) -> None:
    """Take logs off the patterns they were counted on (`pattern_ids`), as a replay moves
    them elsewhere: what alarms_count(load=False) added for them. A row that reaches 0
    goes, and its hour's bit with it; a minute that falls below CHATTER_ALARMS is no
    longer a chattering minute. Minutes older than MINUTES_KEPT are gone: their
    chattering stays with the pattern the logs left."""
    threshold = alarm_threshold()
    alarms = [
        (pattern_id, place_ids[place] if place is not None else 0, place, log.timestamp,
         log.severity)
        for pattern_id, log, place in zip(pattern_ids, logs, places, strict=True)
        if log.severity >= threshold
    ]  # fmt: skip
    if not alarms:
        return
    tally = _tally(alarms, load=False)
    for (pattern_id, plant, minute), (before, after) in _minutes_take(tally.minutes).items():
        if after < CHATTER_ALARMS <= before:
            for scope in tally.plant_scopes[plant]:
                tally.hours[(scope, minute // 60, pattern_id)][1] += 1
    quote = connection.ops.quote_name
    hour_table = quote(AlarmPatternHour._meta.db_table)
    day_table = quote(AlarmPatternDay._meta.db_table)
    patterns = {key[2] for key in tally.days}
    # Never below 0 (the columns are unsigned): a count is short of its logs only if
    # retention or a hand took some.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {hour_table} SET "  # noqa: S608 (identifiers only)
            "count = CASE WHEN count > %s THEN count - %s ELSE 0 END, "
            "chatter = CASE WHEN chatter > %s THEN chatter - %s ELSE 0 END "
            "WHERE scope_id = %s AND hour = %s AND pattern_id = %s",
            [(n, n, chatter, chatter, *key) for key, (n, chatter) in tally.hours.items()],
        )
        cursor.executemany(
            f"UPDATE {day_table} SET "  # noqa: S608 (identifiers only)
            "count = CASE WHEN count > %s THEN count - %s ELSE 0 END "
            "WHERE scope_id = %s AND day = %s AND pattern_id = %s",
            [(n, n, *key) for key, (n, _) in tally.days.items()],
        )
        emptied = AlarmPatternHour.objects.filter(pattern_id__in=patterns, count=0)
        cleared: dict[tuple[int, int, int], int] = {}
        for scope, hour, pattern_id in emptied.values_list("scope_id", "hour", "pattern_id"):
            day = hour // DAY_HOURS
            key = (scope, day, pattern_id)
            cleared[key] = cleared.get(key, 0) | 1 << (hour - day * DAY_HOURS)
        emptied.delete()
        cursor.executemany(
            f"UPDATE {day_table} SET hours = hours & %s "  # noqa: S608 (identifiers only)
            "WHERE scope_id = %s AND day = %s AND pattern_id = %s",
            [(ALL_HOURS & ~bits, *key) for key, bits in cleared.items()],
        )
    AlarmPatternDay.objects.filter(pattern_id__in=patterns, count=0).delete()
    AlarmMinute.objects.filter(pattern_id__in=patterns, count=0).delete()


def _minutes_take(
    minutes: dict[tuple[int, int, int], int],
) -> dict[tuple[int, int, int], tuple[int, int]]:
    """Subtract from the minutes still kept; return (before, after) of each."""
    patterns = {key[0] for key in minutes}
    first = min(key[2] for key in minutes)
    last = max(key[2] for key in minutes)
    kept = {
        (pattern_id, plant, minute): count
        for pattern_id, plant, minute, count in AlarmMinute.objects.filter(
            pattern_id__in=patterns, minute__range=(first, last)
        ).values_list("pattern_id", "plant", "minute", "count")
        if (pattern_id, plant, minute) in minutes
    }
    changes = {key: (count, max(count - minutes[key], 0)) for key, count in kept.items()}
    table = connection.ops.quote_name(AlarmMinute._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET count = %s "  # noqa: S608 (identifiers only)
            "WHERE pattern_id = %s AND plant = %s AND minute = %s",
            [(after, *key) for key, (_, after) in changes.items()],
        )
    return changes


def alarms_move_count(moved: Sequence[tuple[int | None, int, ParsedLog, Place | None]]) -> None:
    """Move stored logs' alarms between patterns: (source or None, target, log, place) each;
    a log with no source (stored before grouping) was never counted on one."""
    place_ids = plant_ids(place for _, _, _, place in moved if place is not None)
    left = [(source, log, place) for source, _, log, place in moved if source is not None]
    if left:
        alarms_uncount(
            pattern_ids=[source for source, _, _ in left],
            logs=[log for _, log, _ in left],
            places=[place for _, _, place in left],
            place_ids=place_ids,
        )
    alarms_count(
        pattern_ids=[target for _, target, _, _ in moved],
        logs=[log for _, _, log, _ in moved],
        places=[place for _, _, _, place in moved],
        place_ids=place_ids,
        # A scope's load is the same whatever the pattern: counted when the logs came.
        load=False,
    )


def alarms_merge(*, absorbed_id: int, survivor_id: int) -> None:
    """Fold the absorbed pattern's rows into the survivor's (logs.patterns.pattern_merge):
    counts add up, hour bits join, and a minute the two together bring to CHATTER_ALARMS
    is one chattering minute of the survivor (one that each chattered in is one, too)."""
    hour_rows = AlarmPatternHour.objects.filter(pattern_id=absorbed_id)
    day_rows = AlarmPatternDay.objects.filter(pattern_id=absorbed_id)
    minute_rows = AlarmMinute.objects.filter(pattern_id=absorbed_id)
    hours = {
        (scope, hour, survivor_id): [count, chatter]
        for scope, hour, count, chatter in hour_rows.values_list(
            "scope_id", "hour", "count", "chatter"
        )
    }
    minutes = {
        (survivor_id, plant, minute): count
        for plant, minute, count in minute_rows.values_list("plant", "minute", "count")
    }
    table = connection.ops.quote_name(AlarmPatternDay._meta.db_table)
    with connection.cursor() as cursor:
        _hours_add(cursor, hours)
        insert_rows(
            cursor,
            AlarmPatternDay,
            ("scope_id", "day", "pattern_id", "count", "hours"),
            [
                (scope, day, survivor_id, count, bits)
                for scope, day, count, bits in day_rows.values_list(
                    "scope_id", "day", "count", "hours"
                )
            ],
            "ON CONFLICT (scope_id, day, pattern_id) DO UPDATE SET "
            f"count = {table}.count + excluded.count, hours = {table}.hours | excluded.hours",
        )
    hour_rows.delete()
    day_rows.delete()
    minute_rows.delete()
    if not minutes:
        return
    # The hours moved over hold each side's chattering minutes already: a minute is one
    # chattering minute of the survivor if the two together reach CHATTER_ALARMS.
    changes: dict[tuple[int, int], int] = {}  # (plant, hour) -> chattering minutes to add
    for (_, plant, minute), count in _minutes_add(minutes).items():
        absorbed = minutes[(survivor_id, plant, minute)]
        survivor = count - absorbed
        delta = (
            (count >= CHATTER_ALARMS) - (survivor >= CHATTER_ALARMS) - (absorbed >= CHATTER_ALARMS)
        )
        if delta:
            key = (plant, minute // 60)
            changes[key] = changes.get(key, 0) + delta
    if changes:
        _chatter_adjust(survivor_id, changes)


def _chatter_adjust(pattern_id: int, changes: dict[tuple[int, int], int]) -> None:
    places = plant_places({plant for plant, _ in changes if plant})
    scope_ids = alarm_scope_ids([*places.values(), None])
    table = connection.ops.quote_name(AlarmPatternHour._meta.db_table)
    rows = []
    for (plant, hour), delta in changes.items():
        for scope in scope_ids[places.get(plant)]:
            rows.append((delta, delta, scope, hour, pattern_id))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET chatter = CASE WHEN chatter + %s > 0 "  # noqa: S608
            "THEN chatter + %s ELSE 0 END "
            "WHERE scope_id = %s AND hour = %s AND pattern_id = %s",
            rows,
        )


# --- Retention, and counting again from the stored logs ----------------------------------------


@dataclass(frozen=True, slots=True)
class AlarmsPurged:
    load: int
    hours: int
    days: int


def alarms_purge(*, older_than: datetime) -> AlarmsPurged:
    """Delete the rollups of alarms older than `older_than` (retention): whole 10-minute
    periods and hours before it, and days that ended before it. Scope by scope, so each
    delete reads its rows through the unique index (scope first) instead of a table scan."""
    minute = epoch_minute(older_than)
    load = hours = days = 0
    scope_ids = list(AlarmScope.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(scope_ids), SCOPES_PER_QUERY):
        scopes = scope_ids[start : start + SCOPES_PER_QUERY]
        load += AlarmLoad.objects.filter(scope_id__in=scopes, slot__lt=minute // 10).delete()[0]
        hours += AlarmPatternHour.objects.filter(
            scope_id__in=scopes, hour__lt=minute // 60
        ).delete()[0]
        days += AlarmPatternDay.objects.filter(
            scope_id__in=scopes, day__lt=minute // 1440
        ).delete()[0]
    return AlarmsPurged(load=load, hours=hours, days=days)


def alarm_minutes_prune(*, now: datetime | None = None) -> int:
    """Delete the minutes older than MINUTES_KEPT (hourly, with retention); how many went."""
    cutoff = epoch_minute((now or timezone.now()) - MINUTES_KEPT)
    deleted, _ = AlarmMinute.objects.filter(minute__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True, slots=True)
class AlarmsRebuilt:
    since: datetime | None
    logs: int  # alarms counted


REBUILD_CHUNK = 5000


def alarms_rebuild(
    *, since: datetime | None = None, progress: Callable[[int], None] | None = None
) -> AlarmsRebuilt:
    """Count the rollups again from the stored logs: every log, or those from the start of
    the UTC day of `since`. For a changed ALARM_SEVERITY, and for logs stored before
    alarm health existed.

    One transaction under the grouping lock: ingest waits until it is done (JetStream holds
    the logs meanwhile), so no log is counted twice or missed.
    """
    from logs.patterns import grouping_lock  # logs.patterns merges through this module

    if since is not None:
        since = datetime.fromtimestamp(epoch_minute(since) // 1440 * 86400, UTC)
    counted = 0
    with transaction.atomic():
        grouping_lock()
        _rollups_delete(since)
        threshold = alarm_threshold()
        alarms = LogEntry.objects.filter(severity__gte=threshold, pattern__isnull=False)
        if since is not None:
            alarms = alarms.filter(timestamp__gte=since)
        rows = alarms.values_list("pattern_id", "plant_id", "timestamp", "severity").order_by()
        places: dict[int, Place] = {}
        chunk: list[tuple[int, int | None, datetime, int]] = []
        for row in rows.iterator(chunk_size=REBUILD_CHUNK):
            chunk.append(row)
            if len(chunk) == REBUILD_CHUNK:
                counted += _rebuild_chunk(chunk, places)
                chunk = []
                if progress is not None:
                    progress(counted)
        counted += _rebuild_chunk(chunk, places)
        alarm_minutes_prune()
    return AlarmsRebuilt(since=since, logs=counted)


def _rollups_delete(since: datetime | None) -> None:
    if since is None:
        for model in (AlarmLoad, AlarmPatternHour, AlarmPatternDay, AlarmMinute):
            model.objects.all().delete()
        return
    minute = epoch_minute(since)
    AlarmLoad.objects.filter(slot__gte=minute // 10).delete()
    AlarmPatternHour.objects.filter(hour__gte=minute // 60).delete()
    AlarmPatternDay.objects.filter(day__gte=minute // 1440).delete()
    AlarmMinute.objects.filter(minute__gte=minute).delete()


def _rebuild_chunk(
    chunk: list[tuple[int, int | None, datetime, int]], places: dict[int, Place]
) -> int:
    if not chunk:
        return 0
    unknown = {plant for _, plant, _, _ in chunk if plant and plant not in places}
    if unknown:
        places.update(plant_places(unknown))
    _count(
        [
            (pattern_id, plant or 0, places.get(plant) if plant else None, timestamp, severity)
            for pattern_id, plant, timestamp, severity in chunk
        ],
        load=True,
    )
    return len(chunk)
