"""parse_feed on real feed files: RSS 0.91/1.0/2.0, Atom, other charsets, broken documents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from newsdesk.errors import ParseError
from newsdesk.fixtures import FixtureServer
from newsdesk.normalize import normalize_item
from newsdesk.parse import parse_document
from newsdesk.parse.feed import parse_feed
from newsdesk.records import FetchedDocument, ParsedItem
from newsdesk.registry import FeedSource, Partner

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
SOURCE = FeedSource(kind="feed", url="https://partner.example/feed.xml")


def fetched(
    name: str,
    content_type: str | None = "application/rss+xml",
    *,
    url: str | None = None,
    encoding: str | None = None,
) -> FetchedDocument:
    return FetchedDocument(
        url=url or f"https://partner.example/feeds/{name}",
        status_code=200,
        body=(FEEDS / name).read_bytes(),
        content_type=content_type,
        encoding=encoding,
        etag=None,
        last_modified=None,
    )


def only(items: list[ParsedItem], title_start: str) -> ParsedItem:
    [item] = [item for item in items if item.title.startswith(title_start)]
    return item


def test_rss20_entries_links_dates_and_content() -> None:
    result = parse_feed(SOURCE, fetched("rss20.xml"))
    assert result.warnings == []
    assert [item.title for item in result.items] == [
        "ReSPA’s 10th Anniversary",
        "The 11th ReSPA Governing Board meeting at the Ministerial level",
        "Western Balkans Public Administration Awards",
    ]
    first, second, third = result.items
    assert first.kind == "news"
    assert first.guid == "respa-news-378"
    assert first.url == (
        "https://respaweb.example/0/news/378/respaweb-is-celebrating-10th-anniversary"
        "?utm_source=rss&utm_medium=feed&id=378"
    )
    assert first.published_at == datetime(2020, 10, 20, 7, 30, tzinfo=UTC)
    # content:encoded wins over description; relative links resolve against the document
    # URL, which the item carries to the sanitiser (normalize resolves them there).
    assert "<li>8,000 civil servants trained</li>" in first.summary_html
    assert first.base_url == "https://partner.example/feeds/rss20.xml"
    item = normalize_item(first, partner=Partner(id="respa", name="ReSPA", short="ReSPA"),
                          source_id="respa/feed")
    assert 'href="https://partner.example/0/page/annual-report-2020"' in item.summary_html
    assert first.language == "en-us"
    # A relative entry link is resolved against the document URL.
    assert second.url == "https://partner.example/0/news/381/governing-board-11"
    assert second.published_at == datetime(2020, 12, 14, 14, 0, tzinfo=UTC)
    assert second.language == "sr"  # dc:language of the item beats the channel's
    assert third.published_at is None
    assert third.summary_html == ""


def test_rss10_rdf() -> None:
    result = parse_feed(SOURCE, fetched("rss10.rdf", "application/rdf+xml"))
    conference, workshop = result.items
    assert conference.title == "The 29th NISPAcee Annual Conference 2021"
    assert conference.url == "https://www.nispa.example/news/29th-annual-conference"
    assert conference.published_at == datetime(2021, 5, 20, 7, 0, tzinfo=UTC)
    assert conference.language == "en"
    assert workshop.published_at == datetime(2022, 6, 24, tzinfo=UTC)


def test_rss091() -> None:
    [item] = parse_feed(SOURCE, fetched("rss091.xml")).items
    assert item.title == "Congreso Internacional del CLAD sobre la Reforma del Estado"
    assert item.language == "es"


def test_atom_html_title_xhtml_content_xml_base_and_entry_language() -> None:
    result = parse_feed(SOURCE, fetched("atom.xml", "application/atom+xml"))
    taller, graduation = result.items
    # type="html": the markup goes, "&amp;amp;" is "&amp;" in HTML, which is "&" in text.
    assert taller.title == (
        "Taller virtual Prospectiva e innovación en la gestión territorial & local"
    )
    assert taller.url == "https://icap.example/noticias/taller-prospectiva"  # xml:base
    assert taller.guid == "tag:icap.example,2020:taller-prospectiva"
    assert taller.published_at == datetime(2020, 11, 2, 14, 0, tzinfo=UTC)  # published first
    assert taller.language == "es"
    assert "<b>duración total 6 horas</b>" in taller.summary_html
    assert 'href="https://icap.example/noticias/matricula"' in taller.summary_html
    # type="text": decoded once by XML and no more; plain text summaries become escaped HTML.
    assert graduation.title == "XLVI ICAP graduation ceremony: AT&T <sponsor>"
    assert graduation.published_at == datetime(2020, 12, 4, 16, 0, tzinfo=UTC)
    assert graduation.language == "en"
    assert graduation.summary_html == "Graduates &amp; faculty met on 4 December."


def test_entities_and_nested_markup_in_titles_are_unescaped_exactly_once() -> None:
    titles = [item.title for item in parse_feed(SOURCE, fetched("entities.xml")).items]
    assert titles == [
        "AT&T sponsors the AAPA & EROPA conference",
        "Bold news from Jakarta & Bali",
        "Writing &lt;b&gt; tags in a title",  # never unescaped a second time into "<b>"
        "Nested markup in a title",
    ]


@pytest.mark.parametrize(
    ("content_type", "encoding"),
    [
        ("application/rss+xml", None),  # the XML declaration says ISO-8859-1
        ("text/xml", None),  # text/xml without charset must not mean US-ASCII here
        ("text/xml", "iso-8859-1"),  # the fetcher's charset from the header
        (None, None),
    ],
)
def test_latin1_feed_decodes(content_type: str | None, encoding: str | None) -> None:
    result = parse_feed(SOURCE, fetched("latin1.xml", content_type, encoding=encoding))
    assert result.warnings == []
    [item] = result.items
    assert item.title == "Conferencia sobre administración pública en Mérida, Yucatán"
    assert "La Secretaría invitó a los participantes del año" in item.summary_html
    assert item.language == "es-mx"
    assert item.published_at == datetime(2020, 11, 5, 16, 0, tzinfo=UTC)


def test_windows_1252_declared_only_in_the_header() -> None:
    doc = fetched("cp1252.xml", "application/rss+xml; charset=windows-1252")
    result = parse_feed(SOURCE, doc)
    assert result.warnings == []
    [item] = result.items
    assert item.title == "“EROPA Bulletin” Volume 41 – released"
    assert item.summary_html == "Café, naïve, €5"


def test_malformed_but_recoverable_keeps_entries_and_warns() -> None:
    doc = fetched("malformed_recoverable.xml")
    result = parse_feed(SOURCE, doc)
    assert [item.title for item in result.items] == [
        "EROPA Bulletin Volume 41",
        "EROPA Conference 2024 in Jakarta",
    ]
    assert len(result.warnings) == 2
    assert result.warnings[0].startswith(f"{doc.url}: the feed is malformed")
    assert "not well-formed" in result.warnings[0]
    assert result.warnings[1] == f"{doc.url}: entry 3 has neither title nor link, skipped"


def test_malformed_unrecoverable_raises_naming_the_url() -> None:
    doc = fetched("malformed_unrecoverable.xml")
    with pytest.raises(ParseError) as caught:
        parse_feed(SOURCE, doc)
    message = str(caught.value)
    assert message.startswith(f"{doc.url}: the feed cannot be read")
    assert "SAXParseException" in message


def test_html_page_instead_of_a_feed() -> None:
    doc = fetched("html_page.html", "text/html; charset=utf-8")
    with pytest.raises(ParseError, match=r"an HTML page .* not an RSS or Atom feed") as caught:
        parse_feed(SOURCE, doc)
    assert str(caught.value).startswith(doc.url)


def test_html_page_is_recognised_without_a_content_type() -> None:
    with pytest.raises(ParseError, match="an HTML page"):
        parse_feed(SOURCE, fetched("html_page.html", None))


def test_garbage_bytes_are_not_a_feed() -> None:
    doc = FetchedDocument(
        url="https://partner.example/feed", status_code=200, body=b"\x00\x01\x02 not xml",
        content_type="application/octet-stream", encoding=None, etag=None, last_modified=None,
    )  # fmt: skip
    with pytest.raises(ParseError, match=r"^https://partner\.example/feed: not an RSS or Atom"):
        parse_feed(SOURCE, doc)


def test_a_valid_feed_without_entries_is_empty_not_an_error() -> None:
    result = parse_feed(SOURCE, fetched("empty.xml"))
    assert result.items == []
    assert result.warnings == []


def test_item_kind_comes_from_the_source() -> None:
    events = FeedSource(kind="feed", url="https://partner.example/events.xml", item_kind="event")
    items = parse_feed(events, fetched("rss091.xml")).items
    assert {item.kind for item in items} == {"event"}


def test_summary_html_is_passed_on_raw_for_normalize_to_sanitise() -> None:
    first, script_link = parse_feed(SOURCE, fetched("xss.xml")).items
    assert "<script>" in first.summary_html  # raw here; newsdesk.normalize removes it
    assert first.url == "https://hostile.example/news/1?fbclid=abc&page=2#comments"
    assert script_link.url == "javascript:alert(9)"  # normalize drops it


def test_dispatch_through_parse_document() -> None:
    result = parse_document(SOURCE, fetched("rss10.rdf"))
    assert len(result.items) == 2


def test_not_modified_parses_nothing() -> None:
    doc = FetchedDocument(
        url="https://partner.example/feed", status_code=304, body=b"", content_type=None,
        encoding=None, etag='"abc"', last_modified=None, not_modified=True,
    )  # fmt: skip
    assert parse_feed(SOURCE, doc).items == []


def test_feedparser_never_fetches_a_body_that_looks_like_a_url(tmp_path: Path) -> None:
    """The body is data even when it spells a URL: a loopback server that would serve a
    valid feed there sees no request."""
    (tmp_path / "feed.xml").write_bytes((FEEDS / "rss091.xml").read_bytes())
    with FixtureServer(root=tmp_path) as server:
        doc = FetchedDocument(
            url="https://partner.example/feed", status_code=200,
            body=server.url("/feed.xml").encode(), content_type="application/rss+xml",
            encoding=None, etag=None, last_modified=None,
        )  # fmt: skip
        with pytest.raises(ParseError, match="not an RSS or Atom feed"):
            parse_feed(SOURCE, doc)
        assert server.requests == []


def test_external_entities_are_never_resolved() -> None:
    """feedparser drops the DOCTYPE; the undefined reference is left as text, with a warning."""
    result = parse_feed(SOURCE, fetched("xxe.xml"))
    [item] = result.items
    assert item.title == "Before &secret; after"
    assert "the feed is malformed" in result.warnings[0]


def test_an_empty_feed_with_a_wrong_charset_is_empty_with_a_warning() -> None:
    """No charset anywhere (so UTF-8), sent in windows-1252: a soft problem, not a broken feed."""
    result = parse_feed(SOURCE, fetched("empty_misdeclared.xml"))
    assert result.items == []
    [warning] = result.warnings
    assert "mis-declared" in warning
    assert "CharacterEncodingOverride" in warning


def test_mod_event_dates_make_an_event() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:ev="http://purl.org/rss/1.0/modules/event/">
  <channel rdf:about="https://nispa.example/"><title>NISPAcee</title><link>https://nispa.example/</link>
    <items><rdf:Seq><rdf:li resource="https://nispa.example/c2021"/></rdf:Seq></items></channel>
  <item rdf:about="https://nispa.example/c2021"><title>29th NISPAcee Annual Conference</title>
    <link>https://nispa.example/c2021</link>
    <ev:startdate>2021-05-20</ev:startdate><ev:enddate>2021-05-22</ev:enddate>
    <ev:location>Ljubljana, Slovenia</ev:location><ev:organizer>NISPAcee</ev:organizer></item>
  <item rdf:about="https://nispa.example/bad"><title>Bad date</title><link>https://nispa.example/bad</link>
    <ev:startdate>sometime in May</ev:startdate></item>
</rdf:RDF>"""
    doc = FetchedDocument(
        url="https://nispa.example/rss.xml",
        status_code=200,
        body=body,
        content_type="application/rdf+xml",
        encoding=None,
        etag=None,
        last_modified=None,
    )
    result = parse_feed(FeedSource(kind="feed", url="https://nispa.example/rss.xml"), doc)
    event, plain = result.items
    assert event.kind == "event"
    assert (event.starts_at, event.ends_at) == (date(2021, 5, 20), date(2021, 5, 22))
    assert event.location == "Ljubljana, Slovenia"
    assert event.organizer == "NISPAcee"
    assert plain.kind == "news" and plain.starts_at is None
    assert any("'sometime in May' is not an ISO date" in w for w in result.warnings)
