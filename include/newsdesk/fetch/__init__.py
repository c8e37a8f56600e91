"""Polite, defensive fetching of partner URLs (see docs/fetching.md).

``Fetcher`` is the whole public surface most callers need; ``Resolver`` is the type of the
DNS hook the address guard uses, and ``system_resolver`` its default.
"""

from newsdesk.fetch.addresses import Resolver, blocked_reason, system_resolver
from newsdesk.fetch.client import Fetcher

__all__ = ["Fetcher", "Resolver", "blocked_reason", "system_resolver"]
