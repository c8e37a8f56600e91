"""iCalendar feeds: time zones, all-day events, recurring series, broken and hostile input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsdesk.errors import ParseError
from newsdesk.parse import parse_document
from newsdesk.parse.ics import parse_ics
from newsdesk.records import FetchedDocument, ParsedItem, ParseResult
from newsdesk.registry import IcsSource

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "parse"
URL = "https://www.nispa.org/events/?ical=1"
SOURCE = IcsSource(kind="ics", url=URL, language="en")


def _doc(body: bytes, encoding: str | None = None) -> FetchedDocument:
    return FetchedDocument(
        url=URL,
        status_code=200,
        body=body,
        content_type="text/calendar",
        encoding=encoding,
        etag=None,
        last_modified=None,
    )


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_document(SOURCE, _doc((FIXTURES / "nispa_events.ics").read_bytes()))


def _by_uid(result: ParseResult, uid: str) -> ParsedItem:
    return next(item for item in result.items if item.guid == uid)


def test_good_events_are_kept_and_bad_ones_skipped(result: ParseResult) -> None:
    assert [item.guid for item in result.items] == [
        "weekly-training-2024@nispa.org",
        "annual-conference-2024@nispa.org",
        "open-series@unpog.org",
        "hostile-secondly@example.org",
        "hostile-impossible@example.org",
        "hostile-setpos@example.org",
        "floating@nispa.org",
    ]
    assert all(item.kind == "event" and item.language == "en" for item in result.items)


def test_warnings_name_each_skipped_event(result: ParseResult) -> None:
    warnings = "\n".join(result.warnings)
    assert (f"{URL}: VEVENT 4 (UID broken-date@nispa.org): malformed (DTSTART on line 58: "
            in warnings)
    assert (f"{URL}: VEVENT 5 (UID broken-line@nispa.org): malformed (line 65: 'this line is "
            "not a property' is not a property (expected NAME:value)); skipped") in warnings
    assert f"{URL}: VEVENT 6 (UID no-start@nispa.org): no DTSTART; skipped" in warnings
    assert f"{URL}: VEVENT 11 (UID cancelled@nispa.org): cancelled (STATUS:CANCELLED)" in warnings
    # The RECURRENCE-ID override (VEVENT 2) belongs to its series: skipped without a word.
    assert "VEVENT 2 " not in warnings
    assert len(result.warnings) == 5


def test_weekly_series_in_a_named_zone(result: ParseResult) -> None:
    training = _by_uid(result, "weekly-training-2024@nispa.org")
    ljubljana = ZoneInfo("Europe/Ljubljana")

    assert training.title == "Weekly training: Changing Mindsets in Public Institutions"
    assert training.recurrence == "FREQ=WEEKLY;UNTIL=20240408T080000Z;BYDAY=MO"
    assert training.starts_at == datetime(2024, 3, 4, 10, 0, tzinfo=ljubljana)
    # UNTIL 08:00Z is 10:00 summer time: the 8 April session is the last one, 2 hours long.
    assert training.ends_at == datetime(2024, 4, 8, 12, 0, tzinfo=ljubljana)
    assert training.ends_at.utcoffset() != training.starts_at.utcoffset()  # across the DST change
    assert training.url == "https://www.nispa.org/events/weekly-training-2024/"
    assert training.location == "Online (Zoom)"
    assert training.online is True
    assert training.organizer == "NISPAcee Secretariat"


def test_description_is_escaped_text_with_line_breaks(result: ParseResult) -> None:
    training = _by_uid(result, "weekly-training-2024@nispa.org")

    assert training.summary_html == (
        "<p>Six sessions of the UN DESA Curriculum on Governance for the SDGs toolkit.<br>\n"
        "Sessions are held on Mondays &lt;10:00-12:00&gt; in Ljubljana &amp; online.<br>\n"
        "<br>\n"
        "Registration: training@nispa.org</p>"
    )


def test_all_day_event_end_is_inclusive(result: ParseResult) -> None:
    conference = _by_uid(result, "annual-conference-2024@nispa.org")

    assert conference.starts_at == date(2024, 5, 23)
    assert conference.ends_at == date(2024, 5, 25)  # DTEND 20240526 is exclusive
    assert conference.location == "Tbilisi, Georgia"
    assert conference.url == "https://www.nispa.org/events/annual-conference-2024/"
    assert conference.online is None
    assert conference.organizer is None


def test_unbounded_series_has_an_open_end(result: ParseResult) -> None:
    clinic = _by_uid(result, "open-series@unpog.org")

    assert clinic.starts_at == datetime(2024, 9, 5, 15, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert clinic.ends_at is None
    assert clinic.recurrence == "FREQ=MONTHLY;BYDAY=1TH"
    assert clinic.online is True  # the location is a Zoom link


def test_hostile_series_are_kept_with_an_open_end(result: ParseResult) -> None:
    for uid in (
        "hostile-secondly@example.org",
        "hostile-impossible@example.org",
        "hostile-setpos@example.org",
    ):
        item = _by_uid(result, uid)
        assert item.starts_at == datetime(2024, 7, 1, tzinfo=UTC)
        assert item.ends_at is None
    assert any(
        "UID hostile-setpos@example.org): recurrence not expanded (BYSETPOS lists 366 values"
        in warning
        for warning in result.warnings
    )


def test_floating_time_stays_naive(result: ParseResult) -> None:
    meeting = _by_uid(result, "floating@nispa.org")

    assert meeting.starts_at == datetime(2024, 9, 15, 9, 0)
    assert meeting.ends_at == datetime(2024, 9, 15, 17, 0)


def _calendar(*event_lines: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *event_lines, "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


def _one(*lines: str) -> ParseResult:
    return parse_ics(
        SOURCE,
        _doc(_calendar("BEGIN:VEVENT", "UID:x@test", "SUMMARY:Webinar", *lines, "END:VEVENT")),
    )


def test_all_day_without_dtend_ends_on_its_day() -> None:
    (item,) = _one("DTSTART;VALUE=DATE:20241003").items

    assert (item.starts_at, item.ends_at) == (date(2024, 10, 3), date(2024, 10, 3))


def test_utc_times_and_duration() -> None:
    (item,) = _one("DTSTART:20241003T140000Z", "DURATION:PT2H").items

    assert item.starts_at == datetime(2024, 10, 3, 14, tzinfo=UTC)
    assert item.ends_at == datetime(2024, 10, 3, 16, tzinfo=UTC)


def test_bounded_all_day_series_with_exdate() -> None:
    (item,) = _one(
        "DTSTART;VALUE=DATE:20241007",
        "DTEND;VALUE=DATE:20241009",
        "RRULE:FREQ=WEEKLY;COUNT=3",
        "EXDATE;VALUE=DATE:20241021",
    ).items

    # Occurrences 7-8 Oct and 14-15 Oct; the third (21-22 Oct) is excluded.
    assert (item.starts_at, item.ends_at) == (date(2024, 10, 7), date(2024, 10, 15))


def test_exdate_of_the_first_occurrence_moves_the_start() -> None:
    (item,) = _one(
        "DTSTART;TZID=Asia/Seoul:20241001T090000",
        "RRULE:FREQ=DAILY;COUNT=3",
        "EXDATE;TZID=Asia/Seoul:20241001T090000",
    ).items

    seoul = ZoneInfo("Asia/Seoul")
    assert item.starts_at == datetime(2024, 10, 2, 9, tzinfo=seoul)
    assert item.ends_at == datetime(2024, 10, 3, 9, tzinfo=seoul)


def test_series_longer_than_the_window_has_an_open_end() -> None:
    (item,) = _one("DTSTART:20240101T090000Z", "RRULE:FREQ=MONTHLY;UNTIL=20300101T000000Z").items

    assert item.starts_at == datetime(2024, 1, 1, 9, tzinfo=UTC)
    assert item.ends_at is None


def test_unknown_tzid_is_kept_floating_with_a_warning() -> None:
    result = _one("DTSTART;TZID=Atlantis/Capital:20241003T100000")

    assert result.items[0].starts_at == datetime(2024, 10, 3, 10)
    assert result.warnings == [
        f"{URL}: VEVENT 1 (UID x@test): unknown DTSTART TZID 'Atlantis/Capital'; "
        "time kept as floating"
    ]


def test_dtend_before_dtstart_is_skipped() -> None:
    result = _one("DTSTART:20241003T100000Z", "DTEND:20241003T090000Z")

    assert result.items == []
    assert result.warnings == [f"{URL}: VEVENT 1 (UID x@test): DTEND is before DTSTART; skipped"]


def test_entities_in_summary_are_unescaped_once() -> None:
    result = parse_ics(
        SOURCE,
        _doc(
            _calendar(
                "BEGIN:VEVENT",
                "SUMMARY:ReSPA &amp; UN DESA webinar &#8211; online",
                "DTSTART:20241003T100000Z",
                "END:VEVENT",
            )
        ),
    )

    (item,) = result.items
    assert item.title == "ReSPA & UN DESA webinar – online"
    assert item.guid is None
    assert item.online is None  # only the location and URL tell


def test_not_a_calendar_is_a_parse_error() -> None:
    body = (FIXTURES / "not_a_calendar.ics").read_bytes()
    with pytest.raises(
        ParseError, match=r"^https://www.nispa.org/events/\?ical=1: not an iCalendar"
    ):
        parse_ics(SOURCE, _doc(body))


@pytest.mark.parametrize(("lines", "why"), [
    # icalendar: "not enough values to unpack (expected 2, got 1)"
    ("X-WR-CALNAME;LANGUAGE:Events", "line 3: parameter LANGUAGE of X-WR-CALNAME has no value "
                                     "(expected LANGUAGE=value)"),
    ("X-WR-CALNAME:Events\r\n of the\r\n network\r\nBROKEN",  # folded lines count
     "line 6: 'BROKEN' is not a property (expected NAME:value)"),
    (":Events", "line 3: ':Events' has no property name (expected NAME:value)"),
    ('X-WR-CALNAME;LANGUAGE="en:Events', "line 3: parameter LANGUAGE of X-WR-CALNAME opens a "
                                         "quote that is never closed"),
    ("END:VEVENT", "line 3: END:VEVENT where BEGIN:VCALENDAR of line 1 should end first"),
    ("END:VCALENDAR", "line 4: END:VCALENDAR without a BEGIN:VCALENDAR before it"),
])
def test_unreadable_calendar_says_what_is_wrong_and_where(lines: str, why: str) -> None:
    body = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{lines}\r\nEND:VCALENDAR\r\n".encode()
    with pytest.raises(ParseError) as err:
        parse_ics(SOURCE, _doc(body))
    assert str(err.value) == f"{URL}: not a readable iCalendar document: {why}"


def test_a_broken_parameter_in_an_event_is_named_with_its_line() -> None:
    body = (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:p\r\nSUMMARY:Forum\r\n"
            b"DTSTART;TZID:20240101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    result = parse_ics(SOURCE, _doc(body))
    assert result.warnings == [
        f"{URL}: VEVENT 1 (UID p): malformed (line 5: parameter TZID of DTSTART has no value "
        "(expected TZID=value)); skipped"]


def test_truncated_calendar_is_a_parse_error() -> None:
    body = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20241003T100000Z\r\n"
    with pytest.raises(ParseError, match=r"ical=1: no complete VCALENDAR"):
        parse_ics(SOURCE, _doc(body))


def test_declared_charset_is_honoured() -> None:
    body = _calendar(
        "BEGIN:VEVENT", "SUMMARY:Conferencia del CLAD en Bogotá", "DTSTART:20241003", "END:VEVENT"
    )
    latin1 = body.decode().encode("iso-8859-1")
    (item,) = parse_ics(SOURCE, _doc(latin1, encoding="ISO-8859-1")).items

    assert item.title == "Conferencia del CLAD en Bogotá"
