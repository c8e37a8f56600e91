"""From what a source said (:class:`ParsedItem`) to what newsdesk stores (:class:`Item`).

Every parser's output passes through :func:`normalize_item`, so the guarantees of an
``Item`` (docs/normalising.md) hold whatever the source kind: sanitised summary HTML,
plain-text title, canonical URL, UTC times, a content hash for deduplication.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdesk.errors import ConfigError, ParseError
from newsdesk.normalize.places import parse_location
from newsdesk.normalize.sanitize import html_to_text, sanitize_html
from newsdesk.normalize.urls import canonical_url, without_tracking
from newsdesk.records import Item, ParsedItem
from newsdesk.registry import Partner

#: A title without a source title is cut from the summary at this many characters.
TITLE_FROM_SUMMARY_CHARS = 120
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def normalize_item(
    parsed: ParsedItem,
    *,
    partner: Partner,
    source_id: str,
    default_timezone: str | None = None,
) -> Item:
    """Sanitise, canonicalise and convert one parsed item to UTC.

    ``default_timezone`` (usually ``partner.timezone``) is the zone of times the source
    gave without one; without it such times are taken as UTC. A link that is not an
    absolute http(s) URL (``javascript:``, ``mailto:``) is dropped, never passed on.
    Raises :class:`ParseError` for an item with neither title nor usable link, and
    :class:`ConfigError` for an unknown ``default_timezone``.
    """
    place = f"partner {partner.id!r}, source {source_id!r}"
    zone = _zone(default_timezone, place)
    url, canonical = _link(parsed.url)
    summary_html = (sanitize_html(parsed.summary_html, base_url=parsed.base_url or url)
                    if parsed.summary_html else "")
    summary_text = html_to_text(summary_html) if summary_html else ""
    title = plain_title(parsed.title)
    if not title and url is None:
        raise ParseError(f"{place}: an item has neither a title nor an http(s) link")
    if not title:
        title = _title_from(summary_text) or url or ""

    starts_at, ends_at, all_day, event_tz = _event_times(parsed, zone, default_timezone)
    city, country, place_online = parse_location(parsed.location)
    return Item(
        partner_id=partner.id,
        source_id=source_id,
        kind=parsed.kind,
        title=title,
        url=url,
        canonical_url=canonical,
        guid=(parsed.guid or "").strip() or None,
        summary_html=summary_html,
        summary_text=summary_text,
        published_at=_to_utc(parsed.published_at, zone),
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        event_tz=event_tz,
        location=_clean(parsed.location),
        city=city,
        country=country,
        online=parsed.online if parsed.online is not None else place_online,
        recurrence=_clean(parsed.recurrence),
        language=_clean(parsed.language) or partner.language,
        organizer=_clean(parsed.organizer),
        content_hash=content_hash(title, summary_text),
    )


def plain_title(title: str) -> str:
    """One line of plain text; a title that still contains tags is reduced to text once."""
    if _TAG.search(title):
        title = html_to_text(title)
    return " ".join(title.split())


def content_hash(title: str, summary_text: str) -> str:
    """SHA-256 (hex) of the casefolded, whitespace-collapsed title and summary text."""
    normalised = "\n".join(" ".join(text.casefold().split()) for text in (title, summary_text))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _link(raw: str | None) -> tuple[str | None, str | None]:
    url = (raw or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None, None
    try:
        return without_tracking(url), canonical_url(url)
    except ParseError:
        return None, None


def _event_times(
    parsed: ParsedItem, zone: tzinfo, zone_name: str | None
) -> tuple[datetime | None, datetime | None, bool, str | None]:
    """``(starts_at, ends_at, all_day, event_tz)`` in UTC; see docs/normalising.md."""
    start, end = parsed.starts_at, parsed.ends_at
    if start is not None and not isinstance(start, datetime):
        return _midnight(start), _midnight(end), True, None
    event_tz: str | None = None
    if isinstance(start, datetime):
        if start.tzinfo is None:
            event_tz = zone_name
        elif isinstance(start.tzinfo, ZoneInfo):
            event_tz = start.tzinfo.key
        else:
            event_tz = _offset_zone(start.utcoffset())
    return _to_utc(start, zone), _to_utc(end, zone), False, event_tz


def _offset_zone(offset: timedelta | None) -> str | None:
    """A fixed offset as an IANA name (+09:00 -> ``Etc/GMT-9``: Etc inverts the sign), so
    the event's own clock survives the move to UTC; ``None`` for part-hour offsets."""
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if offset is None or minutes % 60 or abs(minutes) > 14 * 60:
        return None
    hours = minutes // 60
    return "UTC" if hours == 0 else f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def _midnight(day: date | None) -> datetime | None:
    if day is None:
        return None
    if isinstance(day, datetime):
        day = day.date()
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _to_utc(value: datetime | date | None, zone: tzinfo) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        return _midnight(value)
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _zone(name: str | None, place: str) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{place}: unknown time zone {name!r}") from exc


def _title_from(summary_text: str) -> str:
    first = summary_text.split("\n", 1)[0].removeprefix("- ")
    if len(first) <= TITLE_FROM_SUMMARY_CHARS:
        return first
    return first[:TITLE_FROM_SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else None
    return value or None
