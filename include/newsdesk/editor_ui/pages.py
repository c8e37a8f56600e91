"""What each page of the editors' UI shows, read through the review functions.

One code path: the pages read what ``newsdesk review list|show|diff|trail`` reads
(:mod:`newsdesk.review`) and the delivery report ``newsdesk delivery report`` prints
(:func:`newsdesk.delivery.manager.report`); saves go through
:func:`newsdesk.review.edits.save_edits`. Nothing here changes state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsdesk.config import Settings
from newsdesk.delivery.ledger import Report
from newsdesk.delivery.manager import report
from newsdesk.errors import NewsdeskError
from newsdesk.review import audit_trail, list_editions, list_revisions
from newsdesk.review.diff import RevisionDiff, diff_snapshots
from newsdesk.review.edits import excluded_items
from newsdesk.review.lifecycle import EDITABLE, ReviewState
from newsdesk.store.revisions import StoredRevision, Transition


@dataclass(frozen=True)
class EditionRow:
    """One line of the editions list."""

    kind: str
    key: str
    revisions: int
    newest: StoredRevision
    approved: StoredRevision | None


@dataclass(frozen=True)
class EditionPage:
    """Everything the edition page shows about one revision of one edition."""

    revisions: list[StoredRevision]
    shown: StoredRevision
    #: The shown revision may be edited: it is the newest and still open.
    editable: bool
    #: What is new in the shown revision since the one before it (None: it is the first).
    since_previous: RevisionDiff | None
    trail: list[Transition]
    excluded: list[tuple[int, str]]
    delivery: Report | None
    sections: list[tuple[str, str]] = field(default_factory=list)  # (key, heading)


def editions(settings: Settings) -> list[EditionRow]:
    rows = []
    for kind, key in list_editions(settings.db_url):
        revisions = list_revisions(settings.db_url, key, kind)
        if not revisions:
            continue
        approved = next((r for r in revisions if r.status == ReviewState.APPROVED), None)
        rows.append(EditionRow(kind, key, len(revisions), revisions[-1], approved))
    return rows


def edition_page(settings: Settings, kind: str, key: str,
                 revision_id: int | None = None) -> EditionPage:
    """The edition's page, showing ``revision_id`` (default: the newest revision)."""
    revisions = list_revisions(settings.db_url, key, kind)
    if not revisions:
        raise NewsdeskError(f"edition {kind} {key} has no revision")
    by_id = {r.id: r for r in revisions}
    if revision_id is not None and revision_id not in by_id:
        raise NewsdeskError(f"edition {kind} {key} has no revision {revision_id}")
    shown = by_id[revision_id] if revision_id is not None else revisions[-1]
    index = revisions.index(shown)
    since = diff_snapshots(revisions[index - 1].snapshot, shown.snapshot) if index else None
    editable = shown is revisions[-1] and shown.status in EDITABLE and not any(
        r.status == ReviewState.APPROVED for r in revisions)
    delivery = report(settings, shown.edition_id)
    return EditionPage(
        revisions=revisions, shown=shown, editable=editable, since_previous=since,
        trail=audit_trail(settings.db_url, key, kind),
        excluded=excluded_items(settings.db_url, shown.edition_id),
        delivery=delivery if delivery.counts else None,
        sections=[(s.key, s.heading) for s in shown.snapshot.sections])


def revision_diff(settings: Settings, kind: str, key: str, old_id: int, new_id: int
                  ) -> tuple[StoredRevision, StoredRevision, RevisionDiff]:
    """Two revisions of one edition and what changed from the first to the second."""
    by_id = {r.id: r for r in list_revisions(settings.db_url, key, kind)}
    missing = [str(i) for i in (old_id, new_id) if i not in by_id]
    if missing:
        raise NewsdeskError(f"edition {kind} {key} has no revision {', '.join(missing)}")
    old, new = by_id[old_id], by_id[new_id]
    return old, new, diff_snapshots(old.snapshot, new.snapshot)
