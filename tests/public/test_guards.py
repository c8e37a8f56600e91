"""What every response carries (security headers), bounded bodies, and token-free logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from tests.public.conftest import SECRET, Public

from newsdesk.public.guards import MAX_BODY_BYTES, redact
from newsdesk.store.database import session_scope
from newsdesk.subscribers import lifecycle, tokens
from newsdesk.subscribers.links import unsubscribe_url
from newsdesk.subscribers.tokens import Purpose


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite only: nothing here depends on the backend."""
    return sqlite_url


def test_every_page_has_the_security_headers(public: Public) -> None:
    for method, path in [("GET", "/subscribe"), ("GET", "/unsubscribe/forged"),
                         ("GET", "/confirm/forged"), ("GET", "/no/such/page"),
                         ("POST", "/subscribe"), ("GET", "/public.css")]:
        answer = public.client.request(method, path)
        headers = answer.headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "form-action 'self'" in csp, path
        assert "unsafe-inline" not in csp and "script-src" not in csp, path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert "server" not in headers, path


def test_pages_have_no_script_and_no_inline_style(public: Public) -> None:
    page = public.client.get("/subscribe").text
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert '<link rel="stylesheet" href="/public.css">' in page
    assert public.client.get("/public.css").headers["content-type"].startswith("text/css")


def test_a_declared_large_body_is_refused_unread(public: Public) -> None:
    answer = public.client.post("/subscribe", content=b"email=" + b"a" * MAX_BODY_BYTES,
                                headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413
    assert answer.headers["x-frame-options"] == "DENY"


def test_a_chunked_body_is_cut_off_at_the_bound(public: Public) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"email=x%40example.org&name="
        for _ in range(64):
            yield b"a" * 1024

    answer = public.client.post("/subscribe", content=chunks(),
                                headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413
    assert public.messages() == []


def test_log_lines_never_carry_a_token(public: Public, caplog: pytest.LogCaptureFixture) -> None:
    with session_scope(public.db_url) as session:
        row, _ = lifecycle.add_active(session, "cepa-members", "a@example.org",
                                      consent_source="csv")
        token = tokens.sign(SECRET, Purpose.UNSUBSCRIBE, lifecycle.subject_of(row))
    with caplog.at_level(logging.INFO, logger="newsdesk.public"):
        public.client.get(unsubscribe_url(public.base_url, token))
        public.client.post(unsubscribe_url(public.base_url, token),
                           data={"List-Unsubscribe": "One-Click"})
    lines = [r.getMessage() for r in caplog.records if r.name == "newsdesk.public"]
    assert "GET /unsubscribe/{token} 200" in "\n".join(lines)
    assert any("via one-click" in line for line in lines)
    assert not any(token in line or "a@example.org" in line for line in lines)


def test_redact() -> None:
    assert redact("/unsubscribe/abc.def") == "/unsubscribe/{token}"
    assert redact("/confirm/abc") == "/confirm/{token}"
    assert redact("/subscribe") == "/subscribe"
