"""A local SMTP server that keeps what it receives (aiosmtpd): ``make run``'s relay.

Messages land in a :class:`~newsdesk.delivery.mailbox.Mailbox` (an ``.eml`` each and an
``index.html``), so the approved edition's delivery can be opened and read. It listens on
loopback only: it is a demo relay that accepts anything, never a server for a network.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from newsdesk.delivery.mailbox import Mailbox
from newsdesk.errors import ConfigError

#: aiosmtpd refuses bigger messages with 552; the newsletter is far below it.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


class MailboxHandler:
    """aiosmtpd handler: every accepted message into the mailbox, index refreshed."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        self.mailbox.store(str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos],
                           bytes(data))
        self.mailbox.write_index()
        return "250 OK stored"


def start_sink(directory: Path, *, host: str = "127.0.0.1", port: int = 0) -> Controller:
    """Start the sink in a thread; ``controller.port`` is the port it listens on."""
    if not ipaddress.ip_address(host).is_loopback:
        raise ConfigError(f"mail sink: {host} is not a loopback address (the sink accepts "
                          "anything and must not listen on a network)")
    controller = Controller(MailboxHandler(Mailbox(directory)), hostname=host,
                            port=port or free_port(host), data_size_limit=MAX_MESSAGE_BYTES)
    controller.start()
    return controller


def free_port(host: str = "127.0.0.1") -> int:
    """A port free on ``host`` now (aiosmtpd's controller cannot start on port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
