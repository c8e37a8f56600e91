"""CSRF tokens for the public forms: signed, expiring, and bound to what the form acts on.

A form's token is an HMAC (itsdangerous, its own salt) over a *binding*: for the confirm
and unsubscribe buttons, a digest of the link's token, so a CSRF token from one person's
page is worth nothing on another's; for the subscribe form, a random nonce that also sits
in a ``SameSite=Strict`` cookie, so another site's page cannot post the form through a
visitor's browser (the cookie does not travel with a cross-site POST). The RFC 8058
one-click POST carries no CSRF token: mail providers send it, and the unsubscribe token
in its URL is the capability.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

#: A page left open over lunch still works; a token copied last week does not.
MAX_AGE_S = 24 * 3600
COOKIE = "newsdesk_form"


def binding_for_link(kind: str, link_token: str) -> str:
    return f"{kind}:{hashlib.sha256(link_token.encode()).hexdigest()}"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def issue(secret: str, binding: str) -> str:
    return _serializer(secret).dumps(binding)


def is_valid(secret: str, binding: str, token: str) -> bool:
    if not token or len(token) > 512:
        return False
    try:
        signed = _serializer(secret).loads(token, max_age=MAX_AGE_S)
    except BadSignature:  # SignatureExpired is a subclass
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, binding)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="newsdesk.csrf")
