"""Shared fixtures: real databases (SQLite and PostgreSQL) and the fixture partner sites.

PostgreSQL is required, not optional: ``.ci/run`` starts it, and a missing server is an
error here, never a skip. Each test that asks for ``db_url`` runs once per backend, on a
freshly migrated database of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from newsdesk.store.database import connect, migrate

PG_ADMIN_DSN = os.environ.get(
    "NEWSDESK_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=test"
)
#: The ordinary URL form (no +driver): SQLAlchemy 2.1 takes psycopg 3 for it, as users do.
PG_URL_BASE = os.environ.get("NEWSDESK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432")


def _pg_admin() -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(PG_ADMIN_DSN, connect_timeout=5, autocommit=True)
    except psycopg.OperationalError as exc:  # an error, not a skip: CI must have PostgreSQL
        raise RuntimeError(f"PostgreSQL is required for the tests ({PG_ADMIN_DSN}): {exc}") from exc


@pytest.fixture
def pg_url(fresh_pg_url: str) -> str:
    """A new, migrated PostgreSQL database for one test, dropped afterwards."""
    migrate(fresh_pg_url)
    return fresh_pg_url


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """A new, empty (unmigrated) PostgreSQL database for one test, dropped afterwards."""
    name = f"newsdesk_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_URL_BASE}/{name}"
    try:
        yield url
    finally:
        connect(url).dispose()
        connect.cache_clear()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new, migrated SQLite file for one test."""
    url = f"sqlite:///{tmp_path / 'staging.sqlite'}"
    migrate(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Runs the test on both backends."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(name)
    return url


from newsdesk.fixtures import FixtureServer  # noqa: E402 - appended with the fixture below


@pytest.fixture(scope="session")
def fixture_sites() -> Iterator[FixtureServer]:
    """The fixture partner sites on a free loopback port, for the whole test session.

    Build a registry for it with ``newsdesk.fixtures.demo_registry(fixture_sites.base_url)``.
    The request log is shared by every test of the session: assert on the entries your
    test added (``fixture_sites.requests[before:]``), or start a ``FixtureServer`` of your own.
    """
    with FixtureServer() as server:
        yield server
