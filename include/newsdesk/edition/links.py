"""Links kept in a trimmed summary, as character spans of its text.

A summary is shown as plain text (trimmed to whole sentences), but the partner's links in
it carry meaning: "Download the publication.", "watch here". Each safe link of the
sanitised summary HTML (:func:`newsdesk.normalize.sanitize.safe_links`) is found again in
the trimmed text, in order; a link whose text was cut away by the trim is dropped with it.
"""

from __future__ import annotations

from newsdesk.edition.snapshot import SummaryLink
from newsdesk.normalize.sanitize import safe_links

#: Most links kept in one summary (a list of 500 links is not a summary).
MAX_LINKS = 20


def summary_links(summary_html: str, text: str) -> list[SummaryLink]:
    """Spans of ``text`` that were links in ``summary_html``, in order, not overlapping."""
    if not summary_html or not text:
        return []
    spans: list[SummaryLink] = []
    position = 0
    for label, url in safe_links(summary_html)[:MAX_LINKS]:
        start = _find_words(text, label, position)
        if start < 0:
            continue
        end = start + len(label)
        spans.append(SummaryLink(start=start, end=end, url=url))
        position = end
    return spans


def _find_words(text: str, label: str, position: int) -> int:
    """The first ``label`` at or after ``position`` that is not inside a longer word
    ("here" is not found in "where"); -1 if none."""
    start = text.find(label, position)
    while start >= 0:
        end = start + len(label)
        if not (start and text[start - 1].isalnum()) and not (end < len(text)
                                                              and text[end].isalnum()):
            return start
        start = text.find(label, start + 1)
    return -1
