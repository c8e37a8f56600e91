"""Typed records that move between the stages.

``parse`` turns fetched bytes into :class:`ParsedItem` (what the source said, unsanitised);
``normalize`` turns those into :class:`Item` (what newsdesk stores: sanitised, canonical,
UTC); ``ingest`` reports one :class:`SourceReport` per source. No stage passes dicts with
implied keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ItemKind = Literal["news", "event", "publication"]
ITEM_KINDS: tuple[ItemKind, ...] = ("news", "event", "publication")


@dataclass(frozen=True)
class FetchedDocument:
    """A successful fetch: the body we read (capped) and what we need to parse it.

    ``not_modified`` is true for a 304 answer to a conditional GET: ``body`` is then empty
    and nothing is parsed.
    """

    url: str  # final URL after redirects
    status_code: int
    body: bytes
    content_type: str | None
    encoding: str | None  # charset from the Content-Type header, if any
    etag: str | None
    last_modified: str | None
    not_modified: bool = False
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class ParsedItem:
    """One item as a source states it, before sanitising and canonicalising.

    ``title`` is plain text, unescaped exactly once by the parser. ``summary_html`` is the
    source's HTML as found (``normalize`` sanitises it). Datetimes are timezone-aware when
    the source says the zone; an all-day event carries ``date`` values in ``starts_at`` and
    ``ends_at`` (``ends_at`` inclusive, the last day). ``base_url`` is the URL that
    relative links in ``summary_html`` are relative to: the page or feed the summary was
    read from (the sanitiser resolves them against it; without it, the item's own URL).
    """

    kind: ItemKind
    title: str
    url: str | None = None
    summary_html: str = ""
    guid: str | None = None
    published_at: datetime | None = None
    starts_at: datetime | date | None = None
    ends_at: datetime | date | None = None
    location: str | None = None
    online: bool | None = None
    recurrence: str | None = None  # RFC 5545 RRULE text of a recurring series
    language: str | None = None
    organizer: str | None = None
    base_url: str | None = None


@dataclass(frozen=True)
class Item:
    """One normalised item, ready for the staging database.

    Times are timezone-aware UTC. For all-day events ``all_day`` is true and ``starts_at``
    / ``ends_at`` are midnight UTC of the first and last day; ``event_tz`` keeps the
    source's IANA zone (if any) so a phrase can be written in local time.
    ``content_hash`` is the SHA-256 of the normalised title and summary text: the same
    content under two URLs, or from two partners, has the same hash.
    """

    partner_id: str
    source_id: str
    kind: ItemKind
    title: str
    url: str | None
    canonical_url: str | None
    guid: str | None
    summary_html: str
    summary_text: str
    published_at: datetime | None
    starts_at: datetime | None
    ends_at: datetime | None
    all_day: bool
    event_tz: str | None
    location: str | None
    city: str | None
    country: str | None
    online: bool | None
    recurrence: str | None
    language: str | None
    organizer: str | None
    content_hash: str


@dataclass
class SourceReport:
    """What one ingestion of one source did; also written to the fetch log."""

    partner_id: str
    source_id: str
    url: str
    status: Literal["ok", "not_modified", "failed"] = "ok"
    http_status: int | None = None
    bytes_read: int = 0
    duration_s: float = 0.0
    items_found: int = 0
    items_new: int = 0
    items_updated: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ParseResult:
    """What a parser found in one document.

    ``warnings`` name what was skipped and why (a broken VEVENT, an entry with no title),
    so one bad entry costs that entry only. ``feed_links`` are RSS/Atom feeds a page
    advertises with ``<link rel="alternate">`` (feed autodiscovery).
    """

    items: list[ParsedItem]
    warnings: list[str] = field(default_factory=list)
    feed_links: list[str] = field(default_factory=list)
