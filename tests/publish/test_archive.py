"""The static web archive: pages, index, Atom feed; publishing again changes nothing.

Only approved revisions are published (tests/review/test_lifecycle.py has the refusal)."""

from __future__ import annotations

from pathlib import Path

import feedparser
from tests.newsletter_factory import BUILT_AT, config, day_event, insert, registry, seed_items

from newsdesk.config import Settings
from newsdesk.edition.builder import build_edition
from newsdesk.edition.quarter import Quarter
from newsdesk.publish.archive import publish_revision, read_manifest
from newsdesk.review import approve, submit_for_review

TEMPLATES = Settings.from_env().templates_dir


def _snapshot_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_publish_is_idempotent_and_replaces_an_edition(sqlite_url: str, tmp_path: Path) -> None:
    items, clusters = seed_items()
    insert(sqlite_url, [*items, day_event(30, "aapa", "Spring forum", (2021, 4, 20))], clusters)
    archive = tmp_path / "archive"
    q4 = build_edition(sqlite_url, "2020Q4", registry(), config(), created_by="t",
                       built_at=BUILT_AT)
    q1 = build_edition(sqlite_url, Quarter(2021, 1), registry(), config(), created_by="t",
                       built_at=BUILT_AT)
    for revision in (q4, q1):
        submit_for_review(sqlite_url, revision.id, by="t")
        approve(sqlite_url, revision.id, revision.content_sha256, by="t")
    publish_revision(sqlite_url, q4.id, archive, TEMPLATES)
    publish_revision(sqlite_url, q1.id, archive, TEMPLATES)
    first = _snapshot_files(archive)
    assert sorted(first) == ["2020Q4/index.html", "2021Q1/index.html", "editions.json",
                             "feed.atom", "index.html"]
    publish_revision(sqlite_url, q4.id, archive, TEMPLATES)
    assert _snapshot_files(archive) == first  # same files, same bytes

    feed = feedparser.parse(first["feed.atom"])
    assert feed.bozo == 0
    assert [e.id for e in feed.entries] == ["https://unpan.example.org/newsletter/2021Q1/",
                                            "https://unpan.example.org/newsletter/2020Q4/"]
    assert feed.entries[1].title == "UNPAN Partners' Newsletter: October – December 2020"
    index = first["index.html"].decode()
    assert index.index("January – March 2021") < index.index("October – December 2020")
    assert b"Fifteenth Annual Meeting" in first["2020Q4/index.html"]
    assert [(e.edition_key, e.revision_number) for e in read_manifest(archive)] == [
        ("2021Q1", 1), ("2020Q4", 1)]
