"""The edition page as the template renders it: partner markup shown as text, never as markup.

Rendered in this process (no Airflow: the template only needs who is signed in), from a
revision whose partner summary and title carry markup attacks, and from the same revision
rendered as a preview.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from bs4 import BeautifulSoup
from tests.newsletter_factory import sample_snapshot

from newsdesk.config import Settings
from newsdesk.editor_ui.pages import EditionPage
from newsdesk.editor_ui.preview import PREVIEW_CSP, preview_of
from newsdesk.editor_ui.templating import editor_environment
from newsdesk.store.revisions import StoredRevision, content_hash

ATTACKS = ('"><script>alert(1)</script><img src=x onerror=alert(2)>'
           '<iframe src="javascript:alert(3)"></iframe><svg onload=alert(4)>')


def _hostile_revision() -> StoredRevision:
    snapshot = sample_snapshot()
    first = snapshot.sections[0]
    item = first.items[0].model_copy(update={"summary": ATTACKS, "title": f"Title {ATTACKS}"})
    snapshot = snapshot.model_copy(update={"sections": [
        first.model_copy(update={"items": [item, *first.items[1:]]}), *snapshot.sections[1:]]})
    return StoredRevision(id=7, edition_id=1, edition_key=snapshot.edition_key, kind="quarterly",
                          number=3, status="in_review", content_sha256=content_hash(snapshot),
                          snapshot=snapshot, created_by="quarterly_newsletter",
                          created_at=datetime.now(UTC), note=None,
                          check_findings=(f"finding about {ATTACKS}",))


def _assert_inert(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("svg") is None
    assert soup.find("img", src="x") is None
    for element in soup.find_all(True):
        assert not [a for a in element.attrs if a.lower().startswith("on")], element
        for name in ("href", "src"):
            assert not str(element.get(name, "")).lower().startswith("javascript:"), element
    shown = soup.get_text().replace("\u200b", "")  # the email breaks long words with ZWSP
    assert "<script>alert(1)</script>" in shown


def _render(can_edit: bool) -> str:
    revision = _hostile_revision()
    view = EditionPage(revisions=[revision], shown=revision, editable=True, since_previous=None,
                       trail=[], excluded=[(99, ATTACKS)], delivery=None,
                       sections=[(s.key, s.heading) for s in revision.snapshot.sections])
    template = editor_environment(Settings.from_env().templates_dir / "editor")
    return template.get_template("edition.html").render(
        base="/newsdesk", ui_root="", who=SimpleNamespace(name=ATTACKS, can_edit=can_edit),
        csrf_token="t", view=view, saved=None, error=ATTACKS, waiting=[])


def test_partner_markup_is_text_on_the_edition_page() -> None:
    for can_edit in (True, False):  # in the editing form's fields and in the read-only list
        _assert_inert(_render(can_edit))


def test_partner_markup_is_text_in_the_sandboxed_preview() -> None:
    preview = preview_of(_hostile_revision(), Settings.from_env().templates_dir)
    for html in (preview.email_html, preview.web_html):
        _assert_inert(html)
    assert PREVIEW_CSP.startswith("sandbox;") and "default-src 'none'" in PREVIEW_CSP
