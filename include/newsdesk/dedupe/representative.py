"""Which item of a cluster the newsletter shows.

The rule, in order (first difference decides):

1. the organiser's own announcement: the item's ``organizer`` names its partner, or the
   partner's short name (or an alias) leads the title;
2. the richest record: how many of summary, URL, location and end time it has, then the
   summary's length;
3. the earliest ``first_seen``;
4. the lowest id.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.dedupe.records import DedupeRecord, PartnerNames
from newsdesk.dedupe.tokens import WORD, fold


def _words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def is_organiser_announcement(record: DedupeRecord, names: Sequence[str]) -> bool:
    """The partner announces its own event (or news about itself)."""
    aliases = [w for w in (_words(n) for n in names) if w]
    if record.organizer:
        organizer = _words(record.organizer)
        for alias in aliases:
            if any(organizer[i:i + len(alias)] == alias for i in range(len(organizer))):
                return True
    title = _words(record.title)
    return any(title[:len(alias)] == alias for alias in aliases)


def _richness(record: DedupeRecord) -> tuple[int, int]:
    filled = sum((bool(record.summary_text), record.has_url,
                  bool(record.location or record.city), record.ends_at is not None))
    return filled, len(record.summary_text)


def choose_representative(records: Sequence[DedupeRecord], partners: PartnerNames) -> int:
    """The id of the record the rule above puts first."""
    def key(r: DedupeRecord) -> tuple[bool, tuple[int, int], float, int]:
        names = partners.get(r.partner_id, (r.partner_id,))
        organiser = is_organiser_announcement(r, names)
        filled, length = _richness(r)
        return (not organiser, (-filled, -length), r.first_seen.timestamp(), r.id)

    return min(records, key=key).id
