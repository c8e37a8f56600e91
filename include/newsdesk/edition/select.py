"""Choosing an edition's items: which belong to a quarter, and one per duplicate cluster.

Rules (docs/newsletter.md, "Selection"):

- news and publications belong to the quarter their ``published_at`` falls in, taken in
  the partner's zone (the partner's local date, as the item shows it), else the
  newsletter's; undated ones are left out (they cannot be placed in a quarter);
- an event belongs to every quarter it overlaps, so 30 September–2 October appears in the
  Q3 edition and again in the Q4 one (it was still running). All-day events compare as
  dates; timed events as instants against the quarter's local-midnight bounds; a series
  belongs to a quarter when one of its occurrences does;
- "upcoming" are the events not already shown that start after the quarter and either
  start in the next quarter or were announced (``published_at``) during this one and
  start within the horizon (``upcoming_horizon_months`` after the quarter's end);
- every duplicate cluster is shown once, by its representative
  (``ClusterRow.representative_item_id``) or, when that item is not selected, by the
  smallest selected id of the cluster; an item without a cluster is its own;
- what was announced in the quarter, or starts between the quarter's start and the
  horizon, and is not shown (nor a duplicate of a shown item) is *left out*, with the
  reason, for editors to see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from newsdesk.edition.phrases import (
    Timing,
    event_days,
    event_zone,
    format_day,
    series_expansion,
)
from newsdesk.edition.quarter import Quarter
from newsdesk.edition.zones import resolve_event_zone
from newsdesk.store.models import ItemRow

#: Default for ``upcoming_horizon_months``: an event announced in the quarter is shown
#: as upcoming when it starts within this many months after the quarter.
DEFAULT_HORIZON_MONTHS = 6


@dataclass(frozen=True)
class LeftOut:
    """An item an editor may miss: announced in or starting near the quarter, not shown."""

    item: ItemRow
    reason: str


@dataclass(frozen=True)
class Selection:
    """Representatives for the quarter and the upcoming events, in date order."""

    current: list[ItemRow]
    upcoming: list[ItemRow]
    #: representative item id -> partner ids of the other members seen in its cluster
    also_reported_by: dict[int, list[str]] = field(default_factory=dict)
    left_out: list[LeftOut] = field(default_factory=list)


def timing_of(item: ItemRow, home_tz: str | None = None) -> Timing:
    """The item's dates, with the zone its time is shown in already chosen
    (:func:`newsdesk.edition.zones.resolve_event_zone`); ``home_tz`` is the partner's."""
    event_tz = item.event_tz
    if item.kind == "event" and not item.all_day:
        event_tz = resolve_event_zone(item.event_tz, item.starts_at, home_tz,
                                      f"{item.title}\n{item.summary_text or ''}")
    return Timing(kind=item.kind, published_at=item.published_at, starts_at=item.starts_at,
                  ends_at=item.ends_at, all_day=bool(item.all_day), event_tz=event_tz,
                  recurrence=item.recurrence, home_tz=home_tz)


def belongs_to(item: ItemRow, quarter: Quarter, zone: ZoneInfo,
               home_tz: str | None = None) -> bool:
    """Whether ``item`` is part of ``quarter`` under the rules above."""
    if item.kind != "event":
        return item.published_at is not None and _published_in(item, quarter, zone, home_tz)
    if item.starts_at is None:
        return False
    timing = timing_of(item, home_tz)
    local = event_zone(timing, zone, where=f"item {item.id}")
    if item.recurrence:
        return _series_overlaps(timing, local, quarter, zone, where=f"item {item.id}")
    if item.all_day:
        first, last = event_days(timing, local)
        return first <= quarter.last_day and last >= quarter.first_day
    q_start, q_end = quarter.bounds(zone)
    end = item.ends_at if item.ends_at and item.ends_at > item.starts_at else None
    if end is None:
        return q_start <= item.starts_at < q_end
    return item.starts_at < q_end and end > q_start


def _published_in(item: ItemRow, quarter: Quarter, zone: ZoneInfo, home_tz: str | None
                  ) -> bool:
    if item.published_at is None:
        return False
    q_start, q_end = quarter.bounds(ZoneInfo(home_tz) if home_tz else zone)
    return q_start <= item.published_at < q_end


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


def horizon_end(quarter: Quarter, months: int) -> date:
    """The first day after the horizon: ``months`` after the quarter's last day."""
    first = quarter.next().first_day
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def select_items(items: Iterable[ItemRow], representatives: Mapping[int, int],
                 quarter: Quarter, zone: ZoneInfo, *,
                 home_zones: Mapping[str, str | None] | None = None,
                 horizon_months: int = DEFAULT_HORIZON_MONTHS) -> Selection:
    """Split candidate rows into the quarter's items, the upcoming events and what was
    left out; ``home_zones`` maps partner id -> the partner's configured zone."""
    homes = home_zones or {}
    pool = list(items)
    current = one_per_cluster(
        [i for i in pool if belongs_to(i, quarter, zone, homes.get(i.partner_id))],
        representatives)
    shown_clusters = {i.cluster_id for i in current if i.cluster_id is not None}
    shown_ids = {i.id for i in current}
    _, q_end = quarter.bounds(zone)
    limit = datetime.combine(horizon_end(quarter, horizon_months), time.min, tzinfo=zone)
    nxt = quarter.next()

    def upcoming_event(i: ItemRow) -> bool:
        if i.kind != "event" or i.starts_at is None or i.starts_at < q_end:
            return False
        home = homes.get(i.partner_id)
        return belongs_to(i, nxt, zone, home) or (
            i.starts_at < limit and _published_in(i, quarter, zone, home))

    upcoming = one_per_cluster(
        [i for i in pool if i.id not in shown_ids
         and (i.cluster_id is None or i.cluster_id not in shown_clusters)
         and upcoming_event(i)],
        representatives)
    chosen = {i.cluster_id: i for i in current + upcoming if i.cluster_id is not None}
    also: dict[int, list[str]] = {}
    for item in pool:
        rep = chosen.get(item.cluster_id) if item.cluster_id is not None else None
        if rep is not None and item.id != rep.id and item.partner_id != rep.partner_id:
            names = also.setdefault(rep.id, [])
            if item.partner_id not in names:
                names.append(item.partner_id)
    shown = {i.id for i in current + upcoming}
    left_out = [
        LeftOut(item, reason) for item in sorted(pool, key=sort_key)
        if item.id not in shown and (item.cluster_id is None or item.cluster_id not in chosen)
        and (reason := _left_out_reason(item, quarter, zone, homes.get(item.partner_id),
                                        limit, horizon_months))
    ]
    return Selection(current=current, upcoming=upcoming, also_reported_by=also,
                     left_out=left_out)


def _left_out_reason(item: ItemRow, quarter: Quarter, zone: ZoneInfo, home: str | None,
                     limit: datetime, horizon_months: int) -> str | None:
    """Why an item an editor may look for is not shown; ``None``: it is not about this
    quarter (the database query's slack around the quarter brings in a few such)."""
    q_start, q_end = quarter.bounds(zone)
    announced = _published_in(item, quarter, zone, home)
    if item.kind != "event":
        return None  # news in the quarter is always shown; other news is not about it
    if item.starts_at is None:
        return "an event without a start date" if announced else None
    start_day = format_day(item.starts_at.astimezone(UTC if item.all_day else zone).date())
    if item.starts_at >= limit:
        return (f"starts on {start_day}, beyond the {horizon_months}-month horizon for "
                "upcoming events") if announced else None
    if item.starts_at < q_end and item.recurrence:
        return ("a recurring series with no occurrence found in the quarter (its expansion "
                "is bounded)") if announced or item.starts_at >= q_start else None
    if item.starts_at < q_start:
        return f"held before the quarter (from {start_day})" if announced else None
    if item.starts_at < q_end:
        return "not placed in the quarter by its own time zone"
    return f"starts on {start_day}, after the next quarter, and was not announced in this one"


def candidate_window(quarter: Quarter, zone: ZoneInfo, horizon_months: int
                     ) -> tuple[datetime, datetime, datetime]:
    """Generous UTC bounds for the database query (a day of slack each side for zones):
    the quarter's start, the next quarter's end, and the horizon's end."""
    start, _ = quarter.bounds(zone)
    _, end = quarter.next().bounds(zone)
    horizon = datetime.combine(horizon_end(quarter, horizon_months), time.min, tzinfo=zone)
    pad = timedelta(days=1)
    return ((start - pad).astimezone(UTC), (end + pad).astimezone(UTC),
            (max(horizon, end) + pad).astimezone(UTC))
