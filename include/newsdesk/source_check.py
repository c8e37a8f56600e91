"""Checking a registry's sources before trusting them to the schedule.

For each source: can we reach it (HTTP status), does robots.txt let us, what kind of
document it really serves (from the Content-Type, then by sniffing the bytes), which feed
an html page advertises, and how many items the parser finds. Nothing is stored; every
problem is reported in the check, never raised, so one bad source does not hide the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from newsdesk.credentials import redact_url
from newsdesk.errors import FetchError, NewsdeskError, RobotsDisallowedError
from newsdesk.fetch import Fetcher
from newsdesk.records import FetchedDocument
from newsdesk.registry import AnySource, Partner, Registry, source_key

_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                         "application/feed+json"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_JSONLD_SCRIPT = re.compile(
    rb"<script[^>]+type=[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script>",
    re.IGNORECASE | re.DOTALL,
)
_SNIFF_BYTES = 2048


@dataclass(frozen=True)
class SourceCheck:
    """The outcome of checking one source; ``error`` names the first step that failed."""

    partner_id: str
    source_id: str
    url: str
    kind: str  # as the registry says
    enabled: bool
    http_status: int | None = None
    robots_allowed: bool | None = None
    detected_kind: str | None = None
    feed_url: str | None = None
    items_found: int | None = None
    error: str | None = None


def detect_kind(document: FetchedDocument) -> str | None:
    """``feed``, ``html``, ``ics`` or ``jsonld`` from the Content-Type, else the bytes.

    An html page counts as ``jsonld`` when it embeds JSON-LD describing events or
    articles (the kind of page a ``jsonld`` source reads); ``None`` when unrecognised.
    """
    media = (document.content_type or "").lower()
    head = document.body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if media in _FEED_TYPES:
        return "feed"
    if media == "text/calendar" or head.startswith(b"begin:vcalendar"):
        return "ics"
    if media == "application/ld+json" or (media == "application/json" and head[:1] in (b"{", b"[")):
        return "jsonld"
    if media in _HTML_TYPES or head.startswith((b"<!doctype html", b"<html")):
        return "jsonld" if _has_item_jsonld(document.body) else "html"
    if re.search(rb"<(rss|feed|rdf:rdf)[\s>]", head):
        return "feed"
    return None


def _has_item_jsonld(body: bytes) -> bool:
    from newsdesk.parse.jsonld import flatten_jsonld, item_kind, load_jsonld

    for match in _JSONLD_SCRIPT.finditer(body):
        try:
            data = load_jsonld(match.group(1).decode("utf-8", errors="replace"))
        except ValueError:
            continue
        objects, _ = flatten_jsonld(data)
        if any(item_kind(obj) is not None for obj in objects):
            return True
    return False


def check_source(fetcher: Fetcher, partner: Partner, source: AnySource) -> SourceCheck:
    """Check one source (robots, fetch, kind, feed discovery, parsing); a failing step
    ends the check with its ``error`` set, it does not raise."""
    from newsdesk.ingest import read_document

    check = SourceCheck(partner_id=partner.id, source_id=source_key(partner, source),
                        url=redact_url(source.url), kind=source.kind, enabled=source.enabled)
    try:
        document = fetcher.fetch(source.url)
    except RobotsDisallowedError as exc:  # says why: a Disallow rule, or robots.txt unreadable
        return replace(check, robots_allowed=False, error=str(exc))
    except FetchError as exc:
        return replace(check, robots_allowed=_robots_allowed(fetcher, source.url),
                       http_status=getattr(exc, "status_code", None), error=str(exc))
    check = replace(check, robots_allowed=True)
    check = replace(check, http_status=document.status_code,
                    detected_kind=detect_kind(document), feed_url=_first_feed(source, document))
    try:
        read = read_document(fetcher, source, document, follow_items=False)
    except NewsdeskError as exc:
        return replace(check, error=str(exc))
    return replace(check, feed_url=read.feed_url or check.feed_url, items_found=len(read.items))


def _robots_allowed(fetcher: Fetcher, url: str) -> bool | None:
    """robots.txt's answer for a URL whose fetch failed otherwise; ``None`` if unknowable."""
    try:
        return fetcher.robots_allowed(url)
    except FetchError:
        return None


def _first_feed(source: AnySource, document: FetchedDocument) -> str | None:
    """The first feed the document advertises (shown even when not configured to use it)."""
    feeds = source.parser().advertised_feeds(document)
    return feeds[0] if feeds else None


def check_registry(registry: Registry, *, fetcher: Fetcher | None = None) -> list[SourceCheck]:
    """Check every source of the registry, enabled or not, in registry order."""
    own = fetcher is None
    active = fetcher or Fetcher(registry.settings)
    try:
        return [check_source(active, partner, source)
                for partner in registry.partners for source in partner.sources]
    finally:
        if own:
            active.close()
