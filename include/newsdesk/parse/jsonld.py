"""JSON-LD: schema.org Events and Articles embedded in a partner's pages.

Event plug-ins (The Events Calendar, Drupal's schema_metatag) and news sites describe their
items in ``<script type="application/ld+json">`` blocks, which is sturdier than scraping the
visible markup. Every block is read; a block may be one object, a list, or an ``@graph``
(and an ``ItemList`` of ``ListItem``s is opened too). The item kind of a ``@type`` follows
the schema.org hierarchy pinned in :mod:`newsdesk.parse.schema_types`: ``Event`` and its
subtypes (``EducationEvent``, ``BusinessEvent``, ...) are events; ``Article``,
``NewsArticle`` and its subtypes (``OpinionNewsArticle``, ...), ``BlogPosting`` and
``LiveBlogPosting`` are news; ``Report``, ``ScholarlyArticle``, ``Book`` and ``Thesis``
are publications. A block that is not JSON is a warning; a page with no usable item at
all is a :class:`ParseError`.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from newsdesk.errors import ParseError
from newsdesk.parse.dates import as_datetime, parse_date_text
from newsdesk.parse.parser import SourceParser
from newsdesk.parse.schema_types import kind_of_type
from newsdesk.records import FetchedDocument, ItemKind, ParsedItem, ParseResult
from newsdesk.registry import JsonldSource

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
#: Longest excerpt taken from ``articleBody`` when an article has no ``description``.
_EXCERPT_CHARS = 400


#: How deeply lists, ``@graph`` and ``itemListElement`` may nest; real pages use three or
#: four levels, and a hostile one 100,000 (which must not cost a RecursionError).
MAX_NESTING = 32
#: At most this many JSON objects are read from one block.
MAX_OBJECTS = 10_000


def jsonld_objects(
    soup: BeautifulSoup, url: str
) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """Every JSON object of the page's JSON-LD blocks, flattened, with its block number
    (from 1, in page order), and a warning for each block that is not JSON or that nests
    or counts past :data:`MAX_NESTING` / :data:`MAX_OBJECTS` (read up to that point)."""
    objects: list[tuple[int, dict[str, Any]]] = []
    warnings: list[str] = []
    scripts = soup.find_all("script", attrs={"type": re.compile(r"^\s*application/ld\+json")})
    for number, script in enumerate(scripts, start=1):
        text = script.string or script.get_text()
        text = text.strip().removeprefix("<![CDATA[").removesuffix("]]>").strip()
        try:
            data = load_jsonld(text)
        except ValueError as exc:
            warnings.append(f"{url}: JSON-LD block {number} {exc}; block skipped")
            continue
        found, stopped = flatten_jsonld(data)
        if stopped:
            warnings.append(f"{url}: JSON-LD block {number} {stopped}; the rest is ignored")
        objects.extend((number, obj) for obj in found)
    return objects, warnings


def load_jsonld(text: str) -> Any:
    """One JSON-LD block's JSON; ``ValueError`` saying why it cannot be read.

    Python's decoder recurses once per nesting level, so a block nested thousands deep
    raises RecursionError there: it is reported like any other unreadable block.
    """
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise ValueError(f"nests deeper than {MAX_NESTING} levels") from None


def flatten_jsonld(data: Any) -> tuple[list[dict[str, Any]], str | None]:
    """The objects of one block: the contents of lists, ``@graph`` and ``itemListElement``
    (a ``ListItem``'s ``item``) before the object holding them, in document order.

    Iterative and bounded: returns what was found within :data:`MAX_NESTING` levels and
    :data:`MAX_OBJECTS` objects, and why it stopped early (``None`` when it did not).
    """
    found: list[dict[str, Any]] = []
    stopped: str | None = None
    # ("visit", value, depth) expands a value; ("emit", obj, depth) yields a finished object.
    stack: list[tuple[str, Any, int]] = [("visit", data, 0)]
    while stack:
        action, value, depth = stack.pop()
        if action == "emit":
            found.append(value)
            if len(found) >= MAX_OBJECTS:
                return found, stopped or f"holds more than {MAX_OBJECTS} objects"
            continue
        if depth > MAX_NESTING:
            stopped = f"nests deeper than {MAX_NESTING} levels"
            continue
        if isinstance(value, list):
            stack.extend(("visit", entry, depth + 1) for entry in reversed(value))
        elif isinstance(value, dict):
            children: list[Any] = []
            if "@graph" in value:
                children.append(value["@graph"])
            if "itemListElement" in value:
                children.extend(entry.get("item", entry) if isinstance(entry, dict) else entry
                                for entry in _as_list(value["itemListElement"]))
            stack.append(("emit", value, depth))
            stack.extend(("visit", child, depth + 1) for child in reversed(children))
    return found, stopped


@dataclass(frozen=True)
class JsonldParser(SourceParser):
    """``kind: jsonld``: the schema.org Events and Articles embedded in a page."""

    source: JsonldSource

    def parse(self, document: FetchedDocument) -> ParseResult:
        return parse_jsonld(self.source, document)


def parse_jsonld(source: JsonldSource, doc: FetchedDocument) -> ParseResult:
    """Read the page's schema.org Events and Articles; see the module docstring."""
    soup = BeautifulSoup(doc.body, "lxml", from_encoding=doc.encoding or None)
    objects, warnings = jsonld_objects(soup, doc.url)
    items: list[ParsedItem] = []
    for block, obj in objects:
        kind = item_kind(obj)
        if kind is None:
            continue
        where = f"{doc.url}: JSON-LD block {block}, {'/'.join(schema_types(obj))}"
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


def schema_types(obj: dict[str, Any]) -> list[str]:
    """``@type`` as short names: ``"schema:Event"`` and ``"https://schema.org/Event"`` -> Event."""
    return [re.split(r"[/:#]", t)[-1] for t in _as_list(obj.get("@type")) if isinstance(t, str)]


def item_kind(obj: dict[str, Any]) -> ItemKind | None:
    """The item kind of a JSON-LD object's types (None: no newsletter item).

    An object declaring several types (``["CreativeWork", "EducationEvent"]``) is an event
    if any type is one, else news, else a publication, whatever their order.
    """
    kinds = {kind_of_type(name) for name in schema_types(obj)}
    return next((k for k in ("event", "news", "publication") if k in kinds), None)


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
            if "VirtualLocation" in schema_types(entry):
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
