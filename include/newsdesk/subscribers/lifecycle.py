"""Every move of a subscriber's status, and the reads delivery needs.

Nobody is active without consent: a web sign-up is ``pending`` until its confirmation link
is followed (double opt-in); an operator's import carries the consent its file records. An
unsubscribe or bounce is final for sending: only a new, confirmed sign-up makes the address
active again. Functions take a session and leave the commit to the caller, so a status move
and whatever else belongs with it (the delivery ledger's skip) commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsdesk.errors import SubscriberError, TokenError
from newsdesk.store.models import SubscriberRow, utcnow
from newsdesk.subscribers.addresses import normalise
from newsdesk.subscribers.tokens import TokenSubject

#: The mailing lists newsdesk sends to; a typo in a list name must not create a new list.
LISTS = ("partners-newsletter", "cepa-members", "editors")


class Status(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"


def require_list(list_name: str) -> str:
    if list_name not in LISTS:
        raise SubscriberError(f"unknown list {list_name!r}: choose one of {', '.join(LISTS)}")
    return list_name


def find(session: Session, list_name: str, raw_email: str) -> SubscriberRow | None:
    key = normalise(raw_email, where=f"list {list_name}").key
    return session.scalar(select(SubscriberRow).where(
        SubscriberRow.list_name == require_list(list_name), SubscriberRow.email_key == key))


def subject_of(row: SubscriberRow) -> TokenSubject:
    return TokenSubject(subscriber_id=row.id, list_name=row.list_name, email_key=row.email_key)


def request(session: Session, list_name: str, raw_email: str, *, name: str = "",
            organisation: str = "", language: str = "en", consent_source: str,
            now: datetime | None = None) -> SubscriberRow:
    """A sign-up waiting for confirmation; an active subscriber stays as they are."""
    row = _upsert(session, list_name, raw_email, name=name, organisation=organisation,
                  language=language, consent_source=consent_source)
    if row.status != Status.ACTIVE:
        _move(row, Status.PENDING, via=consent_source, now=now)
        row.consent_at = None
    return row


def add_active(session: Session, list_name: str, raw_email: str, *, name: str = "",
               organisation: str = "", language: str = "en", consent_source: str,
               consent_at: datetime | None = None, now: datetime | None = None
               ) -> tuple[SubscriberRow, bool]:
    """An operator's import: active with the consent the file records.

    Returns the row and whether anything changed. Someone who unsubscribed or bounced is
    left so: an old export re-imported must not resubscribe them.
    """
    existing = find(session, list_name, raw_email)
    if existing is not None and existing.status in (Status.UNSUBSCRIBED, Status.BOUNCED):
        return existing, False
    before = None if existing is None else (existing.status, existing.name,
                                            existing.organisation, existing.language)
    row = _upsert(session, list_name, raw_email, name=name, organisation=organisation,
                  language=language, consent_source=consent_source)
    if row.status != Status.ACTIVE:
        _move(row, Status.ACTIVE, via="import", now=now)
        row.consent_at = consent_at or now or utcnow()
    after = (row.status, row.name, row.organisation, row.language)
    return row, before != after


def confirm(session: Session, subject: TokenSubject, *, now: datetime | None = None
            ) -> SubscriberRow:
    """Follow a confirmation link: pending becomes active (idempotent for an active one)."""
    row = _by_subject(session, subject)
    if row.status == Status.PENDING:
        _move(row, Status.ACTIVE, via="confirmed", now=now)
        row.consent_at = now or utcnow()
    elif row.status != Status.ACTIVE:
        raise TokenError("this confirmation link is no longer valid; please sign up again")
    return row


def unsubscribe(session: Session, subject: TokenSubject, *, via: str,
                now: datetime | None = None) -> SubscriberRow:
    """Stop sending to this subscriber (idempotent: a second click changes nothing)."""
    row = _by_subject(session, subject)
    if row.status != Status.UNSUBSCRIBED:
        _move(row, Status.UNSUBSCRIBED, via=via, now=now)
    return row


def remove(session: Session, list_name: str, raw_email: str, *, via: str = "operator",
           now: datetime | None = None) -> SubscriberRow | None:
    """An operator's removal: recorded as an unsubscribe, so the address is not re-imported."""
    row = find(session, list_name, raw_email)
    if row is not None and row.status != Status.UNSUBSCRIBED:
        _move(row, Status.UNSUBSCRIBED, via=via, now=now)
    return row


def mark_bounced(session: Session, list_name: str, raw_email: str, *,
                 now: datetime | None = None) -> SubscriberRow | None:
    row = find(session, list_name, raw_email)
    if row is not None and row.status not in (Status.UNSUBSCRIBED, Status.BOUNCED):
        _move(row, Status.BOUNCED, via="bounce", now=now)
    return row


def is_active(session: Session, subscriber_id: int) -> bool:
    """Read at send time, so an unsubscribe committed mid-run stops the next message."""
    status = session.scalar(select(SubscriberRow.status).where(
        SubscriberRow.id == subscriber_id))
    return status == Status.ACTIVE


def lock_active(session: Session, subscriber_ids: Sequence[int]) -> dict[int, SubscriberRow]:
    """The still-active subscribers among ``subscriber_ids``, locked until the commit.

    Delivery calls this after committing its claims and before the SMTP transactions, and
    commits after the results: an unsubscribe committed first is seen here; one arriving
    meanwhile waits for the commit. So nobody receives a message after their unsubscribe
    is committed. PostgreSQL: ``FOR SHARE`` on the rows; SQLite has no row locks: the
    transaction takes the database's write lock first (``BEGIN IMMEDIATE``), which every
    status move needs too. Must be the session's first statement in its transaction.
    """
    if not subscriber_ids:
        return {}
    query = select(SubscriberRow).where(SubscriberRow.id.in_(subscriber_ids),
                                        SubscriberRow.status == Status.ACTIVE)
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    else:
        query = query.with_for_update(read=True)
    return {row.id: row for row in session.scalars(query)}


def active_batch(session: Session, list_name: str, *, after_id: int, limit: int
                 ) -> Sequence[SubscriberRow]:
    """The next ``limit`` active subscribers by id: a cursor that survives restarts."""
    return session.scalars(
        select(SubscriberRow)
        .where(SubscriberRow.list_name == require_list(list_name),
               SubscriberRow.status == Status.ACTIVE, SubscriberRow.id > after_id)
        .order_by(SubscriberRow.id).limit(limit)).all()


def by_subject(session: Session, subject: TokenSubject) -> SubscriberRow:
    """The row a verified token speaks for; :class:`TokenError` if it names nobody (a row
    deleted, or an id reused for another address). Pages check this before offering a
    button, so a dead link is refused at once, not after a click."""
    return _by_subject(session, subject)


def _by_subject(session: Session, subject: TokenSubject) -> SubscriberRow:
    row = session.get(SubscriberRow, subject.subscriber_id)
    if row is None or row.list_name != subject.list_name or row.email_key != subject.email_key:
        raise TokenError("this link does not match any subscription")
    return row


def _upsert(session: Session, list_name: str, raw_email: str, *, name: str,
            organisation: str, language: str, consent_source: str) -> SubscriberRow:
    address = normalise(raw_email, where=f"list {require_list(list_name)}")
    row = session.scalar(select(SubscriberRow).where(
        SubscriberRow.list_name == list_name, SubscriberRow.email_key == address.key))
    if row is None:
        row = SubscriberRow(list_name=list_name, email=address.email, email_key=address.key,
                            status=Status.PENDING, status_via=consent_source,
                            consent_source=consent_source)
        session.add(row)
    row.name = name.strip()[:200] or row.name or ""
    row.organisation = organisation.strip()[:200] or row.organisation or ""
    row.language = (language.strip()[:8] or row.language or "en").lower()
    row.consent_source = consent_source[:200]
    session.flush()
    return row


def _move(row: SubscriberRow, to: Status, *, via: str, now: datetime | None) -> None:
    row.status = to
    row.status_via = via[:64]
    row.status_changed_at = now or utcnow()
