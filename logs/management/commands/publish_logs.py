import argparse
import asyncio
import logging
import math
import signal
import sys
import time
from collections.abc import Callable, Iterator
from itertools import chain, cycle, islice, takewhile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from nats.aio.client import Client
from nats.errors import NoServersError
from nats.js.errors import NotFoundError

from gogent.nats import NatsSettingsError, nats_connect, nats_servers_display
from logs.publisher import PublishStats, publish_payloads
from logs.sources import (
    LOGHUB_SAMPLES,
    generated_logs,
    json_lines,
    loghub_datasets,
    loghub_logs,
)

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}")
    return value


def _repeated(make_payloads: Callable[[], Iterator[bytes]]) -> Iterator[bytes]:
    """The source again and again, made anew each pass; ends if a pass is empty."""
    while True:
        empty = True
        for payload in make_payloads():
            empty = False
            yield payload
        if empty:
            return


class Command(BaseCommand):
    help = (
        "Publish logs to JetStream: JSON lines from FILE or stdin, a Loghub sample, or "
        "generated manufacturing and IT logs. Prints the publish rate; fails if any "
        "message was not acknowledged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "file",
            nargs="?",
            metavar="FILE",
            help="JSON lines, one message a line, sent as they are; '-' or nothing reads stdin",
        )
        source.add_argument(
            "--loghub",
            metavar="PATH",
            help="a Loghub dataset folder or name (HDFS), a .log or _structured.csv file, or 'all'",
        )
        source.add_argument(
            "--generate", type=_positive_int, metavar="N", help="publish N generated logs"
        )
        parser.add_argument(
            "--loghub-dir",
            type=Path,
            default=LOGHUB_SAMPLES,
            help="where Loghub dataset folders are (default: %(default)s)",
        )
        parser.add_argument(
            "--count",
            type=_positive_int,
            metavar="N",
            help="stop after N messages, repeating the source if it has fewer",
        )
        parser.add_argument("--rate", type=_positive_float, metavar="R", help="messages per second")
        parser.add_argument("--subject", default=settings.NATS_SUBJECT, help="default: %(default)s")
        parser.add_argument("--seed", type=int, default=0, help="for Loghub and generated logs")
        parser.add_argument(
            "--wait",
            type=_positive_float,
            metavar="SECONDS",
            help="wait up to SECONDS for NATS and a stream for the subject (for scripts "
            "started together with Gogent, which creates the stream)",
        )

    def handle(self, *args, **options) -> None:
        payloads = self._payloads(options)
        servers = nats_servers_display()
        stats = asyncio.run(
            self._publish(
                payloads,
                subject=options["subject"],
                rate=options["rate"],
                count=options["count"],
                servers=servers,
                wait=options["wait"] or 0.0,
            )
        )
        summary = (
            f"published {stats.published} in {stats.seconds:.2f} s "
            f"({stats.rate:,.0f} msgs/s), failed {stats.failed}"
        )
        if stats.failed:
            self.stdout.write(f"{summary}: {stats.first_error}")
            raise CommandError(
                f"{stats.failed} message(s) to {options['subject']} on {servers} failed: "
                f"{stats.first_error}"
            )
        self.stdout.write(summary)

    def _payloads(self, options: dict) -> Iterator[bytes]:
        """The chosen source; endless when --count is given, so publishing stops at count."""
        seed: int = options["seed"]
        make_payloads: Callable[[], Iterator[bytes]]
        if options["generate"]:
            generate: int = options["generate"]

            def make_payloads() -> Iterator[bytes]:
                return islice(generated_logs(seed=seed), generate)

        elif options["loghub"]:
            paths = self._loghub_paths(options["loghub"], options["loghub_dir"])

            def make_payloads() -> Iterator[bytes]:
                return chain.from_iterable(loghub_logs(path, seed=seed) for path in paths)

        elif options["file"] in (None, "-"):
            payloads = json_lines(sys.stdin.buffer)
            # stdin cannot be read twice: repeating it keeps what was read in memory.
            return cycle(payloads) if options["count"] else payloads
        else:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"no such file: {path}")

            def make_payloads() -> Iterator[bytes]:
                with path.open("rb") as stream:
                    yield from json_lines(stream)

        return _repeated(make_payloads) if options["count"] else make_payloads()

    def _loghub_paths(self, wanted: str, root: Path) -> list[Path]:
        available = loghub_datasets(root) if root.is_dir() else []
        if wanted == "all":
            if not available:
                raise CommandError(f"no Loghub datasets in {root} (see --loghub-dir)")
            return available
        for path in (Path(wanted), root / wanted):
            if path.exists():
                try:
                    loghub_logs(path)
                except FileNotFoundError as error:
                    raise CommandError(str(error)) from None
                return [path]
        names = ", ".join(path.name for path in available) or f"none found in {root}"
        raise CommandError(
            f"unknown Loghub dataset {wanted!r}: give a dataset folder, a .log or "
            f"_structured.csv file, or 'all'; datasets: {names}"
        )

    async def _publish(
        self,
        payloads: Iterator[bytes],
        *,
        subject: str,
        rate: float | None,
        count: int | None,
        servers: str,
        wait: float,
    ) -> PublishStats:
        deadline = time.monotonic() + max(wait, CONNECT_TIMEOUT)
        try:
            # nats-py retries the first connect forever; a one-off command gives up.
            client = await asyncio.wait_for(
                nats_connect(name="gogent-publish-logs"), deadline - time.monotonic()
            )
        except TimeoutError:
            raise CommandError(
                f"cannot reach NATS at {servers} (gave up after {max(wait, CONNECT_TIMEOUT):g} s)"
            ) from None
        except (NoServersError, OSError) as error:
            raise CommandError(f"cannot reach NATS at {servers}: {error}") from None
        except NatsSettingsError as error:
            raise CommandError(str(error)) from None
        try:
            # Checked up front: without a stream every PubAck would time out, one by one.
            await self._wait_for_stream(client, subject, time.monotonic() + wait)
            # SIGTERM/SIGINT end the source: what was sent is still waited for and counted.
            stopping = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stopping.set)
            until_stopped = takewhile(lambda _: not stopping.is_set(), payloads)
            return await publish_payloads(
                client, until_stopped, subject=subject, rate=rate, count=count
            )
        finally:
            try:
                await client.close()
            except OSError as error:
                # nats-py raises here when the server went away; the stats say what was lost.
                logger.warning("closing the NATS connection failed: %s", error)

    async def _wait_for_stream(self, client: Client, subject: str, deadline: float) -> None:
        js = client.jetstream()
        while True:
            try:
                await js.find_stream_name_by_subject(subject)
                return
            except NotFoundError:
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"no JetStream stream takes {subject!r}; consume_logs creates it"
                    ) from None
                await asyncio.sleep(0.5)
