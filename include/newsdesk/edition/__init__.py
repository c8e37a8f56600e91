"""Editions: which items an issue holds, worded and frozen into immutable revisions.

The public surface; the machinery lives in the modules named for each job (quarter,
phrases, trim, select, snapshot, builder). Revisions are stored by
``newsdesk.store.revisions``; their review state is owned by ``newsdesk.review``.
"""

from newsdesk.edition.builder import build_edition, build_snapshot
from newsdesk.edition.config import NewsletterConfig, load_newsletter_config
from newsdesk.edition.quarter import Quarter
from newsdesk.edition.snapshot import EditionSnapshot

__all__ = [
    "EditionSnapshot",
    "NewsletterConfig",
    "Quarter",
    "build_edition",
    "build_snapshot",
    "load_newsletter_config",
]
