"""The one interface every source kind's parser implements.

A source in the registry names its parser (``source.parser()``, a :class:`SourceParser`
bound to that source); the callers (``ingest``, ``sources check``) only ever talk to this
interface. So a new source kind is its configuration model in ``registry.py`` and its
parser module here, and nothing else changes: no table of kinds, no ``isinstance`` on a
source class in the pipeline.

Parsing itself stays pure (bytes in, :class:`ParseResult` out). What a kind may ask of
the fetching caller is said by the optional methods: read another source instead
(an html page that advertises its feed), or fetch each item's own page and merge it in.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from newsdesk.records import FetchedDocument, ParsedItem, ParseResult

if TYPE_CHECKING:
    from newsdesk.registry import AnySource


class SourceParser(ABC):
    """Reads the documents of one source (its configuration is the parser's own)."""

    @abstractmethod
    def parse(self, document: FetchedDocument) -> ParseResult:
        """Every item of the fetched document; a document unreadable as a whole raises
        :class:`~newsdesk.errors.ParseError` naming its URL, a bad entry is a warning."""

    def read_instead(self, parsed: ParseResult) -> AnySource | None:
        """A source to fetch and read in this one's place, given what :meth:`parse` found
        (None: keep the items parsed). Followed once: never from the other source too."""
        return None

    def follows_item_pages(self) -> bool:
        """Whether each item's own page is to be fetched and passed to :meth:`with_item_page`."""
        return False

    def with_item_page(self, item: ParsedItem, page: FetchedDocument) -> ParsedItem:
        """``item`` completed from its own fetched page (raises ParseError if unreadable)."""
        return item

    def advertised_feeds(self, document: FetchedDocument) -> list[str]:
        """Feeds the document points to (shown by ``sources check``); none by default."""
        return []
