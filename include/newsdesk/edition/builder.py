"""Building an edition: select the quarter's items, word them, and store a revision.

:func:`build_snapshot` is pure (rows in, snapshot out) so tests and the benchmark call it
without a database; :func:`build_edition` is the I/O edge used by the CLI and the DAG.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select

from newsdesk.edition.config import NewsletterConfig
from newsdesk.edition.links import summary_links
from newsdesk.edition.phrases import date_phrase
from newsdesk.edition.quarter import MONTH_NAMES, Quarter
from newsdesk.edition.select import candidate_window, select_items, timing_of
from newsdesk.edition.snapshot import (
    ContactEntry,
    EditionSnapshot,
    LeftOutEntry,
    SnapshotItem,
    SnapshotSection,
    text_direction,
)
from newsdesk.edition.trim import trim_summary
from newsdesk.errors import ConfigError, EditionError
from newsdesk.normalize.places import parse_location
from newsdesk.registry import Partner, Registry
from newsdesk.store import revisions as revision_store  # a module: imported first, no cycle
from newsdesk.store.database import require_migrated, session_scope
from newsdesk.store.models import ClusterRow, ItemRow, utcnow


def build_snapshot(items: Iterable[ItemRow], representatives: Mapping[int, int],
                   registry: Registry, config: NewsletterConfig, quarter: Quarter,
                   built_at: datetime) -> EditionSnapshot:
    """The edition of ``quarter`` from candidate rows; raise :class:`EditionError` if empty."""
    zone = config.zone
    partners = {p.id: p for p in registry.partners}
    selection = select_items(items, representatives, quarter, zone,
                             home_zones={p.id: p.timezone for p in registry.partners},
                             horizon_months=config.upcoming_horizon_months)
    if not selection.current and not selection.upcoming:
        raise EditionError(f"edition {quarter.key}: no news or events in the staging database "
                           f"for {quarter.period_label} or the quarter after it")

    def word(item: ItemRow, upcoming: bool) -> SnapshotItem:
        partner = partners.get(item.partner_id)
        if partner is None:
            raise EditionError(f"item {item.id} ({item.url}): partner {item.partner_id!r} is "
                               "not in the source registry")
        also = [partners[p].short if p in partners else p
                for p in selection.also_reported_by.get(item.id, [])]
        return _snapshot_item(item, partner, config, upcoming, also)

    by_partner: dict[str, list[SnapshotItem]] = {}
    for item in selection.current:
        by_partner.setdefault(item.partner_id, []).append(word(item, upcoming=False))
    sections = [
        SnapshotSection(key=p.id, role="division" if p.division else "partner",
                        heading=p.name if p.division else f"{p.name} ({p.short})",
                        short=p.short, home_url=p.home, items=by_partner[p.id])
        for p in _section_order([partners[pid] for pid in by_partner if pid in partners],
                                config.partner_order, registry)
    ]
    if selection.upcoming:
        period = _upcoming_period(quarter, selection.upcoming, zone)
        sections.append(SnapshotSection(
            key="upcoming", role="upcoming", heading=config.upcoming_heading,
            intro=_fill(config.upcoming_intro, "upcoming_intro", period=period),
            items=[word(item, upcoming=True) for item in selection.upcoming]))
    period = quarter.period_label
    return EditionSnapshot(
        edition_key=quarter.key, kind="quarterly", title=config.title,
        organisation=config.organisation, period_label=period,
        subject=f"{config.title}: {period}",
        preheader=_fill(config.preheader, "preheader", period=period),
        intro=config.intro, language=config.language, timezone=config.timezone,
        built_at=built_at, sections=sections, disclaimer=config.disclaimer,
        contacts=[ContactEntry(label=c.label, url=c.url) for c in config.contacts],
        sender_name=config.sender_name, from_address=config.from_address,
        test_to_address=config.test_to_address,
        web_url=f"{config.archive_url}{quarter.key}/", archive_url=config.archive_url,
        left_out=[LeftOutEntry(item_id=entry.item.id, partner_id=entry.item.partner_id,
                               title=trim_summary(entry.item.title, config.title_chars).text,
                               url=entry.item.url or entry.item.canonical_url,
                               reason=entry.reason)
                  for entry in selection.left_out])


def _upcoming_period(quarter: Quarter, upcoming: list[ItemRow], zone: ZoneInfo) -> str:
    """``January – March 2021``, or up to the month of the last upcoming event when the
    horizon brought in later ones (``January – May 2021``)."""
    nxt = quarter.next()
    last = max([nxt.last_day] + [i.starts_at.astimezone(zone).date() for i in upcoming
                                 if i.starts_at is not None])
    if last <= nxt.last_day:
        return nxt.period_label
    first = nxt.first_day
    if first.year == last.year:
        return f"{MONTH_NAMES[first.month - 1]} – {MONTH_NAMES[last.month - 1]} {last.year}"
    return (f"{MONTH_NAMES[first.month - 1]} {first.year} – "
            f"{MONTH_NAMES[last.month - 1]} {last.year}")


#: Platform names: a location such as "Zoom" says more than "Online", in any language.
_PLATFORM = re.compile(r"\b(zoom|webex|teams|meet|youtube|facebook|skype|jitsi)\b", re.I)
#: What the "More about this …" link names, by item kind.
_WHAT = {"event": "event", "news": "story", "publication": "publication"}


def _section_order(present: list[Partner], order: list[str], registry: Registry) -> list[Partner]:
    """Division partners first (registry order), then ``order``, then the rest by name."""
    position = {pid: index for index, pid in enumerate(order)}
    registry_index = {p.id: index for index, p in enumerate(registry.partners)}

    def key(p: Partner) -> tuple[int, int, int, str]:
        if p.division:
            return (0, registry_index[p.id], 0, "")
        if p.id in position:
            return (1, position[p.id], 0, "")
        return (2, 0, 0, p.name.casefold())

    return sorted(present, key=key)


def _snapshot_item(item: ItemRow, partner: Partner, config: NewsletterConfig, upcoming: bool,
                   also: list[str]) -> SnapshotItem:
    where = f"item {item.id} of partner {partner.id!r}"
    trimmed = trim_summary(item.summary_text or "", config.summary_chars)
    title = trim_summary(item.title, config.title_chars).text
    url = item.url or item.canonical_url
    language = item.language or partner.language or config.language
    timing = timing_of(item, partner.timezone)
    return SnapshotItem(
        item_id=item.id, partner_id=partner.id, partner_short=partner.short, kind=item.kind,
        title=title, url=url,
        date_phrase=date_phrase(timing, config.zone, upcoming=upcoming, where=where),
        place=place_phrase(item) if item.kind == "event" else "", summary=trimmed.text,
        summary_cut=trimmed.cut,
        summary_links=summary_links(item.summary_html or "", trimmed.text),
        read_more=config.read_more.format(title=title, what=_WHAT.get(item.kind, "item"))
        if url else "",
        language=language, direction=text_direction(language), also_reported_by=also)


def place_phrase(item: ItemRow) -> str:
    """Where an event happens: "Jakarta, Indonesia", "Jakarta, Indonesia and online".

    A location that only says the event is online ("En línea", "Virtual", "En ligne")
    reads "Online", in the edition's words; a platform's name ("Zoom") and any other
    location the normaliser could not split into a city and country (a venue) are shown
    in the partner's own words.
    """
    where = ", ".join(part for part in (item.city, item.country) if part)
    if where:
        return f"{where} and online" if item.online else where
    if item.location and (parse_location(item.location) != (None, None, True)
                          or _PLATFORM.search(item.location)):
        return item.location
    return "Online" if item.online or item.location else ""


def _fill(template: str, field: str, **values: str) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"newsletter setting {field!r}: {exc} "
                          "(only {period} is known)") from exc


def build_edition(db_url: str, quarter: Quarter | str, registry: Registry,
                  config: NewsletterConfig, *, created_by: str, note: str | None = None,
                  built_at: datetime | None = None) -> revision_store.StoredRevision:
    """Build ``quarter`` from the staging database and store it as a new draft revision.

    Editors' standing decisions are applied on top (``newsdesk.review.edits``).
    """
    # Imported here: review.edits sits on top of the edition package (it applies the
    # editors' decisions to what is built here), so a module-level import would be a cycle.
    from newsdesk.review.edits import store_build

    quarter = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    require_migrated(db_url)
    low, high, horizon = candidate_window(quarter, config.zone,
                                          config.upcoming_horizon_months)
    with session_scope(db_url) as session:
        # Everything announced around the quarter (also events announced for later, or
        # held before: the left-out list), and the events running from the quarter to
        # the horizon.
        rows = list(session.scalars(select(ItemRow).where(or_(
            and_(ItemRow.published_at >= low, ItemRow.published_at < high),
            and_(ItemRow.kind == "event", ItemRow.starts_at < horizon,
                 or_(ItemRow.recurrence.is_not(None),
                     func.coalesce(ItemRow.ends_at, ItemRow.starts_at) >= low))))))
        cluster_ids = {row.cluster_id for row in rows if row.cluster_id is not None}
        representatives = dict(session.execute(
            select(ClusterRow.id, ClusterRow.representative_item_id)
            .where(ClusterRow.id.in_(cluster_ids))).tuples().all()) if cluster_ids else {}
        snapshot = build_snapshot(rows, representatives, registry, config, quarter,
                                  built_at or utcnow())
        row = store_build(session, snapshot, created_by=created_by, note=note)
        return revision_store.to_record(row)
