"""Clusters in the staging database: run the dedupe engine over every item, write the diff.

``recluster`` reads the dedupe fields of all items with one column-only SELECT (no ORM
objects: 100k items load in a second or two), runs :func:`newsdesk.dedupe.cluster_records`
and writes only what changed: new cluster rows, changed representatives or sizes, the
``items.cluster_id`` values that moved, and the removal of clusters nobody belongs to any
more. The result depends only on the items and the editor splits, so a second run writes
nothing.

The engine runs **outside** the write transaction: the items and splits are read in one
read-only transaction (a consistent snapshot; on SQLite under WAL it blocks no writer),
the clusters are computed with no lock held, and only the diff is written in a short
transaction. An ingest running meanwhile waits at most for that write, never for the
computation. Items that arrive after the snapshot keep ``cluster_id`` NULL until the next
recluster places them (the ingest DAG reclusters after every run).

Two writes never interleave: on PostgreSQL the write transaction takes a
transaction-level advisory lock; on SQLite it starts with ``BEGIN IMMEDIATE``. Each write
re-reads the stored clusters and item assignments inside its transaction, so the diff is
against what is stored then, whatever another run wrote meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from newsdesk.dedupe import Cluster, DedupeRecord, PartnerNames, Thresholds, cluster_records
from newsdesk.errors import StoreError
from newsdesk.store.database import connect, require_migrated, session_scope
from newsdesk.store.models import ClusterRow, ClusterSplitRow, ItemRow, utcnow

#: ``pg_advisory_xact_lock`` key of the recluster transaction ("ndclustr" in ASCII).
RECLUSTER_LOCK_KEY = 0x6E64636C75737472
#: Ids per ``IN (...)`` list, far below SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500

_ITEMS = cast(Table, ItemRow.__table__)
_CLUSTERS = cast(Table, ClusterRow.__table__)
_DEDUPE_COLUMNS = (
    ItemRow.id, ItemRow.partner_id, ItemRow.kind, ItemRow.title, ItemRow.first_seen,
    ItemRow.canonical_url, ItemRow.content_hash, ItemRow.summary_text, ItemRow.published_at,
    ItemRow.starts_at, ItemRow.ends_at, ItemRow.all_day, ItemRow.event_tz, ItemRow.location,
    ItemRow.city, ItemRow.country, ItemRow.online, ItemRow.organizer, ItemRow.url,
    ItemRow.cluster_id,
)


@dataclass(frozen=True)
class ClusterStats:
    """What one recluster found and did.

    ``changed`` counts rows written: cluster rows inserted, updated or deleted plus items
    whose ``cluster_id`` moved; 0 means the stored clustering was already current.
    """

    items: int
    clusters: int
    multi_item_clusters: int
    changed: int


def _describe(db_url: str) -> str:
    return connect(db_url).url.render_as_string(hide_password=True)


def _serialise(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RECLUSTER_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _load(conn: Connection) -> list[DedupeRecord]:
    records: list[DedupeRecord] = []
    for row in conn.execute(select(*_DEDUPE_COLUMNS)):
        records.append(DedupeRecord(
            id=row.id, partner_id=row.partner_id, kind=row.kind, title=row.title,
            first_seen=row.first_seen, canonical_url=row.canonical_url,
            content_hash=row.content_hash, summary_text=row.summary_text or "",
            published_at=row.published_at, starts_at=row.starts_at, ends_at=row.ends_at,
            all_day=bool(row.all_day), event_tz=row.event_tz, location=row.location,
            city=row.city, country=row.country, online=row.online, organizer=row.organizer,
            has_url=bool(row.url),
        ))
    return records


def _assignments(conn: Connection) -> dict[int, int | None]:
    """``item id -> cluster_id`` as stored now (read inside the write transaction)."""
    return dict(conn.execute(select(_ITEMS.c.id, _ITEMS.c.cluster_id)).tuples().all())


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _write_clusters(conn: Connection, clusters: Sequence[Cluster]) -> tuple[int, set[int]]:
    """Insert new and update changed cluster rows; return (rows written, stale ids)."""
    stored = {row.id: (row.representative_item_id, row.size)
              for row in conn.execute(select(_CLUSTERS.c.id, _CLUSTERS.c.representative_item_id,
                                             _CLUSTERS.c.size))}
    now = utcnow()
    new, changed = [], []
    for cluster in clusters:
        want = (cluster.representative_id, cluster.size)
        have = stored.pop(cluster.id, None)
        if have is None:
            new.append({"id": cluster.id, "representative_item_id": want[0], "size": want[1],
                        "updated_at": now})
        elif have != want:
            changed.append({"b_id": cluster.id, "b_rep": want[0], "b_size": want[1],
                            "b_now": now})
    if new:
        conn.execute(insert(_CLUSTERS), new)
    if changed:
        conn.execute(
            update(_CLUSTERS).where(_CLUSTERS.c.id == bindparam("b_id")).values(
                representative_item_id=bindparam("b_rep"), size=bindparam("b_size"),
                updated_at=bindparam("b_now")),
            changed,
        )
    return len(new) + len(changed), set(stored)


def _move_items(conn: Connection, clusters: Sequence[Cluster],
                current: dict[int, int | None]) -> int:
    """Point items at their cluster where they point elsewhere; return how many moved."""
    alone: list[int] = []  # singletons: cluster id = own id, one statement per chunk
    moved = 0
    for cluster in clusters:
        stale = [m for m in cluster.members if current.get(m) != cluster.id]
        if not stale:
            continue
        moved += len(stale)
        if cluster.size == 1:
            alone.extend(stale)
            continue
        for chunk in _chunks(stale):
            conn.execute(update(_ITEMS).where(_ITEMS.c.id.in_(chunk))
                         .values(cluster_id=cluster.id))
    for chunk in _chunks(alone):
        conn.execute(update(_ITEMS).where(_ITEMS.c.id.in_(chunk))
                     .values(cluster_id=_ITEMS.c.id))
    return moved


def recluster(db_url: str, *, partners: PartnerNames | None = None,
              thresholds: Thresholds | None = None) -> ClusterStats:
    """Cluster every stored item and store the result (deterministic, idempotent).

    ``partners`` (``partner_id -> short names``, see :func:`newsdesk.dedupe.partner_names`)
    improves label stripping and the representative rule; without it partner ids serve as
    names. Editor splits in ``cluster_splits`` are always honoured.
    """
    require_migrated(db_url)
    try:
        engine = connect(db_url)
        with engine.connect() as conn, conn.begin():
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN")  # one read snapshot for items and splits
            records = _load(conn)
            splits = [(row.item_low, row.item_high) for row in conn.execute(
                select(ClusterSplitRow.item_low, ClusterSplitRow.item_high))]
        clusters = cluster_records(records, partners=partners, cannot_link=splits,
                                   thresholds=thresholds)
        with engine.begin() as conn:
            _serialise(conn)
            current = _assignments(conn)
            written, stale = _write_clusters(conn, clusters)
            moved = _move_items(conn, clusters, current)
            for chunk in _chunks(sorted(stale)):
                conn.execute(delete(_CLUSTERS).where(_CLUSTERS.c.id.in_(chunk)))
    except SQLAlchemyError as exc:
        raise StoreError(f"staging database {_describe(db_url)}: recluster failed: {exc}"
                         ) from exc
    return ClusterStats(
        items=len(records), clusters=len(clusters),
        multi_item_clusters=sum(1 for c in clusters if c.size > 1),
        changed=written + moved + len(stale),
    )


def split_items(db_url: str, item_a: int, item_b: int, *, editor: str,
                partners: PartnerNames | None = None,
                thresholds: Thresholds | None = None) -> None:
    """Record an editor's "these are not the same" for two items, then recluster.

    The split is stored by item ids, so it holds through re-ingest (items keep their ids)
    and every later recluster; recording the same split twice keeps one row.
    """
    if item_a == item_b:
        raise StoreError(f"cannot split item {item_a} from itself (editor {editor!r})")
    low, high = sorted((item_a, item_b))
    require_migrated(db_url)
    with session_scope(db_url) as session:
        found = set(session.scalars(select(ItemRow.id).where(ItemRow.id.in_((low, high)))))
        missing = sorted({low, high} - found)
        if missing:
            raise StoreError(f"staging database {_describe(db_url)}: cannot split items "
                             f"{low} and {high} (editor {editor!r}): no item {missing[0]}")
        exists = session.scalar(select(ClusterSplitRow.id).where(
            ClusterSplitRow.item_low == low, ClusterSplitRow.item_high == high))
        if exists is None:
            session.add(ClusterSplitRow(item_low=low, item_high=high, created_by=editor))
    recluster(db_url, partners=partners, thresholds=thresholds)


def cluster_members(db_url: str, cluster_id: int) -> list[int]:
    """Item ids of a cluster, ascending; an unknown cluster id is an error, not []."""
    with session_scope(db_url) as session:
        if session.get(ClusterRow, cluster_id) is None:
            raise StoreError(f"staging database {_describe(db_url)}: no cluster {cluster_id}")
        return list(session.scalars(
            select(ItemRow.id).where(ItemRow.cluster_id == cluster_id).order_by(ItemRow.id)))
