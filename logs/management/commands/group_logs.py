import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from logs.grouping import TemplateMiner


class Command(BaseCommand):
    help = (
        "Group messages as ingest would, from an empty state, writing nothing: reads one "
        "message per line (FILE, or stdin) and prints '<pattern key>\\t<template>' per line."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", metavar="FILE", help="default: stdin")

    def handle(self, *args, file: str | None, **options) -> None:
        if file and file != "-":
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            stream = path.open(encoding="utf-8", errors="replace", newline="")
        else:
            stream = sys.stdin
        miner = TemplateMiner()
        with stream:
            for line in stream:
                message = line.rstrip("\r\n")
                cluster = miner.add(message).cluster
                self.stdout.write(f"{cluster.key}\t{cluster.template}")
