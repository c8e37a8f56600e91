"""The pairwise rules: when two items report the same event or the same news.

Each record is first turned into a :class:`Profile` (tokens, calendar days, folded place)
once, so a comparison is a few set operations. A rule returns a score in (0, 1] for a
match and ``None`` otherwise; the score orders merges (strongest first), it is not a
probability.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdesk.dedupe.records import DedupeRecord
from newsdesk.dedupe.thresholds import Thresholds
from newsdesk.dedupe.tokens import (
    GENERIC_WORDS,
    TitleTokens,
    editions_disagree,
    fold,
    jaccard,
    title_tokens,
    words_of,
)

EVENT_KINDS = frozenset({"event"})
_SECONDS_PER_DAY = 86400.0


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def event_day(when: datetime, *, all_day: bool, tz: str | None) -> int:
    """The calendar day an event time falls on, as a proleptic ordinal.

    All-day times are midnight UTC of their day; timed ones are read in the event's own
    zone when known (a 09:00 start in Jakarta is that day in Jakarta, not the evening
    before in UTC), else in UTC.
    """
    if not all_day and tz and (zone := _zone(tz)) is not None:
        when = when.astimezone(zone)
    else:
        when = when.astimezone(UTC)
    return when.date().toordinal()


@dataclass(slots=True)
class Profile:
    """A record with everything the rules compare, computed once."""

    record: DedupeRecord
    partner_id: str
    is_event: bool
    title: TitleTokens
    day: int  # events: start day; others: day published (or first seen)
    end_day: int
    when_days: float  # news: published (or first seen), in days since the epoch
    city: str | None
    country: str | None
    online: bool | None  # as stated; else False when a city or country is known
    mode: str | None  # attendance: "online", "in_person", "hybrid" (online with a place)
    partner_words: frozenset[str]  # the words of the partner's short names
    content: frozenset[str]  # title words without generic words and partner names
    _summary: frozenset[str] | None = field(default=None)

    @property
    def summary(self) -> frozenset[str]:
        if self._summary is None:
            self._summary = frozenset(words_of(self.record.summary_text))
        return self._summary


def _place(value: str | None) -> str | None:
    folded = fold(value).strip() if value else ""
    return folded or None


def attendance_mode(online: bool | None, city: str | None, country: str | None
                    ) -> str | None:
    """How an item can be attended, from the stored ``online`` flag and place.

    Online with a city is **hybrid** (schema.org ``MixedEventAttendanceMode``, "Jakarta
    and online"): its own mode, which agrees with both in person and online. Online with
    only a country is online (the organiser's country, no venue). A place without an
    online flag is in person; nothing known is ``None``.
    """
    if online:
        return "hybrid" if city else "online"
    if online is False or city or country:
        return "in_person"
    return None


def build_profile(record: DedupeRecord, prefix: re.Pattern[str] | None,
                  partner_words: frozenset[str] = frozenset(),
                  all_partner_words: frozenset[str] = frozenset(),
                  expansions: Mapping[str, str] | None = None,
                  expansion_re: re.Pattern[str] | None = None) -> Profile:
    """Precompute what the rules need.

    ``prefix`` strips a leading partner label; ``partner_words`` are the words of this
    item's partner's names, ``all_partner_words`` those of every partner;
    ``expansions`` (folded full name -> folded acronym) makes a spelled-out partner name
    count as its acronym.
    """
    is_event = record.kind in EVENT_KINDS and record.starts_at is not None
    when = record.published_at or record.first_seen
    if is_event:
        assert record.starts_at is not None
        day = event_day(record.starts_at, all_day=record.all_day, tz=record.event_tz)
        end_day = (day if record.ends_at is None else
                   event_day(record.ends_at, all_day=record.all_day, tz=record.event_tz))
    else:
        day = end_day = when.astimezone(UTC).date().toordinal()
    city, country = _place(record.city), _place(record.country)
    title = title_tokens(record.title, prefix, expansions, expansion_re)
    return Profile(
        record=record, partner_id=record.partner_id, is_event=is_event,
        title=title,
        day=day, end_day=end_day, when_days=when.timestamp() / _SECONDS_PER_DAY,
        city=city, country=country,
        online=record.online if record.online is not None else (
            False if city or country else None),
        mode=attendance_mode(record.online, city, country),
        partner_words=partner_words,
        content=title.words - GENERIC_WORDS - all_partner_words,
    )


def places_disagree(a: Profile, b: Profile) -> bool:
    """Known and different: online only vs in person, other country, other city.

    An unknown place on either side never vetoes: many calendars give no location. A
    stated city or country without an online flag counts as in person; a hybrid event
    agrees with either mode (its place still has to agree).
    """
    if modes_conflict(frozenset((a.mode, b.mode))):
        return True
    if a.country and b.country and a.country != b.country:
        return True
    return bool(a.city and b.city and a.city != b.city)


def modes_conflict(modes: frozenset[str | None]) -> bool:
    """Online only and in person together: two different events."""
    return "online" in modes and "in_person" in modes


def _coorganised(a: Profile, b: Profile) -> bool:
    """One title names both announcing partners ("EROPA–AAPA Joint Conference")."""
    return any(t.words & a.partner_words and t.words & b.partner_words
               for t in (a.title, b.title))


def same_event(a: Profile, b: Profile, th: Thresholds) -> float | None:
    """Two event announcements of one event: close start, agreeing place, similar title.

    Similar title means token Jaccard >= ``event_title_min``, both over all words and over
    the content words (without generic event words and partner names: "MBRSG Seminar on
    platforms and oceans" is not "MBRSG Seminar on platforms and municipal finance"). For
    announcements by two different partners of an event that starts and ends on the same
    days in the same known city, less suffices: one title names both partners and the
    titles share two words (the AAPA conference in Jakarta that EROPA announces as
    "EROPA–AAPA Joint Conference 2024, Jakarta"), or the content words without the city's
    name reach ``event_same_place_title_min``. One partner announcing two titles there is
    two events.
    """
    if abs(a.day - b.day) > th.event_start_days or places_disagree(a, b):
        return None
    if editions_disagree(a.title, b.title):
        return None
    score = jaccard(a.title.words, b.title.words)
    if score >= th.event_title_min:
        content = (jaccard(a.content, b.content) if a.content or b.content else score)
        if content >= th.event_title_min:
            return min(score, content)
    if (a.day == b.day and a.end_day == b.end_day and a.city is not None
            and a.city == b.city and a.partner_id != b.partner_id):
        if len(a.title.words & b.title.words) >= 2 and _coorganised(a, b):
            return score
        city = set(words_of(a.city))
        loose = jaccard(a.content - city, b.content - city)
        if loose >= th.event_same_place_title_min:
            return loose
    return None


def same_news(a: Profile, b: Profile, th: Thresholds) -> float | None:
    """Two reports of one news item or publication: near-identical title and summary.

    Within ``news_window_days``; with summaries on both sides the title and the summary
    must each be close, with a summary missing the title alone must be nearly equal.
    """
    if abs(a.when_days - b.when_days) > th.news_window_days:
        return None
    title = jaccard(a.title.words, b.title.words)
    if (title < min(th.news_title_min, th.news_title_only_min)
            or editions_disagree(a.title, b.title)):
        return None
    if a.record.summary_text and b.record.summary_text:
        if title < th.news_title_min:
            return None
        summary = jaccard(a.summary, b.summary)
        return (title + summary) / 2 if summary >= th.news_summary_min else None
    return title if title >= th.news_title_only_min else None


def same_content_contradicted(a: Profile, b: Profile, th: Thresholds) -> bool:
    """Equal content hashes that still are different things.

    A recurring "Board meeting" with no summary hashes alike every month, and so does the
    same title in two cities: for events the dates and places must agree; for news with no
    summaries the publication dates must fall in the window.
    """
    if a.is_event and b.is_event:
        return abs(a.day - b.day) > th.event_start_days or places_disagree(a, b)
    if not a.record.summary_text and not b.record.summary_text:
        return abs(a.when_days - b.when_days) > th.news_window_days
    return False
