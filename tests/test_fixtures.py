"""The fixture sites server (newsdesk.fixtures) and the two source registries.

Everything runs over real loopback HTTP; raw ``http.client`` is used where a friendlier
client would normalise what is being tested (``..`` segments, conditional headers).
"""

from __future__ import annotations

import http.client
import re
import socket
import struct
import urllib.request
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
from protego import Protego

from newsdesk.config import PROJECT_ROOT
from newsdesk.errors import ConfigError, RegistryError
from newsdesk.fixtures import (
    DEMO_BASE_URL,
    DEMO_FAILING_SOURCES,
    DEMO_REGISTRY,
    SITES_DIR,
    FixtureServer,
    demo_registry,
    write_demo_registry,
)
from newsdesk.registry import load_registry, source_key

UNPAN_REGISTRY = PROJECT_ROOT / "include/sources/unpan.yaml"


def _get(
    server: FixtureServer, path: str, headers: dict[str, str] | None = None, timeout: float = 5
) -> tuple[int, dict[str, str], bytes]:
    host, port = server.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture
def own_server() -> Iterator[FixtureServer]:
    """A server of this test's own, so its request and stream logs start empty."""
    with FixtureServer() as server:
        yield server


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/dpidg/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/nispacee/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/eropa/news.xml", "application/atom+xml; charset=utf-8"),
        ("/respa/feed.xml", "application/rss+xml; charset=iso-8859-1"),
        ("/unpog/calendar.ics", "text/calendar; charset=utf-8"),
        ("/respa/news/", "text/html; charset=utf-8"),
        ("/aapa/events.html", "text/html; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_type_by_extension_and_content(
    fixture_sites: FixtureServer, path: str, content_type: str
) -> None:
    status, headers, body = _get(fixture_sites, path)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert int(headers["Content-Length"]) == len(body)
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["ETag"])  # strong validator
    assert headers["Last-Modified"].endswith(" GMT")


def test_latin1_feed_is_really_latin1(fixture_sites: FixtureServer) -> None:
    _, _, body = _get(fixture_sites, "/respa/feed.xml")
    text = body.decode("iso-8859-1")
    assert "Tiranë" in text and "européen" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_second_fetch_with_etag_is_304(fixture_sites: FixtureServer) -> None:
    status, headers, _ = _get(fixture_sites, "/eropa/events.xml")
    assert status == 200
    validator = {"If-None-Match": headers["ETag"]}
    status, again, body = _get(fixture_sites, "/eropa/events.xml", validator)
    assert (status, body) == (304, b"")
    assert again["ETag"] == headers["ETag"]
    status, _, _ = _get(fixture_sites, "/eropa/events.xml", {"If-None-Match": '"other"'})
    assert status == 200


def test_second_fetch_with_last_modified_is_304(fixture_sites: FixtureServer) -> None:
    _, headers, _ = _get(fixture_sites, "/unpog/calendar.ics")
    since = {"If-Modified-Since": headers["Last-Modified"]}
    assert _get(fixture_sites, "/unpog/calendar.ics", since)[0] == 304
    long_ago = {"If-Modified-Since": formatdate(0, usegmt=True)}
    assert _get(fixture_sites, "/unpog/calendar.ics", long_ago)[0] == 200


def test_etag_wins_over_if_modified_since(fixture_sites: FixtureServer) -> None:
    """RFC 9110: a changed ETag means 200 even when the date alone would say 304."""
    _, headers, _ = _get(fixture_sites, "/dpidg/feed.xml")
    both = {"If-None-Match": '"stale"', "If-Modified-Since": headers["Last-Modified"]}
    assert _get(fixture_sites, "/dpidg/feed.xml", both)[0] == 200


def test_links_point_back_at_the_serving_server(fixture_sites: FixtureServer) -> None:
    _, _, body = _get(fixture_sites, "/dpidg/feed.xml")
    assert fixture_sites.base_url.encode() + b"/dpidg/feed.xml" in body
    if fixture_sites.base_url != DEMO_BASE_URL:
        assert DEMO_BASE_URL.encode() not in body


def test_robots_disallows_the_private_area(fixture_sites: FixtureServer) -> None:
    status, _, body = _get(fixture_sites, "/robots.txt")
    assert status == 200
    robots = Protego.parse(body.decode())
    assert not robots.can_fetch(fixture_sites.url("/private/feed.xml"), "newsdesk")
    assert robots.can_fetch(fixture_sites.url("/dpidg/feed.xml"), "newsdesk")
    assert _get(fixture_sites, "/private/feed.xml")[0] == 200  # robots is the client's job


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/site/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%5csecret.txt",
        "/page.html%00.txt",
        "/link-out/secret.txt",
    ],
)
def test_path_traversal_is_refused(tmp_path: Path, path: str) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "page.html").write_text("<p>inside</p>")
    (tmp_path / "secret.txt").write_text("outside the root")
    (root / "link-out").symlink_to(tmp_path)
    with FixtureServer(root=root) as server:
        status, _, body = _get(server, path)
    assert status in (403, 404)
    assert b"outside the root" not in body


def test_missing_file_is_404(fixture_sites: FixtureServer) -> None:
    assert _get(fixture_sites, "/nowhere/feed.xml")[0] == 404


def test_slow_path_delays_then_serves(fixture_sites: FixtureServer) -> None:
    status, _, body = _get(fixture_sites, "/_slow/0.2/eropa/news.xml")
    assert status == 200 and b"Bulletin Volume 41" in body
    with pytest.raises(TimeoutError):
        _get(fixture_sites, "/_slow/2/eropa/news.xml", timeout=0.2)


def test_drip_path_sends_the_whole_body_slowly(fixture_sites: FixtureServer) -> None:
    status, headers, body = _get(fixture_sites, "/_drip/0.3/sanpa/conference.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == _get(fixture_sites, "/sanpa/conference.html")[2]


def test_huge_streams_feed_bytes_chunked(own_server: FixtureServer) -> None:
    status, headers, body = _get(own_server, "/_huge/1")
    assert status == 200
    assert headers["Transfer-Encoding"] == "chunked" and "Content-Length" not in headers
    assert len(body) == 1024 * 1024
    assert body.startswith(b'<?xml version="1.0"') and b"<item><title>" in body
    assert own_server.wait_for_streams(1)[0].completed


def _head(server: FixtureServer, path: str) -> http.client.HTTPResponse:
    host, port = server.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("HEAD", path)
    response = conn.getresponse()
    conn.close()
    return response


def test_huge_can_declare_its_length(own_server: FixtureServer) -> None:
    response = _head(own_server, "/_huge/150?length=1")
    assert response.status == 200
    assert response.getheader("Content-Length") == str(150 * 1024 * 1024)


def test_huge_stops_when_the_client_leaves(own_server: FixtureServer) -> None:
    host, port = own_server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /_huge/200 HTTP/1.1\r\nHost: x\r\n\r\n")
        received = 0
        while received < 256 * 1024:
            received += len(sock.recv(65536))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
    streams = own_server.wait_for_streams(1)
    assert len(streams) == 1
    assert not streams[0].completed
    assert streams[0].bytes_sent < 100 * 1024 * 1024


def test_huge_is_capped(own_server: FixtureServer) -> None:
    response = _head(own_server, "/_huge/5000?length=1")
    assert response.getheader("Content-Length") == str(200 * 1024 * 1024)


@pytest.mark.parametrize("code", [404, 410, 429, 500, 503])
def test_status_path(fixture_sites: FixtureServer, code: int) -> None:
    assert _get(fixture_sites, f"/_status/{code}")[0] == code


def test_status_path_rejects_nonsense(fixture_sites: FixtureServer) -> None:
    assert _get(fixture_sites, "/_status/banana")[0] == 400
    assert _get(fixture_sites, "/_status/999")[0] == 400


def test_redirect_path(fixture_sites: FixtureServer) -> None:
    status, headers, _ = _get(fixture_sites, "/_redirect?to=/eropa/news.xml")
    assert status == 302 and headers["Location"] == "/eropa/news.xml"
    with urllib.request.urlopen(fixture_sites.url("/_redirect?to=/eropa/news.xml")) as response:
        assert response.url == fixture_sites.url("/eropa/news.xml")
        assert response.headers["Content-Type"].startswith("application/atom+xml")
    assert _get(fixture_sites, "/_redirect")[0] == 400


def test_requests_are_logged_with_headers(own_server: FixtureServer) -> None:
    _get(own_server, "/dpidg/feed.xml", {"User-Agent": "newsdesk-test/1", "If-None-Match": '"x"'})
    method, path, headers = own_server.requests[-1]
    assert (method, path) == ("GET", "/dpidg/feed.xml")
    assert headers["User-Agent"] == "newsdesk-test/1" and headers["If-None-Match"] == '"x"'


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_binds_loopback_only(host: str) -> None:
    with pytest.raises(ConfigError, match="loopback"):
        FixtureServer(host=host)


def test_not_started_server_says_so() -> None:
    with pytest.raises(ConfigError, match="not started"):
        _ = FixtureServer().base_url


# --- the registries -------------------------------------------------------------------


def test_both_registries_validate() -> None:
    demo = load_registry(DEMO_REGISTRY)
    unpan = load_registry(UNPAN_REGISTRY)
    assert demo.settings.allow_private_hosts and not unpan.settings.allow_private_hosts
    assert demo.partner("dpidg").division and unpan.partner("dpidg").division
    assert {s.kind for _, s in demo.enabled_sources()} == {"feed", "html", "ics", "jsonld"}


def test_unpan_registry_names_real_partners_and_no_fixture_hosts() -> None:
    text = UNPAN_REGISTRY.read_text(encoding="utf-8")
    assert "127.0.0.1" not in text and "localhost" not in text
    registry = load_registry(UNPAN_REGISTRY)
    shorts = {partner.short for partner in registry.partners}
    assert {"EROPA", "NISPAcee", "ReSPA", "ICAP", "AAPA", "CLAD", "SANPA", "IPAC"} <= shorts
    assert all(p.home and p.home.startswith("https://") for p in registry.partners)


def test_demo_registry_is_rebased(tmp_path: Path) -> None:
    registry = demo_registry("http://127.0.0.1:40001/")
    urls = [s.url for p in registry.partners for s in p.sources] + [
        p.home or "" for p in registry.partners
    ]
    assert all(url.startswith("http://127.0.0.1:40001/") for url in urls)
    written = write_demo_registry("http://127.0.0.1:40001", tmp_path / "sub" / "sources.yaml")
    assert load_registry(written) == registry
    assert "# The demo registry" in written.read_text()  # comments survive
    with pytest.raises(RegistryError, match="not an http"):
        demo_registry("ftp://127.0.0.1")


def test_failing_demo_sources_are_listed_and_enabled() -> None:
    registry = load_registry(DEMO_REGISTRY)
    enabled = {source_key(p, s) for p, s in registry.enabled_sources()}
    assert set(DEMO_FAILING_SOURCES) <= enabled


def test_every_demo_source_is_served(fixture_sites: FixtureServer) -> None:
    registry = demo_registry(fixture_sites.base_url)
    for partner, source in registry.enabled_sources():
        path = source.url.removeprefix(fixture_sites.base_url)
        status, _, body = _get(fixture_sites, path)
        assert status == 200 and body, f"{partner.id}: {source.url}"


def test_readme_lists_every_site_file() -> None:
    readme = (SITES_DIR / "README.md").read_text(encoding="utf-8")
    for file in sorted(SITES_DIR.rglob("*")):
        if file.is_file() and file.name != "README.md":
            url_path = "/" + file.relative_to(SITES_DIR).as_posix().removesuffix("index.html")
            assert f"`{url_path}`" in readme, f"README.md does not list {url_path}"
