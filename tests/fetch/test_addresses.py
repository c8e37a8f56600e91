"""The address guard. Nothing here touches the network: a stub resolver plays DNS and a
recording ``httpx.MockTransport`` plays the internet, so a refused request is one that
never reached the transport."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from newsdesk.errors import BlockedAddressError, FetchError
from newsdesk.fetch import Fetcher, Resolver, blocked_reason
from newsdesk.registry import FetchSettings

PUBLIC_IP = "93.184.216.34"
DNS = {
    "public.example": [PUBLIC_IP],
    "partner.example": ["10.0.0.5"],
}
GUARDED = FetchSettings(min_delay_s=0, retries=0, allow_private_hosts=False)


class RecordingInternet:
    """Answers as public.example would, and records every request it is asked to send."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._answer)

    def urls(self) -> list[str]:
        return [str(request.url) for request in self.requests]

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        hops = {
            "/to-private": "http://10.0.0.1/feed.xml",
            "/to-metadata": "http://169.254.169.254/latest/meta-data/",
            "/to-partner": "http://partner.example/feed.xml",
            "/to-loopback-v6": "http://[::1]:8080/",
        }
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.path in hops:
            return httpx.Response(302, headers={"Location": hops[request.url.path]})
        return httpx.Response(  # an iterator: streamed as from a network, not pre-read
            200, content=iter([b"<rss/>"]), headers={"Content-Type": "application/rss+xml"}
        )


def _resolver_with(host: str, addresses: list[str]) -> Resolver:
    table = {**DNS, host: addresses}

    def resolve(name: str, port: int) -> list[str]:
        if name not in table:
            raise OSError(f"stub DNS: no such host {name}")
        return table[name]

    return resolve


def _no_dns(name: str, port: int) -> list[str]:
    raise AssertionError(f"IP-literal hosts must not be resolved (asked for {name})")


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.0.0.5"],
        ["127.0.0.1"],
        ["169.254.169.254"],
        ["172.16.3.4"],
        ["192.168.1.10"],
        ["100.64.0.1"],  # CGNAT
        ["0.0.0.0"],
        ["224.0.0.251"],  # multicast
        ["240.0.0.1"],  # reserved
        ["::1"],
        ["fd00::1"],  # unique local
        ["fe80::1"],  # link-local
        ["::ffff:10.0.0.1"],  # IPv4-mapped private
        ["::ffff:127.0.0.1"],
        ["64:ff9b::a00:1"],  # NAT64 of 10.0.0.1
        ["2002:a00:1::1"],  # 6to4 of 10.0.0.1
        [PUBLIC_IP, "10.0.0.5"],  # one private answer is enough to refuse
    ],
)
def test_host_resolving_to_a_non_public_address_is_refused(addresses: list[str]) -> None:
    internet = RecordingInternet()
    resolver = _resolver_with("sneaky.example", addresses)
    with (
        Fetcher(GUARDED, transport=internet.transport, resolver=resolver) as fetcher,
        pytest.raises(BlockedAddressError) as info,
    ):
        fetcher.fetch("http://sneaky.example/feed.xml")
    message = str(info.value)
    assert message.startswith("http://sneaky.example/feed.xml: ")
    assert "'sneaky.example'" in message
    blocked = next(a for a in addresses if a != PUBLIC_IP)
    assert str(ipaddress.ip_address(blocked)) in message
    assert internet.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.xml",
        "http://10.1.2.3:8080/feed.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed.xml",
        "http://[::ffff:127.0.0.1]/feed.xml",
        "https://[fd12:3456::1]/feed.xml",
    ],
)
def test_ip_literal_urls_are_refused(url: str) -> None:
    internet = RecordingInternet()
    with (
        Fetcher(GUARDED, transport=internet.transport, resolver=_no_dns) as fetcher,
        pytest.raises(BlockedAddressError, match="newsdesk only fetches from public"),
    ):
        fetcher.fetch(url)
    assert internet.requests == []


@pytest.mark.parametrize(
    ("path", "blocked_url", "address"),
    [
        ("/to-private", "http://10.0.0.1/", "10.0.0.1"),
        ("/to-metadata", "http://169.254.169.254/", "169.254.169.254"),
        ("/to-partner", "http://partner.example/", "10.0.0.5"),
        ("/to-loopback-v6", "http://[::1]:8080/", "::1"),
    ],
)
def test_redirect_to_a_non_public_address_is_refused_at_the_hop(
    path: str, blocked_url: str, address: str
) -> None:
    internet = RecordingInternet()
    with (
        Fetcher(GUARDED, transport=internet.transport, resolver=_resolver_with("x", [])) as f,
        pytest.raises(BlockedAddressError) as info,
    ):
        f.fetch(f"http://public.example{path}")
    message = str(info.value)
    assert message.startswith(blocked_url)
    assert f"(redirected from http://public.example{path})" in message
    assert address in message
    assert internet.urls() == ["http://public.example/robots.txt", f"http://public.example{path}"]


def test_public_host_is_fetched() -> None:
    internet = RecordingInternet()
    settings = GUARDED.model_copy(update={"user_agent": "newsdesk-guard-test/1.0"})
    with Fetcher(settings, transport=internet.transport, resolver=_resolver_with("x", [])) as f:
        doc = f.fetch("http://public.example/feed.xml")
    assert doc.body == b"<rss/>"
    assert internet.urls() == ["http://public.example/robots.txt", "http://public.example/feed.xml"]
    assert {r.headers["User-Agent"] for r in internet.requests} == {"newsdesk-guard-test/1.0"}


def test_unresolvable_host_is_a_fetch_error() -> None:
    internet = RecordingInternet()
    with (
        Fetcher(GUARDED, transport=internet.transport, resolver=_resolver_with("x", [])) as f,
        pytest.raises(FetchError, match=r"cannot resolve host 'nowhere.example'"),
    ):
        f.fetch("http://nowhere.example/feed.xml")
    assert internet.requests == []


def test_allow_private_hosts_lifts_the_guard() -> None:
    internet = RecordingInternet()
    settings = GUARDED.model_copy(update={"allow_private_hosts": True})
    with Fetcher(settings, transport=internet.transport, resolver=_resolver_with("x", [])) as f:
        doc = f.fetch("http://partner.example/feed.xml")
    assert doc.status_code == 200


@pytest.mark.parametrize(
    "address",
    [PUBLIC_IP, "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34", "64:ff9b::5db8:d822"],
)
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None
