"""The render: escaping of hostile text, the plain-text part, the MIME message."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

from tests.newsletter_factory import sample_snapshot

from newsdesk.config import Settings
from newsdesk.edition.snapshot import EditionSnapshot
from newsdesk.render.render import render_edition, write_rendered

TEMPLATES = Settings.from_env().templates_dir


def _hostile(snapshot: EditionSnapshot) -> EditionSnapshot:
    first = snapshot.sections[0]
    evil = first.items[0].model_copy(update={
        "title": "<script>alert('x')</script> & Co",
        "summary": "Compute {{ 7*7 }} and {% raw %} for 100%% of %%FIRST_NAME%%.",
    })
    return snapshot.model_copy(update={"sections": [
        first.model_copy(update={"items": [evil, *first.items[1:]]}), *snapshot.sections[1:]]})


def test_hostile_text_is_escaped_and_shown_literally() -> None:
    rendered = render_edition(_hostile(sample_snapshot()), TEMPLATES)
    for html in (rendered.email_html, rendered.web_html):
        assert "<script>" not in html
        assert "&lt;script&gt;alert(" in html
        assert "Compute {{ 7*7 }} and {% raw %} for 100%% of %%FIRST_NAME%%." in html
        assert "49" not in html.split("Compute")[1][:20]
    assert "<script>alert('x')</script> & Co" in rendered.email_text
    assert "Compute {{ 7*7 }}" in rendered.email_text


def test_email_html_is_inlined_responsive_and_accessible() -> None:
    html = render_edition(sample_snapshot(), TEMPLATES).email_html
    assert '<html lang="en" dir="ltr">' in html
    assert "@media only screen and (max-width: 620px)" in html  # kept in <style>
    assert 'class="container" width="100%" style="border-collapse:collapse' in html  # inlined
    assert "<link" not in html and "<script" not in html
    assert html.count("<table") == html.count('role="presentation"')
    assert 'lang="es" dir="ltr"' in html
    assert "October – December 2020" in html
    assert "The views expressed are those of the individual authors and do not imply any " \
           "expression of opinion on the part of the United Nations." in html
    assert 'href="%%UNSUBSCRIBE_URL%%"' in html
    assert "More about Fifteenth Annual Meeting of the Internet Governance Forum (IGF)" in html
    assert "click here" not in html.lower()
    assert len(html.encode()) < 90_000


def test_plain_text_part_is_written_for_text() -> None:
    text = render_edition(sample_snapshot(), TEMPLATES).email_text
    lines = text.splitlines()
    assert lines[:3] == ["UNPAN PARTNERS' NEWSLETTER", "October – December 2020", "=" * 64]
    assert "In this issue:" in text and "  - Upcoming events (2)" in text
    assert "* Fifteenth Annual Meeting of the Internet Governance Forum (IGF)" in text
    assert "  Held from 9 to 17 November 2020, Online." in text
    assert "  AAPA: To be held from 24 to 26 February 2021, Jakarta, Indonesia." in text
    assert "  Also announced by EROPA." in text
    assert "  More information: https://undesa.example.org/items/3\n" in text
    assert "Unsubscribe:\n  %%UNSUBSCRIBE_URL%%" in text
    assert "<" not in text and "&amp;" not in text
    assert max(len(line) for line in lines if "https://" not in line) <= 72


def test_mime_message_parses_back_into_text_then_html(tmp_path: Path) -> None:
    rendered = render_edition(sample_snapshot(), TEMPLATES)
    paths = write_rendered(rendered, tmp_path)
    assert sorted(p.name for p in paths) == ["email.eml", "email.html", "email.txt", "web.html"]
    message = email.message_from_bytes((tmp_path / "email.eml").read_bytes(),
                                       policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "UNPAN Partners' Newsletter: October – December 2020"
    assert message["From"].addresses[0].addr_spec == "unpan@example.org"
    assert message["To"] == "newsletter-test@example.org"
    assert message["MIME-Version"] == "1.0"
    assert message["Message-ID"].startswith("<newsletter.2020Q4.")
    assert message["Date"].datetime.year == 2021
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    # SMTP line ends on the wire; the content is otherwise exactly what was rendered.
    assert parts[0].get_content().replace("\r\n", "\n") == rendered.email_text
    assert parts[1].get_content().replace("\r\n", "\n") == rendered.email_html
    assert message.get_body(("html",)) is parts[1]
    assert message.get_body(("plain",)) is parts[0]
