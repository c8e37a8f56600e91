"""Test data for the newsletter: partners, items and clusters like seed 001 (2020Q4).

Rows are built directly (no ingestion), so edition, render and publish tests depend on
nothing but the staging schema. Import as ``tests.newsletter_factory``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from newsdesk.edition.builder import build_snapshot
from newsdesk.edition.config import NewsletterConfig
from newsdesk.edition.quarter import Quarter
from newsdesk.edition.snapshot import EditionSnapshot
from newsdesk.registry import Registry, parse_registry
from newsdesk.store.database import session_scope
from newsdesk.store.models import ClusterRow, ItemRow

BUILT_AT = datetime(2021, 1, 8, 14, 0, tzinfo=UTC)


def registry() -> Registry:
    def partner(pid: str, name: str, short: str, **extra: Any) -> dict[str, Any]:
        return {"id": pid, "name": name, "short": short, "home": f"https://{pid}.example.org/",
                "sources": [{"kind": "feed", "url": f"https://{pid}.example.org/feed"}], **extra}

    return parse_registry({"partners": [
        partner("respa", "Regional School of Public Administration", "ReSPA"),
        partner("eropa", "Eastern Regional Organization for Public Administration", "EROPA"),
        partner("undesa", "UN DESA Division for Public Institutions and Digital Government",
                "UN DESA/DPIDG", division=True),
        partner("icap", "Instituto Centroamericano de Administración Pública", "ICAP",
                language="es"),
        partner("nispacee", "Network of Institutes and Schools of Public Administration in "
                "Central and Eastern Europe", "NISPAcee"),
        partner("aapa", "Asian Association for Public Administration", "AAPA"),
        partner("clad", "Latin American Center for Development Administration", "CLAD"),
    ]})


def config(**overrides: Any) -> NewsletterConfig:
    values: dict[str, Any] = {
        "partner_order": ["icap", "eropa", "nispacee", "respa"],
        "contacts": [{"label": "Email the UNPAN team", "url": "mailto:unpan@un.org"},
                     {"label": "UNPAN website", "url": "https://publicadministration.un.org/"}],
        "intro": "News from UN DESA/DPIDG and UNPAN partner institutions.",
        **overrides,
    }
    return NewsletterConfig.model_validate(values)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def item(item_id: int, partner: str, kind: str, title: str, **fields: Any) -> ItemRow:
    """An ItemRow with the bookkeeping columns filled; ``fields`` set the rest."""
    url = fields.pop("url", f"https://{partner}.example.org/items/{item_id}")
    summary = fields.pop("summary", f"Summary of {title}.")
    key = hashlib.sha256(f"{partner}:{url}".encode()).hexdigest()
    return ItemRow(id=item_id, item_key=key, partner_id=partner, source_id=f"{partner}/feed",
                   kind=kind, title=title, url=url, canonical_url=url, summary_html="",
                   summary_text=summary, content_hash=hashlib.sha256(title.encode()).hexdigest(),
                   all_day=fields.pop("all_day", False), first_seen=BUILT_AT, last_seen=BUILT_AT,
                   **fields)


def day_event(item_id: int, partner: str, title: str, first: tuple[int, int, int],
              last: tuple[int, int, int] | None = None, **fields: Any) -> ItemRow:
    """An all-day event from ``first`` to ``last`` (inclusive dates)."""
    return item(item_id, partner, "event", title, starts_at=utc(*first),
                ends_at=utc(*(last or first)), all_day=True, **fields)


def seed_items() -> tuple[list[ItemRow], list[ClusterRow]]:
    """Seed 001's issue (October–December 2020) plus the next quarter's events."""
    items = [
        day_event(1, "undesa", "Capacity Development Webinar on “Accelerating Digital "
                  "Transformation for Sustainable and Resilient Recovery from COVID-19”",
                  (2020, 10, 13), online=True,
                  summary="It provided an interactive platform for sharing different country "
                  "experiences about effective digital government strategies for accelerating "
                  "digital transformation for a sustainable and resilient recovery from "
                  "COVID-19. Lessons learnt were shared from China, Estonia, Republic of Korea, "
                  "the United Kingdom, Singapore, and other countries."),
        day_event(2, "undesa", "Online Training Workshop on “Government Innovation for Social "
                  "Inclusion of Vulnerable Groups”", (2020, 11, 3), online=True,
                  recurrence="RDATE;VALUE=DATE:20201105",
                  summary="It aimed to develop capacities of government officials and other "
                  "stakeholders responsible for social inclusion of vulnerable groups."),
        day_event(3, "undesa", "Fifteenth Annual Meeting of the Internet Governance Forum (IGF)",
                  (2020, 11, 9), (2020, 11, 17), online=True,
                  summary="The Fifteenth Annual Meeting of the Internet Governance Forum (IGF) "
                  "was hosted online by the United Nations under the overarching theme "
                  "Internet for human resilience and solidarity."),
        item(4, "undesa", "news", "Under-Secretary-General for Economic and Social Affairs "
             "Mr. Liu Zhenmin launches 2021 United Nations Public Service Awards",
             published_at=utc(2020, 10, 20, 15),
             summary="Mr. Liu Zhenmin, Under-Secretary-General for Economic and Social Affairs "
             "launched the 2021 United Nations Public Service Awards. The Awards, supported by "
             "UN DESA in collaboration with UN Women, are an international recognition of "
             "excellence in public service. The Awards recognize the innovation, creative "
             "achievements and contributions of public sector institutions leading to more "
             "effective and responsive public administration worldwide. In launching the "
             "Awards, Mr. Liu stressed the importance of effective public service delivery."),
        item(5, "icap", "event", "XLVI ICAP graduation ceremony",
             starts_at=utc(2020, 10, 30, 22), ends_at=utc(2020, 10, 31, 0),
             event_tz="America/Costa_Rica", language="es", online=True,
             summary="Primera ceremonia virtual de graduación de los programas de posgrado "
             "de la región centroamericana."),
        day_event(6, "icap", "Taller virtual Prospectiva e innovación en la gestión territorial",
                  (2020, 11, 13), language="es", online=True,
                  summary="Modalidad 100% en línea. Duración total 6 horas. Facilitadores: "
                  "Alain Jordá, Alfredo Acosta Fonseca."),
        item(7, "eropa", "publication", "The EROPA Bulletin Volume 41",
             published_at=utc(2020, 10, 20, 3),
             summary="The Eastern Regional Organization for Public Administration (EROPA) "
             "released its Bulletin Volume 41 on 20 October."),
        item(8, "respa", "news", "ReSPA's 10th Anniversary", published_at=utc(2020, 11, 2, 9),
             summary="Over the last ten years, ReSPA has become the Public Administration "
             "Reform Partner proven across the Western Balkan governments."),
        item(9, "respa", "publication", "ReSPA Annual Report 2020",
             published_at=utc(2020, 12, 1, 9),
             summary="This report presents ReSPA's overall activities performed from October "
             "2019 until 15 October 2020."),
        # Next quarter: the upcoming events.
        day_event(10, "nispacee", "The 29th NISPAcee Annual Conference 2021",
                  (2021, 5, 20), (2021, 5, 22), city="Ljubljana", country="Slovenia"),
        day_event(11, "aapa", "AAPA–EROPA Joint Conference 2021", (2021, 2, 24), (2021, 2, 26),
                  city="Jakarta", country="Indonesia", cluster_id=11),
        day_event(12, "eropa", "EROPA–AAPA Joint Conference, Jakarta", (2021, 2, 24),
                  (2021, 2, 26), city="Jakarta", country="Indonesia", cluster_id=11),
        day_event(13, "clad", "XXVI Congreso Internacional del CLAD", (2021, 3, 23),
                  (2021, 3, 26), language="es", online=True),
        # Outside both quarters.
        item(14, "respa", "news", "Old news", published_at=utc(2020, 6, 1, 9)),
    ]
    clusters = [ClusterRow(id=11, representative_item_id=11, size=2, updated_at=BUILT_AT)]
    return items, clusters


def sample_snapshot(**config_overrides: Any) -> EditionSnapshot:
    items, clusters = seed_items()
    reps = {c.id: c.representative_item_id for c in clusters}
    return build_snapshot(items, reps, registry(), config(**config_overrides),
                          Quarter(2020, 4), BUILT_AT)


def insert(db_url: str, items: Iterable[ItemRow], clusters: Iterable[ClusterRow] = ()) -> None:
    with session_scope(db_url) as session:
        session.add_all(list(clusters))
        session.flush()
        session.add_all(list(items))
