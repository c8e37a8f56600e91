"""The environment every Airflow process started by newsdesk runs in.

Airflow reads its configuration when it is first imported, from ``AIRFLOW_HOME`` and
``AIRFLOW__SECTION__KEY`` variables, so newsdesk never imports Airflow in the process that
prepares it: ``make run``, ``make demo`` and the end-to-end tests build one environment here
and start ``airflow`` commands as subprocesses with it. Nothing is written to the user's
``~/airflow``: every home lives under newsdesk's state directory (or a test's tmp dir).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsdesk.config import PROJECT_ROOT
from newsdesk.errors import ConfigError
from newsdesk.standalone import stop_session

#: Where the simple auth manager writes the generated admin password (``{"admin": "..."}``).
PASSWORDS_FILE = "simple_auth_manager_passwords.json.generated"


@dataclass(frozen=True)
class NewsdeskEnv:
    """The settings the DAG tasks read with ``Settings.from_env()``, and the relay.

    ``smtp_uri`` becomes Airflow's ``smtp_default`` connection (``AIRFLOW_CONN_SMTP_DEFAULT``),
    the one the delivery tasks and ``newsdesk delivery send`` use.
    """

    state_dir: Path
    db_url: str
    sources_file: Path
    secret: str | None = None
    public_url: str | None = None
    smtp_uri: str | None = None

    def as_environ(self) -> dict[str, str]:
        optional = {"NEWSDESK_SECRET": self.secret, "NEWSDESK_PUBLIC_URL": self.public_url,
                    "AIRFLOW_CONN_SMTP_DEFAULT": self.smtp_uri}
        return {
            "NEWSDESK_STATE_DIR": str(self.state_dir),
            "NEWSDESK_DB_URL": self.db_url,
            "NEWSDESK_SOURCES": str(self.sources_file),
            **{key: value for key, value in optional.items() if value},
        }


def airflow_environment(
    airflow_home: Path,
    newsdesk: NewsdeskEnv,
    *,
    api_port: int = 8080,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A full environment (``base`` or ``os.environ`` plus Airflow's and newsdesk's settings).

    The API server listens on 127.0.0.1 only, and the execution API URL follows its port
    (Airflow assumes 8080 otherwise, and task runners would talk to the wrong server). The
    venv's ``bin/`` goes first on ``PATH`` because ``airflow standalone`` starts its
    components with whatever ``airflow`` it finds there.
    """
    env = dict(os.environ if base is None else base)
    for key in [k for k in env if k.startswith(("AIRFLOW__", "AIRFLOW_CONN_", "NEWSDESK_"))]:
        del env[key]  # an outer setting must not leak into this home
    api_url = f"http://127.0.0.1:{api_port}"
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__BASE_URL": api_url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api_url}/execution/",
            # The log servers of the scheduler and triggerer: free ports, so two homes
            # (two test runs, or a test beside `make run`) never fight over 8793/8794.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(pick_port(8793)),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(pick_port(8794)),
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
            **newsdesk.as_environ(),
        }
    )
    return env


def migrate_metadata(env: Mapping[str, str], log_path: Path) -> None:
    """Create or upgrade Airflow's metadata database (SQLite in ``AIRFLOW_HOME``)."""
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    run_airflow(["db", "migrate"], env, log_path)


def run_airflow(args: list[str], env: Mapping[str, str], log_path: Path) -> None:
    """Run one ``airflow`` command to completion, its output appended to ``log_path``.

    The command runs in a session of its own and anything it leaves behind is stopped
    when it returns. Raises :class:`ConfigError` naming the command and the log (with its
    last lines) when the command fails.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(["airflow", *args], env=dict(env), stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            returncode = process.wait()
        finally:
            stop_session(process.pid, grace_s=5)
    if returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        raise ConfigError(f"`airflow {' '.join(args)}` failed (exit {returncode}); "
                          f"see {log_path}:\n" + "\n".join(tail))


def admin_login(airflow_home: Path) -> tuple[str, str]:
    """The user and password the simple auth manager generated for ``admin``."""
    path = airflow_home / PASSWORDS_FILE
    try:
        users = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the generated admin password: {exc}") from exc
    if not isinstance(users, dict) or "admin" not in users:
        raise ConfigError(f"{path}: no password for user 'admin'")
    return "admin", str(users["admin"])


def pick_port(preferred: int) -> int:
    """``preferred`` if nothing listens on 127.0.0.1 there, else a free port the OS picks."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            bound: int = sock.getsockname()[1]
            return bound
    raise ConfigError("no free TCP port on 127.0.0.1")
