"""Signed links: unforgeable, purpose-bound, expiring."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from newsdesk.errors import ConfigError, TokenError
from newsdesk.subscribers.tokens import Purpose, TokenSubject, sign, verify

SECRET = "s" * 40
SUBJECT = TokenSubject(subscriber_id=7, list_name="partners-newsletter", email_key="a@x.org")


def test_a_token_round_trips() -> None:
    assert verify(SECRET, Purpose.UNSUBSCRIBE, sign(SECRET, Purpose.UNSUBSCRIBE, SUBJECT)) \
        == SUBJECT


def test_altered_forged_and_cross_purpose_tokens_are_refused() -> None:
    token = sign(SECRET, Purpose.UNSUBSCRIBE, SUBJECT)
    altered = token[:3] + ("A" if token[3] != "A" else "B") + token[4:]  # the payload
    forged = sign("t" * 40, Purpose.UNSUBSCRIBE, SUBJECT)
    for bad in (altered, forged, "", "x" * 5000, sign(SECRET, Purpose.CONFIRM, SUBJECT)):
        with pytest.raises(TokenError, match="unsubscribe link is not valid"):
            verify(SECRET, Purpose.UNSUBSCRIBE, bad)


def test_a_signed_payload_of_the_wrong_shape_is_refused() -> None:
    odd = URLSafeTimedSerializer(SECRET, salt="newsdesk.unsubscribe").dumps({"id": 7})
    with pytest.raises(TokenError, match="not valid"):
        verify(SECRET, Purpose.UNSUBSCRIBE, odd)


def test_an_expired_confirmation_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    token = sign(SECRET, Purpose.CONFIRM, SUBJECT)
    import itsdangerous.timed
    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 49 * 3600)
    with pytest.raises(TokenError, match="confirm link has expired"):
        verify(SECRET, Purpose.CONFIRM, token)


def test_a_missing_or_short_secret_is_a_config_error() -> None:
    for secret in (None, "", "short"):
        with pytest.raises(ConfigError, match="NEWSDESK_SECRET"):
            sign(secret, Purpose.CONFIRM, SUBJECT)  # type: ignore[arg-type]


def test_links_carry_the_token_as_one_path_segment() -> None:
    from newsdesk.subscribers.links import unsubscribe_mailto, unsubscribe_url
    token = sign(SECRET, Purpose.UNSUBSCRIBE, SUBJECT)
    assert unsubscribe_url("https://news.unpan.org/", token) \
        == f"https://news.unpan.org/unsubscribe/{token}"
    assert unsubscribe_mailto("newsletter@unpan.org", token) \
        == f"mailto:unsubscribe@unpan.org?subject=unsubscribe%20{token}"
