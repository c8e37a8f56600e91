"""Date phrases in the seed newsletter's style.

``published on 20 October 2020`` for news; for events ``held on 13 October 2020``,
``held from 9 to 17 November 2020``, ``held from 30 September to 2 October 2020``,
``held on 3 and 5 November 2020`` (separate days), ``held every Monday from 2 September
2024`` (a weekly series). Upcoming events say ``to be held`` instead of ``held``.

Dates are written day-month-year without leading zeros and with the year once, at the
end, unless the span crosses a year. A timed single-day event adds its local time, the
zone's name and its UTC offset (``, 14:00–16:30 Manila time (UTC+8)``) in the zone
:mod:`newsdesk.edition.zones` chose; all-day events are dates and never shift with a zone.
A publication date is the partner's local date (``home_tz``), else the newsletter's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdesk.edition.quarter import MONTH_NAMES
from newsdesk.edition.zones import zone_name
from newsdesk.errors import EditionError
from newsdesk.parse.recurrence import (
    Expansion,
    Recurrence,
    RecurrenceError,
    expand_recurrence,
    read_recurrence,
)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: A finite series with at most this many days is listed day by day ("on 3 and 5 November").
MAX_LISTED_DAYS = 4


@dataclass(frozen=True)
class Timing:
    """The date fields of one item, as stored (aware UTC; all-day = midnight UTC dates)."""

    kind: str
    published_at: datetime | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    all_day: bool = False
    #: the zone an event's time is shown in (see :mod:`newsdesk.edition.zones`)
    event_tz: str | None = None
    recurrence: str | None = None
    #: the partner's own zone: a publication date is the partner's local date
    home_tz: str | None = None


def date_phrase(timing: Timing, zone: ZoneInfo, *, upcoming: bool = False,
                where: str = "item") -> str:
    """The phrase for one item; ``where`` names it in errors (e.g. ``item 42``)."""
    if timing.kind != "event":
        if timing.published_at is None:
            return ""
        home = _zone(timing.home_tz, where) if timing.home_tz else zone
        return f"published on {format_day(timing.published_at.astimezone(home).date())}"
    if timing.starts_at is None:
        raise EditionError(f"{where}: an event without a start date cannot be dated")
    verb = "to be held" if upcoming else "held"
    local = event_zone(timing, zone, where)
    if timing.recurrence:
        return f"{verb} {_series(timing, local, where)}"
    first, last = event_days(timing, local)
    if first == last:
        return f"{verb} on {format_day(first)}{_clock(timing, local)}"
    return f"{verb} from {format_range(first, last)}"


def format_day(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def format_range(first: date, last: date) -> str:
    """``9 to 17 November 2020`` / ``30 September to 2 October 2020`` / across years."""
    if first.year != last.year:
        return f"{format_day(first)} to {format_day(last)}"
    if first.month != last.month:
        return f"{first.day} {MONTH_NAMES[first.month - 1]} to {format_day(last)}"
    return f"{first.day} to {format_day(last)}"


def event_days(timing: Timing, local: ZoneInfo) -> tuple[date, date]:
    """First and last day (inclusive) of a single (non-series) event."""
    assert timing.starts_at is not None
    if timing.all_day:
        first = timing.starts_at.astimezone(UTC).date()
        last = timing.ends_at.astimezone(UTC).date() if timing.ends_at else first
        return first, max(first, last)
    start = timing.starts_at.astimezone(local)
    end = timing.ends_at.astimezone(local) if timing.ends_at else start
    if end > start and end.time() == datetime.min.time():
        end -= timedelta(microseconds=1)  # an event ending at midnight ends the day before
    return start.date(), max(start.date(), end.date())


def event_zone(timing: Timing, zone: ZoneInfo, where: str) -> ZoneInfo:
    return _zone(timing.event_tz, where) if timing.event_tz else zone


def _zone(name: str, where: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise EditionError(f"{where}: unknown event time zone {name!r}") from exc


def _clock(timing: Timing, local: ZoneInfo) -> str:
    if timing.all_day or timing.starts_at is None:
        return ""
    start = timing.starts_at.astimezone(local)
    text = f"{start:%H:%M}"
    if timing.ends_at and timing.ends_at > timing.starts_at:
        text += f"–{timing.ends_at.astimezone(local):%H:%M}"
    name = zone_name(local)
    return f", {text} {name} ({utc_offset(start)})" if name else f", {text} ({utc_offset(start)})"


def utc_offset(moment: datetime) -> str:
    """``UTC``, ``UTC+1``, ``UTC−6``, ``UTC+5:30`` (a true minus sign, as typeset)."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def series_expansion(timing: Timing, local: ZoneInfo, where: str = "item", *,
                     window_end: datetime | None = None) -> Expansion:
    """The series' occurrences as naive local datetimes (all-day: naive UTC midnights),
    through the package's one bounded expander (:mod:`newsdesk.parse.recurrence`).

    ``window_end`` is an aware moment (default: the expander's window after the start).
    """
    assert timing.starts_at is not None
    # Series are expanded in naive local time: RFC 5545 recurs in wall-clock time, and a
    # phrase only needs the local days. All-day series recur on UTC midnights (as stored).
    zone = ZoneInfo("UTC") if timing.all_day else local
    start = timing.starts_at.astimezone(zone).replace(tzinfo=None)
    end = None if window_end is None else window_end.astimezone(zone).replace(tzinfo=None)
    try:
        return expand_recurrence(_recurrence(timing, where), start, zone, window_end=end)
    except RecurrenceError as exc:
        raise EditionError(f"{where}: recurrence {timing.recurrence!r} is not valid: "
                           f"{exc}") from exc


def _days_list(days: list[date]) -> str:
    """``on 3 and 5 November 2020`` / ``on 30 October and 2 November 2020``."""
    if len(days) == 1:
        return f"on {format_day(days[0])}"
    parts: list[str] = []
    for index, day in enumerate(days):
        nxt = days[index + 1] if index + 1 < len(days) else None
        if nxt is None or nxt.year != day.year:
            parts.append(format_day(day))
        elif nxt.month != day.month:
            parts.append(f"{day.day} {MONTH_NAMES[day.month - 1]}")
        else:
            parts.append(str(day.day))
    return "on " + ", ".join(parts[:-1]) + " and " + parts[-1]


def _series(timing: Timing, local: ZoneInfo, where: str) -> str:
    """``on 3 and 5 November 2020`` (a few days), ``every Monday from 2 September 2024``
    (``to 16 December 2024`` when it ends).

    The end is named only when the bounded expansion reached it; a longer series reads
    as open, never as ending where the expansion stopped.
    """
    recurrence = _recurrence(timing, where)
    expansion = series_expansion(timing, local, where)
    days = sorted({moment.date() for moment in expansion.occurrences})
    if expansion.complete and days and len(days) <= MAX_LISTED_DAYS:
        return _days_list(days)
    first = (expansion.occurrences[0].date() if expansion.occurrences
             else event_days(timing, local)[0])
    rule = recurrence.rule
    if rule is None:  # only RDATEs: many listed days
        if not expansion.complete:
            return f"on many days from {format_day(first)}"
        last = expansion.occurrences[-1].date()
        return f"on {len(expansion.occurrences)} days from {format_range(first, last)}"
    what = _every(rule, first)
    if expansion.complete and expansion.occurrences:
        return f"{what} from {format_range(first, expansion.occurrences[-1].date())}"
    return f"{what} from {format_day(first)}"


def _recurrence(timing: Timing, where: str) -> Recurrence:
    assert timing.recurrence is not None
    try:
        return read_recurrence(timing.recurrence)
    except RecurrenceError as exc:
        raise EditionError(f"{where}: recurrence {timing.recurrence!r} is not valid: "
                           f"{exc}") from exc


def _every(rule: dict[str, list[Any]], first: date) -> str:
    """``every Monday``, ``every second month``, ``every day``; ``repeatedly`` otherwise."""
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    try:
        interval = int((rule.get("INTERVAL") or [1])[0])
    except (TypeError, ValueError):
        interval = 1
    every = "every" if interval == 1 else f"every {_ordinal(interval)}"
    if freq == "WEEKLY":
        codes = {str(day)[-2:].upper() for day in rule.get("BYDAY") or []}
        numbers = sorted(_DAY_CODES.index(c) for c in codes if c in _DAY_CODES)
        names = [_WEEKDAYS[n] for n in numbers or [first.weekday()]]
        return f"{every} {_and(names)}"
    unit = {"DAILY": "day", "MONTHLY": "month", "YEARLY": "year"}.get(freq)
    return f"{every} {unit}" if unit else "repeatedly"


def _ordinal(number: int) -> str:
    return {2: "second", 3: "third", 4: "fourth"}.get(number, f"{number}th")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
