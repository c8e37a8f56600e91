"""``newsdesk sources check [--sources FILE]``: is every source of a registry reachable and
readable?
``newsdesk sources health``: how has every source fared in the runs so far?

Python equivalents: :func:`newsdesk.source_check.check_registry` and
:func:`newsdesk.store.sources.source_health`.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, db_url
from newsdesk.cli.sources_option import add_sources_option, sources_file
from newsdesk.cli.table import format_table, shorten


def register(subparsers: Any) -> None:
    commands = add_command_group(subparsers, "sources", help="the source registry")
    check = commands.add_parser(
        "check", help="check every source: reachable, robots, kind, feed, items",
        description="Fetch every source of the registry once (nothing is stored) and print "
                    "what was found. Exits 0 whatever the sources answer; 2 when the "
                    "registry itself is invalid.",
    )
    add_sources_option(check)
    check.set_defaults(handler=run_check)
    health = commands.add_parser(
        "health", help="every source's last outcome, failing sources first",
        description="Read the staging database's source records and fetch log (nothing is "
                    "fetched): last status, consecutive failures, last success, last error.",
    )
    add_db_option(health)
    health.set_defaults(handler=run_health)


def run_health(args: argparse.Namespace) -> int:
    from newsdesk.store.database import require_migrated, session_scope
    from newsdesk.store.sources import source_health

    url = db_url(args)
    require_migrated(url)
    with session_scope(url) as session:
        sources = source_health(session)
    rows = [(h.source_id, h.last_status or "never", h.consecutive_failures,
             _day(h.last_fetched_at), _day(h.last_ok_at), shorten(h.last_error or ""))
            for h in sources]
    print(format_table(("source", "last status", "failures in a row", "last fetch",
                        "last success", "last error"), rows))
    failing = sum(h.consecutive_failures > 0 for h in sources)
    print(f"\n{len(sources)} sources, {failing} failing")
    return 0


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def run_check(args: argparse.Namespace) -> int:
    from newsdesk.registry import load_registry
    from newsdesk.source_check import check_registry

    registry = load_registry(sources_file(args))
    checks = check_registry(registry)
    rows = []
    for c in checks:
        kind = c.detected_kind
        if kind and kind != c.kind:
            kind = f"{kind} (registry: {c.kind})"
        robots = {True: "allowed", False: "disallowed", None: None}[c.robots_allowed]
        note = c.error if c.enabled else f"disabled{'; ' + c.error if c.error else ''}"
        rows.append((c.partner_id, c.source_id, c.http_status, robots, kind, c.feed_url,
                     c.items_found, shorten(note)))
    print(format_table(
        ("partner", "source", "http", "robots", "kind", "feed", "items", "error"), rows))
    errors = [f"  {c.source_id}: {c.error}" for c in checks if c.error]
    if errors:
        print("\nerrors:", *errors, sep="\n")
    problems = sum(c.error is not None for c in checks)
    print(f"\n{len(checks)} sources checked, {problems} with problems")
    return 0
