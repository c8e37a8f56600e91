"""iCalendar feeds: partner event calendars (``.ics``), one VEVENT per item.

Read with the ``icalendar`` library, which is lenient: a line it cannot parse is recorded on
its component instead of failing the whole calendar. newsdesk skips such a VEVENT with a
warning (its data cannot be trusted), as it skips one without a usable DTSTART or SUMMARY
and a cancelled one; the rest of the calendar is kept. A document that is not an
iCalendar at all is a :class:`ParseError`. Both say what is wrong in words and on which
line (:mod:`newsdesk.parse.ics_lines`), not in icalendar's.

A recurring series stays one item: ``recurrence`` keeps the RRULE text, ``starts_at`` is
the first occurrence and ``ends_at`` the end of the last one when the series ends within
the expansion window (see :mod:`newsdesk.parse.recurrence`), else ``None``. Overrides of
one occurrence (RECURRENCE-ID) are skipped silently: they belong to the series item.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import urljoin, urlsplit

import icalendar

from newsdesk.errors import ParseError
from newsdesk.parse.ics_lines import ContentLine, document_problem, event_problem, vevent_lines
from newsdesk.parse.parser import SourceParser
from newsdesk.parse.recurrence import RecurrenceError, expand
from newsdesk.records import FetchedDocument, ParsedItem, ParseResult
from newsdesk.registry import IcsSource

_ONE_DAY = timedelta(days=1)
_VIRTUAL_WORDS = re.compile(
    r"\b(online|virtual|webinar|zoom|webex|microsoft teams|google meet|en l[ií]nea)\b",
    re.IGNORECASE,
)
_CONFERENCE_HOSTS = (
    "zoom.us",
    "teams.microsoft.com",
    "teams.live.com",
    "meet.google.com",
    "webex.com",
    "gotomeeting.com",
    "whereby.com",
    "meet.jit.si",
)


class _BrokenEvent(Exception):
    """One VEVENT cannot be used; the message says why (becomes a warning)."""


@dataclass(frozen=True)
class IcsParser(SourceParser):
    """``kind: ics``: every VEVENT of an iCalendar feed."""

    source: IcsSource

    def parse(self, document: FetchedDocument) -> ParseResult:
        return parse_ics(self.source, document)


def parse_ics(source: IcsSource, doc: FetchedDocument) -> ParseResult:
    """Read every VEVENT of the calendar; see the module docstring for what is skipped."""
    calendars, body = _load_calendars(doc)
    items: list[ParsedItem] = []
    warnings: list[str] = []
    position = 0
    lines: list[list[ContentLine]] | None = None  # read only when an event is malformed
    for cal in calendars:
        for event in cal.walk("VEVENT"):
            position += 1
            if "RECURRENCE-ID" in event:
                continue
            uid = str(event.get("UID") or "").strip() or None
            where = f"{doc.url}: VEVENT {position}" + (f" (UID {uid})" if uid else "")
            if event.errors:
                if lines is None:
                    lines = vevent_lines(body.decode("utf-8", errors="replace"))
                own = lines[position - 1] if position <= len(lines) else []
                problems = "; ".join(event_problem(own, name, message)
                                     for name, message in event.errors)
                warnings.append(f"{where}: malformed ({problems}); skipped")
                continue
            try:
                items.append(_event_item(source, doc, event, uid, warnings, where))
            except _BrokenEvent as exc:
                warnings.append(f"{where}: {exc}; skipped")
    return ParseResult(items=items, warnings=warnings)


def _load_calendars(doc: FetchedDocument) -> tuple[list[icalendar.Calendar], bytes]:
    """The document's VCALENDARs, and the UTF-8 bytes they were read from."""
    body = doc.body
    if doc.encoding and doc.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            body = body.decode(doc.encoding).encode("utf-8")
        except (LookupError, UnicodeDecodeError) as exc:
            raise ParseError(f"{doc.url}: cannot decode the calendar as {doc.encoding}") from exc
    if b"BEGIN:VCALENDAR" not in body[:4096].upper():
        raise ParseError(f"{doc.url}: not an iCalendar document (no BEGIN:VCALENDAR)")
    try:
        components = icalendar.Calendar.from_ical(body, multiple=True)
    except ValueError as exc:
        why = document_problem(body.decode("utf-8", errors="replace"))
        raise ParseError(f"{doc.url}: not a readable iCalendar document: "
                         f"{why or f'icalendar cannot read it ({exc})'}") from exc
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not calendars:
        raise ParseError(
            f"{doc.url}: no complete VCALENDAR (BEGIN:VCALENDAR ... END:VCALENDAR); truncated?"
        )
    return calendars, body


def _event_item(
    source: IcsSource,
    doc: FetchedDocument,
    event: icalendar.Component,
    uid: str | None,
    warnings: list[str],
    where: str,
) -> ParsedItem:
    if str(event.get("STATUS") or "").upper() == "CANCELLED":
        raise _BrokenEvent("cancelled (STATUS:CANCELLED)")
    title = _text(event.get("SUMMARY"))
    if not title:
        raise _BrokenEvent("no SUMMARY")
    start = _moment(event, "DTSTART", warnings, where)
    if start is None:
        raise _BrokenEvent("no DTSTART")
    end = _end(event, start, warnings, where)
    ends_at: datetime | date | None = end
    recurrence: str | None = None
    rule = event.get("RRULE")
    if isinstance(rule, list):  # several RRULEs (deprecated by RFC 5545): read the first
        rule = rule[0]
    if rule is not None:
        recurrence = rule.to_ical().decode()
        start, ends_at = _series_span(event, rule, recurrence, start, end, warnings, where)
    url = _text(event.get("URL"))
    location = _text(event.get("LOCATION")) or None
    return ParsedItem(
        kind="event",
        title=title,
        url=urljoin(doc.url, url) if url else None,
        summary_html=_description_html(event.get("DESCRIPTION")),
        guid=uid,
        starts_at=start,
        ends_at=ends_at,
        location=location,
        online=_is_online(location, url, event.get("CONFERENCE")),
        recurrence=recurrence,
        language=source.language,
        organizer=_organizer(event.get("ORGANIZER")),
    )


def _text(value: Any) -> str:
    """iCalendar text as one plain line; stray HTML entities (``&amp;``) unescaped once."""
    if value is None:
        return ""
    return " ".join(html_lib.unescape(str(value)).split())


def _moment(
    event: icalendar.Component, name: str, warnings: list[str], where: str
) -> datetime | date | None:
    prop = event.get(name)
    if prop is None:
        return None
    value = getattr(prop, "dt", None)
    if not isinstance(value, date):
        raise _BrokenEvent(f"{name} is not a date or date-time")
    tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
    if isinstance(value, datetime) and tzid and value.tzinfo is None:
        warnings.append(f"{where}: unknown {name} TZID {tzid!r}; time kept as floating")
    return value


def _end(
    event: icalendar.Component, start: datetime | date, warnings: list[str], where: str
) -> datetime | date:
    """The inclusive end: DTEND (exclusive last day for all-day events), DURATION, or start."""
    end: datetime | date | None = _moment(event, "DTEND", warnings, where)
    if end is None and event.get("DURATION") is not None:
        duration = getattr(event["DURATION"], "dt", None)
        if isinstance(duration, timedelta):
            end = start + duration
    if not isinstance(start, datetime):
        if end is None:
            return start
        last_day = (end.date() if isinstance(end, datetime) else end) - _ONE_DAY
        return max(last_day, start)
    if end is None:
        return start
    if not isinstance(end, datetime):
        raise _BrokenEvent("DTEND is a date but DTSTART a date-time")
    if (end.tzinfo is None) != (start.tzinfo is None):
        raise _BrokenEvent("DTSTART and DTEND mix floating and zoned times")
    if end < start:
        raise _BrokenEvent("DTEND is before DTSTART")
    return end


def _series_span(
    event: icalendar.Component,
    rule: Any,
    rule_text: str,
    start: datetime | date,
    end: datetime | date,
    warnings: list[str],
    where: str,
) -> tuple[datetime | date, datetime | date | None]:
    """First occurrence and end of the last one (``None`` if the series outlasts the window)."""
    zone = start.tzinfo if isinstance(start, datetime) else None
    local_start = _wall_clock(start, zone)
    length = _wall_clock(end, zone) - local_start
    until_values = rule.get("UNTIL") or []
    until = _wall_clock(until_values[0], zone) if until_values else None
    if until is not None and not isinstance(until_values[0], datetime):
        until += _ONE_DAY - timedelta(microseconds=1)  # a DATE UNTIL includes that day
    exdates = [_exdate(value, zone) for value in _exdate_values(event)]
    try:
        expansion = expand(dict(rule), rule_text, local_start, until, exdates)
    except RecurrenceError as exc:
        warnings.append(f"{where}: recurrence not expanded ({exc}); end left open")
        return start, None
    if not expansion.occurrences:
        return start, (_restore(local_start + length, start, zone) if expansion.complete else None)
    first = _restore(expansion.occurrences[0], start, zone)
    if not expansion.complete:
        return first, None
    return first, _restore(expansion.occurrences[-1] + length, start, zone)


def _wall_clock(value: datetime | date, zone: tzinfo | None) -> datetime:
    """A naive wall-clock datetime in DTSTART's zone (RRULEs recur in local time)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value.tzinfo is not None and zone is not None:
        value = value.astimezone(zone)
    return value.replace(tzinfo=None)


def _restore(local: datetime, like: datetime | date, zone: tzinfo | None) -> datetime | date:
    """Back from wall-clock time to the kind of DTSTART: zoned, floating, or a day."""
    if isinstance(like, datetime):
        return local.replace(tzinfo=zone)
    return local.date()


def _exdate_values(event: icalendar.Component) -> list[date]:
    raw = event.get("EXDATE")
    values: list[date] = []
    for group in raw if isinstance(raw, list) else ([raw] if raw is not None else []):
        values.extend(item.dt for item in getattr(group, "dts", []))
    return values


def _exdate(value: date, zone: tzinfo | None) -> datetime | date:
    return _wall_clock(value, zone) if isinstance(value, datetime) else value


def _description_html(value: Any) -> str:
    """DESCRIPTION is plain text: escaped, line breaks kept as ``<br>``, in one ``<p>``."""
    text = html_lib.unescape(str(value or "")).replace("\r\n", "\n").strip()
    if not text:
        return ""
    lines = [html_lib.escape(line.strip(), quote=False) for line in text.split("\n")]
    return "<p>" + "<br>\n".join(lines) + "</p>"


def _is_online(location: str | None, url: str, conference: Any) -> bool | None:
    """True when the place or link is clearly virtual; ``None`` (unknown) otherwise."""
    if conference is not None:
        return True
    if location and _VIRTUAL_WORDS.search(location):
        return True
    for link in (location or "", url):
        host = (urlsplit(link.strip()).hostname or "").lower()
        if any(host == h or host.endswith("." + h) for h in _CONFERENCE_HOSTS):
            return True
    return None


def _organizer(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    name = _text(value.params.get("CN")) if hasattr(value, "params") else ""
    return name or None
