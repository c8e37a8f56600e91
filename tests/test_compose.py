"""docker-compose.yml has the production layout the docs promise, with settings the code reads.

No Docker here: the file is parsed as YAML (with its anchors resolved) and checked against
the Airflow 3 component list, the CeleryExecutor wiring, and the ``NEWSDESK_*`` names that
the package really reads (found by scanning ``include/newsdesk`` for them).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsdesk.config import PROJECT_ROOT

AIRFLOW_COMMANDS = {
    "airflow-api-server": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = compose["services"]
    return result


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment must be a mapping"
    return {key: str(value) for key, value in env.items()}


def newsdesk_env_names_read_by_code() -> set[str]:
    names: set[str] = set()
    for path in (PROJECT_ROOT / "include/newsdesk").rglob("*.py"):
        names |= set(re.findall(r"NEWSDESK_[A-Z_]+", path.read_text(encoding="utf-8")))
    return names


def test_every_component_runs_its_command(services: dict[str, dict[str, Any]]) -> None:
    for name, command in AIRFLOW_COMMANDS.items():
        assert name in services, f"no service {name}"
        assert services[name]["command"] == command, name
        assert services[name]["build"] == ".", f"{name} must run the newsdesk image"


def test_backing_services(services: dict[str, dict[str, Any]]) -> None:
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    mail = services["mailpit"]
    assert mail["image"].startswith("axllent/mailpit")
    assert "8025:8025" in mail["ports"]  # the web UI
    assert 1025 in mail["expose"]  # SMTP


def test_postgres_creates_the_staging_database(services: dict[str, dict[str, Any]]) -> None:
    mounts = services["postgres"]["volumes"]
    init = [m for m in mounts if "/docker-entrypoint-initdb.d/" in m]
    assert init, "no init script for the newsdesk database"
    script = PROJECT_ROOT / init[0].split(":")[0]
    sql = script.read_text(encoding="utf-8")
    assert "CREATE DATABASE newsdesk" in sql
    db_url = _env(services["airflow-scheduler"])["NEWSDESK_DB_URL"]
    assert db_url.startswith("postgresql+psycopg://newsdesk:") and db_url.endswith("/newsdesk")


def test_init_migrates_both_databases(services: dict[str, dict[str, Any]]) -> None:
    init = services["airflow-init"]
    assert _env(init)["_AIRFLOW_DB_MIGRATE"] == "true"
    assert "newsdesk db migrate" in "\n".join(init["command"])
    for name in AIRFLOW_COMMANDS:
        condition = services[name]["depends_on"]["airflow-init"]["condition"]
        assert condition == "service_completed_successfully", name


def test_celery_executor_wiring(services: dict[str, dict[str, Any]]) -> None:
    for name in [*AIRFLOW_COMMANDS, "airflow-init"]:
        env = _env(services[name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert "@redis:6379/" in env["AIRFLOW__CELERY__BROKER_URL"], name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres/airflow"), name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == \
            "http://airflow-api-server:8080/execution/", name
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"], name  # shared by every component


def test_newsdesk_settings_are_the_ones_the_code_reads(
    services: dict[str, dict[str, Any]],
) -> None:
    read = newsdesk_env_names_read_by_code()
    assert {"NEWSDESK_DB_URL", "NEWSDESK_SOURCES", "NEWSDESK_STATE_DIR"} <= read
    for name in [*AIRFLOW_COMMANDS, "airflow-init"]:
        env = _env(services[name])
        given = {key for key in env if key.startswith("NEWSDESK_")}
        assert given <= read, f"{name} sets {given - read}, which no code reads"
        assert {"NEWSDESK_DB_URL", "NEWSDESK_SOURCES", "NEWSDESK_STATE_DIR"} <= given, name
        assert "/opt/newsdesk/include/sources/" in env["NEWSDESK_SOURCES"], name


def test_project_is_mounted_where_the_image_installs_it(
    services: dict[str, dict[str, Any]],
) -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM apache/airflow:3\.3\.\d+-python3\.11$", dockerfile, re.MULTILINE)
    assert "-e /opt/newsdesk" in dockerfile
    for name in AIRFLOW_COMMANDS:
        mounts = {m.split(":")[1]: m.split(":")[0] for m in services[name]["volumes"]
                  if m.startswith("./")}
        for part in ("dags", "plugins", "include", "templates"):
            assert mounts.get(f"/opt/newsdesk/{part}") == f"./{part}", f"{name}: {part}"
            assert Path(PROJECT_ROOT / part).is_dir()
        env = _env(services[name])
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/newsdesk/dags"
        assert env["AIRFLOW__CORE__PLUGINS_FOLDER"] == "/opt/newsdesk/plugins"


def test_ports(services: dict[str, dict[str, Any]]) -> None:
    assert "8080:8080" in services["airflow-api-server"]["ports"]


def test_public_service_runs_without_airflow(services: dict[str, dict[str, Any]]) -> None:
    public = services["public"]
    assert public["build"] == "."
    assert public["entrypoint"] == ["newsdesk"]
    assert public["command"][:2] == ["public", "serve"]
    assert "--host" in public["command"] and "0.0.0.0" in public["command"]
    port = public["command"][public["command"].index("--port") + 1]
    assert f"{port}:{port}" in public["ports"]
    assert f"localhost:{port}/healthz" in " ".join(public["healthcheck"]["test"])
    env = _env(public)
    assert not [key for key in env if key.startswith("AIRFLOW__")], "it needs no Airflow"
    assert {key for key in env if key.startswith("NEWSDESK_")} <= newsdesk_env_names_read_by_code()
    assert env["NEWSDESK_DB_URL"] == _env(services["airflow-scheduler"])["NEWSDESK_DB_URL"]
    assert env["AIRFLOW_CONN_SMTP_DEFAULT"].startswith("smtp://mailpit:1025")
    # The same secret signs links in Airflow and checks them here; compose refuses a default.
    assert env["NEWSDESK_SECRET"] == _env(services["airflow-worker"])["NEWSDESK_SECRET"]
    assert env["NEWSDESK_SECRET"].startswith("${NEWSDESK_SECRET:?")
    assert public["depends_on"]["airflow-init"]["condition"] == \
        "service_completed_successfully"
