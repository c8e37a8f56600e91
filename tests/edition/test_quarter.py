from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from newsdesk.edition.quarter import Quarter
from newsdesk.errors import EditionError


def test_parse_and_label() -> None:
    q = Quarter.parse("2020q4")
    assert q == Quarter(2020, 4) and q.key == "2020Q4"
    assert q.period_label == "October – December 2020"
    assert (q.first_day, q.last_day) == (date(2020, 10, 1), date(2020, 12, 31))
    assert q.next() == Quarter(2021, 1)
    assert Quarter(2024, 1).last_day == date(2024, 3, 31)


@pytest.mark.parametrize("bad", ["2020Q5", "2020-4", "Q4", "", "0000Q1", "9999Q4",
                                 "1899Q4", "3000Q1"])
def test_bad_keys_are_named(bad: str) -> None:
    with pytest.raises(EditionError, match=repr(bad).replace("'", "'")):
        Quarter.parse(bad)


def test_bounds_are_local_midnight() -> None:
    start, end = Quarter(2020, 4).bounds(ZoneInfo("Asia/Seoul"))
    assert start.astimezone(UTC) == datetime(2020, 9, 30, 15, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2020, 12, 31, 15, tzinfo=UTC)
