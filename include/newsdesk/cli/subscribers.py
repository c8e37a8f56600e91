"""``newsdesk subscribers import|export|count|remove|bounce``: the operator's list work.

Python equivalents: :mod:`newsdesk.subscribers.csv_import` (``import_csv``, ``export_csv``,
``counts``, ``mark_bounced_file``) and :func:`newsdesk.subscribers.lifecycle.remove`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, db_url
from newsdesk.cli.table import format_table

#: Files at least this large get a progress bar (when stderr is a terminal).
PROGRESS_FROM_BYTES = 256 * 1024


def register(subparsers: Any) -> None:
    from newsdesk.subscribers.lifecycle import LISTS, Status

    commands = add_command_group(subparsers, "subscribers", help="mailing-list subscribers")

    def with_list(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--list", dest="list_name", required=True, choices=LISTS,
                            help="the mailing list")
        add_db_option(parser)

    imp = commands.add_parser(
        "import", help="import a CSV of consenting subscribers (idempotent)",
        description="Columns: email (required), name, organisation, language, consent_source, "
                    "consent_at. Good rows are imported as active; each bad row is reported "
                    "with its line number. Unsubscribed or bounced people stay so. Exits 1 "
                    "when any row was bad.")
    imp.add_argument("file", metavar="FILE.csv", type=Path)
    with_list(imp)
    imp.set_defaults(handler=run_import)
    exp = commands.add_parser("export", help="write a list as CSV (stdout or --out)")
    with_list(exp)
    exp.add_argument("--status", choices=[s.value for s in Status], default=None)
    exp.add_argument("--out", metavar="FILE", type=Path, default=None)
    exp.set_defaults(handler=run_export)
    cnt = commands.add_parser("count", help="subscribers per list and status")
    add_db_option(cnt)
    cnt.set_defaults(handler=run_count)
    rem = commands.add_parser("remove", help="unsubscribe one address (kept out of imports)")
    rem.add_argument("email", metavar="EMAIL")
    with_list(rem)
    rem.set_defaults(handler=run_remove)
    bnc = commands.add_parser(
        "bounce", help="mark the addresses of a provider's bounce list (one a line) bounced")
    bnc.add_argument("file", metavar="FILE", type=Path)
    with_list(bnc)
    bnc.set_defaults(handler=run_bounce)


def run_import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from newsdesk.store.database import require_migrated, session_scope
    from newsdesk.subscribers.csv_import import import_csv

    url = db_url(args)
    require_migrated(url)
    size = args.file.stat().st_size if args.file.is_file() else 0
    show = sys.stderr.isatty() and size >= PROGRESS_FROM_BYTES
    with tqdm(total=size, unit="B", unit_scale=True, disable=not show, file=sys.stderr,
              desc=args.file.name) as bar:
        def progress(done: int) -> None:
            bar.update(done - bar.n)

        with session_scope(url) as session:
            report = import_csv(session, args.file, args.list_name, progress=progress)
    for bad in report.bad:
        print(f"{args.file}:{bad.line}: {bad.reason}", file=sys.stderr)
    print(f"{args.list_name}: {report.added} added, {report.updated} updated, "
          f"{report.unchanged} unchanged, {report.kept_out} kept out (unsubscribed or "
          f"bounced), {len(report.bad)} bad rows")
    return 1 if report.bad else 0


def run_export(args: argparse.Namespace) -> int:
    from newsdesk.store.database import require_migrated, session_scope
    from newsdesk.subscribers.csv_import import export_csv
    from newsdesk.subscribers.lifecycle import Status

    url = db_url(args)
    require_migrated(url)
    status = Status(args.status) if args.status else None
    with session_scope(url) as session:
        if args.out is None:
            export_csv(session, args.list_name, sys.stdout, status=status)
            return 0
        with args.out.open("w", encoding="utf-8", newline="") as out:
            count = export_csv(session, args.list_name, out, status=status)
    print(f"{count} subscribers written to {args.out}", file=sys.stderr)
    return 0


def run_count(args: argparse.Namespace) -> int:
    from newsdesk.store.database import require_migrated, session_scope
    from newsdesk.subscribers.csv_import import counts
    from newsdesk.subscribers.lifecycle import LISTS, Status

    url = db_url(args)
    require_migrated(url)
    with session_scope(url) as session:
        found = counts(session)
    rows = [(name, *(found.get((name, s.value), 0) for s in Status)) for name in LISTS]
    print(format_table(("list", *(s.value for s in Status)), rows))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from newsdesk.store.database import require_migrated, session_scope
    from newsdesk.subscribers.lifecycle import remove

    url = db_url(args)
    require_migrated(url)
    with session_scope(url) as session:
        row = remove(session, args.list_name, args.email)
        if row is None:
            print(f"newsdesk: {args.email} is not on {args.list_name}", file=sys.stderr)
            return 1
        print(f"{row.email}: {row.status} on {args.list_name}")
    return 0


def run_bounce(args: argparse.Namespace) -> int:
    from newsdesk.store.database import require_migrated, session_scope
    from newsdesk.subscribers.csv_import import mark_bounced_file

    url = db_url(args)
    require_migrated(url)
    with session_scope(url) as session:
        changed, bad = mark_bounced_file(session, args.file, args.list_name)
    for item in bad:
        print(f"{args.file}:{item.line}: {item.reason}", file=sys.stderr)
    print(f"{args.list_name}: {changed} marked bounced, {len(bad)} lines not used")
    return 1 if bad else 0
