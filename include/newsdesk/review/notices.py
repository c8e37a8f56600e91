"""The "a draft waits for you" email to the editors (sent by the review task's notifier).

Plain text, one message per active editor, over the same transport and relay as delivery
(Airflow's ``smtp_default``). It names the revision (number, hash, subject) and links to the
review in Airflow's Required Actions, where editors answer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from newsdesk.config import Settings
from newsdesk.delivery.transport import Envelope, Transport
from newsdesk.errors import MessageError
from newsdesk.review.lifecycle import load_revision
from newsdesk.store.database import session_scope
from newsdesk.subscribers import lifecycle

EDITORS_LIST = "editors"
MAX_EDITORS = 200  # a notice goes to the editorial team, never to a mailing list's size


def notify_editors(presented: dict[str, Any], review_link: str,
                   transport: Transport | None = None) -> int:
    """Mail every active editor; returns how many messages the relay accepted."""
    settings = Settings.from_env()
    revision = load_revision(settings.db_url, int(presented["revision_id"]))
    with session_scope(settings.db_url) as session:
        editors = list(lifecycle.active_batch(session, EDITORS_LIST, after_id=0,
                                              limit=MAX_EDITORS))
    if not editors:
        return 0
    if transport is None:
        from newsdesk.delivery_task import smtp_transport

        transport = smtp_transport()
    snapshot = revision.snapshot
    body = (f"A draft of {snapshot.title} waits for your review.\n\n"
            f"  {snapshot.subject}\n"
            f"  revision #{revision.number} (id {revision.id}), content hash "
            f"{revision.content_sha256[:12]}\n"
            f"  {snapshot.item_count} items; email checks: "
            f"{len(revision.check_findings)} finding(s)\n\n"
            f"Approve, request changes or reject it in Airflow:\n  {review_link}\n\n"
            f"A \"[TEST]\" copy of this revision is in your inbox.\n")
    sent = 0
    try:
        for editor in editors:
            message = _message(snapshot.sender_name, snapshot.from_address, editor.email,
                               f"Review waiting: {snapshot.subject} (#{revision.number})", body)
            outcome = transport.push(Envelope(sender=snapshot.from_address,
                                              recipient=editor.email,
                                              data=message.as_bytes()))
            sent += outcome.accepted
    finally:
        transport.close()
    return sent


def _message(sender_name: str, sender: str, to: str, subject: str, body: str) -> EmailMessage:
    for value in (sender_name, sender, to, subject):
        if "\r" in value or "\n" in value:
            raise MessageError(f"review notice: a line break in {value!r} (header injection "
                               "refused)")
    local, _, domain = sender.rpartition("@")
    message = EmailMessage()
    message["From"] = Address(display_name=sender_name, username=local, domain=domain)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=domain or None)
    message.set_content(body)
    return message
