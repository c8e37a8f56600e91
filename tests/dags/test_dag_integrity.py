"""Every file in dags/ imports cleanly in Airflow, follows the house rules, and is cheap to parse.

Each file is loaded in a fresh interpreter: Airflow reads its configuration (``AIRFLOW_HOME``)
when first imported, and the parse-time import check needs a ``sys.modules`` that nothing
else in the test session has filled. One test case per DAG file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsdesk.airflow_home import NewsdeskEnv, airflow_environment
from newsdesk.config import PROJECT_ROOT

DAG_FILES = sorted((PROJECT_ROOT / "dags").glob("*.py"))

# The only newsdesk modules a DAG file may import at parse time: the Asset definitions
# (and the package root and errors, which they bring).
# newsdesk.review_task holds only the review operator (a HITLOperator subclass) and its
# options: the DAG needs them to build its tasks, and they import no database code.
PARSE_TIME_NEWSDESK = {"newsdesk", "newsdesk.assets", "newsdesk.errors", "newsdesk.review_task",
                       "newsdesk.delivery_task", "newsdesk.alerts"}
# Libraries of the pipeline stages; Airflow itself needs none of them.
HEAVY = ("bs4", "feedparser", "icalendar", "dateparser", "rapidfuzz", "datasketch", "protego",
         "nh3", "premailer", "css_inline", "alembic", "psycopg", "lxml", "feedgen")

_LOAD = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
dags = [
    {"dag_id": d.dag_id, "doc_md": d.doc_md, "owner": d.default_args.get("owner"),
     "tags": sorted(d.tags), "catchup": d.catchup, "retries": d.default_args.get("retries")}
    for d in bag.dags.values()
]
print(json.dumps({"import_errors": bag.import_errors, "dags": dags}))
"""

# Import airflow.sdk first (the DAG processor has it loaded already), then the DAG file,
# and report which modules the file itself pulled in.
_IMPORTS = """
import importlib.util, json, sys
import airflow.sdk
before = set(sys.modules)
spec = importlib.util.spec_from_file_location("dag_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("airflow-home")
    newsdesk = NewsdeskEnv(home, f"sqlite:///{home / 'staging.sqlite'}", home / "none.yaml")
    return airflow_environment(home, newsdesk)


def _python(code: str, dag_file: Path, env: dict[str, str]) -> Any:
    done = subprocess.run([sys.executable, "-c", code, str(dag_file)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{dag_file}:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=DAG_FILES, ids=[p.name for p in DAG_FILES])
def loaded(request: pytest.FixtureRequest, airflow_env: dict[str, str]) -> dict[str, Any]:
    dag_file: Path = request.param
    result: dict[str, Any] = _python(_LOAD, dag_file, airflow_env)
    result["file"] = dag_file
    return result


def test_there_are_dag_files() -> None:
    assert DAG_FILES, f"no DAG files in {PROJECT_ROOT / 'dags'}"


def test_imports_without_errors(loaded: dict[str, Any]) -> None:
    assert loaded["import_errors"] == {}
    assert loaded["dags"], f"{loaded['file']} defines no DAG"


def test_follows_house_rules(loaded: dict[str, Any]) -> None:
    for dag in loaded["dags"]:
        where = f"{loaded['file'].name}: DAG {dag['dag_id']}"
        assert dag["doc_md"] and dag["doc_md"].strip(), f"{where} has no doc_md"
        assert dag["owner"] == "newsdesk", f"{where}: owner is {dag['owner']!r}"
        assert dag["tags"], f"{where} has no tags"
        assert dag["catchup"] is False, f"{where}: catchup must be False"
        assert dag["retries"] is not None, f"{where}: default_args has no retries"


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=[p.name for p in DAG_FILES])
def test_no_heavy_imports_at_parse_time(dag_file: Path, airflow_env: dict[str, str]) -> None:
    """The DAG processor re-parses these files every few seconds: wiring only at top level."""
    new_modules: list[str] = _python(_IMPORTS, dag_file, airflow_env)
    ours = [m for m in new_modules if m.split(".")[0] == "newsdesk"]
    assert set(ours) <= PARSE_TIME_NEWSDESK, f"{dag_file.name} imports at parse time: {ours}"
    heavy = [m for m in new_modules if m.split(".")[0] in HEAVY]
    assert heavy == [], f"{dag_file.name} imports at parse time: {heavy}"


_REVIEWERS = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
dag = DagBag(dag_folder=sys.argv[1]).dags["quarterly_newsletter"]
print(json.dumps({t.task_id: t.assigned_users for t in dag.tasks
                  if t.task_id.startswith("review_")}))
"""


def test_only_the_configured_reviewers_may_answer(airflow_env: dict[str, str]) -> None:
    dag_file = PROJECT_ROOT / "dags" / "quarterly_newsletter.py"
    env = {**airflow_env, "NEWSDESK_REVIEWERS": "chief, deputy"}
    assigned = _python(_REVIEWERS, dag_file, env)
    chief_and_deputy = [{"id": "chief", "name": "chief"}, {"id": "deputy", "name": "deputy"}]
    assert len(assigned) == 4 and all(users == chief_and_deputy for users in assigned.values())
    anyone = _python(_REVIEWERS, dag_file, airflow_env)
    assert len(anyone) == 4 and all(users is None for users in anyone.values())
