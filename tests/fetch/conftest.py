"""A real partner web server on 127.0.0.1 for the fetch tests.

Each test gets a fresh :class:`~newsdesk.fixtures.FixtureServer` (the one loopback server of
the tests) on an ephemeral port, whose routes (:class:`_Routes`, handed to it as its
``answer``) play the parts a partner site can play: a feed with validators, a slow answer,
an endless body, headers or a body dripped a byte at a time, compressed feeds and
compression bombs, redirect chains and loops, flaky and throttled pages, and a
configurable robots.txt.
The server records every request (path and headers) so tests can assert what reached it.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsdesk.fetch import Fetcher
from newsdesk.fixtures import FixtureServer
from newsdesk.registry import FetchSettings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "fetch"
FEED = (FIXTURES / "eropa-news.xml").read_bytes()
LATIN1_PAGE = (FIXTURES / "clad-latin1.html").read_bytes()
ROBOTS = (FIXTURES / "robots.txt").read_bytes()
FEED_ETAG = '"eropa-v1"'
FEED_LAST_MODIFIED = "Mon, 15 Apr 2024 02:00:00 GMT"
ENDLESS_CHUNK = 64 * 1024
ENDLESS_LIMIT = 256 * 1024 * 1024  # the server gives up by itself after this much


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


@dataclass
class PartnerSite:
    """What the server serves (tests may change ``robots``) and what it saw.

    Test modules cannot import this conftest (pytest's importlib mode), so the documents
    the server answers with travel on this object.
    """

    port: int = 0
    feed: bytes = FEED
    feed_etag: str = FEED_ETAG
    feed_last_modified: str = FEED_LAST_MODIFIED
    latin1_page: bytes = LATIN1_PAGE
    robots: tuple[int, bytes] = (200, ROBOTS)
    hits: list[Hit] = field(default_factory=list)
    endless_bytes_sent: int = 0
    endless_done: threading.Event = field(default_factory=threading.Event)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        with self.lock:
            return [hit.path for hit in self.hits]

    def count(self, path: str) -> int:
        return self.paths().count(path)


class _Routes:
    """The partner site's routes for one request, answered on the shared FixtureServer
    (every path is answered here, unknown ones with 404)."""

    def __init__(self, site: PartnerSite, handler: BaseHTTPRequestHandler) -> None:
        self.site = site
        self.h = handler

    def answer(self) -> bool:
        site = self.site
        with site.lock:
            site.hits.append(Hit(self.h.path, {k.lower(): v for k, v in self.h.headers.items()}))
            seen = sum(1 for hit in site.hits if hit.path == self.h.path)
        route = self.h.path.split("?")[0]
        if route == "/robots.txt":
            self._answer(site.robots[0], site.robots[1], "text/plain")
        elif route in ("/feed.xml", "/private/feed.xml"):
            self._feed()
        elif route == "/slow":
            site.stopping.wait(5)
            self._answer(200, b"too late", "text/plain")
        elif route == "/endless":
            self._endless(site)
        elif route == "/declared-huge":
            self.h.send_response(200)
            self.h.send_header("Content-Length", "10000000000")
            self.h.end_headers()
            self.h.wfile.write(b"x" * 1000)
            self.h.close_connection = True
        elif route.startswith("/redirect/"):
            left = int(route.rsplit("/", 1)[1])
            if left == 0:
                self._answer(200, FEED, "application/rss+xml")
            else:
                self._redirect(f"/redirect/{left - 1}")
        elif route == "/loop":
            self._redirect("/loop")
        elif route == "/to-ftp":
            self._redirect("ftp://127.0.0.1/feed.xml")
        elif route == "/flaky" and seen <= 2:  # 503 twice, then the feed
            self._answer(503, b"busy", "text/plain")
        elif route == "/flaky":
            self._answer(200, FEED, "application/rss+xml")
        elif route == "/down":
            self._answer(503, b"down for maintenance", "text/plain")
        elif route.startswith("/throttled"):
            self._throttled(route, seen)
        elif route == "/drop-once":
            if seen == 1:
                self.h.close_connection = True  # no status line at all: a dropped connection
                return True
            self._answer(200, FEED, "application/rss+xml")
        elif route == "/drip":
            self._drip(site)
        elif route == "/drip-headers":
            self._drip_headers(site)
        elif route.startswith("/encoded/"):  # /encoded/<coding>[,<coding>...]
            codings = route.removeprefix("/encoded/")
            header = codings.replace("raw-deflate", "deflate")
            body = encode(FEED, codings)
            self._answer(200, body, "application/rss+xml", {"Content-Encoding": header})
        elif route.startswith("/bomb/"):  # /bomb/<coding>[,<coding>...]: 64 MiB of zeros
            codings = route.removeprefix("/bomb/")
            body = BOMBS[codings]
            self._answer(200, body, "application/rss+xml", {"Content-Encoding": codings})
        elif route == "/bad-location":
            self._redirect("http://127.0.0.1:notaport/feed.xml")
        elif route == "/redirect-to":  # Location: the query string, undecoded
            self._redirect(self.h.path.partition("?")[2])
        elif route == "/latin1":
            self._answer(200, LATIN1_PAGE, "text/html; charset=ISO-8859-1")
        else:
            self._answer(404, b"not found", "text/plain")
        return True

    def _feed(self) -> None:
        if self.h.headers.get("If-None-Match") == FEED_ETAG:
            self.h.send_response(304)
            self.h.send_header("ETag", FEED_ETAG)
            self.h.send_header("Content-Length", "0")
            self.h.end_headers()
            return
        self._answer(
            200,
            FEED,
            "application/rss+xml; charset=utf-8",
            {"ETag": FEED_ETAG, "Last-Modified": FEED_LAST_MODIFIED},
        )

    def _throttled(self, route: str, seen: int) -> None:
        if seen > 1:
            self._answer(200, FEED, "application/rss+xml")
            return
        retry_after = {
            "/throttled": "7",
            "/throttled-long": "3600",
            "/throttled-date": formatdate(time.time() + 30, usegmt=True),
        }[route]
        self._answer(429, b"slow down", "text/plain", {"Retry-After": retry_after})

    def _endless(self, site: PartnerSite) -> None:
        self.h.send_response(200)
        self.h.send_header("Content-Type", "application/rss+xml")
        self.h.send_header("Connection", "close")
        self.h.end_headers()
        self.h.close_connection = True
        chunk = b"<item>" + b"x" * (ENDLESS_CHUNK - 6)
        try:
            while site.endless_bytes_sent < ENDLESS_LIMIT and not site.stopping.is_set():
                self.h.wfile.write(chunk)
                site.endless_bytes_sent += len(chunk)
        except OSError:
            pass  # the client hung up: what the test wants
        finally:
            site.endless_done.set()

    def _drip(self, site: PartnerSite) -> None:
        """One byte every 50 ms: never idle long enough for a read timeout."""
        self.h.send_response(200)
        self.h.send_header("Content-Type", "application/rss+xml")
        self.h.send_header("Content-Length", "1000")
        self.h.end_headers()
        try:
            for _ in range(1000):
                if site.stopping.wait(0.05):
                    return
                self.h.wfile.write(b"x")
                self.h.wfile.flush()
        except OSError:
            pass  # the client hung up

    def _drip_headers(self, site: PartnerSite) -> None:
        """The status line, then a header one byte every 50 ms (4 s in all)."""
        try:
            self.h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
            self.h.wfile.flush()
            for _ in range(80):
                if site.stopping.wait(0.05):
                    return
                self.h.wfile.write(b"x")
                self.h.wfile.flush()
            self.h.wfile.write(b"\r\nContent-Length: 2\r\n\r\nok")
        except OSError:
            pass  # the client hung up
        self.h.close_connection = True

    def _redirect(self, location: str) -> None:
        self._answer(302, b"", "text/plain", {"Location": location})

    def _answer(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.h.send_response(status)
        self.h.send_header("Content-Type", content_type)
        self.h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.h.send_header(name, value)
        self.h.end_headers()
        self.h.wfile.write(body)


def encode(body: bytes, codings: str) -> bytes:
    """``body`` with each coding of a ``Content-Encoding`` value applied in order
    (``raw-deflate`` is deflate without the zlib wrapper, as some servers send it)."""
    for coding in codings.split(","):
        if coding == "gzip":
            body = gzip.compress(body)
        elif coding == "deflate":
            body = zlib.compress(body)
        elif coding == "raw-deflate":
            packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            body = packer.compress(body) + packer.flush()
        elif coding != "br":  # br: sent as is, a coding the fetcher never asked for
            raise ValueError(f"unknown test coding {coding!r}")
    return body


def _compressed_zeros(size: int, wbits: int) -> bytes:
    """``size`` zero bytes compressed a MiB at a time (never ``size`` in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    mib = bytes(1024 * 1024)
    return b"".join(packer.compress(mib) for _ in range(size // len(mib))) + packer.flush()


BOMB_BYTES = 64 * 1024 * 1024
_GZIP_BOMB = _compressed_zeros(BOMB_BYTES, zlib.MAX_WBITS | 16)  # about 64 KB
BOMBS = {  # built once, before any test measures memory
    "gzip": _GZIP_BOMB,
    "deflate": _compressed_zeros(BOMB_BYTES, zlib.MAX_WBITS),
    "gzip,gzip": gzip.compress(_GZIP_BOMB),  # about 1 KB
}


@pytest.fixture
def site() -> Iterator[PartnerSite]:
    partner = PartnerSite()

    def answer(handler: BaseHTTPRequestHandler) -> bool:
        return _Routes(partner, handler).answer()

    server = FixtureServer(root=FIXTURES, answer=answer).start()
    partner.port = int(server.base_url.rsplit(":", 1)[1])
    try:
        yield partner
    finally:
        partner.stopping.set()
        server.stop()


@pytest.fixture
def loopback_settings() -> FetchSettings:
    """Settings for the loopback server: private hosts allowed (127.0.0.1 is loopback)."""
    return FetchSettings(
        user_agent="newsdesk-test/1.0 (+mailto:unpan@example.org)",
        timeout_s=2.0,
        max_bytes=100_000,
        min_delay_s=0,
        allow_private_hosts=True,
        max_redirects=3,
        retries=2,
        backoff_s=1.0,
    )


@pytest.fixture
def sleeps() -> list[float]:
    """Pass ``sleeps.append`` as the fetcher's sleep: waits are recorded, never slept."""
    return []


def refuse_dns(host: str, port: int) -> list[str]:
    """The resolver of the loopback tests: they use IP literals, so any name asked for
    (say, from a redirect) is a test bug, and must not become a real DNS query."""
    raise OSError(f"the fetch tests resolve no names (asked for {host!r})")


@pytest.fixture
def make_fetcher(loopback_settings: FetchSettings, sleeps: list[float]) -> Callable[..., Fetcher]:
    """Build a Fetcher for the loopback server; keyword arguments change the settings."""

    def make(**changes: object) -> Fetcher:
        settings = loopback_settings.model_copy(update=changes)
        return Fetcher(settings, resolver=refuse_dns, sleep=sleeps.append)

    return make
