"""Parsers: fetched bytes of one source kind in, :class:`ParseResult` out.

Every kind's parser implements :class:`~newsdesk.parse.parser.SourceParser` and is named by
its source (``source.parser()``): a document that cannot be read as a whole raises
:class:`newsdesk.errors.ParseError` naming its URL; a bad entry inside a good document
becomes a warning instead. Adding a kind is its model in ``registry.py`` and its module
here (see docs/parsers.md). Parser modules are imported on first use, so importing
``newsdesk.parse`` stays cheap (the DAG processor and the CLI's start-up do it).
"""

from __future__ import annotations

from newsdesk.parse.parser import SourceParser
from newsdesk.records import FetchedDocument, ParseResult
from newsdesk.registry import AnySource

__all__ = ["SourceParser", "parse_document"]


def parse_document(source: AnySource, document: FetchedDocument) -> ParseResult:
    """Parse one fetched document with the parser of the source's kind."""
    return source.parser().parse(document)
