"""canonical_url: one spelling per page, nothing that could name another page removed."""

from __future__ import annotations

import pytest

from newsdesk.errors import ParseError
from newsdesk.normalize import (
    TRACKING_PARAMETERS,
    canonical_url,
    is_tracking_parameter,
    without_tracking,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Eropa.Example/News/1", "https://www.eropa.example/News/1"),
        ("http://eropa.example:80/a", "http://eropa.example/a"),
        ("https://eropa.example:443/a", "https://eropa.example/a"),
        ("https://eropa.example:8443/a", "https://eropa.example:8443/a"),
        ("http://eropa.example:443/a", "http://eropa.example:443/a"),
        ("https://eropa.example", "https://eropa.example/"),
        ("https://eropa.example?x=1", "https://eropa.example/?x=1"),
        ("https://eropa.example/news/", "https://eropa.example/news/"),
        ("https://eropa.example/news", "https://eropa.example/news"),
        ("https://eropa.example/news#comments", "https://eropa.example/news"),
        (
            "https://eropa.example/n?utm_source=rss&id=7&utm_medium=feed&fbclid=x&lang=en",
            "https://eropa.example/n?id=7&lang=en",
        ),
        ("https://eropa.example/n?b=2&a=1", "https://eropa.example/n?b=2&a=1"),  # order kept
        ("https://eropa.example/n?UTM_Campaign=q4&gclid=1&dclid=2", "https://eropa.example/n"),
        (
            "https://eropa.example/n?msclkid=1&mc_cid=2&mc_eid=3&_hsenc=4&_hsmi=5&igshid=6"
            "&yclid=7&ref_src=twsrc&q=public+administration",
            "https://eropa.example/n?q=public+administration",
        ),
        ("https://eropa.example/n?q=a%20b&x=&&y", "https://eropa.example/n?q=a%20b&x=&y"),
        ("https://eropa.example/n?utm_source", "https://eropa.example/n"),
        ("https://eropa.example/n?ref=home", "https://eropa.example/n?ref=home"),  # not tracking
        ("https://bücher.example/ä", "https://xn--bcher-kva.example/ä"),
        ("  https://eropa.example/n  ", "https://eropa.example/n"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
        ("https://user:pw@eropa.example/x", "https://eropa.example/x"),  # never stored
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "HTTP://Eropa.Example:80?utm_source=x&id=1#top"
    once = canonical_url(url)
    assert canonical_url(once) == once == "http://eropa.example/?id=1"


@pytest.mark.parametrize(
    "url", ["/news/1", "mailto:info@eropa.example", "javascript:alert(1)", "ftp://x.example/"]
)
def test_only_absolute_http_urls(url: str) -> None:
    with pytest.raises(ParseError, match="not an absolute http"):
        canonical_url(url)


def test_bad_port_is_a_parse_error_naming_the_url() -> None:
    with pytest.raises(ParseError, match=r"eropa\.example:99999"):
        canonical_url("https://eropa.example:99999/")


def test_tracking_list() -> None:
    assert {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid"} <= TRACKING_PARAMETERS
    assert is_tracking_parameter("utm_whatever")
    assert is_tracking_parameter("FBCLID")
    assert not is_tracking_parameter("id")


def test_without_tracking_keeps_everything_else() -> None:
    url = "HTTP://Eropa.Example:80/n?utm_source=x&id=1&fbclid=y#programme"
    assert without_tracking(url) == "http://Eropa.Example:80/n?id=1#programme"
    assert without_tracking("https://a.example/p") == "https://a.example/p"
    assert without_tracking("https://a.example/p?utm_medium=rss") == "https://a.example/p"
