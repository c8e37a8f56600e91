"""The engine's rules on named pairs: exact, events, news, cannot-link, representative."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from newsdesk.dedupe import DedupeRecord, Thresholds, choose_representative, cluster_records

SEEN = datetime(2024, 9, 1, tzinfo=UTC)
PARTNERS = {"aapa": ("AAPA", "Asian Association for Public Administration"),
            "eropa": ("EROPA",), "nispacee": ("NISPAcee",), "ipac": ("IPAC",),
            "undesa": ("UN DESA", "DPIDG")}


def at(month: int, d: int, hour: int = 0, year: int = 2024) -> datetime:
    return datetime(year, month, d, hour, tzinfo=UTC)


def event(item_id: int, partner: str, title: str, start: datetime, **fields: Any
          ) -> DedupeRecord:
    """An all-day, one-day event unless ``fields`` say otherwise."""
    values: dict[str, Any] = {"all_day": True, "ends_at": start, "first_seen": SEEN,
                              "content_hash": f"hash-{item_id}"}
    values.update(fields)
    return DedupeRecord(id=item_id, partner_id=partner, kind="event", title=title,
                        starts_at=start, **values)


def news(item_id: int, partner: str, title: str, summary: str, published: datetime,
         **fields: Any) -> DedupeRecord:
    values: dict[str, Any] = {"kind": "news", "first_seen": published + timedelta(hours=2),
                              "content_hash": f"hash-{item_id}", "has_url": True}
    values.update(fields)
    return DedupeRecord(id=item_id, partner_id=partner, title=title, summary_text=summary,
                        published_at=published, **values)


def groups(records: list[DedupeRecord], **options: Any) -> list[tuple[int, ...]]:
    return [c.members for c in cluster_records(records, partners=PARTNERS, **options)]


# -- exact ------------------------------------------------------------------------------

def test_same_canonical_url_across_partners_and_kinds_is_one_cluster() -> None:
    url = "https://eropa.example.org/news/bulletin-42"
    a = news(1, "eropa", "EROPA Bulletin 42 is out", "", at(3, 1), canonical_url=url)
    b = news(2, "aapa", "Read the new bulletin of our sister network", "Text.", at(5, 1),
             canonical_url=url, kind="publication")
    assert groups([a, b]) == [(1, 2)]


def test_same_content_hash_across_partners_is_one_cluster() -> None:
    a = news(1, "eropa", "Call for papers", "Submit by May.", at(3, 1), content_hash="same")
    b = news(2, "ipac", "Appel à communications", "Soumettre.", at(3, 2), content_hash="same")
    assert groups([a, b]) == [(1, 2)]


def test_same_content_hash_does_not_join_a_recurring_event_or_two_cities() -> None:
    monthly = [event(n, "eropa", "Board meeting", at(n, 5), content_hash="board")
               for n in (1, 2, 3)]
    assert groups(monthly) == [(1,), (2,), (3,)]
    twins = [event(1, "eropa", "Training day", at(6, 5), city="Manila", content_hash="t"),
             event(2, "eropa", "Training day", at(6, 5), city="Bangkok", content_hash="t")]
    assert groups(twins) == [(1,), (2,)]
    yearly = [news(1, "ipac", "Annual report", "", at(3, 1), content_hash="r"),
              news(2, "ipac", "Annual report", "", at(3, 1, year=2025), content_hash="r")]
    assert groups(yearly) == [(1,), (2,)]


# -- events -----------------------------------------------------------------------------

def test_the_jakarta_conference_announced_by_aapa_and_eropa_is_one_cluster() -> None:
    aapa = event(1, "aapa", "AAPA Annual Conference 2024: Public Administration for the SDGs",
                 at(11, 13), ends_at=at(11, 15), city="Jakarta", country="Indonesia",
                 organizer="Asian Association for Public Administration")
    eropa = event(2, "eropa", "EROPA–AAPA Joint Conference 2024, Jakarta",
                  at(11, 13, 2), ends_at=at(11, 15, 10), all_day=False,
                  event_tz="Asia/Jakarta", city="Jakarta")
    clusters = cluster_records([aapa, eropa], partners=PARTNERS)
    assert [(c.members, c.representative_id) for c in clusters] == [((1, 2), 1)]


def test_different_titles_same_days_same_city_by_one_partner_stay_apart() -> None:
    a = event(1, "aapa", "AAPA Annual Conference 2024", at(11, 13), city="Jakarta")
    b = event(2, "aapa", "AAPA Executive Board Meeting 2024", at(11, 13), city="Jakarta")
    assert groups([a, b]) == [(1,), (2,)]


def test_generic_words_and_partner_names_do_not_make_titles_alike() -> None:
    a = event(1, "undesa", "DPIDG Seminar on platforms and municipal", at(2, 3),
              online=True)
    b = event(2, "undesa", "DPIDG Seminar on platforms and oceans", at(2, 3), online=True)
    assert groups([a, b]) == [(1,), (2,)]
    same = event(3, "eropa", "EROPA: NISPAcee Annual Conference 2024", at(5, 23))
    own = event(4, "nispacee", "NISPAcee Annual Conference 2024", at(5, 23), city="Tbilisi")
    assert groups([same, own]) == [(3, 4)]


def test_two_partners_same_days_same_city_need_less_title_agreement() -> None:
    a = event(1, "ipac", "Leadership Lab on Procurement Integrity", at(3, 4), city="Ottawa")
    b = event(2, "undesa", "Procurement Integrity Roundtable", at(3, 4), city="Ottawa")
    elsewhere = event(3, "eropa", "Procurement Integrity Roundtable", at(3, 4), city="Manila")
    assert groups([a, b, elsewhere]) == [(1, 2), (3,)]


def test_look_alike_titles_on_other_dates_stay_apart() -> None:
    may = event(1, "nispacee", "NISPAcee Annual Conference 2024", at(5, 23), city="Tbilisi")
    webinar = event(2, "eropa", "NISPAcee Annual Conference webinar", at(9, 10), online=True)
    rerun = event(3, "nispacee", "NISPAcee Annual Conference 2024", at(5, 30), city="Tbilisi")
    next_year = event(4, "nispacee", "NISPAcee Annual Conference 2025", at(5, 22, year=2025))
    assert groups([may, webinar, rerun, next_year]) == [(1,), (2,), (3,), (4,)]


def test_other_edition_on_a_close_date_stays_apart() -> None:
    a = event(1, "nispacee", "29th NISPAcee Annual Conference", at(5, 20))
    b = event(2, "ipac", "30th NISPAcee Annual Conference", at(5, 21))
    assert groups([a, b]) == [(1,), (2,)]


def test_same_title_same_day_in_two_cities_or_online_stays_apart() -> None:
    bucharest = event(1, "nispacee", "Workshop on Digital Government", at(6, 8),
                      city="Bucharest", country="Romania")
    tbilisi = event(2, "nispacee", "Workshop on Digital Government", at(6, 8),
                    city="Tbilisi", country="Georgia")
    online = event(3, "undesa", "Workshop on Digital Government", at(6, 8), online=True)
    assert groups([bucharest, tbilisi, online]) == [(1,), (2,), (3,)]


def test_an_unplaced_announcement_cannot_bridge_two_cities() -> None:
    bucharest = event(1, "nispacee", "Workshop on Digital Government", at(6, 8),
                      city="Bucharest")
    tbilisi = event(3, "nispacee", "Workshop on Digital Government", at(6, 8), city="Tbilisi")
    unplaced = event(2, "eropa", "EROPA: Workshop on Digital Government", at(6, 8))
    clustered = groups([bucharest, unplaced, tbilisi])
    assert (1, 2) in clustered and (3,) in clustered


def test_timed_and_all_day_across_time_zones_match_within_a_day() -> None:
    all_day = event(1, "ipac", "Public Service Week Forum on Digital Trust", at(6, 19))
    toronto = event(2, "undesa", "Forum on Digital Trust - Public Service Week",
                    at(6, 19, 13), all_day=False, event_tz="America/Toronto",
                    ends_at=at(6, 19, 21))
    next_morning_utc = event(3, "eropa", "Public Service Week: Forum on Digital Trust",
                             at(6, 20, 1), all_day=False, ends_at=at(6, 20, 9))
    two_days_later = event(4, "aapa", "Public Service Week Forum on Digital Trust", at(6, 21))
    assert groups([all_day, toronto, next_morning_utc, two_days_later]) == [(1, 2, 3), (4,)]


def test_a_subset_title_on_the_same_day_is_not_the_same_event() -> None:
    short = event(1, "aapa", "Annual Conference", at(11, 13))
    long = event(2, "eropa", "Annual Conference on Digital Government and AI Ethics in Asia",
                 at(11, 13))
    assert groups([short, long]) == [(1,), (2,)]


def test_unknown_place_does_not_veto_but_known_countries_do() -> None:
    placed = event(1, "ipac", "Atelier régional sur l'éthique publique", at(4, 2),
                   city="Rabat", country="Morocco")
    unknown = event(2, "undesa", "Atelier Régional sur l’Éthique Publique", at(4, 2))
    elsewhere = event(3, "eropa", "Atelier régional sur l'éthique publique", at(4, 2),
                      country="Senegal")
    assert groups([placed, unknown, elsewhere]) == [(1, 2), (3,)]


# -- news and publications --------------------------------------------------------------

SUMMARY = ("The network launched its new report on open government data. It reviews "
           "practice in twelve countries and recommends steps for ministries and agencies.")


def test_reposted_news_with_label_and_edits_is_one_cluster() -> None:
    original = news(1, "eropa", "EROPA launches report on open government data", SUMMARY,
                    at(3, 1))
    repost = news(2, "aapa", "[AAPA] Report on open government data: EROPA launches",
                  SUMMARY.replace("twelve", "12").replace("ministries", "ministries, "),
                  at(3, 9))
    late = news(3, "ipac", "EROPA launches report on open government data", SUMMARY,
                at(4, 20))
    assert groups([original, repost, late]) == [(1, 2), (3,)]


def test_same_news_title_with_another_story_stays_apart() -> None:
    a = news(1, "ipac", "IPAC newsletter", SUMMARY, at(3, 1))
    b = news(2, "ipac", "IPAC newsletter",
             "Awards for municipal innovation were presented at the spring meeting in Ottawa.",
             at(3, 8))
    assert groups([a, b]) == [(1,), (2,)]


def test_news_without_summaries_needs_a_near_identical_title() -> None:
    a = news(1, "undesa", "E-Government Survey 2024 released", "", at(9, 17))
    b = news(2, "eropa", "Regional E-Government Survey 2024 released", "", at(9, 18))
    c = news(3, "aapa", "released: e-government survey 2024", "", at(9, 19))
    assert groups([a, b, c]) == [(1, 3), (2,)]


def test_events_and_news_are_not_compared_by_title() -> None:
    a = event(1, "eropa", "Forum on Digital Trust", at(6, 19))
    b = news(2, "eropa", "Forum on Digital Trust", "", at(6, 19))
    assert groups([a, b]) == [(1,), (2,)]


# -- cannot-link ------------------------------------------------------------------------

def test_editor_split_is_honoured_even_transitively() -> None:
    a = event(1, "aapa", "Public Service Forum on Digital Trust", at(6, 19))
    b = event(2, "eropa", "EROPA: Public Service Forum on Digital Trust", at(6, 19))
    c = event(3, "ipac", "Public Service Forum on Digital Trust!", at(6, 20))
    assert groups([a, b, c]) == [(1, 2, 3)]
    split = groups([a, b, c], cannot_link=[(1, 3)])
    assert (3,) in split or (1,) in split
    assert not any({1, 3} <= set(members) for members in split)
    assert groups([a, b, c], cannot_link=[(1, 2), (2, 3), (1, 3)]) == [(1,), (2,), (3,)]


def test_split_naming_an_unknown_item_is_ignored() -> None:
    a = news(1, "eropa", "Bulletin", "Same text.", at(1, 1), content_hash="x")
    b = news(2, "aapa", "Bulletin", "Same text.", at(1, 1), content_hash="x")
    assert groups([a, b], cannot_link=[(1, 99)]) == [(1, 2)]


def test_a_url_match_outranks_a_split_only_where_the_editor_did_not_split() -> None:
    url = "https://aapa.example.org/conference"
    a = news(1, "aapa", "AAPA conference", "", at(1, 1), canonical_url=url)
    b = news(2, "eropa", "AAPA conference page", "", at(1, 1), canonical_url=url)
    assert groups([a, b], cannot_link=[(2, 1)]) == [(1,), (2,)]


# -- representative and output --------------------------------------------------------

def test_representative_prefers_the_organisers_own_announcement() -> None:
    rich_repost = event(1, "eropa", "Conference on Digital Trust", at(6, 19),
                        summary_text="A long summary " * 20, has_url=True, location="Ottawa",
                        first_seen=SEEN - timedelta(days=9))
    by_title = event(2, "ipac", "IPAC Conference on Digital Trust", at(6, 19))
    by_organizer = event(3, "undesa", "Conference on Digital Trust", at(6, 19),
                         organizer="UN DESA / DPIDG")
    assert choose_representative([rich_repost, by_title, by_organizer], PARTNERS) == 2
    assert choose_representative([rich_repost, by_organizer], PARTNERS) == 3


def test_representative_then_richest_then_earliest_then_lowest_id() -> None:
    bare = event(1, "eropa", "Conference", at(6, 19))
    with_url = event(2, "aapa", "Conference", at(6, 19), has_url=True)
    with_more = event(3, "nispacee", "Conference", at(6, 19), has_url=True, location="Online",
                      summary_text="short")
    longer = event(4, "ipac", "Conference", at(6, 19), has_url=True, location="Online",
                   summary_text="a longer summary")
    assert choose_representative([bare, with_url], PARTNERS) == 2
    assert choose_representative([bare, with_url, with_more, longer], PARTNERS) == 4
    early = event(5, "eropa", "Conference", at(6, 19), first_seen=SEEN - timedelta(days=1))
    assert choose_representative([bare, early], PARTNERS) == 5
    twin = event(6, "eropa", "Conference", at(6, 19))
    assert choose_representative([twin, bare], PARTNERS) == 1


def test_clusters_are_ordered_deterministic_and_independent_of_input_order() -> None:
    records = [
        event(7, "aapa", "Forum on Digital Trust", at(6, 19)),
        event(3, "eropa", "EROPA: Forum on Digital Trust", at(6, 19)),
        news(5, "ipac", "Bulletin", "Text.", at(1, 1), content_hash="b"),
        news(4, "eropa", "Bulletin", "Text.", at(1, 2), content_hash="b"),
    ]
    forward = cluster_records(records, partners=PARTNERS)
    backward = cluster_records(list(reversed(records)), partners=PARTNERS)
    assert forward == backward
    assert [(c.id, c.members) for c in forward] == [(3, (3, 7)), (4, (4, 5))]


def test_thresholds_are_one_frozen_object_callers_can_tighten() -> None:
    a = event(1, "aapa", "Forum on Digital Trust and Ethics", at(6, 19))
    b = event(2, "eropa", "Forum on Digital Trust", at(6, 19))
    assert groups([a, b]) == [(1, 2)]
    assert groups([a, b], thresholds=Thresholds(event_title_min=0.8)) == [(1,), (2,)]


def test_hybrid_event_matches_the_in_person_listing_in_its_city() -> None:
    """schema.org MixedEventAttendanceMode is stored as online with a place: hybrid, its
    own mode, which agrees with in person (same city) and with online, never vetoes."""
    hybrid = event(1, "aapa", "Regional Forum on Digital Public Services", at(5, 6),
                   city="Tangier", country="Morocco", online=True)
    in_person = event(2, "eropa", "Regional Forum on Digital Public Services", at(5, 6),
                      city="Tangier", country="Morocco", online=False)
    stream = event(3, "ipac", "Regional Forum on Digital Public Services", at(5, 6),
                   online=True)
    assert groups([hybrid, in_person, stream]) == [(1, 2), (3,)]
    assert groups([hybrid, stream]) == [(1, 3)]
    assert groups([hybrid, in_person]) == [(1, 2)]
    elsewhere = event(4, "eropa", "Regional Forum on Digital Public Services", at(5, 6),
                      city="Rabat", country="Morocco", online=False)
    assert groups([hybrid, elsewhere]) == [(1,), (4,)]


def test_online_only_and_in_person_stay_apart_even_through_a_hybrid_listing() -> None:
    online = event(1, "ipac", "Workshop on Open Data Portals", at(6, 8), online=True)
    in_person = event(2, "eropa", "Workshop on Open Data Portals", at(6, 8), city="Manila",
                      country="Philippines", online=False)
    hybrid = event(3, "aapa", "Workshop on Open Data Portals", at(6, 8), city="Manila",
                   country="Philippines", online=True)
    clusters = groups([online, in_person, hybrid])
    assert not any({1, 2} <= set(c) for c in clusters)


def test_acronym_and_full_partner_name_titles_match() -> None:
    full = event(1, "eropa", "Asian Association for Public Administration Conference 2024",
                 at(11, 13), city="Jakarta")
    short = event(2, "undesa", "AAPA Conference 2024", at(11, 13), city="Jakarta")
    assert groups([full, short]) == [(1, 2)]
