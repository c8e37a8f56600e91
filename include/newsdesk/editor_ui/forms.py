"""The edition page's forms, read into :class:`newsdesk.review.edits.Edit` lists.

Each form on the page is one save (one new revision): an item's title and summary, an
exclusion or restore, a move, a split, or the subject and introduction. Only fields the
editor changed become edits, so saving a form untouched is "nothing to save", not a
decision that pins today's text. Bad input is a :class:`ReviewError` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping

from newsdesk.edition.snapshot import SnapshotItem
from newsdesk.errors import ReviewError
from newsdesk.review.edits import Edit
from newsdesk.store.revisions import StoredRevision

FORMS = ("texts", "exclude", "restore", "move", "split", "edition")


def edits_from_form(form: Mapping[str, str], base: StoredRevision) -> list[Edit]:
    """The edits one submitted form asks for, checked against the revision it came from."""
    kind = form.get("form", "")
    if kind not in FORMS:
        raise ReviewError(f"{base.label}: unknown form {kind[:40]!r} (one of {', '.join(FORMS)})")
    if kind == "edition":
        snap = base.snapshot
        return [Edit(action=name, text=form[name]) for name in ("subject", "intro")
                if name in form and _changed(form[name], getattr(snap, name))]
    item_id = _int(form, "item_id", base)
    if kind == "restore":
        return [Edit(action="restore", item_id=item_id)]
    item = _item(base, item_id)
    if kind == "exclude":
        return [Edit(action="exclude", item_id=item_id)]
    if kind == "move":
        return [Edit(action="move", item_id=item_id, section=form.get("section", ""),
                     position=_int(form, "position", base))]
    if kind == "split":
        return [Edit(action="split", item_id=item_id,
                     other_item_id=_int(form, "other_item_id", base))]
    return [Edit(action=name, item_id=item_id, text=form[name]) for name in ("title", "summary")
            if name in form and _changed(form[name], getattr(item, name))]


def _changed(submitted: str, current: str) -> bool:
    return " ".join(submitted.split()) != " ".join(current.split())


def _int(form: Mapping[str, str], name: str, base: StoredRevision) -> int:
    raw = form.get(name, "").strip()
    if not raw.isdigit() or len(raw) > 12:
        raise ReviewError(f"{base.label}: field {name!r} must be a whole number, got "
                          f"{raw[:20]!r}")
    return int(raw)


def _item(base: StoredRevision, item_id: int) -> SnapshotItem:
    for section in base.snapshot.sections:
        for item in section.items:
            if item.item_id == item_id:
                return item
    raise ReviewError(f"{base.label}: item {item_id} is not in this revision")
