"""Quarters: the period a quarterly edition covers, bounded in the newsletter's time zone.

A quarter is half-open, ``[first day 00:00, first day of next quarter 00:00)`` in the
configured zone, so an event at 23:30 UTC on 31 December belongs to the quarter its local
date says (January in Seoul, December in New York), never to naive UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from newsdesk.errors import EditionError

_KEY = re.compile(r"^(\d{4})Q([1-4])$")
#: Years an edition can cover. Bounded so every date arithmetic stays inside
#: ``datetime``'s range (year 0 does not exist; 9999Q4's next quarter overflows), and a
#: typo such as ``0202Q4`` is refused instead of building an empty edition.
MIN_YEAR, MAX_YEAR = 1900, 2999
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True, order=True)
class Quarter:
    """One calendar quarter, e.g. ``Quarter(2020, 4)`` for October–December 2020."""

    year: int
    number: int

    @classmethod
    def parse(cls, key: str) -> Quarter:
        """Read ``"2020Q4"``; raise :class:`EditionError` naming the bad key."""
        match = _KEY.match(key.strip().upper())
        if not match:
            raise EditionError(f"quarter {key!r}: expected YEARQn, e.g. 2020Q4")
        year = int(match.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise EditionError(f"quarter {key!r}: the year must be {MIN_YEAR}-{MAX_YEAR}")
        return cls(year, int(match.group(2)))

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        """The last day, inclusive (used for all-day events, which are dates, not instants)."""
        nxt = self.next().first_day
        return date.fromordinal(nxt.toordinal() - 1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """``[start, end)`` as aware datetimes at local midnight in ``zone``."""
        start = datetime.combine(self.first_day, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(self.next().first_day, datetime.min.time(), tzinfo=zone)
        return start, end

    @property
    def period_label(self) -> str:
        """``"October – December 2020"``: the seed's header, with a spaced en dash."""
        first = MONTH_NAMES[3 * self.number - 3]
        last = MONTH_NAMES[3 * self.number - 1]
        return f"{first} – {last} {self.year}"

    def __str__(self) -> str:
        return self.key
