"""A real SMTP server (aiosmtpd, in a thread on loopback) that records and misbehaves on cue.

Every accepted message is recorded with its envelope recipient and Message-ID: the
server-side truth the exactly-once tests count against.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from newsdesk.delivery.sink import free_port
from newsdesk.delivery.transport import Security, SmtpSettings


@dataclass
class Received:
    recipient: str
    message_id: str
    data: bytes
    at: float  # time.monotonic() when the server accepted it


@dataclass
class Faults:
    """What the server does wrong: per recipient codes, one temporary failure, drops."""

    refuse: dict[str, str] = field(default_factory=dict)  # address -> "550 ..."
    temporary_once: set[str] = field(default_factory=set)  # address -> 451 the first time
    drop_after: int | None = None  # drop the connection (no reply) after this many accepted
    delay_s: float = 0.0


class RecordingHandler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.faults = Faults()
        self.lock = threading.Lock()
        self.commands: list[str] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        with self.lock:
            if address in self.faults.refuse:
                return self.faults.refuse[address]
            if address in self.faults.temporary_once:
                self.faults.temporary_once.discard(address)
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.faults.delay_s:
            time.sleep(self.faults.delay_s)  # blocks the server loop: a slow relay
        data = bytes(envelope.original_content or envelope.content)
        parsed = message_from_bytes(data, policy=policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append(Received(rcpt, str(parsed["Message-ID"]), data,
                                              time.monotonic()))
            if (self.faults.drop_after is not None
                    and len(self.received) >= self.faults.drop_after):
                self.faults.drop_after = None
                server.transport.close()  # accepted, but the client never hears it
                return "250 OK"
        return "250 OK"

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(r.recipient for r in self.received)


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings(host="127.0.0.1", port=self.port, security=Security.NONE,
                            timeout_s=10)

    @property
    def uri(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?disable_ssl=true&disable_tls=true"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer(handler, controller.port)
    finally:
        controller.stop()
