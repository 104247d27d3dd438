import sys
import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analysis.provider_config import ConfigError, config_apply


class Command(BaseCommand):
    help = (
        "Make the LLM providers match a TOML config file (see docs/config.example.toml). "
        "Idempotent: unchanged providers are not written. FILE may be - for stdin."
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
            report = config_apply(document=document, dry_run=dry_run)
        except ConfigError as error:
            raise CommandError(f"{source} was not applied:\n{error}") from None
        self.stdout.write(str(report))
