"""The ``--db URL`` option every command that reads or writes the staging database takes."""

from __future__ import annotations

import argparse

from newsdesk.config import Settings


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="URL", default=None,
        help="staging database URL (default: $NEWSDESK_DB_URL, else the SQLite file in "
             "the state directory)",
    )


def db_url(args: argparse.Namespace) -> str:
    """``--db`` when given, else the settings' URL (read when the command runs, not before)."""
    url: str | None = args.db
    return url or Settings.from_env().db_url


def existing_db_url(args: argparse.Namespace) -> str:
    """:func:`db_url` for a command that only reads: a missing or unmigrated database is one
    line (exit 1), and nothing is created on the way."""
    from newsdesk.store.database import require_migrated

    url = db_url(args)
    require_migrated(url)
    return url
