"""The ingestion test site (tests/fixtures/ingest) for the CLI tests, and its registry file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.fixtures import DEMO_BASE_URL, FixtureServer

SITE = Path(__file__).parents[1] / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def ingest_site() -> Iterator[FixtureServer]:
    with FixtureServer(root=SITE) as server:
        yield server


@pytest.fixture
def registry_file(ingest_site: FixtureServer, tmp_path: Path) -> Path:
    """tests/fixtures/ingest/registry.yaml pointing at the running test site."""
    text = (SITE / "registry.yaml").read_text(encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(text.replace(DEMO_BASE_URL, ingest_site.base_url), encoding="utf-8")
    return path
