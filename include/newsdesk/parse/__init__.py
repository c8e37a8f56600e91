"""Parsers: fetched bytes of one source kind in, :class:`ParseResult` out.

One parser per source kind, all with the signature ``(source, document) -> ParseResult``.
A document that cannot be read as a whole raises :class:`newsdesk.errors.ParseError`
naming its URL; a bad entry inside a good document becomes a warning instead.
Adding a kind is a new module and one line in ``_PARSERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from newsdesk.records import FetchedDocument, ParseResult
from newsdesk.registry import AnySource

#: kind -> "module:function"; imported on first use so that importing ``newsdesk.parse``
#: stays cheap (the DAG processor and the CLI's start-up do it).
_PARSERS: dict[str, str] = {
    "feed": "newsdesk.parse.feed:parse_feed",
    "html": "newsdesk.parse.html:parse_html",
    "ics": "newsdesk.parse.ics:parse_ics",
    "jsonld": "newsdesk.parse.jsonld:parse_jsonld",
}


def parser_for(kind: str) -> Callable[[Any, FetchedDocument], ParseResult]:
    module_name, func_name = _PARSERS[kind].split(":")
    func: Callable[[Any, FetchedDocument], ParseResult] = getattr(
        import_module(module_name), func_name
    )
    return func


def parse_document(source: AnySource, document: FetchedDocument) -> ParseResult:
    """Parse one fetched document with the parser of the source's kind."""
    return parser_for(source.kind)(source, document)
