"""The review rounds of one DAG run: what each round presents, and what an answer does.

A DAG cannot loop, so ``quarterly_newsletter`` unrolls :data:`MAX_ROUNDS` rounds of
present → human-in-the-loop review → settle. A round presents the edition's newest open
revision (waiting, while changes are requested, until editors have saved a newer one);
the answer is settled through :mod:`newsdesk.review.lifecycle` and names what follows:
the approved step, the next round, or the end of the run. The task bodies of the DAG are
these functions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from newsdesk.errors import ReviewError
from newsdesk.review import lifecycle
from newsdesk.review.lifecycle import ReviewState
from newsdesk.review_task import APPROVE, REQUEST_CHANGES


@dataclass(frozen=True)
class Presented:
    """The revision a round puts in front of the reviewers (an XCom, so plain values)."""

    revision_id: int
    number: int
    content_sha256: str
    subject: str
    body: str  # Markdown for the review page

    def as_xcom(self) -> dict[str, Any]:
        return asdict(self)


def present(db_url: str, edition_key: str, kind: str, *, by: str) -> dict[str, Any] | None:
    """The newest open revision, now in review; None while editors owe a new revision."""
    revisions = lifecycle.list_revisions(db_url, edition_key, kind)
    if not revisions:
        raise ReviewError(f"edition {kind} {edition_key}: no revision to review")
    newest = revisions[-1]
    if newest.status == ReviewState.CHANGES_REQUESTED:
        return None
    if newest.status not in (ReviewState.DRAFT, ReviewState.IN_REVIEW):
        raise ReviewError(f"{newest.label} is {newest.status}: there is nothing to review")
    rev = lifecycle.submit_for_review(db_url, newest.id, by=by)
    counts = "\n".join(f"- {s.heading}: {len(s.items)}" for s in rev.snapshot.sections)
    findings = "\n".join(f"- {f}" for f in rev.check_findings) or "- none"
    body = (f"**{rev.snapshot.subject}**\n\nRevision #{rev.number} (id {rev.id}), content "
            f"hash `{rev.content_sha256}`\n\nItems per section:\n\n{counts}\n\n"
            f"Email checks:\n\n{findings}\n\nReason (required to request changes or reject): "
            "fill in the form.")
    return Presented(rev.id, rev.number, rev.content_sha256,
                     f"Review {rev.snapshot.subject} (#{rev.number})", body).as_xcom()


def settle(db_url: str, presented: dict[str, Any], answer: dict[str, Any] | None) -> str:
    """Apply a reviewer's answer; returns ``approved``, ``again`` or ``rejected``.

    No answer (the review timed out) is ``again``: the next round presents the same
    revision and reminds; nothing is approved by default. An approval of a revision that
    editors superseded meanwhile is refused by the lifecycle and is also ``again``.
    """
    if not answer or answer.get("timed_out") or not answer.get("chosen_options"):
        return "again"
    user = answer.get("responded_by_user") or {}
    by = str(user.get("name") or user.get("id") or "unknown reviewer")
    reason = str((answer.get("params_input") or {}).get("reason") or "").strip() or None
    chosen = answer["chosen_options"][0]
    revision_id = int(presented["revision_id"])
    if chosen == APPROVE:
        if lifecycle.load_revision(db_url, revision_id).status == ReviewState.SUPERSEDED:
            return "again"
        lifecycle.approve(db_url, revision_id, str(presented["content_sha256"]), by=by,
                          reason=reason)
        return "approved"
    if chosen == REQUEST_CHANGES:
        lifecycle.request_changes(db_url, revision_id, by=by, reason=reason or "")
        return "again"
    lifecycle.reject(db_url, revision_id, by=by, reason=reason or "")
    return "rejected"


def approved_for_delivery(db_url: str, edition_key: str, kind: str) -> dict[str, Any]:
    """The step after review: the approved revision id and hash, re-checked."""
    from newsdesk.store import revisions as store
    from newsdesk.store.database import session_scope

    with session_scope(db_url) as session:
        edition = store.find_edition(session, edition_key, kind)
        if edition is None:
            raise ReviewError(f"edition {kind} {edition_key} does not exist")
        approved = lifecycle.approved_revision(session, edition.id)
    return {"revision_id": approved.revision_id, "content_sha256": approved.content_sha256,
            "approved_by": approved.approved_by}
