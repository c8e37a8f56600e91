"""`newsdesk fixtures serve` runs the fixture server until Ctrl-C (SIGINT)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

NEWSDESK = Path(sys.executable).with_name("newsdesk")


@pytest.mark.parametrize("inherited", [signal.SIG_DFL, signal.SIG_IGN],
                         ids=["from a terminal", "started in the background by a script"])
def test_fixtures_serve_until_ctrl_c(inherited: signal.Handlers) -> None:
    proc = subprocess.Popen([str(NEWSDESK), "fixtures", "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, inherited))
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert match, first
        with urllib.request.urlopen(f"{match.group(0)}/robots.txt", timeout=10) as answer:
            assert answer.status == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
