"""The double opt-in message: parses with the email package; header injection refused."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from newsdesk.errors import MessageError
from newsdesk.public.confirmation import MailFrom, confirmation_message

FROM = MailFrom("UNPAN Team", "unpan@example.org")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_the_message_parses_and_says_who_it_is_for() -> None:
    data = confirmation_message(mail_from=FROM, to_address="zoë@example.org",
                                to_name="Zoë Ångström", subject="Please confirm",
                                text="Hello Zoë,\nhttps://x/confirm/t\n", now=NOW)
    message = message_from_bytes(data, policy=policy.default)
    assert str(message["To"]) == "Zoë Ångström <zoë@example.org>"
    assert str(message["From"]) == "UNPAN Team <unpan@example.org>"
    assert message["Message-ID"].endswith("@example.org>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"] == "Thu, 03 Dec 2026 12:00:00 +0000"
    assert message.get_content().replace("\r\n", "\n") == "Hello Zoë,\nhttps://x/confirm/t\n"
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF line ends only, as SMTP wants


@pytest.mark.parametrize(("field", "value"), [
    ("to_name", "Ana\r\nBcc: victim@example.org"),
    ("to_address", "ana@example.org\nBcc: victim@example.org"),
    ("subject", "Hello\rX-Injected: yes"),
])
def test_a_line_break_in_a_header_is_refused(field: str, value: str) -> None:
    values = {"to_address": "ana@example.org", "to_name": "Ana", "subject": "Confirm",
              field: value}
    with pytest.raises(MessageError, match="header injection refused"):
        confirmation_message(mail_from=FROM, text="x", now=NOW, **values)
