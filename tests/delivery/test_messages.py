"""Per-recipient messages: what a mail client parses equals the plain substitution."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from newsdesk.delivery.messages import (
    DkimKey,
    MessageTemplate,
    Recipient,
    Sender,
    message_id,
)
from newsdesk.errors import MessageError
from newsdesk.render.checks import UNSUBSCRIBE_TOKEN

URL = "https://news.example.org/unsubscribe/eyJhIjoxfQ.abc-DEF_ghi?x=1&y=2"
TEXT = ("Línea con acentos y espacios finales   \n" * 120
        + f"Unsubscribe:\n  {UNSUBSCRIBE_TOKEN}\n")
HTML = ("<p>Texte accentué — <a href=\"https://x.example/a\">lien</a></p>\n" * 300
        + f'<p><a href="{UNSUBSCRIBE_TOKEN}">Unsubscribe</a> {"x" * 200}</p>\n')
SENDER = Sender(name="UNPAN Team", address="unpan@un.org",
                list_id="UNPAN Partners' Newsletter <partners-newsletter.un.org>",
                reply_to="unpan-team@un.org")


def _recipient(**changes: str) -> Recipient:
    values = {"address": "ana@example.org", "name": "Ana Pérez, DPIDG", "unsubscribe_url": URL,
              "unsubscribe_mailto": "mailto:unsubscribe@un.org?subject=unsubscribe%20t",
              "message_id": "<newsletter.2020Q4.abc@un.org>"} | changes
    return Recipient(**values)


def _parse(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _template(sender: Sender = SENDER, subject: str = "UNPAN Partners’ Newsletter — Q4 2020"
              ) -> MessageTemplate:
    return MessageTemplate(subject=subject, sender=sender, text=TEXT, html_body=HTML,
                           boundary="=_newsdesk_test")


def test_the_parts_decode_to_the_substituted_render() -> None:
    message = _parse(_template().render(_recipient(), date=datetime(2021, 1, 5, tzinfo=UTC)))
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    normal = str.replace
    assert normal(text.get_content(), "\r\n", "\n").rstrip() == TEXT.replace(
        UNSUBSCRIBE_TOKEN, URL).rstrip()
    assert normal(html.get_content(), "\r\n", "\n").rstrip() == HTML.replace(
        UNSUBSCRIBE_TOKEN, URL.replace("&", "&amp;")).rstrip()


def test_headers_per_recipient_and_rfc_8058() -> None:
    data = _template().render(_recipient(), date=datetime(2021, 1, 5, 9, tzinfo=UTC))
    message = _parse(data)
    assert message["To"].addresses[0].display_name == "Ana Pérez, DPIDG"
    assert message["To"].addresses[0].addr_spec == "ana@example.org"
    assert message["From"] == "UNPAN Team <unpan@un.org>"
    assert message["Reply-To"] == "unpan-team@un.org"
    assert message["Subject"] == "UNPAN Partners’ Newsletter — Q4 2020"
    assert message["Message-ID"] == "<newsletter.2020Q4.abc@un.org>"
    assert message["Date"].datetime == datetime(2021, 1, 5, 9, tzinfo=UTC)
    assert message["List-Id"] == "UNPAN Partners' Newsletter <partners-newsletter.un.org>"
    assert message["List-Unsubscribe"] == (
        f"<{URL}>, <mailto:unsubscribe@un.org?subject=unsubscribe%20t>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    assert data.isascii()


def test_two_recipients_share_nothing_personal() -> None:
    template = _template()
    b = template.render(_recipient(address="bo@example.org", name="Bo",
                                   unsubscribe_url="https://news.example.org/unsubscribe/other",
                                   message_id="<newsletter.2020Q4.def@un.org>"),
                        date=datetime(2021, 1, 5, tzinfo=UTC))
    assert b"bo@example.org" in b
    assert b"ana@example.org" not in b and URL.encode() not in b and b"abc@un.org" not in b


def test_message_ids_are_stable_per_person_and_reveal_no_ids() -> None:
    secret = "s" * 40
    first = message_id(secret, "2020Q4", 7, 42, "un.org")
    assert first == message_id(secret, "2020Q4", 7, 42, "un.org")
    assert first != message_id(secret, "2020Q4", 7, 43, "un.org")
    assert first.endswith("@un.org>") and "42" not in first.split("@")[0].split(".", 2)[2]


@pytest.mark.parametrize("field", ["name", "address", "unsubscribe_url", "message_id"])
def test_a_line_break_in_a_recipient_header_is_refused(field: str) -> None:
    with pytest.raises(MessageError, match="header injection"):
        _template().render(_recipient(**{field: "x@example.org\r\nBcc: all@example.org"}),
                           date=datetime(2021, 1, 5, tzinfo=UTC))


def test_a_line_break_in_the_subject_is_refused() -> None:
    with pytest.raises(MessageError, match=r"Subject.*header injection"):
        _template(subject="News\nBcc: all@example.org")


def test_dkim_signature_verifies_and_covers_the_unsubscribe_headers() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    public = base64.b64encode(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    signer = Sender(name=SENDER.name, address=SENDER.address, list_id=SENDER.list_id,
                    dkim=DkimKey(selector="news", domain="un.org", private_key=pem))
    data = _template(signer).render(_recipient(), date=datetime(2021, 1, 5, tzinfo=UTC))

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"news._domainkey.un.org."
        return b"v=DKIM1; k=rsa; p=" + public

    assert dkim.verify(data, dnsfunc=dns)
    signed = _parse(data)["DKIM-Signature"].replace(" ", "").replace("\r\n", "")
    covered = next(tag for tag in signed.split(";") if tag.startswith("h=")).lower()
    assert "list-unsubscribe:" in covered + ":" and "list-unsubscribe-post" in covered
    tampered = data.replace(URL.encode(), b"https://evil.example/x", 1)
    assert not dkim.verify(tampered, dnsfunc=dns)
