"""Subscribe with double opt-in, end to end: the form, the email in the sink, the link."""

from __future__ import annotations

import httpx
import pytest
from tests.public.conftest import Public, confirm_link, csrf_of

from newsdesk.public.ratelimit import RateLimits
from newsdesk.store.database import session_scope
from newsdesk.subscribers import lifecycle
from newsdesk.subscribers.lifecycle import Status

LIST = "partners-newsletter"


def _status(public: Public, email: str, list_name: str = LIST) -> str | None:
    with session_scope(public.db_url) as session:
        row = lifecycle.find(session, list_name, email)
        return None if row is None else row.status


def test_double_opt_in_through_the_sink(public: Public) -> None:
    answer = public.subscribe("Ana.Silva@Example.ORG", name="Ana Silva",
                              organisation="Ministry of Planning", language="es")
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    assert _status(public, "ana.silva@example.org") == Status.PENDING  # nobody active yet

    [message] = public.messages()
    assert message["To"] == "Ana Silva <Ana.Silva@example.org>"
    assert message["From"] == "UNPAN Team <unpan@example.org>"
    assert "confirm" in message["Subject"].lower() and message["Message-ID"]
    link = confirm_link(message)
    assert link.startswith(public.base_url + "/confirm/")

    page = public.client.get(link)  # what a link scanner does: nothing changes
    assert page.status_code == 200 and "Confirm my subscription" in page.text
    assert _status(public, "ana.silva@example.org") == Status.PENDING
    done = public.client.post(link, data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "You are subscribed" in done.text
    with session_scope(public.db_url) as session:
        row = lifecycle.find(session, LIST, "ana.silva@example.org")
        assert row is not None and row.status == Status.ACTIVE
        assert (row.name, row.organisation, row.language) == ("Ana Silva",
                                                               "Ministry of Planning", "es")
        assert row.consent_source == "web form" and row.consent_at is not None
    again = public.client.post(link, data={"csrf": csrf_of(page.text)})  # idempotent
    assert again.status_code == 200 and _status(public, "ana.silva@example.org") == "active"


def test_the_same_page_whoever_the_address_is(public: Public) -> None:
    with session_scope(public.db_url) as session:
        lifecycle.add_active(session, LIST, "known@example.org", name="Known",
                             consent_source="csv")
    new = public.subscribe("stranger@example.org")
    known = public.subscribe("known@example.org", name="Someone Else")
    assert (new.status_code, new.text) == (known.status_code, known.text)
    # The active subscriber gets no mail, and the form does not rewrite their details.
    assert [m["To"] for m in public.messages()] == ["stranger@example.org"]
    with session_scope(public.db_url) as session:
        row = lifecycle.find(session, LIST, "known@example.org")
        assert row is not None and (row.status, row.name) == (Status.ACTIVE, "Known")


def test_a_confirmation_does_not_resubscribe_who_left(public: Public) -> None:
    public.subscribe("leaver@example.org")
    link = confirm_link(public.messages()[0])
    page = public.client.get(link)
    public.client.post(link, data={"csrf": csrf_of(page.text)})
    with session_scope(public.db_url) as session:
        row = lifecycle.find(session, LIST, "leaver@example.org")
        assert row is not None
        lifecycle.unsubscribe(session, lifecycle.subject_of(row), via="test")
    again = public.client.post(link, data={"csrf": csrf_of(page.text)})
    assert again.status_code == 400
    assert _status(public, "leaver@example.org") == Status.UNSUBSCRIBED


@pytest.mark.parametrize(("field", "value", "says"), [
    ("email", "not-an-address", "valid email address"),
    ("list", "editors", "newsletters offered"),
    ("language", "xx", "languages offered"),
    ("name", "Ana\r\nBcc: victim@example.org", "letters, digits"),
    ("organisation", "x" * 201, "at most 200"),
])
def test_bad_fields_show_the_form_again(public: Public, field: str, value: str,
                                        says: str) -> None:
    values = {"email": "ok@example.org", "list": LIST, "language": "en", "name": "",
              "organisation": "", field: value}
    form = public.client.get("/subscribe")
    answer = public.client.post("/subscribe", data={"csrf": csrf_of(form.text), **values})
    assert answer.status_code == 400 and says in answer.text
    assert public.messages() == []
    assert _status(public, "ok@example.org") is None


def test_a_post_without_the_forms_token_or_cookie_is_refused(public: Public) -> None:
    form = public.client.get("/subscribe")
    data = {"email": "x@example.org", "list": LIST, "language": "en"}
    assert public.client.post("/subscribe", data=data).status_code == 400
    with httpx.Client(base_url=public.base_url) as other:  # a token without its cookie
        cross_site = other.post("/subscribe", data={**data, "csrf": csrf_of(form.text)})
    assert cross_site.status_code == 400 and "did not come from this site" in cross_site.text
    assert public.messages() == [] and _status(public, "x@example.org") is None


@pytest.mark.parametrize("limits", [RateLimits(per_address=2, per_ip=100)])
def test_repeated_requests_do_not_flood_an_address(public: Public) -> None:
    answers = [public.subscribe("Target@example.org" if i % 2 else "target@EXAMPLE.org")
               for i in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.text for a in answers}) == 1  # over the limit looks the same
    assert len(public.messages()) == 2
    assert public.subscribe("other@example.org").status_code == 200
    assert len(public.messages()) == 3


@pytest.mark.parametrize("limits", [RateLimits(per_address=100, per_ip=3)])
def test_one_client_is_limited_per_hour(public: Public) -> None:
    answers = [public.subscribe(f"person{i}@example.org") for i in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert "Check your inbox" in answers[-1].text
    assert len(public.messages()) == 3
    assert _status(public, "person4@example.org") is None
