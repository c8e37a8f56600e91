"""The rendered email in a real browser (Debian's chromium, driven by Playwright).

Screenshots at 600px and 375px go to ``tmp_path`` (the test prints where) for a person to
look at; at 375px the page must not scroll sideways. Every request that is not loopback
or a local file is aborted, so nothing leaves the machine.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, sync_playwright
from tests.newsletter_factory import sample_snapshot

from newsdesk.config import Settings
from newsdesk.edition.snapshot import EditionSnapshot
from newsdesk.render.render import render_edition, write_rendered

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


def _local_only(route: Route) -> None:
    parts = urlsplit(route.request.url)
    if parts.scheme in ("file", "data", "about") or parts.hostname in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


#: A pasted URL: without word-wrap/overflow-wrap (unsupported in Outlook and Gmail) only
#: the break points the render adds keep it from pushing the page sideways at 375px.
LONG = ("https://www.example.org/publications/2020/"
        "annual-report-of-the-regional-school-of-public-administration-in-the-western-balkans.pdf")


def _with_a_long_word(snapshot: EditionSnapshot) -> EditionSnapshot:
    section = snapshot.sections[0]
    first = section.items[0].model_copy(update={
        "title": f"{section.items[0].title} {LONG}",
        "summary": f"{section.items[0].summary} Read it at {LONG}"})
    sections = [section.model_copy(update={"items": [first, *section.items[1:]]}),
                *snapshot.sections[1:]]
    return snapshot.model_copy(update={"sections": sections})


@pytest.mark.parametrize("page_name", ["email.html", "web.html"])
def test_email_looks_right_at_600_and_375(tmp_path: Path, page_name: str) -> None:
    rendered = render_edition(_with_a_long_word(sample_snapshot()),
                              Settings.from_env().templates_dir)
    write_rendered(rendered, tmp_path)
    page_url = (tmp_path / page_name).as_uri()
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for width in (600, 375):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.on("requestfailed", lambda req: blocked.append(req.url))
                page.route("**/*", _local_only)
                page.goto(page_url)
                shot = tmp_path / f"{page_name.removesuffix('.html')}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot: {shot}")
                scroll = page.evaluate("[document.documentElement.scrollWidth,"
                                       " document.documentElement.clientWidth]")
                assert scroll[0] <= scroll[1], f"{page_name} scrolls sideways at {width}px"
                assert page.evaluate("document.documentElement.lang") == "en"
                spanish = page.locator('[data-item][lang="es"]')
                assert spanish.count() == 3
                page.close()
        finally:
            browser.close()
    # The newsletter links out only; loading it must not have requested anything remote.
    assert blocked == []
