"""Normalisation: a parsed item becomes a stored :class:`~newsdesk.records.Item`.

The stage between the parsers and the store, made of pure functions: URLs get one
canonical spelling (:mod:`.urls`), partner HTML is sanitised and read as text
(:mod:`.sanitize`), free-text places give city, country and "online" (:mod:`.places`),
and :func:`normalize_item` puts it together with UTC times (:mod:`.item`).
docs/normalising.md lists what an ``Item`` guarantees.
"""

from newsdesk.normalize.item import content_hash, normalize_item, plain_title
from newsdesk.normalize.places import country_name, parse_location
from newsdesk.normalize.sanitize import html_to_text, sanitize_html
from newsdesk.normalize.urls import (
    TRACKING_PARAMETERS,
    canonical_url,
    is_tracking_parameter,
    without_tracking,
)

__all__ = [
    "TRACKING_PARAMETERS",
    "canonical_url",
    "content_hash",
    "country_name",
    "html_to_text",
    "is_tracking_parameter",
    "normalize_item",
    "parse_location",
    "plain_title",
    "sanitize_html",
    "without_tracking",
]
