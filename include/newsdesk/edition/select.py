"""Choosing an edition's items: which belong to a quarter, and one per duplicate cluster.

Rules (docs/newsletter.md, "Selection"):

- news and publications belong to the quarter their ``published_at`` falls in, taken in
  the newsletter's zone; undated ones are left out (they cannot be placed in a quarter);
- an event belongs to every quarter it overlaps, so 30 September–2 October appears in the
  Q3 edition and again in the Q4 one (it was still running). All-day events compare as
  dates; timed events as instants against the quarter's local-midnight bounds; a series
  belongs to a quarter when one of its occurrences does;
- every duplicate cluster is shown once, by its representative
  (``ClusterRow.representative_item_id``) or, when that item is not selected, by the
  smallest selected id of the cluster; an item without a cluster is its own;
- "upcoming" are the events of the next quarter that are not already shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from newsdesk.edition.phrases import Timing, event_days, event_zone, series_expansion
from newsdesk.edition.quarter import Quarter
from newsdesk.store.models import ItemRow


@dataclass(frozen=True)
class Selection:
    """Representatives for the quarter and for the next quarter's events, in date order."""

    current: list[ItemRow]
    upcoming: list[ItemRow]
    #: representative item id -> partner ids of the other members seen in its cluster
    also_reported_by: dict[int, list[str]] = field(default_factory=dict)


def timing_of(item: ItemRow) -> Timing:
    return Timing(kind=item.kind, published_at=item.published_at, starts_at=item.starts_at,
                  ends_at=item.ends_at, all_day=bool(item.all_day), event_tz=item.event_tz,
                  recurrence=item.recurrence)


def belongs_to(item: ItemRow, quarter: Quarter, zone: ZoneInfo) -> bool:
    """Whether ``item`` is part of ``quarter`` under the rules above."""
    q_start, q_end = quarter.bounds(zone)
    if item.kind != "event":
        return item.published_at is not None and q_start <= item.published_at < q_end
    if item.starts_at is None:
        return False
    timing = timing_of(item)
    local = event_zone(timing, zone, where=f"item {item.id}")
    if item.recurrence:
        return _series_overlaps(timing, local, quarter, zone, where=f"item {item.id}")
    if item.all_day:
        first, last = event_days(timing, local)
        return first <= quarter.last_day and last >= quarter.first_day
    end = item.ends_at if item.ends_at and item.ends_at > item.starts_at else None
    if end is None:
        return q_start <= item.starts_at < q_end
    return item.starts_at < q_end and end > q_start


def _series_overlaps(timing: Timing, local: ZoneInfo, quarter: Quarter, zone: ZoneInfo,
                     where: str) -> bool:
    """Whether an occurrence starts in the quarter; the bounded expansion runs up to the
    quarter's end, so a series that needs more occurrences than the cap to get there
    counts as not running in it."""
    q_start, q_end = quarter.bounds(zone)
    if timing.all_day:
        low = datetime.combine(quarter.first_day, time.min)
        high = datetime.combine(quarter.last_day, time.max)
        window_end = high.replace(tzinfo=UTC)
    else:
        low = q_start.astimezone(local).replace(tzinfo=None)
        high = q_end.astimezone(local).replace(tzinfo=None)
        window_end = q_end
    expansion = series_expansion(timing, local, where, window_end=window_end)
    return any(low <= moment and (moment <= high if timing.all_day else moment < high)
               for moment in expansion.occurrences)


def sort_key(item: ItemRow) -> tuple[datetime, str, int]:
    moment = item.starts_at if item.kind == "event" else item.published_at
    return (moment or datetime.min.replace(tzinfo=UTC), item.title.casefold(), item.id)


def one_per_cluster(items: Iterable[ItemRow], representatives: Mapping[int, int]
                    ) -> list[ItemRow]:
    """Keep one item per cluster; ``representatives`` maps cluster id -> representative id."""
    by_cluster: dict[int, list[ItemRow]] = defaultdict(list)
    kept: list[ItemRow] = []
    for item in items:
        if item.cluster_id is None:
            kept.append(item)
        else:
            by_cluster[item.cluster_id].append(item)
    for cluster_id, members in by_cluster.items():
        wanted = representatives.get(cluster_id)
        chosen = next((m for m in members if m.id == wanted), None)
        kept.append(chosen or min(members, key=lambda m: m.id))
    return sorted(kept, key=sort_key)


def select_items(items: Iterable[ItemRow], representatives: Mapping[int, int],
                 quarter: Quarter, zone: ZoneInfo) -> Selection:
    """Split candidate rows into the quarter's items and the next quarter's events."""
    pool = list(items)
    current = one_per_cluster([i for i in pool if belongs_to(i, quarter, zone)],
                              representatives)
    shown_clusters = {i.cluster_id for i in current if i.cluster_id is not None}
    shown_ids = {i.id for i in current}
    nxt = quarter.next()
    upcoming = one_per_cluster(
        [i for i in pool if i.kind == "event" and i.id not in shown_ids
         and (i.cluster_id is None or i.cluster_id not in shown_clusters)
         and belongs_to(i, nxt, zone)],
        representatives)
    also: dict[int, list[str]] = {}
    chosen = {i.cluster_id: i for i in current + upcoming if i.cluster_id is not None}
    for item in pool:
        rep = chosen.get(item.cluster_id) if item.cluster_id is not None else None
        if rep is not None and item.id != rep.id and item.partner_id != rep.partner_id:
            names = also.setdefault(rep.id, [])
            if item.partner_id not in names:
                names.append(item.partner_id)
    return Selection(current=current, upcoming=upcoming, also_reported_by=also)


def candidate_window(quarter: Quarter, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A generous UTC window for the database query (a day of slack each side for zones)."""
    start, _ = quarter.bounds(zone)
    _, end = quarter.next().bounds(zone)
    pad = timedelta(days=1)
    return (start - pad).astimezone(UTC), (end + pad).astimezone(UTC)
