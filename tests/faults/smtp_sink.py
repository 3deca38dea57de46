"""A real SMTP server on a free loopback port for tests: aiosmtpd's threaded Controller.

It accepts every recipient except the ones told to refuse: `refused` answers 550 (a permanent
refusal: no such mailbox) and `deferred` answers 451 (try again later) a given number of times.
What it accepted is kept in `messages` as (recipients, parsed message). A test module that imports
`smtp_sink_fixture` gets the `smtp_sink` fixture, which also points Django's SMTP backend at it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nothing listens on now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkHandler:
    """aiosmtpd handler: refuse, defer or keep each recipient as the test says."""

    def __init__(self) -> None:
        self.refused: set[str] = set()
        self.deferred: Counter[str] = Counter()
        self.messages: list[tuple[list[str], Message]] = []
        self.tried: Counter[str] = Counter()  # every RCPT TO, accepted or not
        self.delay = 0.0  # seconds to wait before answering DATA, so that senders overlap
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            self.tried[address] += 1
            if address in self.refused:
                return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
            if self.deferred[address] > 0:
                self.deferred[address] -= 1
                return f"451 4.3.0 <{address}>: Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # blocks this server's loop: one message at a time, slowly
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def received_by(self, address: str) -> list[Message]:
        """Every message accepted for this address."""
        return [message for rcpts, message in self.messages if address in rcpts]


@pytest.fixture(name="smtp_sink")
def smtp_sink_fixture(settings):
    """Start the sink and send the shop's e-mail to it through Django's real SMTP backend."""
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()
