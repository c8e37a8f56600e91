"""The source registry: the YAML contract, and errors that name file, partner and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.errors import RegistryError
from newsdesk.registry import (
    FeedSource,
    HtmlSource,
    IcsSource,
    JsonldSource,
    load_registry,
    source_key,
)

CONTRACT_EXAMPLE = """\
settings:
  user_agent: "newsdesk/0.1 (+mailto:unpan@example.org)"
  timeout_s: 20
  max_bytes: 5000000
  min_delay_s: 1.0
  allow_private_hosts: false
partners:
  - id: eropa
    name: Eastern Regional Organization for Public Administration
    short: EROPA
    region: Asia and the Pacific
    language: en
    sources:
      - kind: feed
        url: https://example.org/feed.xml
      - kind: html
        url: https://example.org/news
        item_kind: news
        selectors:
          item: "article.post"
          title: "h2 a"
          link: "h2 a@href"
          date: "time@datetime"
          summary: "p.excerpt"
      - kind: ics
        url: https://example.org/events.ics
      - kind: jsonld
        url: https://example.org/events
        enabled: false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_issue_contract_example_loads_with_every_kind(tmp_path: Path) -> None:
    registry = load_registry(write(tmp_path, CONTRACT_EXAMPLE))
    kinds = [type(s) for s in registry.partners[0].sources]
    assert kinds == [FeedSource, HtmlSource, IcsSource, JsonldSource]
    assert registry.settings.timeout_s == 20
    assert registry.settings.allow_private_hosts is False
    enabled = registry.enabled_sources()
    assert [s.kind for _, s in enabled] == ["feed", "html", "ics"]


def test_settings_are_optional_with_documented_defaults(tmp_path: Path) -> None:
    registry = load_registry(write(tmp_path, "partners:\n  - {id: a, name: A, short: A}\n"))
    assert registry.settings.max_bytes == 5_000_000
    assert registry.settings.min_delay_s == 1.0
    assert registry.settings.allow_private_hosts is False


def test_source_keys_are_stable_under_reordering(tmp_path: Path) -> None:
    registry = load_registry(write(tmp_path, CONTRACT_EXAMPLE))
    partner = registry.partners[0]
    keys = {source_key(partner, s) for s in partner.sources}
    reordered = partner.model_copy(update={"sources": list(reversed(partner.sources))})
    assert {source_key(reordered, s) for s in reordered.sources} == keys
    first = next(iter(sorted(keys)))
    assert registry.source(first)[0].id == "eropa"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("url: https://example.org/feed.xml", "url: ftp://example.org/feed.xml"),
            "partner 'eropa', sources[0].url: must be an absolute http:// or https:// URL",
        ),
        (("kind: ics", "kind: ical"), "partner 'eropa', sources[2].kind: unknown kind 'ical' "
                                      "(allowed: feed, html, ics, jsonld)"),
        (("id: eropa", "id: EROPA!"), "partner 'EROPA!', id: String should match pattern"),
        (("timeout_s: 20", "timeout_s: -5"), "settings.timeout_s: Input should be greater than 0"),
        (
            ('item: "article.post"', 'itme: "article.post"'),
            "sources[1].selectors.item: Field required",
        ),
        (
            ("short: EROPA", "shorty: EROPA"),
            "partner 'eropa', shorty: Extra inputs are not permitted",
        ),
        (
            ("language: en", "language: en\n    timezone: Asia/Nowhere"),
            "partner 'eropa', timezone: unknown IANA time zone 'Asia/Nowhere'",
        ),
    ],
)
def test_errors_name_the_file_partner_and_field(
    tmp_path: Path, edit: tuple[str, str], expected: str
) -> None:
    path = write(tmp_path, CONTRACT_EXAMPLE.replace(*edit, 1))
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_duplicate_partner_ids_are_refused(tmp_path: Path) -> None:
    text = "partners:\n  - {id: a, name: A, short: A}\n  - {id: a, name: B, short: B}\n"
    with pytest.raises(RegistryError, match="partner id 'a' is used twice"):
        load_registry(write(tmp_path, text))


def test_html_source_needs_selectors_or_discovery(tmp_path: Path) -> None:
    text = (
        "partners:\n  - id: a\n    name: A\n    short: A\n    sources:\n"
        "      - {kind: html, url: 'https://a.example/news'}\n"
    )
    with pytest.raises(RegistryError, match="needs 'selectors' or 'discover_feed: true'"):
        load_registry(write(tmp_path, text))


def test_unreadable_and_invalid_yaml_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"missing\.yaml: cannot read"):
        load_registry(tmp_path / "missing.yaml")
    with pytest.raises(RegistryError, match="not valid YAML"):
        load_registry(write(tmp_path, "partners: [unclosed\n"))
    with pytest.raises(RegistryError, match="must be a mapping"):
        load_registry(write(tmp_path, "- just a list\n"))


def test_errors_give_the_line_of_the_value(tmp_path: Path) -> None:
    """`kind: fed` once printed pydantic's "Input tag 'fed' found using 'kind' does not
    match..." without a line: now file, line, partner, field and the allowed kinds."""
    text = ("partners:\n"
            "  - id: eropa\n"
            "    name: EROPA\n"
            "    short: EROPA\n"
            "    sources:\n"
            "      - kind: fed\n"
            "        url: https://eropa.example/feed\n"
            "      - url: https://eropa.example/cal.ics\n"
            "      - kind: feed\n"
            "        url: ftp://eropa.example/feed\n"
            "      - kind: html\n"
            "        url: https://eropa.example/news\n"
            "        selectors: {title: h2}\n")
    path = write(tmp_path, text)
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    assert str(info.value).splitlines() == [
        f"{path}: line 6: partner 'eropa', sources[0].kind: unknown kind 'fed' "
        "(allowed: feed, html, ics, jsonld)",
        f"{path}: line 8: partner 'eropa', sources[1].kind: missing "
        "(allowed: feed, html, ics, jsonld)",
        f"{path}: line 10: partner 'eropa', sources[2].url: must be an absolute http:// or "
        "https:// URL",
        f"{path}: line 13: partner 'eropa', sources[3].selectors.item: Field required",
    ]
