"""The render: escaping of hostile text, the plain-text part, the MIME message."""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

from tests.newsletter_factory import sample_snapshot

from newsdesk.config import Settings
from newsdesk.edition.snapshot import EditionSnapshot, LeftOutEntry, SummaryLink
from newsdesk.render.environment import wrap_text
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
    # A short link; its accessible name says which item (aria-label, screen readers).
    assert re.search(r'<a href="https://undesa.example.org/items/3" aria-label="More about this '
                     r'event: Fifteenth Annual Meeting of the Internet Governance Forum \(IGF\)"'
                     r'[^>]*>More about this event</a>', html)
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


def test_a_wrapped_title_line_never_starts_like_a_bullet() -> None:
    title = ("Capacity Development Event on the United Nations Public Service Awards - "
             "“Enhancing Public Service Delivery in the Decade of Action to meet the "
             "Sustainable Development Goals”")
    for width in range(40, 90):
        wrapped = wrap_text(title, width=width, indent="  ", first="* ")
        for line in wrapped.splitlines()[1:]:
            assert not re.match(r"^\s+(?:[-*•–—+]|\d{1,3}[.)])\s", line), (width, line)
        assert " ".join(wrapped.split()) == f"* {title}"  # nothing lost or reordered
    listed = wrap_text("Action areas: 1. Information sharing, 2. E-participation, 3. E-health",
                       width=16)
    assert not any(re.match(r"^\d[.)]", line) for line in listed.splitlines())


def _with_links(snapshot: EditionSnapshot) -> EditionSnapshot:
    section = snapshot.sections[0]
    item = section.items[0]
    summary = "Video statement of the Director: watch here. <b>Not markup</b>."
    start = summary.index("watch here")
    linked = item.model_copy(update={"summary": summary, "summary_links": [SummaryLink(
        start=start, end=start + len("watch here"), url="https://respa.example/v?a=1&b=2")]})
    first = section.model_copy(update={"items": [linked, *section.items[1:]]})
    return snapshot.model_copy(update={"sections": [first, *snapshot.sections[1:]]})


def test_summary_links_are_links_in_html_and_urls_in_text() -> None:
    rendered = render_edition(_with_links(sample_snapshot()), TEMPLATES)
    assert re.search(r'Director: <a href="https://respa.example/v\?a=1&amp;b=2"[^>]*>watch here'
                     r'</a>\. &lt;b&gt;Not markup&lt;/b&gt;\.', rendered.email_html)
    assert "watch here <https://respa.example/v?a=1&b=2>." in " ".join(
        rendered.email_text.split())


def test_what_was_left_out_shows_in_previews_only() -> None:
    snapshot = sample_snapshot().model_copy(update={"left_out": [LeftOutEntry(
        item_id=99, partner_id="nispacee", title="30th Conference", url=None,
        reason="starts on 1 June 2022, beyond the 6-month horizon for upcoming events")]})
    preview = render_edition(snapshot, TEMPLATES, preview=True)
    assert 'data-left-out="1"' in preview.email_html and "30th Conference" in preview.web_html
    sent = render_edition(snapshot, TEMPLATES)
    assert "30th Conference" not in sent.email_html + sent.web_html + sent.email_text


def test_template_words_are_marked_in_the_editions_language() -> None:
    html = render_edition(sample_snapshot(), TEMPLATES).email_html
    spanish = re.search(r'<div class="item" data-item="\d+" lang="es".*?</div>', html, re.S)
    assert spanish is not None
    assert re.search(r'<p class="meta" lang="en" dir="ltr"', spanish.group())
    assert re.search(r'<p class="more" lang="en" dir="ltr"', spanish.group())
