"""``newsdesk review list | show | diff | trail``: reading the review state of editions.

Each handler is one call into ``newsdesk.review`` (the same functions the editors' pages
and the DAG use). Answering a review (``approve``, ``request-changes``, ``reject``) belongs
to the waiting Airflow task, so those commands answer it through Airflow's REST API
(:mod:`newsdesk.review.answers`), exactly as an answer in Required Actions.
"""

from __future__ import annotations

import argparse
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, existing_db_url
from newsdesk.cli.table import format_table, shorten

#: What each answering command chooses among the review task's options.
ANSWERS = {"approve": "Approve", "request-changes": "Request changes", "reject": "Reject"}


def register(subparsers: Any) -> None:
    """Add ``review`` and its commands to the top-level parser."""
    commands = add_command_group(subparsers, "review",
                                 help="revisions of an edition, their review state and history")

    listing = commands.add_parser("list", help="every revision of an edition")
    listing.add_argument("edition", help="the edition key, e.g. 2020Q4")
    listing.add_argument("--kind", default="quarterly", help="edition kind (default quarterly)")
    add_db_option(listing)
    listing.set_defaults(handler=list_command)

    show = commands.add_parser("show", help="one revision: state, hash, sections, findings")
    show.add_argument("revision", type=int, help="edition revision id")
    add_db_option(show)
    show.set_defaults(handler=show_command)

    diff = commands.add_parser("diff", help="items added, removed, moved, edited")
    diff.add_argument("old", type=int, help="the older revision id")
    diff.add_argument("new", type=int, help="the newer revision id")
    add_db_option(diff)
    diff.set_defaults(handler=diff_command)

    trail = commands.add_parser("trail", help="the audit trail of an edition")
    trail.add_argument("edition", help="the edition key, e.g. 2020Q4")
    trail.add_argument("--kind", default="quarterly", help="edition kind (default quarterly)")
    add_db_option(trail)
    trail.set_defaults(handler=trail_command)

    for name, option in ANSWERS.items():
        answer = commands.add_parser(
            name, help=f"answer the waiting review of a revision: {option}",
            description="Answers through Airflow's REST API (the waiting review_N task), as "
                        "the Airflow user $NEWSDESK_AIRFLOW_USER with $NEWSDESK_AIRFLOW_PASSWORD.")
        answer.add_argument("revision", type=int, help="edition revision id")
        answer.add_argument("--reason", default="", required=name != "approve",
                            help="why (required to request changes or reject)")
        answer.add_argument("--airflow", metavar="URL", default=None,
                            help="Airflow API server (default $NEWSDESK_AIRFLOW_URL, else "
                                 "http://127.0.0.1:8080)")
        add_db_option(answer)
        answer.set_defaults(handler=answer_command, option=option)


def list_command(args: argparse.Namespace) -> int:
    from newsdesk.review import list_revisions

    revisions = list_revisions(existing_db_url(args), args.edition, args.kind)
    print(format_table(
        ["id", "#", "state", "items", "findings", "hash", "by", "created"],
        [(r.id, r.number, r.status, r.snapshot.item_count, len(r.check_findings),
          r.content_sha256[:12], r.created_by, r.created_at.isoformat(timespec="seconds"))
         for r in revisions]))
    return 0


def show_command(args: argparse.Namespace) -> int:
    from newsdesk.review import load_revision

    r = load_revision(existing_db_url(args), args.revision)
    print(f"{r.label}: {r.status}, content hash {r.content_sha256}")
    print(f"subject: {r.snapshot.subject}")
    for section in r.snapshot.sections:
        print(f"  {section.heading}: {len(section.items)} items")
    print(f"email checks: {len(r.check_findings)} finding(s)")
    for finding in r.check_findings:
        print(f"  - {finding}")
    return 0


def diff_command(args: argparse.Namespace) -> int:
    from newsdesk.review import load_revision
    from newsdesk.review.diff import diff_snapshots

    url = existing_db_url(args)
    old, new = load_revision(url, args.old), load_revision(url, args.new)
    changes = diff_snapshots(old.snapshot, new.snapshot)
    print(f"{old.label} → {new.label}: {changes.summary()}")
    for name in ("added", "removed", "moved", "edited"):
        for change in getattr(changes, name):
            print(f"  {name:8} item {change.item_id}: {shorten(change.title)} ({change.detail})")
    return 0


def trail_command(args: argparse.Namespace) -> int:
    from newsdesk.review import audit_trail

    print(format_table(
        ["at", "#", "from", "to", "who", "reason"],
        [(t.at.isoformat(timespec="seconds"), t.revision_number, t.from_status, t.to_status,
          t.actor, shorten(t.reason)) for t in audit_trail(existing_db_url(args), args.edition,
                                                           args.kind)]))
    return 0


def answer_command(args: argparse.Namespace) -> int:
    import os

    import httpx

    from newsdesk.errors import ConfigError, ReviewError
    from newsdesk.review import load_revision
    from newsdesk.review.answers import answer_review
    from newsdesk.standalone import AirflowAPI

    user, password = os.environ.get("NEWSDESK_AIRFLOW_USER"), os.environ.get(
        "NEWSDESK_AIRFLOW_PASSWORD")
    if not user or not password:
        raise ConfigError("set NEWSDESK_AIRFLOW_USER and NEWSDESK_AIRFLOW_PASSWORD (an Airflow "
                          "user allowed to answer the review)")
    revision = load_revision(existing_db_url(args), args.revision)
    url = args.airflow or os.environ.get("NEWSDESK_AIRFLOW_URL") or "http://127.0.0.1:8080"
    try:
        api = AirflowAPI(url, user, password)
    except httpx.HTTPError as exc:
        raise ReviewError(f"cannot reach Airflow at {url}: {exc}") from exc
    try:
        recorded = answer_review(api.client, kind=revision.kind, revision_id=revision.id,
                                 option=args.option, reason=args.reason)
    finally:
        api.close()
    who = (recorded.get("responded_by") or {}).get("name", user)
    print(f"{revision.label}: {args.option} recorded for the waiting review (by {who}); the "
          "DAG run settles it")
    return 0
