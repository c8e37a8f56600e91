"""End to end: ``quarterly_newsletter`` in ``airflow standalone``, reviewed over the REST API.

2020Q4 is built from the fixture sites; the first review round gets "Request changes", the
editors save an exclusion and a summary edit, the newer revision comes back to review in
the same run, is approved through the REST API (``newsdesk.review.answers``, what
``newsdesk review request-changes|approve`` call), and the step after review receives
exactly that revision id and content hash. Each presented revision reached the editors as a
"[TEST]" copy; the approved one is then delivered through the mapped batches (in the
``smtp`` pool) to the active subscribers exactly once, through a real SMTP sink, and
published to the archive.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsdesk.airflow_home import NewsdeskEnv, admin_login, airflow_environment, pick_port
from newsdesk.delivery.mailbox import Mailbox, read_message
from newsdesk.delivery.sink import start_sink
from newsdesk.errors import ReviewError
from newsdesk.fixtures import write_demo_registry
from newsdesk.ingest import cluster_items, ingest_all
from newsdesk.registry import load_registry
from newsdesk.review import list_revisions
from newsdesk.review.answers import answer_review
from newsdesk.review.edits import Edit, save_edits
from newsdesk.standalone import AirflowAPI, session_members, start_standalone, wait_for_api
from newsdesk.store.database import migrate, session_scope
from newsdesk.subscribers import lifecycle

pytestmark = pytest.mark.airflow
DAG = "quarterly_newsletter"


def _until(what: str, probe: Any, timeout_s: float = 600) -> Any:
    """Poll until ``probe`` gives a value; an API server too busy to answer one poll in
    time (a loaded 2-core CI machine) is "not yet", not a failure."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TimeoutException):
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


def test_request_changes_then_approve_in_one_run(fixture_sites: Any, tmp_path: Path) -> None:
    sources = write_demo_registry(fixture_sites.base_url, tmp_path / "sources.yaml")
    db_url = f"sqlite:///{tmp_path / 'staging.sqlite'}"
    migrate(db_url)
    registry = load_registry(sources)
    ingest_all(registry, db_url)
    cluster_items(registry, db_url)
    with session_scope(db_url) as session:
        for name in ("ana", "bo", "cy"):
            lifecycle.add_active(session, "partners-newsletter", f"{name}@example.org",
                                 consent_source="test")
        lifecycle.remove(session, "partners-newsletter", "cy@example.org")
        for name in ("chief", "deputy"):
            lifecycle.add_active(session, "editors", f"{name}@un.org", consent_source="test")
    sink = start_sink(tmp_path / "sink")
    newsdesk = NewsdeskEnv(tmp_path, db_url, sources, secret="e2e-" + "s" * 40,
                           public_url="http://127.0.0.1:8025",
                           smtp_uri=f"smtp://127.0.0.1:{sink.port}"
                                    "?disable_ssl=true&disable_tls=true")
    home = tmp_path / "airflow"
    env = airflow_environment(home, newsdesk, api_port=pick_port(0))
    standalone = start_standalone(env, home / "standalone.log")
    try:
        wait_for_api(env["AIRFLOW__API__BASE_URL"], standalone, timeout_s=240)
        api = AirflowAPI(env["AIRFLOW__API__BASE_URL"], *admin_login(home))
        client = api._client
        try:
            api.ensure_pool("smtp", 2, "concurrent SMTP connections")
            api.wait_for_dag(DAG, timeout_s=300)
            api.set_paused(DAG, False)
            started = client.post(f"/api/v2/dags/{DAG}/dagRuns",
                                  json={"logical_date": None, "conf": {"quarter": "2020Q4"}})
            assert started.status_code == 200, started.text
            run_id = started.json()["dag_run_id"]

            first = _until("review 1", lambda: _waiting_review(client, run_id, "review_1"))
            drafts = list_revisions(db_url, "2020Q4")
            assert first["body"] and drafts[-1].content_sha256 in first["body"]
            with pytest.raises(ReviewError, match="needs a reason"):
                answer_review(client, kind="quarterly", revision_id=drafts[-1].id,
                              option="Request changes")
            answer_review(client, kind="quarterly", revision_id=drafts[-1].id,
                          option="Request changes", reason="shorter, please")
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
            with pytest.raises(ReviewError, match="not waiting for review"):
                answer_review(client, kind="quarterly", revision_id=drafts[-1].id,
                              option="Approve")  # superseded: nothing waits for it
            answer_review(client, kind="quarterly", revision_id=saved.id, option="Approve")
            state = api.wait_for_run(DAG, run_id, timeout_s=600)
            xcom = client.get(f"/api/v2/dags/{DAG}/dagRuns/{run_id}/taskInstances/approved/"
                              "xcomEntries/return_value")
            report = client.get(f"/api/v2/dags/{DAG}/dagRuns/{run_id}/taskInstances/"
                                "delivery_report/xcomEntries/return_value")
        finally:
            api.close()
    finally:
        standalone.stop()
        sink.stop()

    assert session_members(standalone.session_id) == []
    assert state == "success", standalone.log_path.read_text()[-3000:]
    value = xcom.json()["value"]
    assert (value["revision_id"], value["content_sha256"]) == (saved.id, saved.content_sha256)
    assert value["approved_by"] == "admin"
    assert [r.status for r in list_revisions(db_url, "2020Q4")][-2:] == ["superseded",
                                                                         "approved"]
    received = [read_message(path) for path in Mailbox(tmp_path / "sink").messages()]
    # Unpausing also starts the scheduled run of the quarter just ended: its review waits,
    # but its first draft reached the editors too. Count 2020Q4's copies.
    tests = sorted((str(m["X-Envelope-To"]), str(m["Subject"])[:16]) for m in received
                   if str(m["Subject"]).startswith("[TEST]") and "2020" in str(m["Subject"]))
    assert tests == [("chief@un.org", "[TEST] [DRAFT #1"), ("chief@un.org", "[TEST] [DRAFT #2"),
                     ("deputy@un.org", "[TEST] [DRAFT #1"), ("deputy@un.org", "[TEST] [DRAFT #2")]
    notices = sorted((str(m["X-Envelope-To"]), str(m["Subject"])[-4:]) for m in received
                     if str(m["Subject"]).startswith("Review waiting") and "2020" in
                     str(m["Subject"]))
    assert notices == [("chief@un.org", "(#1)"), ("chief@un.org", "(#2)"),
                       ("deputy@un.org", "(#1)"), ("deputy@un.org", "(#2)")]
    assert all("/required_actions" in m.get_content() for m in received
               if str(m["Subject"]).startswith("Review waiting"))
    delivered = sorted(str(m["X-Envelope-To"]) for m in received
                       if not str(m["Subject"]).startswith(("[TEST]", "Review waiting")))
    assert delivered == ["ana@example.org", "bo@example.org"]
    assert report.json()["value"]["counts"]["sent"] == 2
    assert (tmp_path / "archive").is_dir()


def test_a_failed_task_alerts_the_operators(tmp_path: Path) -> None:
    """``airflow dags test`` with an impossible quarter: build_draft fails, and Airflow's SMTP
    notifier mails the operators (the Variable ``newsdesk_operators``) through smtp_default."""
    from newsdesk.airflow_home import migrate_metadata, run_airflow
    from newsdesk.errors import ConfigError

    db_url = f"sqlite:///{tmp_path / 'staging.sqlite'}"
    migrate(db_url)
    sink = start_sink(tmp_path / "sink")
    newsdesk = NewsdeskEnv(tmp_path, db_url, tmp_path / "none.yaml", secret="e2e-" + "s" * 40,
                           smtp_uri=f"smtp://127.0.0.1:{sink.port}"
                                    "?disable_ssl=true&disable_tls=true")
    env = airflow_environment(tmp_path / "airflow", newsdesk)
    env["AIRFLOW_VAR_NEWSDESK_OPERATORS"] = "ops@un.org"
    log = tmp_path / "airflow.log"
    try:
        migrate_metadata(env, log)
        with pytest.raises(ConfigError, match="dags test"):
            run_airflow(["dags", "test", DAG, "-c", '{"quarter": "2020Q9"}'], env, log)
    finally:
        sink.stop()
    (alert,) = [read_message(p) for p in Mailbox(tmp_path / "sink").messages()]
    assert alert["X-Envelope-To"] == "ops@un.org"
    assert str(alert["Subject"]) == f"[newsdesk] {DAG}: build_draft failed"
