"""Reads and writes of editors' decisions (``edition_edits``); the rules live in review.edits."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from newsdesk.store.models import EditionEditRow, utcnow


def save_decision(session: Session, edition_id: int, target: str, field: str, value: Any, *,
                  by: str) -> None:
    """Record (or replace) one decision: one row per edition, target and field."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    row = session.scalars(select(EditionEditRow).where(
        EditionEditRow.edition_id == edition_id, EditionEditRow.target == target,
        EditionEditRow.field == field)).first()
    if row is None:
        session.add(EditionEditRow(edition_id=edition_id, target=target, field=field,
                                   value=text, created_by=by, created_at=utcnow()))
    else:
        row.value, row.created_by, row.created_at = text, by, utcnow()
    session.flush()


def drop_decision(session: Session, edition_id: int, target: str, field: str) -> None:
    session.execute(delete(EditionEditRow).where(
        EditionEditRow.edition_id == edition_id, EditionEditRow.target == target,
        EditionEditRow.field == field))


def decisions(session: Session, edition_id: int) -> list[tuple[str, str, Any]]:
    """``(target, field, value)`` for every decision of the edition, oldest first."""
    rows = session.scalars(select(EditionEditRow).where(EditionEditRow.edition_id == edition_id)
                           .order_by(EditionEditRow.id)).all()
    return [(row.target, row.field, json.loads(row.value)) for row in rows]
