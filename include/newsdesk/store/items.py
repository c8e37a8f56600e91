"""Writing normalised items to the staging database, and reading them back.

An item's identity is ``item_key = sha256(partner_id + "\\n" + identity)`` where the
identity is the canonical URL, else ``guid:<guid>``, else ``hash:<content_hash>``. The
write is one ``INSERT ... ON CONFLICT (item_key) DO UPDATE`` per item (the dialect's own
``insert``), so a re-run adds no rows and two ingests of the same source running at once
cannot create a duplicate: the database arbitrates, not a read-then-write in Python.

Which sighting wins: the source that first reported an item (``items.source_id``) owns
its content and overwrites it on every run; another source of the same partner reporting
the same URL only fills fields that are still empty, and adds a provenance row. A missing
value (NULL) never erases a stored one. Two
sources that word one item differently therefore do not flip its content back and forth
on every run (which would also make "updated" counts meaningless).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Table, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newsdesk.errors import StoreError
from newsdesk.records import Item
from newsdesk.store.models import ItemRow, ItemSourceRow

#: Content columns compared to tell "updated" from "unchanged" (not first/last seen).
CONTENT_COLUMNS: tuple[str, ...] = (
    "kind", "title", "url", "canonical_url", "guid", "summary_html", "summary_text",
    "published_at", "starts_at", "ends_at", "all_day", "event_tz", "location", "city",
    "country", "online", "recurrence", "language", "organizer", "content_hash",
)
#: Columns a non-owning source may fill while they are still NULL.
_NULLABLE_CONTENT = frozenset(
    name for name in CONTENT_COLUMNS if ItemRow.__table__.c[name].nullable
)
#: Keys per ``IN (...)`` lookup: far below SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500


@dataclass(frozen=True)
class UpsertCounts:
    """What one :func:`upsert_items` call did, item by item."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


def item_identity(item: Item) -> str:
    """The string an item is known by within its partner: URL, else guid, else content."""
    if item.canonical_url:
        return item.canonical_url
    if item.guid:
        return f"guid:{item.guid}"
    return f"hash:{item.content_hash}"


def item_key(item: Item) -> str:
    """``sha256(partner_id + "\\n" + identity)`` as 64 hex digits (``items.item_key``)."""
    return hashlib.sha256(f"{item.partner_id}\n{item_identity(item)}".encode()).hexdigest()


def upsert_items(
    session: Session, items: Sequence[Item], *, source_id: str, seen_at: datetime
) -> UpsertCounts:
    """Insert or update ``items`` as reported by ``source_id`` at ``seen_at``.

    Idempotent: the same items again add no row to ``items`` nor ``item_sources``; only
    ``last_seen`` moves. ``first_seen`` is never changed. When no row has the item's key
    but a row of the same partner has its guid (the URL changed), that row is re-keyed and
    updated instead of a new row being added. Rows are written in key order so that two
    concurrent writers lock them in the same order and cannot deadlock. The caller owns
    the transaction (commit or rollback).
    """
    if seen_at.tzinfo is None:
        raise StoreError(f"upsert_items for source {source_id!r}: seen_at must be timezone-aware")
    rows = _rows_by_key(items, source_id=source_id, seen_at=seen_at)
    if not rows:
        return UpsertCounts()
    before = _content_by_key(session, list(rows))
    _rekey_guid_matches(session, rows, before)
    # One statement executed with many parameter sets: SQLAlchemy batches it into
    # multi-row VALUES ("insertmanyvalues") and compiles it once per process.
    stmt = _item_upsert(_dialect(session))
    returned: dict[str, dict[str, Any]] = {}
    for row in session.execute(stmt, [rows[key] for key in sorted(rows)]).mappings():
        returned[row["item_key"]] = dict(row)
    _upsert_provenance(session, sorted(row["id"] for row in returned.values()),
                       source_id=source_id, seen_at=seen_at)
    return _count(returned, before, seen_at)


def _rows_by_key(
    items: Iterable[Item], *, source_id: str, seen_at: datetime
) -> dict[str, dict[str, Any]]:
    """Item records as ``items`` rows keyed by item_key; a key repeated in one batch
    (a feed listing the same URL twice) keeps its first occurrence."""
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        key = item_key(item)
        if key in rows:
            continue
        row = {name: getattr(item, name) for name in CONTENT_COLUMNS}
        row.update(item_key=key, partner_id=item.partner_id, source_id=source_id,
                   first_seen=seen_at, last_seen=seen_at)
        rows[key] = row
    return rows


def _content_by_key(session: Session, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The current content of the rows that already have one of ``keys``."""
    found: dict[str, dict[str, Any]] = {}
    columns = [ItemRow.__table__.c[name] for name in ("id", "item_key", *CONTENT_COLUMNS)]
    for start in range(0, len(keys), _CHUNK):
        stmt = select(*columns).where(ItemRow.item_key.in_(keys[start:start + _CHUNK]))
        for row in session.execute(stmt).mappings():
            found[row["item_key"]] = dict(row)
    return found


def _rekey_guid_matches(
    session: Session, rows: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]]
) -> None:
    """Give a row found by (partner, guid) the new key, so the upsert updates it.

    Only for items whose key is not stored yet. The ``NOT EXISTS`` guard leaves the row
    alone if the new key appeared meanwhile (a concurrent writer got there first).
    """
    wanted = {(row["partner_id"], row["guid"]): key for key, row in rows.items()
              if key not in before and row["guid"]}
    if not wanted:
        return
    matches: dict[str, tuple[int, str]] = {}
    for partner_id in sorted({partner for partner, _ in wanted}):
        guids = sorted(guid for partner, guid in wanted if partner == partner_id)
        for start in range(0, len(guids), _CHUNK):
            stmt = (select(ItemRow.id, ItemRow.item_key, ItemRow.guid)
                    .where(ItemRow.partner_id == partner_id,
                           ItemRow.guid.in_(guids[start:start + _CHUNK]))
                    .order_by(ItemRow.id))
            for row_id, old_key, guid in session.execute(stmt):
                new_key = wanted[(partner_id, guid)]
                if new_key not in matches and old_key not in rows:
                    matches[new_key] = (row_id, old_key)
    other = ItemRow.__table__.alias("other")
    for new_key in sorted(matches):
        row_id, old_key = matches[new_key]
        session.execute(
            update(ItemRow)
            .where(ItemRow.id == row_id,
                   ~select(other.c.id).where(other.c.item_key == new_key).exists())
            .values(item_key=new_key)
        )
        stored = _content_by_key(session, [new_key])
        if new_key in stored:
            before[new_key] = stored[new_key]


def _dialect(session: Session) -> str:
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise StoreError(f"staging database dialect {dialect!r} is not supported "
                         "(use SQLite or PostgreSQL)")
    return dialect


def _insert(dialect: str, table: Table) -> Any:
    """The dialect's own INSERT, the one with ``on_conflict_do_update``."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@lru_cache(maxsize=4)
def _item_upsert(dialect: str) -> Any:
    """The items upsert, built once per dialect (statements are immutable)."""
    table: Table = ItemRow.__table__  # type: ignore[assignment]
    stmt = _insert(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.item_key], set_=_update_set(table, stmt.excluded)
    ).returning(table.c.id, table.c.item_key, table.c.first_seen,
                *(table.c[name] for name in CONTENT_COLUMNS))


@lru_cache(maxsize=4)
def _provenance_upsert(dialect: str) -> Any:
    table: Table = ItemSourceRow.__table__  # type: ignore[assignment]
    stmt = _insert(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.item_id, table.c.source_id],
        set_={"last_seen": stmt.excluded.last_seen},
    )


def _update_set(table: Table, excluded: Any) -> dict[str, ColumnElement[Any]]:
    """ON CONFLICT assignments: the owning source overwrites, others fill empty fields.

    A NULL never erases a value (from either): a source that stops stating a location
    does not make two sources take turns at setting and clearing it.
    """
    owner = table.c.source_id == excluded.source_id
    assignments: dict[str, ColumnElement[Any]] = {}
    for name in CONTENT_COLUMNS:
        current, incoming = table.c[name], excluded[name]
        if name in _NULLABLE_CONTENT:
            assignments[name] = case((owner, func.coalesce(incoming, current)),
                                     else_=func.coalesce(current, incoming))
        else:
            assignments[name] = case((owner, incoming), else_=current)
    assignments["last_seen"] = excluded.last_seen
    return assignments


def _upsert_provenance(session: Session, item_ids: list[int], *, source_id: str,
                       seen_at: datetime) -> None:
    """One ``item_sources`` row per (item, source): first_seen kept, last_seen bumped."""
    if not item_ids:
        return
    rows = [{"item_id": item_id, "source_id": source_id, "first_seen": seen_at,
             "last_seen": seen_at} for item_id in item_ids]
    session.execute(_provenance_upsert(_dialect(session)), rows)


def _count(returned: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]],
           seen_at: datetime) -> UpsertCounts:
    new = updated = unchanged = 0
    for key, row in returned.items():
        old = before.get(key)
        if old is None:
            # Not there when we looked: ours, unless a concurrent writer inserted it first.
            if row["first_seen"] == seen_at:
                new += 1
            else:
                unchanged += 1
        elif any(old[name] != row[name] for name in CONTENT_COLUMNS):
            updated += 1
        else:
            unchanged += 1
    return UpsertCounts(new=new, updated=updated, unchanged=unchanged)


def list_items(session: Session) -> list[ItemRow]:
    """Every stored item with its provenance, in id order (the order they were first seen)."""
    return list(session.scalars(select(ItemRow).order_by(ItemRow.id)))


def item_titles(session: Session, item_ids: list[int]) -> dict[int, str]:
    """The titles of these items by id (ids that no longer exist are left out)."""
    if not item_ids:
        return {}
    rows = session.execute(select(ItemRow.id, ItemRow.title).where(ItemRow.id.in_(item_ids)))
    return {int(item_id): str(title) for item_id, title in rows}


def item_as_json(row: ItemRow) -> dict[str, Any]:
    """The ``newsdesk items --json`` object of one item (a contract: keys are only added).

    Datetimes are ISO 8601 with offset; an all-day event's ``starts_at`` / ``ends_at`` are
    plain ``YYYY-MM-DD`` dates (``ends_at`` is the last day, inclusive).
    """

    def when(value: datetime | None, *, as_date: bool = False) -> str | None:
        if value is None:
            return None
        return _as_date(value).isoformat() if as_date else value.isoformat()

    return {
        "id": row.id,
        "partner": row.partner_id,
        "kind": row.kind,
        "title": row.title,
        "url": row.url,
        "canonical_url": row.canonical_url,
        "summary_text": row.summary_text,
        "summary_html": row.summary_html,
        "published_at": when(row.published_at),
        "starts_at": when(row.starts_at, as_date=row.all_day),
        "ends_at": when(row.ends_at, as_date=row.all_day),
        "all_day": row.all_day,
        "event_tz": row.event_tz,
        "location": row.location,
        "city": row.city,
        "country": row.country,
        "online": row.online,
        "recurrence": row.recurrence,
        "language": row.language,
        "organizer": row.organizer,
        "cluster_id": row.cluster_id,
        "source": row.source_id,
        "sources": sorted(link.source_id for link in row.sources),
        "guid": row.guid,
        "content_hash": row.content_hash,
        "first_seen": when(row.first_seen),
        "last_seen": when(row.last_seen),
    }


def _as_date(value: datetime) -> date:
    return value.astimezone(UTC).date()
