"""recluster / split_items / cluster_members on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from newsdesk.errors import StoreError
from newsdesk.store.clusters import ClusterStats, cluster_members, recluster, split_items
from newsdesk.store.database import session_scope
from newsdesk.store.models import ClusterRow, ClusterSplitRow, ItemRow

SEEN = datetime(2024, 9, 1, tzinfo=UTC)
JAKARTA = datetime(2024, 11, 13, tzinfo=UTC)
PARTNERS = {"aapa": ("AAPA",), "eropa": ("EROPA",), "ipac": ("IPAC",)}


def add_item(db_url: str, partner: str, title: str, **fields: Any) -> int:
    """Insert one item row directly and return its id."""
    key = hashlib.sha256(f"{partner}\n{title}\n{fields}".encode()).hexdigest()
    values: dict[str, Any] = {
        "item_key": key, "partner_id": partner, "source_id": f"{partner}/events",
        "kind": "event", "title": title, "content_hash": key, "first_seen": SEEN,
        "last_seen": SEEN, "summary_text": "",
    }
    values.update(fields)
    with session_scope(db_url) as session:
        row = ItemRow(**values)
        session.add(row)
        session.flush()
        return row.id


def jakarta_pair(db_url: str) -> tuple[int, int]:
    aapa = add_item(db_url, "aapa", "AAPA Annual Conference 2024: Public Administration for "
                    "the SDGs", starts_at=JAKARTA, ends_at=JAKARTA + timedelta(days=2),
                    all_day=True, city="Jakarta", country="Indonesia",
                    url="https://aapa.example.org/conference")
    eropa = add_item(db_url, "eropa", "EROPA–AAPA Joint Conference 2024, Jakarta",
                     starts_at=JAKARTA + timedelta(hours=2),
                     ends_at=JAKARTA + timedelta(days=2, hours=10), event_tz="Asia/Jakarta",
                     city="Jakarta")
    return aapa, eropa


def stored(db_url: str) -> tuple[dict[int, int | None], dict[int, tuple[int, int]]]:
    with session_scope(db_url) as session:
        items = dict(session.execute(select(ItemRow.id, ItemRow.cluster_id)).tuples().all())
        clusters = {row.id: (row.representative_item_id, row.size)
                    for row in session.scalars(select(ClusterRow))}
    return items, clusters


def test_recluster_groups_duplicates_and_is_idempotent(db_url: str) -> None:
    aapa, eropa = jakarta_pair(db_url)
    other = add_item(db_url, "ipac", "IPAC Leadership Summit", starts_at=JAKARTA,
                     all_day=True, city="Ottawa")
    first = recluster(db_url, partners=PARTNERS)
    assert first == ClusterStats(items=3, clusters=2, multi_item_clusters=1, changed=5)
    items, clusters = stored(db_url)
    assert items == {aapa: aapa, eropa: aapa, other: other}
    assert clusters == {aapa: (aapa, 2), other: (other, 1)}
    assert cluster_members(db_url, aapa) == [aapa, eropa]

    with session_scope(db_url) as session:
        before = {row.id: row.updated_at for row in session.scalars(select(ClusterRow))}
    again = recluster(db_url, partners=PARTNERS)
    assert again == ClusterStats(items=3, clusters=2, multi_item_clusters=1, changed=0)
    assert stored(db_url) == (items, clusters)
    with session_scope(db_url) as session:
        assert {row.id: row.updated_at for row in session.scalars(select(ClusterRow))} == before


def test_new_duplicate_joins_and_smaller_id_takes_over_the_cluster_id(db_url: str) -> None:
    later = add_item(db_url, "eropa", "Forum on Digital Trust", starts_at=JAKARTA,
                     all_day=True)
    recluster(db_url)
    url_twin = add_item(db_url, "ipac", "Digital trust (repost)", starts_at=JAKARTA,
                        canonical_url="https://eropa.example.org/forum")
    with session_scope(db_url) as session:  # the first item learns its canonical URL
        session.execute(update(ItemRow).where(ItemRow.id == later)
                        .values(canonical_url="https://eropa.example.org/forum"))
    stats = recluster(db_url)
    assert (stats.clusters, stats.multi_item_clusters) == (1, 1)
    assert stored(db_url)[0] == {later: later, url_twin: later}


def test_stale_clusters_are_removed(db_url: str) -> None:
    aapa, eropa = jakarta_pair(db_url)
    recluster(db_url, partners=PARTNERS)
    with session_scope(db_url) as session:  # re-ingest moves the EROPA event to 2025
        session.execute(update(ItemRow).where(ItemRow.id == eropa).values(
            starts_at=JAKARTA + timedelta(days=365), ends_at=None))
    stats = recluster(db_url, partners=PARTNERS)
    assert stats == ClusterStats(items=2, clusters=2, multi_item_clusters=0, changed=3)
    assert stored(db_url) == ({aapa: aapa, eropa: eropa}, {aapa: (aapa, 1), eropa: (eropa, 1)})

    with session_scope(db_url) as session:  # an orphan cluster row from an older run
        session.add(ClusterRow(id=eropa + 100, representative_item_id=eropa, size=1))
    assert recluster(db_url, partners=PARTNERS).changed == 1
    assert set(stored(db_url)[1]) == {aapa, eropa}


def test_editor_split_survives_reingest_and_recluster(db_url: str) -> None:
    aapa, eropa = jakarta_pair(db_url)
    recluster(db_url, partners=PARTNERS)
    split_items(db_url, eropa, aapa, editor="editor@unpan.example")
    split_items(db_url, aapa, eropa, editor="editor@unpan.example")  # again: one row
    assert stored(db_url)[0] == {aapa: aapa, eropa: eropa}
    with session_scope(db_url) as session:
        splits = session.execute(select(ClusterSplitRow.item_low, ClusterSplitRow.item_high,
                                        ClusterSplitRow.created_by)).all()
    assert [tuple(s) for s in splits] == [(aapa, eropa, "editor@unpan.example")]

    with session_scope(db_url) as session:  # re-ingest: same rows, refreshed content
        session.execute(update(ItemRow).where(ItemRow.id.in_((aapa, eropa))).values(
            last_seen=SEEN + timedelta(days=7), summary_text="Updated programme."))
    third = add_item(db_url, "ipac", "IPAC: AAPA Annual Conference 2024: Public "
                     "Administration for the SDGs", starts_at=JAKARTA,
                     ends_at=JAKARTA + timedelta(days=2), all_day=True, city="Jakarta")
    recluster(db_url, partners=PARTNERS)
    items = stored(db_url)[0]
    assert items[aapa] != items[eropa]
    assert items[third] == items[aapa]


def test_split_and_members_errors_name_the_ids(db_url: str) -> None:
    aapa, _ = jakarta_pair(db_url)
    with pytest.raises(StoreError, match="no item 9999"):
        split_items(db_url, aapa, 9999, editor="ed")
    with pytest.raises(StoreError, match=f"item {aapa} from itself"):
        split_items(db_url, aapa, aapa, editor="ed")
    with pytest.raises(StoreError, match="no cluster 4242"):
        cluster_members(db_url, 4242)
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(ClusterSplitRow)) == 0


def test_concurrent_reclusters_serialise_and_agree(db_url: str) -> None:
    for n in range(30):
        add_item(db_url, "eropa", f"Webinar {n} on digital trust and open data",
                 starts_at=JAKARTA + timedelta(days=3 * n), all_day=True)
        add_item(db_url, "ipac", f"EROPA: Webinar {n} on digital trust and open data",
                 starts_at=JAKARTA + timedelta(days=3 * n), all_day=True)
    results: list[ClusterStats] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(recluster(db_url, partners=PARTNERS))
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.changed for r in results)[:2] == [0, 0]  # only one run wrote
    assert {(r.clusters, r.multi_item_clusters) for r in results} == {(30, 30)}


def test_recluster_on_an_unmigrated_database_is_a_store_error(tmp_path: Any) -> None:
    (tmp_path / "empty.sqlite").touch()
    with pytest.raises(StoreError, match="no schema"):
        recluster(f"sqlite:///{tmp_path / 'empty.sqlite'}")


def test_an_ingest_during_the_recluster_computation_waits_briefly_and_succeeds(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine runs outside the write transaction: a writer arriving meanwhile is not
    held for the whole computation (on SQLite it used to wait on BEGIN IMMEDIATE until the
    recluster ended, and failed with "database is locked" after the busy timeout)."""
    import newsdesk.store.clusters as clusters_module

    aapa, eropa = jakarta_pair(db_url)
    engine = clusters_module.cluster_records
    written: list[int] = []

    def computing_while_an_ingest_writes(*args: Any, **kwargs: Any) -> Any:
        writer = threading.Thread(target=lambda: written.append(add_item(
            db_url, "ipac", "IPAC Leadership Summit", starts_at=JAKARTA, all_day=True)))
        writer.start()
        writer.join(timeout=10)
        assert written, "the ingest was blocked by the recluster's computation"
        return engine(*args, **kwargs)

    monkeypatch.setattr(clusters_module, "cluster_records", computing_while_an_ingest_writes)
    recluster(db_url, partners=PARTNERS)
    monkeypatch.setattr(clusters_module, "cluster_records", engine)
    items, _ = stored(db_url)
    assert items[aapa] == items[eropa] == aapa
    assert items[written[0]] is None  # arrived after the snapshot: the next run places it
    assert recluster(db_url, partners=PARTNERS).changed > 0
    assert stored(db_url)[0][written[0]] == written[0]
