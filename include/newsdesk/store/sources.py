"""Registry sources in the staging database, and the fetch log operators read.

``sources`` remembers, per registry source, what a conditional GET needs next time (ETag,
Last-Modified) and how the source is doing (last status, consecutive failures);
``fetch_log`` keeps one line per attempt. Validators are replaced only by a successful
fetch: a failure or a 304 leaves the ones that earned the 304.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newsdesk.credentials import redact_url
from newsdesk.errors import StoreError
from newsdesk.records import SourceReport
from newsdesk.registry import AnySource, Partner, Registry, source_key
from newsdesk.store.models import FetchLogRow, SourceRow, utcnow


@dataclass(frozen=True)
class SourceHealth:
    """One source as an operator sees it: how its last fetch went and since when it fails."""

    source_id: str
    partner_id: str
    kind: str
    url: str
    last_status: str | None
    last_error: str | None
    last_fetched_at: datetime | None
    last_ok_at: datetime | None  # last fetch that was ok or not_modified
    consecutive_failures: int


def upsert_source(session: Session, partner: Partner, source: AnySource) -> str:
    """Insert or refresh the row of one registry source; returns its id.

    When a source's URL changed under the same id, its validators are dropped: an ETag
    from the old URL must not be sent to the new one. The URL is stored without its
    credentials (:func:`~newsdesk.credentials.redact_url`).
    """
    source_id = source_key(partner, source)
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise StoreError(f"staging database dialect {dialect!r} is not supported")
    session.execute(_source_upsert(dialect), {
        "id": source_id, "partner_id": partner.id, "kind": source.kind,
        "url": redact_url(source.url),
        "consecutive_failures": 0,
    })
    return source_id


@lru_cache(maxsize=4)
def _source_upsert(dialect: str) -> Any:
    """The sources upsert, built once per dialect (statements are immutable)."""
    table: Table = SourceRow.__table__  # type: ignore[assignment]
    stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    same_url = table.c.url == stmt.excluded.url
    return stmt.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={
            "partner_id": stmt.excluded.partner_id,
            "kind": stmt.excluded.kind,
            "url": stmt.excluded.url,
            "etag": case((same_url, table.c.etag), else_=None),
            "last_modified": case((same_url, table.c.last_modified), else_=None),
        },
    )


def sync_sources(session: Session, registry: Registry) -> list[str]:
    """Upsert a row for every source in the registry (enabled or not); returns their ids."""
    return [upsert_source(session, partner, source)
            for partner in registry.partners for source in partner.sources]


def validators(session: Session, source_id: str, url: str) -> tuple[str | None, str | None]:
    """``(etag, last_modified)`` to send with the next conditional GET of ``url``.

    Only validators earned by that very URL: when the registry moved the source to a new
    URL, an ETag from the old one must not be sent to it. A read, so that ingestion writes
    the source's row once, in the transaction that records the fetch.
    """
    row = session.get(SourceRow, source_id)
    if row is None or row.url != redact_url(url):
        return None, None
    return row.etag, row.last_modified


def record_fetch(session: Session, report: SourceReport, *, etag: str | None,
                 last_modified: str | None, fetched_at: datetime | None = None) -> None:
    """Log one fetch of a source and update the source's row.

    ``etag`` / ``last_modified`` are what the server sent; they replace the stored ones
    only when ``report.status`` is ``"ok"``. The source row must exist (see
    :func:`upsert_source`).
    """
    when = fetched_at or utcnow()
    row = session.get(SourceRow, report.source_id)
    if row is None:
        raise StoreError(f"source {report.source_id!r} is not in the sources table: "
                         "sync the registry before recording its fetches")
    session.add(FetchLogRow(
        source_id=report.source_id, fetched_at=when, status=report.status,
        http_status=report.http_status, bytes_read=report.bytes_read,
        duration_s=report.duration_s, items_found=report.items_found,
        items_new=report.items_new, items_updated=report.items_updated, error=report.error,
    ))
    row.last_fetched_at = when
    row.last_status = report.status
    row.last_error = report.error
    if report.status == "failed":
        row.consecutive_failures = (row.consecutive_failures or 0) + 1
    else:
        row.consecutive_failures = 0
    if report.status == "ok":
        row.etag, row.last_modified = etag, last_modified
    session.flush()


def source_health(session: Session) -> list[SourceHealth]:
    """Every known source with its last outcome, failing ones first, then by id."""
    last_ok = (
        select(FetchLogRow.source_id, func.max(FetchLogRow.fetched_at).label("last_ok_at"))
        .where(FetchLogRow.status.in_(("ok", "not_modified")))
        .group_by(FetchLogRow.source_id)
        .subquery()
    )
    stmt = (
        select(SourceRow, last_ok.c.last_ok_at)
        .outerjoin(last_ok, last_ok.c.source_id == SourceRow.id)
        .order_by(SourceRow.consecutive_failures.desc(), SourceRow.id)
    )
    health = []
    for row, last_ok_at in session.execute(stmt):
        health.append(SourceHealth(
            source_id=row.id, partner_id=row.partner_id, kind=row.kind, url=row.url,
            last_status=row.last_status, last_error=row.last_error,
            last_fetched_at=row.last_fetched_at,
            last_ok_at=last_ok_at,
            consecutive_failures=row.consecutive_failures,
        ))
    return health


def fetch_log(session: Session, source_id: str | None = None) -> list[FetchLogRow]:
    """Fetch-log lines, oldest first; only those of ``source_id`` when given."""
    stmt = select(FetchLogRow).order_by(FetchLogRow.id)
    if source_id is not None:
        stmt = stmt.where(FetchLogRow.source_id == source_id)
    return list(session.scalars(stmt))

