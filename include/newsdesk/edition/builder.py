"""Building an edition: select the quarter's items, word them, and store a revision.

:func:`build_snapshot` is pure (rows in, snapshot out) so tests and the benchmark call it
without a database; :func:`build_edition` is the I/O edge used by the CLI and the DAG.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from newsdesk.edition.config import NewsletterConfig
from newsdesk.edition.phrases import date_phrase
from newsdesk.edition.quarter import Quarter
from newsdesk.edition.select import candidate_window, select_items, timing_of
from newsdesk.edition.snapshot import (
    ContactEntry,
    EditionSnapshot,
    SnapshotItem,
    SnapshotSection,
    text_direction,
)
from newsdesk.edition.trim import trim_summary
from newsdesk.errors import ConfigError, EditionError
from newsdesk.registry import Partner, Registry
from newsdesk.store import revisions as revision_store  # a module: imported first, no cycle
from newsdesk.store.database import require_migrated, session_scope
from newsdesk.store.models import ClusterRow, ItemRow, utcnow


def build_snapshot(items: Iterable[ItemRow], representatives: Mapping[int, int],
                   registry: Registry, config: NewsletterConfig, quarter: Quarter,
                   built_at: datetime) -> EditionSnapshot:
    """The edition of ``quarter`` from candidate rows; raise :class:`EditionError` if empty."""
    zone = config.zone
    selection = select_items(items, representatives, quarter, zone)
    if not selection.current and not selection.upcoming:
        raise EditionError(f"edition {quarter.key}: no news or events in the staging database "
                           f"for {quarter.period_label} or the quarter after it")
    partners = {p.id: p for p in registry.partners}

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
        period = quarter.next().period_label
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
        web_url=f"{config.archive_url}{quarter.key}/", archive_url=config.archive_url)


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
    return SnapshotItem(
        item_id=item.id, partner_id=partner.id, partner_short=partner.short, kind=item.kind,
        title=title, url=url,
        date_phrase=date_phrase(timing_of(item), config.zone, upcoming=upcoming, where=where),
        place=place_phrase(item) if item.kind == "event" else "", summary=trimmed.text,
        summary_cut=trimmed.cut,
        read_more=config.read_more.format(title=title) if url else "",
        language=language, direction=text_direction(language), also_reported_by=also)


def place_phrase(item: ItemRow) -> str:
    """Where an event happens: "Jakarta, Indonesia", "Jakarta, Indonesia and online".

    Without a city or country that could be told, the partner's own words are shown
    as they are: they already say "Online" (or "Zoom", or a venue) when that is all.
    """
    where = ", ".join(part for part in (item.city, item.country) if part)
    if where:
        return f"{where} and online" if item.online else where
    return item.location or ("Online" if item.online else "")


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
    low, high = candidate_window(quarter, config.zone)
    with session_scope(db_url) as session:
        rows = list(session.scalars(select(ItemRow).where(or_(
            and_(ItemRow.kind != "event", ItemRow.published_at >= low,
                 ItemRow.published_at < high),
            and_(ItemRow.kind == "event", ItemRow.starts_at < high,
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
