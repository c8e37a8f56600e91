"""The editors' "a draft waits" email, through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.newsletter_factory import BUILT_AT, config, insert, registry, seed_items

from newsdesk.delivery.mailbox import Mailbox, read_message
from newsdesk.delivery.sink import start_sink
from newsdesk.delivery.transport import Security, SmtpSettings, SmtpTransport
from newsdesk.edition.builder import build_edition
from newsdesk.review.notices import notify_editors
from newsdesk.store.database import session_scope
from newsdesk.subscribers import lifecycle

LINK = "http://127.0.0.1:8080/dags/quarterly_newsletter/runs/r1/tasks/review_1/required_actions"


def test_every_active_editor_gets_the_link_and_nobody_else(
        sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB_URL", sqlite_url)
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    rev = build_edition(sqlite_url, "2020Q4", registry(), config(), created_by="t",
                        built_at=BUILT_AT)
    with session_scope(sqlite_url) as session:
        for who in ("chief", "deputy", "former"):
            lifecycle.add_active(session, "editors", f"{who}@un.org", consent_source="t")
        lifecycle.remove(session, "editors", "former@un.org")
        lifecycle.add_active(session, "partners-newsletter", "reader@example.org",
                             consent_source="t")
    sink = start_sink(tmp_path / "sink")
    try:
        transport = SmtpTransport(SmtpSettings("127.0.0.1", sink.port, Security.NONE))
        sent = notify_editors({"revision_id": rev.id}, LINK, transport)
    finally:
        sink.stop()
    received = [read_message(p) for p in Mailbox(tmp_path / "sink").messages()]
    assert sent == 2
    assert sorted(str(m["X-Envelope-To"]) for m in received) == ["chief@un.org", "deputy@un.org"]
    body = received[0].get_content()
    assert LINK in body and rev.content_sha256[:12] in body and "#1" in str(received[0]["Subject"])


def test_no_editors_no_message(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB_URL", sqlite_url)
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    rev = build_edition(sqlite_url, "2020Q4", registry(), config(), created_by="t",
                        built_at=BUILT_AT)
    assert notify_editors({"revision_id": rev.id}, LINK) == 0  # and no relay is asked for
