"""The public app in a real uvicorn on a free loopback port, mailing through a real sink.

``public`` serves :func:`newsdesk.public.create_app` for a freshly migrated database (both
backends through ``db_url``); confirmation mail goes over SMTP to the aiosmtpd sink of
:mod:`newsdesk.delivery.sink` and is read back from its mailbox, as an operator would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from tests.newsletter_factory import BUILT_AT, config, insert, registry, seed_items

from newsdesk.config import Settings
from newsdesk.delivery.mailbox import Mailbox, read_message
from newsdesk.delivery.manager import SendOptions, send
from newsdesk.delivery.sink import free_port, start_sink
from newsdesk.delivery.transport import SmtpSettings, SmtpTransport
from newsdesk.edition.builder import build_edition
from newsdesk.public import MailFrom, RateLimits, create_app
from newsdesk.public.server import serving
from newsdesk.review import approve, submit_for_review

SECRET = "test-secret-for-the-public-app-0123456789abcdef"
MAIL_FROM = MailFrom("UNPAN Team", "unpan@example.org")


@dataclass
class Public:
    base_url: str
    settings: Settings
    mail_dir: Path
    sink_uri: str
    client: httpx.Client

    @property
    def db_url(self) -> str:
        return self.settings.db_url

    def transport(self) -> SmtpTransport:
        return SmtpTransport(SmtpSettings.from_uri(self.sink_uri))

    def deliver_newsletter(self, list_name: str = "partners-newsletter") -> None:
        """Build, approve and send the 2020Q4 edition to the list's active subscribers
        through the delivery manager, into the same sink (the newsletter a reader gets)."""
        items, clusters = seed_items()
        insert(self.db_url, items, clusters)
        revision = build_edition(self.db_url, "2020Q4", registry(), config(),
                                 created_by="test", built_at=BUILT_AT)
        submit_for_review(self.db_url, revision.id, by="dag")
        approve(self.db_url, revision.id, revision.content_sha256, by="chief")
        send(self.settings, revision.id, list_name, self.transport(),
             SendOptions(retry_delay_s=0.0))

    def messages(self) -> list[EmailMessage]:
        return [read_message(path) for path in Mailbox(self.mail_dir).messages()]

    def subscribe(self, email: str, *, name: str = "", organisation: str = "",
                  language: str = "en", list_name: str = "partners-newsletter",
                  client: httpx.Client | None = None) -> httpx.Response:
        """GET the form (for its CSRF token and cookie), then POST it like a browser."""
        client = client or self.client
        form = client.get("/subscribe")
        assert form.status_code == 200
        return client.post("/subscribe", data={
            "csrf": csrf_of(form.text), "email": email, "name": name,
            "organisation": organisation, "language": language, "list": list_name})


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def confirm_link(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"^(http://\S+/confirm/\S+)\r?$", body.get_content(), re.MULTILINE)
    assert found, "no confirmation link in the message"
    return found.group(1)


@pytest.fixture
def limits() -> RateLimits:
    return RateLimits()


@pytest.fixture
def public(db_url: str, tmp_path: Path, limits: RateLimits) -> Iterator[Public]:
    directory = tmp_path / "mail"
    sink = start_sink(directory)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = replace(Settings.from_env({}), state_dir=tmp_path, db_url=db_url,
                       secret=SECRET, public_url=base_url)
    uri = f"smtp://127.0.0.1:{sink.port}?disable_ssl=true&disable_tls=true"
    app = create_app(settings, lambda: SmtpTransport(SmtpSettings.from_uri(uri)),
                     mail_from=MAIL_FROM, limits=limits)
    try:
        with serving(app, port=port) as url, httpx.Client(base_url=url, timeout=10) as client:
            assert url == base_url
            yield Public(base_url, settings, directory, uri, client)
    finally:
        sink.stop()
