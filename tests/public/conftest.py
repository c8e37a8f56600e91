"""The public app in a real uvicorn on a free loopback port, mailing through a real sink.

``public`` serves :func:`newsdesk.public.create_app` for a freshly migrated database (both
backends through ``db_url``); confirmation mail goes over SMTP to the aiosmtpd sink of
:mod:`newsdesk.delivery.sink` and is read back from its mailbox, as an operator would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from newsdesk.config import Settings
from newsdesk.delivery.mailbox import Mailbox, read_message
from newsdesk.delivery.sink import free_port, start_sink
from newsdesk.delivery.transport import SmtpSettings, SmtpTransport
from newsdesk.public import MailFrom, RateLimits, create_app
from newsdesk.public.server import serving

SECRET = "test-secret-for-the-public-app-0123456789abcdef"
MAIL_FROM = MailFrom("UNPAN Team", "unpan@example.org")


@dataclass
class Public:
    base_url: str
    db_url: str
    mail_dir: Path
    client: httpx.Client

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
    settings = Settings(state_dir=tmp_path, db_url=db_url, sources_file=tmp_path / "none.yaml",
                        templates_dir=Settings.from_env().templates_dir, secret=SECRET,
                        public_url=base_url)
    uri = f"smtp://127.0.0.1:{sink.port}?disable_ssl=true&disable_tls=true"
    app = create_app(settings, lambda: SmtpTransport(SmtpSettings.from_uri(uri)),
                     mail_from=MAIL_FROM, limits=limits)
    try:
        with serving(app, port=port) as url, httpx.Client(base_url=url, timeout=10) as client:
            assert url == base_url
            yield Public(base_url, db_url, directory, client)
    finally:
        sink.stop()
