"""RSS (0.9x, 1.0, 2.0) and Atom feeds into :class:`ParsedItem` records.

feedparser reads only the bytes we fetched (it is never handed a URL, so it never fetches
anything itself), with the response's Content-Type so that feeds in ISO-8859-1 or
windows-1252 decode right. Its own HTML sanitiser is off: ``newsdesk.normalize`` is the one
place that sanitises, and it sees the summary as the partner wrote it.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from newsdesk.errors import ParseError
from newsdesk.normalize.sanitize import html_to_text
from newsdesk.parse.dates import parse_iso
from newsdesk.parse.parser import SourceParser
from newsdesk.records import FetchedDocument, ParsedItem, ParseResult
from newsdesk.registry import FeedSource

_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_XML_DEFAULT = "application/xml"


@dataclass(frozen=True)
class FeedParser(SourceParser):
    """``kind: feed``: RSS 0.9x/1.0/2.0 and Atom through feedparser."""

    source: FeedSource

    def parse(self, document: FetchedDocument) -> ParseResult:
        return parse_feed(self.source, document)


def parse_feed(source: FeedSource, doc: FetchedDocument) -> ParseResult:
    """Every entry of a feed as a :class:`ParsedItem` of ``source.item_kind``.

    Raises :class:`ParseError` naming ``doc.url`` when the document is not a feed (an HTML
    page, garbage) or is broken beyond recovery. A broken feed whose entries could still be
    read keeps them, with a warning; an entry with neither title nor link is skipped with a
    warning naming its position.
    """
    if doc.not_modified:
        return ParseResult(items=[])
    parsed = feedparser.parse(
        doc.body,
        response_headers={"content-type": _content_type(doc)},
        # Relative links: feedparser resolves only a feed that declares xml:base (it
        # tracks the nested scopes); entry links are joined to the feed URL in _link, and
        # summary links are resolved by the sanitiser against base_url in the pass that
        # cleans them. No Content-Location is passed: resolving every element against it
        # cost more than all of normalisation (benchmarks/bench_ingest.py).
        resolve_relative_uris=b"xml:base" in doc.body,
        sanitize_html=False,
    )
    warnings: list[str] = []
    # feedparser's "soft" bozo exceptions (a charset or content type that did not match
    # what it found) say nothing about the entries; anything else means a broken document.
    broken = parsed.bozo and not isinstance(
        parsed.get("bozo_exception"), feedparser.ThingsNobodyCaresAboutButMe
    )
    if not parsed.entries:
        if not parsed.get("version"):
            raise ParseError(f"{doc.url}: {_not_a_feed(doc, parsed)}")
        if broken:
            raise ParseError(f"{doc.url}: the feed cannot be read: {_bozo(parsed)}")
    if parsed.bozo:
        warnings.append(
            f"{doc.url}: the feed is malformed or mis-declared, entries read anyway: "
            f"{_bozo(parsed)}"
        )

    feed_language = _text(parsed.feed.get("language"))
    items: list[ParsedItem] = []
    for position, entry in enumerate(parsed.entries, start=1):
        title = _title(entry, parsed.get("version") or "")
        link = _link(entry, doc.url)
        if not title and not link:
            warnings.append(f"{doc.url}: entry {position} has neither title nor link, skipped")
            continue
        starts_at, ends_at = _event_dates(entry, position, doc.url, warnings)
        items.append(
            ParsedItem(
                kind="event" if starts_at is not None else source.item_kind,
                title=title,
                url=link,
                summary_html=_summary_html(entry),
                guid=_text(entry.get("id")),
                published_at=_published(entry),
                starts_at=starts_at,
                ends_at=ends_at,
                location=_text(entry.get("ev_location")),
                organizer=_text(entry.get("ev_organizer")),
                language=_language(entry) or feed_language,
                base_url=doc.url,
            )
        )
    return ParseResult(items=items, warnings=warnings)


def _event_dates(
    entry: Any, position: int, url: str, warnings: list[str]
) -> tuple[datetime | date | None, datetime | date | None]:
    """Start and end from the RSS ``mod_event`` module (``ev:startdate``, ``ev:enddate``).

    Partners' event feeds (EROPA, NISPAcee, CLAD) carry their dates there; an entry with a
    start is an event whatever the source's ``item_kind``. An unreadable date is a warning.
    """
    values: list[datetime | date | None] = []
    for key in ("ev_startdate", "ev_enddate"):
        text = _text(entry.get(key))
        value = parse_iso(text) if text else None
        if text and value is None:
            warnings.append(f"{url}: entry {position}: {key[3:]} {text!r} is not an ISO date")
        values.append(value)
    start, end = values
    return (start, end) if start is not None else (None, None)


def _content_type(doc: FetchedDocument) -> str:
    """The Content-Type to show feedparser, with the fetched charset if we know it.

    ``text/xml`` without a charset means US-ASCII to feedparser (RFC 3023) and would
    override the XML declaration; servers send it carelessly, so it becomes
    ``application/xml``, for which the declaration decides.
    """
    content_type = (doc.content_type or _XML_DEFAULT).strip()
    has_charset = "charset=" in content_type.lower()
    if not has_charset and doc.encoding:
        return f"{content_type}; charset={doc.encoding}"
    if not has_charset and content_type.lower().startswith("text/"):
        return _XML_DEFAULT
    return content_type


def _not_a_feed(doc: FetchedDocument, parsed: Any) -> str:
    """Why a document with no feed version is refused, worded for the operator."""
    head = doc.body[:512].lstrip().lower()
    if "html" in (doc.content_type or "").lower() or head.startswith((b"<!doctype html", b"<html")):
        return (
            f"an HTML page (content type {doc.content_type!r}), not an RSS or Atom feed; "
            "register the page as an html source, or find its feed URL"
        )
    detail = f": {_bozo(parsed)}" if parsed.bozo else ""
    return f"not an RSS or Atom feed (content type {doc.content_type!r}){detail}"


def _bozo(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc is not None else "unknown error"


def _title(entry: Any, version: str) -> str:
    """Plain text, unescaped once: XML decoding is the one unescape of a text title.

    A title is read as HTML (tags dropped, entities decoded) only when it is HTML: an
    Atom ``type="html"`` title, or an RSS title that carries tags.
    """
    title = entry.get("title") or ""
    kind = (entry.get("title_detail") or {}).get("type", "text/plain")
    declared_html = version.startswith("atom") and kind in _HTML_TYPES
    if declared_html or (kind in _HTML_TYPES and _TAG.search(title)):
        title = html_to_text(title)
    return " ".join(title.split())


def _link(entry: Any, base: str) -> str | None:
    href = entry.get("link")
    if not href:
        alternates = [
            link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"
        ]
        href = next((h for h in alternates if h), None)
    return urljoin(base, href.strip()) if href and href.strip() else None


def _summary_html(entry: Any) -> str:
    """The richest body the entry has (``content`` before ``summary``), as HTML."""
    for detail in [*entry.get("content", []), entry.get("summary_detail")]:
        if detail and detail.get("value"):
            value: str = detail["value"]
            return value if detail.get("type") in _HTML_TYPES else html.escape(value)
    return ""


def _published(entry: Any) -> datetime | None:
    """feedparser gives UTC ``struct_time``s; we give aware UTC datetimes."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value:
            return datetime(*value[:6], tzinfo=UTC)
    return None


def _language(entry: Any) -> str | None:
    for detail in [entry, entry.get("title_detail"), *entry.get("content", [])]:
        if detail and _text(detail.get("language")):
            return _text(detail.get("language"))
    return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
