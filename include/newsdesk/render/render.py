"""Rendering a revision: the inlined email, its plain-text part, the web page, the .eml.

:func:`render_edition` reads only the snapshot (plus the templates), runs every check and
raises :class:`RenderCheckError` listing all failures; nothing half-checked is returned.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from newsdesk.edition.snapshot import EditionSnapshot, text_direction
from newsdesk.errors import RenderCheckError
from newsdesk.render.checks import UNSUBSCRIBE_TOKEN, check_html, find_leftovers
from newsdesk.render.environment import template_environment
from newsdesk.render.inline import inline_css
from newsdesk.render.mime import build_message, message_bytes
from newsdesk.review.lifecycle import load_revision, preview_snapshot, require_approved

#: File names written by :func:`write_rendered` (a contract with review and delivery).
EMAIL_HTML, EMAIL_TEXT, WEB_HTML, EMAIL_EML = "email.html", "email.txt", "web.html", "email.eml"
_NEUTRAL = str.maketrans({"{": "(", "}": ")", "%": "/", "#": "-"})


@dataclass(frozen=True)
class RenderedEdition:
    """Everything one render produces, already checked."""

    email_html: str
    email_text: str
    web_html: str
    eml: bytes


def render_edition(snapshot: EditionSnapshot, templates_dir: Path, *, preview: bool = False
                   ) -> RenderedEdition:
    """Render and check; raise :class:`RenderCheckError` naming the edition and each failure.

    ``preview`` adds what editors alone see (the items the selection left out).
    """
    where = f"edition {snapshot.edition_key}"
    css = (templates_dir / "email.css").read_text(encoding="utf-8")
    email_raw, text, web = render_templates(snapshot, templates_dir, css, where, preview)
    neutral = _neutralised(snapshot)
    n_email, n_text, n_web = render_templates(neutral, templates_dir, css, where, preview)
    failures = (find_leftovers(n_email, name="email.html")
                + find_leftovers(n_text, name="email.txt")
                + find_leftovers(n_web, name="web.html"))
    email_html = inline_css(email_raw, css)
    failures += check_html(email_html, name="email.html")
    failures += check_html(web, name="web.html", max_bytes=None, allow_tokens=False)
    if not text.strip():
        failures.append("email.txt: the plain-text part is empty")
    if failures:
        lines = "\n".join(f"  - {failure}" for failure in failures)
        raise RenderCheckError(f"{where}: {len(failures)} email check(s) failed:\n{lines}")
    eml = message_bytes(build_message(snapshot, text, email_html))
    return RenderedEdition(email_html=email_html, email_text=text, web_html=web, eml=eml)


def render_templates(snapshot: EditionSnapshot, templates_dir: Path, css: str, where: str,
                     preview: bool = False) -> tuple[str, str, str]:
    """The email (not yet inlined), text and web templates, unchecked."""
    env = template_environment(templates_dir)
    context: dict[str, Any] = {"s": snapshot, "css": css, "unsubscribe_url": UNSUBSCRIBE_TOKEN,
                               "html_dir": text_direction(snapshot.language),
                               "preview": preview}
    rendered: list[str] = []
    for name in (EMAIL_HTML, EMAIL_TEXT, WEB_HTML):
        try:
            rendered.append(env.get_template(name).render(context))
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            at = f"{getattr(exc, 'filename', None) or name}" + (f":{line}" if line else "")
            raise RenderCheckError(f"{where}: template {at}: {type(exc).__name__}: {exc}"
                                   ) from exc
    return rendered[0], rendered[1], rendered[2]


def _neutralised(snapshot: EditionSnapshot) -> EditionSnapshot:
    """The snapshot with braces, ``%`` and ``#`` in every text replaced (see checks)."""
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return value.translate(_NEUTRAL)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return EditionSnapshot.model_validate(walk(snapshot.model_dump(mode="json")))


def write_rendered(rendered: RenderedEdition, out_dir: Path) -> list[Path]:
    """Write the four files into ``out_dir`` (created), each atomically; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {EMAIL_HTML: rendered.email_html.encode(), EMAIL_TEXT: rendered.email_text.encode(),
             WEB_HTML: rendered.web_html.encode(), EMAIL_EML: rendered.eml}
    paths: list[Path] = []
    for name, data in files.items():
        paths.append(write_atomically(out_dir / name, data))
    return paths


def write_atomically(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` in one rename, so readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def render_revision(db_url: str, revision_id: int, out_dir: Path, templates_dir: Path, *,
                    preview: bool = False) -> list[Path]:
    """Render a stored revision and write the files (the CLI's ``render``).

    For delivery (the default) only the edition's approved revision renders; any other is
    refused naming the revision and its state. ``preview=True`` renders any revision, an
    unapproved one marked as a draft in its subject and preheader.
    """
    if preview:
        snapshot = preview_snapshot(load_revision(db_url, revision_id))
    else:
        snapshot = require_approved(db_url, revision_id).snapshot
    return write_rendered(render_edition(snapshot, templates_dir, preview=preview), out_dir)
