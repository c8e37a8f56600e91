"""CSRF tokens: valid only for the binding (user and session) and the secret they were made for."""

from __future__ import annotations

from newsdesk.editor_ui import csrf


def test_a_token_is_valid_for_its_own_session_only() -> None:
    mine = csrf.session_binding("admin", "jwt-of-this-session")
    token = csrf.issue("s3cret", mine)
    assert csrf.is_valid("s3cret", mine, token)
    assert not csrf.is_valid("s3cret", csrf.session_binding("admin", "another-jwt"), token)
    assert not csrf.is_valid("s3cret", csrf.session_binding("viewer", "jwt-of-this-session"),
                             token)
    assert not csrf.is_valid("another-secret", mine, token)


def test_missing_forged_or_oversized_tokens_are_invalid() -> None:
    binding = csrf.session_binding("admin", "jwt")
    for token in (None, "", "forged", "x" * 5000, csrf.issue("s3cret", binding)[:-2] + "AA"):
        assert not csrf.is_valid("s3cret", binding, token)


def test_the_binding_does_not_carry_the_credential() -> None:
    assert "jwt-secret-value" not in csrf.session_binding("admin", "jwt-secret-value")
