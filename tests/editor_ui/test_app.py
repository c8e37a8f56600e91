"""The editors' plugin in a real ``airflow api-server``: who may read, who may edit, CSRF,
escaping, and edits through its HTTP API and its forms (see conftest.py for the server)."""

from __future__ import annotations

import re

import httpx
import pytest
from bs4 import BeautifulSoup
from tests.editor_ui.conftest import EditorServer

from newsdesk.review import audit_trail, list_revisions
from newsdesk.store.revisions import StoredRevision

pytestmark = pytest.mark.airflow
PAGE = "/newsdesk/editions/quarterly/2020Q4"
HOSTILE = ('<script>alert("summary")</script><img src=x onerror=alert(1)>'
           '<a href="javascript:alert(2)">click</a>')


def _newest(server: EditorServer) -> StoredRevision:
    return list_revisions(server.db_url, "2020Q4")[-1]


def _csrf(client: httpx.Client) -> str:
    answer = client.get("/newsdesk/api/session")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["csrf_token"])


def _item_ids(revision: StoredRevision) -> list[int]:
    return [item.item_id for s in revision.snapshot.sections for item in s.items]


def test_the_plugin_is_registered_with_a_navigation_entry(editor_server: EditorServer) -> None:
    with editor_server.client("admin") as client:
        plugins = client.get("/api/v2/plugins").json()["plugins"]
    ours = next(p for p in plugins if p["name"] == "newsdesk_editor")
    assert ours["fastapi_apps"][0]["url_prefix"] == "/newsdesk"
    assert ours["external_views"][0]["href"] == "/newsdesk/"
    assert ours["external_views"][0]["url_route"] == "newsdesk"


def test_anonymous_requests_are_refused(editor_server: EditorServer) -> None:
    base = _newest(editor_server)
    with editor_server.client() as anonymous:
        page = anonymous.get("/newsdesk/", headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/auth/login")
        for path in ("/newsdesk/", PAGE, f"/newsdesk/revisions/{base.id}/preview/email.html",
                     "/newsdesk/api/session"):
            assert anonymous.get(path).status_code == 401, path
        write = anonymous.post(f"/newsdesk/api/revisions/{base.id}/edits",
                               json={"edits": [{"action": "exclude", "item_id": 1}]})
        assert write.status_code == 401
        forged = anonymous.get("/newsdesk/", headers={"Authorization": "Bearer not.a.jwt"})
        assert forged.status_code == 403
    assert _newest(editor_server).id == base.id


def test_a_viewer_reads_but_may_not_edit(editor_server: EditorServer) -> None:
    base = _newest(editor_server)
    with editor_server.client("viewer") as viewer:
        page = viewer.get(PAGE)
        assert page.status_code == 200 and "read only" in page.text
        assert "<form" not in page.text.split('class="items"')[1].split("</section>")[0]
        token = _csrf(viewer)
        edit = {"edits": [{"action": "exclude", "item_id": _item_ids(base)[0]}]}
        api = viewer.post(f"/newsdesk/api/revisions/{base.id}/edits", json=edit,
                          headers={"X-CSRF-Token": token})
        assert api.status_code == 403 and "edit access" in api.json()["detail"]
        form = viewer.post(f"/newsdesk/revisions/{base.id}/edit", data={
            "csrf_token": token, "form": "exclude", "item_id": str(_item_ids(base)[0])})
        assert form.status_code == 403
    assert _newest(editor_server).id == base.id


def test_a_write_without_a_valid_csrf_token_is_refused(editor_server: EditorServer) -> None:
    base = _newest(editor_server)
    edit = {"edits": [{"action": "exclude", "item_id": _item_ids(base)[0]}]}
    with editor_server.client("viewer") as viewer:
        viewers_token = _csrf(viewer)
    with editor_server.client("admin") as admin, editor_server.client("admin") as other:
        url = f"/newsdesk/api/revisions/{base.id}/edits"
        for headers in ({}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": viewers_token},
                        {"X-CSRF-Token": _csrf(other)}):  # another session of the same user
            answer = admin.post(url, json=edit, headers=headers)
            assert answer.status_code == 403, headers
            assert "CSRF" in answer.json()["detail"]
        form = admin.post(f"/newsdesk/revisions/{base.id}/edit",
                          data={"form": "exclude", "item_id": str(_item_ids(base)[0])})
        assert form.status_code == 403
    assert _newest(editor_server).id == base.id


def test_an_edit_through_the_http_api_makes_a_new_revision(editor_server: EditorServer
                                                          ) -> None:
    base = _newest(editor_server)
    first, second = _item_ids(base)[:2]
    with editor_server.client("admin") as admin:
        answer = admin.post(f"/newsdesk/api/revisions/{base.id}/edits", json={"edits": [
            {"action": "exclude", "item_id": first},
            {"action": "summary", "item_id": second, "text": "Shorter, by the editors."}]},
            headers={"X-CSRF-Token": _csrf(admin)})
        assert answer.status_code == 201, answer.text
        saved = answer.json()
        assert saved["number"] == base.number + 1
        assert "0 added, 1 removed" in saved["diff"] and "1 edited" in saved["diff"]
        stale = admin.post(f"/newsdesk/api/revisions/{base.id}/edits", json={"edits": [
            {"action": "exclude", "item_id": second}]}, headers={"X-CSRF-Token": _csrf(admin)})
        assert stale.status_code == 409 and "superseded" in stale.json()["detail"]
    newest = _newest(editor_server)
    assert (newest.id, newest.content_sha256) == (saved["revision_id"], saved["content_sha256"])
    assert first not in _item_ids(newest)
    assert any(i.summary == "Shorter, by the editors." for s in newest.snapshot.sections
               for i in s.items)
    assert audit_trail(editor_server.db_url, "2020Q4")[-1].actor == "admin"


def test_a_form_save_from_the_signed_in_ui_session(editor_server: EditorServer) -> None:
    """The browser's way: the ``_token`` cookie, the page's CSRF field, a form POST."""
    cookie = {"_token": editor_server.token("admin")}
    with httpx.Client(base_url=editor_server.url, cookies=cookie, timeout=60) as browser:
        page = browser.get(PAGE)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert page.status_code == 200 and token
        base = _newest(editor_server)
        saved = browser.post(f"/newsdesk/revisions/{base.id}/edit", data={
            "csrf_token": token.group(1), "form": "edition", "subject": base.snapshot.subject,
            "intro": "A new introduction from the form."})
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"].endswith(f"?saved={base.id + 1}")
        shown = browser.get(saved.headers["location"])
        assert "Saved: revision" in shown.text and "A new introduction from the form." in shown.text
        unchanged = browser.post(f"/newsdesk/revisions/{base.id + 1}/edit", data={
            "csrf_token": token.group(1), "form": "edition", "subject": base.snapshot.subject,
            "intro": "A new introduction from the form."})
        assert unchanged.status_code == 409 and "nothing changed" in unchanged.text
    newest = _newest(editor_server)
    assert newest.snapshot.intro == "A new introduction from the form."
    assert audit_trail(editor_server.db_url, "2020Q4")[-1].actor == "admin"


def test_hostile_markup_in_a_summary_stays_inert(editor_server: EditorServer) -> None:
    base = _newest(editor_server)
    target = _item_ids(base)[0]
    with editor_server.client("admin") as admin:
        saved = admin.post(f"/newsdesk/api/revisions/{base.id}/edits", json={"edits": [
            {"action": "summary", "item_id": target, "text": HOSTILE},
            {"action": "title", "item_id": target, "text": "<b onmouseover=alert(3)>Title"}]},
            headers={"X-CSRF-Token": _csrf(admin)})
        assert saved.status_code == 201, saved.text
        page = admin.get(PAGE)
        email = admin.get(f"/newsdesk/revisions/{saved.json()['revision_id']}/preview/email.html")
    for html in (page.text, email.text):
        _assert_inert(html)
    assert "&lt;script&gt;alert(&#34;summary&#34;)&lt;/script&gt;" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    assert email.headers["content-security-policy"].startswith("sandbox;")
    assert 'sandbox=""' in page.text.split('class="previews"')[1]


def _assert_inert(html: str) -> None:
    """No element the hostile text could have made: no script, no handler, no js: link."""
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("img", src="x") is None
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")], element
        assert not str(element.get("href", "")).lower().startswith("javascript:"), element
    assert 'alert("summary")' in soup.get_text()  # shown as text
