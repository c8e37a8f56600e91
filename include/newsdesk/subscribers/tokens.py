"""Signed tokens for the links that act on a subscription without a login.

A token carries the subscriber's row id, list and address key, signed with HMAC
(itsdangerous) under a purpose-specific salt, so a confirmation token cannot be replayed as
an unsubscribe token, an altered byte is refused, and a row id alone (guessable) is worth
nothing. Confirmation links expire (``CONFIRM_MAX_AGE_S``); unsubscribe links in a newsletter
must keep working for as long as people keep old emails, so they expire only after a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from newsdesk.errors import ConfigError, TokenError

CONFIRM_MAX_AGE_S = 48 * 3600
UNSUBSCRIBE_MAX_AGE_S = 366 * 24 * 3600
MIN_SECRET_CHARS = 32
MAX_TOKEN_CHARS = 512


class Purpose(StrEnum):
    CONFIRM = "confirm"
    UNSUBSCRIBE = "unsubscribe"


_MAX_AGE = {Purpose.CONFIRM: CONFIRM_MAX_AGE_S, Purpose.UNSUBSCRIBE: UNSUBSCRIBE_MAX_AGE_S}


@dataclass(frozen=True)
class TokenSubject:
    """Whom a token speaks for: checked against the row, so a reused id matches nobody."""

    subscriber_id: int
    list_name: str
    email_key: str


def require_secret(secret: str | None) -> str:
    """The signing secret, refused when missing or too short to resist guessing."""
    if not secret or len(secret) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"NEWSDESK_SECRET: set a random secret of at least {MIN_SECRET_CHARS} characters "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
    return secret


def sign(secret: str, purpose: Purpose, subject: TokenSubject) -> str:
    serializer = URLSafeTimedSerializer(require_secret(secret), salt=f"newsdesk.{purpose}")
    return serializer.dumps([subject.subscriber_id, subject.list_name, subject.email_key])


def verify(secret: str, purpose: Purpose, token: str) -> TokenSubject:
    """The subject of a valid token; :class:`TokenError` (one line, no detail leaked) if not."""
    serializer = URLSafeTimedSerializer(require_secret(secret), salt=f"newsdesk.{purpose}")
    if len(token) > MAX_TOKEN_CHARS:
        raise TokenError(f"{purpose} link is not valid")
    try:
        payload = serializer.loads(token, max_age=_MAX_AGE[purpose])
    except SignatureExpired:
        raise TokenError(f"{purpose} link has expired") from None
    except BadSignature:
        raise TokenError(f"{purpose} link is not valid") from None
    if (not isinstance(payload, list) or len(payload) != 3 or not isinstance(payload[0], int)
            or not all(isinstance(part, str) for part in payload[1:])):
        raise TokenError(f"{purpose} link is not valid")
    return TokenSubject(subscriber_id=payload[0], list_name=payload[1], email_key=payload[2])
