"""The email as a MIME message: multipart/alternative, plain text first, HTML last.

Mail clients show the last alternative they understand, so the HTML goes last. Headers
come from the snapshot alone (Date is the build time, Message-ID derives from the
snapshot's digest), so the same revision always gives the same ``.eml`` bytes. Delivery
replaces To, Message-ID and the unsubscribe token per recipient, working on the decoded
parts (never on the encoded bytes, where quoted-printable may fold a token).
"""

from __future__ import annotations

from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from newsdesk.edition.snapshot import EditionSnapshot
from newsdesk.errors import MessageError


def build_message(snapshot: EditionSnapshot, text: str, html: str) -> EmailMessage:
    """A complete message addressed to the configured test address."""
    _refuse_line_breaks(snapshot)
    message = EmailMessage(policy=policy.SMTP)
    domain = snapshot.from_address.rpartition("@")[2] or "newsdesk.invalid"
    local = snapshot.from_address.rpartition("@")[0] or "newsletter"
    message["Subject"] = snapshot.subject
    message["From"] = Address(display_name=snapshot.sender_name, username=local, domain=domain)
    message["To"] = snapshot.test_to_address
    message["Date"] = format_datetime(snapshot.built_at)
    message["Message-ID"] = f"<newsletter.{snapshot.edition_key}.{snapshot.digest[:20]}@{domain}>"
    message["MIME-Version"] = "1.0"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    message.set_boundary(f"=_newsdesk_{snapshot.digest[:32]}")  # deterministic bytes
    return message


def _refuse_line_breaks(snapshot: EditionSnapshot) -> None:
    """Refuse a CR or LF in any text that becomes a header.

    A line break in Subject, the sender's name or an address would start a new header
    (``Bcc:``) in the bytes handed to SMTP; the email package refuses some of these deep
    inside its policy with a message naming neither the edition nor the field.
    """
    fields = {"Subject": snapshot.subject, "From name": snapshot.sender_name,
              "From address": snapshot.from_address, "To": snapshot.test_to_address}
    for name, value in fields.items():
        if "\r" in value or "\n" in value:
            raise MessageError(
                f"edition {snapshot.edition_key}: {name} contains a line break "
                f"(header injection refused): {value!r}")


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent over SMTP (CRLF line ends)."""
    return message.as_bytes(policy=policy.SMTP)
