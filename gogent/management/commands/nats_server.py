import os
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gogent.nats import (
    NatsServerNotFound,
    NatsSettingsError,
    embedded_nats_authorization,
    embedded_nats_server_argv,
    embedded_nats_token_ensure,
    embedded_nats_token_required,
    nats_servers_display,
)


class Command(BaseCommand):
    help = (
        "Run the embedded nats-server (JetStream on the data dir). With NATS_URL set, "
        "start nothing and wait, so a supervisor's process list stays the same. Off "
        "loopback it requires credentials: a generated token, printed once, unless "
        "NATS_USER/NATS_PASSWORD or NATS_TOKEN are set."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="Generate the credentials if needed and write the config, then exit "
            "without starting the server (`make run` does this before starting processes, "
            "so every client finds the token).",
        )

    def handle(self, *args, prepare: bool, **options) -> None:
        if settings.NATS_URL:
            if prepare:
                return
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
            if embedded_nats_token_required():
                self.announce_token(*embedded_nats_token_ensure())
            authorization = embedded_nats_authorization()
            argv = embedded_nats_server_argv()
        except (NatsServerNotFound, NatsSettingsError) as error:
            raise CommandError(str(error)) from None
        if prepare:
            return
        if authorization is None:
            required = "no credentials required on loopback"
        elif "user" in authorization:
            required = "NATS_USER/NATS_PASSWORD required"
        elif settings.NATS_TOKEN:
            required = "NATS_TOKEN required"
        else:
            required = f"the token in {settings.NATS_EMBEDDED_TOKEN_FILE} required"
        monitor = settings.NATS_EMBEDDED_MONITOR_PORT
        self.stdout.write(
            f"Starting nats-server on {settings.NATS_EMBEDDED_HOST}:{settings.NATS_EMBEDDED_PORT}"
            f" ({required}; JetStream store: {settings.NATS_EMBEDDED_STORE_DIR}"
            + (f"; monitoring on 127.0.0.1:{monitor})" if monitor else ")")
        )
        self.stdout.flush()
        # exec: nats-server receives the supervisor's signals itself and shuts down cleanly.
        os.execv(argv[0], argv)  # noqa: S606

    def announce_token(self, token: str, created: bool) -> None:
        if not created:
            return
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                f"  NATS_EMBEDDED_HOST={settings.NATS_EMBEDDED_HOST} is not loopback, so the "
                "embedded nats-server requires a token.\n"
                "  Generated one; it is shown only now:\n"
                f"    token: {token}\n"
                f"  Kept in {settings.NATS_EMBEDDED_TOKEN_FILE} (mode 0600), where Gogent's "
                "processes read it.\n"
                "  Producers connect with nats://<token>@<host>:"
                f"{settings.NATS_EMBEDDED_PORT} or their client's token option.\n"
            )
        )
        self.stdout.flush()
