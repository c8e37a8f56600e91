"""Subscriber status moves on both backends: double opt-in, imports, unsubscribe, bounce."""

from __future__ import annotations

import pytest

from newsdesk.errors import SubscriberError, TokenError
from newsdesk.store.database import migrate, session_scope
from newsdesk.subscribers import lifecycle
from newsdesk.subscribers.addresses import normalise
from newsdesk.subscribers.lifecycle import Status
from newsdesk.subscribers.tokens import TokenSubject

LIST = "partners-newsletter"


@pytest.fixture
def url(db_url: str) -> str:
    migrate(db_url)
    return db_url


def test_a_sign_up_is_pending_until_confirmed(url: str) -> None:
    with session_scope(url) as session:
        row = lifecycle.request(session, LIST, "Ana@UNPAN.org", consent_source="web form")
        subject = lifecycle.subject_of(row)
        assert row.status == Status.PENDING and row.consent_at is None
        assert lifecycle.active_batch(session, LIST, after_id=0, limit=10) == []
    with session_scope(url) as session:
        row = lifecycle.confirm(session, subject)
        assert row.status == Status.ACTIVE and row.consent_at is not None
        assert [r.email for r in lifecycle.active_batch(session, LIST, after_id=0, limit=10)] \
            == ["Ana@unpan.org"]


def test_one_address_per_list_whatever_its_case(url: str) -> None:
    with session_scope(url) as session:
        first, _ = lifecycle.add_active(session, LIST, "ana@unpan.org", consent_source="csv")
        again, changed = lifecycle.add_active(session, LIST, " ANA@unpan.ORG ",
                                              consent_source="csv")
        other, _ = lifecycle.add_active(session, "editors", "ana@unpan.org",
                                        consent_source="csv")
        assert again.id == first.id and not changed
        assert other.id != first.id


def test_an_import_never_resubscribes_someone_who_left(url: str) -> None:
    with session_scope(url) as session:
        row, _ = lifecycle.add_active(session, LIST, "ana@unpan.org", consent_source="csv")
        lifecycle.unsubscribe(session, lifecycle.subject_of(row), via="one-click")
        again, changed = lifecycle.add_active(session, LIST, "ana@unpan.org",
                                              consent_source="csv")
        assert again.status == Status.UNSUBSCRIBED and not changed
        assert not lifecycle.is_active(session, row.id)


def test_a_token_for_someone_else_matches_nobody(url: str) -> None:
    with session_scope(url) as session:
        row, _ = lifecycle.add_active(session, LIST, "ana@unpan.org", consent_source="csv")
        forged = TokenSubject(subscriber_id=row.id, list_name=LIST, email_key="bob@unpan.org")
        with pytest.raises(TokenError, match="does not match"):
            lifecycle.unsubscribe(session, forged, via="one-click")
        assert lifecycle.is_active(session, row.id)


def test_bounced_and_removed_are_not_sent_to(url: str) -> None:
    with session_scope(url) as session:
        for address in ("a@x.org", "b@x.org", "c@x.org"):
            lifecycle.add_active(session, LIST, address, consent_source="csv")
        lifecycle.mark_bounced(session, LIST, "B@x.org")
        lifecycle.remove(session, LIST, "c@x.org")
        assert [r.email for r in lifecycle.active_batch(session, LIST, after_id=0, limit=10)] \
            == ["a@x.org"]


def test_bad_input_is_one_line_naming_the_list() -> None:
    with pytest.raises(SubscriberError, match="unknown list 'newsleter'"):
        lifecycle.require_list("newsleter")
    with pytest.raises(SubscriberError, match="list partners-newsletter: invalid address"):
        normalise("not an address", where=f"list {LIST}")
    with pytest.raises(SubscriberError, match="line break"):
        normalise("a@x.org\r\nBcc: all@x.org", where=f"list {LIST}")
