"""The Jinja2 environment for every newsletter template.

Autoescape is on for ``.html`` (titles and summaries are text; a ``<script>`` in a title
is shown, never run) and off for ``.txt``. ``StrictUndefined`` turns a misspelt variable
into an error at render time instead of an empty string in a sent email.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEXT_WIDTH = 72


def wrap_text(text: str, width: int = TEXT_WIDTH, indent: str = "", first: str | None = None
              ) -> str:
    """Wrap for the plain-text part; ``first`` is the first line's indent (default ``indent``)."""
    return textwrap.fill(" ".join(str(text).split()), width=width,
                         initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def sentence_case(text: str) -> str:
    """``held on 13 October 2020`` -> ``Held on 13 October 2020`` (the rest untouched)."""
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=8)
def template_environment(templates_dir: Path) -> Environment:
    """One environment per templates directory (templates compile once per process)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(enabled_extensions=("html", "xml"),
                                     disabled_extensions=("txt",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["wrap"] = wrap_text
    env.filters["sentence_case"] = sentence_case
    return env
