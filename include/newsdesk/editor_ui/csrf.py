"""CSRF tokens for the editors' writes: signed, expiring, bound to the user's session.

Airflow's UI session is the ``_token`` cookie, which a browser sends with any request to
the API server, including a form another site posts. So every write of the plugin also
needs a token only a page of the plugin can know: an HMAC (itsdangerous, its own salt,
keyed with Airflow's ``[api] secret_key``) over the user's id and a digest of the
credential the request came with (cookie or bearer token). A token from one user's page
is worthless for another user or after signing out and in again.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeTimedSerializer

#: A page left open over a working day still saves; a token copied last week does not.
MAX_AGE_S = 12 * 3600
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_SALT = "newsdesk.editor_ui.csrf"


def session_binding(user_id: str, credential: str) -> str:
    """What a token is bound to: the user and (a digest of) the credential they used."""
    return f"{user_id}:{hashlib.sha256(credential.encode()).hexdigest()}"


def issue(secret: str, binding: str) -> str:
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps(binding)


def is_valid(secret: str, binding: str, token: str | None) -> bool:
    """True only for an unexpired token this secret signed for exactly this binding."""
    if not token or len(token) > 1024:
        return False
    try:
        signed = URLSafeTimedSerializer(secret, salt=_SALT).loads(token, max_age=MAX_AGE_S)
    except BadSignature:  # SignatureExpired is a subclass
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, binding)
