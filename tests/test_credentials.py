"""newsdesk.credentials: the one redaction of URLs that become text."""

from __future__ import annotations

import pytest

from newsdesk.credentials import redact_url, url_credentials


@pytest.mark.parametrize(("text", "expected"), [
    ("http://user:pass@host.example/x", "http://host.example/x"),
    ("https://token@host.example:8443/a?b#c", "https://host.example:8443/a?b#c"),
    ("HTTP://u:p%40ss@host.example/", "HTTP://host.example/"),
    ("http://u:p@ss@host.example/", "http://host.example/"),  # the last @ ends the userinfo
    ("source x (http://a:b@one.example/) redirected to https://c:d@two.example/y",
     "source x (http://one.example/) redirected to https://two.example/y"),
    ("http://host.example/path@version", "http://host.example/path@version"),
    ("mailto:info@eropa.example", "mailto:info@eropa.example"),
    ("no URL here", "no URL here"),
])
def test_redact_url(text: str, expected: str) -> None:
    assert redact_url(text) == expected


def test_url_credentials() -> None:
    assert url_credentials("http://editor:s%3Acret@host.example/") == ("editor", "s:cret")
    assert url_credentials("http://token@host.example/") == ("token", "")
    assert url_credentials("http://host.example/") is None
    assert url_credentials("http://[::1/") is None  # unparsable: the fetcher says why
