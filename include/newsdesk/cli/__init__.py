"""The ``newsdesk`` command line: a thin layer over the library (see docs/cli.md).

Each command module exposes ``register(subparsers)``, which adds its sub-commands and sets
``handler`` (``(argparse.Namespace) -> int``) on each. Adding a command is one module and
one line in :data:`COMMAND_MODULES`. Command modules import their heavy dependencies
inside the handlers, so ``newsdesk --help`` stays quick.

Expected failures (:class:`NewsdeskError`) print one line to stderr, never a traceback:
exit 2 for a bad setting or registry, 1 for anything else. A reader that closes the pipe
early (``| head``) ends the command quietly with 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from typing import Any

from newsdesk import __version__
from newsdesk.errors import ConfigError, NewsdeskError, RegistryError

#: The command modules, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "newsdesk.cli.ingest",
    "newsdesk.cli.sources",
    "newsdesk.cli.fixtures",
    "newsdesk.cli.newsletter",
    "newsdesk.cli.review",
    "newsdesk.cli.monthly",
    "newsdesk.cli.subscribers",
    "newsdesk.cli.delivery",
    "newsdesk.cli.public",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_command_group(subparsers: Any, name: str, *, help: str) -> Any:
    """A command that only groups sub-commands (``newsdesk db migrate``); returns the
    group's own subparsers. Run without a sub-command, it prints its help and exits 2."""
    group: argparse.ArgumentParser = subparsers.add_parser(name, help=help, description=help)

    def usage(_args: argparse.Namespace) -> int:
        group.print_help(sys.stderr)
        return EXIT_USAGE

    group.set_defaults(handler=usage)
    return group.add_subparsers(title="commands", metavar="COMMAND")


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every command module registered."""
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Partner news and event calendars into an edited newsletter.",
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        status: int = handler(args)
        sys.stdout.flush()  # inside the try: a closed pipe surfaces here, not at exit
    except (ConfigError, RegistryError) as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NewsdeskError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (``newsdesk items --json | head``): it had what it wanted, so
        # this is success, and a pipeline under ``set -o pipefail`` must not fail. Python
        # would otherwise fail again flushing stdout at exit, so point it at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return status
