"""How long each DAG file takes to parse, as a ratio to an empty DAG file (goal: <= 2).

The DAG processor re-parses every file every few seconds. Airflow 3.3 forks each parse
from a long-lived parent that has first imported every ``airflow.*`` module the file names
in its import statements (``[dag_processor] parsing_pre_import_modules``, on by default;
``airflow.dag_processing.processor._pre_import_airflow_modules``). Each sample does the
same: a fresh interpreter imports ``airflow.sdk`` and the file's own Airflow imports (found
by Airflow's ``iter_airflow_imports``), then times only the execution of the DAG file. The
median of several samples is compared with the same measure for an empty DAG file.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from newsdesk.airflow_home import NewsdeskEnv, airflow_environment
from newsdesk.config import PROJECT_ROOT

SAMPLES = 7
GOAL_RATIO = 2.0

EMPTY_DAG = '''"""An empty DAG: the baseline."""
from datetime import datetime

from airflow.sdk import dag


@dag(schedule=None, start_date=datetime(2024, 1, 1), catchup=False)
def empty() -> None:
    pass


empty()
'''

# The Airflow features partner_ingest uses (TaskFlow, a cron schedule, mapping, an Asset
# outlet) with no newsdesk import: shows how much of the gap is Airflow's own lazy imports.
AIRFLOW_FEATURES_DAG = '''"""TaskFlow, cron, mapping and an Asset: no newsdesk."""
from datetime import datetime

from airflow.sdk import Asset, dag, task


@dag(schedule="0 */6 * * *", start_date=datetime(2024, 1, 1), catchup=False)
def features() -> None:
    @task
    def one() -> list[int]:
        return [1]

    @task(outlets=[Asset(name="a", uri="x-bench://a")])
    def two(value: int) -> None:
        pass

    two.expand(value=one())


features()
'''

_TIME_ONE = """
import importlib, importlib.util, sys, time
import airflow.sdk
from airflow.utils.file import iter_airflow_imports
for name in iter_airflow_imports(sys.argv[1]):  # what the DAG processor's parent pre-imports
    importlib.import_module(name)
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("dag_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(time.perf_counter() - started)
"""


def parse_seconds(dag_file: Path, env: dict[str, str]) -> float:
    """Median parse time of ``dag_file`` over :data:`SAMPLES` fresh interpreters."""
    samples = []
    for _ in range(SAMPLES):
        done = subprocess.run([sys.executable, "-c", _TIME_ONE, str(dag_file)], env=env,
                              capture_output=True, text=True, check=True)
        samples.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = airflow_environment(home, NewsdeskEnv(home, f"sqlite:///{home / 's.db'}",
                                                    home / "sources.yaml"))
        empty = home / "empty_dag.py"
        empty.write_text(EMPTY_DAG, encoding="utf-8")
        baseline = parse_seconds(empty, env)
        print(f"empty DAG file: {baseline * 1000:.1f} ms (median of {SAMPLES})")
        features = home / "features_dag.py"
        features.write_text(AIRFLOW_FEATURES_DAG, encoding="utf-8")
        floor = parse_seconds(features, env)
        print(f"TaskFlow + cron + mapping + Asset, no newsdesk: {floor * 1000:.1f} ms, "
              f"{floor / baseline:.2f}x the empty DAG (Airflow's own lazy imports)")
        for dag_file in sorted((PROJECT_ROOT / "dags").glob("*.py")):
            seconds = parse_seconds(dag_file, env)
            ratio = seconds / baseline
            verdict = "ok" if ratio <= GOAL_RATIO else f"over the goal of {GOAL_RATIO:g}"
            print(f"{dag_file.name}: {seconds * 1000:.1f} ms, {ratio:.2f}x the empty DAG "
                  f"({verdict})")


if __name__ == "__main__":
    main()
