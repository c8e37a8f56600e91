"""Credentials in URLs: used to fetch, never shown or stored.

A partner may put its site behind HTTP Basic authentication and the registry then names
the source as ``https://user:password@host/path``. The password must not reach an error
message, a log line, the ``sources`` table, the fetch log, or an item's link (a relative
link resolved against such a URL would otherwise carry it to every subscriber).

:func:`redact_url` is the one function that turns a URL into text anyone may read;
:func:`url_credentials` is what the fetcher uses to send the credentials as an
``Authorization`` header instead of in the URL.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# scheme "://" then the userinfo: everything up to the last "@" before the authority ends.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s]*@")


def redact_url(text: str) -> str:
    """``text`` with the ``user:password@`` part of every URL in it removed.

    Works on a single URL (``http://u:p@host/x`` → ``http://host/x``) and on a message
    that quotes URLs. A URL without credentials, and any other text, is returned as is.
    """
    return _USERINFO.sub(r"\1", text)


def url_credentials(url: str) -> tuple[str, str] | None:
    """The ``(user, password)`` a URL carries (percent-decoded), or None.

    An unparsable URL carries none: the fetcher rejects it with its own message.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.username is None:
        return None
    return unquote(parts.username), unquote(parts.password or "")
