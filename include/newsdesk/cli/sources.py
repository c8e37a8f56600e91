"""``newsdesk sources check FILE``: is every source of a registry reachable and readable?

Python equivalent: :func:`newsdesk.source_check.check_registry`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.table import format_table, shorten


def register(subparsers: Any) -> None:
    commands = add_command_group(subparsers, "sources", help="the source registry")
    check = commands.add_parser(
        "check", help="check every source: reachable, robots, kind, feed, items",
        description="Fetch every source of the registry once (nothing is stored) and print "
                    "what was found. Exits 0 whatever the sources answer; 2 when the "
                    "registry itself is invalid.",
    )
    check.add_argument("file", metavar="FILE", type=Path, help="source registry YAML")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    from newsdesk.registry import load_registry
    from newsdesk.source_check import check_registry

    registry = load_registry(args.file)
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
