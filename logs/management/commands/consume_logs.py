import asyncio
import signal

from django.conf import settings
from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError

from gogent.nats import NatsSettingsError
from logs.analyze_service import AnalyzeService, AnalyzeSettingsError, analyze_settings_check
from logs.consumer import LogConsumer


async def consume_and_serve(*, batch_size: int | None) -> None:
    """The consumer, and beside it the analysis service (ANALYZE_SUBJECT) until it stops."""
    consumer = LogConsumer(batch_size=batch_size)
    if not settings.ANALYZE_SUBJECT:
        await consumer.run()
        return
    service = AnalyzeService()
    serving = asyncio.create_task(service.run())
    try:
        await consumer.run()
    finally:
        service.stop()
        await serving


class Command(BaseCommand):
    help = (
        "Consume logs from the JetStream stream into the database, and answer analysis "
        "requests on ANALYZE_SUBJECT. Creates the stream and durable consumer if needed. "
        "SIGTERM/SIGINT finish the batch in flight, answer the requests in flight, then exit."
    )
    # The checks of what a consumer uses. Not the URL checks: importing every view and the
    # API's schemas to check them took 0.3 s of a ~1 s start, and a consumer serves none.
    requires_system_checks = [
        Tags.models, Tags.database, Tags.caches, Tags.compatibility, Tags.signals,
        Tags.async_support, Tags.files,
    ]  # fmt: skip

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=None, help="messages per transaction")

    def handle(self, *args, batch_size: int | None, **options) -> None:
        try:
            analyze_settings_check()
            asyncio.run(consume_and_serve(batch_size=batch_size))
        except (NatsSettingsError, AnalyzeSettingsError) as error:
            raise CommandError(str(error)) from None
        # The loop and its handlers are gone; the process is only exiting. A repeated
        # SIGTERM (a supervisor asking again) would kill a stop that has committed, acked
        # and answered everything already, and make it look failed.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
