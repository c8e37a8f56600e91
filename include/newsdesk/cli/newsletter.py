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
import os
from pathlib import Path
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, db_url
from newsdesk.cli.sources_option import add_sources_option, sources_file
from newsdesk.config import PROJECT_ROOT, Settings
from newsdesk.errors import ConfigError, NewsdeskError


def register(subparsers: Any) -> None:
    """Add ``newsletter`` and its three commands to the top-level parser."""
    commands = add_command_group(subparsers, "newsletter",
                                 help="build, render and publish newsletter editions")

    build = commands.add_parser("build", help="build a quarter's edition as a draft revision")
    build.add_argument("--quarter", required=True, type=quarter_key,
                       help="the quarter, e.g. 2020Q4")
    add_db_option(build)
    add_sources_option(build)
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
        load_registry(sources_file(args)),
        load_newsletter_config(args.config),
        created_by=args.by or getpass.getuser(), note=args.note)
    snapshot = revision.snapshot
    print(f"edition {revision.edition_key} revision {revision.number} ({revision.status}): "
          f"{snapshot.item_count} items in {len(snapshot.sections)} sections")
    if snapshot.left_out:
        print(f"left out ({len(snapshot.left_out)}; see docs/newsletter.md, Selection):")
        for entry in snapshot.left_out:
            print(f"  item {entry.item_id} ({entry.partner_id}) {entry.title}: {entry.reason}")
    print(revision.id)
    return 0


def render_command(args: argparse.Namespace) -> int:
    """Render a revision (every check runs) and list the files written."""
    from newsdesk.render.render import render_revision

    out = writable_directory(args.out, "--out")
    try:
        paths = render_revision(db_url(args), args.revision, out,
                                Settings.from_env().templates_dir, preview=args.preview)
    except OSError as exc:
        raise NewsdeskError(f"--out {out}: cannot write {exc.filename}: {exc.strerror}") from exc
    for path in paths:
        print(path)
    return 0


def publish_command(args: argparse.Namespace) -> int:
    """Render a revision and add it to the archive (idempotent)."""
    from newsdesk.publish.archive import publish_revision

    archive = writable_directory(args.archive, "--archive")
    try:
        entry = publish_revision(db_url(args), args.revision, archive,
                                 Settings.from_env().templates_dir)
    except OSError as exc:
        raise NewsdeskError(f"--archive {archive}: cannot write {exc.filename}: "
                            f"{exc.strerror}") from exc
    print(f"published {entry.edition_key} revision {entry.revision_number} "
          f"to {args.archive / entry.edition_key / 'index.html'}")
    return 0


def writable_directory(path: Path, option: str) -> Path:
    """``path`` if it is a directory we may write, or one we may create; else a one-line
    ConfigError naming the option (an existing file, a path under a file, no permission).

    Checked before anything is rendered and without creating anything, so a refused
    revision leaves no empty directory behind.
    """
    try:
        if path.exists() and not path.is_dir():
            raise ConfigError(f"{option} {path}: exists and is not a directory")
        nearest = path
        while not nearest.exists():  # ends at the root at the latest
            nearest = nearest.parent
    except OSError as exc:
        raise ConfigError(f"{option} {path}: cannot be used: {exc.strerror}") from exc
    if not nearest.is_dir():
        raise ConfigError(f"{option} {path}: {nearest} is a file, not a directory")
    if not os.access(nearest, os.W_OK | os.X_OK):
        raise ConfigError(f"{option} {path}: {nearest} is not writable")
    return path
