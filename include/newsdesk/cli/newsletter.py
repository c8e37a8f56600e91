"""``newsdesk newsletter build | render | publish``: the CLI over newsdesk.edition/render.

A contract used by other tooling: ``build`` prints the new revision id on its last line;
``render`` writes email.html, email.txt, web.html and email.eml (of the approved revision,
or of any with ``--preview``); ``publish`` adds the approved revision to a static web
archive. Each handler is one call into the library; the library
imports happen inside the handlers so ``newsdesk --help`` stays quick.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, db_url
from newsdesk.config import PROJECT_ROOT, Settings


def register(subparsers: Any) -> None:
    """Add ``newsletter`` and its three commands to the top-level parser."""
    commands = add_command_group(subparsers, "newsletter",
                                 help="build, render and publish newsletter editions")

    build = commands.add_parser("build", help="build a quarter's edition as a draft revision")
    build.add_argument("--quarter", required=True, type=quarter_key,
                       help="the quarter, e.g. 2020Q4")
    add_db_option(build)
    build.add_argument("--sources", type=Path, default=None,
                       help="source registry (default: $NEWSDESK_SOURCES)")
    build.add_argument("--config", type=Path, default=PROJECT_ROOT / "include/newsletter.yaml",
                       help="newsletter settings (default: include/newsletter.yaml)")
    build.add_argument("--by", default=None, help="who builds it (default: the OS user)")
    build.add_argument("--note", default=None, help="a note stored with the revision")
    build.set_defaults(handler=build_command)

    render = commands.add_parser("render", help="render a revision into files")
    render.add_argument("revision", type=int, help="edition revision id")
    render.add_argument("--out", type=Path, required=True, help="output directory")
    render.add_argument("--preview", action="store_true",
                        help="render any revision, a draft marked as such (without it only "
                             "the approved revision renders)")
    add_db_option(render)
    render.set_defaults(handler=render_command)

    publish = commands.add_parser("publish", help="add a revision to the static web archive")
    publish.add_argument("revision", type=int, help="edition revision id")
    publish.add_argument("--archive", "--out", dest="archive", type=Path, required=True,
                         help="archive directory")
    add_db_option(publish)
    publish.set_defaults(handler=publish_command)


def quarter_key(value: str) -> str:
    """``--quarter``'s type: a bad key is a usage error (exit 2, one line naming it), found
    before any database is opened; the handler gets the normalised key."""
    from newsdesk.edition.quarter import Quarter
    from newsdesk.errors import EditionError

    try:
        return Quarter.parse(value).key
    except EditionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_command(args: argparse.Namespace) -> int:
    """Build a draft revision; the revision id is the last line printed."""
    from newsdesk.edition.builder import build_edition
    from newsdesk.edition.config import load_newsletter_config
    from newsdesk.registry import load_registry

    revision = build_edition(
        db_url(args), args.quarter,
        load_registry(args.sources or Settings.from_env().sources_file),
        load_newsletter_config(args.config),
        created_by=args.by or getpass.getuser(), note=args.note)
    snapshot = revision.snapshot
    print(f"edition {revision.edition_key} revision {revision.number} ({revision.status}): "
          f"{snapshot.item_count} items in {len(snapshot.sections)} sections")
    print(revision.id)
    return 0


def render_command(args: argparse.Namespace) -> int:
    """Render a revision (every check runs) and list the files written."""
    from newsdesk.render.render import render_revision

    for path in render_revision(db_url(args), args.revision, args.out,
                                Settings.from_env().templates_dir, preview=args.preview):
        print(path)
    return 0


def publish_command(args: argparse.Namespace) -> int:
    """Render a revision and add it to the archive (idempotent)."""
    from newsdesk.publish.archive import publish_revision

    entry = publish_revision(db_url(args), args.revision, args.archive,
                             Settings.from_env().templates_dir)
    print(f"published {entry.edition_key} revision {entry.revision_number} "
          f"to {args.archive / entry.edition_key / 'index.html'}")
    return 0
