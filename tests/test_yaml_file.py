"""The one YAML loader, through both files that use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.edition.config import load_newsletter_config
from newsdesk.errors import ConfigError, RegistryError
from newsdesk.registry import load_registry


def test_registry_not_utf8_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_bytes("partners:\n  - {id: icap, name: Administraci\u00f3n}\n".encode("latin-1"))
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and "not UTF-8" in message and "\n" not in message


def test_newsletter_settings_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "newsletter.yaml"
    path.write_bytes("title: Bolet\u00edn\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_newsletter_config(path)


def test_duplicate_key_is_refused_with_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("partners: []\nextra: 1\npartners: []\n")
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    assert str(raised.value) == f"{path}: line 3: not valid YAML: duplicate key 'partners'"


def test_duplicate_key_in_newsletter_settings(tmp_path: Path) -> None:
    path = tmp_path / "newsletter.yaml"
    path.write_text("timezone: UTC\ntimezone: Asia/Seoul\n")
    with pytest.raises(ConfigError, match=r"line 2: .*duplicate key 'timezone'"):
        load_newsletter_config(path)


def test_invalid_yaml_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("partners:\n  - id: a\n   name: [\n")
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: line ") and "\n" not in message
