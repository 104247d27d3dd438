import os
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gogent.nats import NatsServerNotFound, embedded_nats_server_argv, nats_servers_display


class Command(BaseCommand):
    help = (
        "Run the embedded nats-server (JetStream on the data dir). With NATS_URL set, "
        "start nothing and wait, so a supervisor's process list stays the same."
    )

    def handle(self, *args, **options) -> None:
        if settings.NATS_URL:
            stop_signals = {signal.SIGINT, signal.SIGTERM}
            signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
            self.stdout.write(
                f"NATS_URL is set ({nats_servers_display()}): "
                "using that server, not starting the embedded one."
            )
            self.stdout.flush()
            signal.sigwait(stop_signals)
            return
        try:
            argv = embedded_nats_server_argv()
        except NatsServerNotFound as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Starting nats-server on {settings.NATS_EMBEDDED_HOST}:{settings.NATS_EMBEDDED_PORT}"
            f" (JetStream store: {settings.NATS_EMBEDDED_STORE_DIR})"
        )
        self.stdout.flush()
        # exec: nats-server receives the supervisor's signals itself and shuts down cleanly.
        os.execv(argv[0], argv)  # noqa: S606
