"""`newsdesk subscribers import|export|count|remove|bounce` on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from newsdesk.cli import main
from newsdesk.errors import SubscriberError
from newsdesk.store.database import session_scope
from newsdesk.subscribers import csv_import, lifecycle
from newsdesk.subscribers.lifecycle import Status

LIST = "partners-newsletter"
GOOD = ("email,name,organisation,language\n"
        "ana@unpan.org,Ana,UNPAN,es\n"
        "not-an-address,Bad,X,en\n"
        "Bo@Example.ORG,Bo,EROPA,\n"
        ",Empty,X,en\n"
        "ana@UNPAN.org,Ana again,UNPAN,es\n"
        "cy@example.org,Cy,X,en,extra\n"
        "di@example.org,Di,,fr\n")


def _write(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    """``text`` as UTF-8; a lone surrogate escape (``\\udcff``) writes that raw byte."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


def test_import_reports_each_bad_row_by_line_and_imports_the_rest(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, GOOD)
    assert main(["subscribers", "import", str(path), "--list", LIST, "--db", db_url]) == 1
    captured = capsys.readouterr()
    bad = captured.err.splitlines()
    assert [line.split(": ")[0] for line in bad] == [f"{path}:3", f"{path}:5", f"{path}:7"]
    assert "invalid address 'not-an-address'" in bad[0]
    assert "email field is empty" in bad[1] and "more fields" in bad[2]
    assert "3 added, 1 updated, 0 unchanged, 0 kept out" in captured.out
    assert "3 bad rows" in captured.out
    with session_scope(db_url) as session:
        active = lifecycle.active_batch(session, LIST, after_id=0, limit=10)
        assert [(r.email, r.language) for r in active] == [
            ("ana@unpan.org", "es"), ("Bo@example.org", "en"), ("di@example.org", "fr")]
        assert all(r.consent_source == "import list.csv" for r in active)


def test_a_second_import_of_the_same_file_changes_nothing(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "email,name\nana@unpan.org,Ana\nbo@example.org,Bo\n")
    assert main(["subscribers", "import", str(path), "--list", LIST, "--db", db_url]) == 0
    assert main(["subscribers", "import", str(path), "--list", LIST, "--db", db_url]) == 0
    assert "0 added, 0 updated, 2 unchanged" in capsys.readouterr().out.splitlines()[-1]


def test_remove_and_bounce_keep_people_out_of_a_re_import(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "email\nana@unpan.org\nbo@example.org\ncy@example.org\n")
    assert main(["subscribers", "import", str(path), "--list", LIST, "--db", db_url]) == 0
    assert main(["subscribers", "remove", "ANA@unpan.org", "--list", LIST, "--db", db_url]) == 0
    bounces = _write(tmp_path, "# from the provider\nbo@example.org\n\nzed@example.org\nnope\n",
                     "bounces.txt")
    assert main(["subscribers", "bounce", str(bounces), "--list", LIST, "--db", db_url]) == 1
    captured = capsys.readouterr()
    assert f"{bounces}:4: 'zed@example.org' is not on {LIST}" in captured.err
    assert f"{bounces}:5: invalid address 'nope'" in captured.err
    assert f"{LIST}: 1 marked bounced, 2 lines not used" in captured.out
    assert main(["subscribers", "import", str(path), "--list", LIST, "--db", db_url]) == 0
    assert "0 added, 0 updated, 1 unchanged, 2 kept out" in capsys.readouterr().out
    assert main(["subscribers", "count", "--db", db_url]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["list", "pending", "active", "unsubscribed", "bounced"]
    assert [line.split() for line in table if line.startswith(LIST)] == [[LIST, "0", "1", "1",
                                                                          "1"]]


def test_remove_of_an_unknown_address_is_one_line_and_exit_1(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subscribers", "remove", "x@example.org", "--list", LIST, "--db", db_url]) == 1
    assert capsys.readouterr().err == f"newsdesk: x@example.org is not on {LIST}\n"


def test_export_re_imports_as_it_is(db_url: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "email,name,organisation,consent_at\n"
                            "ana@unpan.org,\"Ana, =1+1\",UNPAN,2020-01-02T03:04:05+00:00\n"
                            "bo@example.org,Bo,,\n")
    assert main(["subscribers", "import", str(path), "--list", LIST, "--db", db_url]) == 0
    assert main(["subscribers", "remove", "bo@example.org", "--list", LIST, "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["subscribers", "export", "--list", LIST, "--db", db_url]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["email"], r["name"], r["status"], bool(r["consent_at"])) for r in rows] == [
        ("ana@unpan.org", "Ana, =1+1", "active", True),
        ("bo@example.org", "Bo", "unsubscribed", True)]
    assert rows[0]["consent_at"] == "2020-01-02T03:04:05+00:00"
    out = tmp_path / "active.csv"
    assert main(["subscribers", "export", "--list", LIST, "--status", "active", "--out",
                 str(out), "--db", db_url]) == 0
    assert main(["subscribers", "import", str(out), "--list", "editors", "--db", db_url]) == 0
    assert "1 added" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "message"), [
    ("name\nAna\n", ":1: no 'email' column"),
    ("", ": empty file"),
    ("email,name\nana@unpan.org," + "x" * 1001 + "\n", ":2: field 'name' is longer than 1000"),
    ("email\nana@unpan.org\n" + "b" * 20_000 + "\n", ":3: longer than any valid row"),
    ("email\n\"ana@unpan.org\n", ":2: unexpected end of data"),
    ("email,name\nana@unpan.org,Ana\nbo@example.org,\udcff\n", ":3: not UTF-8"),
    ("email,consent_at\nana@unpan.org,yesterday\n", None),
])
def test_bad_files_are_one_line_errors_naming_the_line(
        sqlite_url: str, tmp_path: Path, text: str, message: str | None) -> None:
    path = _write(tmp_path, text)
    with session_scope(sqlite_url) as session:
        if message is None:
            report = csv_import.import_csv(session, path, LIST)
            assert [(b.line, b.reason) for b in report.bad] == [
                (2, "consent_at 'yesterday' is not an ISO 8601 time")]
            return
        with pytest.raises(SubscriberError) as raised:
            csv_import.import_csv(session, path, LIST)
    assert str(raised.value).startswith(str(path)) and message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_row_and_file_bounds(sqlite_url: str, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "email\n" + "".join(f"u{i}@example.org\n" for i in range(4)))
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)
    with session_scope(sqlite_url) as session, pytest.raises(SubscriberError,
                                                             match=r":5: more than 3 rows"):
        csv_import.import_csv(session, path, LIST)
    monkeypatch.setattr(csv_import, "MAX_FILE_BYTES", 10)
    with session_scope(sqlite_url) as session, pytest.raises(SubscriberError,
                                                             match=r"above the 10-byte limit"):
        csv_import.import_csv(session, path, LIST)


def test_unknown_list_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["subscribers", "count", "--list", "partners"])
    with pytest.raises(SystemExit):
        main(["subscribers", "export", "--list", "partner-newsletter"])
    assert "invalid choice" in capsys.readouterr().err


def test_python_import_reports_progress_in_bytes(sqlite_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "email\n" + "".join(f"u{i}@example.org\n" for i in range(50)))
    seen: list[int] = []
    with session_scope(sqlite_url) as session:
        report = csv_import.import_csv(session, path, LIST, progress=seen.append)
        assert report.added == 50
        assert lifecycle.find(session, LIST, "u49@example.org").status == Status.ACTIVE  # type: ignore[union-attr]
    assert seen == sorted(seen) and seen[-1] == path.stat().st_size


def test_a_byte_order_mark_is_not_part_of_the_first_column(sqlite_url: str,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfEmail\r\nana@unpan.org\r\n")
    seen: list[int] = []
    with session_scope(sqlite_url) as session:
        assert csv_import.import_csv(session, path, LIST, progress=seen.append).added == 1
    assert seen[-1] == path.stat().st_size
