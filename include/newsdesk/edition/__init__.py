"""Editions: which items an issue holds, worded and frozen into immutable revisions.

The public surface; the machinery lives in the modules named for each job (quarter,
phrases, trim, select, snapshot, builder, revisions).
"""

from newsdesk.edition.builder import build_edition, build_snapshot
from newsdesk.edition.config import NewsletterConfig, load_newsletter_config
from newsdesk.edition.quarter import Quarter
from newsdesk.edition.revisions import StoredRevision, list_revisions, load_revision, set_status
from newsdesk.edition.snapshot import EditionSnapshot

__all__ = [
    "EditionSnapshot",
    "NewsletterConfig",
    "Quarter",
    "StoredRevision",
    "build_edition",
    "build_snapshot",
    "list_revisions",
    "load_newsletter_config",
    "load_revision",
    "set_status",
]
