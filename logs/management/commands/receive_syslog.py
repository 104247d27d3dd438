import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gogent.nats import NatsSettingsError
from logs.syslog.receiver import ReceiverError, SyslogReceiver


class Command(BaseCommand):
    help = (
        "Receive syslog (RFC 5424 and RFC 3164) over UDP and TCP on SYSLOG_BIND and publish "
        "each line to NATS_SUBJECT as a log. UDP datagrams wait in an on-disk spool while NATS "
        "is down; TCP senders are held. SIGTERM/SIGINT publish what was received, then exit."
    )

    def handle(self, *args, **options) -> None:
        if not (settings.SYSLOG_UDP or settings.SYSLOG_TCP):
            raise CommandError("SYSLOG_UDP and SYSLOG_TCP are both off: nothing to listen on")
        receiver = SyslogReceiver()
        try:
            asyncio.run(receiver.run())
        except (ReceiverError, NatsSettingsError) as error:
            raise CommandError(str(error)) from None
        if receiver.error:
            raise CommandError(receiver.error)
