"""JSON-LD: schema.org Events and Articles embedded in a partner's pages.

Event plug-ins (The Events Calendar, Drupal's schema_metatag) and news sites describe their
items in ``<script type="application/ld+json">`` blocks, which is sturdier than scraping the
visible markup. Every block is read; a block may be one object, a list, or an ``@graph``
(and an ``ItemList`` of ``ListItem``s is opened too). Any type ending in ``Event`` is an
event; ``NewsArticle``, ``Article``, ``BlogPosting`` are news; ``Report`` and
``ScholarlyArticle`` are publications. A block that is not JSON is a warning; a page with
no usable item at all is a :class:`ParseError`.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from newsdesk.errors import ParseError
from newsdesk.parse.dates import as_datetime, parse_date_text
from newsdesk.records import FetchedDocument, ItemKind, ParsedItem, ParseResult
from newsdesk.registry import JsonldSource

_NEWS_TYPES = frozenset({"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle"})
_PUBLICATION_TYPES = frozenset({"Report", "ScholarlyArticle"})
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
#: Longest excerpt taken from ``articleBody`` when an article has no ``description``.
_EXCERPT_CHARS = 400


def jsonld_objects(
    soup: BeautifulSoup, url: str
) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """Every JSON object of the page's JSON-LD blocks, flattened, with its block number
    (from 1, in page order), and a warning for each block that is not JSON."""
    objects: list[tuple[int, dict[str, Any]]] = []
    warnings: list[str] = []
    scripts = soup.find_all("script", attrs={"type": re.compile(r"^\s*application/ld\+json")})
    for number, script in enumerate(scripts, start=1):
        text = script.string or script.get_text()
        text = text.strip().removeprefix("<![CDATA[").removesuffix("]]>").strip()
        try:
            data = json.loads(text, strict=False)
        except json.JSONDecodeError as exc:
            warnings.append(
                f"{url}: JSON-LD block {number} is not valid JSON ({exc.msg} at line "
                f"{exc.lineno} column {exc.colno}); block skipped"
            )
            continue
        objects.extend((number, obj) for obj in _flatten(data))
    return objects, warnings


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten(entry)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _flatten(data["@graph"])
        if "itemListElement" in data:
            for entry in _as_list(data["itemListElement"]):
                yield from _flatten(entry.get("item", entry) if isinstance(entry, dict) else entry)
        yield data


def parse_jsonld(source: JsonldSource, doc: FetchedDocument) -> ParseResult:
    """Read the page's schema.org Events and Articles; see the module docstring."""
    soup = BeautifulSoup(doc.body, "lxml", from_encoding=doc.encoding or None)
    objects, warnings = jsonld_objects(soup, doc.url)
    items: list[ParsedItem] = []
    for block, obj in objects:
        kind = _kind_of(obj)
        if kind is None:
            continue
        where = f"{doc.url}: JSON-LD block {block}, {'/'.join(_types(obj))}"
        title = _text(obj.get("headline") or obj.get("name"))
        if not title:
            warnings.append(f"{where}: no name or headline; item skipped")
            continue
        where = f"{where} {title!r}"
        if kind == "event":
            item = _event(source, doc, obj, title, where, warnings)
        else:
            item = _article(source, doc, obj, kind, title, where, warnings)
        if item not in items:  # the same item in a @graph and an ItemList
            items.append(item)
    if not items:
        detail = f" ({'; '.join(warnings)})" if warnings else ""
        raise ParseError(f"{doc.url}: no usable JSON-LD Event or Article in the page{detail}")
    return ParseResult(items=items, warnings=warnings)


def _types(obj: dict[str, Any]) -> list[str]:
    """``@type`` as short names: ``"schema:Event"`` and ``"https://schema.org/Event"`` -> Event."""
    return [re.split(r"[/:#]", t)[-1] for t in _as_list(obj.get("@type")) if isinstance(t, str)]


def _kind_of(obj: dict[str, Any]) -> ItemKind | None:
    types = _types(obj)
    if any(t.endswith("Event") for t in types):
        return "event"
    if any(t in _NEWS_TYPES for t in types):
        return "news"
    if any(t in _PUBLICATION_TYPES for t in types):
        return "publication"
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    """A JSON string as plain text: entities some sites leave in JSON unescaped once."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    if not isinstance(value, str):
        return ""
    return " ".join(html_lib.unescape(value).split())


def _name(value: Any) -> str | None:
    """A name from a string, an object with ``name``, or the first of a list of those."""
    for entry in _as_list(value):
        text = _text(entry.get("name") if isinstance(entry, dict) else entry)
        if text:
            return text
    return None


def _summary_html(value: Any, *, excerpt: bool = False) -> str:
    """``description`` may be HTML or text: HTML is kept as found, text is escaped in a <p>."""
    if not isinstance(value, str) or not value.strip():
        return ""
    unescaped = html_lib.unescape(value).strip()
    if _TAG.search(unescaped) and not excerpt:
        return unescaped
    text = " ".join(_TAG.sub(" ", unescaped).split())
    if excerpt and len(text) > _EXCERPT_CHARS:
        text = text[:_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return f"<p>{html_lib.escape(text, quote=False)}</p>"


def _url(doc: FetchedDocument, obj: dict[str, Any]) -> str | None:
    raw = obj.get("url")
    if isinstance(raw, list):
        raw = next((u for u in raw if isinstance(u, str)), None)
    if isinstance(raw, dict):
        raw = raw.get("@id") or raw.get("url")
    text = _text(raw)
    return urljoin(doc.url, text) if text else None


def _guid(obj: dict[str, Any]) -> str | None:
    raw = obj.get("@id")
    return raw if isinstance(raw, str) and raw and not raw.startswith("_:") else None


def _language(source: JsonldSource, obj: dict[str, Any]) -> str | None:
    raw = obj.get("inLanguage")
    if isinstance(raw, dict):
        raw = raw.get("alternateName") or raw.get("name")
    return _text(raw) or source.language


def _when(
    obj: dict[str, Any], key: str, language: str | None, where: str, warnings: list[str]
) -> datetime | date | None:
    """schema.org dates are ISO 8601; a site writing human text gets one careful reading."""
    text = _text(obj.get(key))
    if not text:
        return None
    value = parse_date_text(text, language=language)
    if value is None:
        warnings.append(f"{where}: cannot read {key} {text!r}; left empty")
    return value


def _article(
    source: JsonldSource,
    doc: FetchedDocument,
    obj: dict[str, Any],
    kind: ItemKind,
    title: str,
    where: str,
    warnings: list[str],
) -> ParsedItem:
    summary = _summary_html(obj.get("description")) or _summary_html(
        obj.get("articleBody"), excerpt=True
    )
    return ParsedItem(
        kind=kind,
        title=title,
        url=_url(doc, obj),
        guid=_guid(obj),
        summary_html=summary,
        published_at=as_datetime(_when(obj, "datePublished", source.language, where, warnings)),
        language=_language(source, obj),
        organizer=_name(obj.get("publisher")),
        base_url=doc.url,
    )


def _event(
    source: JsonldSource,
    doc: FetchedDocument,
    obj: dict[str, Any],
    title: str,
    where: str,
    warnings: list[str],
) -> ParsedItem:
    location, virtual = _location(obj.get("location"))
    mode = _text(obj.get("eventAttendanceMode"))
    online: bool | None
    if mode.endswith(("OnlineEventAttendanceMode", "MixedEventAttendanceMode")):
        online = True
    elif mode.endswith("OfflineEventAttendanceMode"):
        online = False
    else:
        online = True if virtual else None
    return ParsedItem(
        kind="event",
        title=title,
        url=_url(doc, obj),
        guid=_guid(obj),
        summary_html=_summary_html(obj.get("description")),
        starts_at=_when(obj, "startDate", source.language, where, warnings),
        ends_at=_when(obj, "endDate", source.language, where, warnings),
        location=location,
        online=online,
        language=_language(source, obj),
        organizer=_name(obj.get("organizer")),
        base_url=doc.url,
    )


def _location(value: Any) -> tuple[str | None, bool]:
    """The physical place as "City, Country" (or "Place, City"), and whether one is virtual."""
    place: str | None = None
    virtual = False
    for entry in _as_list(value):
        if isinstance(entry, str):
            place = place or _text(entry) or None
        elif isinstance(entry, dict):
            if "VirtualLocation" in _types(entry):
                virtual = True
            else:
                place = place or _place(entry)
    return place, virtual


def _place(place: dict[str, Any]) -> str | None:
    name = _text(place.get("name"))
    address = place.get("address")
    if isinstance(address, dict):
        locality = _text(address.get("addressLocality"))
        country = _name(address.get("addressCountry")) or ""
        if locality and country:
            return f"{locality}, {country}"
        if name and (locality or country):
            return f"{name}, {locality or country}"
        return locality or country or name or None
    return _text(address) or name or None
