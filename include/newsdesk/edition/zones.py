"""In which zone an event's time is shown, and how that zone is named.

Readers plan by the event's own clock: a Manila webinar at 14:00 Manila time must not read
"01:00 (UTC−5)" because the newsletter is edited in New York. The zone is, in order:

1. the event's own regional zone as stored (an iCalendar TZID such as ``Asia/Seoul``);
2. a zone named in the item's text: "Manila time", "New York time" (a city of the IANA
   database followed by "time"), or an offset such as "(UTC -6)" / "GMT+8";
3. the partner's configured zone (``timezone:`` in the sources registry);
4. a fixed offset the source gave (stored as ``Etc/GMT-9`` for +09:00), or UTC (a stored
   UTC, the feed's ``Z``, gives way to the partner's zone: it is a spelling, not a clock);
5. the newsletter's zone.

A fixed offset (from the text or the source) gives way to the partner's zone when both
agree at the event's start: the zone then has a name. The name is the IANA city
("Manila time"); a fixed offset or UTC is named by its offset alone.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

#: "Manila time", "New York time": one to three capitalised words before "time".
_CITY_TIME = re.compile(r"\b((?:[A-Z][\w'.-]*\s){0,2}[A-Z][\w'.-]*)\s+time\b")
#: "UTC -6", "(UTC+5:30)", "GMT+8", "UTC−6" (a true minus sign too).
_OFFSET = re.compile(r"\b(?:UTC|GMT)\s?([+\-−])\s?(\d{1,2})(?::?(\d{2}))?\b")
#: Longest text searched for a zone (titles and summaries are already bounded).
MAX_TEXT = 4000


def resolve_event_zone(stored: str | None, starts_at: datetime | None,
                       partner_zone: str | None, text: str) -> str | None:
    """The IANA name of the zone to show a timed event in (``None``: the newsletter's)."""
    if stored and _regional(stored):
        return stored
    named = zone_named_in(text)
    if named and _regional(named):
        return named
    # A stored UTC is how the feed wrote the instant ("...Z"), not the event's clock.
    fixed = named or (stored if stored != "UTC" else None)
    if partner_zone and (fixed is None or starts_at is None
                         or _same_offset(fixed, partner_zone, starts_at)):
        return partner_zone
    return fixed or stored


def zone_named_in(text: str) -> str | None:
    """A zone the text names ("Manila time" -> ``Asia/Manila``, "UTC -6" -> ``Etc/GMT+6``)."""
    text = text[:MAX_TEXT]
    cities = _cities()
    for match in _CITY_TIME.finditer(text):
        words = match.group(1).split()
        for start in range(len(words)):  # "at 14:00 Manila time": the longest known tail
            zone = cities.get(" ".join(words[start:]).casefold())
            if zone:
                return zone
    offset = _OFFSET.search(text)
    if offset:
        sign, hours, minutes = offset.groups()
        if int(hours) <= 14 and not (minutes and int(minutes)):
            # IANA's Etc zones invert the sign: Etc/GMT+6 is six hours *behind* UTC.
            return "UTC" if int(hours) == 0 else f"Etc/GMT{'-' if sign == '+' else '+'}{int(hours)}"
    return None


def zone_name(zone: ZoneInfo) -> str:
    """``Manila time``, ``New York time``; empty for UTC and fixed offsets (shown as such)."""
    key = zone.key
    if not _regional(key):
        return ""
    return key.rsplit("/", 1)[-1].replace("_", " ") + " time"


def _regional(name: str) -> bool:
    return "/" in name and not name.startswith("Etc/")


def _same_offset(first: str, second: str, moment: datetime) -> bool:
    try:
        return moment.astimezone(ZoneInfo(first)).utcoffset() == \
            moment.astimezone(ZoneInfo(second)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return False


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    """Casefolded IANA city -> zone ("new york" -> America/New_York), regional zones only."""
    cities: dict[str, str] = {}
    for key in sorted(available_timezones()):
        if _regional(key) and not key.startswith(("SystemV/", "US/", "posix/", "right/")):
            cities.setdefault(key.rsplit("/", 1)[-1].replace("_", " ").casefold(), key)
    return cities
