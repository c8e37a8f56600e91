"""The Jinja2 environment for every newsletter template.

Autoescape is on for ``.html`` (titles and summaries are text; a ``<script>`` in a title
is shown, never run) and off for ``.txt``. ``StrictUndefined`` turns a misspelt variable
into an error at render time instead of an empty string in a sent email.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from newsdesk.edition.snapshot import SnapshotItem, text_direction

TEXT_WIDTH = 72
#: A word that, at the start of a line, reads as a list bullet or number ("- ", "2.").
_BULLET_LIKE = re.compile(r"^(?:[-*•–—+>]|\d{1,3}[.)])$")
#: Joins a bullet-like word to the word before it while wrapping (not a wrap point).
_GLUE = "\x00"
#: An unbroken run this long (a pasted URL) cannot wrap on a 320px screen by itself.
_LONG_RUN = re.compile(r"\S{25,}")
_AFTER_PUNCTUATION = re.compile(r"(?<=[/?&=_.-])(?=\w)")
_EVERY_20 = re.compile(r"(\w{20})(?=\w)")
BREAK = "\u200b"  # zero-width space: a place to wrap, invisible, ignored by screen readers


def wrap_text(text: str, width: int = TEXT_WIDTH, indent: str = "", first: str | None = None
              ) -> str:
    """Wrap for the plain-text part; ``first`` is the first line's indent (default ``indent``).

    A wrapped line never starts with a word that reads as a bullet or a list number
    (the " - " of "Awards - “Enhancing…”"): such a word stays on the line before it.
    """
    words = " ".join(str(text).split()).split(" ")
    glued: list[str] = []
    for word in words:
        if glued and _BULLET_LIKE.match(word):
            glued[-1] += _GLUE + word
        else:
            glued.append(word)
    wrapped = textwrap.fill(" ".join(glued), width=width,
                            initial_indent=indent if first is None else first,
                            subsequent_indent=indent, break_long_words=False,
                            break_on_hyphens=False)
    return wrapped.replace(_GLUE, " ")


def break_points(text: str) -> str:
    """Long unbroken runs get zero-width spaces (after ``/ ? & = _ . -``, else every 20
    letters) so a narrow screen can wrap them. CSS cannot do this in email: caniemail
    records ``word-wrap``/``overflow-wrap``/``word-break`` as unsupported in Outlook,
    Gmail or Yahoo."""
    def split(match: re.Match[str]) -> str:
        run = _AFTER_PUNCTUATION.sub(BREAK, match.group())
        return BREAK.join(_EVERY_20.sub(rf"\1{BREAK}", part) for part in run.split(BREAK))

    return _LONG_RUN.sub(split, text)


def linked_summary(item: SnapshotItem) -> Markup:
    """The summary as HTML: escaped text, its kept links as ``<a>`` (see edition.links)."""
    parts: list[str] = []
    position = 0
    for link in item.summary_links:
        if link.start < position or link.end > len(item.summary):
            continue  # an editor changed the summary: a span that no longer fits is dropped
        parts.append(str(escape(break_points(item.summary[position:link.start]))))
        label = escape(break_points(item.summary[link.start:link.end]))
        parts.append(f'<a href="{escape(link.url)}">{label}</a>')
        position = link.end
    parts.append(str(escape(break_points(item.summary[position:]))))
    return Markup("".join(parts))


def summary_with_urls(item: SnapshotItem) -> str:
    """The summary for the text part: each kept link's URL in angle brackets after it."""
    parts: list[str] = []
    position = 0
    for link in item.summary_links:
        if link.start < position or link.end > len(item.summary):
            continue
        parts.append(f"{item.summary[position:link.end]} <{link.url}>")
        position = link.end
    parts.append(item.summary[position:])
    return "".join(parts)


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
    env.filters["linked_summary"] = linked_summary
    env.filters["breakable"] = break_points
    env.filters["summary_text"] = summary_with_urls
    env.filters["direction"] = text_direction
    return env
