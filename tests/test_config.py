"""Settings: read once, every value with a default for the embedded setup."""

from pathlib import Path

from newsdesk.config import PROJECT_ROOT, Settings


def test_defaults_point_into_the_project() -> None:
    settings = Settings.from_env({})
    assert settings.state_dir == PROJECT_ROOT / ".newsdesk"
    assert settings.db_url == f"sqlite:///{PROJECT_ROOT / '.newsdesk' / 'newsdesk.sqlite'}"
    assert settings.sources_file == PROJECT_ROOT / "include/sources/demo.yaml"


def test_environment_overrides(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "NEWSDESK_STATE_DIR": str(tmp_path),
            "NEWSDESK_DB_URL": "postgresql://postgres@127.0.0.1/newsdesk",
            "NEWSDESK_SOURCES": str(tmp_path / "s.yaml"),
        }
    )
    assert settings.state_dir == tmp_path
    assert settings.db_url.startswith("postgresql")
    assert settings.sources_file == tmp_path / "s.yaml"


def test_state_dir_moves_the_embedded_database(tmp_path: Path) -> None:
    settings = Settings.from_env({"NEWSDESK_STATE_DIR": str(tmp_path)})
    assert settings.db_url == f"sqlite:///{tmp_path / 'newsdesk.sqlite'}"
