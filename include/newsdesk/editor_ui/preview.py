"""What the editors' preview frames show: a revision rendered exactly as it would be sent.

The same render as delivery (:func:`newsdesk.render.render.render_edition`), of the
revision as a preview (an unapproved one says ``[DRAFT #n, state]`` in its subject and
preheader). A revision whose email checks fail still has something to look at: the page
shows the findings, and the frames show the unchecked render, because an editor fixing
a finding needs to see it. Revisions are immutable, so a render is kept per revision id
and content hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsdesk.errors import RenderCheckError
from newsdesk.render.inline import inline_css
from newsdesk.render.render import render_edition, render_templates
from newsdesk.review.lifecycle import preview_snapshot
from newsdesk.store.revisions import StoredRevision

#: A preview page is sandboxed: no script, no plugin, no form, no request to anywhere but
#: images over https (what the email itself may load). Partner text cannot act here.
PREVIEW_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
               "frame-ancestors 'self'")


@dataclass(frozen=True)
class Preview:
    email_html: str
    email_text: str
    web_html: str
    checked: bool


_CACHE: dict[tuple[int, str, Path], Preview] = {}
_CACHE_SIZE = 16


def preview_of(revision: StoredRevision, templates_dir: Path) -> Preview:
    """The revision's preview, rendered once per revision id and content hash."""
    key = (revision.id, revision.content_sha256, templates_dir)
    if key not in _CACHE:
        while len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]  # the oldest
        _CACHE[key] = _render(revision, templates_dir)
    return _CACHE[key]


def _render(revision: StoredRevision, templates_dir: Path) -> Preview:
    snapshot = preview_snapshot(revision)
    try:
        rendered = render_edition(snapshot, templates_dir)
    except RenderCheckError:
        css = (templates_dir / "email.css").read_text(encoding="utf-8")
        email, text, web = render_templates(snapshot, templates_dir, css, revision.label)
        return Preview(inline_css(email, css), text, web, checked=False)
    return Preview(rendered.email_html, rendered.email_text, rendered.web_html, checked=True)
