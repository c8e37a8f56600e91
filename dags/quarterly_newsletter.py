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
- **`test_copy_N`**: the revision a round presents goes to the `editors` list as a
  "[TEST]" copy (once per revision and editor; never counted as delivery).
- **`approved`**: receives the approved revision id and content hash, re-checked.
- **`plan_delivery`** → **`send_batch`** (mapped, one per range of subscribers, in the
  `smtp` pool) → **`delivery_report`**: the approved revision to the list (param `list`),
  exactly once per subscriber through the delivery ledger (docs/delivery.md); a batch with
  recipients still refused temporarily fails and its retry sends only those.
- **`publish`**: the approved revision into the web archive.

A DAG cannot loop, so the rounds are unrolled (docs/review.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import Param, dag, task
from airflow.sdk.bases.sensor import PokeReturnValue

from newsdesk.alerts import DraftWaitingNotifier, failure_alert
from newsdesk.delivery_task import SMTP_POOL
from newsdesk.review_task import MAX_ROUNDS, OPTIONS, EditionReviewOperator, assigned_reviewers

RESPONSE_TIME = timedelta(days=3)


@dag(
    dag_id="quarterly_newsletter",
    schedule="0 6 1 1,4,7,10 *",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    default_args={"owner": "newsdesk", "retries": 0, "on_failure_callback": failure_alert()},
    params={"quarter": Param("", type="string", description="e.g. 2020Q4; empty: the last"),
            "list": Param("partners-newsletter", enum=["partners-newsletter", "cepa-members"],
                          description="the mailing list the approved edition goes to")},
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

    @task(retries=2, retry_delay=timedelta(minutes=1))
    def test_copy(presented: dict[str, Any]) -> int:
        from newsdesk.delivery_task import send_test_copy

        return send_test_copy(presented)

    @task
    def plan_delivery(approved: dict[str, Any], params: dict[str, Any]) -> list[list[int]]:
        from newsdesk.delivery_task import plan

        return plan(approved, params["list"])

    @task(pool=SMTP_POOL, retries=5, retry_delay=timedelta(minutes=2))
    def send_batch(span: list[int], approved: dict[str, Any], params: dict[str, Any]
                   ) -> dict[str, int]:
        from newsdesk.delivery_task import send_span

        return send_span(approved, params["list"], span)

    @task
    def delivery_report(approved: dict[str, Any]) -> dict[str, Any]:
        from newsdesk.delivery_task import report

        return report(approved)

    @task
    def publish(approved: dict[str, Any]) -> str:
        from newsdesk.delivery_task import publish as publish_archive

        return publish_archive(approved)

    key = build_draft()
    done = approved()
    batches = send_batch.partial(approved=done).expand(span=plan_delivery(done))
    batches >> delivery_report(done)
    publish(done)
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
        copied = test_copy.override(task_id=f"test_copy_{number}")(shown)
        review = EditionReviewOperator(
            task_id=f"review_{number}", options=OPTIONS, response_timeout=RESPONSE_TIME,
            subject=f"{{{{ ti.xcom_pull(task_ids='present_{number}')['subject'] }}}}",
            body=f"{{{{ ti.xcom_pull(task_ids='present_{number}')['body'] }}}}",
            params={"reason": Param("", type="string")},
            notifiers=[DraftWaitingNotifier(present_task=f"present_{number}")],
            assigned_users=assigned_reviewers())

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
        copied >> review
        previous >> shown
        settled >> passed >> done
        previous = settled


quarterly_newsletter()
