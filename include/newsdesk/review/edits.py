"""Editors' edits: standing decisions on item identities, applied on top of every build.

An edit is never a frozen copy of the edition. It is a decision ("leave item 14 out",
"item 9's title is …", "the subject is …") stored in ``edition_edits`` by item id (ids
survive re-ingest: upserts keep them). Every build, whether a rebuild after re-ingest or
the rebuild an editor's save triggers, goes through :func:`store_build`, which applies
all decisions to the fresh snapshot, runs the email checks and stores the result as the
next revision. So re-ingesting keeps every edit, and new items simply appear (the diff
against the previous revision shows them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from newsdesk.config import Settings
from newsdesk.edition.snapshot import EditionSnapshot, SnapshotItem, SnapshotSection
from newsdesk.errors import RenderCheckError, ReviewError
from newsdesk.review.diff import RevisionDiff, diff_snapshots
from newsdesk.review.lifecycle import create_revision, require_editable
from newsdesk.store import edits as edit_store
from newsdesk.store import revisions as store
from newsdesk.store.database import session_scope
from newsdesk.store.models import EditionRevisionRow
from newsdesk.store.revisions import StoredRevision

EDITION = "edition"
#: Longest text an editor may set, per field (a bound on what a form can store).
MAX_CHARS = {"title": 300, "summary": 2000, "subject": 200, "intro": 4000}


class Edit(BaseModel):
    """One editor's change, as the plugin's form, the CLI and tests send it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["exclude", "restore", "move", "title", "summary", "subject", "intro",
                    "split"]
    item_id: int | None = None
    other_item_id: int | None = None  # split: the item that is "not the same"
    section: str | None = None  # move: the target section's key
    position: int | None = None  # move: 1-based place in the target section
    text: str | None = None  # title, summary, subject, intro; empty: back to the built text


@dataclass(frozen=True)
class Decisions:
    """Every standing decision of one edition, parsed."""

    subject: str | None = None
    intro: str | None = None
    excluded: frozenset[int] = frozenset()
    titles: dict[int, str] = field(default_factory=dict)
    summaries: dict[int, str] = field(default_factory=dict)
    places: dict[int, tuple[str, int]] = field(default_factory=dict)  # in decision order


@dataclass(frozen=True)
class SavedRevision:
    """What a save returns: the new revision, what changed, and the email checks' findings."""

    revision: StoredRevision
    diff: RevisionDiff
    findings: tuple[str, ...]


def load_decisions(session: Session, edition_id: int) -> Decisions:
    excluded: set[int] = set()
    titles: dict[int, str] = {}
    summaries: dict[int, str] = {}
    places: dict[int, tuple[str, int]] = {}
    subject = intro = None
    for target, name, value in edit_store.decisions(session, edition_id):
        if target == EDITION:
            if name == "subject":
                subject = str(value)
            elif name == "intro":
                intro = str(value)
            continue
        item_id = int(target.removeprefix("item:"))
        if name == "excluded":
            excluded.add(item_id)
        elif name == "title":
            titles[item_id] = str(value)
        elif name == "summary":
            summaries[item_id] = str(value)
        elif name == "place":
            places[item_id] = (str(value["section"]), int(value["position"]))
    return Decisions(subject=subject, intro=intro, excluded=frozenset(excluded),
                     titles=titles, summaries=summaries, places=places)


def excluded_items(db_url: str, edition_id: int) -> list[tuple[int, str]]:
    """The items editors left out of the edition, as ``(item id, title)`` (to restore)."""
    from newsdesk.store.items import item_titles

    with session_scope(db_url) as session:
        excluded = sorted(load_decisions(session, edition_id).excluded)
        titles = item_titles(session, excluded)
    return [(item_id, titles.get(item_id, f"item {item_id} (no longer stored)"))
            for item_id in excluded]


def apply_decisions(snapshot: EditionSnapshot, decisions: Decisions) -> EditionSnapshot:
    """The snapshot with every decision applied (pure). Sections left empty are dropped.

    A decision about an item this build does not hold (it left the quarter, or was
    removed at its source) is kept and simply has nothing to act on.
    """
    def edited(item: SnapshotItem) -> SnapshotItem:
        update: dict[str, Any] = {}
        if item.item_id in decisions.titles:
            update["title"] = decisions.titles[item.item_id]
        if item.item_id in decisions.summaries:
            # The editor's text has no links: spans into the built text would be wrong.
            update["summary"], update["summary_cut"] = decisions.summaries[item.item_id], False
            update["summary_links"] = []
        return item.model_copy(update=update) if update else item

    sections = {s.key: [edited(i) for i in s.items if i.item_id not in decisions.excluded]
                for s in snapshot.sections}
    for item_id, (target, position) in decisions.places.items():
        if target not in sections:
            continue
        for items in sections.values():
            found = next((i for i in items if i.item_id == item_id), None)
            if found is not None:
                items.remove(found)
                sections[target].insert(max(0, min(position - 1, len(sections[target]))), found)
                break
    kept = [SnapshotSection.model_validate({**s.model_dump(), "items": sections[s.key]})
            for s in snapshot.sections if sections[s.key]]
    update: dict[str, Any] = {"sections": kept}
    if decisions.subject is not None:
        update["subject"] = decisions.subject
    if decisions.intro is not None:
        update["intro"] = decisions.intro
    return snapshot.model_copy(update=update)


def check_findings(snapshot: EditionSnapshot, settings: Settings | None = None) -> list[str]:
    """The email checks of ``render/checks.py`` as a list of findings (empty: clean)."""
    from newsdesk.render.render import render_edition

    templates = (settings or Settings.from_env()).templates_dir
    try:
        render_edition(snapshot, templates)
    except RenderCheckError as exc:
        lines = str(exc).splitlines()
        return [line.strip()[2:] for line in lines[1:] if line.strip().startswith("- ")] or lines
    return []


def store_build(session: Session, snapshot: EditionSnapshot, *, created_by: str,
                note: str | None = None) -> EditionRevisionRow:
    """Apply the edition's decisions to a fresh build, check it, store it as a revision.

    The one way a built snapshot becomes a revision (the edition builder calls this).
    """
    edition = store.find_edition(session, snapshot.edition_key, snapshot.kind)
    if edition is not None:
        snapshot = apply_decisions(snapshot, load_decisions(session, edition.id))
    return create_revision(session, snapshot, created_by=created_by, note=note,
                           check_findings=check_findings(snapshot))


Rebuild = Callable[[str, str, str, str, str], StoredRevision]


def rebuild_quarterly(db_url: str, key: str, kind: str, by: str, note: str) -> StoredRevision:
    """Rebuild a quarterly edition from the staging items (decisions applied on top)."""
    from newsdesk.edition.builder import build_edition
    from newsdesk.edition.config import load_newsletter_config
    from newsdesk.registry import load_registry

    return build_edition(db_url, key, load_registry(Settings.from_env().sources_file),
                         load_newsletter_config(), created_by=by, note=note)


#: The builder of each edition kind; the monthly update adds its own.
BUILDERS: dict[str, Rebuild] = {"quarterly": rebuild_quarterly}


def save_edits(db_url: str, base_revision_id: int, edits: list[Edit], *, by: str,
               builders: dict[str, Rebuild] | None = None) -> SavedRevision:
    """Record the editor's decisions, rebuild, and return the new revision with its diff.

    ``base_revision_id`` is the revision the editor was looking at: it must be the
    edition's newest and still open (never approved), so nobody saves over a change they
    have not seen. Each edit is checked against that revision and named in any error.
    """
    if not edits:
        raise ReviewError(f"revision {base_revision_id}: nothing to save")
    with session_scope(db_url) as session:
        row = store.get_revision_row(session, base_revision_id, for_update=True)
        require_editable(session, row)
        newest = store.revision_rows(session, row.edition_id)[-1]
        if newest.id != row.id:
            raise ReviewError(f"revision {row.id} ({row.edition.key} #{row.number}): revision "
                              f"#{newest.number} is newer; edit the newest one")
        base = store.to_record(row)
        excluded = load_decisions(session, row.edition_id).excluded
        splits = [_record(session, base, excluded, index, edit, by)
                  for index, edit in enumerate(edits, 1)]
    for pair in (p for p in splits if p is not None):
        _split(db_url, pair, by)
    rebuild = (builders or BUILDERS).get(base.kind)
    if rebuild is None:
        raise ReviewError(f"edition {base.kind} {base.edition_key}: no builder for its kind")
    what = ", ".join(edit.action for edit in edits)
    revision = rebuild(db_url, base.edition_key, base.kind, by, f"edited by {by}: {what}")
    return SavedRevision(revision=revision, diff=diff_snapshots(base.snapshot, revision.snapshot),
                         findings=revision.check_findings)


def _record(session: Session, base: StoredRevision, excluded: frozenset[int], index: int,
            edit: Edit, by: str) -> tuple[int, int] | None:
    """Store one edit as a decision; a split is returned for the caller to run."""
    where = f"{base.label}, edit {index} ({edit.action})"
    shown = {i.item_id for s in base.snapshot.sections for i in s.items}
    if edit.action in ("subject", "intro"):
        text = _text(edit, where, required=edit.action == "subject")
        if text:
            edit_store.save_decision(session, base.edition_id, EDITION, edit.action, text, by=by)
        else:
            edit_store.drop_decision(session, base.edition_id, EDITION, edit.action)
        return None
    item_id = edit.item_id
    if item_id is None:
        raise ReviewError(f"{where}: which item? (item_id is missing)")
    known = shown | excluded if edit.action == "restore" else shown
    if item_id not in known:
        raise ReviewError(f"{where}: item {item_id} is not in this revision")
    target = f"item:{item_id}"
    if edit.action == "exclude":
        edit_store.save_decision(session, base.edition_id, target, "excluded", True, by=by)
    elif edit.action == "restore":
        edit_store.drop_decision(session, base.edition_id, target, "excluded")
    elif edit.action == "move":
        sections = {s.key for s in base.snapshot.sections}
        if edit.section not in sections or edit.position is None or edit.position < 1:
            raise ReviewError(f"{where}: move needs a section of this revision "
                              f"({', '.join(sorted(sections))}) and a position from 1")
        edit_store.save_decision(session, base.edition_id, target, "place",
                                 {"section": edit.section, "position": edit.position}, by=by)
    elif edit.action in ("title", "summary"):
        text = _text(edit, where, required=False)
        if text:
            edit_store.save_decision(session, base.edition_id, target, edit.action, text, by=by)
        else:
            edit_store.drop_decision(session, base.edition_id, target, edit.action)
    elif edit.action == "split":
        if edit.other_item_id is None or edit.other_item_id == item_id:
            raise ReviewError(f"{where}: a split needs the other item (other_item_id)")
        return (item_id, edit.other_item_id)
    return None


def _text(edit: Edit, where: str, *, required: bool) -> str:
    text = (edit.text or "").strip()
    if edit.action in ("title", "subject"):
        text = " ".join(text.split())
    if required and not text:
        raise ReviewError(f"{where}: the {edit.action} cannot be empty")
    limit = MAX_CHARS[edit.action]
    if len(text) > limit:
        raise ReviewError(f"{where}: {len(text)} characters, at most {limit}")
    return text


def _split(db_url: str, pair: tuple[int, int], by: str) -> None:
    """"Not the same": the cannot-link of newsdesk.store.clusters, then a recluster."""
    from newsdesk.dedupe import partner_names
    from newsdesk.registry import load_registry
    from newsdesk.store.clusters import split_items

    registry = load_registry(Settings.from_env().sources_file)
    split_items(db_url, pair[0], pair[1], editor=by, partners=partner_names(registry))
