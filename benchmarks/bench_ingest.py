"""Ingestion throughput against feedparser alone, on the same bytes, in the same run.

A corpus of 200 feeds x 50 items (RSS 2.0 and Atom, half each, realistic sizes) is built
in memory. Three figures, in items per second, measured feed by feed in turn (so a busy
machine slows all three alike):

* **feedparser alone** - ``feedparser.parse`` over every feed's bytes: the floor any
  feed ingestion pays, and the baseline the ratios divide by;
* **pipeline** - ``parse_document`` + ``normalize_item`` + ``upsert_items`` into a
  fresh, migrated SQLite file (one transaction per feed, as ``ingest_source`` does);
* **ingest over loopback** - ``ingest_source`` for each feed, served over loopback HTTP
  by a static server in another process: real HTTP, robots.txt, conditional-GET
  bookkeeping and the fetch log included.

The goal is a ratio of at least 0.5 for both: what newsdesk adds around feedparser costs
no more than feedparser itself. Run with ``python -m benchmarks ingest``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from newsdesk.registry import Registry, parse_registry

FEEDS = 200
ITEMS_PER_FEED = 50
GOAL = 0.5
_WORDS = (
    "public", "administration", "digital", "government", "innovation", "capacity", "building",
    "local", "governance", "e-participation", "transparency", "accountability", "resilience",
    "civil", "service", "training", "conference", "webinar", "partners", "network",
    "institutes", "regional", "sustainable",
)


def _sentence(seed: int, words: int) -> str:
    return " ".join(_WORDS[(seed * 7 + i * 3) % len(_WORDS)] for i in range(words)).capitalize()


def _rss(feed: int) -> bytes:
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    entries = []
    for n in range(ITEMS_PER_FEED):
        when = format_datetime(base - timedelta(hours=feed + n * 5))
        entries.append(
            f"<item><title>{escape(_sentence(feed + n, 8))} {feed}-{n}</title>"
            f"<link>http://127.0.0.1:8765/p{feed}/news/{n}?utm_source=rss</link>"
            f"<guid isPermaLink=\"false\">p{feed}-{n}</guid><pubDate>{when}</pubDate>"
            f"<description>{escape('<p>' + _sentence(feed * n + 1, 60) + '.</p>')}"
            f"</description></item>"
        )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Partner {feed}</title><link>http://127.0.0.1:8765/p{feed}/</link>"
            f"<description>News of partner {feed}</description>{''.join(entries)}"
            f"</channel></rss>").encode()


def _atom(feed: int) -> bytes:
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    entries = []
    for n in range(ITEMS_PER_FEED):
        when = (base - timedelta(hours=feed + n * 5)).isoformat()
        entries.append(
            f"<entry><title>{escape(_sentence(feed + n, 8))} {feed}-{n}</title>"
            f"<id>urn:p{feed}:{n}</id><link href=\"http://127.0.0.1:8765/p{feed}/news/{n}\"/>"
            f"<updated>{when}</updated><summary type=\"html\">"
            f"{escape('<p>' + _sentence(feed * n + 1, 60) + '.</p>')}</summary></entry>"
        )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Partner {feed}</title><id>urn:p{feed}</id>"
            f"<updated>{base.isoformat()}</updated>{''.join(entries)}</feed>").encode()


def build_corpus() -> dict[str, bytes]:
    """``{"p<n>.xml": bytes}``: even feeds are RSS 2.0, odd ones Atom."""
    return {f"p{n}.xml": (_rss(n) if n % 2 == 0 else _atom(n)) for n in range(FEEDS)}


def _registry(base_url: str) -> Registry:
    return parse_registry({
        "settings": {"allow_private_hosts": True, "min_delay_s": 0, "retries": 0},
        "partners": [{"id": f"p{n}", "name": f"Partner {n}", "short": f"P{n}",
                      "sources": [{"id": "news", "kind": "feed", "url": f"{base_url}/p{n}.xml"}]}
                     for n in range(FEEDS)],
    })


#: The fixture server (the one loopback server of the tests), in a process of its own,
#: serving the corpus directory: HTTP/1.1 keep-alive and TCP_NODELAY, as partners' web
#: servers are (without TCP_NODELAY a keep-alive answer written in two parts waits for the
#: client's delayed ACK: 40 ms a request on Linux, which would measure the server).
_STATIC_SERVER = """
import sys
from pathlib import Path
from newsdesk.fixtures.server import serve
serve(int(sys.argv[1]), Path(sys.argv[2]))
"""


@contextmanager
def _static_server(root: Path) -> Iterator[str]:
    """Serve ``root`` from another process, on loopback.

    In a thread of this process the server's CPU time would be charged to the ingester
    under measurement; as its own process it runs on the other core, as a partner's web
    server would.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", _STATIC_SERVER, str(port), str(root)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the benchmark's static server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(corpus: dict[str, bytes], workdir: Path) -> dict[str, tuple[float, int]]:
    """Time the three ways feed by feed, interleaved, so that a busy machine slows all three
    alike and the ratios stay meaningful. Returns ``label -> (seconds, items)``."""
    import feedparser

    from newsdesk.fetch import Fetcher
    from newsdesk.ingest import ingest_source, normalize_items
    from newsdesk.parse import parse_document
    from newsdesk.records import FetchedDocument
    from newsdesk.store.database import migrate, session_scope
    from newsdesk.store.items import upsert_items
    from newsdesk.store.sources import sync_sources

    site = workdir / "site"
    site.mkdir()
    for name, body in corpus.items():
        (site / name).write_bytes(body)
    pipeline_db = f"sqlite:///{workdir / 'pipeline.sqlite'}"
    loopback_db = f"sqlite:///{workdir / 'loopback.sqlite'}"
    migrate(pipeline_db)
    migrate(loopback_db)
    seconds = {"feedparser alone": 0.0, "parse+normalize+store": 0.0,
               "ingest over loopback HTTP": 0.0}
    counts = dict.fromkeys(seconds, 0)
    seen_at = datetime.now(UTC)
    with _static_server(site) as base_url:
        registry = _registry(base_url)
        with session_scope(loopback_db) as session:
            sync_sources(session, registry)
        with Fetcher(registry.settings) as fetcher:
            for (partner, source), body in zip(registry.enabled_sources(), corpus.values(),
                                               strict=True):
                source_id = f"{partner.id}/news"
                started = time.perf_counter()
                counts["feedparser alone"] += len(feedparser.parse(body).entries)
                seconds["feedparser alone"] += time.perf_counter() - started

                started = time.perf_counter()
                doc = FetchedDocument(url=source.url, status_code=200, body=body,
                                      content_type="application/xml", encoding="utf-8",
                                      etag=None, last_modified=None)
                warnings: list[str] = []
                items = normalize_items(partner, source_id, parse_document(source, doc).items,
                                        warnings)
                with session_scope(pipeline_db) as session:
                    stored = upsert_items(session, items, source_id=source_id, seen_at=seen_at)
                seconds["parse+normalize+store"] += time.perf_counter() - started
                counts["parse+normalize+store"] += stored.new

                started = time.perf_counter()
                report = ingest_source(registry, source_id, loopback_db, fetcher=fetcher)
                seconds["ingest over loopback HTTP"] += time.perf_counter() - started
                counts["ingest over loopback HTTP"] += report.items_new
                if warnings or stored.new != ITEMS_PER_FEED or report.status != "ok":
                    raise RuntimeError(f"{source_id}: {stored}, {report.error}, {warnings[:3]}")
    return {label: (seconds[label], counts[label]) for label in seconds}


def main() -> None:
    corpus = build_corpus()
    size_mb = sum(len(body) for body in corpus.values()) / 1e6
    print(f"corpus: {FEEDS} feeds x {ITEMS_PER_FEED} items (RSS 2.0 and Atom), {size_mb:.1f} MB")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        results = run(corpus, Path(tmp))
    base_s, base_n = results.pop("feedparser alone")
    base_rate = base_n / base_s
    print(f"{'feedparser alone':<26}: {base_n:6d} items in {base_s:6.2f} s = "
          f"{base_rate:7.0f} items/s")
    for label, (elapsed, count) in results.items():
        rate = count / elapsed
        verdict = "meets" if rate / base_rate >= GOAL else "BELOW"
        print(f"{label:<26}: {count:6d} items in {elapsed:6.2f} s = {rate:7.0f} items/s; "
              f"ratio to feedparser {rate / base_rate:.2f} ({verdict} the {GOAL} goal)")


if __name__ == "__main__":
    main()
