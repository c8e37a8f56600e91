"""The edition page's forms become review edits; only changed fields, bad input named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.newsletter_factory import sample_snapshot

from newsdesk.editor_ui.forms import edits_from_form
from newsdesk.errors import ReviewError
from newsdesk.review.edits import Edit
from newsdesk.store.revisions import StoredRevision, content_hash


def _revision() -> StoredRevision:
    snapshot = sample_snapshot()
    return StoredRevision(id=7, edition_id=1, edition_key=snapshot.edition_key, kind="quarterly",
                          number=3, status="draft", content_sha256=content_hash(snapshot),
                          snapshot=snapshot, created_by="test", created_at=datetime.now(UTC),
                          note=None)


def test_only_the_changed_texts_become_edits() -> None:
    base = _revision()
    item = base.snapshot.sections[0].items[0]
    form = {"form": "texts", "item_id": str(item.item_id), "title": f"  {item.title} ",
            "summary": "A shorter summary."}
    assert edits_from_form(form, base) == [
        Edit(action="summary", item_id=item.item_id, text="A shorter summary.")]
    untouched = {"form": "edition", "subject": base.snapshot.subject, "intro": base.snapshot.intro}
    assert edits_from_form(untouched, base) == []


def test_each_form_is_one_kind_of_edit() -> None:
    base = _revision()
    first, second = (i.item_id for i in base.snapshot.sections[0].items[:2])
    assert edits_from_form({"form": "exclude", "item_id": str(first)}, base) == [
        Edit(action="exclude", item_id=first)]
    assert edits_from_form({"form": "move", "item_id": str(first), "section": "upcoming",
                            "position": "2"}, base) == [
        Edit(action="move", item_id=first, section="upcoming", position=2)]
    assert edits_from_form({"form": "split", "item_id": str(first),
                            "other_item_id": str(second)}, base) == [
        Edit(action="split", item_id=first, other_item_id=second)]
    assert edits_from_form({"form": "restore", "item_id": "999"}, base) == [
        Edit(action="restore", item_id=999)]


@pytest.mark.parametrize(("form", "message"), [
    ({"form": "delete-everything"}, "unknown form 'delete-everything'"),
    ({"form": "exclude", "item_id": "1; DROP"}, "field 'item_id' must be a whole number"),
    ({"form": "texts", "item_id": "999999"}, "item 999999 is not in this revision"),
    ({"form": "move", "item_id": "-1"}, "field 'item_id' must be a whole number"),
])
def test_bad_forms_are_one_line_naming_the_revision_and_field(form: dict[str, str],
                                                              message: str) -> None:
    with pytest.raises(ReviewError, match="revision 7 \\(2020Q4 #3\\)") as err:
        edits_from_form(form, _revision())
    assert message in str(err.value)
