"""A real Airflow API server with the editors' plugin, on a staging database with 2020Q4.

``airflow api-server`` (no scheduler: the pages need none) runs in a session of its own
with a temporary ``AIRFLOW_HOME`` (this test process never imports Airflow: it reads its
configuration when first imported), the project's ``plugins/`` folder, and the simple
auth manager's users ``admin`` (role admin) and ``viewer`` (role viewer). The staging
database holds the fixture sites' items and a 2020Q4 draft built from them.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from newsdesk.airflow_home import (
    PASSWORDS_FILE,
    NewsdeskEnv,
    airflow_environment,
    migrate_metadata,
    pick_port,
)
from newsdesk.edition import build_edition, load_newsletter_config
from newsdesk.fixtures import FixtureServer, write_demo_registry
from newsdesk.ingest import cluster_items, ingest_all
from newsdesk.registry import load_registry
from newsdesk.standalone import session_members, stop_session
from newsdesk.store.database import migrate

STARTUP_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class EditorServer:
    """The running API server: its URL, the staging database and each user's password."""

    url: str
    db_url: str
    passwords: dict[str, str]
    log_path: Path

    def token(self, user: str) -> str:
        answer = httpx.post(f"{self.url}/auth/token", json={
            "username": user, "password": self.passwords[user]}, timeout=30)
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def client(self, user: str | None = None) -> httpx.Client:
        """A client for ``user`` (a bearer token), or an anonymous one."""
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"airflow api-server exited: {log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/api/v2/monitor/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise AssertionError(f"airflow api-server not up after {STARTUP_TIMEOUT_S:.0f} s: "
                         f"{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="package")
def editor_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EditorServer]:
    tmp = tmp_path_factory.mktemp("editor-ui")
    with FixtureServer() as sites:
        sources = write_demo_registry(sites.base_url, tmp / "sources.yaml")
        db_url = f"sqlite:///{tmp / 'staging.sqlite'}"
        migrate(db_url)
        registry = load_registry(sources)
        ingest_all(registry, db_url)
        cluster_items(registry, db_url)
    build_edition(db_url, "2020Q4", registry, load_newsletter_config(),
                  created_by="quarterly_newsletter", note="built for review")
    home = tmp / "airflow"
    env = airflow_environment(home, NewsdeskEnv(tmp, db_url, sources), api_port=pick_port(0))
    env.update({"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,viewer:viewer",
                "AIRFLOW__API__WORKERS": "1"})
    log_path = home / "api-server.log"
    migrate_metadata(env, log_path)
    with log_path.open("ab") as log:
        process = subprocess.Popen(["airflow", "api-server"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            url = env["AIRFLOW__API__BASE_URL"]
            _wait_for_health(url, process, log_path)
            passwords = json.loads((home / PASSWORDS_FILE).read_text(encoding="utf-8"))
            yield EditorServer(url, db_url, passwords, log_path)
        finally:
            stop_session(process.pid, grace_s=10)
            process.wait(timeout=5)
    assert session_members(process.pid) == []
