"""manage.py replay quarantine|logs [filters] [--dry-run]

quarantine: quarantined messages through today's input rules and limits; those that pass
are stored under their own place in the stream (never twice) and leave quarantine.
logs: stored logs through today's grouping; those whose pattern now differs move to it.
Progress goes to stderr, the summary to stdout. README, "Replaying".
"""

from __future__ import annotations

import argparse
import getpass
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gogent.audit import Actor
from gogent.numbers import ascii_digits
from logs.models import RejectedMessage
from logs.services.replay import (
    DEFAULT_BATCH_SIZE,
    NOT_REPLAYABLE_LABELS,
    LogsReplay,
    LogsSelection,
    QuarantineReplay,
    QuarantineSelection,
    logs_replay,
    quarantine_replay,
)
from logs.validation import SEVERITY_ALIASES

AGO = re.compile(r"(\d+)\s*([mhdw])")
AGO_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
PROGRESS_EVERY = 2.0


def _when(text: str) -> datetime:
    """An ISO 8601 date or time (no zone: UTC, as the input rules read timestamps), or a
    time ago: 30m, 6h, 7d, 2w."""
    ago = AGO.fullmatch(text.strip())
    if ago:
        return timezone.now() - timedelta(**{AGO_UNITS[ago[2]]: int(ago[1])})
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO 8601 time (2026-11-20T06:00) or a time ago (30m, 6h, 7d, 2w), "
            f"got {text!r}"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _positive_int(text: str) -> int:
    if not ascii_digits(text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 86400:
        raise argparse.ArgumentTypeError(f"expected seconds (0 or more), got {text!r}")
    return value


def _severity(text: str) -> int:
    severity = SEVERITY_ALIASES.get(text.strip().lower())
    if severity is None:
        raise argparse.ArgumentTypeError(
            f"unknown severity {text!r}; use one of {', '.join(SEVERITY_ALIASES)}"
        )
    return int(severity)


def _actor() -> Actor:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment, no passwd entry
        return Actor(label="manage.py replay")
    return Actor(label=f"manage.py replay ({user})")


class Command(BaseCommand):
    help = (
        "Replay quarantined messages through today's input rules (after a limit or rule "
        "changed), or stored logs through today's grouping. Never stores a log twice; "
        "--dry-run changes nothing and prints the same summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_subparsers(dest="what", required=True, metavar="quarantine|logs")
        quarantine = what.add_parser(
            "quarantine",
            help="quarantined messages back through validation and into the logs",
        )
        quarantine.add_argument(
            "--reason",
            action="append",
            default=[],
            choices=RejectedMessage.Reason.values,
            metavar="REASON",
            help="only messages rejected for this reason (repeatable): "
            + ", ".join(RejectedMessage.Reason.values),
        )
        quarantine.add_argument(
            "--id",
            action="append",
            type=_positive_int,
            default=[],
            help="only this one (repeatable)",
        )
        self._common(quarantine, "received")
        logs = what.add_parser("logs", help="stored logs back through grouping and analysis")
        logs.add_argument(
            "--pattern",
            action="append",
            type=_positive_int,
            default=[],
            metavar="ID",
            help="only logs of this pattern (repeatable)",
        )
        logs.add_argument("--service", default="", help="only logs of this service")
        logs.add_argument("--host", default="", help="only logs of this host name")
        logs.add_argument(
            "--severity", type=_severity, default=None, help="only logs at or above this severity"
        )
        self._common(logs, "timestamped")

    def _common(self, parser: CommandParser, verb: str) -> None:
        parser.add_argument(
            "--since", type=_when, help=f"{verb} at or after (ISO 8601, or 30m, 6h, 7d, 2w ago)"
        )
        parser.add_argument("--until", type=_when, help=f"{verb} before")
        parser.add_argument(
            "--dry-run", action="store_true", help="change nothing; print what would happen"
        )
        parser.add_argument(
            "--batch-size",
            type=_positive_int,
            default=DEFAULT_BATCH_SIZE,
            help=f"rows per transaction (default {DEFAULT_BATCH_SIZE})",
        )
        parser.add_argument(
            "--progress-every",
            type=_seconds,
            default=PROGRESS_EVERY,
            metavar="SECONDS",
            help=f"a progress line on stderr at most this often (default {PROGRESS_EVERY:g}; "
            "0: after every batch)",
        )

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        if options["since"] and options["until"] and options["since"] >= options["until"]:
            raise CommandError("--since must be before --until")
        progress = self._progress(options["progress_every"], what)
        if what == "quarantine":
            report = quarantine_replay(
                selection=QuarantineSelection(
                    reasons=tuple(options["reason"]),
                    since=options["since"],
                    until=options["until"],
                    ids=tuple(options["id"]),
                ),
                actor=_actor(),
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
                progress=progress,
            )
            self._quarantine_summary(report)
        else:
            report = logs_replay(
                selection=LogsSelection(
                    pattern_ids=tuple(options["pattern"]),
                    service=options["service"],
                    host=options["host"],
                    min_severity=options["severity"],
                    since=options["since"],
                    until=options["until"],
                ),
                actor=_actor(),
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
                progress=progress,
            )
            self._logs_summary(report)

    def _progress(self, every: float, what: str) -> Callable[[Any], None]:
        last = time.monotonic()

        def progress(report: QuarantineReplay | LogsReplay) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last < every:
                return
            last = now
            if isinstance(report, QuarantineReplay):
                done = (
                    f"{report.replayed + report.already_stored} stored, "
                    f"{report.still_rejected.total()} still rejected, "
                    f"{report.not_replayable.total()} not replayable"
                )
            else:
                done = f"{report.moved} moved"
            self.stderr.write(f"replay {what}: {report.examined}/{report.total} examined, {done}")

        return progress

    def _quarantine_summary(self, report: QuarantineReplay) -> None:
        would = "would be " if report.dry_run else ""
        if report.dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        self.stdout.write(
            f"Replayed {report.examined} quarantined message{_s(report.examined)} with the "
            f"limits of now (payload {settings.LOG_MAX_PAYLOAD_BYTES} bytes, message "
            f"{settings.LOG_MAX_MESSAGE_BYTES} bytes, context depth "
            f"{settings.LOG_MAX_CONTEXT_DEPTH}):"
        )
        self.stdout.write(f"  {would}stored as logs: {report.replayed}")
        self.stdout.write(
            f"  already stored (a log holds their place in the stream), {would}removed from "
            f"quarantine: {report.already_stored}"
        )
        still = report.still_rejected.total()
        line = f"  still rejected, kept in quarantine: {still}"
        if still:
            line += f" ({_counts(report.still_rejected.items())}"
            line += f"; {report.updated} with a new reason or detail)" if report.updated else ")"
        self.stdout.write(line)
        skipped = report.not_replayable.total()
        line = f"  skipped, not replayable: {skipped}"
        if skipped:
            why = _counts((NOT_REPLAYABLE_LABELS[w], n) for w, n in report.not_replayable.items())
            line += f" ({why}; ids {_ids(report.not_replayable_ids, more=skipped)})"
        self.stdout.write(line)

    def _logs_summary(self, report: LogsReplay) -> None:
        to_be = "to be " if report.dry_run else ""
        if report.dry_run:
            self.stdout.write(
                "Dry run: nothing was changed (patterns that would be created have negative ids)."
            )
        self.stdout.write(f"Grouped {report.examined} stored log{_s(report.examined)} again:")
        line = f"  {to_be}moved to another pattern: {report.moved}"
        if report.moved:
            line += f" (from patterns {_ids(report.moved_from)} to {_ids(report.moved_to)})"
        self.stdout.write(line)
        self.stdout.write(f"  unchanged: {report.unchanged}")
        line = f"  patterns {to_be}created: {len(report.created)}"
        if report.created:
            line += f" ({_ids(report.created)})"
        self.stdout.write(line)
        line = f"  patterns {to_be}merged: {len(report.merged)}"
        if report.merged:
            merges = ", ".join(f"{a} into {s}" for a, s in sorted(report.merged.items()))
            line += f" ({merges})"
        self.stdout.write(line)
        if report.emptied:
            self.stdout.write(
                f"  patterns {to_be}left without logs, their logs split between others "
                f"(kept as they are): {_ids(report.emptied)}"
            )


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _counts(items: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{label} {n}" for label, n in sorted(items, key=lambda item: -item[1]))


def _ids(ids: Iterable[int], *, more: int = 0) -> str:
    """Up to 20 ids, and "..." when there are more (`more`: how many there are in all)."""
    ordered = sorted(ids)
    shown = ", ".join(map(str, ordered[:20]))
    return shown + (", ..." if max(len(ordered), more) > min(len(ordered), 20) else "")
