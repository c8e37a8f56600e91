"""Answering a waiting review from outside the UI, through Airflow's REST API.

A review is answered by the human-in-the-loop task that waits for it, never by writing the
lifecycle directly: the answer must reach the DAG run (which then settles it, delivers or
asks for a new revision) exactly as an answer in Required Actions does, with Airflow's own
checks (who may answer, one answer per task). So ``newsdesk review approve REV`` finds the
waiting ``review_N`` whose ``present_N`` showed revision REV and PATCHes its HITL detail.
"""

from __future__ import annotations

from typing import Any

import httpx

from newsdesk.errors import ReviewError
from newsdesk.review_task import OPTIONS, REJECT, REQUEST_CHANGES

#: The DAG that reviews each edition kind.
DAG_OF_KIND = {"quarterly": "quarterly_newsletter", "monthly": "monthly_update"}
#: Waiting reviews read per page; bounded pages (a run holds at most a few rounds).
PAGE = 100
MAX_PAGES = 20


def answer_review(client: httpx.Client, *, kind: str, revision_id: int, option: str,
                  reason: str = "") -> dict[str, Any]:
    """Answer the waiting review of ``revision_id``; returns Airflow's recorded answer.

    ``client`` is authenticated against the API server (base URL set). Request changes and
    reject need a reason, as in the UI's form.
    """
    if option not in OPTIONS:
        raise ReviewError(f"unknown answer {option!r} (one of {', '.join(OPTIONS)})")
    if option in (REQUEST_CHANGES, REJECT) and not reason.strip():
        raise ReviewError(f"revision {revision_id}: {option.lower()} needs a reason")
    dag_id = DAG_OF_KIND.get(kind)
    if dag_id is None:
        raise ReviewError(f"unknown edition kind {kind!r}")
    run_id, task_id = _waiting_task(client, dag_id, revision_id)
    answer = client.patch(
        f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/-1/hitlDetails",
        json={"chosen_options": [option], "params_input": {"reason": reason}})
    if answer.status_code == 409:
        raise ReviewError(f"revision {revision_id}: the review in {run_id} was answered "
                          "already")
    if answer.status_code == 403:
        raise ReviewError(f"revision {revision_id}: this Airflow user may not answer the "
                          "review (assigned reviewers only)")
    _raise_for(answer, f"answer review of revision {revision_id}")
    recorded: dict[str, Any] = answer.json()
    return recorded


def _waiting_task(client: httpx.Client, dag_id: str, revision_id: int) -> tuple[str, str]:
    """The (run id, review task id) that waits with ``revision_id`` presented."""
    for page in range(MAX_PAGES):
        listing = client.get(f"/api/v2/dags/{dag_id}/dagRuns/~/hitlDetails",
                             params={"response_received": "false", "limit": PAGE,
                                     "offset": page * PAGE})
        _raise_for(listing, f"list waiting reviews of {dag_id}")
        details = listing.json().get("hitl_details", [])
        for detail in details:
            ti = detail["task_instance"]
            task_id = str(ti["task_id"])
            if not task_id.startswith("review_"):
                continue
            presented = client.get(
                f"/api/v2/dags/{dag_id}/dagRuns/{ti['dag_run_id']}/taskInstances/"
                f"present_{task_id.removeprefix('review_')}/xcomEntries/return_value")
            if presented.status_code != 200:
                continue
            value = presented.json().get("value") or {}
            if int(value.get("revision_id", -1)) == revision_id:
                return str(ti["dag_run_id"]), task_id
        if len(details) < PAGE:
            break
    raise ReviewError(f"revision {revision_id} is not waiting for review in any "
                      f"{dag_id} run (see `newsdesk review list`)")


def _raise_for(answer: httpx.Response, what: str) -> None:
    if answer.status_code == 401:
        raise ReviewError(f"{what}: Airflow refused the credentials (401)")
    if answer.status_code >= 400:
        raise ReviewError(f"{what}: Airflow answered {answer.status_code}: "
                          f"{answer.text[:200]}")
