"""The delivery manager against a real SMTP server: exactly once, under the faults that matter.

The server-side record (:class:`tests.delivery.conftest.RecordingHandler`) is the truth:
every active subscriber exactly once, nobody unsubscribed, a duplicate only inside the
documented in-flight bound and then with the same Message-ID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from tests.newsletter_factory import BUILT_AT, config, insert, registry, seed_items

from newsdesk.config import Settings
from newsdesk.delivery import ledger
from newsdesk.delivery.ledger import State
from newsdesk.delivery.manager import (
    DeliveryPaused,
    SendOptions,
    plan,
    prepare,
    send,
    send_batch,
    send_test_copies,
)
from newsdesk.delivery.transport import SmtpTransport
from newsdesk.edition.builder import build_edition
from newsdesk.errors import ReviewError
from newsdesk.review import approve, submit_for_review
from newsdesk.store.database import session_scope
from newsdesk.subscribers import lifecycle, tokens
from newsdesk.subscribers.tokens import Purpose, TokenSubject

from .conftest import SmtpServer

LIST = "partners-newsletter"
SECRET = "delivery-test-secret-" + "x" * 24
FAST = SendOptions(batch_size=200, in_flight=20, retry_delay_s=0.0, pause_after=10)


@dataclass
class Edition:
    settings: Settings
    revision_id: int
    edition_id: int

    def add(self, n: int, list_name: str = LIST, start: int = 0) -> list[int]:
        with session_scope(self.settings.db_url) as session:
            return [lifecycle.add_active(session, list_name, f"s{i:05d}@example.org",
                                         name=f"Subscriber {i}", consent_source="test")[0].id
                    for i in range(start, start + n)]

    def addresses(self, ids: list[int]) -> set[str]:
        return {f"s{i:05d}@example.org" for i in range(len(ids))}


def _edition(db_url: str, tmp_path: Path, *, approved: bool = True) -> Edition:
    items, clusters = seed_items()
    insert(db_url, items, clusters)
    rev = build_edition(db_url, "2020Q4", registry(), config(), created_by="test",
                        built_at=BUILT_AT)
    if approved:
        submit_for_review(db_url, rev.id, by="dag")
        approve(db_url, rev.id, rev.content_sha256, by="chief")
    settings = replace(Settings.from_env(), state_dir=tmp_path, db_url=db_url, secret=SECRET,
                       public_url="http://127.0.0.1:8025")
    return Edition(settings, rev.id, rev.edition_id)


@pytest.fixture
def edition(sqlite_url: str, tmp_path: Path) -> Edition:
    return _edition(sqlite_url, tmp_path)


def _send(edition: Edition, server: SmtpServer, options: SendOptions = FAST) -> ledger.Report:
    return send(edition.settings, edition.revision_id, LIST, SmtpTransport(server.settings),
                options)


def test_a_full_send_reaches_every_active_subscriber_once(edition: Edition,
                                                           smtp_server: SmtpServer) -> None:
    ids = edition.add(1000)
    with session_scope(edition.settings.db_url) as session:
        lifecycle.remove(session, LIST, "s00007@example.org")
        lifecycle.mark_bounced(session, LIST, "s00008@example.org")
    report = _send(edition, smtp_server)
    counts = smtp_server.handler.counts()
    expected = edition.addresses(ids) - {"s00007@example.org", "s00008@example.org"}
    assert set(counts) == expected and set(counts.values()) == {1}
    assert report.count(State.SENT) == 998 and report.count(State.PENDING) == 0
    again = _send(edition, smtp_server)  # a whole re-run sends nothing
    assert smtp_server.handler.counts() == counts and again.count(State.SENT) == 998


def test_received_messages_are_personal_and_carry_rfc_8058(edition: Edition,
                                                           smtp_server: SmtpServer) -> None:
    ids = edition.add(2)
    _send(edition, smtp_server)
    by_rcpt = {r.recipient: r for r in smtp_server.handler.received}
    message = message_from_bytes(by_rcpt["s00001@example.org"].data, policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "s00001@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = (part.strip(" <>") for part in message["List-Unsubscribe"].split(","))
    assert https.startswith("http://127.0.0.1:8025/unsubscribe/") and mailto.startswith("mailto:")
    subject = tokens.verify(SECRET, Purpose.UNSUBSCRIBE, https.rsplit("/", 1)[1])
    assert subject == TokenSubject(ids[1], LIST, "s00001@example.org")
    text, html = message.iter_parts()
    assert https in text.get_content() and https in html.get_content()
    assert "%%" not in text.get_content() + html.get_content()
    assert message["Message-ID"] != by_rcpt["s00000@example.org"].message_id


def test_550_fails_that_recipient_and_the_batch_goes_on(edition: Edition,
                                                        smtp_server: SmtpServer) -> None:
    ids = edition.add(50)
    smtp_server.handler.faults.refuse = {f"s{i:05d}@example.org": "550 5.1.1 no such user"
                                         for i in (3, 17, 40)}
    report = _send(edition, smtp_server)
    assert report.count(State.SENT) == 47 and report.count(State.FAILED) == 3
    assert {reason for _, reason in report.failed} == {"550 5.1.1 no such user"}
    assert set(smtp_server.handler.counts().values()) == {1}
    assert len(smtp_server.handler.counts()) == len(ids) - 3


def test_451_is_retried_later_and_then_delivered_once(edition: Edition,
                                                      smtp_server: SmtpServer) -> None:
    edition.add(30)
    smtp_server.handler.faults.temporary_once = {f"s{i:05d}@example.org" for i in (0, 5, 29)}
    report = _send(edition, smtp_server)
    assert report.count(State.SENT) == 30
    assert set(smtp_server.handler.counts().values()) == {1}


def test_a_dropped_connection_duplicates_at_most_the_message_in_flight(
        edition: Edition, smtp_server: SmtpServer) -> None:
    """The server accepts a message and drops the connection before its reply: the one
    message whose fate the client cannot know is sent again, with the same Message-ID."""
    edition.add(100)
    smtp_server.handler.faults.drop_after = 40
    report = _send(edition, smtp_server)
    counts = smtp_server.handler.counts()
    assert report.count(State.SENT) == 100 and len(counts) == 100
    twice = [address for address, n in counts.items() if n > 1]
    assert len(twice) <= 1 and max(counts.values()) <= 2
    for address in twice:
        assert len({r.message_id for r in smtp_server.handler.received
                    if r.recipient == address}) == 1


def test_consecutive_errors_pause_every_batch_until_resumed(edition: Edition,
                                                            smtp_server: SmtpServer) -> None:
    edition.add(60)
    smtp_server.handler.faults.refuse = {f"s{i:05d}@example.org": "421 4.7.0 relay broken"
                                         for i in range(60)}
    options = replace(FAST, batch_size=20, pause_after=5)
    with pytest.raises(DeliveryPaused, match="5 consecutive SMTP errors"):
        _send(edition, smtp_server, options)
    prepared = prepare(edition.settings, edition.revision_id, LIST)
    with pytest.raises(DeliveryPaused, match="paused"):  # a second batch does not even try
        send_batch(edition.settings, prepared, SmtpTransport(smtp_server.settings), (0, 10**9),
                   options)
    assert not smtp_server.handler.received
    smtp_server.handler.faults.refuse = {}
    with session_scope(edition.settings.db_url) as session:
        assert ledger.resume(session, edition.edition_id)
    assert _send(edition, smtp_server, options).count(State.SENT) == 60


def test_an_unapproved_revision_is_refused(sqlite_url: str, tmp_path: Path,
                                           smtp_server: SmtpServer) -> None:
    draft = _edition(sqlite_url, tmp_path, approved=False)
    draft.add(3)
    with pytest.raises(ReviewError, match="not approved"):
        _send(draft, smtp_server)
    assert not smtp_server.handler.received


def test_nobody_receives_anything_after_their_unsubscribe_is_committed(
        edition: Edition, smtp_server: SmtpServer) -> None:
    """Unsubscribes committed from another thread while a slow send runs: each leaver's
    message, if any, reached the server before the unsubscribe's commit returned."""
    ids = edition.add(120)
    smtp_server.handler.faults.delay_s = 0.01
    leavers = [f"s{i:05d}@example.org" for i in range(5, 120, 10)]
    committed_at: dict[str, float] = {}

    def leave() -> None:
        for address in leavers:
            time.sleep(0.08)
            with session_scope(edition.settings.db_url) as session:
                lifecycle.remove(session, LIST, address, via="one-click")
            committed_at[address] = time.monotonic()

    thread = threading.Thread(target=leave)
    thread.start()
    _send(edition, smtp_server, replace(FAST, in_flight=5))
    thread.join()
    arrivals = {r.recipient: r.at for r in smtp_server.handler.received}
    assert all(arrivals[a] < committed_at[a] for a in leavers if a in arrivals)
    assert any(a not in arrivals for a in leavers)  # some left before their turn
    assert len(arrivals) >= len(ids) - len(leavers)


def test_a_sigkilled_send_resumes_with_duplicates_only_in_flight(
        edition: Edition, smtp_server: SmtpServer) -> None:
    edition.add(300)
    smtp_server.handler.faults.delay_s = 0.005
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "include"),
           "NEWSDESK_SECRET": SECRET, "NEWSDESK_DB_URL": edition.settings.db_url,
           "NEWSDESK_PUBLIC_URL": edition.settings.public_url}
    command = [sys.executable, "-m", "newsdesk.cli", "delivery", "send", "2020Q4",
               "--list", LIST, "--smtp", smtp_server.uri, "--in-flight", "10"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300  # generous: a loaded CI machine starts Python slowly
    while len(smtp_server.handler.received) < 120 and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert 120 <= len(smtp_server.handler.received) < 300, "killed mid-batch"
    with session_scope(edition.settings.db_url) as session:
        in_flight = len(ledger.in_flight(session, edition.edition_id))
    assert in_flight <= 10
    resumed = subprocess.run([*command, "--lease", "0"], env=env, capture_output=True,
                             text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    counts = smtp_server.handler.counts()
    assert len(counts) == 300
    twice = [address for address, n in counts.items() if n > 1]
    assert len(twice) <= in_flight and max(counts.values()) <= 2
    for address in twice:
        assert len({r.message_id for r in smtp_server.handler.received
                    if r.recipient == address}) == 1
    assert "300 sent" in resumed.stdout


def test_plan_is_idempotent_and_cuts_ranges(edition: Edition) -> None:
    ids = edition.add(450)
    spans = plan(edition.settings, edition.revision_id, LIST, replace(FAST, batch_size=200))
    assert spans == [(ids[0], ids[199]), (ids[200], ids[399]), (ids[400], ids[449])]
    assert plan(edition.settings, edition.revision_id, LIST,
                replace(FAST, batch_size=200)) == spans
    with session_scope(edition.settings.db_url) as session:
        assert ledger.report(session, edition.edition_id).count(State.PENDING) == 450


def test_test_copies_go_to_editors_once_and_never_count(edition: Edition,
                                                       smtp_server: SmtpServer) -> None:
    edition.add(2, list_name="editors")
    edition.add(3, start=10)
    transport = SmtpTransport(smtp_server.settings)
    assert send_test_copies(edition.settings, edition.revision_id, transport) == 2
    assert send_test_copies(edition.settings, edition.revision_id,
                            SmtpTransport(smtp_server.settings)) == 0
    subjects = {str(message_from_bytes(r.data, policy=policy.default)["Subject"])
                for r in smtp_server.handler.received}
    assert len(smtp_server.handler.received) == 2
    assert all(s.startswith("[TEST] ") for s in subjects)
    with session_scope(edition.settings.db_url) as session:
        assert ledger.report(session, edition.edition_id).counts == {}


@pytest.mark.postgres
def test_exactly_once_on_postgresql(pg_url: str, tmp_path: Path,
                                    smtp_server: SmtpServer) -> None:
    edition = _edition(pg_url, tmp_path)
    ids = edition.add(200)
    smtp_server.handler.faults.temporary_once = {"s00010@example.org"}
    options = replace(FAST, lease=timedelta(minutes=5))
    plan(edition.settings, edition.revision_id, LIST, options)  # queued, then leaves
    with session_scope(pg_url) as session:
        lifecycle.remove(session, LIST, "s00011@example.org")
    report = _send(edition, smtp_server, options)
    counts = smtp_server.handler.counts()
    assert set(counts) == edition.addresses(ids) - {"s00011@example.org"}
    assert set(counts.values()) == {1} and report.count(State.SKIPPED) == 1


def test_received_messages_verify_with_the_configured_dkim_key(
        sqlite_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    import base64

    import dkim
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "dkim.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    public = base64.b64encode(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    signed = _edition(sqlite_url, tmp_path)
    signed.settings = replace(signed.settings, dkim_key_file=key_file, dkim_selector="nd2020")
    signed.add(3)
    _send(signed, smtp_server)
    signed_from = str(message_from_bytes(smtp_server.handler.received[0].data,
                                         policy=policy.default)["From"].addresses[0].addr_spec)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        domain = signed_from.rpartition("@")[2].encode()
        return b"v=DKIM1; k=rsa; p=" + public if name == b"nd2020._domainkey." + domain + b"." \
            else b""

    assert len(smtp_server.handler.received) == 3
    for received in smtp_server.handler.received:
        assert dkim.verify(received.data, dnsfunc=dns), received.recipient
