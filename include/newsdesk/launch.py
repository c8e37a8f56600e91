"""``make run`` and ``make demo``: newsdesk on real Airflow against the fixture partner sites.

``python -m newsdesk.launch run`` starts the fixture sites, a local SMTP sink (every message
kept as an ``.eml`` with an ``index.html``), the public subscription pages and ``airflow
standalone`` (UI and all) with a
home under the state directory, logs in through the REST API, triggers ``partner_ingest``,
prints what it ingested, then triggers ``quarterly_newsletter`` for 2020Q4 with a fixture
subscriber list: the editors' "[TEST]" copy arrives in the sink, the draft waits for review
in the UI's Required Actions, and once approved it is delivered to the list and the report
printed. Everything stays up until Ctrl-C; then every process it started is stopped and
checked gone.

``python -m newsdesk.launch demo`` is the same pipeline headless: ``airflow dags test
partner_ingest`` (one real DAG run, tasks in-process) on a fresh state directory, then the
ingested items are printed and the command exits.

Both run the DAG exactly as production does; only the registry (the demo registry rebased
on the local fixture server) and the databases (SQLite files) differ.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType

from newsdesk.airflow_home import (
    NewsdeskEnv,
    admin_login,
    airflow_environment,
    migrate_metadata,
    pick_port,
    run_airflow,
)
from newsdesk.config import Settings
from newsdesk.errors import NewsdeskError
from newsdesk.standalone import AirflowAPI, Standalone, start_standalone, wait_for_api

DAG_ID = "partner_ingest"
NEWSLETTER_DAG = "quarterly_newsletter"
DEMO_QUARTER = "2020Q4"
FIXTURES_DIR = Path(__file__).parent / "fixtures"
STARTUP_TIMEOUT_S = 240.0
RUN_TIMEOUT_S = 600.0


class _Stop(Exception):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C so every ``finally`` runs."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsdesk.launch", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["run", "demo"])
    args = parser.parse_args(argv)
    state_dir = Settings.from_env().state_dir
    try:
        with _stop_on_signals():
            if args.mode == "run":
                run(state_dir)
            else:
                demo(state_dir / "demo")
    except _Stop:
        print("\nStopped.", flush=True)
    except NewsdeskError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def fixture_env(state_dir: Path, sites_url: str, smtp_port: int | None = None,
                public_url: str | None = None) -> NewsdeskEnv:
    """The embedded setup on the fixture sites: SQLite, a registry for ``sites_url``, and
    (with ``smtp_port``) the local sink as ``smtp_default``, the public pages' address and
    a secret kept in the state directory, so links in earlier messages stay valid."""
    from newsdesk.fixtures import write_demo_registry

    relay = (f"smtp://127.0.0.1:{smtp_port}?disable_ssl=true&disable_tls=true"
             if smtp_port else None)
    return NewsdeskEnv(
        state_dir=state_dir,
        db_url=f"sqlite:///{state_dir / 'newsdesk.sqlite'}",
        sources_file=write_demo_registry(sites_url, state_dir / "demo-sources.yaml"),
        secret=_local_secret(state_dir) if smtp_port else None,
        public_url=public_url if smtp_port else None,
        smtp_uri=relay,
    )


def _local_secret(state_dir: Path) -> str:
    import secrets

    path = state_dir / "secret"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def load_fixture_subscribers(db_url: str) -> None:
    """The fixture list (5 partners' contacts) and one editor, idempotently."""
    from newsdesk.store.database import migrate, session_scope
    from newsdesk.subscribers.csv_import import import_csv

    migrate(db_url)
    with session_scope(db_url) as session:
        import_csv(session, FIXTURES_DIR / "subscribers.csv", "partners-newsletter")
        import_csv(session, FIXTURES_DIR / "editors.csv", "editors")


def public_pages(newsdesk: NewsdeskEnv, port: int) -> AbstractContextManager[str]:
    """The public subscription pages (newsdesk.public) in a thread, mailing via the sink."""
    from newsdesk.delivery.transport import SmtpSettings, SmtpTransport
    from newsdesk.public import create_app
    from newsdesk.public.server import serving

    if not newsdesk.smtp_uri:
        raise NewsdeskError("the public pages need the mail sink")
    smtp = SmtpSettings.from_uri(newsdesk.smtp_uri)
    settings = replace(Settings.from_env(), state_dir=newsdesk.state_dir,
                       db_url=newsdesk.db_url, secret=newsdesk.secret,
                       public_url=newsdesk.public_url or f"http://127.0.0.1:{port}")
    return serving(create_app(settings, lambda: SmtpTransport(smtp)), port=port)


def run(state_dir: Path) -> None:
    """Airflow with its UI on the fixture sites, until Ctrl-C (``make run``)."""
    from newsdesk.delivery.sink import start_sink
    from newsdesk.fixtures import FixtureServer

    mail_dir = state_dir / "mail"
    with ExitStack() as stack:
        sink = start_sink(mail_dir, port=pick_port(2525))
        stack.callback(sink.stop)
        sites = stack.enter_context(FixtureServer(port=pick_port(8765)))
        public_port = pick_port(8025)
        newsdesk = fixture_env(state_dir, sites.base_url, smtp_port=sink.port,
                               public_url=f"http://127.0.0.1:{public_port}")
        load_fixture_subscribers(newsdesk.db_url)
        public_url = stack.enter_context(public_pages(newsdesk, public_port))
        airflow_home = state_dir / "airflow"
        env = airflow_environment(airflow_home, newsdesk, api_port=pick_port(8080))
        api_url = env["AIRFLOW__API__BASE_URL"]
        print(f"Fixture partner sites: {sites.base_url}/", flush=True)
        print(f"Mail sink (SMTP 127.0.0.1:{sink.port}): open {mail_dir / 'index.html'}",
              flush=True)
        print(f"Public pages: {public_url}/subscribe (confirmation emails go to the sink)",
              flush=True)
        print(f"Starting airflow standalone (AIRFLOW_HOME={airflow_home}); "
              f"its output goes to {airflow_home / 'standalone.log'}", flush=True)
        standalone = start_standalone(env, airflow_home / "standalone.log")
        try:
            wait_for_api(api_url, standalone, STARTUP_TIMEOUT_S)
            user, password = admin_login(airflow_home)
            print(f"\nAirflow UI: {api_url}/   login: {user} / {password}\n", flush=True)
            api = AirflowAPI(api_url, user, password)
            try:
                _trigger_and_report(api, newsdesk)
                _newsletter(api, newsdesk, standalone, mail_dir)
            finally:
                api.close()
            raise NewsdeskError(f"airflow standalone exited with "
                                f"{standalone.process.returncode}; see "
                                f"{standalone.log_path}")
        finally:
            print("Stopping Airflow (every process of its session)...", flush=True)
            standalone.stop()
            print("Airflow stopped; no process left.", flush=True)


def _newsletter(api: AirflowAPI, newsdesk: NewsdeskEnv, standalone: Standalone,
                mail_dir: Path) -> None:
    """Trigger 2020Q4's newsletter, say where to review it, report its delivery; then idle."""
    from newsdesk.delivery_task import SMTP_POOL

    api.ensure_pool(SMTP_POOL, 2, "concurrent SMTP connections of newsletter delivery")
    api.wait_for_dag(NEWSLETTER_DAG, STARTUP_TIMEOUT_S)
    api.set_paused(NEWSLETTER_DAG, False)
    run_id = api.trigger(NEWSLETTER_DAG, {"quarter": DEMO_QUARTER})
    print(f"\nTriggered {NEWSLETTER_DAG} for {DEMO_QUARTER} (run {run_id}). The editors' "
          f"[TEST] copy goes to the mail sink; review the draft in the Airflow UI under "
          f"Browse > Required Actions (task review_1). Once approved it is delivered to the "
          f"fixture list: {mail_dir / 'index.html'}", flush=True)
    print(f"Edit the draft in the editors' page (Newsletter editions in the UI's navigation): "
          f"{api.api_url}/newsdesk/editions/quarterly/{DEMO_QUARTER}", flush=True)
    print("Airflow keeps running (partner_ingest every 6 hours). Press Ctrl-C to stop.",
          flush=True)
    reported = False
    while standalone.process.poll() is None:  # until Ctrl-C or Airflow exits
        time.sleep(5)
        if not reported and api.run_state(NEWSLETTER_DAG, run_id) in ("success", "failed"):
            reported = True
            print(f"\n{NEWSLETTER_DAG} {DEMO_QUARTER}: "
                  f"{api.run_state(NEWSLETTER_DAG, run_id)}", flush=True)
            _print_delivery(newsdesk.db_url, mail_dir)


def _print_delivery(db_url: str, mail_dir: Path) -> None:
    from newsdesk.delivery.ledger import State, report
    from newsdesk.store.database import session_scope
    from newsdesk.store.revisions import find_edition

    with session_scope(db_url) as session:
        edition = find_edition(session, DEMO_QUARTER, "quarterly")
        if edition is None:
            return
        result = report(session, edition.id)
    print("Delivery: " + ", ".join(f"{result.count(s)} {s.value}" for s in State)
          + f"; the messages: {mail_dir / 'index.html'}", flush=True)


def _trigger_and_report(api: AirflowAPI, newsdesk: NewsdeskEnv) -> None:
    api.wait_for_dag(DAG_ID, STARTUP_TIMEOUT_S)
    run_id = api.unpause_and_run(DAG_ID)
    print(f"Unpaused {DAG_ID}; waiting for run {run_id}...", flush=True)
    state = api.wait_for_run(DAG_ID, run_id, RUN_TIMEOUT_S)
    print(f"Run {run_id}: {state}", flush=True)
    for ti in api.task_instances(DAG_ID, run_id):
        label = ti.get("rendered_map_index") or ti["task_id"]
        print(f"  {ti['task_id']:<20} {label:<32} {ti['state']}", flush=True)
    print_ingested(newsdesk.db_url)


def demo(state_dir: Path) -> None:
    """One headless ``partner_ingest`` run on a fresh state directory (``make demo``)."""
    from newsdesk.fixtures import FixtureServer

    shutil.rmtree(state_dir, ignore_errors=True)
    with FixtureServer(port=pick_port(8765)) as sites:
        newsdesk = fixture_env(state_dir, sites.base_url)
        airflow_home = state_dir / "airflow"
        env = airflow_environment(airflow_home, newsdesk)
        log_path = airflow_home / "dags-test.log"
        print(f"Fixture partner sites: {sites.base_url}/", flush=True)
        print(f"Running `airflow dags test {DAG_ID}` (AIRFLOW_HOME={airflow_home}; "
              f"log: {log_path})...", flush=True)
        migrate_metadata(env, log_path)
        run_airflow(["dags", "test", DAG_ID], env, log_path)
        print(f"{DAG_ID}: success\n", flush=True)
        print_ingested(newsdesk.db_url)
        render_demo_newsletter(newsdesk, state_dir / "newsletter-2020Q4")


def render_demo_newsletter(newsdesk: NewsdeskEnv, out_dir: Path) -> list[Path]:
    """Build the 2020Q4 edition from what the demo ingested, render it, print its files.

    The same calls as ``newsdesk newsletter build --quarter 2020Q4`` and ``render``.
    """
    from newsdesk.edition import build_edition, load_newsletter_config
    from newsdesk.registry import load_registry
    from newsdesk.render import render_revision

    revision = build_edition(newsdesk.db_url, "2020Q4", load_registry(newsdesk.sources_file),
                             load_newsletter_config(), created_by="make demo")
    counts = ", ".join(f"{section.heading}: {len(section.items)}"
                       for section in revision.snapshot.sections)
    print(f"\nNewsletter 2020Q4: draft revision {revision.id} ({counts})")
    templates = Settings.from_env().templates_dir
    paths = render_revision(newsdesk.db_url, revision.id, out_dir, templates, preview=True)
    print("Rendered files:")
    for path in paths:
        print(f"  {path}")
    return paths


def print_ingested(db_url: str) -> None:
    """Per-source outcome of the last fetch, then every stored item with its cluster."""
    from newsdesk.store.database import session_scope
    from newsdesk.store.items import list_items
    from newsdesk.store.sources import fetch_log, source_health

    with session_scope(db_url) as session:
        last = {row.source_id: row for row in fetch_log(session)}
        print("Sources (last fetch):")
        for health in sorted(source_health(session), key=lambda h: h.source_id):
            fetch = last.get(health.source_id)
            counts = "" if fetch is None else (f"found {fetch.items_found:>3}, "
                                               f"new {fetch.items_new:>3}")
            error = f"  {health.last_error}" if health.last_error else ""
            print(f"  {health.source_id:<32} {health.last_status or 'never':<12} "
                  f"{counts}{error}")
        items = list_items(session)
        print(f"\nItems ({len(items)}):")
        print(f"  {'partner':<10} {'kind':<11} {'date':<10}  {'cluster':>7}  title")
        for item in items:
            when = (item.starts_at if item.kind == "event" else None) or item.published_at
            day = when.date().isoformat() if when else "-"
            cluster = str(item.cluster_id) if item.cluster_id is not None else "-"
            print(f"  {item.partner_id:<10} {item.kind:<11} {day:<10}  {cluster:>7}  "
                  f"{_shorten(item.title, 70)}")
    sys.stdout.flush()


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGINT, SIGTERM and SIGHUP into an exception, so the same cleanup runs.

    SIGINT is set explicitly: a process started in the background by a non-interactive
    shell inherits SIGINT as ignored, and Ctrl-C (or ``kill -INT``) must stop it anyway.
    After the first one, further stop signals are ignored until the cleanup (bounded by
    its grace periods) is done: ``timeout`` or a process manager often delivers it twice.
    """

    def _raise(signum: int, _frame: FrameType | None) -> None:
        for sig in stops:  # a second signal (a wrapper forwarding it) must not cut the cleanup
            signal.signal(sig, signal.SIG_IGN)
        raise _Stop(signal.Signals(signum).name)

    stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, _raise) for sig in stops}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
