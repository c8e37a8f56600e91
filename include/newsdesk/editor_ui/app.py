"""The editors' UI: a FastAPI app that Airflow mounts at ``/newsdesk`` (see plugins/).

Server-rendered pages (Jinja2, autoescaped; no script at all) and a small JSON API for
the same saves. Every route depends on :mod:`newsdesk.editor_ui.access` (reading needs
read access to the newsletter DAG, writing edit access); every write also needs the CSRF
token of :mod:`newsdesk.editor_ui.csrf` (the form field, or the ``X-CSRF-Token`` header
for the API). Saves go through :func:`newsdesk.review.edits.save_edits` with the Airflow
user's name, which is what the audit trail records.

Partner text reaches the pages escaped (autoescape) and the previews sandboxed: each
preview is its own response with ``Content-Security-Policy: sandbox`` and shown in an
``<iframe sandbox>``, so markup in a summary can neither run nor reach the plugin's page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from newsdesk.config import Settings
from newsdesk.editor_ui import csrf, pages
from newsdesk.editor_ui.access import Editor, Reader, SignedIn
from newsdesk.editor_ui.forms import edits_from_form
from newsdesk.editor_ui.preview import PREVIEW_CSP, preview_of
from newsdesk.editor_ui.templating import editor_environment
from newsdesk.editor_ui.waiting import WaitingReview, waiting_reviews
from newsdesk.errors import NewsdeskError, ReviewError
from newsdesk.review import load_revision
from newsdesk.review.edits import Edit, SavedRevision, save_edits
from newsdesk.store.revisions import StoredRevision

#: Where Airflow mounts the app (plugins/newsdesk_editor.py) and the UI route of its view.
URL_PREFIX = "/newsdesk"
#: Largest write body accepted (a form or JSON of edits); edits are bounded texts.
MAX_BODY_BYTES = 64 * 1024
MAX_EDITS = 50
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
            "form-action 'self'; frame-ancestors 'self'; base-uri 'none'")
PREVIEW_PARTS = {"email.html": "text/html", "web.html": "text/html", "email.txt": "text/plain"}


class EditsBody(BaseModel):
    """The JSON API's save: the edits of one save, as :class:`Edit` takes them."""

    model_config = ConfigDict(extra="forbid")
    edits: list[Edit] = Field(min_length=1, max_length=MAX_EDITS)


def create_app(settings: Settings, secret: str) -> FastAPI:
    """The app; ``secret`` keys the CSRF tokens (Airflow's ``[api] secret_key``)."""
    if not secret:
        raise NewsdeskError("editors' UI: no secret to sign CSRF tokens with "
                            "(Airflow's [api] secret_key is empty)")
    app = FastAPI(title="newsdesk editors", docs_url=None, redoc_url=None, openapi_url=None)
    templates = editor_environment(settings.templates_dir / "editor")

    def page(request: Request, name: str, who: SignedIn, status_code: int = 200,
             **context: Any) -> HTMLResponse:
        html = templates.get_template(name).render(
            base=str(request.scope.get("root_path", "")), ui_root=_ui_root(request), who=who,
            csrf_token=csrf.issue(secret, who.binding), **context)
        response = HTMLResponse(html, status_code=status_code)
        _secure(response)
        return response

    @app.exception_handler(HTTPException)
    async def refused(request: Request, exc: HTTPException) -> Response:
        wants_html = "text/html" in request.headers.get("accept", "")
        if exc.status_code == 401 and wants_html and request.method == "GET":
            login = f"{_ui_root(request)}/auth/login?next={quote(str(request.url), safe='')}"
            return RedirectResponse(login, status_code=303)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.get("/", response_class=HTMLResponse)
    def editions_list(request: Request, who: Reader) -> HTMLResponse:
        return page(request, "editions.html", who, editions=pages.editions(settings))

    @app.get("/editions/{kind}/{key}", response_class=HTMLResponse)
    def edition(request: Request, who: Reader, kind: str, key: str, rev: int | None = None,
                saved: int | None = None) -> HTMLResponse:
        try:
            view = pages.edition_page(settings, kind, key, rev)
        except NewsdeskError as exc:
            raise HTTPException(404, str(exc)) from exc
        return page(request, "edition.html", who, view=view, saved=saved, error=None,
                    waiting=_waiting(view.shown.content_sha256))

    @app.get("/editions/{kind}/{key}/diff", response_class=HTMLResponse)
    def diff(request: Request, who: Reader, kind: str, key: str, a: int, b: int
             ) -> HTMLResponse:
        try:
            old, new, changes = pages.revision_diff(settings, kind, key, a, b)
        except NewsdeskError as exc:
            raise HTTPException(404, str(exc)) from exc
        return page(request, "diff.html", who, kind=kind, key=key, old=old, new=new,
                    diff=changes)

    @app.get("/revisions/{revision_id}/preview/{part}")
    def preview(who: Reader, revision_id: int, part: str) -> Response:
        if part not in PREVIEW_PARTS:
            raise HTTPException(404, f"no preview part {part!r} ({', '.join(PREVIEW_PARTS)})")
        try:
            shown = preview_of(load_revision(settings.db_url, revision_id),
                               settings.templates_dir)
        except NewsdeskError as exc:
            raise HTTPException(404, str(exc)) from exc
        body = {"email.html": shown.email_html, "web.html": shown.web_html,
                "email.txt": shown.email_text}[part]
        media = PREVIEW_PARTS[part]
        return Response(body, media_type=f"{media}; charset=utf-8", headers={
            "Content-Security-Policy": PREVIEW_CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "private, max-age=300"})

    @app.get("/editor.css")
    def stylesheet(who: Reader) -> Response:
        css = (settings.templates_dir / "editor" / "editor.css").read_text(encoding="utf-8")
        return Response(css, media_type="text/css", headers={"X-Content-Type-Options": "nosniff"})

    @app.post("/revisions/{revision_id}/edit", response_class=HTMLResponse)
    async def edit_form(request: Request, who: Editor, revision_id: int) -> Response:
        form = await _form(request)
        _require_csrf(secret, who, form.get(csrf.FORM_FIELD))
        base = await run_in_threadpool(_load, settings, revision_id)
        try:
            edits = edits_from_form(form, base)
            saved = await run_in_threadpool(_save, settings, revision_id, edits, who)
        except NewsdeskError as exc:
            view = await run_in_threadpool(pages.edition_page, settings, base.kind,
                                           base.edition_key, None)
            return page(request, "edition.html", who, status_code=409, view=view, saved=None,
                        error=str(exc), waiting=[])
        where = (f"{request.scope.get('root_path', '')}/editions/{quote(base.kind)}/"
                 f"{quote(base.edition_key)}?saved={saved.revision.id}")
        return RedirectResponse(where, status_code=303)

    @app.get("/api/session")
    def session_info(who: Reader) -> JSONResponse:
        """Who the caller is, whether they may edit, and a CSRF token for the API's writes."""
        return JSONResponse({"user": who.name, "can_edit": who.can_edit,
                             "csrf_token": csrf.issue(secret, who.binding)})

    @app.get("/api/editions/{kind}/{key}")
    def edition_json(who: Reader, kind: str, key: str) -> JSONResponse:
        try:
            view = pages.edition_page(settings, kind, key)
        except NewsdeskError as exc:
            raise HTTPException(404, str(exc)) from exc
        return JSONResponse({"revisions": [_revision_json(r) for r in view.revisions],
                             "editable": view.editable})

    @app.post("/api/revisions/{revision_id}/edits")
    async def edits_json(request: Request, who: Editor, revision_id: int) -> JSONResponse:
        _require_csrf(secret, who, request.headers.get(csrf.HEADER))
        raw = await _body(request)
        try:
            body = EditsBody.model_validate_json(raw)
        except ValidationError as exc:
            raise HTTPException(422, f"revision {revision_id}: bad edits: "
                                     f"{exc.errors(include_url=False)[:3]}") from exc
        try:
            saved = await run_in_threadpool(_save, settings, revision_id, body.edits, who)
        except NewsdeskError as exc:
            raise HTTPException(409, str(exc)) from exc
        return JSONResponse({**_revision_json(saved.revision), "diff": saved.diff.summary(),
                             "findings": list(saved.findings)}, status_code=201)

    return app


def _secure(response: Response) -> None:
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"


def _ui_root(request: Request) -> str:
    """Airflow's own root path (the app's mount point without ``/newsdesk``)."""
    return str(request.scope.get("root_path", "")).removesuffix(URL_PREFIX)


def _require_csrf(secret: str, who: SignedIn, token: str | None) -> None:
    if not csrf.is_valid(secret, who.binding, token):
        raise HTTPException(403, "missing or invalid CSRF token: reload the page and save "
                                 "again")


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"request body over {MAX_BODY_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(413, f"request body over {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _form(request: Request) -> dict[str, str]:
    from urllib.parse import parse_qsl

    if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        raise HTTPException(415, "a form must be sent as application/x-www-form-urlencoded")
    text = (await _body(request)).decode("utf-8", errors="replace")
    return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=20))


def _load(settings: Settings, revision_id: int) -> StoredRevision:
    try:
        return load_revision(settings.db_url, revision_id)
    except NewsdeskError as exc:
        raise HTTPException(404, str(exc)) from exc


def _save(settings: Settings, revision_id: int, edits: list[Edit], who: SignedIn
          ) -> SavedRevision:
    if not edits:
        raise ReviewError(f"revision {revision_id}: nothing changed, nothing to save")
    return save_edits(settings.db_url, revision_id, edits, by=who.name)


def _waiting(content_sha256: str) -> list[WaitingReview]:
    return waiting_reviews([content_sha256])


def _revision_json(revision: StoredRevision) -> dict[str, Any]:
    return {"revision_id": revision.id, "number": revision.number, "status": revision.status,
            "content_sha256": revision.content_sha256, "subject": revision.snapshot.subject,
            "check_findings": list(revision.check_findings),
            "items": [{"item_id": i.item_id, "section": s.key, "title": i.title,
                       "summary": i.summary} for s in revision.snapshot.sections
                      for i in s.items]}

