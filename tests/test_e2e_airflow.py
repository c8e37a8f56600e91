"""End to end: ``airflow standalone`` runs ``partner_ingest``, triggered over the REST API.

The same path as ``make run`` (``newsdesk.standalone``): a temporary ``AIRFLOW_HOME`` with
SQLite, the API server on a free loopback port, the demo registry rebased on the fixture
server. The test logs in with the generated admin password, unpauses the DAG and waits for
the run that follows (bounded), then asks again as a second ``make run`` would (the DAG
already unpaused, the slot's run done): that gets a run of its own, and re-running changes
nothing; finally it stops the whole process session and checks
that no process of it is left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsdesk.airflow_home import NewsdeskEnv, admin_login, airflow_environment, pick_port
from newsdesk.fixtures import write_demo_registry
from newsdesk.standalone import AirflowAPI, session_members, start_standalone, wait_for_api
from newsdesk.store.database import session_scope
from newsdesk.store.items import list_items

pytestmark = pytest.mark.airflow


def test_standalone_runs_partner_ingest(fixture_sites: Any, tmp_path: Path) -> None:
    sources = write_demo_registry(fixture_sites.base_url, tmp_path / "sources.yaml")
    newsdesk = NewsdeskEnv(tmp_path, f"sqlite:///{tmp_path / 'staging.sqlite'}", sources)
    home = tmp_path / "airflow"
    env = airflow_environment(home, newsdesk, api_port=pick_port(0))
    api_url = env["AIRFLOW__API__BASE_URL"]
    standalone = start_standalone(env, home / "standalone.log")
    try:
        wait_for_api(api_url, standalone, timeout_s=240)
        api = AirflowAPI(api_url, *admin_login(home))
        try:
            api.wait_for_dag("partner_ingest", timeout_s=120)
            first = api.unpause_and_run("partner_ingest")
            first_state = api.wait_for_run("partner_ingest", first, timeout_s=300)
            tasks = api.task_instances("partner_ingest", first)
            items_after_first = _item_count(newsdesk.db_url)
            second = api.unpause_and_run("partner_ingest")  # a second `make run`
            assert second != first, "the earlier run reported as a new one"
            second_state = api.wait_for_run("partner_ingest", second, timeout_s=300)
        finally:
            api.close()
    finally:
        standalone.stop()

    assert session_members(standalone.session_id) == []
    assert (first_state, second_state) == ("success", "success"), \
        standalone.log_path.read_text()[-3000:]
    labels = {ti["rendered_map_index"] for ti in tasks if ti["task_id"] == "ingest_source"}
    assert len(labels) >= 5 and all("/" in label for label in labels), labels
    assert items_after_first >= 10
    assert _item_count(newsdesk.db_url) == items_after_first


def _item_count(db_url: str) -> int:
    with session_scope(db_url) as session:
        return len(list_items(session))
