"""HTML listings read with registry selectors, feed autodiscovery and item pages (follow)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from newsdesk.errors import ParseError
from newsdesk.parse import parse_document
from newsdesk.parse.dates import parse_date_text
from newsdesk.parse.html import ItemPage, discover_feeds, parse_html, parse_item_page
from newsdesk.records import FetchedDocument
from newsdesk.registry import HtmlSource

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "parse"


def _doc(name: str, url: str, encoding: str | None = None) -> FetchedDocument:
    return FetchedDocument(
        url=url,
        status_code=200,
        body=(FIXTURES / name).read_bytes(),
        content_type="text/html",
        encoding=encoding,
        etag=None,
        last_modified=None,
    )


def _source(url: str, **fields: Any) -> HtmlSource:
    return HtmlSource.model_validate({"kind": "html", "url": url, **fields})


WORDPRESS = _source(
    "https://www.nispa.org/news/",
    selectors={
        "item": "article.post",
        "title": "h2.entry-title",
        "date": "time.entry-date",
        "summary": "div.entry-summary",
    },
)


def test_wordpress_listing_titles_links_dates_and_summaries() -> None:
    result = parse_html(WORDPRESS, _doc("wordpress_news.html", WORDPRESS.url))

    titles = [item.title for item in result.items]
    # Entities unescaped once (&#8211; -> en dash; &amp;amp; -> "&amp;"), <em> flattened,
    # runs of whitespace and newlines collapsed.
    assert titles == [
        "32nd NISPAcee Annual Conference – Tbilisi, Georgia",
        "The NISPAcee Journal of Public Administration and Policy, Vol. 17 &amp; Special Issue",
        "Conclusions of the UN DESA / NISPAcee workshop, Bucharest",
    ]
    first, second, third = result.items
    assert first.kind == "news"
    # Links come from the <a> inside the title; relative ones resolve against the page URL.
    assert first.url == "https://www.nispa.org/news/annual-conference-2024-tbilisi/"
    assert second.url == "https://www.nispa.org/news/nispacee-journal-vol-17/"
    assert third.url == "https://www.nispa.org/news/news/conclusions-bucharest-workshop/"
    # <time datetime>: an ISO date-time keeps its offset; a date-only value is midnight.
    assert first.published_at == datetime(2024, 5, 23, 9, 15, tzinfo=timezone(timedelta(hours=2)))
    assert second.published_at == datetime(2024, 4, 30)
    # Summary is the raw inner HTML; sanitising is normalize's job.
    assert first.summary_html.startswith("<p>The <strong>32nd NISPAcee Annual Conference</strong>")


def test_unreadable_date_keeps_item_undated_and_missing_title_skips_item() -> None:
    result = parse_html(WORDPRESS, _doc("wordpress_news.html", WORDPRESS.url))

    assert result.items[2].published_at is None
    assert result.warnings == [
        "https://www.nispa.org/news/: item 3: cannot read the date 'Published recently' "
        "(selector 'time.entry-date'); kept undated",
        "https://www.nispa.org/news/: item 4: no title (selector 'h2.entry-title'); item skipped",
    ]


def test_feed_links_are_always_reported() -> None:
    result = parse_html(WORDPRESS, _doc("wordpress_news.html", WORDPRESS.url))

    assert result.feed_links == [
        "https://www.nispa.org/feed/",
        "https://www.nispa.org/comments/feed/",
    ]


def test_drupal_event_listing_with_base_href_end_and_location() -> None:
    source = _source(
        "https://www.eropa.co/events",
        item_kind="event",
        date_order="DMY",
        selectors={
            "item": ".views-row",
            "title": ".views-field-title a",
            "link": ".views-field-title a@href",
            "date": ".date-display-start",
            "end": ".date-display-end",
            "location": ".views-field-field-venue",
            "summary": ".views-field-body .field-content",
        },
    )
    result = parse_html(source, _doc("drupal_events.html", source.url))

    conference, training = result.items
    assert conference.kind == "event"
    assert conference.title == "AAPA-EROPA Joint Annual Conference 2024"
    # Relative to <base href="https://www.eropa.co/events/">, not to the page URL.
    assert conference.url == "https://www.eropa.co/events/annual-conference-2024"
    assert conference.starts_at == date(2024, 11, 20)
    assert conference.ends_at == date(2024, 11, 22)
    assert conference.location == "Jakarta, Indonesia"
    assert conference.published_at is None
    assert "Asian Association for Public Administration" in conference.summary_html
    assert training.url == "https://www.eropa.co/events/tot-curriculum-governance"
    assert training.starts_at == datetime(2024, 7, 8, 9, 30)
    assert training.ends_at is None
    assert training.summary_html == ""
    assert result.warnings == []


def test_item_attribute_selector_reads_the_item_element_itself() -> None:
    source = _source(
        "https://www.eropa.co/events",
        item_kind="event",
        selectors={"item": ".views-row", "title": ".views-field-title a", "date": "@data-date"},
    )
    result = parse_html(source, _doc("drupal_events.html", source.url))

    assert [item.starts_at for item in result.items] == [date(2024, 11, 20), date(2024, 7, 8)]


def test_spanish_day_first_listing_in_latin1() -> None:
    source = _source(
        "https://icap.ac.cr/noticias",
        language="es",
        date_order="DMY",
        selectors={"item": "li.noticia", "title": "h3", "date": ".fecha", "summary": ".resumen"},
    )
    # No charset header: bs4 reads <meta http-equiv ... charset=iso-8859-1>.
    result = parse_html(source, _doc("icap_noticias.html", source.url))

    assert [item.title for item in result.items] == [
        "Taller virtual: Prospectiva e innovación en la gestión territorial",
        "XLVI Ceremonia de graduación del ICAP",
        "Diplomado en gestión pública para resultados",
        "Revista Centroamericana de Administración Pública",
    ]
    assert [item.published_at for item in result.items] == [
        datetime(2020, 11, 13),
        datetime(2020, 10, 30),
        datetime(2020, 11, 3),  # 03/11/2020 day-first: 3 November
        None,
    ]
    assert all(item.language == "es" for item in result.items)
    assert result.warnings == [
        "https://icap.ac.cr/noticias: item 4: cannot read the date 'Próximamente' "
        "(selector '.fecha'); kept undated"
    ]


def test_header_charset_wins() -> None:
    source = _source("https://icap.ac.cr/noticias", selectors={"item": "li.noticia", "title": "h3"})
    result = parse_html(source, _doc("icap_noticias.html", source.url, encoding="iso-8859-1"))

    assert result.items[0].title.startswith("Taller virtual: Prospectiva e innovación")


def test_date_format_uses_strptime() -> None:
    source = _source(
        "https://icap.ac.cr/noticias",
        date_format="%d/%m/%Y",
        selectors={"item": "li.noticia", "title": "h3", "date": ".fecha"},
    )
    result = parse_html(source, _doc("icap_noticias.html", source.url))

    assert [item.published_at for item in result.items] == [
        None,  # "13 de noviembre de 2020" does not fit the declared format
        datetime(2020, 10, 30),
        datetime(2020, 11, 3),
        None,
    ]
    assert len(result.warnings) == 2


def test_selector_matching_nothing_is_an_error_not_an_empty_success() -> None:
    source = _source(
        "https://www.nispa.org/news/", selectors={"item": "div.news-item", "title": "h2"}
    )
    with pytest.raises(
        ParseError, match=r"https://www.nispa.org/news/: selector 'div.news-item' matched no item"
    ):
        parse_html(source, _doc("wordpress_news.html", source.url))


def test_invalid_css_selector_is_a_parse_error() -> None:
    source = _source("https://www.nispa.org/news/", selectors={"item": "article[", "title": "h2"})
    with pytest.raises(ParseError, match="invalid CSS selector 'article\\['"):
        parse_html(source, _doc("wordpress_news.html", source.url))


def test_discovery_only_source_returns_feed_links() -> None:
    source = _source("https://www.respaweb.eu/", discover_feed=True)
    result = parse_document(source, _doc("feed_discovery.html", source.url))

    assert result.items == []
    assert result.feed_links == [
        "https://www.respaweb.eu/feeds/news.rss",
        "https://www.respaweb.eu/feeds/events.atom",
    ]


def test_discovery_finding_no_feed_is_an_error() -> None:
    source = _source("https://icap.ac.cr/noticias", discover_feed=True)
    with pytest.raises(ParseError, match="feed discovery found no"):
        parse_html(source, _doc("icap_noticias.html", source.url))


def test_discover_feeds_ignores_non_feed_alternates() -> None:
    links = discover_feeds(_doc("feed_discovery.html", "https://www.respaweb.eu/en/"))

    assert links == [
        "https://www.respaweb.eu/feeds/news.rss",
        "https://www.respaweb.eu/feeds/events.atom",
    ]


def test_item_page_prefers_open_graph_and_published_time() -> None:
    page = parse_item_page(WORDPRESS, _doc("item_page_meta.html", "https://www.respaweb.eu/news/1"))

    assert page == ItemPage(
        summary_html=(
            "<p>Over the last ten years, ReSPA has become the Public Administration Reform "
            "partner proven across the Western Balkan governments &amp; administrations.</p>"
        ),
        published_at=datetime(2020, 11, 4, 10, 30, tzinfo=timezone(timedelta(hours=1))),
    )


def test_item_page_falls_back_to_article_paragraph_and_jsonld_date() -> None:
    page = parse_item_page(WORDPRESS, _doc("item_page_article.html", "https://www.respaweb.eu/r"))

    assert page.summary_html == (
        "<p>This report presents ReSPA's overall activities performed from "
        "<b>October 2019</b> until 15 October 2020.</p>"
    )
    assert page.published_at == date(2020, 12, 15)


def test_item_page_with_nothing_to_offer_is_empty() -> None:
    page = parse_item_page(WORDPRESS, _doc("feed_discovery.html", "https://www.respaweb.eu/"))

    assert page == ItemPage(summary_html="", published_at=None)


@pytest.mark.parametrize(
    ("text", "order", "language", "expected"),
    [
        ("13 de noviembre de 2020", "DMY", "es", date(2020, 11, 13)),
        ("lunes, 9 de noviembre de 2020", "DMY", "es", date(2020, 11, 9)),
        ("30/10/2020", "DMY", None, date(2020, 10, 30)),
        ("03/11/2020", "MDY", "en", date(2020, 3, 11)),
        ("13.10.2020", "DMY", "de", date(2020, 10, 13)),
        ("November 2020", None, "en", date(2020, 11, 1)),
        ("Oct 13, 2020 10:00", "MDY", "en", datetime(2020, 10, 13, 10, 0)),
        ("2020-10-13", None, None, date(2020, 10, 13)),
        ("2020-10-13T09:00:00Z", None, None, datetime(2020, 10, 13, 9, tzinfo=UTC)),
        # Nothing is guessed: no weekday alone, no time alone, no relative dates.
        ("Monday", "DMY", "en", None),
        ("10:00", "DMY", "en", None),
        ("yesterday", "DMY", "en", None),
        ("2 days ago", None, None, None),
        ("", None, None, None),
    ],
)
def test_date_text(text: str, order: Any, language: str | None, expected: object) -> None:
    assert parse_date_text(text, date_order=order, language=language) == expected


def test_card_whose_link_wraps_the_title() -> None:
    body = (
        b'<html><body><div class="card"><a href="/events/igf-2024"><h3>19th Annual '
        b"Internet Governance Forum</h3></a><p>15-19 December, Riyadh</p></div></body></html>"
    )
    source = _source("https://www.unpan.org/events", selectors={"item": ".card", "title": "h3"})
    doc = FetchedDocument(
        url=source.url,
        status_code=200,
        body=body,
        content_type="text/html",
        encoding="utf-8",
        etag=None,
        last_modified=None,
    )

    (item,) = parse_html(source, doc).items
    assert item.url == "https://www.unpan.org/events/igf-2024"
    assert item.published_at is None
