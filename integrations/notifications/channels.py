"""Sending one message to a channel: httpx for Slack, Teams and JSON webhooks, smtplib for
e-mail. One function per kind, one shared function owns the HTTP client, its timeouts and
how failures map to NotifyError.

Apprise was evaluated and not used: its Slack and Teams plugins build the address
themselves (https://hooks.slack.com/..., https://<team>.webhook.office.com/...), so a test
cannot reach a fake receiver through them, and `notify()` answers only True or False, so a
429 with Retry-After, a 5xx or a timeout (worth retrying) cannot be told from a 404 for a
deleted webhook (never worth it).

A NotifyError's message is safe to store and show: webhook URLs appear masked to their
host (the path is the token), and no secret is ever part of one.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

import httpx
import orjson

from gogent.encryption import SecretUndecryptable, secret_readable
from gogent.secrets_env import SecretEnvRefused, secret_env_read
from integrations.models import Channel
from integrations.notifications import messages
from integrations.notifications.messages import Message
from integrations.remote import retry_after_seconds

USER_AGENT = "Gogent notifications"
SIGNATURE_HEADER = "X-Gogent-Signature"
TIMESTAMP_HEADER = "X-Gogent-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Replies worth trying again: the receiver is busy or broken for now.
RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


class NotifyError(Exception):
    """A message that did not go out. retryable: a timeout, 429 or 5xx, worth trying again
    later (after retry_after seconds when the receiver said so); else the channel refused
    it for good (a deleted webhook, a wrong address, refused credentials)."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


@dataclass(frozen=True, slots=True)
class Sent:
    """What the receiver answered to a message that went out."""

    detail: str


def mask_url(url: str) -> str:
    """A webhook URL as errors show it: scheme and host, the path (its token) hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unparsable URL)"
    if not parts.scheme or not parts.netloc:
        return "(an unparsable URL)"
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


def channel_send(channel: Channel, message: Message, *, key: str) -> Sent:
    """Send `message` once; `key` is the notification's idempotency key. Raises NotifyError."""
    if channel.kind == Channel.Kind.EMAIL:
        return _send_email(channel, message, key=key)
    url = _secret(channel, "url", "url_env", "webhook URL")
    if not url:
        raise NotifyError("no webhook URL is set (nor the variable that holds it)", retryable=False)
    if channel.kind == Channel.Kind.SLACK:
        body = orjson.dumps(messages.slack_payload(message))
        headers: dict[str, str] = {}
    elif channel.kind == Channel.Kind.TEAMS:
        body = orjson.dumps(messages.teams_payload(message))
        headers = {}
    else:
        body = orjson.dumps(messages.webhook_payload(message, key=key))
        headers = _signature(channel, body)
    headers[IDEMPOTENCY_HEADER] = key
    return _post(url, body, headers, timeout=channel.timeout_seconds)


def _post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Sent:
    """The one HTTP call under every webhook kind, and how its failures read."""
    where = mask_url(url)
    try:
        # Reference: Slack incoming webhooks (api.slack.com/messaging/webhooks), Teams
        # workflow webhooks (Adaptive Cards), and Gogent's own JSON webhook (README).
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(
                url,
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    **headers,
                },
            )
    except httpx.TimeoutException:
        raise NotifyError(f"{where} did not answer within {timeout:g}s", retryable=True) from None
    except httpx.TransportError as error:
        # The error's text names no URL, but may in some versions: never store it raw.
        reason = _scrub(str(error) or type(error).__name__, url, where)
        raise NotifyError(f"{where} could not be reached: {reason}", retryable=True) from None
    except httpx.InvalidURL:
        raise NotifyError(f"{where} is not a valid URL", retryable=False) from None
    status = response.status_code
    text = _scrub(response.text[:300].strip(), url, where)
    if 200 <= status < 300:
        return Sent(detail=f"{where} answered {status}" + (f": {text}" if text else ""))
    retryable = status in RETRYABLE_STATUS or status >= 500
    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    reason = f"{where} answered {status}" + (f": {text}" if text else "")
    if status in (401, 403, 404, 410):
        reason += " (the webhook was removed or its token refused: check the channel's URL)"
    raise NotifyError(reason, retryable=retryable, retry_after=retry_after, status=status)


def _signature(channel: Channel, body: bytes) -> dict[str, str]:
    """HMAC-SHA256 over "<timestamp>.<body>" with the signing secret: the receiver checks
    both, so an old request cannot be replayed."""
    secret = _secret(channel, "signing_secret", "signing_secret_env", "signing secret")
    if not secret:
        return {}
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: f"sha256={digest.hexdigest()}"}


def _send_email(channel: Channel, message: Message, *, key: str) -> Sent:
    recipients = channel.recipients()
    if not channel.smtp_host or not recipients or not channel.email_from:
        raise NotifyError("the SMTP host, From and To are needed", retryable=False)
    mail = EmailMessage()
    mail["Subject"] = messages.email_subject(message)
    mail["From"] = channel.email_from
    mail["To"] = ", ".join(recipients)
    mail["Date"] = formatdate(localtime=False)
    # The same on every attempt: a mail system can drop a repeat after a lost reply.
    mail["Message-ID"] = make_msgid(idstring=key, domain="gogent.notifications")
    mail["X-Gogent-Notification"] = key
    mail.set_content(messages.email_text(message))
    mail.add_alternative(messages.email_html(message), subtype="html")
    where = f"SMTP {channel.smtp_host}:{channel.smtp_port}"
    timeout = channel.timeout_seconds
    try:
        if channel.smtp_security == Channel.Security.TLS:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                channel.smtp_host, channel.smtp_port, timeout=timeout,
                context=ssl.create_default_context(),
            )  # fmt: skip
        else:
            smtp = smtplib.SMTP(channel.smtp_host, channel.smtp_port, timeout=timeout)
        with smtp:
            if channel.smtp_security == Channel.Security.STARTTLS:
                smtp.starttls(context=ssl.create_default_context())
            if channel.smtp_username:
                password = _secret(channel, "smtp_password", "smtp_password_env", "SMTP password")
                smtp.login(channel.smtp_username, password)
            refused = smtp.send_message(mail, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as error:
        raise NotifyError(
            f"{where} refused the user and password ({error.smtp_code})", retryable=False,
            status=error.smtp_code,
        ) from None  # fmt: skip
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise NotifyError(
            f"{where} refused every recipient: "
            + ", ".join(f"{a} ({c})" for a, (c, _) in error.recipients.items()),
            retryable=all(400 <= code < 500 for code in codes),
        ) from None
    except smtplib.SMTPResponseException as error:
        text = error.smtp_error.decode("utf-8", "replace") if error.smtp_error else ""
        raise NotifyError(
            f"{where} answered {error.smtp_code} {text}".strip(),
            retryable=400 <= error.smtp_code < 500, status=error.smtp_code,
        ) from None  # fmt: skip
    except smtplib.SMTPNotSupportedError:
        raise NotifyError(
            f"{where} does not offer STARTTLS: choose another security", retryable=False
        ) from None
    except TimeoutError:
        raise NotifyError(f"{where} did not answer within {timeout:g}s", retryable=True) from None
    except (smtplib.SMTPException, OSError) as error:
        raise NotifyError(
            f"{where} could not be reached: {error or type(error).__name__}", retryable=True
        ) from None
    if refused:
        return Sent(detail=f"{where} took it, refusing {', '.join(sorted(refused))}")
    return Sent(detail=f"{where} took it for {', '.join(recipients)}")


def _secret(channel: Channel, field: str, env_field: str, what: str) -> str:
    """A secret read at call time; a variable the rule refuses or a stored secret no key
    decrypts is a permanent failure for an admin to fix."""
    try:
        env_name = getattr(channel, env_field)
        if env_name:
            return secret_env_read(env_name, field=env_field)
        return secret_readable(getattr(channel, field))
    except (SecretEnvRefused, SecretUndecryptable) as error:
        raise NotifyError(f"the {what}: {error}", retryable=False) from None


def _scrub(text: str, url: str, where: str) -> str:
    """Text that may quote the URL (an error, a reply), with the URL and its path masked."""
    path = urlsplit(url).path
    text = text.replace(url, where)
    if len(path) > 1:
        text = text.replace(path, "/…")
    return text
