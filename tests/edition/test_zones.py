"""Which zone an event's time is shown in (docs/newsletter.md, "Times and zones")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.edition.zones import resolve_event_zone, zone_named_in

START = datetime(2021, 1, 28, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("stored", "partner", "text", "expected"),
    [
        ("Asia/Seoul", "Asia/Manila", "14:00 Manila time", "Asia/Seoul"),  # the TZID wins
        (None, None, "(14:00–16:30, Manila time)", "Asia/Manila"),
        (None, "Europe/Bratislava", "at 10:00 Tbilisi time", "Asia/Tbilisi"),
        (None, "America/Costa_Rica", "4:00 p.m. (UTC -6)", "America/Costa_Rica"),  # agrees
        (None, None, "4:00 p.m. (UTC -6)", "Etc/GMT+6"),
        ("Etc/GMT-9", None, "", "Etc/GMT-9"),  # the feed's +09:00
        ("Etc/GMT-8", "Asia/Manila", "", "Asia/Manila"),  # same offset: named
        ("Etc/GMT-4", "Europe/Bratislava", "", "Etc/GMT-4"),  # differs: the event's own
        ("UTC", "America/Toronto", "", "America/Toronto"),  # "Z" is a spelling, not a clock
        (None, None, "", None),  # the newsletter's
    ],
)
def test_the_events_own_zone(stored: str | None, partner: str | None, text: str,
                             expected: str | None) -> None:
    assert resolve_event_zone(stored, START, partner, text) == expected


def test_zone_names_in_text() -> None:
    assert zone_named_in("starts 09:00 New York time") == "America/New_York"
    assert zone_named_in("GMT+8") == "Etc/GMT-8"
    assert zone_named_in("UTC+5:30") is None  # no Etc zone for part-hour offsets
    assert zone_named_in("in real time, Some Place time") is None
    assert zone_named_in("x" * 100_000 + " Manila time") is None  # bounded search
