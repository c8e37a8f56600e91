"""``newsdesk ingest``, ``newsdesk items`` and ``newsdesk db migrate``.

Python equivalents: :func:`newsdesk.ingest.ingest_all`, :func:`newsdesk.store.items.list_items`
with :func:`newsdesk.store.items.item_as_json`, :func:`newsdesk.store.database.migrate`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, db_url
from newsdesk.cli.sources_option import add_sources_option, sources_file
from newsdesk.cli.table import format_table, shorten


def register(subparsers: Any) -> None:
    ingest = subparsers.add_parser(
        "ingest", help="fetch and store every enabled source of a registry",
        description="Fetch, parse and store every enabled source, then re-cluster. Prints "
                    "one line per source; exits 0 even when some sources failed (they are "
                    "in the table and the fetch log).",
    )
    add_sources_option(ingest)
    add_db_option(ingest)
    ingest.set_defaults(handler=run_ingest)

    items = subparsers.add_parser("items", help="list the stored items",
                                  description="List every stored item, oldest first.")
    items.add_argument("--json", action="store_true",
                       help="print a JSON array of item objects (see docs/cli.md)")
    add_db_option(items)
    items.set_defaults(handler=run_items)

    db_commands = add_command_group(subparsers, "db", help="staging database maintenance")
    migrate = db_commands.add_parser(
        "migrate", help="create or upgrade the staging database schema",
        description="Bring the staging database to the newest schema (idempotent).",
    )
    add_db_option(migrate)
    migrate.set_defaults(handler=run_migrate)


def run_ingest(args: argparse.Namespace) -> int:
    from newsdesk.ingest import ingest_all
    from newsdesk.registry import load_registry

    registry = load_registry(sources_file(args))
    reports = ingest_all(registry, db_url(args))
    rows = [(r.partner_id, r.source_id, r.status, f"{r.items_new}/{r.items_updated}",
             shorten(r.error)) for r in reports]
    print(format_table(("partner", "source", "status", "new/updated", "error"), rows))
    errors = [f"  {r.source_id}: {r.error}" for r in reports if r.error]
    if errors:
        print("\nerrors:", *errors, sep="\n")
    failed = sum(r.status == "failed" for r in reports)
    unchanged = sum(r.status == "not_modified" for r in reports)
    print(f"\n{len(reports)} sources: {len(reports) - failed - unchanged} ok, "
          f"{unchanged} not modified, {failed} failed; "
          f"{sum(r.items_new for r in reports)} new and "
          f"{sum(r.items_updated for r in reports)} updated items")
    return 0


def run_items(args: argparse.Namespace) -> int:
    from newsdesk.store.database import require_migrated, session_scope
    from newsdesk.store.items import item_as_json, list_items

    url = db_url(args)
    require_migrated(url)
    with session_scope(url) as session:
        items = [item_as_json(row) for row in list_items(session)]
    if args.json:
        json.dump(items, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    rows = [(item["id"], item["partner"], item["kind"],
             (item["starts_at"] or item["published_at"] or "")[:10], shorten(item["title"], 70))
            for item in items]
    print(format_table(("id", "partner", "kind", "date", "title"), rows))
    print(f"\n{len(items)} items")
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from newsdesk.store.database import migrate

    url = db_url(args)
    migrate(url)
    print(f"{make_url(url).render_as_string(hide_password=True)}: schema is up to date")
    return 0

