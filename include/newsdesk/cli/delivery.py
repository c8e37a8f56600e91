"""``newsdesk delivery send|report|resume|test-copy``: the DAG's delivery, by hand.

``send`` runs the same manager as the ``quarterly_newsletter`` tasks (for operators and for
resuming): it refuses an edition without an approved revision, and a second invocation
sends only what is still pending. The relay is ``--smtp URI`` (Airflow's connection URI
form), else ``$AIRFLOW_CONN_SMTP_DEFAULT`` (the same ``smtp_default`` connection the DAG
uses), or ``--sink DIR`` to write ``.eml`` files instead of sending.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, existing_db_url


def register(subparsers: Any) -> None:
    from newsdesk.subscribers.lifecycle import LISTS

    commands = add_command_group(subparsers, "delivery",
                                 help="send an approved edition to a list, and report")

    def edition(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("edition", metavar="EDITION", help="edition key, e.g. 2020Q4")
        parser.add_argument("--kind", default="quarterly", choices=["quarterly", "monthly"])
        add_db_option(parser)

    send = commands.add_parser("send", help="send the approved revision (resumable)")
    edition(send)
    send.add_argument("--list", dest="list_name", required=True,
                      choices=[name for name in LISTS if name != "editors"])
    relay = send.add_mutually_exclusive_group()
    relay.add_argument("--smtp", metavar="URI", default=None,
                       help="smtp://[login:password@]host:port?disable_ssl=true&... "
                            "(default: $AIRFLOW_CONN_SMTP_DEFAULT)")
    relay.add_argument("--sink", metavar="DIR", type=Path, default=None,
                       help="write each message as .eml into DIR instead of sending")
    send.add_argument("--batch-size", type=int, default=500)
    send.add_argument("--in-flight", type=int, default=20,
                      help="recipients claimed at a time (the bound on duplicates after a "
                           "crash)")
    send.add_argument("--pause-after", type=int, default=10,
                      help="consecutive SMTP errors that pause the delivery")
    send.add_argument("--retry-delay", type=float, default=20.0, metavar="SECONDS")
    send.add_argument("--lease", type=float, default=300.0, metavar="SECONDS",
                      help="re-send a message left in flight by a crashed run after this")
    send.set_defaults(handler=run_send)
    rep = commands.add_parser("report", help="sent, failed, skipped and pending per edition")
    edition(rep)
    rep.set_defaults(handler=run_report)
    res = commands.add_parser("resume", help="lift a pause so the next send goes on")
    edition(res)
    res.set_defaults(handler=run_resume)


def run_send(args: argparse.Namespace) -> int:
    from newsdesk.config import Settings
    from newsdesk.delivery.ledger import State
    from newsdesk.delivery.manager import SendOptions, send
    from newsdesk.delivery.transport import DirectoryTransport, SmtpSettings, SmtpTransport
    from newsdesk.errors import ConfigError
    from newsdesk.review.rounds import approved_for_delivery

    url = existing_db_url(args)
    settings = replace(Settings.from_env(), db_url=url)
    approved = approved_for_delivery(url, args.edition, args.kind)
    options = SendOptions(batch_size=args.batch_size, in_flight=args.in_flight,
                          pause_after=args.pause_after, retry_delay_s=args.retry_delay,
                          lease=timedelta(seconds=args.lease))
    if args.sink is not None:
        transport: Any = DirectoryTransport(args.sink)
    else:
        uri = args.smtp or settings.smtp_uri
        if not uri:
            raise ConfigError("delivery send: no relay (give --smtp URI or --sink DIR, or set "
                              "AIRFLOW_CONN_SMTP_DEFAULT)")
        transport = SmtpTransport(SmtpSettings.from_uri(uri))
    report = send(settings, int(approved["revision_id"]), args.list_name, transport, options)
    _print_report(args.edition, report)
    return 1 if report.count(State.PENDING) or report.count(State.SENDING) else 0


def run_report(args: argparse.Namespace) -> int:
    from newsdesk.config import Settings
    from newsdesk.delivery.manager import report

    url = existing_db_url(args)
    settings = replace(Settings.from_env(), db_url=url)
    _print_report(args.edition, report(settings, _edition_id(url, args)))
    return 0


def run_resume(args: argparse.Namespace) -> int:
    from newsdesk.delivery import ledger
    from newsdesk.store.database import session_scope

    url = existing_db_url(args)
    edition_id = _edition_id(url, args)
    with session_scope(url) as session:
        lifted = ledger.resume(session, edition_id)
    print(f"edition {args.kind} {args.edition}: "
          + ("pause lifted; run send again" if lifted else "was not paused"))
    return 0


def _edition_id(url: str, args: argparse.Namespace) -> int:
    from newsdesk.errors import DeliveryError
    from newsdesk.store.database import session_scope
    from newsdesk.store.revisions import find_edition

    with session_scope(url) as session:
        edition = find_edition(session, args.edition, args.kind)
        if edition is None:
            raise DeliveryError(f"edition {args.kind} {args.edition} does not exist")
        return edition.id


def _print_report(key: str, report: Any) -> None:
    from newsdesk.delivery.ledger import State

    counts = ", ".join(f"{report.count(state)} {state.value}" for state in State)
    print(f"edition {key}: {counts}")
    for subscriber_id, reason in report.failed:
        print(f"  failed  subscriber {subscriber_id}: {reason}")
    for subscriber_id, reason in report.skipped:
        print(f"  skipped subscriber {subscriber_id}: {reason}")
    if report.count(State.SENDING):
        print(f"  {report.count(State.SENDING)} in flight (a run is sending, or one crashed: "
              "the next send re-sends them after the lease)", file=sys.stderr)
