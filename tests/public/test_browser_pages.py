"""The public pages in a real browser (Debian's chromium, driven by Playwright).

A person subscribes through the form, confirms from the email the sink received, reads the
delivered newsletter and unsubscribes from its link. Screenshots of every step go to
``/work/shots/`` (``NEWSDESK_SHOTS`` to change it) for a person to look at. Requests that
are not loopback or a local file are aborted, and the pages must load no script: the
Content-Security-Policy would block one, and the console must stay clean.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route, sync_playwright
from tests.public.conftest import Public, confirm_link

from newsdesk.store.database import session_scope
from newsdesk.subscribers import lifecycle
from newsdesk.subscribers.lifecycle import Status

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(os.environ.get("NEWSDESK_SHOTS", "/work/shots"))
LIST = "partners-newsletter"

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


def _local_only(route: Route) -> None:
    parts = urlsplit(route.request.url)
    if parts.scheme in ("file", "data", "about") or parts.hostname in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"public-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def _status(public: Public, email: str) -> str | None:
    with session_scope(public.db_url) as session:
        row = lifecycle.find(session, LIST, email)
        return None if row is None else row.status


def test_subscribe_confirm_read_and_unsubscribe_in_chromium(public: Public,
                                                            tmp_path: Path) -> None:
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 420, "height": 900})
            page.route("**/*", _local_only)
            page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))
            page.on("console", lambda msg: _console(msg, problems))

            page.goto(f"{public.base_url}/subscribe")
            page.fill("#email", "Reader@Example.org")
            page.fill("#name", "Rosa Lectora")
            page.fill("#organisation", "Instituto de Administración Pública")
            page.select_option("#language", "es")
            page.check("input[name=list][value=partners-newsletter]")
            _shot(page, "1-subscribe-form")
            page.click("button[type=submit]")
            page.wait_for_selector("h1:has-text('Check your inbox')")
            _shot(page, "2-check-your-inbox")
            assert _status(public, "reader@example.org") == Status.PENDING

            [mail] = public.messages()
            page.goto(confirm_link(mail))
            page.wait_for_selector("button:has-text('Confirm my subscription')")
            _shot(page, "3-confirm")
            assert _status(public, "reader@example.org") == Status.PENDING  # GET: no change
            page.click("button[type=submit]")
            page.wait_for_selector("h1:has-text('You are subscribed')")
            _shot(page, "4-subscribed")
            assert _status(public, "reader@example.org") == Status.ACTIVE

            public.deliver_newsletter()
            newsletter = public.messages()[-1]
            assert str(newsletter["X-Envelope-To"]) == "Reader@example.org"
            html_part = newsletter.get_body(("html",))
            assert html_part is not None
            email_file = tmp_path / "newsletter.html"
            email_file.write_text(html_part.get_content(), encoding="utf-8")
            page.goto(email_file.as_uri())
            link = page.locator(f"a[href^='{public.base_url}/unsubscribe/']").first
            _shot(page, "5-newsletter")
            link.click()
            page.wait_for_selector("button:has-text('Unsubscribe')")
            _shot(page, "6-unsubscribe")
            assert _status(public, "reader@example.org") == Status.ACTIVE  # GET: no change
            page.click("button[type=submit]")
            page.wait_for_selector("h1:has-text('You are unsubscribed')")
            _shot(page, "7-unsubscribed")
            assert _status(public, "reader@example.org") == Status.UNSUBSCRIBED

            page.goto(f"{public.base_url}/unsubscribe/forged.token.here")
            page.wait_for_selector("h1:has-text('This link cannot be used')")
            _shot(page, "8-forged-link")
            assert page.evaluate("document.scripts.length") == 0
        finally:
            browser.close()
    # The newsletter's own remote images and links are not ours to load here.
    assert [p for p in problems if "127.0.0.1" in p] == []


def _console(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type in ("error", "warning") and "127.0.0.1" in message.text:
        problems.append(f"console {message.type}: {message.text}")
