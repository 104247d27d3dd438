"""manage.py status [--json]: components, ingest, analyses, providers, tickets and their
last errors on one screen (or as one JSON object); the exit code says how bad (gogent.status):
0 all is well, 1 warnings only, 2 something is down."""

from __future__ import annotations

import json
import shutil
from typing import Any

from django.core.management.base import BaseCommand

from gogent.status import Level, StatusReport, plural, status_report

INDENT = "  "
LABEL_WIDTH_MAX = 24
VALUE_WIDTH_MIN = 40
TAGS = {Level.OK: "OK", Level.WARNING: "WARNING", Level.DOWN: "DOWN"}


class Command(BaseCommand):
    help = (
        "Gogent's state on one screen: components, ingest backlog and rate, analysis and "
        "ticket queues, providers and their limits, last errors. Exit code 0 all well, "
        "1 warnings only, 2 something down."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--json",
            action="store_true",
            help="One JSON object (status, exit_code, checked_at, problems, sections).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = status_report()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), indent=2, default=str))
        else:
            self.stdout.write(self.screen(report))
        if report.level is not Level.OK:
            # For cron and monitoring: the report above says what is wrong.
            raise SystemExit(int(report.level))

    def screen(self, report: StatusReport) -> str:
        styles = {Level.OK: self.style.SUCCESS, Level.WARNING: self.style.WARNING}
        styles[Level.DOWN] = self.style.ERROR
        problems = report.problems
        labels = [label for s in report.sections.values() for label, _ in s.lines]
        width = min(max(map(len, labels), default=0), LABEL_WIDTH_MAX)
        columns = shutil.get_terminal_size(fallback=(120, 40)).columns
        room = max(columns - len(INDENT) - width - 2, VALUE_WIDTH_MIN)

        summary = TAGS[report.level]
        if problems:
            summary += f" ({plural(len(problems), 'problem')})"
        out = [
            f"Gogent: {styles[report.level](summary)}, {report.checked_at:%Y-%m-%d %H:%M:%S} UTC",
        ]
        for section in report.sections.values():
            title = section.title
            if section.level is not Level.OK:
                title += f" [{styles[section.level](TAGS[section.level])}]"
            out += ["", title]
            out += [
                f"{INDENT}{label[:width].ljust(width)}  {_cut(' '.join(value.split()), room)}"
                for label, value in section.lines
            ]
        if problems:
            out += ["", "Problems"]
            out += [
                f"{INDENT}{styles[problem.level](TAGS[problem.level].ljust(7))}  {key}: "
                f"{problem.message}"
                for key, problem in problems
            ]
        return "\n".join(out)


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"
