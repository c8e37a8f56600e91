"""Months: the period a monthly update covers, bounded in the newsletter's time zone.

Half-open like quarters (``[first day 00:00, first day of next month 00:00)`` in the
configured zone), keyed ``YYYY-MM`` (``2014-06``), labelled the seed's way (``June 2014``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from newsdesk.edition.quarter import MAX_YEAR, MIN_YEAR, MONTH_NAMES
from newsdesk.errors import EditionError

_KEY = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month, e.g. ``Month(2014, 6)`` for June 2014."""

    year: int
    number: int

    @classmethod
    def parse(cls, key: str) -> Month:
        """Read ``"2014-06"``; raise :class:`EditionError` naming the bad key."""
        match = _KEY.match(key.strip())
        if not match:
            raise EditionError(f"month {key!r}: expected YYYY-MM, e.g. 2014-06")
        year, number = int(match.group(1)), int(match.group(2))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise EditionError(f"month {key!r}: the year must be {MIN_YEAR}-{MAX_YEAR}")
        if not 1 <= number <= 12:
            raise EditionError(f"month {key!r}: the month must be 01-12")
        return cls(year, number)

    @classmethod
    def before(cls, when: datetime | date) -> Month:
        """The month that ended last before ``when`` (a run on 1 July 2014 → 2014-06)."""
        if when.month == 1:
            return cls(when.year - 1, 12)
        return cls(when.year, when.month - 1)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.number, 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.number == 12 else Month(self.year,
                                                                       self.number + 1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """``[start, end)`` as aware datetimes at local midnight in ``zone``."""
        start = datetime.combine(self.first_day, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(self.next().first_day, datetime.min.time(), tzinfo=zone)
        return start, end

    @property
    def period_label(self) -> str:
        """``"June 2014"``, as the seed's title says it."""
        return f"{MONTH_NAMES[self.number - 1]} {self.year}"

    def __str__(self) -> str:
        return self.key
