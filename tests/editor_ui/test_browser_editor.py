"""The editors' plugin in a real browser (Debian's chromium, driven by Playwright).

Sign in to the Airflow UI, open "Newsletter editions" from the navigation, open 2020Q4,
see the email in its 600 px and 375 px frames, edit a summary and save. Screenshots of
each step go to ``/work/shots/`` (``NEWSDESK_SHOTS`` to change it) for a person to look
at. Only loopback requests are let through, and any script dialog fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, sync_playwright
from tests.editor_ui.conftest import EditorServer

from newsdesk.review import audit_trail, list_revisions

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(os.environ.get("NEWSDESK_SHOTS", "/work/shots"))
SUMMARY = "Edited in the browser: the webinar's recording is online."

pytestmark = [pytest.mark.browser, pytest.mark.airflow]


def _local_only(route: Route) -> None:
    parts = urlsplit(route.request.url)
    if parts.scheme in ("data", "about") or parts.hostname in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def _shot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"editor-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_sign_in_open_the_plugin_see_the_preview_and_edit_a_summary(
        editor_server: EditorServer) -> None:
    before = list_revisions(editor_server.db_url, "2020Q4")[-1]
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", _local_only)
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(f"{editor_server.url}/")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", editor_server.passwords["admin"])
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("link", name="Newsletter editions").first.click()
            page.wait_for_url("**/plugin/newsdesk")
            plugin = page.frame_locator("iframe[src='/newsdesk/']")
            plugin.get_by_role("link", name="2020Q4").click()
            desktop = plugin.locator("iframe.desktop")
            desktop.wait_for()
            email = plugin.frame_locator("iframe.desktop")
            email.locator("[data-item]").first.wait_for()
            assert plugin.locator("iframe.phone").get_attribute("width") == "375"
            assert desktop.get_attribute("width") == "600"
            _shot(page, "1-edition-in-airflow")

            item = plugin.locator("li.item").first
            item.locator("textarea[name=summary]").fill(SUMMARY)
            item.get_by_role("button", name="Save title and summary").click()
            plugin.get_by_role("status").wait_for()
            assert "Saved: revision" in plugin.get_by_role("status").inner_text()
            plugin.frame_locator("iframe.desktop").get_by_text(SUMMARY).wait_for()
            _shot(page, "2-summary-saved")

            page.goto(f"{editor_server.url}/newsdesk/editions/quarterly/2020Q4")
            for name, part in (("3-item-controls", "li.item >> nth=0"),
                               ("4-audit-trail", "section.trail")):
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.locator(part).screenshot(path=str(SHOTS / f"editor-{name}.png"))
                print(f"screenshot: {SHOTS / f'editor-{name}.png'}")
        finally:
            browser.close()
    assert dialogs == []
    after = list_revisions(editor_server.db_url, "2020Q4")[-1]
    assert after.number == before.number + 1
    assert SUMMARY in [i.summary for s in after.snapshot.sections for i in s.items]
    assert audit_trail(editor_server.db_url, "2020Q4")[-1].actor == "admin"
