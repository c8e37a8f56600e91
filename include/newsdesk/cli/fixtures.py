"""``newsdesk fixtures serve``: the fixture partner sites on loopback, for the demo.

Python equivalent: :func:`newsdesk.fixtures.serve`.
"""

from __future__ import annotations

import argparse
from typing import Any

from newsdesk.cli import add_command_group
from newsdesk.errors import ConfigError

DEFAULT_PORT = 8765


def register(subparsers: Any) -> None:
    commands = add_command_group(subparsers, "fixtures", help="the fixture partner sites")
    serve = commands.add_parser(
        "serve", help="serve the fixture sites on 127.0.0.1 until Ctrl-C",
        description="Serve tests/fixtures/sites on 127.0.0.1:PORT (the URLs of "
                    "include/sources/demo.yaml) until Ctrl-C.",
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT})")
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from newsdesk.fixtures import serve

    try:
        serve(args.port)
    except OSError as exc:  # the port is taken, or not ours to bind
        raise ConfigError(f"cannot serve the fixture sites on 127.0.0.1:{args.port}: "
                          f"{exc.strerror or exc}") from exc
    return 0

