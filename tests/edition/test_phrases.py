"""Date phrases, table-driven: one row per rule in docs/newsletter.md."""

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from newsdesk.edition.phrases import Timing, date_phrase
from newsdesk.errors import EditionError
from newsdesk.parse.recurrence import MAX_OCCURRENCES

NY = ZoneInfo("America/New_York")


def d(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def allday(first: datetime, last: datetime | None = None, **kw: object) -> Timing:
    return Timing("event", starts_at=first, ends_at=last or first, all_day=True, **kw)  # type: ignore[arg-type]


CASES = [
    ("one day", allday(d(2020, 10, 13)), False, "held on 13 October 2020"),
    ("same month", allday(d(2020, 11, 9), d(2020, 11, 17)), False,
     "held from 9 to 17 November 2020"),
    ("across months", allday(d(2020, 9, 30), d(2020, 10, 2)), False,
     "held from 30 September to 2 October 2020"),
    ("across years", allday(d(2020, 12, 30), d(2021, 1, 2)), False,
     "held from 30 December 2020 to 2 January 2021"),
    ("two separate days", allday(d(2020, 11, 3), recurrence="RDATE;VALUE=DATE:20201105"), False,
     "held on 3 and 5 November 2020"),
    ("separate days across months",
     allday(d(2020, 10, 30), recurrence="RDATE;VALUE=DATE:20201102,20201104"), False,
     "held on 30 October, 2 and 4 November 2020"),
    ("weekly series",
     Timing("event", starts_at=d(2024, 9, 2, 13), ends_at=d(2024, 9, 2, 14),
            event_tz="Europe/Paris", recurrence="RRULE:FREQ=WEEKLY;BYDAY=MO"), False,
     "held every Monday from 2 September 2024"),
    ("weekly series that ends, upcoming",
     Timing("event", starts_at=d(2024, 9, 2, 13),
            recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20241216T235959Z"), True,
     "to be held every Monday from 2 September to 16 December 2024"),
    ("two weekdays", Timing("event", starts_at=d(2024, 9, 3, 13),
                            recurrence="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=20"), False,
     "held every Tuesday and Thursday from 3 September to 7 November 2024"),
    ("timed, in the event's zone",
     Timing("event", starts_at=d(2020, 10, 30, 22), ends_at=d(2020, 10, 31, 0),
            event_tz="America/Guatemala"), False,
     "held on 30 October 2020, 16:00–18:00 Guatemala time (UTC−6)"),
    ("timed, half-hour zone",
     Timing("event", starts_at=d(2020, 10, 30, 4, 30), event_tz="Asia/Kolkata"), False,
     "held on 30 October 2020, 10:00 Kolkata time (UTC+5:30)"),
    ("timed, no zone: the newsletter's",
     Timing("event", starts_at=d(2020, 12, 8, 14), ends_at=d(2020, 12, 8, 16)), False,
     "held on 8 December 2020, 09:00–11:00 New York time (UTC−5)"),
    ("timed, two days", Timing("event", starts_at=d(2020, 12, 14, 13),
                               ends_at=d(2020, 12, 15, 17), event_tz="UTC"), False,
     "held from 14 to 15 December 2020"),
    ("timed, ends at midnight", Timing("event", starts_at=d(2020, 12, 14, 20),
                                       ends_at=d(2020, 12, 15, 0), event_tz="UTC"), False,
     "held on 14 December 2020, 20:00–00:00 (UTC)"),
    ("all-day ignores the zone", allday(d(2020, 12, 31), event_tz="Pacific/Kiritimati"), False,
     "held on 31 December 2020"),
    ("news", Timing("news", published_at=d(2020, 10, 20, 15)), False,
     "published on 20 October 2020"),
    ("news, local date", Timing("publication", published_at=d(2020, 10, 20, 3)), False,
     "published on 19 October 2020"),
    ("upcoming", allday(d(2021, 2, 24), d(2021, 2, 26)), True,
     "to be held from 24 to 26 February 2021"),
]


@pytest.mark.parametrize(("timing", "upcoming", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_phrase(timing: Timing, upcoming: bool, expected: str) -> None:
    assert date_phrase(timing, NY, upcoming=upcoming) == expected


def test_bad_recurrence_and_zone_name_the_item() -> None:
    with pytest.raises(EditionError, match="item 7: recurrence"):
        date_phrase(Timing("event", starts_at=d(2020, 1, 1), recurrence="FREQ=SOMETIMES"), NY,
                    where="item 7")
    with pytest.raises(EditionError, match="item 8: unknown event time zone"):
        date_phrase(Timing("event", starts_at=d(2020, 1, 1), event_tz="Mars/Base"), NY,
                    where="item 8")
    with pytest.raises(EditionError, match="item 9: an event without a start"):
        date_phrase(Timing("event"), NY, where="item 9")


def test_a_huge_series_is_worded_from_a_bounded_expansion(
        occurrences_examined: Callable[[], int]) -> None:
    huge = Timing("event", starts_at=d(2024, 9, 2, 13), recurrence="FREQ=MINUTELY;COUNT=3000000")

    assert date_phrase(huge, NY) == "held repeatedly from 2 September 2024"
    assert 0 < occurrences_examined() <= MAX_OCCURRENCES

