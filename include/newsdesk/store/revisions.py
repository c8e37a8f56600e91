"""Reads and writes of editions, revisions and their audit trail (SQL only, no rules).

The rules (which state may follow which, who may approve, one approval per edition) belong
to :mod:`newsdesk.review.lifecycle`, the only caller of the writing functions here.
A revision's snapshot is checked against its stored SHA-256 every time it is read back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsdesk.edition.snapshot import EditionSnapshot, snapshot_from_json
from newsdesk.errors import EditionError
from newsdesk.store.models import (
    EditionRevisionRow,
    EditionRow,
    RevisionTransitionRow,
    utcnow,
)


@dataclass(frozen=True)
class StoredRevision:
    """A revision as read back: identity, review state, content hash and the snapshot."""

    id: int
    edition_id: int
    edition_key: str
    kind: str
    number: int
    status: str
    content_sha256: str
    snapshot: EditionSnapshot
    created_by: str
    created_at: datetime
    note: str | None
    check_findings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How errors and pages name it: ``revision 7 (2020Q4 #3)``."""
        return f"revision {self.id} ({self.edition_key} #{self.number})"


@dataclass(frozen=True)
class Transition:
    """One line of the audit trail."""

    revision_id: int
    revision_number: int
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    reason: str | None
    content_sha256: str


def content_hash(snapshot: EditionSnapshot) -> str:
    """The SHA-256 of the snapshot's canonical JSON: what an approval is bound to."""
    return hashlib.sha256(snapshot.to_json().encode()).hexdigest()


def find_edition(session: Session, key: str, kind: str) -> EditionRow | None:
    return session.scalars(select(EditionRow).where(EditionRow.key == key,
                                                    EditionRow.kind == kind)).first()


def all_editions(session: Session) -> list[EditionRow]:
    """Every edition, newest first (by when it was first built)."""
    return list(session.scalars(select(EditionRow).order_by(EditionRow.created_at.desc(),
                                                            EditionRow.id.desc())).all())


def ensure_edition(session: Session, key: str, kind: str) -> EditionRow:
    edition = find_edition(session, key, kind)
    if edition is None:
        edition = EditionRow(key=key, kind=kind, created_at=utcnow())
        session.add(edition)
        session.flush()
    return edition


def insert_revision(session: Session, edition: EditionRow, snapshot: EditionSnapshot, *,
                    created_by: str, note: str | None, check_findings: list[str],
                    status: str) -> EditionRevisionRow:
    """Insert the next-numbered revision of ``edition``."""
    last = session.scalar(select(func.max(EditionRevisionRow.number))
                          .where(EditionRevisionRow.edition_id == edition.id))
    text = snapshot.to_json()
    row = EditionRevisionRow(edition_id=edition.id, number=(last or 0) + 1, status=status,
                             snapshot=text, snapshot_sha256=hashlib.sha256(text.encode())
                             .hexdigest(), created_by=created_by, created_at=utcnow(),
                             note=note, check_findings=json.dumps(check_findings))
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise EditionError(f"edition {edition.key}: revision {row.number} was stored "
                           "concurrently by another build; build again") from exc
    return row


def get_revision_row(session: Session, revision_id: int, *,
                     for_update: bool = False) -> EditionRevisionRow:
    row = session.get(EditionRevisionRow, revision_id, with_for_update=for_update)
    if row is None:
        raise EditionError(f"no edition revision {revision_id} in the staging database")
    return row


def revision_rows(session: Session, edition_id: int, *,
                  statuses: tuple[str, ...] | None = None) -> list[EditionRevisionRow]:
    """The edition's revisions, oldest first (optionally only those in ``statuses``)."""
    query = select(EditionRevisionRow).where(EditionRevisionRow.edition_id == edition_id)
    if statuses is not None:
        query = query.where(EditionRevisionRow.status.in_(statuses))
    return list(session.scalars(query.order_by(EditionRevisionRow.number)).all())


def record_transition(session: Session, row: EditionRevisionRow, to_status: str, *,
                      actor: str, reason: str | None) -> None:
    """Move ``row`` to ``to_status`` and append the audit line (the caller checked the rules)."""
    session.add(RevisionTransitionRow(revision_id=row.id, from_status=row.status,
                                      to_status=to_status, actor=actor, at=utcnow(),
                                      reason=reason, content_sha256=row.snapshot_sha256))
    row.status = to_status
    session.flush()


def record_creation(session: Session, row: EditionRevisionRow, *, actor: str,
                    reason: str | None) -> None:
    session.add(RevisionTransitionRow(revision_id=row.id, from_status=None,
                                      to_status=row.status, actor=actor, at=utcnow(),
                                      reason=reason, content_sha256=row.snapshot_sha256))
    session.flush()


def last_transition_to(session: Session, revision_id: int,
                       status: str) -> RevisionTransitionRow | None:
    return session.scalars(
        select(RevisionTransitionRow)
        .where(RevisionTransitionRow.revision_id == revision_id,
               RevisionTransitionRow.to_status == status)
        .order_by(RevisionTransitionRow.id.desc())).first()


def transitions(session: Session, edition_id: int) -> list[Transition]:
    """The edition's audit trail, oldest first."""
    rows = session.execute(
        select(RevisionTransitionRow, EditionRevisionRow.number)
        .join(EditionRevisionRow, EditionRevisionRow.id == RevisionTransitionRow.revision_id)
        .where(EditionRevisionRow.edition_id == edition_id)
        .order_by(RevisionTransitionRow.id)).tuples().all()
    return [Transition(revision_id=t.revision_id, revision_number=number,
                       from_status=t.from_status, to_status=t.to_status, actor=t.actor,
                       at=t.at, reason=t.reason, content_sha256=t.content_sha256)
            for t, number in rows]


def to_record(row: EditionRevisionRow) -> StoredRevision:
    """The row as a record; refuses a snapshot that no longer matches its SHA-256."""
    where = f"edition revision {row.id}"
    if hashlib.sha256(row.snapshot.encode()).hexdigest() != row.snapshot_sha256:
        raise EditionError(f"{where}: the snapshot does not match its SHA-256; "
                           "it was changed after it was stored")
    return StoredRevision(id=row.id, edition_id=row.edition_id, edition_key=row.edition.key,
                          kind=row.edition.kind, number=row.number, status=row.status,
                          content_sha256=row.snapshot_sha256,
                          snapshot=snapshot_from_json(row.snapshot, where=where),
                          created_by=row.created_by, created_at=row.created_at, note=row.note,
                          check_findings=tuple(json.loads(row.check_findings or "[]")))
