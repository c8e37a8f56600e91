"""Start, drive and stop ``airflow standalone`` for ``make run`` and the end-to-end test.

``airflow standalone`` starts the API server, scheduler, DAG processor and triggerer as
children, and task supervisors put their tasks in process groups of their own; a SIGTERM
to the parent alone leaves the scheduler and triggerer running. So standalone starts in a
new *session* (``start_new_session``): every process it ever creates keeps that session
id, and :func:`stop_session` signals them all and checks, from ``/proc``, that none is left.

:class:`AirflowAPI` is the little of Airflow's REST API (``/api/v2``) newsdesk needs:
a bearer token from ``POST /auth/token``, unpause, trigger, and read a run's task instances.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

from newsdesk.errors import ConfigError

FINISHED_RUN_STATES = frozenset({"success", "failed"})


@dataclass
class Standalone:
    """A running ``airflow standalone``: its session leader and where its output goes."""

    process: subprocess.Popen[bytes]
    api_url: str
    log_path: Path
    _log: IO[bytes]

    @property
    def session_id(self) -> int:
        return self.process.pid

    def stop(self, grace_s: float = 20.0) -> None:
        """Stop every process of the session (see :func:`stop_session`) and close the log."""
        try:
            stop_session(self.session_id, grace_s=grace_s)
        finally:
            self.process.wait(timeout=5)
            self._log.close()


def start_standalone(env: Mapping[str, str], log_path: Path) -> Standalone:
    """Start ``airflow standalone`` in a new session; its output goes to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    process = subprocess.Popen(["airflow", "standalone"], env=dict(env), stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    return Standalone(process, env["AIRFLOW__API__BASE_URL"], log_path, log)


def session_members(session_id: int) -> list[int]:
    """Pids of live (non-zombie) processes whose session id is ``session_id``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we looked
        # Fields after the command name (which may hold spaces and parentheses).
        fields = stat.rsplit(")", 1)[1].split()
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            members.append(int(entry.name))
    return sorted(members)


def stop_session(session_id: int, *, grace_s: float = 20.0) -> None:
    """SIGTERM every process of the session, SIGKILL what is left after ``grace_s``.

    Raises :class:`ConfigError` listing the pids if any process survives SIGKILL.
    """
    _signal_all(session_members(session_id), signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while session_members(session_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    _signal_all(session_members(session_id), signal.SIGKILL)
    deadline = time.monotonic() + 5
    while (left := session_members(session_id)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if left:
        raise ConfigError(f"airflow standalone (session {session_id}): processes {left} "
                          "are still running after SIGKILL")


def _signal_all(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # exited meanwhile
            os.kill(pid, sig)


class AirflowAPI:
    """A token-authenticated client for the Airflow 3 REST API of one API server."""

    def __init__(self, api_url: str, username: str, password: str, timeout_s: float = 60.0):
        self.api_url = api_url.rstrip("/")
        self._client = httpx.Client(base_url=self.api_url, timeout=timeout_s)
        answer = self._client.post("/auth/token", json={"username": username,
                                                        "password": password})
        self._check(answer, "POST /auth/token")
        self._client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    @property
    def client(self) -> httpx.Client:
        """The authenticated client (base URL set), for calls this class does not wrap."""
        return self._client

    def close(self) -> None:
        self._client.close()

    def dag(self, dag_id: str) -> dict[str, Any] | None:
        """The DAG's record, or ``None`` while the DAG processor has not stored it yet."""
        answer = self._client.get(f"/api/v2/dags/{dag_id}")
        if answer.status_code == 404:
            return None
        return self._json(answer, f"GET dag {dag_id}")

    def import_errors(self) -> list[dict[str, Any]]:
        answer = self._client.get("/api/v2/importErrors")
        errors: list[dict[str, Any]] = self._json(answer, "GET importErrors")["import_errors"]
        return errors

    def set_paused(self, dag_id: str, paused: bool) -> None:
        answer = self._client.patch(f"/api/v2/dags/{dag_id}", json={"is_paused": paused})
        self._check(answer, f"PATCH dag {dag_id}")

    def ensure_pool(self, name: str, slots: int, description: str) -> None:
        """Create the pool unless it exists (a task in a missing pool is never scheduled)."""
        if self._client.get(f"/api/v2/pools/{name}").status_code == 200:
            return
        answer = self._client.post("/api/v2/pools", json={
            "name": name, "slots": slots, "description": description})
        self._check(answer, f"create pool {name}")

    def trigger(self, dag_id: str, conf: dict[str, Any] | None = None) -> str:
        """Start a manual run now (with ``conf`` as its params); returns its run id."""
        answer = self._client.post(f"/api/v2/dags/{dag_id}/dagRuns",
                                   json={"logical_date": None, "conf": conf or {}})
        run_id: str = self._json(answer, f"trigger {dag_id}")["dag_run_id"]
        return run_id

    def latest_run_id(self, dag_id: str) -> str | None:
        answer = self._client.get(f"/api/v2/dags/{dag_id}/dagRuns",
                                  params={"order_by": "-run_after", "limit": 1})
        runs = self._json(answer, f"GET runs of {dag_id}")["dag_runs"]
        return str(runs[0]["dag_run_id"]) if runs else None

    def unpause_and_run(self, dag_id: str, wait_s: float = 15.0) -> str:
        """Unpause the DAG and return the id of a run of its own that follows.

        With ``catchup=False`` the scheduler starts a run for the latest schedule interval
        as soon as the DAG is unpaused; triggering one as well would run the DAG twice in a
        row (the second finding every page unchanged). So this waits ``wait_s`` for a run
        that was not there before and triggers a manual one only if none came: a second
        ``make run`` in the same schedule slot (the DAG already unpaused, the slot's run
        done) gets a run of its own, never the earlier one reported as new.
        """
        before = self.latest_run_id(dag_id)
        self.set_paused(dag_id, False)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if (run_id := self.latest_run_id(dag_id)) not in (None, before):
                return str(run_id)
            time.sleep(0.5)
        return self.trigger(dag_id)

    def run_state(self, dag_id: str, run_id: str) -> str:
        answer = self._client.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        state: str = self._json(answer, f"GET run {dag_id}/{run_id}")["state"]
        return state

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """Every task instance of the run (mapped ones with ``rendered_map_index``)."""
        answer = self._client.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances",
                                  params={"limit": 1000})
        tis: list[dict[str, Any]] = self._json(answer, f"GET tasks of {run_id}")["task_instances"]
        return tis

    def wait_for_dag(self, dag_id: str, timeout_s: float) -> None:
        """Wait until the DAG processor has stored ``dag_id``; fail early on import errors."""
        deadline = time.monotonic() + timeout_s
        while self.dag(dag_id) is None:
            if errors := self.import_errors():
                details = "\n".join(f"{e['filename']}: {e['stack_trace']}" for e in errors)
                raise ConfigError(f"Airflow cannot import the DAG files:\n{details}")
            if time.monotonic() > deadline:
                raise ConfigError(f"DAG {dag_id!r} did not appear within {timeout_s:.0f} s "
                                  f"at {self.api_url}")
            time.sleep(1)

    def wait_for_run(self, dag_id: str, run_id: str, timeout_s: float) -> str:
        """Poll until the run has finished; return its final state.

        A poll the API server is too busy to answer in time (a loaded machine running the
        scheduler and the tasks beside it) counts as "not finished yet", not as a failure.
        """
        deadline = time.monotonic() + timeout_s
        state = "unknown"
        while True:
            with contextlib.suppress(httpx.TimeoutException):
                state = self.run_state(dag_id, run_id)
            if state in FINISHED_RUN_STATES:
                return state
            if time.monotonic() > deadline:
                raise ConfigError(f"run {dag_id}/{run_id} still {state} after {timeout_s:.0f} s")
            time.sleep(1)

    @staticmethod
    def _check(answer: httpx.Response, what: str) -> None:
        if answer.is_error:
            raise ConfigError(f"Airflow API {answer.request.url}: {what} answered "
                              f"{answer.status_code}: {answer.text[:500]}")

    def _json(self, answer: httpx.Response, what: str) -> Any:
        self._check(answer, what)
        return answer.json()


def wait_for_api(api_url: str, standalone: Standalone, timeout_s: float) -> None:
    """Wait until the API server answers ``/api/v2/monitor/health`` and the scheduler is up.

    Fails at once (naming the log) if ``airflow standalone`` exits on its way up.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        if standalone.process.poll() is not None:
            raise ConfigError(f"airflow standalone exited with {standalone.process.returncode} "
                              f"while starting; see {standalone.log_path}")
        try:
            health = httpx.get(f"{api_url}/api/v2/monitor/health", timeout=5)
            if health.status_code == 200 and _scheduler_healthy(health.json()):
                return
        except httpx.TransportError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise ConfigError(f"Airflow API at {api_url} not ready after {timeout_s:.0f} s; "
                              f"see {standalone.log_path}")
        time.sleep(1)


def _scheduler_healthy(health: dict[str, Any]) -> bool:
    return bool(health.get("scheduler", {}).get("status") == "healthy")
