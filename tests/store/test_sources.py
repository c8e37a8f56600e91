"""Registry sources in the database: sync, validators, fetch log and health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from newsdesk.errors import StoreError
from newsdesk.records import SourceReport
from newsdesk.registry import Registry, parse_registry
from newsdesk.store.database import session_scope
from newsdesk.store.models import SourceRow
from newsdesk.store.sources import (
    fetch_log,
    record_fetch,
    source_health,
    sync_sources,
    validators,
)

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


EROPA_URL = "https://eropa.example.org/feed.xml"


def registry(news_url: str = EROPA_URL) -> Registry:
    return parse_registry({"partners": [
        {"id": "eropa", "name": "EROPA", "short": "EROPA", "sources": [
            {"id": "news", "kind": "feed", "url": news_url},
            {"kind": "ics", "url": "https://eropa.example.org/events.ics", "enabled": False},
        ]},
        {"id": "respa", "name": "ReSPA", "short": "ReSPA", "sources": [
            {"id": "events", "kind": "html", "url": "https://respa.example.org/events",
             "selectors": {"item": ".event", "title": "h3"}},
        ]},
    ]})


def report(source_id: str, status: str, error: str | None = None) -> SourceReport:
    return SourceReport(partner_id=source_id.split("/")[0], source_id=source_id,
                        url="https://eropa.example.org/feed.xml", status=status,  # type: ignore[arg-type]
                        http_status=None if status == "failed" else 200, error=error,
                        items_found=3, items_new=2)


def test_sync_sources_upserts_every_source_once(db_url: str) -> None:
    with session_scope(db_url) as s:
        ids = sync_sources(s, registry())
    with session_scope(db_url) as s:
        sync_sources(s, registry())  # again: no new rows
        rows = s.scalars(select(SourceRow).order_by(SourceRow.id)).all()
    assert sorted(ids) == [row.id for row in rows]
    assert len(rows) == 3
    assert {(r.id, r.kind, r.partner_id) for r in rows} >= {
        ("eropa/news", "feed", "eropa"), ("respa/events", "html", "respa")}
    assert all(r.consecutive_failures == 0 for r in rows)


def test_validators_replaced_only_by_success(db_url: str) -> None:
    with session_scope(db_url) as s:
        sync_sources(s, registry())
        assert validators(s, "eropa/news", EROPA_URL) == (None, None)
        assert validators(s, "nobody/nothing", "https://nobody.example/") == (None, None)
        record_fetch(s, report("eropa/news", "ok"), etag='"v1"',
                     last_modified="Mon, 02 Mar 2026 06:00:00 GMT", fetched_at=T0)
    with session_scope(db_url) as s:
        assert validators(s, "eropa/news", EROPA_URL) == ('"v1"', "Mon, 02 Mar 2026 06:00:00 GMT")
        record_fetch(s, report("eropa/news", "not_modified"), etag='"other"',
                     last_modified=None, fetched_at=T0 + timedelta(hours=1))
        record_fetch(s, report("eropa/news", "failed", "boom"), etag=None, last_modified=None,
                     fetched_at=T0 + timedelta(hours=2))
    with session_scope(db_url) as s:
        assert validators(s, "eropa/news", EROPA_URL) == ('"v1"', "Mon, 02 Mar 2026 06:00:00 GMT")


def test_validators_belong_to_the_url_that_earned_them(db_url: str) -> None:
    with session_scope(db_url) as s:
        sync_sources(s, registry())
        record_fetch(s, report("eropa/news", "ok"), etag='"v1"', last_modified=None)
    with session_scope(db_url) as s:
        assert validators(s, "eropa/news", EROPA_URL) == ('"v1"', None)
        assert validators(s, "eropa/news", "https://eropa.example.org/rss") == (None, None)


def test_changed_url_drops_validators(db_url: str) -> None:
    with session_scope(db_url) as s:
        sync_sources(s, registry())
        record_fetch(s, report("eropa/news", "ok"), etag='"v1"', last_modified=None)
    with session_scope(db_url) as s:
        sync_sources(s, registry("https://eropa.example.org/rss"))
    with session_scope(db_url) as s:
        assert validators(s, "eropa/news", "https://eropa.example.org/rss") == (None, None)
        assert s.get(SourceRow, "eropa/news").url == "https://eropa.example.org/rss"  # type: ignore[union-attr]


def test_fetch_log_and_health(db_url: str) -> None:
    with session_scope(db_url) as s:
        sync_sources(s, registry())
        record_fetch(s, report("eropa/news", "ok"), etag=None, last_modified=None, fetched_at=T0)
        record_fetch(s, report("respa/events", "ok"), etag=None, last_modified=None,
                     fetched_at=T0)
        for hours in (1, 2):
            record_fetch(s, report("respa/events", "failed", f"HTTP 503 ({hours})"), etag=None,
                         last_modified=None, fetched_at=T0 + timedelta(hours=hours))
    with session_scope(db_url) as s:
        health = source_health(s)
        log = fetch_log(s, "respa/events")
        total = s.scalar(select(func.count()).select_from(SourceRow))
    assert total == 3
    assert [line.status for line in log] == ["ok", "failed", "failed"]
    assert log[-1].error == "HTTP 503 (2)" and log[-1].items_found == 3
    first = health[0]  # the failing source comes first
    assert (first.source_id, first.consecutive_failures, first.last_status) == (
        "respa/events", 2, "failed")
    assert first.last_error == "HTTP 503 (2)"
    assert first.last_ok_at == T0
    assert first.last_fetched_at == T0 + timedelta(hours=2)
    by_id = {h.source_id: h for h in health}
    assert by_id["eropa/news"].consecutive_failures == 0
    assert by_id["eropa/news"].last_ok_at == T0


def test_recording_an_unknown_source_is_an_error(db_url: str) -> None:
    with session_scope(db_url) as s, pytest.raises(StoreError, match="nobody/x"):
        record_fetch(s, report("nobody/x", "ok"), etag=None, last_modified=None)
