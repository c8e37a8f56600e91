"""normalize_item: what every stored Item guarantees, from real parsed feeds and by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsdesk.errors import ConfigError, ParseError
from newsdesk.normalize import content_hash, normalize_item
from newsdesk.parse.feed import parse_feed
from newsdesk.records import FetchedDocument, Item, ParsedItem
from newsdesk.registry import FeedSource, Partner

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
EROPA = Partner(
    id="eropa",
    name="Eastern Regional Organization for Public Administration",
    short="EROPA",
    language="en",
    timezone="Asia/Manila",
)
SOURCE_ID = "eropa/news"


def normalized(parsed: ParsedItem, default_timezone: str | None = None) -> Item:
    return normalize_item(
        parsed, partner=EROPA, source_id=SOURCE_ID, default_timezone=default_timezone
    )


def feed_items(name: str) -> list[Item]:
    doc = FetchedDocument(
        url=f"https://partner.example/feeds/{name}",
        status_code=200,
        body=(FEEDS / name).read_bytes(),
        content_type="application/rss+xml",
        encoding=None,
        etag=None,
        last_modified=None,
    )
    source = FeedSource(kind="feed", url=doc.url)
    return [normalized(item) for item in parse_feed(source, doc).items]


def test_hostile_feed_comes_out_safe() -> None:
    first, script_link = feed_items("xss.xml")
    assert first.url == "https://hostile.example/news/1?page=2#comments"
    assert first.canonical_url == "https://hostile.example/news/1?page=2"
    for bad in (
        "<script",
        "onclick",
        "onerror",
        "javascript:",
        "data:",
        "<svg",
        "<iframe",
        "expression(",
        "alert(8)",
    ):
        assert bad not in first.summary_html, bad
    # feedparser resolved the relative link against the feed's URL (no xml:base here).
    assert '<a href="https://partner.example/safe" rel="noopener noreferrer">safe link</a>' in (
        first.summary_html
    )
    assert first.summary_text.startswith("Read this and that.")
    # A javascript: entry link is dropped, never passed on; the title keeps the item.
    assert script_link.title == "A link that is a script"
    assert script_link.url is None
    assert script_link.canonical_url is None


def test_rss_item_from_feed() -> None:
    anniversary = feed_items("rss20.xml")[0]
    assert anniversary.partner_id == "eropa"
    assert anniversary.source_id == SOURCE_ID
    assert anniversary.canonical_url == (
        "https://respaweb.example/0/news/378/respaweb-is-celebrating-10th-anniversary?id=378"
    )
    assert anniversary.summary_text == (
        "Over the last ten years, ReSPA has become the Public Administration Reform Partner "
        "proven across the Western Balkan governments.\n\n"
        "- 400 networking activities\n- 8,000 civil servants trained\n\n"
        "More information: Annual Report 2020"
    )
    assert anniversary.published_at == datetime(2020, 10, 20, 7, 30, tzinfo=UTC)
    assert anniversary.language == "en-us"
    assert anniversary.all_day is False
    assert anniversary.starts_at is None
    assert anniversary.content_hash == content_hash(anniversary.title, anniversary.summary_text)


def test_title_is_collapsed_and_reduced_to_text_once() -> None:
    item = normalized(
        ParsedItem(
            kind="news",
            title="  <b>EROPA</b>\n  Bulletin &amp;amp; news ",
            url=None,
            summary_html="x",
        )
    )
    assert item.title == "EROPA Bulletin &amp; news"
    plain = normalized(ParsedItem(kind="news", title="AT&T  \t Bulletin", url="https://e.example/"))
    assert plain.title == "AT&T Bulletin"


def test_item_without_title_and_link_raises_naming_partner_and_source() -> None:
    with pytest.raises(ParseError, match=r"partner 'eropa', source 'eropa/news'"):
        normalized(ParsedItem(kind="news", title="  ", summary_html="<p>text</p>"))
    with pytest.raises(ParseError, match="neither a title nor an http"):
        normalized(ParsedItem(kind="news", title="", url="javascript:alert(1)"))


def test_item_without_title_takes_one_from_its_summary_or_link() -> None:
    summary = "<p>" + "The EROPA Bulletin Volume 41 was released on 20 October " * 4 + "</p>"
    item = normalized(
        ParsedItem(kind="news", title="", url="https://eropa.example/b41", summary_html=summary)
    )
    assert item.title.startswith("The EROPA Bulletin Volume 41 was released")
    assert item.title.endswith("…")
    assert len(item.title) <= 121
    bare = normalized(ParsedItem(kind="news", title="", url="https://eropa.example/b41"))
    assert bare.title == "https://eropa.example/b41"


def test_relative_summary_links_resolve_against_the_item_url() -> None:
    item = normalized(
        ParsedItem(
            kind="news",
            title="t",
            url="https://eropa.example/news/41",
            summary_html='<a href="bulletin.pdf">PDF</a>',
        )
    )
    assert 'href="https://eropa.example/news/bulletin.pdf"' in item.summary_html


def test_aware_zoneinfo_event_becomes_utc_and_keeps_its_zone() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    item = normalized(
        ParsedItem(
            kind="event",
            title="AAPA / EROPA joint conference",
            starts_at=datetime(2024, 10, 21, 9, 0, tzinfo=jakarta),
            ends_at=datetime(2024, 10, 23, 17, 0, tzinfo=jakarta),
            location="Jakarta, Indonesia",
        ),
        default_timezone="Asia/Manila",
    )
    assert item.starts_at == datetime(2024, 10, 21, 2, 0, tzinfo=UTC)
    assert item.ends_at == datetime(2024, 10, 23, 10, 0, tzinfo=UTC)
    assert item.starts_at is not None and item.starts_at.tzinfo is UTC
    assert item.event_tz == "Asia/Jakarta"
    assert item.all_day is False
    assert (item.city, item.country, item.online) == ("Jakarta", "Indonesia", False)


def test_fixed_offset_event_keeps_its_clock_as_an_etc_zone() -> None:
    plus2 = timezone(timedelta(hours=2))
    item = normalized(
        ParsedItem(
            kind="event",
            title="NISPAcee conference",
            starts_at=datetime(2021, 5, 20, 9, 0, tzinfo=plus2),
        )
    )
    assert item.starts_at == datetime(2021, 5, 20, 7, 0, tzinfo=UTC)
    assert item.event_tz == "Etc/GMT-2"  # IANA's Etc names invert the sign
    half = normalized(ParsedItem(kind="event", title="Delhi", starts_at=datetime(
        2021, 5, 20, 9, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))))
    assert half.event_tz is None  # no Etc zone for part-hour offsets


def test_naive_times_are_read_in_the_default_timezone() -> None:
    parsed = ParsedItem(
        kind="event",
        title="EROPA webinar",
        starts_at=datetime(2024, 3, 5, 14, 0),
        ends_at=datetime(2024, 3, 5, 16, 0),
        published_at=datetime(2024, 2, 1, 8, 0),
        location="Online",
    )
    manila = normalized(parsed, default_timezone="Asia/Manila")  # UTC+8, no DST
    assert manila.starts_at == datetime(2024, 3, 5, 6, 0, tzinfo=UTC)
    assert manila.ends_at == datetime(2024, 3, 5, 8, 0, tzinfo=UTC)
    assert manila.published_at == datetime(2024, 2, 1, 0, 0, tzinfo=UTC)
    assert manila.event_tz == "Asia/Manila"
    assert (manila.city, manila.country, manila.online) == (None, None, True)
    utc = normalized(parsed)
    assert utc.starts_at == datetime(2024, 3, 5, 14, 0, tzinfo=UTC)
    assert utc.event_tz is None


def test_naive_time_across_a_dst_change() -> None:
    parsed = ParsedItem(
        kind="event",
        title="ReSPA board",
        starts_at=datetime(2024, 7, 1, 10, 0),
        ends_at=datetime(2024, 12, 1, 10, 0),
    )
    item = normalized(parsed, default_timezone="Europe/Ljubljana")
    assert item.starts_at == datetime(2024, 7, 1, 8, 0, tzinfo=UTC)  # CEST
    assert item.ends_at == datetime(2024, 12, 1, 9, 0, tzinfo=UTC)  # CET


def test_all_day_dates_become_midnight_utc_with_inclusive_end() -> None:
    item = normalized(
        ParsedItem(
            kind="event",
            title="29th NISPAcee Annual Conference",
            starts_at=date(2021, 5, 20),
            ends_at=date(2021, 5, 22),
            location="Ljubljana, Slovenia",
        ),
        default_timezone="Europe/Ljubljana",
    )
    assert item.all_day is True
    assert item.starts_at == datetime(2021, 5, 20, tzinfo=UTC)
    assert item.ends_at == datetime(2021, 5, 22, tzinfo=UTC)
    assert item.event_tz is None
    assert (item.city, item.country, item.online) == ("Ljubljana", "Slovenia", False)


def test_single_all_day_date() -> None:
    item = normalized(ParsedItem(kind="event", title="Day", starts_at=date(2020, 12, 10)))
    assert (item.all_day, item.starts_at, item.ends_at) == (
        True,
        datetime(2020, 12, 10, tzinfo=UTC),
        None,
    )


def test_language_falls_back_to_the_partner() -> None:
    assert normalized(ParsedItem(kind="news", title="t", language="es")).language == "es"
    assert normalized(ParsedItem(kind="news", title="t")).language == "en"


def test_the_source_online_flag_beats_the_location() -> None:
    hybrid = normalized(
        ParsedItem(kind="event", title="t", location="Dhaka, Bangladesh", online=True)
    )
    assert (hybrid.city, hybrid.country, hybrid.online) == ("Dhaka", "Bangladesh", True)
    unknown = normalized(ParsedItem(kind="event", title="t", location="Somewhere"))
    assert (unknown.location, unknown.city, unknown.country, unknown.online) == (
        "Somewhere",
        None,
        None,
        None,
    )


def test_pass_through_fields_are_trimmed() -> None:
    item = normalized(
        ParsedItem(
            kind="event",
            title="t",
            guid="  g-1 ",
            recurrence="FREQ=MONTHLY;BYDAY=1TU ",
            organizer=" EROPA  ",
        )
    )
    assert (item.guid, item.recurrence, item.organizer) == (
        "g-1",
        "FREQ=MONTHLY;BYDAY=1TU",
        "EROPA",
    )


def test_unknown_default_timezone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"partner 'eropa'.*'Mars/Olympus'"):
        normalized(ParsedItem(kind="news", title="t"), default_timezone="Mars/Olympus")


def test_content_hash_ignores_case_whitespace_and_link() -> None:
    a = normalized(
        ParsedItem(
            kind="news",
            title="EROPA Bulletin  Volume 41",
            url="https://eropa.example/a",
            summary_html="<p>Released.</p>",
        )
    )
    b = normalized(
        ParsedItem(
            kind="news",
            title="eropa bulletin volume 41",
            url="https://mirror.example/b",
            summary_html="<div> Released. </div>",
        )
    )
    c = normalized(
        ParsedItem(kind="news", title="EROPA Bulletin Volume 42", summary_html="<p>Released.</p>")
    )
    assert a.content_hash == b.content_hash != c.content_hash
    assert len(a.content_hash) == 64
