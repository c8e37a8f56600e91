"""Reads and writes of a monthly update's manual entries (``monthly_entries``; SQL only).

The checks and the sanitising happen before anything reaches here
(:mod:`newsdesk.monthly.entries`); the monthly builder and the CLI call these.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsdesk.monthly.entries import ManualEntry
from newsdesk.store.models import MonthlyEntryRow, utcnow


@dataclass(frozen=True)
class ImportCounts:
    """What one import changed (a second import of the same file: all unchanged)."""

    new: int
    updated: int
    unchanged: int


def save_entries(session: Session, month: str, entries: list[ManualEntry], *,
                 by: str) -> ImportCounts:
    """Insert or update each entry by ``(month, key)``; rows not in ``entries`` stay."""
    existing = {row.key: row for row in session.scalars(
        select(MonthlyEntryRow).where(MonthlyEntryRow.month == month)).all()}
    new = updated = unchanged = 0
    for entry in entries:
        values = _values(entry)
        row = existing.get(entry.key)
        if row is None:
            session.add(MonthlyEntryRow(month=month, key=entry.key, updated_by=by,
                                        updated_at=utcnow(), **values))
            new += 1
        elif all(getattr(row, name) == value for name, value in values.items()):
            unchanged += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_by, row.updated_at = by, utcnow()
            updated += 1
    session.flush()
    return ImportCounts(new=new, updated=updated, unchanged=unchanged)


def month_entries(session: Session, month: str) -> list[ManualEntry]:
    """The month's entries in file order (``sequence``, then key)."""
    rows = session.scalars(select(MonthlyEntryRow).where(MonthlyEntryRow.month == month)
                           .order_by(MonthlyEntryRow.sequence, MonthlyEntryRow.key)).all()
    return [ManualEntry(key=row.key, title=row.title, starts_on=row.starts_on,
                        ends_on=row.ends_on, paragraphs=tuple(json.loads(row.paragraphs)),
                        list_items=tuple(json.loads(row.list_items)), list_after=row.list_after,
                        more_details_url=row.more_details_url,
                        more_details_text=row.more_details_text, parent_key=row.parent_key,
                        sequence=row.sequence) for row in rows]


def _values(entry: ManualEntry) -> dict[str, object]:
    return {"title": entry.title, "starts_on": entry.starts_on, "ends_on": entry.ends_on,
            "paragraphs": json.dumps(list(entry.paragraphs), ensure_ascii=False),
            "list_items": json.dumps(list(entry.list_items), ensure_ascii=False),
            "list_after": entry.list_after, "more_details_url": entry.more_details_url,
            "more_details_text": entry.more_details_text, "parent_key": entry.parent_key,
            "sequence": entry.sequence}
