"""`newsdesk sources check --sources FILE` against the ingestion test site."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.cli import main
from newsdesk.fixtures import FixtureServer
from newsdesk.records import FetchedDocument
from newsdesk.registry import load_registry
from newsdesk.source_check import check_registry, detect_kind


def test_check_registry_reports_every_source(registry_file: Path,
                                             ingest_site: FixtureServer) -> None:
    checks = {c.source_id: c for c in check_registry(load_registry(registry_file))}
    assert list(checks) == ["eropa/news", "respa/news", "nispacee/news", "clad/down",
                            "clad/private", "clad/off"]
    feed = checks["eropa/news"]
    assert (feed.http_status, feed.robots_allowed, feed.detected_kind, feed.items_found,
            feed.error) == (200, True, "feed", 3, None)
    listing = checks["respa/news"]
    assert (listing.detected_kind, listing.items_found, listing.feed_url) == ("html", 3, None)
    discovered = checks["nispacee/news"]
    assert discovered.feed_url == f"{ingest_site.base_url}/atom.xml"
    assert discovered.items_found == 2
    down = checks["clad/down"]
    assert down.http_status == 503 and down.error and down.items_found is None
    private = checks["clad/private"]
    assert private.robots_allowed is False and private.http_status is None
    assert checks["clad/off"].enabled is False and checks["clad/off"].items_found == 3


def test_sources_check_prints_a_table_and_exits_0(
    registry_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "check", "--sources", str(registry_file)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["partner", "source", "http", "robots", "kind", "feed", "items",
                                "error"]
    row = next(line for line in lines if "nispacee/news" in line)
    assert "/atom.xml" in row and "allowed" in row
    assert "6 sources checked, 2 with problems" in out  # the 503 and the robots refusal


def test_sources_check_invalid_registry_exits_2(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("partners: [")
    assert main(["sources", "check", "--sources", str(bad)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


@pytest.mark.parametrize(("content_type", "body", "kind"), [
    ("application/rss+xml", b"<rss/>", "feed"),
    ("text/xml", b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
    (None, b"BEGIN:VCALENDAR\r\nVERSION:2.0", "ics"),
    ("text/plain", b"\xef\xbb\xbfBEGIN:VCALENDAR", "ics"),
    ("text/html", b"<!doctype html><html><p>news</p></html>", "html"),
    ("text/html", b'<html><script type="application/ld+json">{"@type": "Organization"}'
                  b"</script></html>", "html"),
    ("text/html", b'<html><script type="application/ld+json">{"@graph": [{"@type": '
                  b'"EducationEvent"}]}</script></html>', "jsonld"),
    ("application/ld+json", b'{"@type": "Event"}', "jsonld"),
    ("text/html", b'<html><script type="application/ld+json">{"@type": "LiveBlogPosting"}'
                  b"</script></html>", "jsonld"),
    ("text/html", b'<html><script type="application/ld+json">{"@type": "SaleEvent"}'
                  b"</script></html>", "html"),
    # Hostile nesting (json's decoder and the type walk used to recurse): just html.
    ("text/html", b'<html><script type="application/ld+json">' + b"[" * 100_000
                  + b"]" * 100_000 + b"</script></html>", "html"),
    ("text/html", b'<html><script type="application/ld+json">' + b'{"@graph": ' * 900
                  + b'{"@type": "Event"}' + b"}" * 900 + b"</script></html>", "html"),
    ("application/octet-stream", b"\x00\x01", None),
])
def test_detect_kind(content_type: str | None, body: bytes, kind: str | None) -> None:
    doc = FetchedDocument(url="http://127.0.0.1/x", status_code=200, body=body,
                          content_type=content_type, encoding=None, etag=None,
                          last_modified=None)
    assert detect_kind(doc) == kind


def test_sources_health_lists_failing_sources_first(
    registry_file: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--sources", str(registry_file), "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["sources", "health", "--db", db_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["source", "last", "status"]
    body = [line.split()[:3] for line in lines[2:] if line.strip() and "sources," not in line]
    failing = [row[0] for row in body if row[1] == "failed"]
    assert sorted(failing) == ["clad/down", "clad/private"]
    assert [row[0] for row in body[:2]] == failing  # failing first
    assert all(row[2] == "1" for row in body[:2])
    assert lines[-1] == "6 sources, 2 failing"
