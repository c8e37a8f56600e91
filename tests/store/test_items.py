"""upsert_items on SQLite and PostgreSQL: identity, idempotence, guid re-keying,
provenance, and two writers at once."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from newsdesk.records import Item
from newsdesk.store.database import connect, session_scope
from newsdesk.store.items import item_as_json, item_key, list_items, upsert_items
from newsdesk.store.models import ItemRow, ItemSourceRow

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)


def make_item(n: int, **changes: object) -> Item:
    title = f"EROPA webinar {n}: digital government in Asia"
    item = Item(
        partner_id="eropa", source_id="eropa/news", kind="news", title=title,
        url=f"https://eropa.example.org/news/{n}",
        canonical_url=f"https://eropa.example.org/news/{n}", guid=f"eropa-{n}",
        summary_html=f"<p>Summary {n}</p>", summary_text=f"Summary {n}",
        published_at=T0 - timedelta(days=n), starts_at=None, ends_at=None, all_day=False,
        event_tz=None, location=None, city=None, country=None, online=None, recurrence=None,
        language="en", organizer=None,
        content_hash=hashlib.sha256(f"{title}\nSummary {n}".encode()).hexdigest(),
    )
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]


def counts(db_url: str) -> tuple[int, int]:
    with session_scope(db_url) as s:
        return (s.scalar(select(func.count()).select_from(ItemRow)) or 0,
                s.scalar(select(func.count()).select_from(ItemSourceRow)) or 0)


def test_insert_then_same_again_adds_zero_rows(db_url: str) -> None:
    items = [make_item(n) for n in range(5)]
    with session_scope(db_url) as s:
        first = upsert_items(s, items, source_id="eropa/news", seen_at=T0)
    assert (first.new, first.updated, first.unchanged) == (5, 0, 0)
    assert counts(db_url) == (5, 5)
    with session_scope(db_url) as s:
        again = upsert_items(s, items, source_id="eropa/news", seen_at=T1)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)
    assert counts(db_url) == (5, 5)
    with session_scope(db_url) as s:
        rows = list_items(s)
        assert [r.first_seen for r in rows] == [T0] * 5
        assert [r.last_seen for r in rows] == [T1] * 5
        assert {(link.first_seen, link.last_seen) for r in rows for link in r.sources} == {(T0, T1)}


def test_changed_content_counts_as_updated_and_keeps_first_seen(db_url: str) -> None:
    with session_scope(db_url) as s:
        upsert_items(s, [make_item(1), make_item(2)], source_id="eropa/news", seen_at=T0)
    edited = make_item(1, title="EROPA webinar 1 (rescheduled)", content_hash="f" * 64)
    with session_scope(db_url) as s:
        result = upsert_items(s, [edited, make_item(2)], source_id="eropa/news", seen_at=T1)
    assert (result.new, result.updated, result.unchanged) == (0, 1, 1)
    with session_scope(db_url) as s:
        row = s.scalars(select(ItemRow).where(ItemRow.guid == "eropa-1")).one()
        assert row.title == "EROPA webinar 1 (rescheduled)"
        assert (row.first_seen, row.last_seen) == (T0, T1)


def test_identity_falls_back_to_guid_then_content_hash() -> None:
    with_url = make_item(1)
    no_url = make_item(1, url=None, canonical_url=None)
    nothing = make_item(1, url=None, canonical_url=None, guid=None)
    expected = [
        "eropa\nhttps://eropa.example.org/news/1",
        "eropa\nguid:eropa-1",
        f"eropa\nhash:{with_url.content_hash}",
    ]
    assert [item_key(i) for i in (with_url, no_url, nothing)] == [
        hashlib.sha256(text.encode()).hexdigest() for text in expected
    ]
    assert item_key(with_url) != item_key(make_item(1, partner_id="nispacee"))


def test_same_guid_new_url_updates_the_row(db_url: str) -> None:
    with session_scope(db_url) as s:
        upsert_items(s, [make_item(1)], source_id="eropa/news", seen_at=T0)
    moved = make_item(1, url="https://eropa.example.org/2026/webinar-1",
                      canonical_url="https://eropa.example.org/2026/webinar-1")
    with session_scope(db_url) as s:
        result = upsert_items(s, [moved], source_id="eropa/news", seen_at=T1)
    assert (result.new, result.updated) == (0, 1)
    assert counts(db_url) == (1, 1)
    with session_scope(db_url) as s:
        row = s.scalars(select(ItemRow)).one()
        assert row.url == "https://eropa.example.org/2026/webinar-1"
        assert row.item_key == item_key(moved)
        assert row.first_seen == T0
    # And the next run finds it by its new key directly.
    with session_scope(db_url) as s:
        assert upsert_items(s, [moved], source_id="eropa/news", seen_at=T1).unchanged == 1


def test_guid_match_is_per_partner(db_url: str) -> None:
    with session_scope(db_url) as s:
        upsert_items(s, [make_item(1)], source_id="eropa/news", seen_at=T0)
    other = make_item(1, partner_id="nispacee", url="https://nispacee.example.org/n/1",
                      canonical_url="https://nispacee.example.org/n/1")
    with session_scope(db_url) as s:
        result = upsert_items(s, [other], source_id="nispacee/news", seen_at=T1)
    assert result.new == 1
    assert counts(db_url) == (2, 2)


def test_provenance_from_two_sources_and_owner_keeps_content(db_url: str) -> None:
    feed_item = make_item(1)
    listing_item = make_item(1, source_id="eropa/events-page", title="Webinar 1",
                             summary_html="", summary_text="", content_hash="0" * 64,
                             location="Bangkok", published_at=None)
    with session_scope(db_url) as s:
        upsert_items(s, [feed_item], source_id="eropa/news", seen_at=T0)
    with session_scope(db_url) as s:
        result = upsert_items(s, [listing_item], source_id="eropa/events-page", seen_at=T1)
    assert (result.new, result.updated) == (0, 1)  # location was filled in
    assert counts(db_url) == (1, 2)
    with session_scope(db_url) as s:
        row = s.scalars(select(ItemRow)).one()
        assert row.title == feed_item.title  # the first reporter owns the content
        assert row.published_at == feed_item.published_at
        assert row.location == "Bangkok"  # ... and another source fills what is empty
        data = item_as_json(row)
        assert data["sources"] == ["eropa/events-page", "eropa/news"]
        assert data["source"] == "eropa/news"
    with session_scope(db_url) as s:  # stable: neither source flips the content back
        assert upsert_items(s, [feed_item], source_id="eropa/news", seen_at=T1).unchanged == 1
        assert upsert_items(s, [listing_item], source_id="eropa/events-page",
                            seen_at=T1).unchanged == 1


def test_duplicate_within_one_batch_is_stored_once(db_url: str) -> None:
    with session_scope(db_url) as s:
        result = upsert_items(s, [make_item(1), make_item(1)], source_id="eropa/news", seen_at=T0)
    assert result.new == 1
    assert counts(db_url) == (1, 1)


def test_all_day_event_json_uses_dates(db_url: str) -> None:
    event = make_item(
        3, kind="event", all_day=True, starts_at=datetime(2026, 5, 12, tzinfo=UTC),
        ends_at=datetime(2026, 5, 14, tzinfo=UTC), city="Jakarta", country="Indonesia",
        event_tz="Asia/Jakarta",
    )
    with session_scope(db_url) as s:
        upsert_items(s, [event], source_id="eropa/news", seen_at=T0)
    with session_scope(db_url) as s:
        data = item_as_json(list_items(s)[0])
    assert (data["starts_at"], data["ends_at"]) == ("2026-05-12", "2026-05-14")
    assert data["all_day"] is True
    assert data["published_at"] == "2026-02-27T09:00:00+00:00"
    assert data["first_seen"] == "2026-03-02T09:00:00+00:00"


def test_many_items_span_several_statements(db_url: str) -> None:
    items = [make_item(n) for n in range(1203)]
    with session_scope(db_url) as s:
        assert upsert_items(s, items, source_id="eropa/news", seen_at=T0).new == 1203
    with session_scope(db_url) as s:
        assert upsert_items(s, items, source_id="eropa/news", seen_at=T1).unchanged == 1203
    assert counts(db_url) == (1203, 1203)


def test_two_concurrent_writers_leave_no_duplicate(db_url: str) -> None:
    """Both writers read "not there yet", then insert at the same moment (barrier)."""
    items = [make_item(n) for n in range(60)]
    moved = [make_item(n, url=f"https://eropa.example.org/v2/{n}",
                       canonical_url=f"https://eropa.example.org/v2/{n}") for n in range(30)]
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []
    connect(db_url)  # one engine, created before the threads start

    def writer(batch: list[Item], seen_at: datetime) -> None:
        try:
            barrier.wait()
            with session_scope(db_url) as s:
                upsert_items(s, batch, source_id="eropa/news", seen_at=seen_at)
        except BaseException as exc:  # surfaced below: a thread must not fail silently
            errors.append(exc)

    for round_items in (items, moved):
        threads = [threading.Thread(target=writer, args=(round_items, T0 + timedelta(seconds=i)))
                   for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
    assert counts(db_url) == (60, 60)
    with session_scope(db_url) as s:
        keys = s.scalars(select(ItemRow.item_key)).all()
        guids = s.scalars(select(ItemRow.guid)).all()
    assert len(set(keys)) == len(keys) == 60
    assert sorted(guids) == sorted(f"eropa-{n}" for n in range(60))
