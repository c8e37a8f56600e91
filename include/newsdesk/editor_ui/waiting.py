"""The review waiting for an answer in Airflow's Required Actions, for the edition page.

A review round puts the revision's content hash in the body of its human-in-the-loop
request (:func:`newsdesk.review.rounds.present`), so the unanswered request whose body
holds a revision's hash is that revision's review. Read from Airflow's metadata database
(the plugin runs inside the API server); the link is the UI's own Required Actions page
of that task instance, where the reviewer answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from newsdesk.editor_ui.access import NEWSLETTER_DAG

#: Bound on the unanswered requests read per page (a DAG run holds at most a few rounds).
MAX_WAITING = 50


@dataclass(frozen=True)
class WaitingReview:
    run_id: str
    task_id: str
    subject: str
    content_sha256: str
    #: The UI path (relative to Airflow's root) of the task's Required Actions page.
    path: str


def waiting_reviews(content_hashes: Iterable[str]) -> list[WaitingReview]:
    """Unanswered reviews of the newsletter DAG presenting one of these revisions."""
    from airflow.models.hitl import HITLDetail
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    hashes = set(content_hashes)
    query = (select(TaskInstance.run_id, TaskInstance.task_id, TaskInstance.map_index,
                    HITLDetail.subject, HITLDetail.body)
             .join(HITLDetail, HITLDetail.ti_id == TaskInstance.id)
             .where(TaskInstance.dag_id == NEWSLETTER_DAG, HITLDetail.responded_at.is_(None))
             .order_by(HITLDetail.created_at.desc()).limit(MAX_WAITING))
    found = []
    with create_session() as session:
        for run_id, task_id, map_index, subject, body in session.execute(query):
            match = next((h for h in hashes if h in (body or "")), None)
            if match is None:
                continue
            mapped = f"/mapped/{map_index}" if map_index >= 0 else ""
            path = (f"/dags/{NEWSLETTER_DAG}/runs/{quote(run_id, safe='')}/tasks/"
                    f"{quote(task_id, safe='')}{mapped}/required_actions")
            found.append(WaitingReview(run_id, task_id, subject, match, path))
    return found
