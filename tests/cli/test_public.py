"""`newsdesk public serve`: the real command in a subprocess, until SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from newsdesk.delivery.mailbox import Mailbox, read_message
from newsdesk.delivery.sink import free_port

NEWSDESK = Path(sys.executable).with_name("newsdesk")
SECRET = "cli-test-secret-0123456789abcdefghijklmnop"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("NEWSDESK_", "AIRFLOW_CONN_"))}
    return {**env, "NEWSDESK_STATE_DIR": str(tmp_path), **extra}


def _wait_until_up(url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"newsdesk public serve did not come up (exit {proc.poll()})")


def test_serve_mails_a_confirmation_and_logs_no_token(sqlite_url: str, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mail = tmp_path / "mail"
    proc = subprocess.Popen(
        [str(NEWSDESK), "public", "serve", "--port", str(port), "--mail-dir", str(mail),
         "--db", sqlite_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(tmp_path, NEWSDESK_SECRET=SECRET, NEWSDESK_PUBLIC_URL=url))
    try:
        _wait_until_up(url, proc)
        with httpx.Client(base_url=url) as client:
            form = client.get("/subscribe")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert token
            answer = client.post("/subscribe", data={"csrf": token.group(1),
                                                     "email": "cli@example.org"})
            assert answer.status_code == 200
            [path] = Mailbox(mail).messages()
            body = read_message(path).get_body(("plain",))
            assert body is not None
            link = re.search(r"http://\S+/confirm/\S+", body.get_content())
            assert link
            assert client.get(link.group(0)).status_code == 200
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert f"Public pages on {url}/" in out
    assert "POST /subscribe 200" in err and "GET /confirm/{token}" in err
    assert "/confirm/W" not in err and "cli@example.org" not in err  # no token, no address
    assert "Traceback" not in err


def test_serve_without_a_secret_is_one_line(sqlite_url: str, tmp_path: Path) -> None:
    done = subprocess.run([str(NEWSDESK), "public", "serve", "--mail-dir", str(tmp_path),
                           "--db", sqlite_url], capture_output=True, text=True, timeout=60,
                          env=_env(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith("newsdesk: NEWSDESK_SECRET: set a random secret")
    assert done.stderr.count("\n") == 1


def test_serve_without_a_relay_is_one_line(sqlite_url: str, tmp_path: Path) -> None:
    done = subprocess.run([str(NEWSDESK), "public", "serve", "--db", sqlite_url],
                          capture_output=True, text=True, timeout=60,
                          env=_env(tmp_path, NEWSDESK_SECRET=SECRET))
    assert done.returncode == 2
    assert "no SMTP relay" in done.stderr and done.stderr.count("\n") == 1
