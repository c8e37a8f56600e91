"""Date phrases in the seed newsletter's style.

``published on 20 October 2020`` for news; for events ``held on 13 October 2020``,
``held from 9 to 17 November 2020``, ``held from 30 September to 2 October 2020``,
``held on 3 and 5 November 2020`` (separate days), ``held every Monday from 2 September
2024`` (a weekly series). Upcoming events say ``to be held`` instead of ``held``.

Dates are written day-month-year without leading zeros and with the year once, at the
end, unless the span crosses a year. A timed single-day event adds its local time and UTC
offset (``, 16:00–18:00 (UTC−6)``), in the event's own zone when it has one, else in the
newsletter's zone; all-day events are dates and never shift with a zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rruleset, rrulestr

from newsdesk.edition.quarter import MONTH_NAMES
from newsdesk.errors import EditionError

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
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
    event_tz: str | None = None
    recurrence: str | None = None


def date_phrase(timing: Timing, zone: ZoneInfo, *, upcoming: bool = False,
                where: str = "item") -> str:
    """The phrase for one item; ``where`` names it in errors (e.g. ``item 42``)."""
    if timing.kind != "event":
        if timing.published_at is None:
            return ""
        return f"published on {format_day(timing.published_at.astimezone(zone).date())}"
    if timing.starts_at is None:
        raise EditionError(f"{where}: an event without a start date cannot be dated")
    verb = "to be held" if upcoming else "held"
    local = event_zone(timing, zone, where)
    if timing.recurrence:
        days = occurrence_days(timing, local, where)
        if days is not None:
            return f"{verb} {_days_list(days)}"
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
    if not timing.event_tz:
        return zone
    try:
        return ZoneInfo(timing.event_tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise EditionError(f"{where}: unknown event time zone {timing.event_tz!r}") from exc


def _clock(timing: Timing, local: ZoneInfo) -> str:
    if timing.all_day or timing.starts_at is None:
        return ""
    start = timing.starts_at.astimezone(local)
    text = f"{start:%H:%M}"
    if timing.ends_at and timing.ends_at > timing.starts_at:
        text += f"–{timing.ends_at.astimezone(local):%H:%M}"
    return f", {text} ({utc_offset(start)})"


def utc_offset(moment: datetime) -> str:
    """``UTC``, ``UTC+1``, ``UTC−6``, ``UTC+5:30`` (a true minus sign, as typeset)."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def expand_series(timing: Timing, local: ZoneInfo, where: str = "item") -> rruleset:
    """The series as naive local datetimes (all-day: naive UTC midnights)."""
    assert timing.starts_at is not None and timing.recurrence is not None
    # Series are expanded in naive local time (``ignoretz``): dateutil cannot mix aware
    # starts with floating RDATEs, and a phrase only needs the local days.
    start = timing.starts_at.astimezone(UTC if timing.all_day else local).replace(tzinfo=None)
    lines = [_drop_value_param(line.strip()) for line in timing.recurrence.strip().splitlines()]
    text = "\n".join(line for line in lines if line)
    if not text.upper().startswith(("RRULE:", "RDATE", "EXDATE", "EXRULE")):
        text = f"RRULE:{text}"
    try:
        rules = rrulestr(text, dtstart=start, forceset=True, ignoretz=True)
    except (ValueError, TypeError) as exc:
        raise EditionError(f"{where}: recurrence {timing.recurrence!r} is not valid: "
                           f"{exc}") from exc
    assert isinstance(rules, rruleset)
    rules.rdate(start)  # RFC 5545: DTSTART is always the first instance, RDATE-only too
    return rules


def _drop_value_param(line: str) -> str:
    """``RDATE;VALUE=DATE:20201105`` -> ``RDATE:20201105`` (dateutil rejects the parameter)."""
    name, sep, value = line.partition(":")
    if sep and ";" in name:
        name = name.split(";", 1)[0]
    return f"{name}{sep}{value}"


def occurrence_days(timing: Timing, local: ZoneInfo, where: str = "item") -> list[date] | None:
    """The series' days when it is finite and short enough to list, else ``None``."""
    rules = expand_series(timing, local, where)
    days: list[date] = []
    for moment in rules:
        days.append(moment.date())
        if len(days) > MAX_LISTED_DAYS:
            return None
    return sorted(set(days)) or None


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
    """``every Monday from 2 September 2024`` (``to 16 December 2024`` when it ends)."""
    rules = expand_series(timing, local, where)
    first_moment = next(iter(rules), None)
    first = first_moment.date() if first_moment else event_days(timing, local)[0]
    if not rules._rrule:  # type: ignore[attr-defined]  # only RDATEs: many listed days
        last = list(rules)[-1].date()
        return f"on {len(list(rules))} days from {format_range(first, last)}"
    rule: rrule = rules._rrule[0]  # type: ignore[attr-defined]
    interval = rule._interval  # type: ignore[attr-defined]
    every = "every" if interval == 1 else f"every {_ordinal(interval)}"
    freq = rule._freq  # type: ignore[attr-defined]
    if freq == WEEKLY:
        names = [_WEEKDAYS[d] for d in sorted(rule._byweekday or {first.weekday()})]  # type: ignore[attr-defined]
        what = f"{every} {_and(names)}"
    elif freq == DAILY:
        what = "every day" if interval == 1 else f"{every} day"
    elif freq == MONTHLY:
        what = "every month" if interval == 1 else f"{every} month"
    elif freq == YEARLY:
        what = "every year" if interval == 1 else f"{every} year"
    else:
        what = "repeatedly"
    until = rule._until  # type: ignore[attr-defined]
    count = rule._count  # type: ignore[attr-defined]
    if until is not None or count is not None:
        last_moment = list(rules)[-1]
        return f"{what} from {format_range(first, last_moment.date())}"
    return f"{what} from {format_day(first)}"


def _ordinal(number: int) -> str:
    return {2: "second", 3: "third", 4: "fourth"}.get(number, f"{number}th")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
