"""Ingestion end to end: real HTTP over loopback, real SQLite and PostgreSQL.

The site is tests/fixtures/ingest (see its README): a feed, an html listing whose item
pages are followed, a page advertising its feed, a source answering 503 and one that
robots.txt disallows; tests/fixtures/ingest/registry.yaml lists them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select, update

from newsdesk.errors import StoreError
from newsdesk.fixtures import DEMO_BASE_URL, FixtureServer, demo_registry
from newsdesk.ingest import enabled_source_ids, ingest_all, ingest_source
from newsdesk.records import SourceReport
from newsdesk.registry import Registry, parse_registry
from newsdesk.store.database import connect, session_scope
from newsdesk.store.items import item_as_json, list_items
from newsdesk.store.models import ItemRow, ItemSourceRow, SourceRow
from newsdesk.store.sources import fetch_log, sync_sources

SITE = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureServer]:
    with FixtureServer(root=SITE) as server:
        yield server


def site_registry(base: str) -> Registry:
    text = (SITE / "registry.yaml").read_text(encoding="utf-8")
    return parse_registry(yaml.safe_load(text.replace(DEMO_BASE_URL, base)), origin="registry.yaml")


def ingest_every_source(registry: Registry, db_url: str) -> dict[str, SourceReport]:
    with session_scope(db_url) as session:
        sync_sources(session, registry)
    return {sid: ingest_source(registry, sid, db_url) for sid in enabled_source_ids(registry)}


def row_counts(db_url: str) -> tuple[int, int]:
    with session_scope(db_url) as s:
        return (s.scalar(select(func.count()).select_from(ItemRow)) or 0,
                s.scalar(select(func.count()).select_from(ItemSourceRow)) or 0)


def test_enabled_source_ids_in_registry_order() -> None:
    assert enabled_source_ids(site_registry("http://127.0.0.1:1")) == [
        "eropa/news", "respa/news", "nispacee/news", "clad/down", "clad/private"]


def test_first_ingest_stores_items_and_records_failures(site: FixtureServer, db_url: str) -> None:
    reports = ingest_every_source(site_registry(site.base_url), db_url)
    status = {sid: (r.status, r.items_found, r.items_new) for sid, r in reports.items()}
    assert status == {
        "eropa/news": ("ok", 3, 3),
        "respa/news": ("ok", 3, 3),
        "nispacee/news": ("ok", 2, 2),
        "clad/down": ("failed", 0, 0),
        "clad/private": ("failed", 0, 0),
    }
    down = reports["clad/down"]
    assert down.http_status == 503
    assert down.error is not None
    assert "'clad'" in down.error and "'clad/down'" in down.error
    assert f"{site.base_url}/_status/503" in down.error
    assert "robots" in (reports["clad/private"].error or "").lower()
    # The followed item page that is missing costs a warning, not the source.
    assert any("/posts/3.html" in w for w in reports["respa/news"].warnings)

    with session_scope(db_url) as s:
        log = fetch_log(s)
        failed = s.get(SourceRow, "clad/down")
        items = {row.title: item_as_json(row) for row in list_items(s)}
    assert [(line.source_id, line.status) for line in log] == [
        ("eropa/news", "ok"), ("respa/news", "ok"), ("nispacee/news", "ok"),
        ("clad/down", "failed"), ("clad/private", "failed")]
    assert log[3].error == down.error and log[3].http_status == 503
    assert failed is not None and failed.consecutive_failures == 1

    assert len(items) == 8
    conference = items["EROPA Annual Conference 2026 opens call for papers"]
    assert conference["canonical_url"] == f"{site.base_url}/news/conference-2026"
    assert conference["sources"] == ["eropa/news"]
    assert conference["published_at"] == "2026-03-02T00:00:00+00:00"
    bulletin = items["EROPA Bulletin, volume 21"]
    assert (bulletin["url"], bulletin["guid"]) == (None, "eropa-bulletin-21")
    training = items["ReSPA regional training on policy coordination"]
    assert "Danilovgrad" in training["summary_text"]  # from the followed item page
    forum = items["Western Balkans public administration reform forum"]
    assert "Skopje" in forum["summary_text"]
    assert forum["published_at"] == "2026-02-18T08:30:00+00:00"  # the page's date
    discovered = items["NISPAcee Annual Conference 2026: call for papers"]
    assert discovered["partner"] == "nispacee" and discovered["sources"] == ["nispacee/news"]


def test_second_ingest_is_not_modified_and_parses_nothing(site: FixtureServer,
                                                         db_url: str) -> None:
    registry = site_registry(site.base_url)
    ingest_every_source(registry, db_url)
    counts = row_counts(db_url)
    before = len(site.requests)
    second = ingest_every_source(registry, db_url)
    sent = site.requests[before:]

    assert {sid: r.status for sid, r in second.items()} == {
        "eropa/news": "not_modified", "respa/news": "not_modified",
        "nispacee/news": "not_modified", "clad/down": "failed", "clad/private": "failed"}
    assert all(r.items_found == 0 and r.items_new == 0 for r in second.values())
    paths = [path for _, path, _ in sent]
    # Conditional GETs were sent, and nothing after a 304 was fetched: no item pages, no feed.
    feed_get = next(headers for _, path, headers in sent if path == "/feed.xml")
    assert "If-None-Match" in feed_get or "If-Modified-Since" in feed_get
    assert not any(p.startswith("/posts/") or p == "/atom.xml" for p in paths)
    assert row_counts(db_url) == counts
    with session_scope(db_url) as s:
        source = s.get(SourceRow, "eropa/news")
        assert source is not None and source.etag  # validators kept after the 304
        assert s.get(SourceRow, "clad/down").consecutive_failures == 2  # type: ignore[union-attr]


def test_reingest_without_validators_adds_zero_rows(site: FixtureServer, db_url: str) -> None:
    registry = site_registry(site.base_url)
    ingest_every_source(registry, db_url)
    counts = row_counts(db_url)
    with session_scope(db_url) as s:  # forget the validators: a full fetch and parse again
        s.execute(update(SourceRow).values(etag=None, last_modified=None))
    again = ingest_every_source(registry, db_url)
    assert again["eropa/news"].status == "ok" and again["eropa/news"].items_found == 3
    assert all(r.items_new == 0 and r.items_updated == 0 for r in again.values())
    assert row_counts(db_url) == counts


def test_concurrent_ingests_of_one_source_leave_no_duplicate(site: FixtureServer,
                                                             db_url: str) -> None:
    registry = site_registry(site.base_url)
    with session_scope(db_url) as session:
        sync_sources(session, registry)
    connect(db_url)
    barrier = threading.Barrier(3, timeout=30)
    reports: list[SourceReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            reports.append(ingest_source(registry, "eropa/news", db_url))
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [r.status for r in reports] == ["ok"] * 3
    assert row_counts(db_url) == (3, 3)


def test_unmigrated_database_is_a_clear_error(site: FixtureServer, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    with pytest.raises(StoreError, match="newsdesk db migrate"):
        ingest_source(site_registry(site.base_url), "eropa/news", url)


def test_demo_registry_ingests_twice_without_new_rows(fixture_sites: FixtureServer,
                                                      db_url: str) -> None:
    """The whole demo registry (tests/fixtures/sites), through ingest_all and re-clustering."""
    registry = demo_registry(fixture_sites.base_url)
    first = ingest_all(registry, db_url)
    assert len(first) == len(enabled_source_ids(registry))
    assert sum(r.status == "ok" for r in first) > len(first) // 2
    for report in first:
        if report.status == "failed":  # the fixture sites' broken cases: recorded, named
            assert report.error and repr(report.source_id) in report.error
    counts = row_counts(db_url)
    assert counts[0] == sum(r.items_new for r in first) > 0
    with session_scope(db_url) as s:
        assert all(row.cluster_id is not None for row in list_items(s))
    second = ingest_all(registry, db_url)
    assert sum(r.items_new for r in second) == 0
    assert row_counts(db_url) == counts


def _two_partner_registry(server: FixtureServer) -> Registry:
    return parse_registry({
        "settings": {"allow_private_hosts": True, "min_delay_s": 0, "retries": 0},
        "partners": [{"id": "aaa", "name": "AAA", "short": "AAA", "sources": [
            {"id": "deep", "kind": "jsonld", "url": f"{server.base_url}/deep.html"}]},
            {"id": "bbb", "name": "BBB", "short": "BBB", "sources": [
                {"id": "news", "kind": "feed", "url": f"{server.base_url}/feed.xml"}]}],
    }, origin="test")


def test_jsonld_nested_100000_deep_is_a_parse_error_of_its_source(tmp_path: Path,
                                                                   db_url: str) -> None:
    """Once a RecursionError that killed the run: now a ParseError naming the source."""
    (tmp_path / "deep.html").write_text(
        '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>",
        encoding="utf-8")
    (tmp_path / "feed.xml").write_bytes((SITE / "feed.xml").read_bytes())
    with FixtureServer(root=tmp_path) as server:
        reports = {r.source_id: r for r in ingest_all(_two_partner_registry(server), db_url)}
    deep = reports["aaa/deep"]
    assert deep.status == "failed" and deep.error is not None
    assert deep.error.startswith("partner 'aaa', source 'aaa/deep' (")
    assert "no usable JSON-LD" in deep.error and "nests deeper than 32 levels" in deep.error
    assert "unexpected" not in deep.error and "Recursion" not in deep.error
    assert reports["bbb/news"].status == "ok"


def test_a_parser_bug_fails_its_source_only(tmp_path: Path, db_url: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A non-NewsdeskError inside one source's work (a bug, injected here into the JSON-LD
    parser) is that source's failure: the other sources are still fetched and stored, and
    the final clustering runs."""
    import newsdesk.parse.jsonld

    def broken(*_args: object) -> None:
        raise KeyError("a bug\nover two lines")

    monkeypatch.setattr(newsdesk.parse.jsonld, "parse_jsonld", broken)
    (tmp_path / "deep.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "feed.xml").write_bytes((SITE / "feed.xml").read_bytes())
    with FixtureServer(root=tmp_path) as server:
        reports = {r.source_id: r for r in ingest_all(_two_partner_registry(server), db_url)}
    deep = reports["aaa/deep"]
    assert deep.status == "failed"
    assert deep.error is not None and "unexpected KeyError" in deep.error
    assert "\n" not in deep.error and "aaa/deep" in deep.error
    assert reports["bbb/news"].status == "ok" and reports["bbb/news"].items_new > 0
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(ItemRow)
                              .where(ItemRow.cluster_id.is_not(None))) == row_counts(db_url)[0]
        assert fetch_log(session, "aaa/deep")[0].status == "failed"


def test_credentials_in_source_urls_are_never_stored_or_shown(
    site: FixtureServer, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Every source URL as ``http://u5er:s3cret@host/...``: the site gets the credentials
    as Basic auth, while reports, log lines, the sources table, the fetch log and the items
    (whose relative links are resolved against the credentialed URL) never carry them."""
    base = site.base_url.replace("http://", "http://u5er:s3cret@")
    registry = site_registry(base)
    plain_ids = enabled_source_ids(site_registry(site.base_url))
    before = len(site.requests)  # the site serves the whole module
    with caplog.at_level("DEBUG"):
        reports = ingest_all(registry, db_url)
    assert enabled_source_ids(registry) == plain_ids  # the id says nothing of the password
    assert [r.status for r in reports] == ["ok", "ok", "ok", "failed", "failed"]
    assert reports[3].error is not None and f"{site.base_url}/_status/503" in reports[3].error
    listing = next(headers for _, path, headers in site.requests[before:]
                   if path == "/listing.html")
    assert listing.get("Authorization") == "Basic dTVlcjpzM2NyZXQ="

    with session_scope(db_url) as s:
        stored = [repr([getattr(row, c.key) for c in row.__table__.columns])
                  for row in [*s.scalars(select(SourceRow)), *fetch_log(s)]]
        items = [item_as_json(row) for row in list_items(s)]
    respa = [i for i in items if i["partner"] == "respa"]
    assert respa and all(str(i["url"]).startswith(f"{site.base_url}/") for i in respa)
    texts = [repr(reports), caplog.text, *stored, repr(items)]
    assert not [text for text in texts if "s3cret" in text or "u5er" in text]
