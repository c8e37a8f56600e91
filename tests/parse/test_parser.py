"""Every source kind names a parser behind the one interface (no table of kinds)."""

from __future__ import annotations

from typing import get_args

import pytest

from newsdesk.parse import SourceParser, parse_document
from newsdesk.records import FetchedDocument
from newsdesk.registry import AnySource, FeedSource, HtmlSource, parse_registry

SOURCES = {
    "feed": {"kind": "feed", "url": "https://a.example/feed"},
    "html": {"kind": "html", "url": "https://a.example/", "discover_feed": True},
    "ics": {"kind": "ics", "url": "https://a.example/cal.ics"},
    "jsonld": {"kind": "jsonld", "url": "https://a.example/events"},
}


def _source(kind: str) -> AnySource:
    registry = parse_registry({"partners": [
        {"id": "a", "name": "A", "short": "A", "sources": [SOURCES[kind]]}]})
    return registry.partners[0].sources[0]


@pytest.mark.parametrize("model", get_args(AnySource))
def test_every_kind_has_a_parser_bound_to_its_source(model: type[AnySource]) -> None:
    kind = get_args(model.model_fields["kind"].annotation)[0]
    source = _source(kind)
    parser = source.parser()
    assert isinstance(parser, SourceParser) and parser.source is source  # type: ignore[attr-defined]


def test_a_discovering_html_page_asks_for_its_feed_instead() -> None:
    page = FetchedDocument(
        url="https://a.example/", status_code=200, content_type="text/html", encoding="utf-8",
        body=b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
             b"</head></html>", etag=None, last_modified=None)
    source = _source("html")
    assert isinstance(source, HtmlSource)
    parser = source.parser()
    instead = parser.read_instead(parse_document(source, page))
    assert isinstance(instead, FeedSource) and instead.url == "https://a.example/rss"
    assert parser.advertised_feeds(page) == ["https://a.example/rss"]
    assert not parser.follows_item_pages()
    assert _source("feed").parser().advertised_feeds(page) == []
