"""The double opt-in email: one plain-text message with the signed confirmation link.

Built with the email package (one message per sign-up, so no need for the delivery
path's pre-encoded templates) and pushed through a delivery
:class:`~newsdesk.delivery.transport.Transport`, the same interface the newsletter goes
through. What a visitor typed (their name) reaches the To header: a CR or LF in any header
value is refused (:class:`~newsdesk.errors.MessageError`), never folded into a new header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from newsdesk.delivery.transport import Envelope, Outcome, Transport
from newsdesk.errors import MessageError

TransportFactory = Callable[[], Transport]


@dataclass(frozen=True)
class MailFrom:
    """Who the confirmation comes from (the newsletter's sender name and address)."""

    name: str
    address: str


def confirmation_message(*, mail_from: MailFrom, to_address: str, to_name: str,
                         subject: str, text: str, now: datetime) -> bytes:
    """The message as bytes for SMTP (CRLF line ends, UTF-8, quoted-printable body)."""
    for field, value in (("Subject", subject), ("From name", mail_from.name),
                         ("From address", mail_from.address), ("To", to_address),
                         ("To name", to_name)):
        if "\r" in value or "\n" in value:
            raise MessageError(f"confirmation email to {to_address!r}: {field} contains a "
                               f"line break (header injection refused): {value!r}")
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = subject
    message["From"] = _address(mail_from.name, mail_from.address)
    message["To"] = _address(to_name, to_address)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("confirm", domain=_domain(mail_from.address))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    return message.as_bytes(policy=policy.SMTP)


def send(transport_factory: TransportFactory, mail_from: MailFrom, to_address: str,
         data: bytes) -> Outcome:
    """One message over a fresh transport, closed afterwards (sign-ups are rare)."""
    transport = transport_factory()
    try:
        outcome = transport.push(Envelope(mail_from.address, to_address, data))
        transport.flush()
    finally:
        transport.close()
    return outcome


def _address(name: str, address: str) -> Address:
    local, _, domain = address.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "newsdesk.invalid"
