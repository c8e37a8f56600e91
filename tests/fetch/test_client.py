"""The Fetcher against a real partner server on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import socket
import time
import tracemalloc
from typing import TYPE_CHECKING

import pytest

from newsdesk.errors import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
)
from newsdesk.fetch import Fetcher
from newsdesk.registry import FetchSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import PartnerSite

    MakeFetcher = Callable[..., Fetcher]


def test_feed_bytes_and_validators(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(site.url("/feed.xml"))
    assert doc.status_code == 200
    assert doc.body == site.feed
    assert doc.url == site.url("/feed.xml")
    assert doc.content_type == "application/rss+xml"
    assert doc.encoding == "utf-8"
    assert doc.etag == site.feed_etag
    assert doc.last_modified == site.feed_last_modified
    assert not doc.not_modified
    assert doc.elapsed_s > 0


def test_conditional_get_returns_not_modified(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(
            site.url("/feed.xml"), etag=site.feed_etag, last_modified=site.feed_last_modified
        )
    assert doc.not_modified
    assert doc.status_code == 304
    assert doc.body == b""
    assert doc.etag == site.feed_etag
    assert doc.last_modified == site.feed_last_modified  # kept although the 304 did not repeat it
    feed_hit = next(hit for hit in site.hits if hit.path == "/feed.xml")
    assert feed_hit.headers["if-none-match"] == site.feed_etag
    assert feed_hit.headers["if-modified-since"] == site.feed_last_modified


def test_user_agent_on_every_request_including_robots(
    site: PartnerSite, make_fetcher: MakeFetcher, loopback_settings: FetchSettings
) -> None:
    with make_fetcher() as fetcher:
        fetcher.fetch(site.url("/feed.xml"))
    assert site.paths() == ["/robots.txt", "/feed.xml"]
    assert {hit.headers["user-agent"] for hit in site.hits} == {loopback_settings.user_agent}


def test_charset_from_content_type_and_raw_body(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(site.url("/latin1"))
    assert doc.encoding == "iso-8859-1"
    assert doc.content_type == "text/html"
    assert doc.body == site.latin1_page  # undecoded: the parsers decode
    assert "Café" in doc.body.decode(doc.encoding)


def test_slow_answer_times_out(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with (
        make_fetcher(timeout_s=0.3) as fetcher,
        pytest.raises(FetchTimeoutError, match=r"/slow: no answer within timeout_s=0.3"),
    ):
        fetcher.fetch(site.url("/slow"))
    assert site.count("/slow") == 1  # a read timeout is not retried


def test_dripping_body_hits_the_whole_exchange_deadline(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    with (
        make_fetcher(timeout_s=0.2) as fetcher,
        pytest.raises(FetchTimeoutError, match=r"/drip: no complete answer within 1 s"),
    ):
        fetcher.fetch(site.url("/drip"))


def test_dripping_headers_hit_the_whole_exchange_deadline(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    """The server takes 4 s to finish its headers, never idle for the 0.2 s read timeout."""
    started = time.monotonic()
    with (
        make_fetcher(timeout_s=0.2) as fetcher,
        pytest.raises(FetchTimeoutError, match=r"/drip-headers: no complete answer within 1 s"),
    ):
        fetcher.fetch(site.url("/drip-headers"))
    assert time.monotonic() - started < 3  # robots.txt and the 1 s deadline, not 4 s


@pytest.mark.parametrize("codings", ["gzip", "deflate", "raw-deflate", "gzip,gzip"])
def test_compressed_body_is_decoded(
    codings: str, site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(site.url(f"/encoded/{codings}"))
    assert doc.body == site.feed
    assert site.hits[-1].headers["accept-encoding"] == "gzip, deflate"


def test_a_coding_we_did_not_ask_for_is_refused(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    with (
        make_fetcher() as fetcher,
        pytest.raises(FetchError, match=r"/encoded/br: Content-Encoding 'br' is not supported"),
    ):
        fetcher.fetch(site.url("/encoded/br"))


@pytest.mark.parametrize("codings", ["gzip", "deflate", "gzip,gzip"])
def test_compression_bomb_is_capped_on_decoded_bytes(
    codings: str, site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    """64 MiB of zeros in a few KB on the wire: the cap (100,000 bytes) must hold while
    inflating, so what is ever held in memory stays near the cap, not near 64 MiB."""
    with make_fetcher() as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(
                ResponseTooLargeError, match=rf"/bomb/{codings}: .*limit of 100000 bytes"
            ):
                fetcher.fetch(site.url(f"/bomb/{codings}"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


def test_endless_body_is_abandoned_at_the_cap(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with (
        make_fetcher() as fetcher,
        pytest.raises(ResponseTooLargeError, match=r"/endless: .*limit of 100000 bytes"),
    ):
        fetcher.fetch(site.url("/endless"))
    assert site.endless_done.wait(10), "the server should notice we hung up"
    # What the server managed to send is bounded by the cap plus socket buffers, far from
    # the 256 MiB it would have sent to a reader that kept going.
    assert site.endless_bytes_sent < 32 * 1024 * 1024


def test_declared_length_over_the_cap_is_refused_before_reading(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    with (
        make_fetcher() as fetcher,
        pytest.raises(
            ResponseTooLargeError,
            match=r"/declared-huge: Content-Length 10000000000 exceeds the limit of 100000",
        ),
    ):
        fetcher.fetch(site.url("/declared-huge"))


def test_redirect_chain_within_the_bound_is_followed(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(site.url("/redirect/3"))
    assert doc.url == site.url("/redirect/0")
    assert doc.body == site.feed
    assert site.paths() == [
        "/robots.txt",
        "/redirect/3",
        "/redirect/2",
        "/redirect/1",
        "/redirect/0",
    ]


def test_redirect_chain_past_the_bound_fails(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with (
        make_fetcher() as fetcher,
        pytest.raises(FetchError, match=r"/redirect/4: more than 3 redirects"),
    ):
        fetcher.fetch(site.url("/redirect/4"))
    assert site.count("/redirect/0") == 0


def test_redirect_loop_fails(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with (
        make_fetcher() as fetcher,
        pytest.raises(FetchError, match="more than 3 redirects"),
    ):
        fetcher.fetch(site.url("/loop"))
    assert site.count("/loop") == 4


def test_redirect_to_another_scheme_fails(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with (
        make_fetcher() as fetcher,
        pytest.raises(FetchError, match=r"ftp://127.0.0.1/feed.xml: only absolute http"),
    ):
        fetcher.fetch(site.url("/to-ftp"))


def test_redirect_to_an_invalid_url_fails(site: PartnerSite, make_fetcher: MakeFetcher) -> None:
    with (
        make_fetcher() as fetcher,
        pytest.raises(FetchError, match=r"/bad-location: .*Invalid URL in location header"),
    ):
        fetcher.fetch(site.url("/bad-location"))
    assert site.count("/bad-location") == 1  # not retried: a retry cannot mend it


@pytest.mark.parametrize("location", ["data:text/html,hi", "mailto:a@example.org",
                                      "javascript:alert(1)", "urn:isbn:0451450523",
                                      "about:blank"])
def test_redirect_to_a_non_hierarchical_scheme_is_a_fetch_error(
    site: PartnerSite, make_fetcher: MakeFetcher, location: str
) -> None:
    """httpx raises InvalidURL (not an HTTPError) building the next request for these."""
    with make_fetcher() as fetcher, pytest.raises(FetchError, match=r"/redirect-to\?.*: ") as err:
        fetcher.fetch(site.url(f"/redirect-to?{location}"))
    assert "\n" not in str(err.value)
    assert site.count(f"/redirect-to?{location}") == 1  # not retried: a retry cannot mend it


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd", "/feed.xml"])
def test_only_http_and_https(url: str, loopback_settings: FetchSettings) -> None:
    with Fetcher(loopback_settings) as fetcher, pytest.raises(FetchError, match="only absolute"):
        fetcher.fetch(url)


def test_server_errors_are_retried_with_backoff(
    site: PartnerSite, make_fetcher: MakeFetcher, sleeps: list[float]
) -> None:
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(site.url("/flaky"))
    assert doc.body == site.feed
    assert site.count("/flaky") == 3
    assert len(sleeps) == 2
    assert 1.0 <= sleeps[0] <= 1.25  # backoff_s, plus up to a quarter of jitter
    assert 2.0 <= sleeps[1] <= 2.5  # doubled


def test_persistent_server_error_raises_after_the_last_retry(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    with make_fetcher() as fetcher, pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(site.url("/down"))
    assert info.value.status_code == 503
    assert "/down: HTTP 503 after 3 attempts" in str(info.value)
    assert site.count("/down") == 3


def test_client_errors_are_not_retried(
    site: PartnerSite, make_fetcher: MakeFetcher, sleeps: list[float]
) -> None:
    with make_fetcher() as fetcher, pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(site.url("/no-such-page"))
    assert info.value.status_code == 404
    assert site.count("/no-such-page") == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("path", "low", "high"),
    [
        ("/throttled", 7.0, 7.0),  # Retry-After in seconds, honoured exactly
        ("/throttled-long", 60.0, 60.0),  # 3600 s asked, capped
        ("/throttled-date", 25.0, 30.0),  # an HTTP date 30 s ahead
    ],
)
def test_retry_after_is_honoured_and_capped(
    site: PartnerSite,
    make_fetcher: MakeFetcher,
    sleeps: list[float],
    path: str,
    low: float,
    high: float,
) -> None:
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(site.url(path))
    assert doc.status_code == 200
    assert site.count(path) == 2
    assert len(sleeps) == 1
    assert low <= sleeps[0] <= high


def test_dropped_connection_is_retried(
    site: PartnerSite, make_fetcher: MakeFetcher, sleeps: list[float]
) -> None:
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(site.url("/drop-once"))
    assert doc.body == site.feed
    assert site.count("/drop-once") == 2
    assert len(sleeps) == 1


def test_refused_connection_is_retried_then_reported(
    make_fetcher: MakeFetcher, sleeps: list[float]
) -> None:
    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"
    # robots.txt is the first request; an unreachable robots.txt means "disallowed"
    with (
        make_fetcher() as fetcher,
        pytest.raises(RobotsDisallowedError, match=r"ConnectError.*after 3 attempts"),
    ):
        fetcher.fetch(url)
    assert len(sleeps) == 2


def test_requests_to_one_host_are_spaced(
    site: PartnerSite, make_fetcher: MakeFetcher, sleeps: list[float]
) -> None:
    with make_fetcher(min_delay_s=0.5) as fetcher:
        fetcher.fetch(site.url("/feed.xml"))
        fetcher.fetch(site.url("/latin1"))
    # robots.txt went first; each later request waited for its slot (the recording sleep
    # does not advance the clock, so the slots pile up half a second apart)
    assert len(sleeps) == 2
    assert 0 < sleeps[0] <= 0.5
    assert 0.5 < sleeps[1] <= 1.0


def test_resolved_addresses_are_the_ones_connected_to(
    site: PartnerSite, loopback_settings: FetchSettings, sleeps: list[float]
) -> None:
    """A name only the stub resolver knows still reaches the server: we dial what we vetted,
    and the Host header keeps the name."""
    resolved: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        resolved.append((host, port))
        return {"feeds.eropa.test": ["127.0.0.1"]}[host]

    with Fetcher(loopback_settings, resolver=resolver, sleep=sleeps.append) as fetcher:
        doc = fetcher.fetch(f"http://feeds.eropa.test:{site.port}/feed.xml")
    assert doc.body == site.feed
    assert resolved[0] == ("feeds.eropa.test", site.port)
    assert {hit.headers["host"] for hit in site.hits} == {f"feeds.eropa.test:{site.port}"}


def test_credentials_in_the_url_are_sent_as_basic_auth_never_shown(
    site: PartnerSite, make_fetcher: MakeFetcher
) -> None:
    """``http://user:password@host/`` authenticates to that origin (robots.txt, redirects
    within it) while the returned URL and every message are without the credentials."""
    secret_url = site.url("/redirect/1").replace("http://", "http://editor:s%3Acret@")
    with make_fetcher() as fetcher:
        doc = fetcher.fetch(secret_url)
        with pytest.raises(HTTPStatusError) as err:
            fetcher.fetch(site.url("/down").replace("http://", "http://editor:s%3Acret@"))
    assert doc.url == site.url("/redirect/0")
    assert str(err.value) == f"{site.url('/down')}: HTTP 503 after 3 attempts"
    basic = "Basic ZWRpdG9yOnM6Y3JldA=="  # editor:s:cret, percent-decoded
    assert [(hit.path, hit.headers.get("authorization")) for hit in site.hits] == [
        ("/robots.txt", basic), ("/redirect/1", basic), ("/redirect/0", basic),
        ("/down", basic), ("/down", basic), ("/down", basic)]


def test_credentials_go_to_their_origin_only(
    site: PartnerSite, loopback_settings: FetchSettings
) -> None:
    """A redirect elsewhere (another host name) gets no Authorization; credentials a
    Location brings itself are dropped, neither sent nor shown."""
    elsewhere = f"http://partner.test:{site.port}/feed.xml"
    resolver = {"partner.test": ["127.0.0.1"]}.__getitem__
    with Fetcher(loopback_settings, resolver=lambda host, _port: resolver(host)) as fetcher:
        moved = fetcher.fetch(site.url(f"/redirect-to?{elsewhere}").replace(
            "http://", "http://editor:secret@"))
        planted = fetcher.fetch(site.url("/redirect-to?" + site.url("/feed.xml").replace(
            "http://", "http://mallory:planted@")))
    assert moved.url == elsewhere and planted.url == site.url("/feed.xml")
    auth = {(hit.path, hit.headers.get("authorization")) for hit in site.hits}
    assert ("/feed.xml", None) in auth
    assert not any(value and "bWFsbG9yeT" in value for _, value in auth)  # mallory:...
