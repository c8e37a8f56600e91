"""``newsdesk monthly entries import | export | list``: the monthly update's manual entries.

Each handler is one call into :mod:`newsdesk.monthly.manual`; a file with a bad row is
refused whole, each bad row on its own line (``FILE line N, field F: problem``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, db_url
from newsdesk.cli.table import format_table, shorten


def register(subparsers: Any) -> None:
    """Add ``monthly`` and its commands to the top-level parser."""
    commands = add_command_group(subparsers, "monthly", help="the monthly update to CEPA members")
    entries = add_command_group(commands, "entries",
                                help="entries editors write by hand (on no website)")

    load = entries.add_parser("import", help="check and store a month's entries from a file")
    load.add_argument("file", type=Path, help="a .yaml, .yml or .csv file of entries")
    _month_option(load)
    load.add_argument("--by", default=None, help="who imports them (default: the OS user)")
    add_db_option(load)
    load.set_defaults(handler=import_command)

    export = entries.add_parser("export", help="a month's entries as a file import reads")
    _month_option(export)
    export.add_argument("--format", choices=("yaml", "csv"), default="yaml")
    export.add_argument("--out", type=Path, default=None, help="file (default: stdout)")
    add_db_option(export)
    export.set_defaults(handler=export_command)

    listing = entries.add_parser("list", help="a month's entries")
    _month_option(listing)
    add_db_option(listing)
    listing.set_defaults(handler=list_command)


def _month_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", required=True, type=month_key, help="the month, e.g. 2014-06")


def month_key(value: str) -> str:
    """``--month``'s type: a bad key is a usage error (exit 2) before any database opens."""
    from newsdesk.errors import EditionError
    from newsdesk.monthly.month import Month

    try:
        return Month.parse(value).key
    except EditionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def import_command(args: argparse.Namespace) -> int:
    from newsdesk.monthly.manual import import_entries

    counts = import_entries(db_url(args), args.month, args.file,
                            by=args.by or getpass.getuser())
    print(f"{args.month}: {counts.new} new, {counts.updated} updated, "
          f"{counts.unchanged} unchanged")
    return 0


def export_command(args: argparse.Namespace) -> int:
    from newsdesk.monthly.manual import export_entries, list_entries

    text = export_entries(list_entries(db_url(args), args.month), args.format)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(args.out)
    return 0


def list_command(args: argparse.Namespace) -> int:
    from newsdesk.monthly.manual import list_entries

    entries = list_entries(db_url(args), args.month)
    if not entries:
        print(f"{args.month}: no manual entries")
        return 0
    rows = [(e.key, e.starts_on, e.ends_on, e.parent_key, len(e.paragraphs),
             len(e.list_items), shorten(e.title, 50)) for e in entries]
    print(format_table(("key", "date", "end", "parent", "paras", "list", "title"), rows))
    return 0
