"""What the engine knows about an item: a plain record, no database, no ORM.

``store.clusters`` builds these from a column-only SELECT; tests and the benchmark build
them directly. Partner names come as a mapping ``partner_id -> names`` (short name and
aliases) because the representative rule and the title-label stripping need them and the
items table does not carry them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.registry import Registry

PartnerNames = Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class DedupeRecord:
    """The fields of one item that clustering and the representative rule use."""

    id: int
    partner_id: str
    kind: str
    title: str
    first_seen: datetime
    canonical_url: str | None = None
    content_hash: str | None = None
    summary_text: str = ""
    published_at: datetime | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    all_day: bool = False
    event_tz: str | None = None
    location: str | None = None
    city: str | None = None
    country: str | None = None
    online: bool | None = None
    organizer: str | None = None
    has_url: bool = False


@dataclass(frozen=True)
class Cluster:
    """Items that report the same thing. ``id`` is the smallest member id."""

    id: int
    representative_id: int
    members: tuple[int, ...]  # ascending

    @property
    def size(self) -> int:
        return len(self.members)


def partner_names(registry: Registry) -> dict[str, tuple[str, ...]]:
    """``partner_id -> (short name, id, full name)`` from the source registry."""
    return {p.id: (p.short, p.id, p.name) for p in registry.partners}
