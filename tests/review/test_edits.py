"""Editors' edits: decisions on item ids, applied on top of every build, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from tests.newsletter_factory import BUILT_AT, config, insert, item, registry, seed_items, utc

from newsdesk.edition.builder import build_edition
from newsdesk.errors import ReviewError
from newsdesk.review import approve, list_revisions, load_revision, submit_for_review
from newsdesk.review.diff import diff_snapshots
from newsdesk.review.edits import Edit, Rebuild, save_edits
from newsdesk.store.database import session_scope
from newsdesk.store.models import ItemRow
from newsdesk.store.revisions import StoredRevision


def _build(db_url: str, key: str, kind: str = "quarterly", by: str = "builder",
           note: str | None = None) -> StoredRevision:
    return build_edition(db_url, key, registry(), config(), created_by=by, note=note,
                         built_at=BUILT_AT)


BUILDERS: dict[str, Rebuild] = {"quarterly": _build}


@pytest.fixture
def seeded(db_url: str) -> str:
    items, clusters = seed_items()
    insert(db_url, items, clusters)
    return db_url


def _items(revision: StoredRevision) -> dict[int, tuple[str, str, str]]:
    return {i.item_id: (s.key, i.title, i.summary)
            for s in revision.snapshot.sections for i in s.items}


def _order(revision: StoredRevision, section: str) -> list[int]:
    return [i.item_id for s in revision.snapshot.sections if s.key == section for i in s.items]


EDITS = [
    Edit(action="exclude", item_id=7),
    Edit(action="summary", item_id=8, text="Ten years of ReSPA, in one paragraph."),
    Edit(action="title", item_id=9, text="  ReSPA   Annual Report  "),
    Edit(action="move", item_id=9, section="respa", position=1),
    Edit(action="subject", text="UNPAN Partners' Newsletter, Q4 2020 (edited)"),
    Edit(action="intro", text="A word from the editors."),
]


def test_each_edit_makes_a_new_checked_revision(seeded: str) -> None:
    first = _build(seeded, "2020Q4")
    saved = save_edits(seeded, first.id, EDITS, by="editor", builders=BUILDERS)
    rev = saved.revision
    assert (rev.number, rev.status, rev.created_by) == (2, "draft", "editor")
    assert load_revision(seeded, first.id).status == "superseded"
    shown = _items(rev)
    assert 7 not in shown and "eropa" not in [s.key for s in rev.snapshot.sections]
    assert shown[8][2] == "Ten years of ReSPA, in one paragraph."
    assert shown[9][1] == "ReSPA Annual Report"
    assert _order(rev, "respa") == [9, 8]
    assert (rev.snapshot.subject, rev.snapshot.intro) == (
        "UNPAN Partners' Newsletter, Q4 2020 (edited)", "A word from the editors.")
    assert rev.check_findings == () and saved.findings == ()
    assert [c.item_id for c in saved.diff.removed] == [7]
    assert [(c.item_id, c.detail) for c in saved.diff.edited] == [(9, "title"), (8, "summary")]
    assert [c.item_id for c in saved.diff.moved] == [9, 8]
    assert saved.diff.edition == ["subject", "intro"]


def test_edits_survive_reingest_and_rebuild_and_new_items_show(seeded: str) -> None:
    first = _build(seeded, "2020Q4")
    edited = save_edits(seeded, first.id, EDITS, by="editor", builders=BUILDERS).revision
    # Re-ingest: the partner changed item 8's summary, and a new item arrived.
    with session_scope(seeded) as session:
        session.execute(update(ItemRow).where(ItemRow.id == 8)
                        .values(summary_text="A new text from the partner."))
    insert(seeded, [item(20, "respa", "news", "ReSPA at the regional summit",
                         published_at=utc(2020, 12, 3, 9))])
    rebuilt = _build(seeded, "2020Q4", by="partner_ingest")
    assert _items(rebuilt) == {**_items(edited), 20: _items(rebuilt)[20]}
    assert rebuilt.snapshot.subject == edited.snapshot.subject
    new = diff_snapshots(edited.snapshot, rebuilt.snapshot)
    assert [c.item_id for c in new.added] == [20] and not new.removed and not new.edited


def test_restore_and_revert_undo_a_decision(seeded: str) -> None:
    first = _build(seeded, "2020Q4")
    second = save_edits(seeded, first.id, EDITS, by="editor", builders=BUILDERS).revision
    third = save_edits(seeded, second.id, [Edit(action="restore", item_id=7),
                                           Edit(action="summary", item_id=8, text="")],
                       by="editor", builders=BUILDERS).revision
    assert _items(third)[7] == _items(first)[7] and _items(third)[8] == _items(first)[8]


def test_editing_an_approved_revision_is_refused(seeded: str) -> None:
    rev = _build(seeded, "2020Q4")
    submit_for_review(seeded, rev.id, by="dag")
    approve(seeded, rev.id, rev.content_sha256, by="chief")
    with pytest.raises(ReviewError, match=r"an edit of revision \d+ \(2020Q4 #1\) is refused: "
                                          r"revision \d+ \(#1\) is approved"):
        save_edits(seeded, rev.id, [Edit(action="exclude", item_id=7)], by="editor",
                   builders=BUILDERS)
    assert [r.number for r in list_revisions(seeded, "2020Q4")] == [1]


def test_only_the_newest_open_revision_is_edited(seeded: str) -> None:
    first = _build(seeded, "2020Q4")
    _build(seeded, "2020Q4")
    with pytest.raises(ReviewError, match="is superseded: edits start from the newest"):
        save_edits(seeded, first.id, [Edit(action="exclude", item_id=7)], by="editor",
                   builders=BUILDERS)


@pytest.mark.parametrize(("edit", "message"), [
    (Edit(action="exclude", item_id=14), "item 14 is not in this revision"),
    (Edit(action="move", item_id=8, section="nowhere", position=1),
     "move needs a section of this revision"),
    (Edit(action="subject", text="   "), "the subject cannot be empty"),
    (Edit(action="title", item_id=8, text="x" * 301), "301 characters, at most 300"),
    (Edit(action="split", item_id=11), "a split needs the other item"),
])
def test_a_bad_edit_is_named_and_nothing_is_saved(sqlite_url: str, edit: Edit,
                                                  message: str) -> None:
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    rev = _build(sqlite_url, "2020Q4")
    where = rf"revision {rev.id} \(2020Q4 #1\), edit 2 \({edit.action}\): "
    with pytest.raises(ReviewError, match=where + message):
        save_edits(sqlite_url, rev.id, [Edit(action="exclude", item_id=7), edit],
                   by="editor", builders=BUILDERS)
    assert [r.number for r in list_revisions(sqlite_url, "2020Q4")] == [1]
    again = _build(sqlite_url, "2020Q4")
    assert 7 in _items(again)  # the good first edit was not kept either


def test_markup_in_an_edit_stays_text(sqlite_url: str) -> None:
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    rev = _build(sqlite_url, "2020Q4")
    attack = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    saved = save_edits(sqlite_url, rev.id, [Edit(action="summary", item_id=8, text=attack)],
                       by="editor", builders=BUILDERS)
    assert _items(saved.revision)[8][2] == attack  # stored as the editor typed it
    assert saved.findings == ()  # the render escapes it: no script, no stray markup


def test_not_the_same_splits_the_cluster_and_both_items_show(sqlite_url: str) -> None:
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    rev = _build(sqlite_url, "2020Q4")
    assert 11 in _items(rev) and 12 not in _items(rev)  # one conference, shown once
    saved = save_edits(sqlite_url, rev.id, [Edit(action="split", item_id=11, other_item_id=12)],
                       by="editor", builders=BUILDERS)
    assert {11, 12} <= set(_items(saved.revision))
    assert [c.item_id for c in saved.diff.added] == [12]
    assert 12 in _items(_build(sqlite_url, "2020Q4"))  # the cannot-link holds on rebuild
