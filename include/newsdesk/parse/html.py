"""HTML listings: partner news and event pages read with the registry's CSS selectors.

Many partners publish no feed, only a page listing their news or events. The registry gives
CSS selectors for one item and its parts; a selector value may end in ``@attr`` to read an
attribute (``"h2 a@href"``, ``"time@datetime"``), and ``"@attr"`` alone reads the item
element's own attribute. A listing whose item selector matches nothing is an error (the
site changed its markup; an empty success would hide that), while one item without a title
or with an unreadable date costs that item or that date only, with a warning.
"""

from __future__ import annotations

import dataclasses
import html as html_lib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from newsdesk.errors import ParseError
from newsdesk.parse.dates import as_datetime, parse_date_text, parse_iso
from newsdesk.parse.jsonld import jsonld_objects
from newsdesk.parse.parser import SourceParser
from newsdesk.records import FetchedDocument, ParsedItem, ParseResult
from newsdesk.registry import AnySource, FeedSource, HtmlSelectors, HtmlSource

_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
_ATTR_SPEC = re.compile(r"^(?P<css>.*?)@(?P<attr>[\w:.-]+)$")
#: A paragraph shorter than this is a byline, a caption or "Share", not the story.
_MIN_PARAGRAPH_CHARS = 40


@dataclass(frozen=True)
class ItemPage:
    """What an item's own page adds to a listing entry (``follow: true``)."""

    summary_html: str
    published_at: datetime | date | None


@dataclass(frozen=True)
class HtmlParser(SourceParser):
    """``kind: html``: a listing read with CSS selectors; with ``discover_feed: true`` the
    feed the page advertises is read instead, with ``follow: true`` each item's own page
    completes its summary and date."""

    source: HtmlSource

    def parse(self, document: FetchedDocument) -> ParseResult:
        return parse_html(self.source, document)

    def read_instead(self, parsed: ParseResult) -> AnySource | None:
        if not (self.source.discover_feed and parsed.feed_links):
            return None
        return FeedSource(kind="feed", url=parsed.feed_links[0], item_kind=self.source.item_kind,
                          language=self.source.language)

    def follows_item_pages(self) -> bool:
        return self.source.follow

    def with_item_page(self, item: ParsedItem, page: FetchedDocument) -> ParsedItem:
        """The page's summary is preferred (the listing's is a teaser); its date fills in
        only when the listing had none."""
        found = parse_item_page(self.source, page)
        return dataclasses.replace(
            item,
            summary_html=found.summary_html or item.summary_html,
            base_url=page.url if found.summary_html else item.base_url,
            published_at=item.published_at or as_datetime(found.published_at),
        )

    def advertised_feeds(self, document: FetchedDocument) -> list[str]:
        return discover_feeds(document)


def load_html(doc: FetchedDocument) -> BeautifulSoup:
    """Parse a fetched page; the header's charset wins, else bs4 reads ``<meta charset>``.

    lxml is the tree builder: it is installed with premailer and is faster and more
    forgiving of broken partner markup than ``html.parser``.
    """
    return BeautifulSoup(doc.body, "lxml", from_encoding=doc.encoding or None)


def base_url(soup: BeautifulSoup, doc: FetchedDocument) -> str:
    """The URL relative links are resolved against: ``<base href>`` if any, else the page."""
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        return urljoin(doc.url, str(base["href"]).strip())
    return doc.url


def discover_feeds(doc: FetchedDocument) -> list[str]:
    """RSS/Atom feeds the page advertises with ``<link rel="alternate">``, absolute, unique."""
    soup = load_html(doc)
    return _feed_links(soup, base_url(soup, doc))


def _feed_links(soup: BeautifulSoup, base: str) -> list[str]:
    links: list[str] = []
    for link in soup.find_all("link", href=True):
        rel: Any = link.get("rel") or []
        rels = [rel] if isinstance(rel, str) else list(rel)
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in (r.lower() for r in rels) and kind in _FEED_TYPES:
            url = urljoin(base, str(link["href"]).strip())
            if url not in links:
                links.append(url)
    return links


def parse_html(source: HtmlSource, doc: FetchedDocument) -> ParseResult:
    """Read a listing page with the source's selectors; see the module docstring."""
    soup = load_html(doc)
    base = base_url(soup, doc)
    feed_links = _feed_links(soup, base)
    selectors = source.selectors
    if selectors is None:
        if not feed_links:
            raise ParseError(
                f'{doc.url}: feed discovery found no <link rel="alternate"> RSS or Atom feed '
                "and the source has no selectors"
            )
        return ParseResult(items=[], feed_links=feed_links)
    elements = _select_all(soup, selectors.item, doc.url)
    if not elements:
        raise ParseError(
            f"{doc.url}: selector {selectors.item!r} matched no item "
            "(the page markup may have changed)"
        )
    items: list[ParsedItem] = []
    warnings: list[str] = []
    for position, element in enumerate(elements, start=1):
        item = _parse_item(
            source, selectors, element, base, f"{doc.url}: item {position}", warnings
        )
        if item is not None:
            items.append(item)
    return ParseResult(items=items, warnings=warnings, feed_links=feed_links)


def _parse_item(
    source: HtmlSource,
    selectors: HtmlSelectors,
    element: Tag,
    base: str,
    where: str,
    warnings: list[str],
) -> ParsedItem | None:
    title_el, title_attr = _pick(element, selectors.title, where)
    title = _text(title_el, title_attr)
    if not title:
        warnings.append(f"{where}: no title (selector {selectors.title!r}); item skipped")
        return None
    url = _link(element, selectors.link, title_el, base, where)
    when = _date(source, element, selectors.date, where, warnings)
    summary_html = ""
    if selectors.summary:
        summary_el, summary_attr = _pick(element, selectors.summary, where)
        if summary_el is not None:
            summary_html = (
                html_lib.escape(_text(summary_el, summary_attr))
                if summary_attr
                else summary_el.decode_contents().strip()
            )
    if source.item_kind != "event":
        return ParsedItem(
            kind=source.item_kind,
            title=title,
            url=url,
            summary_html=summary_html,
            published_at=as_datetime(when),
            language=source.language,
            base_url=base,
        )
    location = None
    if selectors.location:
        location = _text(*_pick(element, selectors.location, where)) or None
    return ParsedItem(
        kind="event",
        title=title,
        url=url,
        summary_html=summary_html,
        starts_at=when,
        ends_at=_date(source, element, selectors.end, where, warnings),
        location=location,
        language=source.language,
        base_url=base,
    )


def _select_all(root: BeautifulSoup | Tag, css: str, where: str) -> list[Tag]:
    try:
        return list(root.select(css))
    except SelectorSyntaxError as exc:
        raise ParseError(f"{where}: invalid CSS selector {css!r}: {exc}") from exc


def _pick(element: Tag, spec: str, where: str) -> tuple[Tag | None, str | None]:
    """Resolve ``"css"``, ``"css@attr"`` or ``"@attr"`` inside one item element."""
    match = _ATTR_SPEC.match(spec)
    css, attr = (match["css"].strip(), match["attr"]) if match else (spec.strip(), None)
    if not css:
        return element, attr
    found = _select_all(element, css, where)
    return (found[0] if found else None), attr


def _text(element: Tag | None, attr: str | None) -> str:
    """Plain text with whitespace collapsed; the HTML parser already unescaped entities once."""
    if element is None:
        return ""
    if attr:
        value = element.get(attr)
        raw = " ".join(value) if isinstance(value, list) else (value or "")
    else:
        raw = element.get_text()
    return " ".join(raw.split())


def _link(
    element: Tag, spec: str | None, title_el: Tag | None, base: str, where: str
) -> str | None:
    """The item's URL: the link selector, else the link around or inside the title."""
    href: str | None = None
    if spec:
        link_el, attr = _pick(element, spec, where)
        href = _text(link_el, attr) if attr else _href_of(link_el)
    elif title_el is not None:
        around = title_el.find_parent("a", href=True)
        href = _href_of(title_el) or (_href_of(around) if isinstance(around, Tag) else None)
    if not href or href.startswith(("javascript:", "#")):
        return None
    return urljoin(base, href)


def _href_of(element: Tag | None) -> str | None:
    if element is None:
        return None
    link = (
        element
        if element.name == "a" and element.has_attr("href")
        else element.find("a", href=True)
    )
    return str(link["href"]).strip() if isinstance(link, Tag) else None


def _date(
    source: HtmlSource, element: Tag, spec: str | None, where: str, warnings: list[str]
) -> datetime | date | None:
    """A date from a ``datetime`` attribute (ISO 8601) or the text; a warning if unreadable."""
    if not spec:
        return None
    date_el, attr = _pick(element, spec, where)
    if date_el is None:
        return None
    if attr is None and date_el.has_attr("datetime"):
        iso = parse_iso(str(date_el["datetime"]))
        if iso is not None:
            return iso
    text = _text(date_el, attr)
    if not text:
        return None
    value = parse_date_text(
        text,
        date_format=source.date_format,
        date_order=source.date_order,
        language=source.language,
    )
    if value is None:
        warnings.append(f"{where}: cannot read the date {text!r} (selector {spec!r}); kept undated")
    return value


def parse_item_page(source: HtmlSource, doc: FetchedDocument) -> ItemPage:
    """Summary and publication date from an item's own page, for ``follow: true`` sources.

    Summary, first found: ``og:description``, ``<meta name="description">`` (both plain
    text, escaped into a ``<p>``), else the first paragraph of ``<article>`` (or ``<main>``)
    long enough to be prose. Date, first found: ``article:published_time``, the first
    ``<time datetime>``, JSON-LD ``datePublished``. A page offering neither gives an empty
    :class:`ItemPage`: the listing's own data stands.
    """
    soup = load_html(doc)
    return ItemPage(summary_html=_page_summary(soup), published_at=_page_date(soup, doc))


def _meta_content(soup: BeautifulSoup, attribute: str, value: str) -> str:
    """The ``content`` of the first ``<meta attribute=value>``, whitespace collapsed."""
    meta = soup.find("meta", attrs={attribute: value})
    content = meta.get("content") if isinstance(meta, Tag) else None
    return " ".join(str(content).split()) if content else ""


def _page_summary(soup: BeautifulSoup) -> str:
    for attribute, value in (("property", "og:description"), ("name", "description")):
        text = _meta_content(soup, attribute, value)
        if text:
            return f"<p>{html_lib.escape(text)}</p>"
    for container in (soup.find("article"), soup.find("main")):
        if not isinstance(container, Tag):
            continue
        for paragraph in container.find_all("p"):
            if len(paragraph.get_text(strip=True)) >= _MIN_PARAGRAPH_CHARS:
                return str(paragraph)
    return ""


def _page_date(soup: BeautifulSoup, doc: FetchedDocument) -> datetime | date | None:
    published = parse_iso(_meta_content(soup, "property", "article:published_time"))
    if published is not None:
        return published
    for time_el in soup.find_all("time", datetime=True):
        value = parse_iso(str(time_el["datetime"]))
        if value is not None:
            return value
    objects, _ = jsonld_objects(soup, doc.url)
    for _, obj in objects:
        raw = obj.get("datePublished")
        value = parse_iso(raw) if isinstance(raw, str) else None
        if value is not None:
            return value
    return None
