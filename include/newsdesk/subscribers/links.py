"""The public addresses of the subscription pages: one place that email and web app share.

The public app (``newsdesk.public``) serves exactly these paths; messages link to them. The
token is a path segment (URL-safe by construction), never a query string, so it survives
mail clients that mangle ``?`` and ``&``.
"""

from __future__ import annotations

from urllib.parse import quote

SUBSCRIBE_PATH = "/subscribe"
CONFIRM_PATH = "/confirm/{token}"
UNSUBSCRIBE_PATH = "/unsubscribe/{token}"


def confirm_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + CONFIRM_PATH.format(token=quote(token, safe=""))


def unsubscribe_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + UNSUBSCRIBE_PATH.format(token=quote(token, safe=""))


def unsubscribe_mailto(from_address: str, token: str) -> str:
    """The ``mailto:`` half of List-Unsubscribe: the sender's domain, the token in the subject."""
    domain = from_address.rpartition("@")[2]
    return f"mailto:unsubscribe@{domain}?subject=unsubscribe%20{quote(token, safe='')}"
