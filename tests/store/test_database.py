"""Migrations and engines: the migrated schema is exactly the ORM's, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from newsdesk.errors import ConfigError, StoreError
from newsdesk.store.database import connect, migrate, require_migrated, session_scope
from newsdesk.store.models import Base, FetchLogRow


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    with connect(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrate_is_idempotent(db_url: str) -> None:
    migrate(db_url)
    migrate(db_url)
    require_migrated(db_url)


def test_times_come_back_aware_utc(db_url: str) -> None:
    when = datetime(2020, 10, 13, 9, 30, tzinfo=timezone(timedelta(hours=-6)))
    with session_scope(db_url) as session:
        session.add(FetchLogRow(source_id="x/feed", fetched_at=when, status="ok"))
    with session_scope(db_url) as session:
        stored = session.scalars(select(FetchLogRow.fetched_at)).one()
    assert stored == when
    assert stored.tzinfo == UTC


def test_naive_times_are_refused(sqlite_url: str) -> None:
    with pytest.raises(Exception, match="naive datetime"), session_scope(sqlite_url) as session:
        session.add(FetchLogRow(source_id="x", fetched_at=datetime(2020, 1, 1), status="ok"))


def test_unmigrated_database_gets_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty.sqlite").touch()
    with pytest.raises(StoreError, match="no schema: run `newsdesk db migrate`"):
        require_migrated(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with pytest.raises(StoreError, match="no such file"):
        require_migrated(f"sqlite:///{tmp_path / 'missing.sqlite'}")
    assert not (tmp_path / "missing.sqlite").exists()


def test_bad_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a valid URL"):
        connect("not a url at all")


def test_unknown_database_kind_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown database 'nonsense'"):
        connect("nonsense://somewhere/db")


def test_unreachable_database_names_itself(pg_url: str) -> None:
    missing = pg_url.rsplit("/", 1)[0] + "/newsdesk_no_such_database"
    expected = r"newsdesk_no_such_database: cannot connect: .*does not exist"
    with pytest.raises(StoreError, match=expected):
        require_migrated(missing)


_MIGRATE_ON_GO = """
import sys
from newsdesk.store.database import migrate
print("ready", flush=True)
sys.stdin.readline()
migrate(sys.argv[1])
"""


def _migrate_at_once(url: str, processes: int = 3) -> list[tuple[int, str]]:
    """Start ``processes`` Pythons, let each import everything, then release them together
    into ``migrate(url)``; their exit codes and stderr."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    children = [subprocess.Popen([sys.executable, "-c", _MIGRATE_ON_GO, url], env=env,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
                for _ in range(processes)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = []
    for child in children:
        _, err = child.communicate(timeout=120)
        results.append((child.returncode, err.strip()))
    return results


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_three_first_runs_at_once_migrate_one_fresh_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Two first runs at once used to fail with "table clusters already exists"."""
    url = (f"sqlite:///{tmp_path / 'fresh.sqlite'}" if backend == "sqlite"
           else request.getfixturevalue("fresh_pg_url"))
    assert _migrate_at_once(url) == [(0, "")] * 3
    require_migrated(url)
    with connect(url).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_an_insert_reports_how_many_rows_it_added(db_url: str) -> None:
    """psycopg 3 reports rowcount -1 for INSERT ... ON CONFLICT DO NOTHING unless SQLAlchemy
    keeps it; the delivery ledger and the store count new rows that way."""
    from sqlalchemy.dialects import postgresql, sqlite

    engine = connect(db_url)
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    rows = [{"source_id": f"x/{n}", "fetched_at": datetime(2020, 1, 1, tzinfo=UTC),
             "status": "ok", "id": n} for n in (1, 2)]
    with session_scope(db_url) as session:
        first = session.execute(insert(FetchLogRow).values(rows).on_conflict_do_nothing())
        again = session.execute(insert(FetchLogRow).values(rows[1:]).on_conflict_do_nothing())
        assert (first.rowcount, again.rowcount) == (2, 0)
