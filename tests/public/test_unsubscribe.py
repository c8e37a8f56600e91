"""Unsubscribe: GET shows a button and changes nothing; RFC 8058's one-click POST and the
button's POST unsubscribe; forged, altered, expired or misused tokens change nothing."""

from __future__ import annotations

import httpx
import itsdangerous.timed
import pytest
from tests.public.conftest import SECRET, Public, confirm_link, csrf_of

from newsdesk.store.database import session_scope
from newsdesk.store.models import SubscriberRow
from newsdesk.subscribers import lifecycle, tokens
from newsdesk.subscribers.lifecycle import Status
from newsdesk.subscribers.links import confirm_url, unsubscribe_url
from newsdesk.subscribers.tokens import Purpose

LIST = "partners-newsletter"
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def member(public: Public) -> tuple[int, str]:
    """An active subscriber and their unsubscribe link."""
    with session_scope(public.db_url) as session:
        row, _ = lifecycle.add_active(session, LIST, "member@example.org", consent_source="csv")
        token = tokens.sign(SECRET, Purpose.UNSUBSCRIBE, lifecycle.subject_of(row))
        subscriber_id = row.id
    return subscriber_id, unsubscribe_url(public.base_url, token)


def _status(public: Public, subscriber_id: int) -> tuple[str, str]:
    with session_scope(public.db_url) as session:
        row = session.get(SubscriberRow, subscriber_id)
        assert row is not None
        return row.status, row.status_via


def test_get_shows_a_button_and_unsubscribes_nobody(public: Public,
                                                     member: tuple[int, str]) -> None:
    subscriber_id, link = member
    for _ in range(3):  # a link scanner, a preview, the person
        page = public.client.get(link)
        assert page.status_code == 200 and "<form method=\"post\">" in page.text
    assert public.client.head(link).status_code in (200, 405)
    assert _status(public, subscriber_id)[0] == Status.ACTIVE


def test_one_click_post_unsubscribes_and_is_idempotent(public: Public,
                                                        member: tuple[int, str]) -> None:
    subscriber_id, link = member
    with httpx.Client() as provider:  # a mail provider: no cookie, no page, no CSRF token
        first = provider.post(link, data=ONE_CLICK)
        assert first.status_code == 200 and "You are unsubscribed" in first.text
        assert _status(public, subscriber_id) == (Status.UNSUBSCRIBED, "one-click")
        again = provider.post(link, files={"List-Unsubscribe": (None, "One-Click")})
        assert again.status_code == 200  # multipart/form-data, as RFC 8058 recommends
    assert _status(public, subscriber_id) == (Status.UNSUBSCRIBED, "one-click")


def test_the_button_needs_its_csrf_token(public: Public, member: tuple[int, str]) -> None:
    subscriber_id, link = member
    assert public.client.post(link, data={}).status_code == 403
    assert public.client.post(link, data={"csrf": "forged"}).status_code == 403
    assert public.client.post(link, data={"List-Unsubscribe": "yes"}).status_code == 403
    assert _status(public, subscriber_id)[0] == Status.ACTIVE
    page = public.client.get(link)
    done = public.client.post(link, data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200
    assert _status(public, subscriber_id) == (Status.UNSUBSCRIBED, "web page")


def test_a_csrf_token_works_only_for_its_own_link(public: Public,
                                                  member: tuple[int, str]) -> None:
    subscriber_id, link = member
    with session_scope(public.db_url) as session:
        other, _ = lifecycle.add_active(session, LIST, "other@example.org", consent_source="csv")
        other_link = unsubscribe_url(public.base_url, tokens.sign(
            SECRET, Purpose.UNSUBSCRIBE, lifecycle.subject_of(other)))
    token_of_other_page = csrf_of(public.client.get(other_link).text)
    assert public.client.post(link, data={"csrf": token_of_other_page}).status_code == 403
    assert _status(public, subscriber_id)[0] == Status.ACTIVE


def _altered(token: str) -> str:
    payload, stamp, signature = token.split(".")
    return f"{payload}.{stamp}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def _forged(subscriber_id: int) -> str:
    other_secret = "not-the-apps-secret-but-long-enough-0123456789"
    return tokens.sign(other_secret, Purpose.UNSUBSCRIBE, tokens.TokenSubject(
        subscriber_id, LIST, "member@example.org"))


def test_forged_altered_expired_and_misused_tokens_change_nothing(
        public: Public, member: tuple[int, str], monkeypatch: pytest.MonkeyPatch) -> None:
    subscriber_id, link = member
    token = link.rsplit("/", 1)[1]
    with session_scope(public.db_url) as session:
        row = session.get(SubscriberRow, subscriber_id)
        assert row is not None
        subject = lifecycle.subject_of(row)
        confirm_token = tokens.sign(SECRET, Purpose.CONFIRM, subject)
    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 367 * 24 * 3600)
    expired = tokens.sign(SECRET, Purpose.UNSUBSCRIBE, subject)
    monkeypatch.undo()
    wrong_person = tokens.sign(SECRET, Purpose.UNSUBSCRIBE, tokens.TokenSubject(
        subscriber_id, LIST, "someone-else@example.org"))
    bad = {"altered": _altered(token), "forged": _forged(subscriber_id),
           "expired": expired, "a confirmation token": confirm_token,
           "someone else's address": wrong_person, "garbage": "x" * 600}
    for what, bad_token in bad.items():
        url = unsubscribe_url(public.base_url, bad_token)
        page = public.client.get(url)
        assert page.status_code == 400, what
        assert "This link cannot be used" in page.text and "<form" not in page.text, what
        assert public.client.post(url, data=ONE_CLICK).status_code == 400, what
        assert _status(public, subscriber_id)[0] == Status.ACTIVE, what
    assert "expired" in public.client.get(unsubscribe_url(public.base_url, expired)).text


def test_forged_or_expired_confirmation_links_change_nothing(
        public: Public, monkeypatch: pytest.MonkeyPatch) -> None:
    public.subscribe("pending@example.org")
    link = confirm_link(public.messages()[0])
    token = link.rsplit("/", 1)[1]
    with session_scope(public.db_url) as session:
        row = lifecycle.find(session, LIST, "pending@example.org")
        assert row is not None
        subject, subscriber_id = lifecycle.subject_of(row), row.id
    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 49 * 3600)
    expired = tokens.sign(SECRET, Purpose.CONFIRM, subject)
    monkeypatch.undo()
    unsubscribe_token = tokens.sign(SECRET, Purpose.UNSUBSCRIBE, subject)
    page = public.client.get(link)
    for bad_token in (_altered(token), expired, unsubscribe_token):
        url = confirm_url(public.base_url, bad_token)
        assert public.client.get(url).status_code == 400
        # even with a valid CSRF token from the real page
        assert public.client.post(url, data={"csrf": csrf_of(page.text)}).status_code == 400
    assert _status(public, subscriber_id)[0] == Status.PENDING


def test_one_click_from_a_received_newsletters_header(public: Public) -> None:
    """The Done-when path: a delivered message's List-Unsubscribe header, POSTed as a mail
    provider does, unsubscribes; the next edition's send skips that person."""
    with session_scope(public.db_url) as session:
        for name in ("reader", "stayer"):
            lifecycle.add_active(session, LIST, f"{name}@example.org", consent_source="csv")
    public.deliver_newsletter()
    received = {str(m["X-Envelope-To"]): m for m in public.messages()}
    assert set(received) == {"reader@example.org", "stayer@example.org"}
    message = received["reader@example.org"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https = next(part.strip(" <>") for part in message["List-Unsubscribe"].split(",")
                 if part.strip(" <>").startswith("http"))
    assert https.startswith(public.base_url + "/unsubscribe/")
    assert public.client.get(https).status_code == 200  # a scanner's GET first: no change
    with httpx.Client() as provider:
        assert provider.post(https, data=ONE_CLICK).status_code == 200
    with session_scope(public.db_url) as session:
        reader = lifecycle.find(session, LIST, "reader@example.org")
        stayer = lifecycle.find(session, LIST, "stayer@example.org")
        assert reader is not None and stayer is not None
        assert (reader.status, reader.status_via) == (Status.UNSUBSCRIBED, "one-click")
        assert stayer.status == Status.ACTIVE
