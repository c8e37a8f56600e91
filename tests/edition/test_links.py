"""Links kept in trimmed summaries (docs/newsletter.md, "Summaries")."""

from __future__ import annotations

from newsdesk.edition.links import summary_links
from newsdesk.edition.trim import trim_summary


def _spans(html: str, text: str) -> list[tuple[str, str]]:
    return [(text[link.start:link.end], link.url) for link in summary_links(html, text)]


def test_safe_links_are_kept_with_tracking_stripped() -> None:
    html = ('<p>Video statement: <a href="https://respa.example/v?utm_source=x&amp;id=3">'
            'watch here</a>. Read the <a href="javascript:alert(1)">forum summary</a> or the '
            '<a href="mailto:a@b.org">secretariat</a> or the '
            '<a href="https://respa.example/report">full report</a>.</p>')
    text = ("Video statement: watch here. Read the forum summary or the secretariat or the "
            "full report.")
    assert _spans(html, text) == [("watch here", "https://respa.example/v?id=3"),
                                  ("full report", "https://respa.example/report")]


def test_a_link_cut_by_the_trim_goes_with_its_text() -> None:
    html = ('<p>First sentence is here. Second one has <a href="https://x.example/">the '
            'link</a>.</p>')
    trimmed = trim_summary("First sentence is here. Second one has the link.", 30).text
    assert trimmed == "First sentence is here. …"
    assert _spans(html, trimmed) == []


def test_link_text_is_matched_as_whole_words() -> None:
    html = '<p>Where to go: <a href="https://x.example/">here</a>.</p>'
    assert _spans(html, "Where to go: here.") == [("here", "https://x.example/")]
