"""``newsdesk newsletter build | render | publish`` through the real parser."""

from __future__ import annotations

import argparse
import email
from email import policy
from pathlib import Path

import pytest
from tests.newsletter_factory import day_event, insert, seed_items, utc

from newsdesk.cli import newsletter
from newsdesk.config import PROJECT_ROOT
from newsdesk.errors import ReviewError
from newsdesk.review import approve, load_revision, submit_for_review

REGISTRY = """\
partners:
  - {id: undesa, name: UN DESA Division for Public Institutions and Digital Government,
     short: UN DESA/DPIDG, division: true, sources: []}
  - {id: icap, name: Instituto Centroamericano de Administración Pública, short: ICAP,
     language: es, sources: []}
  - {id: eropa, name: Eastern Regional Organization for Public Administration, short: EROPA,
     sources: []}
  - {id: respa, name: Regional School of Public Administration, short: ReSPA, sources: []}
  - {id: aapa, name: Asian Association for Public Administration, short: AAPA, sources: []}
  - {id: nispacee, name: NISPAcee, short: NISPAcee, sources: []}
  - {id: clad, name: Latin American Center for Development Administration, short: CLAD,
     sources: []}
"""


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsdesk")
    newsletter.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    status: int = args.handler(args)
    return status


def test_build_render_publish(sqlite_url: str, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    sources = tmp_path / "sources.yaml"
    sources.write_text(REGISTRY)
    assert run(["newsletter", "build", "--quarter", "2020Q4", "--db", sqlite_url,
                "--sources", str(sources), "--by", "cli-test"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    revision = out[-1]
    assert revision.isdigit() and "edition 2020Q4 revision 1 (draft)" in out[0]

    assert run(["newsletter", "render", revision, "--out", str(tmp_path / "out"),
                "--db", sqlite_url, "--preview"]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["email.eml", "email.html", "email.txt", "web.html"]
    message = email.message_from_bytes((tmp_path / "out/email.eml").read_bytes(),
                                       policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"

    with pytest.raises(ReviewError, match="is draft, not approved"):
        run(["newsletter", "publish", revision, "--archive", str(tmp_path / "site"),
             "--db", sqlite_url])
    draft = load_revision(sqlite_url, int(revision))
    submit_for_review(sqlite_url, draft.id, by="cli-test")
    approve(sqlite_url, draft.id, draft.content_sha256, by="cli-test")
    assert run(["newsletter", "publish", revision, "--archive", str(tmp_path / "site"),
                "--db", sqlite_url]) == 0
    assert (tmp_path / "site/2020Q4/index.html").exists()
    assert (tmp_path / "site/feed.atom").exists()


def test_build_lists_what_was_left_out_before_the_revision_id(
        sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items, clusters = seed_items()
    items.append(day_event(90, "nispacee", "30th NISPAcee Annual Conference", (2022, 6, 1),
                           published_at=utc(2020, 11, 16)))
    insert(sqlite_url, items, clusters)
    sources = tmp_path / "sources.yaml"
    sources.write_text(REGISTRY)
    assert run(["newsletter", "build", "--quarter", "2020Q4", "--db", sqlite_url,
                "--sources", str(sources)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[1:4] == [
        "left out (2; see docs/newsletter.md, Selection):",
        "  item 10 (nispacee) The 29th NISPAcee Annual Conference 2021: starts on 20 May 2021, "
        "after the next quarter, and was not announced in this one",
        "  item 90 (nispacee) 30th NISPAcee Annual Conference: starts on 1 June 2022, beyond "
        "the 6-month horizon for upcoming events"]
    assert out[-1].isdigit()


def test_default_config_file_is_the_project_one() -> None:
    parser = argparse.ArgumentParser(prog="newsdesk")
    newsletter.register(parser.add_subparsers())
    args = parser.parse_args(["newsletter", "build", "--quarter", "2020Q4"])
    assert args.config == PROJECT_ROOT / "include/newsletter.yaml" and args.db is None


@pytest.mark.parametrize("key", ["2020Q5", "0000Q1", "9999Q4"])
def test_a_bad_quarter_is_a_usage_error(key: str, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/cli.md: usage errors exit 2, with one line naming the value (no traceback)."""
    from newsdesk.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["newsletter", "build", "--quarter", key])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert f"--quarter: quarter '{key}'" in err[-1] and "Traceback" not in "".join(err)


@pytest.mark.parametrize(("out", "why"), [
    ("taken.txt", "exists and is not a directory"),
    ("taken.txt/out", "is a file, not a directory"),
    ("taken.txt/a/b", "is a file, not a directory"),
])
def test_render_out_that_cannot_be_a_directory_is_one_line(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str, why: str
) -> None:
    """Once FileExistsError / FileNotFoundError tracebacks; now exit 2 with one line, found
    before the revision is read, and nothing is created."""
    from newsdesk.cli import main

    (tmp_path / "taken.txt").write_text("not a directory")
    target = tmp_path / out
    assert main(["newsletter", "render", "1", "--out", str(target), "--db", sqlite_url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"newsdesk: --out {target}: ")
    assert err[0].endswith(why)
    assert (tmp_path / "taken.txt").read_text() == "not a directory"


def test_render_out_the_system_refuses_is_one_line(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A directory the kernel will not create (under /proc, refused even to root): the
    write fails mid-render, and that is one line naming the path too."""
    from newsdesk.cli import main

    items, clusters = seed_items()
    insert(sqlite_url, items, clusters)
    sources = tmp_path / "sources.yaml"
    sources.write_text(REGISTRY)
    assert main(["newsletter", "build", "--quarter", "2020Q4", "--db", sqlite_url,
                 "--sources", str(sources), "--by", "cli-test"]) == 0
    revision = capsys.readouterr().out.strip().splitlines()[-1]
    status = main(["newsletter", "render", revision, "--out", "/proc/self/newsdesk-out",
                   "--db", sqlite_url, "--preview"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status in (1, 2) and len(err) == 1
    assert err[0].startswith("newsdesk: --out /proc/self/newsdesk-out: ")
