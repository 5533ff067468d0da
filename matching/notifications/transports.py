"""How a composed e-mail leaves: over SMTP, or printed (development and tests of the CLI).

`MATCHING_SMTP_URL` names the server: `smtp://user:password@host:587?starttls=true`,
`smtps://host:465` (TLS from the start), or `console:` to print each mail instead.
"""

import smtplib
import ssl
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from matching.config import ConfigurationError, MailSettings

SMTP_TIMEOUT_SECONDS = 30


class Transport(Protocol):
    def deliver(self, message: EmailMessage) -> None:
        """Hand the message over, or raise (smtplib.SMTPException, OSError) when refused."""


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    def deliver(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS,
                                    context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        with smtp:
            if self.starttls:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass(frozen=True)
class ConsoleTransport:
    stream: TextIO | None = None  # standard output, as it is when the mail is delivered

    def deliver(self, message: EmailMessage) -> None:
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        stream = self.stream or sys.stdout
        stream.write(f"--- e-mail to {message['To']}: {message['Subject']}\n{text}\n")
        stream.flush()


def transport_from_url(url: str) -> Transport:
    """Read MATCHING_SMTP_URL; raise ConfigurationError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return ConsoleTransport()
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigurationError(
            "MATCHING_SMTP_URL must look like smtp://host:25, smtps://host:465 or console:")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError as error:
        raise ConfigurationError(f"MATCHING_SMTP_URL has a bad port: {error}") from error
    return SmtpTransport(
        host=parts.hostname, port=port, implicit_tls=parts.scheme == "smtps", starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def transport_for(settings: MailSettings) -> Transport:
    if not settings.smtp_url:
        raise ConfigurationError(
            "MATCHING_SMTP_URL is not set: the mails stay in the outbox until it is")
    return transport_from_url(settings.smtp_url)
