"""The delivery steps of the newsletter DAGs: each task body is one call here.

Apart from :mod:`newsdesk.delivery` because it reads Airflow's ``smtp_default`` connection
(the only Airflow import of delivery); the manager itself never imports Airflow, so the CLI
and the tests run it without Airflow running. The DAG file imports this module when it is
parsed, so everything else is imported inside the functions. Every function is safe to
re-run: the ledger sends nobody twice, test copies go once per revision and editor.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdesk.errors import DeliveryError

if TYPE_CHECKING:
    from newsdesk.delivery.transport import SmtpTransport

log = logging.getLogger(__name__)

SMTP_CONN_ID = "smtp_default"
#: The Airflow pool that bounds concurrent SMTP connections (created by ``make run``).
SMTP_POOL = "smtp"


class DeliveryDeferred(DeliveryError):
    """Recipients still pending after a batch's passes (4xx): Airflow retries the task."""


def smtp_transport(conn_id: str = SMTP_CONN_ID) -> SmtpTransport:
    from airflow.sdk import BaseHook

    from newsdesk.delivery.transport import SmtpSettings, SmtpTransport

    conn = BaseHook.get_connection(conn_id)
    return SmtpTransport(SmtpSettings.from_connection(
        host=conn.host, port=conn.port, login=conn.login, password=conn.password,
        extra=dict(conn.extra_dejson)))


def send_test_copy(presented: dict[str, Any]) -> int:
    """The revision a review round presents, as "[TEST]", to the editors list."""
    from newsdesk.config import Settings
    from newsdesk.delivery import manager

    sent = manager.send_test_copies(Settings.from_env(), int(presented["revision_id"]),
                                    smtp_transport())
    log.info("test copies of revision %s: %d sent", presented["revision_id"], sent)
    return sent


def plan(approved: dict[str, Any], list_name: str) -> list[list[int]]:
    """Queue the list for the approved revision; the id ranges the mapped batches send."""
    from newsdesk.config import Settings
    from newsdesk.delivery import manager

    spans = manager.plan(Settings.from_env(), int(approved["revision_id"]), list_name,
                         manager.SendOptions())
    log.info("revision %s to %s: %d batch(es)", approved["revision_id"], list_name, len(spans))
    return [[lo, hi] for lo, hi in spans]


def send_span(approved: dict[str, Any], list_name: str, span: list[int]) -> dict[str, int]:
    """Send one range; recipients still pending after the passes make Airflow retry it."""
    from newsdesk.config import Settings
    from newsdesk.delivery import manager

    settings = Settings.from_env()
    prepared = manager.prepare(settings, int(approved["revision_id"]), list_name)
    transport = smtp_transport()
    try:
        result = manager.send_batch(settings, prepared, transport, (span[0], span[1]),
                                    manager.SendOptions())
    finally:
        transport.close()
    log.info("subscribers %s-%s: %d sent, %d failed, %d skipped, %d pending", span[0], span[1],
             result.sent, result.failed, result.skipped, result.pending)
    if result.pending:
        raise DeliveryDeferred(f"subscribers {span[0]}-{span[1]}: {result.pending} still "
                               f"pending after temporary refusals ({result.replies[-1]}); "
                               "the retry sends only those")
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


def report(approved: dict[str, Any]) -> dict[str, Any]:
    """The delivery report in the task log (and as the task's XCom)."""
    from newsdesk.config import Settings
    from newsdesk.delivery import manager
    from newsdesk.delivery.ledger import State
    from newsdesk.review.lifecycle import load_revision

    revision = load_revision(Settings.from_env().db_url, int(approved["revision_id"]))
    result = manager.report(Settings.from_env(), revision.edition_id)
    counts = {state.value: result.count(state) for state in State}
    log.info("delivery of %s: %s", revision.label,
             ", ".join(f"{n} {state}" for state, n in counts.items()))
    for subscriber_id, reason in result.failed:
        log.warning("failed: subscriber %s: %s", subscriber_id, reason)
    for subscriber_id, reason in result.skipped:
        log.info("skipped: subscriber %s: %s", subscriber_id, reason)
    return {"counts": counts, "failed": [list(f) for f in result.failed]}


def publish(approved: dict[str, Any]) -> str:
    """The approved revision into the web archive (``<state dir>/archive``); its URL."""
    from newsdesk.config import Settings
    from newsdesk.publish.archive import publish_revision

    settings = Settings.from_env()
    archive_dir: Path = settings.state_dir / "archive"
    entry = publish_revision(settings.db_url, int(approved["revision_id"]), archive_dir,
                             settings.templates_dir)
    return entry.url
