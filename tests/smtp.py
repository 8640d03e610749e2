"""A real SMTP server on loopback (aiosmtpd), which a test may stop and start again."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the server received: parsed messages, in order."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages = []
        self.lock = threading.Lock()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.delay:
            # A slow server keeps each send open long enough for two senders to overlap.
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, delay: float = 0.0) -> None:
        self.inbox = Inbox(delay)
        self.port = free_port()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_TLS": "none",
                "SMTP_USER": "", "SMTP_PASSWORD": "", "MAIL_FROM": "nordialog@test.example"}
