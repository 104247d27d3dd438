import sys
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from gogent.config import ConfigAppliedHook, ConfigError, ConfigReport, type_name


class Command(BaseCommand):
    help = (
        "Make LLM providers, ticket integrations and ticket rules match a TOML config file "
        "(see docs/config.example.toml). All or nothing; idempotent: unchanged rows are not "
        "written. FILE may be - for stdin."
    )
    # call_command(..., stdin=StringIO(...)) in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", metavar="FILE", help="the TOML file, or - for stdin")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        if file == "-":
            source, text = "stdin", options.get("stdin", sys.stdin).read()
        else:
            source = file
            try:
                text = Path(file).read_text(encoding="utf-8")
            except OSError as error:
                raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            # The message ends with "(at line L, column C)".
            raise CommandError(f"{source} is not valid TOML: {error}") from None
        try:
            reports = apply(document, source=source, dry_run=dry_run)
        except ConfigError as error:
            raise CommandError(f"{source} was not applied:\n{error}") from None
        lines = ["Dry run: nothing was written."] if dry_run else []
        for section, report in reports.items():
            lines.append(f"{section}:")
            lines.extend(f"  {line}" for line in str(report).splitlines())
        self.stdout.write("\n".join(lines))


def apply(document: dict, *, source: str, dry_run: bool) -> dict[str, ConfigReport]:
    """Apply the sections the file has, in CONFIG_SECTIONS order, in one transaction.

    A dry run applies them too (a later section may refer to rows an earlier one
    creates: rules name integrations) and rolls everything back. `prune` disables
    rows left out of the sections the file has, never of sections it does not have.
    """
    sections: dict[str, str] = settings.CONFIG_SECTIONS
    problems: list[str] = []
    allowed = [*sections, "prune"]
    unknown = sorted(set(document) - set(allowed))
    if unknown:
        problems.append(
            f"unknown top-level key(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(allowed)}"
        )
    prune = document.get("prune", False)
    if not isinstance(prune, bool):
        problems.append(f"prune must be true or false, not {type_name(prune)}")
        prune = False
    reports: dict[str, ConfigReport] = {}
    with transaction.atomic():
        for section, path in sections.items():
            if section not in document:
                continue
            try:
                reports[section] = import_string(path)(tables=document[section], prune=prune)
            except ConfigError as error:
                problems.extend(error.problems)
                break  # later sections may refer to this one's rows: their errors would mislead
        if problems:
            raise ConfigError(problems)
        if dry_run:
            transaction.set_rollback(True)
        else:
            for path in settings.CONFIG_APPLIED_HOOKS:
                hook: ConfigAppliedHook = import_string(path)
                hook(reports=reports, source=source)
    return reports
