"""Selection: quarter edges, time zones, clusters, section order."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from tests.newsletter_factory import BUILT_AT, config, day_event, item, registry, utc

from newsdesk.edition.builder import build_snapshot
from newsdesk.edition.quarter import Quarter
from newsdesk.edition.select import belongs_to, one_per_cluster, select_items
from newsdesk.errors import EditionError
from newsdesk.parse.recurrence import MAX_OCCURRENCES

Q3, Q4 = Quarter(2020, 3), Quarter(2020, 4)
NY, SEOUL = ZoneInfo("America/New_York"), ZoneInfo("Asia/Seoul")


def test_event_across_the_quarter_edge_belongs_to_both() -> None:
    event = day_event(1, "eropa", "Edge", (2020, 9, 30), (2020, 10, 2))
    assert belongs_to(event, Q3, NY) and belongs_to(event, Q4, NY)
    assert not belongs_to(event, Quarter(2021, 1), NY)
    last_day = day_event(2, "eropa", "Last day", (2020, 12, 31))
    assert belongs_to(last_day, Q4, SEOUL) and not belongs_to(last_day, Quarter(2021, 1), SEOUL)


def test_timed_event_on_new_years_eve_follows_the_newsletter_zone() -> None:
    late = item(1, "eropa", "event", "Late", starts_at=utc(2020, 12, 31, 23, 30))
    assert belongs_to(late, Q4, NY)  # 18:30 on 31 December in New York
    assert not belongs_to(late, Quarter(2021, 1), NY)
    assert belongs_to(late, Quarter(2021, 1), SEOUL)  # 08:30 on 1 January in Seoul
    assert not belongs_to(late, Q4, SEOUL)
    early = item(2, "eropa", "event", "Early", starts_at=utc(2021, 1, 1, 2))
    assert belongs_to(early, Q4, NY)  # 21:00 on 31 December in New York
    news = item(3, "eropa", "news", "News", published_at=utc(2021, 1, 1, 2))
    assert belongs_to(news, Q4, NY) and belongs_to(news, Quarter(2021, 1), ZoneInfo("UTC"))


def test_event_ending_exactly_at_the_quarter_start_is_not_in_it() -> None:
    ending = item(1, "eropa", "event", "Night", starts_at=utc(2020, 9, 30, 20),
                  ends_at=utc(2020, 10, 1, 4))  # 16:00 to 00:00 in New York
    assert belongs_to(ending, Q3, NY) and not belongs_to(ending, Q4, NY)


def test_weekly_series_belongs_to_each_quarter_it_runs_in() -> None:
    series = item(1, "aapa", "event", "Monday clinic", starts_at=utc(2020, 9, 7, 14),
                  recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20201012T235959Z")
    assert belongs_to(series, Q3, NY) and belongs_to(series, Q4, NY)
    assert not belongs_to(series, Quarter(2021, 1), NY)


def test_a_huge_series_is_placed_in_quarters_from_a_bounded_expansion(
        occurrences_examined: Callable[[], int]) -> None:
    huge = item(1, "aapa", "event", "Every minute", starts_at=utc(2024, 9, 2, 13),
                recurrence="FREQ=MINUTELY;COUNT=3000000")

    assert belongs_to(huge, Quarter(2024, 3), NY)
    assert not belongs_to(huge, Quarter(2025, 2), NY)  # beyond the cap: not known to run
    assert 0 < occurrences_examined() <= 2 * MAX_OCCURRENCES


def test_news_belongs_to_the_quarter_of_the_partners_local_date() -> None:
    # 09:00 on 1 October in Manila is 21:00 on 30 September in New York.
    bulletin = item(1, "eropa", "news", "Bulletin", published_at=utc(2020, 10, 1, 1))
    assert belongs_to(bulletin, Q4, NY, home_tz="Asia/Manila")
    assert not belongs_to(bulletin, Q3, NY, home_tz="Asia/Manila")
    assert belongs_to(bulletin, Q3, NY)  # a partner without a zone: the newsletter's


def test_upcoming_takes_events_announced_in_the_quarter_within_the_horizon() -> None:
    nispacee = day_event(1, "nispacee", "29th NISPAcee Annual Conference", (2021, 5, 20),
                         (2021, 5, 22), published_at=utc(2020, 11, 16))
    far = day_event(2, "nispacee", "30th NISPAcee Annual Conference", (2022, 6, 1),
                    published_at=utc(2020, 11, 16))
    quiet = day_event(3, "eropa", "Announced earlier", (2021, 5, 3),
                      published_at=utc(2020, 9, 1))
    past = day_event(4, "eropa", "A report on a past event", (2020, 9, 14),
                     published_at=utc(2020, 10, 2))
    selection = select_items([nispacee, far, quiet, past], {}, Q4, NY, horizon_months=6)
    assert [i.id for i in selection.upcoming] == [1]
    assert [(entry.item.id, entry.reason) for entry in selection.left_out] == [
        (4, "held before the quarter (from 14 September 2020)"),
        (3, "starts on 3 May 2021, after the next quarter, and was not announced in this one"),
        (2, "starts on 1 June 2022, beyond the 6-month horizon for upcoming events"),
    ]
    shorter = select_items([nispacee], {}, Q4, NY, horizon_months=3)
    assert shorter.upcoming == [] and len(shorter.left_out) == 1


def test_undated_news_is_left_out() -> None:
    assert not belongs_to(item(1, "eropa", "news", "Undated"), Q4, NY)


def test_one_item_per_cluster_by_representative() -> None:
    a = day_event(5, "aapa", "A", (2020, 11, 2), cluster_id=5)
    b = day_event(6, "eropa", "B", (2020, 11, 2), cluster_id=5)
    c = day_event(7, "eropa", "C", (2020, 11, 3))
    assert [i.id for i in one_per_cluster([a, b, c], {5: 6})] == [6, 7]
    # The representative is outside the selection: the smallest selected id stands in.
    assert [i.id for i in one_per_cluster([a, c], {5: 6})] == [5, 7]
    selection = select_items([a, b, c], {5: 6}, Q4, NY)
    assert [i.id for i in selection.current] == [6, 7]
    assert selection.also_reported_by == {6: ["aapa"]}


def test_upcoming_is_next_quarter_events_not_already_shown() -> None:
    edge = day_event(1, "eropa", "Edge", (2020, 12, 30), (2021, 1, 2))
    nxt = day_event(2, "aapa", "Next", (2021, 2, 1))
    later = day_event(3, "aapa", "Later", (2021, 5, 1))
    news = item(4, "aapa", "news", "Next news", published_at=utc(2021, 1, 10))
    selection = select_items([edge, nxt, later, news], {}, Q4, NY)
    assert [i.id for i in selection.current] == [1]
    assert [i.id for i in selection.upcoming] == [2]


def test_sections_division_first_then_configured_order_then_alphabetical() -> None:
    items = [
        item(1, "clad", "news", "c", published_at=utc(2020, 10, 5)),
        item(2, "aapa", "news", "a", published_at=utc(2020, 10, 5)),
        item(3, "respa", "news", "r", published_at=utc(2020, 10, 5)),
        item(4, "icap", "news", "i", published_at=utc(2020, 10, 5)),
        item(5, "undesa", "news", "u", published_at=utc(2020, 12, 5)),
        day_event(6, "nispacee", "n", (2021, 1, 20)),
    ]
    snapshot = build_snapshot(items, {}, registry(), config(partner_order=["icap", "respa"]),
                              Q4, BUILT_AT)
    assert [s.key for s in snapshot.sections] == [
        "undesa", "icap", "respa", "aapa", "clad", "upcoming"]
    assert snapshot.sections[0].role == "division"
    assert snapshot.sections[-1].items[0].date_phrase == "to be held on 20 January 2021"


def test_item_of_unknown_partner_and_empty_edition_are_errors() -> None:
    with pytest.raises(EditionError, match="partner 'ghost' is not in the source registry"):
        build_snapshot([item(1, "ghost", "news", "x", published_at=utc(2020, 10, 5))], {},
                       registry(), config(), Q4, BUILT_AT)
    with pytest.raises(EditionError, match="edition 2020Q4: no news or events"):
        build_snapshot([], {}, registry(), config(), Q4, BUILT_AT)


def test_item_wording_language_and_direction() -> None:
    items = [item(1, "icap", "news", "  Noticia   ICAP ", published_at=utc(2020, 10, 5)),
             item(2, "eropa", "news", "خبر", language="ar", published_at=utc(2020, 10, 5)),
             item(3, "eropa", "news", "No link", url=None, published_at=utc(2020, 10, 6))]
    items[2].canonical_url = None
    snapshot = build_snapshot(items, {}, registry(), config(read_more="Read more: {title}"),
                              Q4, BUILT_AT)
    by_id = {i.item_id: i for s in snapshot.sections for i in s.items}
    assert (by_id[1].title, by_id[1].language, by_id[1].direction) == ("Noticia ICAP", "es", "ltr")
    assert by_id[1].read_more == "Read more: Noticia ICAP"
    assert (by_id[2].language, by_id[2].direction) == ("ar", "rtl")
    assert by_id[3].url is None and by_id[3].read_more == ""
