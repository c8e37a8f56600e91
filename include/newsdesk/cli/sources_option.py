"""The ``--sources FILE`` option: the one way every command names the source registry.

``newsdesk ingest``, ``newsdesk sources check`` and ``newsdesk newsletter build`` all read
a registry; each takes it as ``--sources FILE``, defaulting to the settings' file
(``NEWSDESK_SOURCES``, else ``include/sources/demo.yaml``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsdesk.config import Settings


def add_sources_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sources", metavar="FILE", type=Path, default=None,
        help="source registry YAML (default: $NEWSDESK_SOURCES, else "
             "include/sources/demo.yaml)",
    )


def sources_file(args: argparse.Namespace) -> Path:
    """``--sources`` when given, else the settings' file (read when the command runs)."""
    path: Path | None = args.sources
    return path or Settings.from_env().sources_file
