"""`newsdesk ingest`, `newsdesk items` and `newsdesk db migrate`: the contract others' tooling
relies on (exit codes, the table, the JSON keys), in-process and once through the script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.cli import main

ITEM_KEYS = {
    "id", "partner", "kind", "title", "url", "summary_text", "summary_html", "published_at",
    "starts_at", "ends_at", "all_day", "location", "city", "country", "online", "language",
    "cluster_id", "sources", "guid", "first_seen", "last_seen",
}
NEWSDESK = Path(sys.executable).with_name("newsdesk")


def test_db_migrate_then_empty_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    assert main(["db", "migrate", "--db", url]) == 0
    assert "schema is up to date" in capsys.readouterr().out
    assert main(["db", "migrate", "--db", url]) == 0  # idempotent
    capsys.readouterr()
    assert main(["items", "--json", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_the_ordinary_postgresql_url_works(fresh_pg_url: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`postgresql://user@host:port/db`, no +driver: SQLAlchemy 2.1 picks psycopg 3 for it
    (once a ModuleNotFoundError traceback: newsdesk required psycopg2)."""
    assert fresh_pg_url.startswith("postgresql://postgres@127.0.0.1:5432/")
    assert main(["db", "migrate", "--db", fresh_pg_url]) == 0
    assert main(["items", "--json", "--db", fresh_pg_url]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "[]"


@pytest.mark.parametrize("url", ["mysql://editor:s3cret@127.0.0.1/newsdesk",
                                 "oracle://127.0.0.1/newsdesk", "nosuchdb://127.0.0.1/x"])
def test_an_unsupported_database_is_one_line_naming_the_supported_ones(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["items", "--db", url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("newsdesk: staging database URL ")
    assert err[0].endswith("newsdesk supports SQLite (sqlite:///PATH) and PostgreSQL "
                           "(postgresql://USER@HOST:PORT/DATABASE, driver psycopg 3)")
    assert "s3cret" not in err[0]


def test_ingest_prints_a_table_exits_0_with_failed_sources(
    registry_file: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--sources", str(registry_file), "--db", db_url]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["partner", "source", "status", "new/updated", "error"]
    table = out.split("\n\n")[0].splitlines()[2:]
    lines = {line.split()[1]: line for line in table}
    assert lines["eropa/news"].split()[2:4] == ["ok", "3/0"]
    assert lines["clad/down"].split()[2] == "failed"
    assert "503" in out.split("errors:")[1]
    assert "5 sources: 3 ok, 0 not modified, 2 failed; 8 new and 0 updated items" in out

    assert main(["items", "--json", "--db", db_url]) == 0
    items = json.loads(capsys.readouterr().out)
    assert len(items) == 8
    assert all(set(item) >= ITEM_KEYS for item in items)
    assert [item["id"] for item in items] == sorted(item["id"] for item in items)
    by_title = {item["title"]: item for item in items}
    bulletin = by_title["EROPA Bulletin, volume 21"]
    assert bulletin["partner"] == "eropa" and bulletin["sources"] == ["eropa/news"]
    assert bulletin["published_at"] == "2026-02-10T01:00:00+00:00"

    # Again: every source answers 304 or fails again; nothing new.
    assert main(["ingest", "--sources", str(registry_file), "--db", db_url]) == 0
    assert "0 ok, 3 not modified, 2 failed; 0 new and 0 updated items" in capsys.readouterr().out
    assert main(["items", "--json", "--db", db_url]) == 0
    assert json.loads(capsys.readouterr().out) == items  # a 304 does not even touch last_seen


def test_ingest_invalid_registry_exits_2(tmp_path: Path, sqlite_url: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("partners:\n  - id: eropa\n    name: EROPA\n    short: EROPA\n"
                   "    sources:\n      - kind: feed\n        url: not-a-url\n")
    assert main(["ingest", "--sources", str(bad), "--db", sqlite_url]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: line 7: partner 'eropa', sources[0].url" in err
    assert "Traceback" not in err


def test_ingest_missing_registry_exits_2(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--sources", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read the registry" in capsys.readouterr().err


def test_db_defaults_to_newsdesk_db_url(registry_file: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.sqlite'}"
    monkeypatch.setenv("NEWSDESK_DB_URL", url)
    assert main(["ingest", "--sources", str(registry_file)]) == 0
    capsys.readouterr()
    assert main(["items", "--json", "--db", url]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 8


def test_items_table_without_json(registry_file: Path, sqlite_url: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest", "--sources", str(registry_file), "--db", sqlite_url])
    capsys.readouterr()
    assert main(["items", "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["id", "partner", "kind", "date", "title"]
    assert "8 items" in out


def test_console_script_end_to_end(registry_file: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'script.sqlite'}"
    env = {"PATH": "/usr/bin:/bin", "NEWSDESK_STATE_DIR": str(tmp_path / "state")}
    ingest = subprocess.run([str(NEWSDESK), "ingest", "--sources", str(registry_file),
                             "--db", url], capture_output=True, text=True, env=env, timeout=120)
    assert ingest.returncode == 0, ingest.stderr
    assert "eropa/news" in ingest.stdout
    items = subprocess.run([str(NEWSDESK), "items", "--json", "--db", url],
                           capture_output=True, text=True, env=env, timeout=60)
    assert items.returncode == 0, items.stderr
    assert len(json.loads(items.stdout)) == 8
    bad = subprocess.run([str(NEWSDESK), "ingest", "--sources", str(tmp_path / "nope.yaml"),
                          "--db", url], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.startswith("newsdesk: ") and "Traceback" not in bad.stderr
