"""Engines, sessions and migrations for the staging database.

SQLite (a file in the state directory) is the embedded default; PostgreSQL is production.
Both are always brought to the schema with Alembic (``migrate``), never with
``create_all``, so the path a deployment takes is the path the tests take.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from newsdesk.errors import ConfigError, StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@lru_cache(maxsize=16)
def connect(db_url: str) -> Engine:
    """One engine per URL per process (Airflow tasks and the CLI call this freely).

    SQLite gets WAL and a busy timeout so that several mapped tasks writing at once wait
    for each other instead of failing with "database is locked".
    """
    try:
        url = make_url(db_url)
        url.get_dialect()
    except NoSuchModuleError as exc:  # a subclass of ArgumentError: first
        raise ConfigError(f"staging database URL {db_url!r}: unknown database "
                          f"{url.drivername!r} (use sqlite:/// or postgresql+psycopg2://)"
                          ) from exc
    except ArgumentError as exc:
        raise ConfigError(f"staging database URL {db_url!r} is not a valid URL") from exc
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def session_factory(db_url: str) -> sessionmaker[Session]:
    return sessionmaker(connect(db_url), expire_on_commit=False)


@contextmanager
def session_scope(db_url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = session_factory(db_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(db_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", db_url.replace("%", "%%"))
    return cfg


def migrate(db_url: str) -> None:
    """Bring the database to the newest schema (idempotent; safe to call before every run).

    The one place that may create a SQLite file and its directory: reads never do.
    """
    sqlite_file = _sqlite_file(db_url)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    engine = connect(db_url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(db_url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise StoreError(
            f"staging database {engine.url.render_as_string(hide_password=True)}: "
            f"cannot migrate: {exc.orig}"
        ) from exc


def require_migrated(db_url: str) -> None:
    """Fail with a clear message when the database cannot be reached or has no schema
    (instead of a SQL error later). A missing SQLite file is reported, never created: a read
    with a mistyped path must not leave an empty database behind."""
    sqlite_file = _sqlite_file(db_url)
    if sqlite_file is not None and not sqlite_file.is_file():
        raise StoreError(f"staging database {db_url!r}: no such file {str(sqlite_file)!r}: "
                         "run `newsdesk db migrate` (or check --db)")
    engine = connect(db_url)
    try:
        migrated = inspect(engine).has_table("items")
    except OperationalError as exc:
        raise StoreError(f"staging database {engine.url.render_as_string(hide_password=True)}: "
                         f"cannot connect: {str(exc.orig).strip()}") from exc
    if not migrated:
        raise StoreError(f"staging database {db_url!r} has no schema: run `newsdesk db migrate`")


def _sqlite_file(db_url: str) -> Path | None:
    """The file behind a SQLite URL (None for other backends and in-memory databases)."""
    url = connect(db_url).url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)
