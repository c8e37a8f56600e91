"""End to end: ``quarterly_newsletter`` in ``airflow standalone``, reviewed over the REST API.

2020Q4 is built from the fixture sites; the first review round gets "Request changes", the
editors save an exclusion and a summary edit, the newer revision comes back to review in
the same run, is approved through the REST API, and the step after review receives
exactly that revision id and content hash.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsdesk.airflow_home import NewsdeskEnv, admin_login, airflow_environment, pick_port
from newsdesk.fixtures import write_demo_registry
from newsdesk.ingest import cluster_items, ingest_all
from newsdesk.registry import load_registry
from newsdesk.review import list_revisions
from newsdesk.review.edits import Edit, save_edits
from newsdesk.standalone import AirflowAPI, session_members, start_standalone, wait_for_api
from newsdesk.store.database import migrate

pytestmark = pytest.mark.airflow
DAG = "quarterly_newsletter"


def _until(what: str, probe: Any, timeout_s: float = 240) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (value := probe()) is not None:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def _waiting_review(client: httpx.Client, run_id: str, task_id: str) -> dict[str, Any] | None:
    """The task's review once it is parked in awaiting_input (answering while the worker is
    still parking it races in Airflow 3.3; a person never answers that fast)."""
    ti = client.get(f"/api/v2/dags/{DAG}/dagRuns/{run_id}/taskInstances/{task_id}")
    if ti.status_code != 200 or ti.json()["state"] != "awaiting_input":
        return None
    time.sleep(2)
    answer = client.get(f"/api/v2/dags/{DAG}/dagRuns/{run_id}/hitlDetails")
    answer.raise_for_status()
    for detail in answer.json()["hitl_details"]:
        if detail["task_instance"]["task_id"] == task_id and not detail["response_received"]:
            return dict(detail)
    return None


def _answer(client: httpx.Client, run_id: str, task_id: str, option: str, reason: str) -> None:
    answer = client.patch(
        f"/api/v2/dags/{DAG}/dagRuns/{run_id}/taskInstances/{task_id}/-1/hitlDetails",
        json={"chosen_options": [option], "params_input": {"reason": reason}})
    assert answer.status_code == 200, answer.text


def test_request_changes_then_approve_in_one_run(fixture_sites: Any, tmp_path: Path) -> None:
    sources = write_demo_registry(fixture_sites.base_url, tmp_path / "sources.yaml")
    db_url = f"sqlite:///{tmp_path / 'staging.sqlite'}"
    migrate(db_url)
    registry = load_registry(sources)
    ingest_all(registry, db_url)
    cluster_items(registry, db_url)
    newsdesk = NewsdeskEnv(tmp_path, db_url, sources)
    home = tmp_path / "airflow"
    env = airflow_environment(home, newsdesk, api_port=pick_port(0))
    standalone = start_standalone(env, home / "standalone.log")
    try:
        wait_for_api(env["AIRFLOW__API__BASE_URL"], standalone, timeout_s=240)
        api = AirflowAPI(env["AIRFLOW__API__BASE_URL"], *admin_login(home))
        client = api._client
        try:
            api.wait_for_dag(DAG, timeout_s=120)
            api.set_paused(DAG, False)
            started = client.post(f"/api/v2/dags/{DAG}/dagRuns",
                                  json={"logical_date": None, "conf": {"quarter": "2020Q4"}})
            assert started.status_code == 200, started.text
            run_id = started.json()["dag_run_id"]

            first = _until("review 1", lambda: _waiting_review(client, run_id, "review_1"))
            drafts = list_revisions(db_url, "2020Q4")
            assert first["body"] and drafts[-1].content_sha256 in first["body"]
            _answer(client, run_id, "review_1", "Request changes", "shorter, please")
            _until("changes requested", lambda: True if list_revisions(db_url, "2020Q4")[-1]
                   .status == "changes_requested" else None)
            base = list_revisions(db_url, "2020Q4")[-1]
            shown = [i.item_id for s in base.snapshot.sections for i in s.items]
            saved = save_edits(db_url, base.id, [
                Edit(action="exclude", item_id=shown[0]),
                Edit(action="summary", item_id=shown[1], text="Edited by the editors.")],
                by="editor").revision

            second = _until("review 2", lambda: _waiting_review(client, run_id, "review_2"))
            assert saved.content_sha256 in second["body"]
            _answer(client, run_id, "review_2", "Approve", "")
            state = api.wait_for_run(DAG, run_id, timeout_s=240)
            xcom = client.get(f"/api/v2/dags/{DAG}/dagRuns/{run_id}/taskInstances/approved/"
                              "xcomEntries/return_value")
        finally:
            api.close()
    finally:
        standalone.stop()

    assert session_members(standalone.session_id) == []
    assert state == "success", standalone.log_path.read_text()[-3000:]
    value = xcom.json()["value"]
    assert (value["revision_id"], value["content_sha256"]) == (saved.id, saved.content_sha256)
    assert value["approved_by"] == "admin"
    assert [r.status for r in list_revisions(db_url, "2020Q4")][-2:] == ["superseded",
                                                                         "approved"]
