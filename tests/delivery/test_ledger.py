"""The delivery ledger on both backends: queue once per edition, claim once, report."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from newsdesk.delivery import ledger
from newsdesk.delivery.ledger import State
from newsdesk.errors import DeliveryError
from newsdesk.store.database import session_scope
from newsdesk.store.models import DeliveryRow, EditionRevisionRow, EditionRow
from newsdesk.subscribers import lifecycle

LIST = "partners-newsletter"
#: url, edition id, first and second revision ids, three active subscriber ids
Seeded = tuple[str, int, int, int, list[int]]


def _revision(session: Session, edition: EditionRow, number: int) -> int:
    row = EditionRevisionRow(edition=edition, number=number, status="approved" if number == 1
                             else "draft", snapshot="{}", snapshot_sha256="0" * 64,
                             created_by="test")
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def seeded(db_url: str) -> Seeded:
    """An edition with two revisions and three active subscribers."""
    with session_scope(db_url) as session:
        edition = EditionRow(key="2020Q4", kind="quarterly")
        session.add(edition)
        session.flush()
        first, second = _revision(session, edition, 1), _revision(session, edition, 2)
        ids = [lifecycle.add_active(session, LIST, f"p{n}@unpan.org",
                                    consent_source="csv")[0].id for n in range(3)]
        return db_url, edition.id, first, second, ids


def test_a_later_revision_never_queues_someone_already_queued(seeded: Seeded) -> None:
    url, _, first, second, ids = seeded
    with session_scope(url) as session:
        assert ledger.enqueue(session, first, LIST, ids[:2]) == 2
    with session_scope(url) as session:
        assert ledger.enqueue(session, second, LIST, ids) == 1
        assert ledger.enqueue(session, first, LIST, ids) == 0
    with session_scope(url) as session:
        by_sub = {r.subscriber_id: r.revision_id for r in session.query(DeliveryRow)}
        assert by_sub == {ids[0]: first, ids[1]: first, ids[2]: second}


def test_a_row_is_claimed_once_and_moves_only_forward(seeded: Seeded) -> None:
    url, edition_id, first, _, ids = seeded
    with session_scope(url) as session:
        ledger.enqueue(session, first, LIST, ids)
    with session_scope(url) as session:
        assert ledger.claim(session, edition_id, ids[0], message_id="<a@x>")
        assert not ledger.claim(session, edition_id, ids[0], message_id="<a@x>")
    with session_scope(url) as session:
        ledger.mark_sent(session, edition_id, ids[0], reply="250 ok")
        with pytest.raises(DeliveryError, match="not sending"):
            ledger.mark_sent(session, edition_id, ids[0], reply="250 again")
    with session_scope(url) as session:
        assert not ledger.claim(session, edition_id, ids[0], message_id="<a@x>")
        row = session.query(DeliveryRow).filter_by(subscriber_id=ids[0]).one()
        assert (row.state, row.attempts, row.message_id) == (State.SENT, 1, "<a@x>")


def test_a_temporary_refusal_returns_to_pending_and_counts_attempts(seeded: Seeded) -> None:
    url, edition_id, first, _, ids = seeded
    with session_scope(url) as session:
        ledger.enqueue(session, first, LIST, ids[:1])
        ledger.claim(session, edition_id, ids[0], message_id="<a@x>")
        ledger.mark_retry(session, edition_id, ids[0], reply="451 try later")
        assert ledger.claim(session, edition_id, ids[0], message_id="<a@x>")
        ledger.mark_sent(session, edition_id, ids[0], reply="250 ok")
        row = session.query(DeliveryRow).one()
        assert (row.state, row.attempts) == (State.SENT, 2)


def test_the_report_counts_states_with_reasons_and_in_flight_rows(seeded: Seeded) -> None:
    url, edition_id, first, _, ids = seeded
    with session_scope(url) as session:
        ledger.enqueue(session, first, LIST, ids)
        ledger.claim(session, edition_id, ids[0], message_id="<a@x>")
        ledger.mark_failed(session, edition_id, ids[0], reply="550 no such user")
        ledger.mark_skipped(session, edition_id, ids[1], reason="unsubscribed")
    with session_scope(url) as session:
        ledger.claim(session, edition_id, ids[2], message_id="<c@x>")
    with session_scope(url) as session:
        report = ledger.report(session, edition_id)
        assert report.counts == {State.FAILED: 1, State.SKIPPED: 1, State.SENDING: 1}
        assert report.failed == [(ids[0], "550 no such user")]
        assert report.skipped == [(ids[1], "unsubscribed")]
        assert [r.subscriber_id for r in ledger.in_flight(session, edition_id)] == [ids[2]]


def test_test_copies_are_recorded_apart_and_never_count(seeded: Seeded) -> None:
    url, edition_id, first, _, ids = seeded
    with session_scope(url) as session:
        with pytest.raises(DeliveryError, match="test copies"):
            ledger.enqueue(session, first, ledger.TEST_LIST, ids)
        assert ledger.claim_test_copy(session, first, ids[0], message_id="<t@x>")
        ledger.finish_test_copy(session, first, ids[0], reply="250 ok")
        assert not ledger.claim_test_copy(session, first, ids[0], message_id="<t@x>")
        assert [c.smtp_reply for c in ledger.test_copies(session, first)] == ["250 ok"]
    with session_scope(url) as session:
        assert ledger.report(session, edition_id).counts == {}
        assert ledger.enqueue(session, first, LIST, ids[:1]) == 1


def test_an_unknown_revision_is_one_line(db_url: str) -> None:
    with session_scope(db_url) as session, pytest.raises(DeliveryError, match="revision 999"):
        ledger.enqueue(session, 999, LIST, [1])
