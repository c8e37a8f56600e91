"""Stored revisions: insert-only snapshots, and the one field that may move (status).

A revision's ``snapshot`` and ``number`` are written once and never updated; rebuilding
an edition adds the next number. The review state is the single mutable part, changed
only through :func:`set_status` along :data:`TRANSITIONS`, with who and when recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsdesk.edition.snapshot import EditionSnapshot, snapshot_from_json
from newsdesk.errors import EditionError
from newsdesk.store.database import session_scope
from newsdesk.store.models import EditionRevisionRow, EditionRow, utcnow

STATUSES = ("draft", "approved", "rejected", "sent")
#: Allowed status changes; anything else is refused with :class:`EditionError`.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"approved", "rejected"}),
    "approved": frozenset({"sent", "rejected"}),
    "rejected": frozenset(),
    "sent": frozenset(),
}


@dataclass(frozen=True)
class StoredRevision:
    """A revision as read back: identity, review state and the snapshot to render."""

    id: int
    edition_key: str
    kind: str
    number: int
    status: str
    snapshot: EditionSnapshot
    created_by: str
    created_at: datetime
    note: str | None
    status_changed_by: str | None = None
    status_changed_at: datetime | None = None


def store_revision(session: Session, snapshot: EditionSnapshot, *, created_by: str,
                   note: str | None = None) -> EditionRevisionRow:
    """Insert the next revision of the snapshot's edition (creating the edition if new)."""
    edition = session.scalars(select(EditionRow).where(
        EditionRow.key == snapshot.edition_key, EditionRow.kind == snapshot.kind)).first()
    if edition is None:
        edition = EditionRow(key=snapshot.edition_key, kind=snapshot.kind, created_at=utcnow())
        session.add(edition)
        session.flush()
    last = session.scalar(select(func.max(EditionRevisionRow.number))
                          .where(EditionRevisionRow.edition_id == edition.id))
    text = snapshot.to_json()
    digest = hashlib.sha256(text.encode()).hexdigest()
    row = EditionRevisionRow(edition_id=edition.id, number=(last or 0) + 1, status="draft",
                             snapshot=text, snapshot_sha256=digest,
                             created_by=created_by, created_at=utcnow(), note=note)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise EditionError(f"edition {snapshot.edition_key}: revision {row.number} was stored "
                           "concurrently by another build; build again") from exc
    return row


def load_revision(db_url: str, revision_id: int) -> StoredRevision:
    """Read one revision; the snapshot is checked against its stored SHA-256."""
    with session_scope(db_url) as session:
        row = session.get(EditionRevisionRow, revision_id)
        if row is None:
            raise EditionError(f"no edition revision {revision_id} in the staging database")
        return _to_record(row)


def list_revisions(db_url: str, edition_key: str, kind: str = "quarterly") -> list[StoredRevision]:
    """Every revision of an edition, oldest first."""
    with session_scope(db_url) as session:
        rows = session.scalars(
            select(EditionRevisionRow).join(EditionRow)
            .where(EditionRow.key == edition_key, EditionRow.kind == kind)
            .order_by(EditionRevisionRow.number)).all()
        return [_to_record(row) for row in rows]


def set_status(db_url: str, revision_id: int, status: str, *, by: str) -> StoredRevision:
    """Move a revision's review state along :data:`TRANSITIONS` (the only update allowed)."""
    if status not in STATUSES:
        raise EditionError(f"revision {revision_id}: unknown status {status!r} "
                           f"(one of {', '.join(STATUSES)})")
    with session_scope(db_url) as session:
        row = session.get(EditionRevisionRow, revision_id, with_for_update=True)
        if row is None:
            raise EditionError(f"no edition revision {revision_id} in the staging database")
        if status not in TRANSITIONS[row.status]:
            raise EditionError(f"revision {revision_id}: cannot go from {row.status!r} "
                               f"to {status!r}")
        row.status = status
        row.status_changed_by = by
        row.status_changed_at = utcnow()
        session.flush()
        return _to_record(row)


def _to_record(row: EditionRevisionRow) -> StoredRevision:
    where = f"edition revision {row.id}"
    if hashlib.sha256(row.snapshot.encode()).hexdigest() != row.snapshot_sha256:
        raise EditionError(f"{where}: the snapshot does not match its SHA-256; "
                           "it was changed after it was stored")
    return StoredRevision(id=row.id, edition_key=row.edition.key, kind=row.edition.kind,
                          number=row.number, status=row.status,
                          snapshot=snapshot_from_json(row.snapshot, where=where),
                          created_by=row.created_by, created_at=row.created_at, note=row.note,
                          status_changed_by=row.status_changed_by,
                          status_changed_at=row.status_changed_at)
