"""The command line's frame: help, exit codes, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.cli import COMMAND_MODULES, main


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: newsdesk" in capsys.readouterr().err


def test_group_without_subcommand_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db"]) == 2
    assert "migrate" in capsys.readouterr().err


def test_every_command_module_registers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    listed = capsys.readouterr().out
    for command in ("ingest", "items", "db", "sources", "fixtures"):
        assert command in listed
    assert "newsdesk.cli.ingest" in COMMAND_MODULES


def test_store_error_is_one_line_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["items", "--json", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("newsdesk: ") and "newsdesk db migrate" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_database_url_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "migrate", "--db", "not a url"]) == 2
    assert "not a valid URL" in capsys.readouterr().err


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``newsdesk items --json | head``: no traceback and exit 0 when the reader goes away
    (a pipeline under ``set -o pipefail`` must not fail because ``head`` had enough)."""
    db = f"sqlite:///{tmp_path / 'staging.sqlite'}"
    newsdesk = str(Path(sys.executable).with_name("newsdesk"))
    assert subprocess.run([newsdesk, "db", "migrate", "--db", db], check=False).returncode == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        proc = subprocess.run([newsdesk, "items", "--db", db, "--json"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, check=False)
    finally:
        os.close(write_end)
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_a_read_never_creates_a_database(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.sqlite"
    assert main(["items", "--db", f"sqlite:///{missing}"]) == 1
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", [["review", "list", "2020Q4"], ["review", "show", "1"],
                                     ["review", "trail", "2020Q4"]])
def test_review_reads_never_create_a_database(tmp_path: Path, command: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "x.sqlite"
    assert main([*command, "--db", f"sqlite:///{missing}"]) == 1
    assert "no such file" in capsys.readouterr().err
    assert not missing.exists()
