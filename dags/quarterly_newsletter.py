"""
### quarterly_newsletter

Builds the quarter's edition, then waits for the editors' review in Airflow's
**Required Actions** (human in the loop), then hands the approved revision on.

- **`build_draft`**: the quarter (param `quarter`, e.g. `2020Q4`; empty: the quarter just
  ended) built from the staging items with the editors' decisions applied.
- **Review rounds** `present_N` → `review_N` → `settle_N` (N = 1…4): a round presents the
  newest revision (waiting, after *Request changes*, until editors saved a new one), the
  reviewer answers *Approve*, *Request changes* or *Reject* (a reason in the form), and
  the answer is settled through `newsdesk.review`. Changes requested or no answer in time:
  the next round, in the same run. Reject: the run ends there.
- **`approved`**: receives the approved revision id and content hash, re-checked.

A DAG cannot loop, so the rounds are unrolled (docs/review.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import Param, dag, task
from airflow.sdk.bases.sensor import PokeReturnValue

from newsdesk.review_task import MAX_ROUNDS, OPTIONS, EditionReviewOperator

RESPONSE_TIME = timedelta(days=3)


@dag(
    dag_id="quarterly_newsletter",
    schedule="0 6 1 1,4,7,10 *",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    default_args={"owner": "newsdesk", "retries": 0},
    params={"quarter": Param("", type="string", description="e.g. 2020Q4; empty: the last")},
    tags=["newsdesk", "newsletter"],
    doc_md=__doc__,
)
def quarterly_newsletter() -> None:
    @task
    def build_draft(params: dict[str, Any], logical_date: Any = None) -> str:
        """Build the draft revision; returns the edition key."""
        from newsdesk.review.drafts import build_quarter_draft

        return build_quarter_draft(params.get("quarter") or "", logical_date)

    @task(trigger_rule="none_failed_min_one_success")
    def approved(ti: Any = None) -> dict[str, Any]:
        """The step after review: exactly the approved revision (id and hash)."""
        from newsdesk.config import Settings
        from newsdesk.review.rounds import approved_for_delivery

        edition_key = ti.xcom_pull(task_ids="build_draft")
        return approved_for_delivery(Settings.from_env().db_url, edition_key, "quarterly")

    key = build_draft()
    done = approved()
    previous: Any = key
    for number in range(1, MAX_ROUNDS + 1):
        @task.sensor(task_id=f"present_{number}", poke_interval=5, mode="reschedule",
                     timeout=RESPONSE_TIME.total_seconds())
        def present(edition_key: str) -> PokeReturnValue:
            from newsdesk.config import Settings
            from newsdesk.review.rounds import present as present_revision

            shown = present_revision(Settings.from_env().db_url, edition_key, "quarterly",
                                     by="quarterly_newsletter")
            return PokeReturnValue(is_done=shown is not None, xcom_value=shown)

        shown = present(key)
        review = EditionReviewOperator(
            task_id=f"review_{number}", options=OPTIONS, response_timeout=RESPONSE_TIME,
            subject=f"{{{{ ti.xcom_pull(task_ids='present_{number}')['subject'] }}}}",
            body=f"{{{{ ti.xcom_pull(task_ids='present_{number}')['body'] }}}}",
            params={"reason": Param("", type="string")})

        @task.branch(task_id=f"settle_{number}")
        def settle(presented: dict[str, Any], answer: dict[str, Any] | None,
                   number: int = number) -> str | None:
            from newsdesk.config import Settings
            from newsdesk.review.rounds import settle as settle_answer

            outcome = settle_answer(Settings.from_env().db_url, presented, answer)
            if outcome == "approved":
                return f"approved_{number}"
            if outcome == "again" and number < MAX_ROUNDS:
                return f"present_{number + 1}"
            if outcome == "again":
                raise RuntimeError(f"no decision after {MAX_ROUNDS} review rounds")
            return None

        settled = settle(shown, review.output)
        passed = EmptyOperator(task_id=f"approved_{number}")
        shown >> review
        previous >> shown
        settled >> passed >> done
        previous = settled


quarterly_newsletter()
