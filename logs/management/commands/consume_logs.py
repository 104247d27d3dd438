import asyncio

from django.core.management.base import BaseCommand, CommandError

from gogent.nats import NatsSettingsError
from logs.consumer import LogConsumer


class Command(BaseCommand):
    help = (
        "Consume logs from the JetStream stream into the database. Creates the stream "
        "and durable consumer if needed. SIGTERM/SIGINT finish the batch in flight, then exit."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=None, help="messages per transaction")

    def handle(self, *args, batch_size: int | None, **options) -> None:
        try:
            asyncio.run(LogConsumer(batch_size=batch_size).run())
        except NatsSettingsError as error:
            raise CommandError(str(error)) from None
