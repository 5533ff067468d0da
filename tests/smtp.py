"""A real SMTP server for the tests (aiosmtpd on a free local port): it keeps the messages it
receives, or refuses every message when told to."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """The server's handler: what arrived, and whether to refuse what comes next."""

    def __init__(self, refuse: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = refuse

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 mailbox temporarily unavailable"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(refuse: bool = False) -> Iterator[tuple[Inbox, str]]:
    """Yield the inbox and the MATCHING_SMTP_URL of a server running until the block ends."""
    inbox = Inbox(refuse)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None, "the mail has no plain-text part"
    return str(body.get_content())


def html_text(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None, "the mail has no HTML alternative"
    return str(body.get_content())
