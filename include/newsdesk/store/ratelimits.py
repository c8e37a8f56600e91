"""The public app's request counters (``public_rate_limits``; SQL only).

The policy (which keys, which limits, what happens over them) is
:mod:`newsdesk.public.ratelimit`'s; this module only counts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newsdesk.store.models import RateLimitRow


def count_hit(session: Session, key: str, window_start: datetime) -> int:
    """Add one request to ``key``'s counter for the window; returns the count after it.

    One ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (SQLite and PostgreSQL both have
    it): the increment and the read are one statement, so concurrent requests each see
    their own count and none slips under the limit by reading before another writes.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RateLimitRow).values(key=key, window_start=window_start, hits=1)
    upsert = statement.on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"hits": RateLimitRow.hits + 1},
    ).returning(RateLimitRow.hits)
    hits: int = session.execute(upsert).scalar_one()
    return hits


def prune(session: Session, before: datetime) -> int:
    """Delete the counters of windows that started before ``before``; returns how many."""
    result = session.execute(delete(RateLimitRow).where(RateLimitRow.window_start < before))
    return int(getattr(result, "rowcount", 0) or 0)
