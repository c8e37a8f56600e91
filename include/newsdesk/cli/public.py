"""``newsdesk public serve``: the public subscription pages (uvicorn) until SIGINT/SIGTERM.

Python equivalent: ``newsdesk.public.server.serve(newsdesk.public.create_app(settings,
transport_factory), host=..., port=...)``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.cli.db_option import add_db_option, existing_db_url

DEFAULT_PORT = 8000


def register(subparsers: Any) -> None:
    commands = add_command_group(subparsers, "public", help="the public subscription pages")
    serve = commands.add_parser(
        "serve", help="serve subscribe, confirm and unsubscribe until Ctrl-C",
        description="Serve the public pages (subscribe with double opt-in, confirm, "
                    "unsubscribe with RFC 8058 one-click) with uvicorn until SIGINT or "
                    "SIGTERM. Needs NEWSDESK_SECRET and a migrated staging database; "
                    "links in the emails point at NEWSDESK_PUBLIC_URL.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; 0.0.0.0 in a container)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT})")
    relay = serve.add_mutually_exclusive_group()
    relay.add_argument("--smtp", metavar="URI", default=None,
                       help="SMTP relay for the confirmation emails, in Airflow's connection "
                            "URI form (default: $AIRFLOW_CONN_SMTP_DEFAULT)")
    relay.add_argument("--mail-dir", metavar="DIR", type=Path, default=None,
                       help="write the confirmation emails as .eml files into DIR instead "
                            "of sending them (no relay: local use)")
    add_db_option(serve)
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from newsdesk.config import Settings
    from newsdesk.delivery.transport import DirectoryTransport, SmtpSettings, SmtpTransport
    from newsdesk.errors import ConfigError
    from newsdesk.public import create_app
    from newsdesk.public.confirmation import TransportFactory
    from newsdesk.public.server import serve

    settings = replace(Settings.from_env(), db_url=existing_db_url(args))
    factory: TransportFactory
    if args.mail_dir is not None:
        mail_dir: Path = args.mail_dir
        factory = lambda: DirectoryTransport(mail_dir)  # noqa: E731
    else:
        uri = args.smtp or settings.smtp_uri
        if not uri:
            raise ConfigError("newsdesk public serve: no SMTP relay for the confirmation "
                              "emails: set AIRFLOW_CONN_SMTP_DEFAULT, or pass --smtp URI or "
                              "--mail-dir DIR")
        smtp = SmtpSettings.from_uri(uri)
        factory = lambda: SmtpTransport(smtp)  # noqa: E731
    app = create_app(settings, factory)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"Public pages on http://{args.host}:{args.port}/ (links point at "
          f"{settings.public_url}); Ctrl-C stops.", flush=True)
    serve(app, host=args.host, port=args.port)
    return 0
