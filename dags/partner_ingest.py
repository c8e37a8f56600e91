"""
# partner_ingest

Reads every **enabled source** of the partner registry (RSS/Atom feeds, HTML news pages,
iCalendar and JSON-LD event calendars) into the newsdesk staging database, then groups
reports of the same real-world item (the same conference announced by two partners) into
clusters. Runs every 6 hours; the quarterly newsletter is built from what it stores.

- **`prepare`** migrates the staging database, reads the registry (`NEWSDESK_SOURCES`)
  and returns the enabled source ids.
- **`ingest_source`**: one mapped instance per source, labelled with the source id
  (`partner/source`): fetch, parse, normalise, store. A source that fails marks *its own*
  instance failed, with the reason in its log; the other sources carry on.
- **`cluster_and_publish`** runs once every source has finished, whatever the outcome:
  re-clusters the items, logs a summary and updates the `newsdesk-staging-items` asset.

**Run state.** The run is *success* when `cluster_and_publish` succeeds, even if some
sources failed: red `ingest_source` instances are the broken partner sites, each with
the reason in its log. The fetch log in the staging database keeps every attempt
(docs/operations.md).

**Re-running is safe.** Items are keyed by partner and canonical URL, conditional GETs
skip unchanged pages, and clustering is recomputed as a whole: clear a failed
`ingest_source` instance (or the whole run) and it converges on the same state.

Configuration comes from the environment of the workers: `NEWSDESK_DB_URL`,
`NEWSDESK_SOURCES`, `NEWSDESK_STATE_DIR` (see docs/deployment.md).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

# The DAG processor imports every airflow.* module a DAG file names once, in its parent
# process, before it forks a parse (parsing_pre_import_modules). TaskFlow's operator and
# the cron timetable are otherwise imported lazily by every parse: named here, a parse of
# this file costs about a third (docs/benchmarks.md).
import airflow.providers.standard.decorators.python
import airflow.sdk.definitions.timetables.trigger  # noqa: F401
from airflow.sdk import dag, get_current_context, task

from newsdesk.alerts import failure_alert
from newsdesk.assets import STAGING_ITEMS

log = logging.getLogger("newsdesk.partner_ingest")


@dag(
    dag_id="partner_ingest",
    schedule="0 */6 * * *",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "newsdesk", "retries": 1, "retry_delay": timedelta(seconds=30),
                  "on_failure_callback": failure_alert()},
    tags=["newsdesk", "ingest"],
    doc_md=__doc__,
)
def partner_ingest() -> None:
    @task
    def prepare() -> list[str]:
        """Migrate the staging database, sync the registry into it, list enabled sources."""
        from newsdesk.config import Settings
        from newsdesk.ingest import enabled_source_ids
        from newsdesk.registry import load_registry
        from newsdesk.store.database import migrate, session_scope
        from newsdesk.store.sources import sync_sources

        settings = Settings.from_env()
        registry = load_registry(settings.sources_file)
        migrate(settings.db_url)
        with session_scope(settings.db_url) as session:
            sync_sources(session, registry)
        return enabled_source_ids(registry)

    # No Airflow retries here: the fetcher already retries transient HTTP errors with
    # backoff inside one attempt, and the next scheduled run is the natural retry.
    @task(retries=0, map_index_template="{{ task.op_kwargs['source_id'] }}")
    def ingest_source(source_id: str) -> dict[str, Any]:
        """Ingest one source; a failed source fails this mapped instance only."""
        from dataclasses import asdict

        from newsdesk.config import Settings
        from newsdesk.errors import SourceFailedError
        from newsdesk.ingest import ingest_source
        from newsdesk.registry import load_registry

        settings = Settings.from_env()
        report = ingest_source(load_registry(settings.sources_file), source_id, settings.db_url)
        if report.status == "failed":
            raise SourceFailedError(report.error or f"source {source_id} ({report.url}) failed")
        return asdict(report)

    @task(trigger_rule="all_done", outlets=[STAGING_ITEMS])
    def cluster_and_publish(source_ids: list[str]) -> dict[str, Any]:
        """Re-cluster everything stored; log which sources made it into this run."""
        from newsdesk.config import Settings
        from newsdesk.ingest import cluster_items
        from newsdesk.registry import load_registry

        settings = Settings.from_env()
        stats = cluster_items(load_registry(settings.sources_file), settings.db_url)
        ti = get_current_context()["ti"]
        states = ti.get_task_states(
            dag_id=ti.dag_id, task_ids=["ingest_source"], run_ids=[ti.run_id]
        )[ti.run_id]
        # Mapped instances are keyed "<task_id>_<map_index>", in the order of source_ids.
        outcome = {sid: states.get(f"ingest_source_{i}", "none")
                   for i, sid in enumerate(source_ids)}
        failed = sorted(sid for sid, state in outcome.items() if state != "success")
        log.info("ingested %d of %d sources; failed: %s; clusters: %s",
                 len(source_ids) - len(failed), len(source_ids), ", ".join(failed) or "none",
                 stats)
        return {"sources": outcome, "failed": failed, "clusters": str(stats)}

    source_ids = prepare()
    ingest_source.expand(source_id=source_ids) >> cluster_and_publish(source_ids)


partner_ingest()
