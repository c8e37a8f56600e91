"""Emails Airflow sends on newsdesk's behalf: operators on failure, editors when a draft waits.

Imported by the DAG files when they are parsed, so it names only Airflow's own notifier
classes; the work happens when a notifier fires.

- Operators: every newsdesk DAG's ``on_failure_callback`` is Airflow's SMTP provider
  notifier over the ``smtp_default`` connection, to the Airflow Variable
  ``newsdesk_operators`` (read when it fires; a comma-separated list).
- Editors: the review task's HITL notifier (:class:`DraftWaitingNotifier`) mails the active
  subscribers of the ``editors`` list when a revision starts waiting, with the link to its
  Required Actions page. Each review round notifies again, so a round that timed out without
  an answer reminds them. A notice that cannot be sent is logged, never blocks the review.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.providers.smtp.notifications.smtp import SmtpNotifier
from airflow.sdk.bases.notifier import BaseNotifier

log = logging.getLogger(__name__)

OPERATORS_VARIABLE = "newsdesk_operators"
ALERTS_FROM_VARIABLE = "newsdesk_alerts_from"


def failure_alert() -> SmtpNotifier:
    """The operators' failure email (the task, its run and try, a link to its log)."""
    return SmtpNotifier(
        to=f"{{{{ var.value.get('{OPERATORS_VARIABLE}', 'operators@localhost') }}}}",
        from_email=f"{{{{ var.value.get('{ALERTS_FROM_VARIABLE}', 'newsdesk@localhost') }}}}",
        subject="[newsdesk] {{ ti.dag_id }}: {{ ti.task_id }} failed",
        html_content=(
            "<p>Task <b>{{ ti.task_id }}</b> of <b>{{ ti.dag_id }}</b> failed in run "
            "{{ ti.run_id }} (try {{ ti.try_number }}).</p>"
            "<p>{{ exception | default('', true) | e }}</p>"
            "<p><a href=\"{{ ti.log_url }}\">Open the log in Airflow</a></p>"))


class DraftWaitingNotifier(BaseNotifier):
    """Mail the editors that the revision presented by ``present_task`` waits for review."""

    template_fields = ("present_task",)

    def __init__(self, present_task: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.present_task = present_task

    def notify(self, context: Any) -> None:
        from airflow.providers.standard.operators.hitl import HITLOperator

        from newsdesk.review.notices import notify_editors

        presented = context["ti"].xcom_pull(task_ids=self.present_task)
        try:
            link = HITLOperator.generate_link_to_ui_from_context(context=context)
            sent = notify_editors(presented, link)
        except Exception:  # a notice must never block the review itself
            log.exception("could not mail the editors that revision %s waits",
                          (presented or {}).get("revision_id"))
            return
        log.info("editors notified that revision %s waits: %d message(s)",
                 presented["revision_id"], sent)
