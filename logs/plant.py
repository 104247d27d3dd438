"""Plant context: where on the shop floor a log comes from (site, area, line, cell, asset).

Admins write ContextRules; ingest places each log with them (PlantMapper.place) and stores
the place as one small key (PlantContext, LogEntry.plant). Rules apply in position order,
and each key takes the first value a matching rule gives it: a rule that reads the line
from the host name and a later one that gives every `plc-*` host the site both count.

Host and service names and context values are the producer's: regular expressions run on
RE2 (linear time, whatever the name), values are cut to PLANT_VALUE_MAX characters with
control characters blanked, and a value that is no scalar (an object, a list) is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import re2
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from gogent.db import insert_rows
from logs.models import (
    PLANT_KEYS,
    PLANT_VALUE_MAX,
    ContextRule,
    LogEntry,
    LogPatternStat,
    PlantContext,
)
from logs.validation import Limits, LogRejected, ParsedLog, parse_log_message

# (site, area, line, cell, asset); "" where no rule gave the key a value.
Place = tuple[str, str, str, str, str]
NOWHERE: Place = ("", "", "", "", "")
KEY_INDEX = {key: index for index, key in enumerate(PLANT_KEYS)}
# Places remembered per process, and host/service pairs whose place is remembered.
PLACE_IDS_MAX = 50_000
MEMO_MAX = 50_000

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plant_value(value: Any) -> str:
    """A context value as a key's value: a scalar's text, blanked control characters,
    stripped and cut to PLANT_VALUE_MAX; "" for anything else (objects, lists, null)."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    text = value if isinstance(value, str) else str(value)
    return _CONTROL.sub(" ", text[: PLANT_VALUE_MAX * 4]).strip()[:PLANT_VALUE_MAX]


@dataclass(frozen=True, slots=True)
class CompiledRule:
    name: str
    source: str
    path: tuple[str, ...]
    regex: Any  # re2 pattern, or None: any value matches
    groups: tuple[tuple[int, str], ...]  # (key index, group name)
    assign_to: int | None
    static: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, rule: ContextRule) -> CompiledRule:
        regex = re2.compile(rule.pattern) if rule.pattern else None
        return cls(
            name=rule.name,
            source=rule.source,
            path=tuple(part for part in rule.context_field.strip().split(".") if part),
            regex=regex,
            groups=tuple((KEY_INDEX[name], name) for name in (regex.groupindex if regex else ())),
            assign_to=KEY_INDEX[rule.assign_to] if rule.assign_to else None,
            static=tuple((KEY_INDEX[key], value) for key, value in rule.static_values().items()),
        )

    def value_of(self, log: ParsedLog) -> str | None:
        """The value the rule reads from the log; None when the log has none."""
        if self.source == ContextRule.Source.HOSTNAME:
            return log.hostname or None
        if self.source == ContextRule.Source.SERVICE:
            return log.service or None
        if self.source == ContextRule.Source.ANY:
            return ""
        value: Any = log.context
        for part in self.path:
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return plant_value(value) or None

    def values(self, log: ParsedLog) -> list[tuple[int, str]] | None:
        """(key index, value) the rule gives the log; None when it does not match."""
        value = self.value_of(log)
        if value is None:
            return None
        given: list[tuple[int, str]] = []
        if self.regex is not None:
            match = self.regex.search(value)
            if match is None:
                return None
            for index, name in self.groups:
                found = match.group(name)
                if found:
                    given.append((index, plant_value(found)))
            value = match.group(0)
        if self.assign_to is not None:
            given.append((self.assign_to, plant_value(value)))
        given.extend(self.static)
        return given


class PlantMapper:
    """The enabled rules, compiled, in order."""

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules = tuple(rules)
        # A place depends on the host, the service and the context values rules read:
        # those make the memo's key, so a repeated source costs a look-up, not the rules
        # (RE2's Python binding takes ~4 µs a search).
        self._context_rules = tuple(
            rule for rule in self.rules if rule.source == ContextRule.Source.CONTEXT
        )
        self._memo: dict[tuple[str | None, ...], Place | None] = {}

    def place(self, log: ParsedLog) -> Place | None:
        """Where the log comes from; None when no rule gives any key a value."""
        if not self.rules:
            return None
        key = (log.hostname, log.service, *(rule.value_of(log) for rule in self._context_rules))
        try:
            return self._memo[key]
        except KeyError:
            pass
        if len(self._memo) >= MEMO_MAX:
            self._memo.clear()
        place = self._memo[key] = self._place(log)
        return place

    def explain(self, log: ParsedLog) -> dict[str, tuple[str, str]]:
        """key -> (value, the rule that gave it), for the rules' "try it" preview."""
        found: dict[str, tuple[str, str]] = {}
        for rule in self.rules:
            for index, value in rule.values(log) or ():
                key = PLANT_KEYS[index]
                if value and key not in found:
                    found[key] = (value, rule.name)
        return found

    def _place(self, log: ParsedLog) -> Place | None:
        place = ["", "", "", "", ""]
        missing = 5
        for rule in self.rules:
            for index, value in rule.values(log) or ():
                if value and not place[index]:
                    place[index] = value
                    missing -= 1
            if not missing:
                break
        return None if missing == 5 else (place[0], place[1], place[2], place[3], place[4])


_mapper: PlantMapper = PlantMapper(())
_mapper_version: tuple[int, Any] | None = None


def plant_mapper() -> PlantMapper:
    """The current rules, compiled; reloaded when any rule changed (one small query)."""
    global _mapper, _mapper_version
    version = ContextRule.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    key = (version["count"], version["changed"])
    if key != _mapper_version:
        _mapper = PlantMapper(
            [CompiledRule.of(rule) for rule in ContextRule.objects.filter(enabled=True)]
        )
        _mapper_version = key
    return _mapper


_place_ids: dict[Place, int] = {}


def plant_ids(places: Iterable[Place]) -> dict[Place, int]:
    """The PlantContext id of each place, creating the new ones (a race between consumers
    creating the same place is settled by the unique constraint: both read the one row).

    Ids read here are remembered once the caller's transaction commits: a place created
    in a batch that rolls back is gone, and its id must not be used again.
    """
    wanted = set(places)
    found = {place: _place_ids[place] for place in wanted if place in _place_ids}
    # In one order, as every batch inserts them: see logs.services.ingest._store_logs.
    missing = sorted((place for place in wanted if place not in found), key=repr)
    if missing:
        with connection.cursor() as cursor:
            insert_rows(cursor, PlantContext, PLANT_KEYS, missing, "ON CONFLICT DO NOTHING")
        query = Q()
        for place in missing:
            query |= Q(**dict(zip(PLANT_KEYS, place, strict=True)))
        read = {
            tuple(row[1:]): row[0]
            for row in PlantContext.objects.filter(query).values_list("pk", *PLANT_KEYS)
        }
        found.update(read)
        transaction.on_commit(lambda: _remember(read))
    return found


def plant_ids_remembered(places: Iterable[Place]) -> dict[Place, int] | None:
    """The PlantContext id of each place if this process knows them all (from committed
    batches), else None: plant_ids() then, in the batch's transaction."""
    try:
        return {place: _place_ids[place] for place in places}
    except KeyError:
        return None


def _remember(read: dict[Place, int]) -> None:
    if len(_place_ids) + len(read) > PLACE_IDS_MAX:
        _place_ids.clear()
    _place_ids.update(read)


def plant_places_forget() -> None:
    """Forget the place ids (a test's database was flushed)."""
    _place_ids.clear()


def plant_scope_parse(text: str) -> dict[str, list[str]]:
    """key -> lower-cased globs from `key = glob` items separated by commas; a key named
    twice takes either value. Raises ValidationError naming the bad item."""
    scope: dict[str, list[str]] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, equals, glob = item.partition("=")
        key, glob = key.strip().lower(), glob.strip().lower()
        if not equals or key not in KEY_INDEX or not glob:
            raise ValidationError(
                f"'{item[:60]}' is not key = value, with key one of {', '.join(PLANT_KEYS)}."
            )
        scope.setdefault(key, []).append(glob)
    return scope


TRY_SAMPLES_MAX = 200
TRY_STORED = 25


@dataclass(frozen=True, slots=True)
class TrialRow:
    log: ParsedLog | None
    found: dict[str, tuple[str, str]]  # key -> (value, rule)
    problem: str = ""
    line: str = ""

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(value, rule) per key, in key order; ("", "") where no rule gave one."""
        return [self.found.get(key, ("", "")) for key in PLANT_KEYS]


@dataclass(frozen=True, slots=True)
class Trial:
    rows: list[TrialRow]
    rules: int
    disabled: int
    from_stored: bool
    more: int = 0  # sample lines past TRY_SAMPLES_MAX, not tried


def plant_rules_try(samples: str) -> Trial:
    """What the enabled rules make of sample logs (JSON, one a line, as producers publish
    them), or of the latest stored logs of distinct hosts and services when none given."""
    mapper = plant_mapper()
    lines = [line for line in samples.splitlines() if line.strip()]
    rows: list[TrialRow] = []
    if lines:
        limits = Limits.from_settings()
        now = timezone.now()
        for line in lines[:TRY_SAMPLES_MAX]:
            try:
                log = parse_log_message(line.encode(), received_at=now, limits=limits)
            except LogRejected as rejection:
                rows.append(TrialRow(None, {}, problem=rejection.detail, line=line[:300]))
                continue
            rows.append(TrialRow(log, mapper.explain(log)))
    else:
        seen: set[tuple[str, str]] = set()
        for entry in LogEntry.objects.order_by("-pk")[:500]:
            if (entry.hostname, entry.service) in seen:
                continue
            seen.add((entry.hostname, entry.service))
            log = ParsedLog(
                timestamp=entry.timestamp,
                hostname=entry.hostname,
                severity=entry.severity,
                service=entry.service,
                message=entry.message,
                context=entry.context if isinstance(entry.context, dict) else {},
            )
            rows.append(TrialRow(log, mapper.explain(log)))
            if len(rows) == TRY_STORED:
                break
    return Trial(
        rows=rows,
        rules=len(mapper.rules),
        disabled=ContextRule.objects.filter(enabled=False).count(),
        from_stored=not lines,
        more=max(len(lines) - TRY_SAMPLES_MAX, 0),
    )


def plant_matches(value: str, globs: Sequence[str]) -> bool:
    """Case-insensitive: any of the (lower-cased) globs matches the value."""
    lowered = value.lower()
    return any(fnmatchcase(lowered, glob) for glob in globs)


def plant_scope_ids(scope: dict[str, list[str]]) -> list[int]:
    """The places every key of the scope matches (globs of one key: either)."""
    if not scope:
        return []
    keys = list(scope)
    return [
        row[0]
        for row in PlantContext.objects.values_list("pk", *keys).iterator(chunk_size=5000)
        if all(plant_matches(value, scope[key]) for key, value in zip(keys, row[1:], strict=True))
    ]


def plant_values(key: str, globs: Sequence[str]) -> list[str]:
    """The values of one key that places have and the globs match."""
    values = PlantContext.objects.exclude(**{key: ""}).values_list(key, flat=True).distinct()
    return [value for value in values if plant_matches(value, globs)]


def plant_summary(
    pattern_ids: Iterable[int], *, keys: Sequence[str] = ("line", "asset")
) -> dict[int, str]:
    """Where each pattern occurs, in a few words ("line 3, 4 · asset press-1 +2"), for lists."""
    seen: dict[int, dict[str, list[str]]] = {}
    for pattern_id, dimension, value in (
        LogPatternStat.objects.filter(pattern_id__in=list(pattern_ids), dimension__in=keys)
        .order_by("-count", "value")
        .values_list("pattern_id", "dimension", "value")
    ):
        seen.setdefault(pattern_id, {}).setdefault(dimension, []).append(value)
    summaries: dict[int, str] = {}
    for pattern_id, by_key in seen.items():
        parts = []
        for key in keys:
            values = by_key.get(key, [])
            if values:
                more = f" +{len(values) - 2}" if len(values) > 2 else ""
                parts.append(f"{key} {', '.join(values[:2])}{more}")
        summaries[pattern_id] = " · ".join(parts)
    return summaries


def plant_scope_validator(text: str) -> None:
    """A model field's validator: a plant scope that plant_scope_parse reads."""
    plant_scope_parse(text)


def plant_places(ids: Iterable[int]) -> dict[int, Place]:
    """The place of each PlantContext id (logs moving between patterns take theirs along)."""
    return {
        row[0]: tuple(row[1:])
        for row in PlantContext.objects.filter(pk__in=list(ids)).values_list("pk", *PLANT_KEYS)
    }
