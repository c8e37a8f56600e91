"""The edition lifecycle: the one owner of a revision's review state.

States: ``draft`` → ``in_review`` → ``approved``, or ``changes_requested`` (a new revision
follows) or ``rejected``; storing a newer revision moves the older open ones to
``superseded``. Every move goes through :func:`_move`, which checks :data:`TRANSITIONS` and
appends who, when, from, to and why to the audit trail in the same transaction.

Rules a caller can rely on:

- at most one approved revision per edition (checked here and by a partial unique index);
- an approval is bound to the revision id *and* its content hash; delivery and publishing
  ask :func:`approved_revision` / :func:`require_approved`, which re-check both;
- an approved edition does not change: no new revision, no edit (a change would need a
  new approval, and the approved one may already be on its way to subscribers);
- delivery states (sending, sent) are not review states: the delivery ledger owns them.

Nothing here knows about quarters or months: an edition is a ``(kind, key)`` pair, so the
quarterly newsletter and the monthly update share this lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsdesk.edition.snapshot import EditionSnapshot
from newsdesk.errors import ReviewError
from newsdesk.store import revisions as store
from newsdesk.store.database import session_scope
from newsdesk.store.models import EditionRevisionRow, EditionRow
from newsdesk.store.revisions import StoredRevision, Transition


class ReviewState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


S = ReviewState
#: Allowed moves; anything else is refused with :class:`ReviewError`.
TRANSITIONS: dict[ReviewState, frozenset[ReviewState]] = {
    S.DRAFT: frozenset({S.IN_REVIEW, S.SUPERSEDED}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.CHANGES_REQUESTED, S.REJECTED, S.SUPERSEDED}),
    S.CHANGES_REQUESTED: frozenset({S.SUPERSEDED}),
    S.APPROVED: frozenset(),
    S.REJECTED: frozenset(),
    S.SUPERSEDED: frozenset(),
}
#: States an editor's save may start from (the newest revision only; see edits).
EDITABLE = frozenset({S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED})
_REASON_REQUIRED = frozenset({S.CHANGES_REQUESTED, S.REJECTED})


@dataclass(frozen=True)
class ApprovedRevision:
    """What delivery and publishing receive: the approved revision id and its content hash."""

    revision_id: int
    content_sha256: str
    edition_key: str
    kind: str
    number: int
    approved_by: str
    approved_at: datetime


def create_revision(session: Session, snapshot: EditionSnapshot, *, created_by: str,
                    note: str | None = None, check_findings: list[str] | None = None
                    ) -> EditionRevisionRow:
    """Store ``snapshot`` as the edition's next draft; older open revisions are superseded.

    Refused when the edition already has an approved revision.
    """
    edition = store.ensure_edition(session, snapshot.edition_key, snapshot.kind)
    _refuse_if_approved(session, edition, "a new revision")
    open_rows = store.revision_rows(session, edition.id,
                                    statuses=(S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED))
    row = store.insert_revision(session, edition, snapshot, created_by=created_by, note=note,
                                check_findings=check_findings or [], status=S.DRAFT)
    store.record_creation(session, row, actor=created_by, reason=note)
    for old in open_rows:
        store.record_transition(session, old, S.SUPERSEDED, actor=created_by,
                                reason=f"superseded by #{row.number}")
    return row


def submit_for_review(db_url: str, revision_id: int, *, by: str) -> StoredRevision:
    """``draft`` → ``in_review``; a revision already in review stays there (safe to re-run)."""
    with session_scope(db_url) as session:
        row = store.get_revision_row(session, revision_id, for_update=True)
        if row.status != S.IN_REVIEW:
            _move(session, row, S.IN_REVIEW, by=by, reason=None)
        return store.to_record(row)


def approve(db_url: str, revision_id: int, content_sha256: str, *, by: str,
            reason: str | None = None) -> ApprovedRevision:
    """Approve exactly this revision with exactly this content; idempotent for the same pair.

    Refused when the hash is not the revision's, when the revision is not in review, or
    when another revision of the edition is approved.
    """
    with session_scope(db_url) as session:
        row = store.get_revision_row(session, revision_id, for_update=True)
        record = store.to_record(row)  # also re-checks the stored snapshot against its hash
        if content_sha256 != record.content_sha256:
            raise ReviewError(f"{record.label}: approval refused: it was reviewed with content "
                              f"hash {content_sha256[:12]}… but its content is "
                              f"{record.content_sha256[:12]}…")
        if row.status == S.APPROVED:
            return approved_revision(session, row.edition_id)
        _refuse_if_approved(session, row.edition, "a second approval")
        _move(session, row, S.APPROVED, by=by, reason=reason)
        try:
            session.flush()
        except IntegrityError as exc:  # a concurrent approval of a sibling won the race
            raise ReviewError(f"{record.label}: approval refused: another revision of "
                              f"{row.edition.key} was approved at the same time") from exc
        return approved_revision(session, row.edition_id)


def request_changes(db_url: str, revision_id: int, *, by: str, reason: str) -> StoredRevision:
    """``in_review`` → ``changes_requested``; editors then save a new revision."""
    return _move_committed(db_url, revision_id, S.CHANGES_REQUESTED, by=by, reason=reason)


def reject(db_url: str, revision_id: int, *, by: str, reason: str) -> StoredRevision:
    """``in_review`` → ``rejected``: nothing of this revision goes further."""
    return _move_committed(db_url, revision_id, S.REJECTED, by=by, reason=reason)


def approved_revision(session: Session, edition_id: int) -> ApprovedRevision:
    """The edition's approved revision and the hash it was approved with (for delivery).

    Raises :class:`ReviewError` when there is none, or when the stored content no longer
    matches the approved hash.
    """
    edition = session.get(EditionRow, edition_id)
    name = f"edition {edition.kind} {edition.key}" if edition else f"edition id {edition_id}"
    rows = store.revision_rows(session, edition_id, statuses=(S.APPROVED,))
    if not rows:
        raise ReviewError(f"{name} has no approved revision: nothing may be delivered or "
                          "published until an editor approves one")
    record = store.to_record(rows[0])
    approval = store.last_transition_to(session, record.id, S.APPROVED)
    if approval is None or approval.content_sha256 != record.content_sha256:
        raise ReviewError(f"{record.label}: its content does not match the hash it was "
                          "approved with")
    return ApprovedRevision(revision_id=record.id, content_sha256=record.content_sha256,
                            edition_key=record.edition_key, kind=record.kind,
                            number=record.number, approved_by=approval.actor,
                            approved_at=approval.at)


def require_approved(db_url: str, revision_id: int) -> StoredRevision:
    """The revision, if it is its edition's approved one; else an error saying which and why.

    Rendering for delivery and publishing to the archive call this first.
    """
    with session_scope(db_url) as session:
        row = store.get_revision_row(session, revision_id)
        record = store.to_record(row)
        if row.status != S.APPROVED:
            raise ReviewError(f"{record.label} is {row.status}, not approved: only the approved "
                              "revision of an edition is rendered for delivery or published "
                              "(a preview of a draft is possible)")
        approved_revision(session, row.edition_id)  # re-checks the bound hash
        return record


def preview_snapshot(revision: StoredRevision) -> EditionSnapshot:
    """What a preview renders: unapproved revisions say so in the subject and preheader."""
    snapshot = revision.snapshot
    if revision.status == S.APPROVED:
        return snapshot
    mark = f"[DRAFT #{revision.number}, {revision.status.replace('_', ' ')}]"
    return snapshot.model_copy(update={"subject": f"{mark} {snapshot.subject}",
                                       "preheader": f"{mark} {snapshot.preheader}"})


def load_revision(db_url: str, revision_id: int) -> StoredRevision:
    """Read one revision; the snapshot is checked against its stored SHA-256."""
    with session_scope(db_url) as session:
        return store.to_record(store.get_revision_row(session, revision_id))


def list_revisions(db_url: str, edition_key: str, kind: str = "quarterly"
                   ) -> list[StoredRevision]:
    """Every revision of an edition, oldest first (empty when the edition does not exist)."""
    with session_scope(db_url) as session:
        edition = store.find_edition(session, edition_key, kind)
        if edition is None:
            return []
        return [store.to_record(row) for row in store.revision_rows(session, edition.id)]


def list_editions(db_url: str) -> list[tuple[str, str]]:
    """Every edition as ``(kind, key)``, newest first (the editors' list of editions)."""
    with session_scope(db_url) as session:
        return [(edition.kind, edition.key) for edition in store.all_editions(session)]


def audit_trail(db_url: str, edition_key: str, kind: str = "quarterly") -> list[Transition]:
    """Every state move of every revision of the edition, oldest first."""
    with session_scope(db_url) as session:
        edition = store.find_edition(session, edition_key, kind)
        return [] if edition is None else store.transitions(session, edition.id)


def require_editable(session: Session, row: EditionRevisionRow) -> None:
    """Refuse an edit based on anything but the newest, still open revision."""
    record_label = f"revision {row.id} ({row.edition.key} #{row.number})"
    _refuse_if_approved(session, row.edition, f"an edit of {record_label}")
    if row.status not in EDITABLE:
        raise ReviewError(f"{record_label} is {row.status}: edits start from the newest "
                          "open revision")


def _refuse_if_approved(session: Session, edition: EditionRow, what: str) -> None:
    approved = store.revision_rows(session, edition.id, statuses=(S.APPROVED,))
    if approved:
        row = approved[0]
        raise ReviewError(f"edition {edition.kind} {edition.key}: {what} is refused: revision "
                          f"{row.id} (#{row.number}) is approved, and an approved edition does "
                          "not change")


def _move(session: Session, row: EditionRevisionRow, to: ReviewState, *, by: str,
          reason: str | None) -> None:
    label = f"revision {row.id} ({row.edition.key} #{row.number})"
    current = ReviewState(row.status)
    if to not in TRANSITIONS[current]:
        raise ReviewError(f"{label}: cannot go from {current} to {to}")
    if to in _REASON_REQUIRED and not (reason or "").strip():
        raise ReviewError(f"{label}: {to.replace('_', ' ')} needs a reason")
    if not by.strip():
        raise ReviewError(f"{label}: {to} needs the name of who does it")
    store.record_transition(session, row, to, actor=by, reason=reason)


def _move_committed(db_url: str, revision_id: int, to: ReviewState, *, by: str,
                    reason: str | None) -> StoredRevision:
    with session_scope(db_url) as session:
        row = store.get_revision_row(session, revision_id, for_update=True)
        if row.status == to and to in (S.CHANGES_REQUESTED, S.REJECTED):
            return store.to_record(row)  # the same answer again: safe to re-run
        _move(session, row, to, by=by, reason=reason)
        return store.to_record(row)
