"""The review as an Airflow 3.3 human-in-the-loop task (what the DAG file imports).

Apart from ``newsdesk.review`` so that parsing the DAG imports no database code.

``HITLOperator`` fails its task when the response time passes with no answer and no
defaults. A review must never take a default (nothing is approved by timeout), and a
silent reviewer is not an error: this subclass returns ``{"timed_out": True}`` instead,
so the round settles as "again" and the next round reminds.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from airflow.providers.standard.operators.hitl import HITLOperator

#: How many review rounds one run holds (the DAG unrolls them; docs/review.md).
MAX_ROUNDS = 4
APPROVE, REQUEST_CHANGES, REJECT = "Approve", "Request changes", "Reject"
OPTIONS = [APPROVE, REQUEST_CHANGES, REJECT]


#: Airflow users who may answer a review (comma-separated ids); unset: anyone who may use
#: the DAG's Required Actions. Who may *edit* is the plugin's rights, apart from this.
REVIEWERS_ENV = "NEWSDESK_REVIEWERS"


def assigned_reviewers(environ: Mapping[str, str] | None = None) -> list[dict[str, str]] | None:
    """The HITL ``assigned_users`` from ``NEWSDESK_REVIEWERS`` (read when the DAG is parsed:
    Airflow stores them with the serialized DAG, they are not templated)."""
    raw = (os.environ if environ is None else environ).get(REVIEWERS_ENV, "")
    users = [user.strip() for user in raw.split(",") if user.strip()]
    return [{"id": user, "name": user} for user in users] or None


class EditionReviewOperator(HITLOperator):
    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        if event.get("error_type") == "timeout":
            self.log.warning("No answer within the response time: the next round reminds")
            return {"timed_out": True}
        return super().execute_complete(context, event)
