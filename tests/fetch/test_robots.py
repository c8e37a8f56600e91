"""robots.txt: parsed rules, status policy, and the Fetcher obeying them over loopback."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from newsdesk.errors import RobotsDisallowedError
from newsdesk.fetch import Fetcher
from newsdesk.fetch.robots import origin_key, robots_url, rules_from_answer
from newsdesk.registry import FetchSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import PartnerSite

    MakeFetcher = Callable[..., Fetcher]

UA = "newsdesk/0.1 (+mailto:unpan@example.org)"


def test_robots_url_keeps_scheme_host_and_port() -> None:
    assert robots_url("https://eropa.example:8443/news/feed.xml?page=2#top") == (
        "https://eropa.example:8443/robots.txt"
    )
    assert origin_key("https://EROPA.example/a") == origin_key("https://eropa.example/b")
    assert origin_key("http://eropa.example/a") != origin_key("https://eropa.example/a")


def test_rules_from_a_robots_file() -> None:
    rules = rules_from_answer(
        "https://eropa.example/robots.txt",
        200,
        b"User-agent: *\nDisallow: /private/\n\nUser-agent: newsdesk\nDisallow: /drafts/\n",
    )
    assert rules.allows("https://eropa.example/news/feed.xml", UA)
    assert not rules.allows("https://eropa.example/drafts/a", UA)  # our own group applies
    assert rules.allows("https://eropa.example/private/a", UA)  # ...instead of the * group
    assert not rules.allows("https://eropa.example/private/a", "otherbot")


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (404, True),
        (410, True),
        (400, True),
        (401, False),
        (403, False),
        (429, False),
        (500, False),
        (503, False),
    ],
)
def test_status_policy(status: int, allowed: bool) -> None:
    rules = rules_from_answer("https://eropa.example/robots.txt", status, b"")
    assert rules.allows("https://eropa.example/news/feed.xml", UA) is allowed
    assert f"HTTP {status}" in rules.reason


def test_disallowed_url_is_refused_and_never_requested(
    site: PartnerSite, make_fetcher: MakeFetcher, loopback_settings: FetchSettings
) -> None:
    url = site.url("/private/feed.xml")
    with make_fetcher() as fetcher:
        with pytest.raises(RobotsDisallowedError) as info:
            fetcher.fetch(url)
        assert not fetcher.robots_allowed(url)
        assert fetcher.robots_allowed(site.url("/feed.xml"))
    assert url in str(info.value)
    assert loopback_settings.user_agent in str(info.value)
    assert site.paths() == ["/robots.txt"]


def test_group_for_our_user_agent_applies(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with (
        make_fetcher(user_agent="blocked-bot/2.0") as fetcher,
        pytest.raises(RobotsDisallowedError, match=r"'blocked-bot/2.0'"),
    ):
        fetcher.fetch(site.url("/feed.xml"))


def test_robots_is_fetched_once_per_origin(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with make_fetcher() as fetcher:
        fetcher.fetch(site.url("/feed.xml"))
        fetcher.fetch(site.url("/latin1"))
        fetcher.robots_allowed(site.url("/anything"))
    assert site.count("/robots.txt") == 1


def test_concurrent_first_requests_share_one_robots_download(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    answers: list[bool] = []
    with make_fetcher() as fetcher:
        threads = [
            threading.Thread(target=lambda: answers.append(fetcher.robots_allowed(site.url("/x"))))
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert answers == [True] * 8
    assert site.count("/robots.txt") == 1


@pytest.mark.parametrize("status", [404, 410])
def test_missing_robots_allows_everything(
    site: PartnerSite, make_fetcher: MakeFetcher, status: int
) -> None:
    site.robots = (status, b"gone")
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(site.url("/private/feed.xml"))
    assert doc.body == site.feed


@pytest.mark.parametrize("status", [401, 403])
def test_forbidden_robots_disallows_everything(
    site: PartnerSite, make_fetcher: MakeFetcher, status: int
) -> None:
    site.robots = (status, b"no")
    with (
        make_fetcher() as fetcher,
        pytest.raises(RobotsDisallowedError, match=f"HTTP {status}: crawling refused"),
    ):
        fetcher.fetch(site.url("/feed.xml"))
    assert site.paths() == ["/robots.txt"]


def test_failing_robots_disallows_for_the_run(
    site: PartnerSite, make_fetcher: MakeFetcher, sleeps: list[float]
) -> None:
    site.robots = (500, b"oops")
    with make_fetcher() as fetcher:
        with pytest.raises(RobotsDisallowedError, match="could not be read"):
            fetcher.fetch(site.url("/feed.xml"))
        assert not fetcher.robots_allowed(site.url("/latin1"))  # cached: no second try
    assert site.paths() == ["/robots.txt"] * 3  # retried like any fetch, then given up
    assert len(sleeps) == 2


def test_oversized_robots_disallows(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    site.robots = (200, b"User-agent: *\nAllow: /\n" + b"#" * 200_000)
    with (
        make_fetcher() as fetcher,
        pytest.raises(RobotsDisallowedError, match="limit of 100000 bytes"),
    ):
        fetcher.fetch(site.url("/feed.xml"))
