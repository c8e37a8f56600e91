"""Manual entries: files read with every bad row named, sanitised, imported idempotently."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsdesk.cli import main
from newsdesk.errors import EditionError
from newsdesk.monthly.entries import read_entries
from newsdesk.monthly.manual import export_entries, import_entries, list_entries

YAML = """\
- key: unpsa-2014
  title: The 2014 United Nations Public Service Forum, Day and Awards Ceremony
  date: 2014-06-23
  end_date: 2014-06-26
  paragraphs:
    - The Forum was held in Goyang, Republic of Korea.
  more_details_url: http://www.unpan.org/DPADM/UNPSDayAwards/
  more_details_text: "For more details on the Forum, please see:"
- title: Ecuador Requests for Technical Cooperation on <em>e-Government</em>
  date: 2014-06-02
  paragraphs:
    - "At a meeting <script>alert(1)</script>both parties agreed to pursue:"
    - The IRA was on a mission.
  list: [developing a normative framework, improving the ranking]
  list_after: 1
- key: unpsa-workshop
  parent: unpsa-2014
  title: Workshop on Innovation and E-Government
  date: 2014-06-24
  paragraphs: [E-GB/DPADM organised the workshop.]
"""


def test_yaml_entries_are_checked_and_sanitised(tmp_path: Path) -> None:
    path = tmp_path / "june.yaml"
    path.write_text(YAML, encoding="utf-8")
    forum, ecuador, workshop = read_entries(path)
    assert forum.ends_on == date(2014, 6, 26)
    assert ecuador.key == "ecuador-requests-for-technical-cooperation-on-e-government"
    assert ecuador.title == "Ecuador Requests for Technical Cooperation on e-Government"
    assert ecuador.paragraphs[0] == "At a meeting both parties agreed to pursue:"
    assert ecuador.list_items == ("developing a normative framework", "improving the ranking")
    assert workshop.parent_key == "unpsa-2014"


def test_every_bad_row_is_named_by_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("""\
- title: Fine
  date: 2014-06-01
  paragraphs: [ok]
- title: No date
  paragraphs: [x]
- title: Backwards
  date: 2014-06-10
  end_date: 2014-06-01
  paragraphs: [x]
- title: Orphan
  date: 2014-06-03
  paragraphs: [x]
  parent: nobody
  more_details_url: javascript:alert(1)
""", encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        read_entries(path)
    assert str(caught.value).splitlines() == [
        f"{path} line 4, field date: Field required",
        f"{path} line 6, field end_date: 2014-06-01 is before the date 2014-06-10",
        f"{path} line 10, field more_details_url: must be an absolute http(s) URL",
    ]
    path.write_text("- {title: Orphan, date: 2014-06-03, paragraphs: [x], parent: nobody}\n",
                    encoding="utf-8")
    with pytest.raises(EditionError, match=r"line 1, field parent: no entry 'nobody'"):
        read_entries(path)


def test_csv_rows_report_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "june.csv"
    path.write_text('key,title,date,paragraphs,list\n'
                    'a,First,2014-06-01,"One.\n\nTwo.","x\ny"\n'
                    'b,Second,2014-13-01,Three.,\n', encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        read_entries(path)
    assert str(caught.value).startswith(f"{path} line 6, field date: ")
    path.write_text('key,title,date,paragraphs,list\n'
                    'a,First,2014-06-01,"One.\n\nTwo.","x\ny"\n', encoding="utf-8")
    (entry,) = read_entries(path)
    assert entry.paragraphs == ("One.", "Two.") and entry.list_items == ("x", "y")


def test_import_is_idempotent_and_export_round_trips(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "june.yaml"
    path.write_text(YAML, encoding="utf-8")
    first = import_entries(db_url, "2014-06", path, by="editor")
    assert (first.new, first.updated, first.unchanged) == (3, 0, 0)
    again = import_entries(db_url, "2014-06", path, by="editor")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    stored = list_entries(db_url, "2014-06")
    assert [e.key for e in stored] == ["unpsa-2014", stored[1].key, "unpsa-workshop"]
    exported = tmp_path / "export.yaml"
    exported.write_text(export_entries(stored), encoding="utf-8")
    assert read_entries(exported) == stored
    as_csv = tmp_path / "export.csv"
    as_csv.write_text(export_entries(stored, "csv"), encoding="utf-8")
    assert read_entries(as_csv) == stored
    assert list_entries(db_url, "2014-07") == []


def test_cli_import_list_and_a_bad_file(sqlite_url: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "june.yaml"
    path.write_text(YAML, encoding="utf-8")
    assert main(["monthly", "entries", "import", str(path), "--month", "2014-06",
                 "--db", sqlite_url, "--by", "ed"]) == 0
    assert capsys.readouterr().out == "2014-06: 3 new, 0 updated, 0 unchanged\n"
    assert main(["monthly", "entries", "list", "--month", "2014-06", "--db", sqlite_url]) == 0
    rows = [line.split()[:4] for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows[2] == ["unpsa-workshop", "2014-06-24", "-", "unpsa-2014"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {title: x, date: 2014-06-01}\n", encoding="utf-8")
    assert main(["monthly", "entries", "import", str(bad), "--month", "2014-06",
                 "--db", sqlite_url]) == 1
    assert capsys.readouterr().err == (f"newsdesk: {bad} line 1, field paragraphs: "
                                       "Field required\n")
    with pytest.raises(SystemExit) as usage:
        main(["monthly", "entries", "list", "--month", "2014-13"])
    assert usage.value.code == 2
