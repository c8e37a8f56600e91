"""The transports against a real SMTP server (aiosmtpd on loopback) and a directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.delivery.mailbox import Mailbox, read_message
from newsdesk.delivery.sink import start_sink
from newsdesk.delivery.transport import (
    DirectoryTransport,
    Envelope,
    Security,
    SmtpSettings,
    SmtpTransport,
    Verdict,
)
from newsdesk.errors import ConfigError

from .conftest import SmtpServer


def _message(to: str, n: int = 1) -> Envelope:
    data = (f"From: unpan@un.org\r\nTo: {to}\r\nSubject: test {n}\r\n"
            f"Message-ID: <m{n}@un.org>\r\n\r\nbody {n}\r\n").encode()
    return Envelope(sender="unpan@un.org", recipient=to, data=data)


def test_one_connection_carries_a_whole_batch(smtp_server: SmtpServer) -> None:
    transport = SmtpTransport(smtp_server.settings)
    outcomes = [transport.push(_message(f"r{i}@example.org", i)) for i in range(20)]
    transport.close()
    assert all(o.verdict is Verdict.ACCEPTED for o in outcomes)
    assert sorted(smtp_server.handler.counts()) == sorted(f"r{i}@example.org" for i in range(20))


def test_a_refusal_is_classified_and_the_session_goes_on(smtp_server: SmtpServer) -> None:
    """550 is permanent, 451 temporary; the next message on the same session is accepted
    (a session reused after a refusal without RSET answers "503 sender already specified")."""
    smtp_server.handler.faults.refuse["gone@example.org"] = "550 5.1.1 no such user"
    smtp_server.handler.faults.temporary_once.add("busy@example.org")
    transport = SmtpTransport(smtp_server.settings)
    gone = transport.push(_message("gone@example.org"))
    busy = transport.push(_message("busy@example.org"))
    fine = transport.push(_message("fine@example.org"))
    again = transport.push(_message("busy@example.org"))
    transport.close()
    assert (gone.verdict, busy.verdict, fine.verdict, again.verdict) == (
        Verdict.PERMANENT, Verdict.TEMPORARY, Verdict.ACCEPTED, Verdict.ACCEPTED)
    assert gone.reply.startswith("550") and busy.reply.startswith("451")


def test_a_dropped_connection_is_temporary_and_the_next_push_reconnects(
        smtp_server: SmtpServer) -> None:
    smtp_server.handler.faults.drop_after = 2
    transport = SmtpTransport(smtp_server.settings)
    verdicts = [transport.push(_message(f"r{i}@example.org", i)).verdict for i in range(4)]
    transport.close()
    assert verdicts == [Verdict.ACCEPTED, Verdict.TEMPORARY, Verdict.ACCEPTED, Verdict.ACCEPTED]


def test_an_unreachable_relay_is_temporary_and_names_it() -> None:
    from newsdesk.delivery.sink import free_port

    port = free_port()
    transport = SmtpTransport(SmtpSettings("127.0.0.1", port, Security.NONE, timeout_s=2))
    outcome = transport.push(_message("a@example.org"))
    assert outcome.verdict is Verdict.TEMPORARY
    assert f"127.0.0.1:{port}" in outcome.reply


def test_the_rate_limit_paces_pushes(smtp_server: SmtpServer) -> None:
    slept: list[float] = []
    clock = iter(float(i) * 0.01 for i in range(100))
    settings = SmtpSettings("127.0.0.1", smtp_server.port, Security.NONE, rate_per_s=10)
    transport = SmtpTransport(settings, sleep=slept.append, clock=lambda: next(clock))
    for i in range(3):
        transport.push(_message(f"r{i}@example.org", i))
    transport.close()
    assert slept == pytest.approx([0.09, 0.18])  # slots 0.1 s apart; the fake clock stands still


def test_settings_follow_the_airflow_smtp_connection() -> None:
    plain = SmtpSettings.from_uri("smtp://127.0.0.1:2525?disable_ssl=true&disable_tls=true")
    assert (plain.host, plain.port, plain.security) == ("127.0.0.1", 2525, Security.NONE)
    tls = SmtpSettings.from_uri("smtp://user%40un.org:s%3Acret@relay.example:587"
                                "?disable_ssl=true")
    assert (tls.security, tls.login, tls.password) == (Security.STARTTLS, "user@un.org",
                                                       "s:cret")
    assert "s:cret" not in repr(tls)
    assert SmtpSettings.from_uri("smtp://relay.example").security is Security.SSL
    assert SmtpSettings.from_uri("smtp://relay.example").port == 465
    with pytest.raises(ConfigError, match="smtp://"):
        SmtpSettings.from_uri("http://relay.example")
    with pytest.raises(ConfigError, match="timeout"):
        SmtpSettings.from_uri("smtp://relay.example?timeout=soon")


def test_the_directory_sink_keeps_every_message_with_an_index(tmp_path: Path) -> None:
    transport = DirectoryTransport(tmp_path / "outbox")
    for i in range(3):
        assert transport.push(_message(f"r{i}@example.org", i)).accepted
    transport.close()
    stored = Mailbox(tmp_path / "outbox").messages()
    assert len(stored) == 3
    assert read_message(stored[0])["X-Envelope-To"] == "r0@example.org"
    index = (tmp_path / "outbox" / "index.html").read_text()
    assert index.count("<tr><td>") == 3 and "test 2" in index


def test_the_smtp_sink_stores_what_it_receives(tmp_path: Path) -> None:
    controller = start_sink(tmp_path / "sink")
    try:
        transport = SmtpTransport(SmtpSettings("127.0.0.1", controller.port, Security.NONE))
        assert transport.push(_message("ana@example.org")).accepted
        transport.close()
    finally:
        controller.stop()
    (stored,) = Mailbox(tmp_path / "sink").messages()
    message = read_message(stored)
    assert message["X-Envelope-To"] == "ana@example.org" and message["Subject"] == "test 1"
    assert "ana@example.org" in (tmp_path / "sink" / "index.html").read_text()


def test_the_smtp_sink_listens_on_loopback_only(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="loopback"):
        start_sink(tmp_path, host="0.0.0.0")
