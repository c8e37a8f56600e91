"""Bounded expansion of an iCalendar recurrence: the one expander of the package.

A series stays one newsletter item; it is expanded to learn its first and last
occurrence (the iCalendar parser), to word it and to see whether it runs in a quarter
(the edition). Partner calendars are untrusted input, so the work is bounded three ways:

* only occurrences up to the end of a window are computed (:data:`WINDOW` after DTSTART
  unless the caller names an earlier or later end), and at most :data:`MAX_OCCURRENCES`
  of them (``FREQ=SECONDLY;COUNT=1000000000`` stops at the cap);
* dateutil only notices UNTIL when a candidate passes the rule's filters, so a rule that
  can never match (``BYMONTH=2;BYMONTHDAY=30``) would otherwise walk day by day to the
  year 9999. The expansion therefore runs on dates moved forward by whole calendar cycles
  (same leap years, same weekdays) to just before the year 9999, where dateutil's own
  year limit ends any walk a few years after the window;
* rules whose single steps are expensive are refused: BY* lists longer than
  :data:`MAX_BY_VALUES` entries, and FREQ=SECONDLY/MINUTELY combined with
  BYHOUR/BYMINUTE/BYSECOND (dateutil searches up to 86,400 seconds per step for those).

Times are expanded as naive wall-clock times (RFC 5545 recurs in local time, across DST
changes); the caller attaches the zone again.

:func:`expand` takes icalendar's parsed RRULE (the iCalendar parser has one at hand);
:func:`read_recurrence` and :func:`expand_recurrence` take an item's stored
``recurrence`` text (a bare RRULE value, or RRULE/RDATE/EXDATE content lines).
"""

from __future__ import annotations

import calendar
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import MAXYEAR, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar
from dateutil.rrule import rrule, rrulestr

#: How far after DTSTART occurrences are computed.
WINDOW = timedelta(days=400)
#: Most occurrences computed for one series (EXDATE'd ones included).
MAX_OCCURRENCES = 500
#: Longest BY* list (BYDAY, BYSETPOS, ...) accepted.
MAX_BY_VALUES = 100
_SUBDAILY_SEARCH = frozenset({"SECONDLY", "MINUTELY"})
_TIME_LISTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
#: Years kept free between the end of the window and the year 9999 in the shifted calendar.
_YEARS_AFTER_WINDOW = 1


class RecurrenceError(ValueError):
    """The RRULE cannot be read, or is refused as too costly to expand."""


@dataclass(frozen=True)
class Expansion:
    """The occurrences computed for one series.

    ``occurrences`` are naive wall-clock start times inside the window, EXDATEs removed,
    in order. ``complete`` is true when the series provably ends inside the window and the
    cap: then the last occurrence is the series' last one.
    """

    occurrences: list[datetime]
    complete: bool
    computed: int  # occurrences dateutil produced (bounded by MAX_OCCURRENCES)
    #: true when the cap stopped the expansion before the window's end
    capped: bool = False


@dataclass(frozen=True)
class Recurrence:
    """An item's recurrence as read from its text: values as written (aware, floating or
    dates), not yet expanded."""

    rule: dict[str, list[Any]] | None
    rule_text: str | None
    rdates: list[datetime | date] = field(default_factory=list)
    exdates: list[datetime | date] = field(default_factory=list)


def expand(
    rule: dict[str, list[Any]] | None,
    rule_text: str | None,
    dtstart: datetime,
    until: datetime | None,
    exdates: Iterable[datetime | date],
    *,
    rdates: Iterable[datetime] = (),
    window_end: datetime | None = None,
) -> Expansion:
    """Expand ``rule`` (icalendar's parsed RRULE) from naive ``dtstart``, bounded as above.

    ``rule_text`` is the RRULE as text; its UNTIL part is ignored in favour of ``until``,
    the same limit converted by the caller to naive wall-clock time of DTSTART's zone.
    ``rdates`` (naive wall-clock) are added to the rule's occurrences (without a rule they
    are the series); ``window_end`` (naive) replaces DTSTART + :data:`WINDOW`.
    Raises :class:`RecurrenceError` for a rule that cannot or will not be expanded.
    """
    end = dtstart + WINDOW if window_end is None else max(window_end, dtstart)
    end = min(end, datetime(MAXYEAR - 2, 12, 31))
    extra = sorted(set(rdates))
    if len(extra) > MAX_OCCURRENCES:
        raise RecurrenceError(f"{len(extra)} RDATE values (at most {MAX_OCCURRENCES})")
    if rule is None or rule_text is None:
        ruled = Expansion(occurrences=[], complete=True, computed=0)
    else:
        ruled = _expand_rule(rule, rule_text, dtstart, until, end)
    excluded_times = {d for d in exdates if isinstance(d, datetime)}
    excluded_days = {d for d in exdates if not isinstance(d, datetime)}
    merged = sorted(set(ruled.occurrences) | {d for d in extra if d <= end})
    return Expansion(
        occurrences=[
            start for start in merged
            if start not in excluded_times and start.date() not in excluded_days
        ],
        complete=ruled.complete and all(d <= end for d in extra),
        computed=ruled.computed + len(extra),
        capped=ruled.capped,
    )


def _expand_rule(
    rule: dict[str, list[Any]],
    rule_text: str,
    dtstart: datetime,
    until: datetime | None,
    window_end: datetime,
) -> Expansion:
    """The rule's own occurrences (EXDATEs not yet removed), bounded as above."""
    _refuse_costly(rule)
    stop = window_end if until is None else min(until, window_end)
    shift = _calendar_shift(dtstart.year, window_end.year)
    shifted_start = _add_years(dtstart, shift)
    delta = shifted_start - dtstart
    text = ";".join(p for p in rule_text.split(";") if not p.upper().startswith("UNTIL="))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dateutil warns when COUNT and UNTIL are both set
            parsed = rrulestr(f"RRULE:{text}", dtstart=shifted_start)
            if not isinstance(parsed, rrule):
                raise ValueError("not a single rule")
            recurrence = parsed.replace(until=stop + delta)
    except (ValueError, TypeError, OverflowError, IndexError, KeyError) as exc:
        raise RecurrenceError(f"unreadable RRULE {rule_text!r}: {exc}") from exc

    occurrences: list[datetime] = []
    computed = 0
    try:
        for shifted in recurrence:
            computed += 1
            occurrences.append(shifted - delta)
            if computed >= MAX_OCCURRENCES:
                break
    # dateutil's "empty rule", date overflow, and out-of-range ordinals (BYDAY=+60MO)
    except (ValueError, OverflowError, IndexError) as exc:
        raise RecurrenceError(f"RRULE {rule_text!r} cannot be expanded: {exc}") from exc

    count = _first_int(rule.get("COUNT"))
    capped = computed >= MAX_OCCURRENCES and count != computed
    ends_in_window = (until is not None and until <= window_end) or (
        count is not None and computed == count
    )
    return Expansion(occurrences=occurrences, complete=ends_in_window and not capped,
                     computed=computed, capped=capped)


def read_recurrence(text: str) -> Recurrence:
    """Read an item's ``recurrence`` text: a bare RRULE value (``FREQ=WEEKLY;BYDAY=MO``)
    or RFC 5545 content lines (``RRULE:...``, ``RDATE;VALUE=DATE:20201105``, ``EXDATE...``).

    Only the first RRULE is used (several are deprecated by RFC 5545). Raises
    :class:`RecurrenceError` naming what cannot be read.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) > MAX_OCCURRENCES:
        raise RecurrenceError(f"{len(lines)} recurrence lines (at most {MAX_OCCURRENCES})")
    if lines and not lines[0].upper().startswith(("RRULE", "RDATE", "EXDATE", "EXRULE")):
        lines[0] = f"RRULE:{lines[0]}"
    try:
        event = icalendar.Event.from_ical("\r\n".join(["BEGIN:VEVENT", *lines, "END:VEVENT"]))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise RecurrenceError(f"unreadable recurrence {text!r}: {exc}") from exc
    if not isinstance(event, icalendar.Component):
        raise RecurrenceError(f"unreadable recurrence {text!r}")
    if event.errors:
        problems = "; ".join(f"{name}: {message}" for name, message in event.errors)
        raise RecurrenceError(f"unreadable recurrence {text!r}: {problems}")
    rule = event.get("RRULE")
    if isinstance(rule, list):
        rule = rule[0]
    return Recurrence(
        rule=dict(rule) if rule is not None else None,
        rule_text=rule.to_ical().decode() if rule is not None else None,
        rdates=_date_values(event.get("RDATE")),
        exdates=_date_values(event.get("EXDATE")),
    )


def expand_recurrence(
    recurrence: Recurrence,
    dtstart: datetime,
    zone: tzinfo,
    *,
    window_end: datetime | None = None,
) -> Expansion:
    """Expand an item's series from naive wall-clock ``dtstart`` in ``zone``.

    DTSTART is always the first instance (RFC 5545), also of an RDATE-only series. Aware
    UNTIL/RDATE/EXDATE values are moved to ``zone``'s wall clock; a DATE UNTIL includes
    that day, a DATE RDATE happens at DTSTART's time of day.
    """
    until = None
    if recurrence.rule is not None and recurrence.rule.get("UNTIL"):
        value = recurrence.rule["UNTIL"][0]
        if isinstance(value, datetime):
            until = _wall_clock(value, zone)
        elif isinstance(value, date):
            until = datetime.combine(value, time.max)
    rdates = [dtstart] + [
        _wall_clock(v, zone) if isinstance(v, datetime) else datetime.combine(v, dtstart.time())
        for v in recurrence.rdates
    ]
    exdates = [_wall_clock(v, zone) if isinstance(v, datetime) else v
               for v in recurrence.exdates]
    return expand(recurrence.rule, recurrence.rule_text, dtstart, until, exdates,
                  rdates=rdates, window_end=window_end)


def _date_values(raw: Any) -> list[datetime | date]:
    groups = raw if isinstance(raw, list) else ([raw] if raw is not None else [])
    return [item.dt for group in groups for item in getattr(group, "dts", [])
            if isinstance(item.dt, date)]


def _wall_clock(value: datetime, zone: tzinfo) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(zone)
    return value.replace(tzinfo=None)


def _refuse_costly(rule: dict[str, list[Any]]) -> None:
    for key in ("INTERVAL", "COUNT"):
        # INTERVAL=0 would make dateutil loop on the same period for ever.
        if key in rule and (_first_int(rule[key]) or 0) < 1:
            raise RecurrenceError(f"{key} must be a positive number")
    for key, values in rule.items():
        if key.startswith("BY") and len(values) > MAX_BY_VALUES:
            raise RecurrenceError(f"{key} lists {len(values)} values (at most {MAX_BY_VALUES})")
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq in _SUBDAILY_SEARCH and any(rule.get(key) for key in _TIME_LISTS):
        raise RecurrenceError(f"FREQ={freq} with BYHOUR/BYMINUTE/BYSECOND is not expanded")


def _first_int(values: list[Any] | None) -> int | None:
    if not values:
        return None
    try:
        return int(values[0])
    except (TypeError, ValueError):
        return None


def _calendar_shift(first_year: int, last_year: int) -> int:
    """Years to add so that ``first_year - 1 .. last_year + 1`` keep their calendars.

    The Gregorian calendar repeats every 400 years, so a shift is always found; the search
    takes the largest one that leaves :data:`_YEARS_AFTER_WINDOW` years before 9999.
    """
    years = range(first_year - 1, last_year + 2)
    weekday = date(max(first_year - 1, 1), 1, 1).weekday()
    largest = MAXYEAR - _YEARS_AFTER_WINDOW - (last_year + 1)
    for shift in range(largest, max(largest - 400, 0), -1):
        if date(max(first_year - 1, 1) + shift, 1, 1).weekday() == weekday and all(
            calendar.isleap(year) == calendar.isleap(year + shift) for year in years
        ):
            return shift
    return 0


def _add_years(moment: datetime, years: int) -> datetime:
    return moment.replace(year=moment.year + years)
