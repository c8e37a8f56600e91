"""The edition lifecycle on both databases: states, audit trail, one bound approval, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from tests.newsletter_factory import BUILT_AT, config, insert, registry, seed_items

from newsdesk.config import Settings
from newsdesk.edition.builder import build_edition
from newsdesk.errors import EditionError, ReviewError
from newsdesk.publish.archive import publish_revision
from newsdesk.render.render import render_revision
from newsdesk.review import (
    ReviewState,
    approve,
    approved_revision,
    audit_trail,
    list_revisions,
    load_revision,
    reject,
    request_changes,
    require_approved,
    submit_for_review,
)
from newsdesk.store.database import session_scope
from newsdesk.store.models import EditionRevisionRow
from newsdesk.store.revisions import StoredRevision

TEMPLATES = Settings.from_env().templates_dir


def _draft(db_url: str, by: str = "builder") -> StoredRevision:
    return build_edition(db_url, "2020Q4", registry(), config(), created_by=by,
                         built_at=BUILT_AT)


@pytest.fixture
def seeded(db_url: str) -> str:
    items, clusters = seed_items()
    insert(db_url, items, clusters)
    return db_url


def test_approval_is_bound_to_revision_and_hash_and_audited(seeded: str) -> None:
    rev = _draft(seeded)
    assert rev.status == ReviewState.DRAFT
    submit_for_review(seeded, rev.id, by="dag")
    submit_for_review(seeded, rev.id, by="dag")  # a re-run changes nothing
    approved = approve(seeded, rev.id, rev.content_sha256, by="chief", reason="fine")
    assert (approved.revision_id, approved.content_sha256) == (rev.id, rev.content_sha256)
    assert approve(seeded, rev.id, rev.content_sha256, by="chief") == approved  # idempotent
    with session_scope(seeded) as session:
        assert approved_revision(session, rev.edition_id) == approved
    assert require_approved(seeded, rev.id).snapshot == rev.snapshot
    trail = [(t.revision_number, t.from_status, t.to_status, t.actor, t.reason)
             for t in audit_trail(seeded, "2020Q4")]
    assert trail == [(1, None, "draft", "builder", None),
                     (1, "draft", "in_review", "dag", None),
                     (1, "in_review", "approved", "chief", "fine")]


def test_approval_with_another_hash_is_refused(seeded: str) -> None:
    rev = _draft(seeded)
    submit_for_review(seeded, rev.id, by="dag")
    with pytest.raises(ReviewError, match=rf"revision {rev.id} \(2020Q4 #1\): approval refused: "
                                          "it was reviewed with content hash 000000000000"):
        approve(seeded, rev.id, "0" * 64, by="chief")
    assert load_revision(seeded, rev.id).status == "in_review"


def test_only_a_revision_in_review_can_be_approved(seeded: str) -> None:
    rev = _draft(seeded)
    with pytest.raises(ReviewError, match="cannot go from draft to approved"):
        approve(seeded, rev.id, rev.content_sha256, by="chief")


def test_an_approved_edition_does_not_change(seeded: str) -> None:
    rev = _draft(seeded)
    submit_for_review(seeded, rev.id, by="dag")
    approve(seeded, rev.id, rev.content_sha256, by="chief")
    with pytest.raises(ReviewError, match=rf"edition quarterly 2020Q4: a new revision is refused: "
                                          rf"revision {rev.id} \(#1\) is approved"):
        _draft(seeded)
    with pytest.raises(ReviewError, match="cannot go from approved to rejected"):
        reject(seeded, rev.id, by="chief", reason="changed my mind")
    assert [r.number for r in list_revisions(seeded, "2020Q4")] == [1]


def test_the_database_refuses_a_second_approved_revision(seeded: str) -> None:
    first = _draft(seeded)
    second = _draft(seeded)
    submit_for_review(seeded, second.id, by="dag")
    approve(seeded, second.id, second.content_sha256, by="chief")
    with pytest.raises(IntegrityError), session_scope(seeded) as session:
        session.execute(update(EditionRevisionRow).where(EditionRevisionRow.id == first.id)
                        .values(status="approved"))


def test_a_newer_revision_supersedes_the_open_ones(seeded: str) -> None:
    first = _draft(seeded)
    submit_for_review(seeded, first.id, by="dag")
    request_changes(seeded, first.id, by="chief", reason="shorter intro")
    second = _draft(seeded, by="editor")
    third = _draft(seeded, by="editor")
    assert [(r.number, r.status) for r in list_revisions(seeded, "2020Q4")] == [
        (1, "superseded"), (2, "superseded"), (3, "draft")]
    with pytest.raises(ReviewError, match="cannot go from superseded to in_review"):
        submit_for_review(seeded, second.id, by="dag")
    trail = audit_trail(seeded, "2020Q4")
    assert [(t.revision_number, t.to_status, t.reason) for t in trail if t.revision_number == 1
            ] == [(1, "draft", None), (1, "in_review", None),
                  (1, "changes_requested", "shorter intro"), (1, "superseded", "superseded by #2")]
    assert third.status == "draft"


@pytest.mark.parametrize("answer", [request_changes, reject])
def test_request_changes_and_reject_need_a_reason(seeded: str, answer: object) -> None:
    rev = _draft(seeded)
    submit_for_review(seeded, rev.id, by="dag")
    with pytest.raises(ReviewError, match="needs a reason"):
        answer(seeded, rev.id, by="chief", reason="  ")  # type: ignore[operator]
    assert load_revision(seeded, rev.id).status == "in_review"


def test_rejected_is_final_and_nothing_is_approved(seeded: str) -> None:
    rev = _draft(seeded)
    submit_for_review(seeded, rev.id, by="dag")
    reject(seeded, rev.id, by="chief", reason="wrong quarter")
    with pytest.raises(ReviewError, match="cannot go from rejected to approved"):
        approve(seeded, rev.id, rev.content_sha256, by="chief")
    with (pytest.raises(ReviewError, match="edition quarterly 2020Q4 has no approved revision"),
          session_scope(seeded) as session):
        approved_revision(session, rev.edition_id)


def test_render_and_publish_refuse_unapproved_revisions_previews_are_marked(
        sqlite_url: str, tmp_path: Path) -> None:
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    rev = _draft(sqlite_url)
    refused = rf"revision {rev.id} \(2020Q4 #1\) is draft, not approved"
    with pytest.raises(ReviewError, match=refused):
        render_revision(sqlite_url, rev.id, tmp_path / "out", TEMPLATES)
    with pytest.raises(ReviewError, match=refused):
        publish_revision(sqlite_url, rev.id, tmp_path / "archive", TEMPLATES)
    assert not (tmp_path / "out").exists() and not (tmp_path / "archive").exists()

    render_revision(sqlite_url, rev.id, tmp_path / "preview", TEMPLATES, preview=True)
    assert "[DRAFT #1, draft]" in (tmp_path / "preview/email.html").read_text()

    submit_for_review(sqlite_url, rev.id, by="dag")
    approve(sqlite_url, rev.id, rev.content_sha256, by="chief")
    render_revision(sqlite_url, rev.id, tmp_path / "out", TEMPLATES)
    assert "[DRAFT" not in (tmp_path / "out/email.html").read_text()
    publish_revision(sqlite_url, rev.id, tmp_path / "archive", TEMPLATES)
    assert (tmp_path / "archive/2020Q4/index.html").exists()


def test_a_tampered_approved_snapshot_is_refused(sqlite_url: str) -> None:
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    rev = _draft(sqlite_url)
    submit_for_review(sqlite_url, rev.id, by="dag")
    approve(sqlite_url, rev.id, rev.content_sha256, by="chief")
    with session_scope(sqlite_url) as session:
        session.execute(update(EditionRevisionRow).where(EditionRevisionRow.id == rev.id)
                        .values(snapshot=EditionRevisionRow.snapshot + " "))
    with pytest.raises(EditionError, match="does not match its SHA-256"):
        require_approved(sqlite_url, rev.id)
