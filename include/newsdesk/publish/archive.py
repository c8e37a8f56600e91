"""The static web archive: one page per edition, an index and an Atom feed.

Layout of the archive directory (served as-is by any web server at ``archive_url``)::

    editions.json        the manifest: one entry per edition (the source of truth)
    index.html           every edition, newest first
    feed.atom            the same list as an Atom feed (feedgen)
    2020Q4/index.html    the edition's web version

Publishing is idempotent: the manifest is keyed by edition, every output derives from it
and from the revision alone (no clock), so publishing the same revision twice writes the
same bytes, and a newer revision of an edition replaces its entry instead of adding one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from feedgen.feed import FeedGenerator

from newsdesk.edition.snapshot import EditionSnapshot, text_direction
from newsdesk.errors import EditionError
from newsdesk.render.environment import template_environment
from newsdesk.render.render import render_edition, write_atomically
from newsdesk.review.lifecycle import require_approved
from newsdesk.store.revisions import StoredRevision

MANIFEST = "editions.json"


@dataclass(frozen=True)
class ArchiveEntry:
    """One edition in the archive (what the index and the feed show)."""

    edition_key: str
    title: str
    period_label: str
    url: str
    summary: str
    item_count: int
    revision_id: int
    revision_number: int
    updated: str  # ISO 8601, the revision's creation time


def publish_archive(revision: StoredRevision, web_html: str, archive_dir: Path,
                    templates_dir: Path) -> ArchiveEntry:
    """Add or replace ``revision``'s edition in the archive and rewrite index and feed."""
    snapshot = revision.snapshot
    entry = ArchiveEntry(
        edition_key=snapshot.edition_key, title=snapshot.subject,
        period_label=snapshot.period_label, url=snapshot.web_url, summary=snapshot.preheader,
        item_count=snapshot.item_count, revision_id=revision.id,
        revision_number=revision.number, updated=revision.created_at.isoformat())
    entries = {e.edition_key: e for e in read_manifest(archive_dir)}
    entries[entry.edition_key] = entry
    ordered = sorted(entries.values(), key=lambda e: e.edition_key, reverse=True)
    page_dir = archive_dir / snapshot.edition_key
    page_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(page_dir / "index.html", web_html.encode())
    manifest = json.dumps([asdict(e) for e in ordered], indent=2, ensure_ascii=False) + "\n"
    write_atomically(archive_dir / MANIFEST, manifest.encode())
    write_atomically(archive_dir / "index.html",
                     _index_html(ordered, snapshot, templates_dir).encode())
    write_atomically(archive_dir / "feed.atom", _feed(ordered, snapshot))
    return entry


def read_manifest(archive_dir: Path) -> list[ArchiveEntry]:
    """The archive's entries; an unreadable manifest is an error, never an empty archive."""
    path = archive_dir / MANIFEST
    if not path.exists():
        return []
    try:
        return [ArchiveEntry(**raw) for raw in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError) as exc:
        raise EditionError(f"{path}: the archive manifest is unreadable: {exc}") from exc


def _index_html(entries: list[ArchiveEntry], latest: EditionSnapshot, templates_dir: Path
                ) -> str:
    css = (templates_dir / "email.css").read_text(encoding="utf-8")
    return template_environment(templates_dir).get_template("archive.html").render(
        entries=entries, title=latest.title, organisation=latest.organisation,
        archive_url=latest.archive_url, language=latest.language,
        html_dir=text_direction(latest.language), css=css)


def _feed(entries: list[ArchiveEntry], latest: EditionSnapshot) -> bytes:
    feed = FeedGenerator()
    feed.id(latest.archive_url)
    feed.title(latest.title)
    feed.author({"name": latest.sender_name})
    feed.link(href=latest.archive_url, rel="alternate")
    feed.link(href=f"{latest.archive_url}feed.atom", rel="self")
    feed.language(latest.language)
    feed.updated(max(e.updated for e in entries))
    for entry in reversed(entries):  # feedgen prepends: add oldest first, newest ends on top
        item = feed.add_entry()
        item.id(entry.url)
        item.title(entry.title)
        item.link(href=entry.url, rel="alternate")
        item.updated(entry.updated)
        item.summary(entry.summary)
    return bytes(feed.atom_str(pretty=True))


def publish_revision(db_url: str, revision_id: int, archive_dir: Path, templates_dir: Path
                     ) -> ArchiveEntry:
    """Render the approved revision (all checks) and publish it (the CLI's ``publish``).

    A revision that is not its edition's approved one is refused, naming it and its state.
    """
    revision = require_approved(db_url, revision_id)
    rendered = render_edition(revision.snapshot, templates_dir)
    return publish_archive(revision, rendered.web_html, archive_dir, templates_dir)
