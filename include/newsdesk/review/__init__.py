"""Editorial review: the edition lifecycle, editors' edits, and what delivery may send.

The public surface for the CLI, the DAG, the plugin and delivery; see docs/review.md.
"""

from newsdesk.review.lifecycle import (
    ApprovedRevision,
    ReviewState,
    approve,
    approved_revision,
    audit_trail,
    list_editions,
    list_revisions,
    load_revision,
    preview_snapshot,
    reject,
    request_changes,
    require_approved,
    submit_for_review,
)

__all__ = [
    "ApprovedRevision",
    "ReviewState",
    "approve",
    "approved_revision",
    "audit_trail",
    "list_editions",
    "list_revisions",
    "load_revision",
    "preview_snapshot",
    "reject",
    "request_changes",
    "require_approved",
    "submit_for_review",
]
