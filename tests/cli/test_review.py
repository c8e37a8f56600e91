"""``newsdesk review list | show | diff | trail`` through the real parser."""

from __future__ import annotations

import pytest
from tests.newsletter_factory import BUILT_AT, config, insert, registry, seed_items

from newsdesk.cli import main
from newsdesk.edition.builder import build_edition
from newsdesk.review import submit_for_review
from newsdesk.review.edits import Edit, save_edits
from newsdesk.store.revisions import StoredRevision


def _build(db_url: str, key: str, kind: str = "quarterly", by: str = "builder",
           note: str | None = None) -> StoredRevision:
    return build_edition(db_url, key, registry(), config(), created_by=by, note=note,
                         built_at=BUILT_AT)


def test_list_show_diff_trail(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    first = _build(sqlite_url, "2020Q4")
    second = save_edits(sqlite_url, first.id, [Edit(action="exclude", item_id=7)],
                        by="editor", builders={"quarterly": _build}).revision
    submit_for_review(sqlite_url, second.id, by="quarterly_newsletter")

    assert main(["review", "list", "2020Q4", "--db", sqlite_url]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[2].split()[:3] == [str(first.id), "1", "superseded"]
    assert rows[3].split()[:3] == [str(second.id), "2", "in_review"]

    assert main(["review", "show", str(second.id), "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert f"(2020Q4 #2): in_review, content hash {second.content_sha256}" in out
    assert "email checks: 0 finding(s)" in out

    assert main(["review", "diff", str(first.id), str(second.id), "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert "0 added, 1 removed, 0 moved, 0 edited" in out
    assert "removed  item 7: The EROPA Bulletin Volume 41 (from eropa)" in out

    assert main(["review", "trail", "2020Q4", "--db", sqlite_url]) == 0
    trail = capsys.readouterr().out
    lines = [line.split() for line in trail.splitlines()[2:]]
    assert [line[1:] for line in lines] == [
        ["1", "-", "draft", "builder", "-"], ["2", "-", "draft", "editor", "edited", "by",
                                              "editor:", "exclude"],
        ["1", "draft", "superseded", "editor", "superseded", "by", "#2"],
        ["2", "draft", "in_review", "quarterly_newsletter", "-"]]


def test_an_unknown_revision_is_one_line(sqlite_url: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "show", "99", "--db", sqlite_url]) == 1
    assert capsys.readouterr().err == "newsdesk: no edition revision 99 in the staging database\n"


def test_answering_needs_airflow_credentials_and_a_reason(
        sqlite_url: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """approve/request-changes/reject answer through Airflow's REST API (the end-to-end DAG
    test drives them against a real server); without credentials or a reason: one line."""
    monkeypatch.delenv("NEWSDESK_AIRFLOW_USER", raising=False)
    monkeypatch.delenv("NEWSDESK_AIRFLOW_PASSWORD", raising=False)
    assert main(["review", "approve", "1", "--db", sqlite_url]) == 2
    assert "NEWSDESK_AIRFLOW_USER" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        main(["review", "reject", "1", "--db", sqlite_url])
    assert refused.value.code == 2 and "--reason" in capsys.readouterr().err
    monkeypatch.setenv("NEWSDESK_AIRFLOW_USER", "admin")
    monkeypatch.setenv("NEWSDESK_AIRFLOW_PASSWORD", "secret")
    from newsdesk.delivery.sink import free_port

    port = free_port()  # nothing listens there
    assert main(["review", "approve", "1", "--db", sqlite_url]) == 1  # no such revision
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    rev = _build(sqlite_url, "2020Q4")
    assert main(["review", "approve", str(rev.id), "--db", sqlite_url,
                 "--airflow", f"http://127.0.0.1:{port}"]) == 1
    assert f"cannot reach Airflow at http://127.0.0.1:{port}" in capsys.readouterr().err
