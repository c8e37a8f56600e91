"""Ingestion: fetch each registry source, parse and normalise its items, store them.

One source is one unit of work (one Airflow mapped task, one line of ``newsdesk ingest``):
:func:`ingest_source` fetches it with the validators stored last time, parses, normalises,
upserts and writes one fetch-log line, and returns a :class:`SourceReport`. A source that
fails as a whole (unreachable, disallowed, unparsable) yields a report with status
``"failed"``, recorded in the fetch log and returned, not raised: the caller decides
(the DAG task raises so the UI shows it red, the CLI goes on with the next source).
Any other exception in a source's fetch, parse or normalise step is a bug in newsdesk
or a library, but still that one source's failure: its traceback goes to the log, its
report says ``unexpected <type>: <message>``, and the remaining sources and the final
clustering run, in the CLI exactly as in the DAG's separate mapped tasks.

The network phase and the database phase are separate: no transaction is open while we
wait on a partner's server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsdesk.credentials import redact_url
from newsdesk.errors import FetchError, NewsdeskError, ParseError
from newsdesk.fetch import Fetcher
from newsdesk.parse import SourceParser
from newsdesk.records import FetchedDocument, Item, ParsedItem, SourceReport
from newsdesk.registry import AnySource, Partner, Registry, source_key
from newsdesk.store.database import migrate, require_migrated, session_scope
from newsdesk.store.items import upsert_items
from newsdesk.store.models import utcnow
from newsdesk.store.sources import record_fetch, sync_sources, upsert_source, validators

if TYPE_CHECKING:
    from newsdesk.store.clusters import ClusterStats

log = logging.getLogger(__name__)


@dataclass
class SourceFetch:
    """What the network phase brought back for one source.

    ``document`` is the source's own URL as fetched (``not_modified`` on a 304, in which
    case nothing was parsed); ``feed_url`` is the URL read instead when the parser asked
    for it (an html source with ``discover_feed: true`` that advertises a feed).
    """

    document: FetchedDocument
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bytes_read: int = 0
    feed_url: str | None = None


def enabled_source_ids(registry: Registry) -> list[str]:
    """Ids of the enabled sources, in registry order (the Airflow task map's input)."""
    return [source_key(partner, source) for partner, source in registry.enabled_sources()]


def fetch_source(
    fetcher: Fetcher,
    source: AnySource,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    follow_items: bool = True,
) -> SourceFetch:
    """Fetch and parse one source; raises a :class:`NewsdeskError` when it fails as a whole.

    A 304 answer returns at once, unparsed. Otherwise see :func:`read_document`.
    """
    document = fetcher.fetch(source.url, etag=etag, last_modified=last_modified)
    if document.not_modified:
        return SourceFetch(document=document)
    return read_document(fetcher, source, document, follow_items=follow_items)


def read_document(fetcher: Fetcher, source: AnySource, document: FetchedDocument, *,
                  follow_items: bool = True) -> SourceFetch:
    """Parse a source's fetched document, and do what its parser asks of a fetcher.

    The second half of :func:`fetch_source`, for callers that fetched the document
    themselves (``newsdesk sources check`` looks at it before parsing). The parser may
    name another source to read instead (once: what that one's parser asks is not
    followed), or want each item's own page (with ``follow_items``): fetched with the same
    fetcher (same limits, robots and pacing); an item page that fails is a warning, not a
    failure of the source.
    """
    result = SourceFetch(document=document, bytes_read=len(document.body))
    parser = source.parser()
    parsed = parser.parse(document)
    result.items, result.warnings = list(parsed.items), list(parsed.warnings)
    instead = parser.read_instead(parsed)
    if instead is not None:
        other_doc = fetcher.fetch(instead.url)
        result.bytes_read += len(other_doc.body)
        other = instead.parser().parse(other_doc)
        result.feed_url = instead.url
        result.items, result.warnings = list(other.items), list(other.warnings)
    elif follow_items and parser.follows_item_pages():
        result.items = [_follow_item_page(fetcher, parser, item, result) for item in result.items]
    return result


def _follow_item_page(fetcher: Fetcher, parser: SourceParser, item: ParsedItem,
                      result: SourceFetch) -> ParsedItem:
    """The item completed from its own page by the parser; the listing's data on failure."""
    if not item.url:
        return item
    try:
        page_doc = fetcher.fetch(item.url)
        completed = parser.with_item_page(item, page_doc)
    except (FetchError, ParseError) as exc:
        result.warnings.append(f"item page {item.url}: {exc}; kept the listing's data")
        return item
    result.bytes_read += len(page_doc.body)
    return completed


def normalize_items(partner: Partner, source_id: str, parsed: list[ParsedItem],
                    warnings: list[str]) -> list[Item]:
    """Normalise each parsed item; one that cannot be used is skipped with a warning."""
    from newsdesk.normalize import normalize_item

    items: list[Item] = []
    for position, entry in enumerate(parsed, start=1):
        try:
            items.append(normalize_item(entry, partner=partner, source_id=source_id,
                                        default_timezone=partner.timezone))
        except ParseError as exc:
            warnings.append(f"item {position} ({entry.url or entry.title!r}): {exc}; skipped")
    return items


def ingest_source(
    registry: Registry, source_id: str, db_url: str, *, fetcher: Fetcher | None = None
) -> SourceReport:
    """Fetch, parse, normalise and store one source; record and return what happened.

    Uses the stored ETag / Last-Modified: a 304 gives status ``"not_modified"``, parses
    nothing and keeps the validators. A :class:`NewsdeskError` for the source as a whole
    gives status ``"failed"`` with an error naming partner, source and URL.
    """
    require_migrated(db_url)
    partner, source = registry.source(source_id)
    with session_scope(db_url) as session:
        etag, last_modified = validators(session, source_id, source.url)
    shown_url = redact_url(source.url)  # the source's URL as text: never its password
    report = SourceReport(partner_id=partner.id, source_id=source_id, url=shown_url)
    started = time.perf_counter()
    fetched: SourceFetch | None = None
    items: list[Item] = []
    with _fetcher_for(registry, fetcher) as active:
        try:
            fetched = fetch_source(active, source, etag=etag, last_modified=last_modified)
            report.warnings = fetched.warnings
            items = normalize_items(partner, source_id, fetched.items, report.warnings)
        except NewsdeskError as exc:
            report.status = "failed"
            report.http_status = getattr(exc, "status_code", None)
            report.error = redact_url(
                f"partner {partner.id!r}, source {source_id!r} ({shown_url}): {exc}")
        except Exception as exc:  # one source's bug must not end the run
            log.exception("source %s: unexpected error while ingesting %s", source_id, shown_url)
            report.status = "failed"
            message = redact_url(" ".join(str(exc).split()))[:300]
            report.error = (f"partner {partner.id!r}, source {source_id!r} ({shown_url}): "
                            f"unexpected {type(exc).__name__}: {message} (traceback in the log)")
    if fetched is not None:
        report.http_status = fetched.document.status_code
        report.bytes_read = fetched.bytes_read
        report.items_found = len(fetched.items)
        if fetched.document.not_modified and report.status != "failed":
            report.status = "not_modified"
    seen_at = utcnow()
    with session_scope(db_url) as session:
        upsert_source(session, partner, source)  # the row record_fetch updates
        if report.status == "ok" and items:
            counts = upsert_items(session, items, source_id=source_id, seen_at=seen_at)
            report.items_new, report.items_updated = counts.new, counts.updated
        report.duration_s = round(time.perf_counter() - started, 3)
        document = fetched.document if fetched is not None else None
        record_fetch(session, report,
                     etag=document.etag if document else None,
                     last_modified=document.last_modified if document else None,
                     fetched_at=seen_at)
    return report


def ingest_all(registry: Registry, db_url: str, *, fetcher: Fetcher | None = None
               ) -> list[SourceReport]:
    """Migrate, sync the registry, ingest every enabled source in order, then re-cluster.

    One fetcher serves all sources, so per-host pacing and robots.txt are shared. Failed
    sources are in the returned reports; they do not stop the others.
    """
    migrate(db_url)
    with session_scope(db_url) as session:
        sync_sources(session, registry)
    with _fetcher_for(registry, fetcher) as active:
        reports = [ingest_source(registry, source_id, db_url, fetcher=active)
                   for source_id in enabled_source_ids(registry)]
    cluster_items(registry, db_url)
    return reports


def cluster_items(registry: Registry, db_url: str) -> ClusterStats:
    """Re-cluster every stored item, with the registry's partner names.

    The names let the representative rule recognise an organiser's own announcement
    ("AAPA Annual Conference" from AAPA). The CLI and the DAG's last task both call this.
    """
    # Imported here: clustering and its similarity libraries are only needed at this point.
    from newsdesk.dedupe import partner_names
    from newsdesk.store.clusters import recluster

    return recluster(db_url, partners=partner_names(registry))


@contextmanager
def _fetcher_for(registry: Registry, fetcher: Fetcher | None) -> Iterator[Fetcher]:
    """The caller's fetcher (left open), or a new one for the registry's settings (closed)."""
    if fetcher is not None:
        yield fetcher
        return
    with Fetcher(registry.settings) as own:
        yield own
