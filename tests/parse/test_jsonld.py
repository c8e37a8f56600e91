"""JSON-LD: schema.org Events and Articles from @graph, lists and plain objects."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsdesk.errors import ParseError
from newsdesk.parse import parse_document
from newsdesk.parse.jsonld import parse_jsonld
from newsdesk.records import FetchedDocument, ParsedItem, ParseResult
from newsdesk.registry import JsonldSource

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "parse"
URL = "https://www.iias-iisa.org/events"
SOURCE = JsonldSource(kind="jsonld", url=URL)


def _doc(body: bytes) -> FetchedDocument:
    return FetchedDocument(
        url=URL,
        status_code=200,
        body=body,
        content_type="text/html; charset=utf-8",
        encoding="utf-8",
        etag=None,
        last_modified=None,
    )


def _page(*blocks: str) -> bytes:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return f"<!DOCTYPE html><html><head>{scripts}</head><body></body></html>".encode()


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_document(SOURCE, _doc((FIXTURES / "jsonld_events.html").read_bytes()))


def _titled(result: ParseResult, title: str) -> ParsedItem:
    return next(item for item in result.items if item.title == title)


def test_items_from_graph_list_and_object(result: ParseResult) -> None:
    assert [(item.kind, item.title) for item in result.items] == [
        ("event", "IIAS Conference 2024: Governance Solutions"),
        ("event", "IASIA Conference & Assembly"),
        ("event", "Webinar: Review of the Standards of Excellence"),
        ("event", "Dialogue on governance solutions"),
        ("news", "Call for papers: IIAS E-Journal & open governance book series"),
    ]


def test_event_subtype_with_place_postal_address_and_country(result: ParseResult) -> None:
    event = _titled(result, "IIAS Conference 2024: Governance Solutions")
    eat = timezone(timedelta(hours=3))

    assert event.url == "https://www.iias-iisa.org/events/iias-conference-2024"
    assert event.guid == "https://www.iias-iisa.org/events/iias-conference-2024#event"
    assert event.starts_at == datetime(2024, 6, 24, 9, tzinfo=eat)
    assert event.ends_at == datetime(2024, 6, 28, 17, tzinfo=eat)
    assert event.location == "Mombasa, Kenya"
    assert event.online is False
    assert event.organizer == "International Institute of Administrative Sciences"
    assert event.language == "en"
    assert event.summary_html == (
        "<p>Held in Mombasa in collaboration with the <strong>Kenya School of "
        "Government</strong>.</p>"
    )


def test_mixed_attendance_keeps_the_place_and_is_online(result: ParseResult) -> None:
    event = _titled(result, "IASIA Conference & Assembly")

    assert (event.starts_at, event.ends_at) == (date(2024, 9, 16), date(2024, 9, 20))
    assert event.location == "Pretoria, ZA"
    assert event.online is True
    assert event.language == "fr"
    assert event.summary_html == "<p>The annual IASIA conference, on site and streamed.</p>"


def test_online_event_with_virtual_location(result: ParseResult) -> None:
    event = _titled(result, "Webinar: Review of the Standards of Excellence")

    assert event.url == "https://www.iias-iisa.org/events/standards-webinar"
    assert event.starts_at == datetime(2024, 10, 3, 14, tzinfo=UTC)
    assert event.location is None
    assert event.online is True
    assert event.organizer == "IIAS-IASIA"


def test_place_name_and_locality_when_there_is_no_country(result: ParseResult) -> None:
    event = _titled(result, "Dialogue on governance solutions")

    assert event.location == "IIAS headquarters, Brussels"
    assert event.starts_at is None
    assert event.online is None


def test_news_article(result: ParseResult) -> None:
    article = _titled(result, "Call for papers: IIAS E-Journal & open governance book series")

    assert article.url == "https://www.iias-iisa.org/news/e-journal-call"
    assert article.published_at == datetime(2024, 4, 15, 8, tzinfo=timezone(timedelta(hours=2)))
    assert article.summary_html == (
        "<p>The International Institute of Administrative Sciences invites submissions.</p>"
    )
    assert article.organizer == "IIAS-IASIA"


def test_warnings_name_the_block_and_the_problem(result: ParseResult) -> None:
    assert result.warnings == [
        f"{URL}: JSON-LD block 4 is not valid JSON (Expecting property name enclosed in "
        "double quotes at line 1 column 79); block skipped",
        f"{URL}: JSON-LD block 2, Event 'Dialogue on governance solutions': cannot read "
        "startDate 'sometime in autumn'; left empty",
        f"{URL}: JSON-LD block 2, Event: no name or headline; item skipped",
    ]


def test_page_without_usable_items_is_an_error() -> None:
    body = (FIXTURES / "jsonld_none.html").read_bytes()
    with pytest.raises(
        ParseError, match=r"^https://www.iias-iisa.org/events: no usable JSON-LD"
    ) as err:
        parse_jsonld(SOURCE, _doc(body))
    assert "JSON-LD block 2 is not valid JSON" in str(err.value)


def test_page_without_any_jsonld_is_an_error() -> None:
    with pytest.raises(ParseError, match="no usable JSON-LD"):
        parse_jsonld(SOURCE, _doc(b"<html><body><p>Nothing here</p></body></html>"))


def test_item_list_types_and_publications() -> None:
    body = _page(
        """{"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "item": {"@type": "schema:Report",
             "name": "World Public Sector Report 2023", "url": "/publications/wpsr-2023",
             "datePublished": "2023-10-30", "inLanguage": "en",
             "articleBody": "%s"}},
            {"@type": "ListItem", "position": 2, "item": {"@type": "https://schema.org/BlogPosting",
             "headline": "Curriculum toolkits now online", "datePublished": "2024-02-01T12:00:00"}}
        ]}"""
        % ("word " * 200)
    )
    result = parse_jsonld(SOURCE, _doc(body))

    report, post = result.items
    assert report.kind == "publication"
    assert report.url == "https://www.iias-iisa.org/publications/wpsr-2023"
    assert report.published_at == datetime(2023, 10, 30)
    assert len(report.summary_html) < 420 and report.summary_html.endswith(" …</p>")
    assert post.kind == "news"
    assert post.published_at == datetime(2024, 2, 1, 12)


def test_duplicate_items_are_read_once() -> None:
    event = '{"@type": "Event", "name": "EROPA Bulletin launch", "startDate": "2024-11-20"}'
    result = parse_jsonld(SOURCE, _doc(_page(event, f"[{event}]")))

    assert [item.title for item in result.items] == ["EROPA Bulletin launch"]


def test_plain_text_description_is_escaped_and_source_language_is_the_default() -> None:
    source = JsonldSource(kind="jsonld", url=URL, language="es")
    body = _page(
        '{"@type": "Event", "name": "Foro CLAD", "startDate": "2024-10-08",'
        ' "description": "Sesiones 1 < 2 &amp; más", "location": "Bogotá, Colombia"}'
    )
    (event,) = parse_jsonld(source, _doc(body)).items

    assert event.summary_html == "<p>Sesiones 1 &lt; 2 &amp; más</p>"
    assert event.location == "Bogotá, Colombia"
    assert event.language == "es"


EVENT = ('{"@type": "Event", "name": "Regional forum", "startDate": "2024-05-02",'
         ' "url": "/forum"}')


@pytest.mark.parametrize(("block", "why"), [
    ("[" * 100_000 + "]" * 100_000, "nests deeper than 32 levels; block skipped"),
    ('{"@graph": ' * 900 + "{}" + "}" * 900, "nests deeper than 32 levels; the rest is ignored"),
    ("[" + ",".join(["{}"] * 20_000) + "]", "holds more than 10000 objects; the rest is ignored"),
])
def test_hostile_nesting_is_a_parse_error_naming_the_page(block: str, why: str) -> None:
    """Never a RecursionError (json's decoder and the flattening both used to recurse)."""
    with pytest.raises(ParseError) as err:
        parse_jsonld(SOURCE, _doc(_page(block)))
    assert str(err.value).startswith(f"{URL}: no usable JSON-LD")
    assert f"JSON-LD block 1 {why}" in str(err.value)


def test_hostile_block_does_not_hide_a_good_one() -> None:
    deep = '{"@graph": ' * 900 + "{}" + "}" * 900
    result = parse_jsonld(SOURCE, _doc(_page(deep, EVENT)))
    assert [item.title for item in result.items] == ["Regional forum"]
    assert result.warnings == [f"{URL}: JSON-LD block 1 nests deeper than 32 levels; "
                               "the rest is ignored"]


def test_schema_org_subtypes_are_read_as_their_kind() -> None:
    """Once refused with "no usable JSON-LD Event or Article"."""
    blocks = [
        '{"@type": "OpinionNewsArticle", "headline": "Why digital government needs trust",'
        ' "datePublished": "2024-05-01"}',
        '{"@type": "LiveBlogPosting", "headline": "Live: UN Public Service Forum"}',
        '{"@type": "BlogPosting", "headline": "Notes from the CEPA session"}',
        '{"@type": "https://schema.org/EducationEvent", "name": "Leadership course",'
        ' "startDate": "2024-06-03"}',
        '{"@type": ["schema:BusinessEvent"], "name": "Procurement fair",'
        ' "startDate": "2024-07-01"}',
        '{"@type": "Thesis", "name": "Public value in Latin America"}',
        '{"@type": "SaleEvent", "name": "Book sale", "startDate": "2024-07-01"}',
        '{"@type": "DiscussionForumPosting", "headline": "Anyone at the forum?"}',
    ]
    result = parse_jsonld(SOURCE, _doc(_page(*blocks)))
    assert [(item.kind, item.title) for item in result.items] == [
        ("news", "Why digital government needs trust"),
        ("news", "Live: UN Public Service Forum"),
        ("news", "Notes from the CEPA session"),
        ("event", "Leadership course"),
        ("event", "Procurement fair"),
        ("publication", "Public value in Latin America"),
    ]
