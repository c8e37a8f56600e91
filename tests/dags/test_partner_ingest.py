"""One real ``partner_ingest`` run (``airflow dags test``: ``dag.test()``) on the fixture sites.

The run happens in a subprocess with a temporary ``AIRFLOW_HOME`` (Airflow reads its
configuration when first imported, so this test process never imports it), the demo
registry rebased on the fixture server plus one source that answers 404, and a temporary
SQLite staging database. The assertions read what the run left: Airflow's metadata
database for task states, the staging database for items.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsdesk.airflow_home import NewsdeskEnv, airflow_environment, migrate_metadata, run_airflow
from newsdesk.fixtures import write_demo_registry
from newsdesk.ingest import enabled_source_ids
from newsdesk.registry import load_registry
from newsdesk.store.database import session_scope
from newsdesk.store.items import list_items
from newsdesk.store.sources import source_health

pytestmark = pytest.mark.airflow

BROKEN_SOURCE = "eropa/broken-feed"


@dataclass(frozen=True)
class DagRun:
    state: str
    tasks: dict[tuple[str, str], str]  # (task_id, rendered map index or "") -> state
    asset_events: int
    db_url: str
    enabled: list[str]


def _registry_with_broken_source(base_url: str, path: Path) -> Path:
    """The demo registry, plus a feed of partner EROPA whose URL answers 404."""
    write_demo_registry(base_url, path)
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    partner = next(p for p in raw["partners"] if p["id"] == BROKEN_SOURCE.split("/")[0])
    partner["sources"].append({"kind": "feed", "id": BROKEN_SOURCE.split("/")[1],
                               "url": f"{base_url}/eropa/no-such-feed.xml"})
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dag_run(fixture_sites: Any, tmp_path_factory: pytest.TempPathFactory) -> DagRun:
    tmp = tmp_path_factory.mktemp("partner-ingest")
    sources = _registry_with_broken_source(fixture_sites.base_url, tmp / "sources.yaml")
    newsdesk = NewsdeskEnv(tmp, f"sqlite:///{tmp / 'staging.sqlite'}", sources)
    env = airflow_environment(tmp / "airflow", newsdesk)
    log = tmp / "airflow.log"
    migrate_metadata(env, log)
    run_airflow(["dags", "test", "partner_ingest"], env, log)  # raises if the run failed

    with sqlite3.connect(tmp / "airflow" / "airflow.db") as meta:
        (state,) = meta.execute(
            "SELECT state FROM dag_run WHERE dag_id = 'partner_ingest'").fetchone()
        tasks = {(task_id, label or ""): ti_state for task_id, label, ti_state in meta.execute(
            "SELECT task_id, rendered_map_index, state FROM task_instance "
            "WHERE dag_id = 'partner_ingest'")}
        (events,) = meta.execute(
            "SELECT count(*) FROM asset_event JOIN asset ON asset.id = asset_event.asset_id "
            "WHERE asset.name = 'newsdesk-staging-items'").fetchone()
    enabled = enabled_source_ids(load_registry(sources))
    return DagRun(state, tasks, events, newsdesk.db_url, enabled)


def test_run_succeeds_although_one_source_fails(dag_run: DagRun) -> None:
    assert dag_run.state == "success"
    assert dag_run.tasks[("prepare", "")] == "success"
    assert dag_run.tasks[("cluster_and_publish", "")] == "success"


def test_one_mapped_instance_per_source_labelled_with_its_id(dag_run: DagRun) -> None:
    mapped = {label for task_id, label in dag_run.tasks if task_id == "ingest_source"}
    assert mapped == set(dag_run.enabled)


def test_broken_source_fails_alone(dag_run: DagRun) -> None:
    ingest = {label: state for (task_id, label), state in dag_run.tasks.items()
              if task_id == "ingest_source"}
    assert ingest[BROKEN_SOURCE] == "failed"
    succeeded = [label for label, state in ingest.items() if state == "success"]
    assert len(succeeded) >= 10, ingest


def test_instance_states_match_the_fetch_log(dag_run: DagRun) -> None:
    """A source is red in Airflow exactly when its fetch-log line says it failed."""
    with session_scope(dag_run.db_url) as session:
        health = {h.source_id: h for h in source_health(session)}
    for (task_id, label), state in dag_run.tasks.items():
        if task_id == "ingest_source":
            expected = "failed" if health[label].last_status == "failed" else "success"
            assert state == expected, f"{label}: {state}, fetch log {health[label].last_status}"
    broken = health[BROKEN_SOURCE]
    assert broken.consecutive_failures == 1
    assert "no-such-feed.xml" in (broken.last_error or "")


def test_items_are_stored_and_clustered(dag_run: DagRun) -> None:
    with session_scope(dag_run.db_url) as session:
        items = list_items(session)
        assert len(items) >= 10
        assert {item.kind for item in items} >= {"news", "event"}
        assert all(item.cluster_id is not None for item in items)


def test_staging_asset_is_updated(dag_run: DagRun) -> None:
    assert dag_run.asset_events == 1
