"""The draft a review run starts from: the period's edition built from the staging items."""

from __future__ import annotations

from datetime import datetime

from newsdesk.config import Settings
from newsdesk.edition.quarter import Quarter


def quarter_before(when: datetime) -> Quarter:
    """The quarter that ended last before ``when`` (a run on 1 January 2021 → 2020Q4)."""
    current = Quarter(when.year, (when.month - 1) // 3 + 1)
    return Quarter(current.year - 1, 4) if current.number == 1 else Quarter(current.year,
                                                                          current.number - 1)


def build_quarter_draft(quarter: str, run_date: datetime | None) -> str:
    """Build the named quarter (or the one before ``run_date``); returns its edition key."""
    from newsdesk.edition.builder import build_edition
    from newsdesk.edition.config import load_newsletter_config
    from newsdesk.registry import load_registry

    settings = Settings.from_env()
    period = Quarter.parse(quarter) if quarter.strip() else quarter_before(
        run_date or datetime.now())
    revision = build_edition(settings.db_url, period, load_registry(settings.sources_file),
                             load_newsletter_config(), created_by="quarterly_newsletter",
                             note="built for review")
    return revision.edition_key
