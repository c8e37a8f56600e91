"""Bounded RRULE expansion: correct where it matters, cheap on hostile rules."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from newsdesk.parse.recurrence import (
    MAX_BY_VALUES,
    MAX_OCCURRENCES,
    WINDOW,
    Expansion,
    RecurrenceError,
    expand,
    expand_recurrence,
    read_recurrence,
)

START = datetime(2024, 7, 1, 10, 0)


def _expand(
    rule_text: str,
    start: datetime = START,
    until: datetime | None = None,
    exdates: tuple[datetime | date, ...] = (),
) -> Expansion:
    rule = dict(icalendar.vRecur.from_ical(rule_text))
    return expand(rule, rule_text, start, until, exdates)


def test_weekly_with_count() -> None:
    expansion = _expand("FREQ=WEEKLY;BYDAY=MO;COUNT=4")

    assert expansion.occurrences == [
        datetime(2024, 7, 1, 10),
        datetime(2024, 7, 8, 10),
        datetime(2024, 7, 15, 10),
        datetime(2024, 7, 22, 10),
    ]
    assert expansion.complete


def test_leap_day_and_weekdays_survive_the_calendar_shift() -> None:
    expansion = _expand("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1;COUNT=1", start=datetime(2024, 1, 1))
    assert expansion.occurrences == [datetime(2024, 2, 29)]

    expansion = _expand("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", start=datetime(2024, 12, 1))
    assert expansion.occurrences == [
        datetime(2024, 12, 27),
        datetime(2025, 1, 31),
        datetime(2025, 2, 28),
    ]


def test_until_and_exdates() -> None:
    expansion = _expand(
        "FREQ=DAILY",
        until=datetime(2024, 7, 5, 10),
        exdates=(datetime(2024, 7, 2, 10), date(2024, 7, 4)),
    )

    assert [o.day for o in expansion.occurrences] == [1, 3, 5]
    assert expansion.complete


def test_until_past_the_window_leaves_the_series_open() -> None:
    expansion = _expand("FREQ=MONTHLY", until=datetime(2030, 1, 1))

    assert expansion.occurrences[-1] <= START + WINDOW
    assert not expansion.complete


def test_unbounded_series_is_computed_inside_the_window_only() -> None:
    expansion = _expand("FREQ=WEEKLY;BYDAY=TH")

    assert len(expansion.occurrences) == 57
    assert expansion.occurrences[-1] <= START + WINDOW
    assert not expansion.complete


def test_secondly_with_a_billion_count_stops_at_the_cap() -> None:
    expansion = _expand("FREQ=SECONDLY;COUNT=1000000000")

    assert expansion.computed == MAX_OCCURRENCES
    assert len(expansion.occurrences) == MAX_OCCURRENCES
    assert not expansion.complete


@pytest.mark.parametrize(
    "rule_text",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=YEARLY;BYSETPOS=100;BYMONTH=2;BYMONTHDAY=30,31",
        "FREQ=DAILY;INTERVAL=1000000000",
        "FREQ=WEEKLY;INTERVAL=999999999;COUNT=1000000000",
    ],
)
def test_rules_that_never_match_again_end_quickly(rule_text: str) -> None:
    expansion = _expand(rule_text)

    assert expansion.computed <= 1
    assert not expansion.complete


def test_large_but_allowed_lists_stay_bounded() -> None:
    hours = ",".join(str(h) for h in range(24))
    minutes = ",".join(str(m) for m in range(60))
    positions = ",".join(str(p) for p in range(-50, 50) if p)
    expansion = _expand(f"FREQ=YEARLY;BYHOUR={hours};BYMINUTE={minutes};BYSETPOS={positions}")

    assert expansion.computed <= MAX_OCCURRENCES


def test_too_long_by_lists_are_refused() -> None:
    positions = ",".join(str(p) for p in range(1, MAX_BY_VALUES + 2))
    with pytest.raises(RecurrenceError, match="BYSETPOS lists 101 values"):
        _expand(f"FREQ=YEARLY;BYSETPOS={positions}")


def test_subdaily_search_rules_are_refused() -> None:
    with pytest.raises(RecurrenceError, match="FREQ=SECONDLY with BYHOUR"):
        _expand("FREQ=SECONDLY;BYHOUR=3;BYMINUTE=0;BYSECOND=0")


@pytest.mark.parametrize(
    ("rule_text", "message"),
    [
        ("FREQ=YEARLY;INTERVAL=0;BYMONTH=2;BYMONTHDAY=30", "INTERVAL must be a positive number"),
        ("FREQ=DAILY;COUNT=-5", "COUNT must be a positive number"),
        ("FREQ=YEARLY;BYHOUR=25", "unreadable RRULE"),
        ("FREQ=MONTHLY;BYDAY=+60MO", "RRULE"),
    ],
)
def test_invalid_rules_are_refused(rule_text: str, message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        _expand(rule_text)


def test_stored_recurrence_text_with_rdates_and_exdates() -> None:
    recurrence = read_recurrence(
        "RRULE:FREQ=DAILY;UNTIL=20240705T080000Z\nRDATE;VALUE=DATE:20240710\n"
        "EXDATE;TZID=Europe/Paris:20240702T100000")
    expansion = expand_recurrence(recurrence, START, ZoneInfo("Europe/Paris"))

    # UNTIL 08:00 UTC is 10:00 in Paris; a DATE RDATE happens at DTSTART's time of day.
    assert [o.day for o in expansion.occurrences] == [1, 3, 4, 5, 10]
    assert expansion.complete


def test_unreadable_stored_recurrence_names_the_problem() -> None:
    with pytest.raises(RecurrenceError, match="SOMETIMES"):
        read_recurrence("FREQ=SOMETIMES")
