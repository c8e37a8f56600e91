"""Canonical URLs: one spelling per page, so the same item under two links is seen as one.

Partners link to the same page with campaign tags, default ports, upper-case hosts and
fragments. :func:`canonical_url` removes exactly those differences and nothing that could
name a different page: other query parameters keep their order and their raw encoding, and
the path (including a trailing slash) is kept as written.
"""

from __future__ import annotations

from urllib.parse import SplitResult, unquote_plus, urlsplit, urlunsplit

import idna

from newsdesk.credentials import redact_url
from newsdesk.errors import ParseError

#: Query parameters that only say how a reader arrived, never which page they asked for.
#: Matched case-insensitively; ``utm_`` is a prefix (utm_source, utm_medium, ...).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)
TRACKING_PARAMETERS: frozenset[str] = frozenset(
    {
        # Google Ads / Analytics
        "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "_ga", "_gl",
        # Meta, Microsoft, Yandex, Twitter/X, TikTok, LinkedIn, Instagram
        "fbclid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id", "igshid",
        # Mailchimp, HubSpot, Marketo, Vero, Omeda
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp",
        "hsctatracking", "mkt_tok", "vero_id", "vero_conv", "oly_anon_id", "oly_enc_id",
        # Twitter share widgets
        "ref_src", "ref_url",
    }
)  # fmt: skip

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name: str) -> bool:
    """True if a query parameter name is on the tracking list (case-insensitive)."""
    key = name.lower()
    return key in TRACKING_PARAMETERS or key.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical spelling of an absolute http(s) URL.

    Lower-cases scheme and host (internationalised hosts become punycode), drops the
    default port, the fragment, credentials (``user:password@``, never stored) and
    tracking parameters (:data:`TRACKING_PARAMETERS`), turns an empty path into ``/``.
    Everything else is kept byte for byte, in order.
    Raises :class:`ParseError` for anything but an absolute http(s) URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ParseError(f"not a valid URL: {redact_url(url)!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ParseError(f"not an absolute http(s) URL: {redact_url(url)!r}")
    netloc = _host(parts)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", _untracked(parts.query), ""))


def without_tracking(url: str) -> str:
    """``url`` with its tracking parameters removed and everything else kept as it was.

    The link newsdesk shows to readers: a partner's ``utm_*`` or ``fbclid`` never travels
    on to subscribers, nor does a password in it; the fragment and the spelling of the rest
    stay the partner's.
    """
    parts = urlsplit(redact_url(url))
    return urlunsplit(parts._replace(query=_untracked(parts.query)))


def _untracked(query: str) -> str:
    return "&".join(
        pair
        for pair in query.split("&")
        if pair and not is_tracking_parameter(unquote_plus(pair.split("=", 1)[0]))
    )


def _host(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        return f"[{host}]"
    if host.isascii():  # already lower-cased by urlsplit; only non-ASCII needs IDNA
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        # Hosts idna refuses (underscores, odd labels) still work in browsers: keep them.
        return host
