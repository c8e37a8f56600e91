"""The delivery ledger: every state move of one edition's delivery to one subscriber.

Exactly once rests on two facts. The database refuses a second row for an edition and
subscriber (``uq_deliveries_edition_subscriber``), so a re-run, a cleared task or a later
revision of the same edition finds the row and never queues the person again. And a row is
claimed (pending -> sending) by one conditional UPDATE that the caller commits *before* the
SMTP transaction, so two workers (issue 16's Celery cluster) cannot both send it, and a crash
leaves it in ``sending``: the documented in-flight window, never silently re-sent.

Functions take a session and leave the commit to the caller (the manager commits a claim
before it talks to the server, and a result right after).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newsdesk.errors import DeliveryError
from newsdesk.store.models import (
    DeliveryPauseRow,
    DeliveryRow,
    EditionRevisionRow,
    TestCopyRow,
    utcnow,
)

#: Test copies go to this list and are recorded in ``test_copies``, never as delivery.
TEST_LIST = "editors"


class State(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Report:
    """One edition's delivery: counts per state, and the reason of every failure and skip."""

    edition_id: int
    counts: dict[State, int]
    failed: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def count(self, state: State) -> int:
        return self.counts.get(state, 0)


def enqueue(session: Session, revision_id: int, list_name: str,
            subscriber_ids: Iterable[int]) -> int:
    """Queue ``revision_id`` for these subscribers; returns how many rows were new.

    Someone who already has a row for the revision's edition (from any revision, in any
    state) is left alone: that is what keeps a later revision from reaching them twice.
    Insert-or-ignore on the unique key, so concurrent workers queueing the same batch do not
    fail each other.
    """
    if list_name == TEST_LIST:
        raise DeliveryError(f"list {TEST_LIST!r} takes test copies, not deliveries "
                            f"(revision {revision_id})")
    edition_id = session.scalar(select(EditionRevisionRow.edition_id).where(
        EditionRevisionRow.id == revision_id))
    if edition_id is None:
        raise DeliveryError(f"revision {revision_id}: no such revision")
    now = utcnow()
    rows = [{"edition_id": edition_id, "revision_id": revision_id, "subscriber_id": sid,
             "list_name": list_name, "state": State.PENDING.value, "attempts": 0,
             "created_at": now} for sid in subscriber_ids]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(DeliveryRow).values(rows).on_conflict_do_nothing(
        index_elements=["edition_id", "subscriber_id"])
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


def claim(session: Session, edition_id: int, subscriber_id: int, *, message_id: str,
          now: datetime | None = None) -> bool:
    """pending -> sending for one recipient; False if another worker (or run) has it.

    The caller commits before the SMTP transaction: from then on the row says "this message
    may be at the server", so a crash cannot lead to a blind second send.
    """
    result = session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.edition_id == edition_id, DeliveryRow.subscriber_id == subscriber_id,
               DeliveryRow.state == State.PENDING)
        .values(state=State.SENDING, attempts=DeliveryRow.attempts + 1,
                message_id=message_id, claimed_at=now or utcnow())
        .execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0))


def claimable(session: Session, edition_id: int, *, after: int, upto: int, limit: int,
              lease: timedelta, now: datetime | None = None) -> list[int]:
    """The next ``limit`` subscriber ids in ``(after, upto]`` a batch may claim.

    Pending rows, and rows left in ``sending`` longer than ``lease`` ago: a run that died
    between the claim and the result (the in-flight window). Those are sent again with the
    Message-ID stored at the first claim, so a duplicate is recognisable; the lease keeps a
    live worker's claims from being taken over.
    """
    stale_before = (now or utcnow()) - lease
    return list(session.scalars(
        select(DeliveryRow.subscriber_id)
        .where(DeliveryRow.edition_id == edition_id, DeliveryRow.subscriber_id > after,
               DeliveryRow.subscriber_id <= upto,
               (DeliveryRow.state == State.PENDING)
               | ((DeliveryRow.state == State.SENDING)
                  & (DeliveryRow.claimed_at < stale_before)))
        .order_by(DeliveryRow.subscriber_id).limit(limit)))


def reclaim(session: Session, edition_id: int, subscriber_id: int, *, lease: timedelta,
            now: datetime | None = None) -> str | None:
    """sending (stale) -> sending again; returns the stored Message-ID, None if not stale."""
    now = now or utcnow()
    result = session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.edition_id == edition_id, DeliveryRow.subscriber_id == subscriber_id,
               DeliveryRow.state == State.SENDING, DeliveryRow.claimed_at < now - lease)
        .values(attempts=DeliveryRow.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False))
    if not getattr(result, "rowcount", 0):
        return None
    return session.scalar(select(DeliveryRow.message_id).where(
        DeliveryRow.edition_id == edition_id, DeliveryRow.subscriber_id == subscriber_id))


def mark_sent(session: Session, edition_id: int, subscriber_id: int, *, reply: str,
              now: datetime | None = None) -> None:
    """The server accepted the message (2xx after DATA)."""
    _finish(session, edition_id, subscriber_id, State.SENT, reply, now)


def mark_failed(session: Session, edition_id: int, subscriber_id: int, *, reply: str,
                now: datetime | None = None) -> None:
    """A permanent refusal (5xx): this recipient is done, the batch goes on."""
    _finish(session, edition_id, subscriber_id, State.FAILED, reply, now)


def mark_retry(session: Session, edition_id: int, subscriber_id: int, *, reply: str) -> None:
    """A temporary refusal (4xx): back to pending, so a later pass tries again."""
    _move(session, edition_id, subscriber_id, frm=(State.SENDING,), to=State.PENDING,
          reply=reply, finished_at=None)


def mark_skipped(session: Session, edition_id: int, subscriber_id: int, *, reason: str,
                 now: datetime | None = None) -> None:
    """Not sent because the subscriber is no longer active (unsubscribed, bounced).

    From pending, or from sending when the re-check under the subscriber lock (after the
    claim, before the SMTP transaction) finds them gone.
    """
    _move(session, edition_id, subscriber_id, frm=(State.PENDING, State.SENDING),
          to=State.SKIPPED, reply=reason, finished_at=now or utcnow())


def in_flight(session: Session, edition_id: int) -> Sequence[DeliveryRow]:
    """Rows a crashed run left in ``sending``: the message may or may not be at the server."""
    return session.scalars(select(DeliveryRow).where(
        DeliveryRow.edition_id == edition_id, DeliveryRow.state == State.SENDING)
        .order_by(DeliveryRow.subscriber_id)).all()


def claim_test_copy(session: Session, revision_id: int, subscriber_id: int, *,
                    message_id: str) -> bool:
    """Record a test copy of ``revision_id`` to an editor before it is sent; False if one was.

    Unique per revision and editor, so a re-run of the review step never mails an editor a
    second copy of the same revision (a new revision gets its own). Never a delivery.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = session.execute(insert(TestCopyRow).values(
        revision_id=revision_id, subscriber_id=subscriber_id, message_id=message_id,
        smtp_reply=None, sent_at=utcnow()).on_conflict_do_nothing(
        index_elements=["revision_id", "subscriber_id"]))
    return bool(getattr(result, "rowcount", 0))


def finish_test_copy(session: Session, revision_id: int, subscriber_id: int, *,
                     reply: str) -> None:
    session.execute(update(TestCopyRow).where(
        TestCopyRow.revision_id == revision_id, TestCopyRow.subscriber_id == subscriber_id)
        .values(smtp_reply=reply[:2000]))


def test_copies(session: Session, revision_id: int) -> Sequence[TestCopyRow]:
    return session.scalars(select(TestCopyRow).where(TestCopyRow.revision_id == revision_id)
                           .order_by(TestCopyRow.subscriber_id)).all()


def pause(session: Session, edition_id: int, reason: str) -> None:
    """Stop every batch of the edition (see :class:`~newsdesk.store.models.DeliveryPauseRow`)."""
    if session.get(DeliveryPauseRow, edition_id) is None:
        session.add(DeliveryPauseRow(edition_id=edition_id, reason=reason[:2000]))
        session.flush()


def paused(session: Session, edition_id: int) -> str | None:
    """Why the edition's delivery is paused, or None."""
    return session.scalar(select(DeliveryPauseRow.reason).where(
        DeliveryPauseRow.edition_id == edition_id))


def resume(session: Session, edition_id: int) -> bool:
    row = session.get(DeliveryPauseRow, edition_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def report(session: Session, edition_id: int) -> Report:
    counts = {State(state): int(n) for state, n in session.execute(
        select(DeliveryRow.state, func.count()).where(DeliveryRow.edition_id == edition_id)
        .group_by(DeliveryRow.state))}
    reasons = session.execute(
        select(DeliveryRow.state, DeliveryRow.subscriber_id, DeliveryRow.smtp_reply)
        .where(DeliveryRow.edition_id == edition_id,
               DeliveryRow.state.in_([State.FAILED, State.SKIPPED]))
        .order_by(DeliveryRow.subscriber_id)).all()
    return Report(edition_id=edition_id, counts=counts,
                  failed=[(sid, why or "") for st, sid, why in reasons if st == State.FAILED],
                  skipped=[(sid, why or "") for st, sid, why in reasons if st == State.SKIPPED])


def _finish(session: Session, edition_id: int, subscriber_id: int, to: State, reply: str,
            now: datetime | None) -> None:
    _move(session, edition_id, subscriber_id, frm=(State.SENDING,), to=to, reply=reply,
          finished_at=now or utcnow())


def _move(session: Session, edition_id: int, subscriber_id: int, *, frm: tuple[State, ...],
          to: State, reply: str, finished_at: datetime | None) -> None:
    result = session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.edition_id == edition_id, DeliveryRow.subscriber_id == subscriber_id,
               DeliveryRow.state.in_(frm))
        .values(state=to, smtp_reply=reply[:2000], finished_at=finished_at)
        .execution_options(synchronize_session=False))
    if not getattr(result, "rowcount", 0):
        raise DeliveryError(f"delivery of edition {edition_id} to subscriber {subscriber_id}: "
                            f"cannot move to {to.value}, it is not "
                            f"{' or '.join(state.value for state in frm)}")
