"""Engines, sessions and migrations for the staging database.

SQLite (a file in the state directory) is the embedded default; PostgreSQL is production.
Both are always brought to the schema with Alembic (``migrate``), never with
``create_all``, so the path a deployment takes is the path the tests take.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from newsdesk.credentials import redact_url
from newsdesk.errors import ConfigError, StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: How long a migration waits for another one (a second first run) to finish.
MIGRATION_LOCK_WAIT_S = 300
#: The PostgreSQL advisory lock that serialises migrations of one database ("newsdesk").
_PG_MIGRATION_LOCK = int.from_bytes(b"newsdesk", "big")


@lru_cache(maxsize=16)
def connect(db_url: str) -> Engine:
    """One engine per URL per process (Airflow tasks and the CLI call this freely).

    SQLite gets WAL and a busy timeout so that several mapped tasks writing at once wait
    for each other instead of failing with "database is locked". Both keep every
    statement's ``rowcount`` (``preserve_rowcount``): the store counts the rows an
    ``INSERT ... ON CONFLICT DO NOTHING`` added, and psycopg 3 reports -1 for it otherwise.
    """
    url = _supported_url(db_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 60}, execution_options=_ROWCOUNT)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    try:
        return create_engine(url, pool_pre_ping=True, execution_options=_ROWCOUNT)
    except ImportError as exc:  # a driver named in the URL that is not installed
        raise ConfigError(f"staging database URL {_shown(url)!r}: the driver "
                          f"{url.get_driver_name()!r} is not installed; {_SUPPORTED}") from exc


_ROWCOUNT = {"preserve_rowcount": True}

_SUPPORTED = ("newsdesk supports SQLite (sqlite:///PATH) and PostgreSQL "
              "(postgresql://USER@HOST:PORT/DATABASE, driver psycopg 3)")


def _supported_url(db_url: str) -> URL:
    """The parsed URL of a backend newsdesk runs on; ConfigError in one line otherwise."""
    try:
        url = make_url(db_url)
        url.get_dialect()
    except NoSuchModuleError as exc:  # a subclass of ArgumentError: first
        raise ConfigError(f"staging database URL {_shown(db_url)!r}: unknown database "
                          f"{db_url.partition(':')[0]!r}; {_SUPPORTED}") from exc
    except ArgumentError as exc:
        raise ConfigError(f"staging database URL {_shown(db_url)!r} is not a valid URL; "
                          f"{_SUPPORTED}") from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"staging database URL {_shown(url)!r}: "
                          f"{url.get_backend_name()!r} is not supported; {_SUPPORTED}")
    return url


def _shown(url: str | URL) -> str:
    """A database URL as text: without its password."""
    if isinstance(url, str):
        return redact_url(url)
    return url.render_as_string(hide_password=True)


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
    Migrations of one database take turns (two first runs at once would both create
    the tables): PostgreSQL by an advisory lock held for the migration's transaction,
    SQLite by an exclusive ``flock`` on ``<file>.migrate-lock`` beside the database
    (SQLite runs DDL outside the driver's transactions, so a transaction cannot do it).
    The second migration then finds the schema at head and does nothing.
    """
    sqlite_file = _sqlite_file(db_url)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    engine = connect(db_url)
    try:
        with _file_lock(sqlite_file), engine.begin() as conn:
            _lock_postgresql(conn)
            cfg = alembic_config(db_url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise StoreError(
            f"staging database {_shown(engine.url)}: "
            f"cannot migrate: {exc.orig}"
        ) from exc


@contextmanager
def _file_lock(sqlite_file: Path | None) -> Iterator[None]:
    """Hold an exclusive lock beside ``sqlite_file`` (nothing for other databases)."""
    if sqlite_file is None:
        yield
        return
    lock_path = sqlite_file.with_name(f"{sqlite_file.name}.migrate-lock")
    with lock_path.open("a") as handle:
        deadline = time.monotonic() + MIGRATION_LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"staging database {str(sqlite_file)!r}: cannot migrate: another "
                        f"migration held {str(lock_path)!r} for {MIGRATION_LOCK_WAIT_S} s"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_postgresql(conn: Connection) -> None:
    """Wait (up to the bound) for any other migration of this PostgreSQL database; the
    lock is released when this migration's transaction ends."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text(f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_WAIT_S}s'"))
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})


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
        raise StoreError(f"staging database {_shown(engine.url)}: "
                         f"cannot connect: {str(exc.orig).strip()}") from exc
    if not migrated:
        raise StoreError(f"staging database {_shown(engine.url)!r} has no schema: "
                         "run `newsdesk db migrate`")


def _sqlite_file(db_url: str) -> Path | None:
    """The file behind a SQLite URL (None for other backends and in-memory databases)."""
    url = connect(db_url).url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)
