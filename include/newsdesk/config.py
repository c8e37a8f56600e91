"""Settings read once from the environment.

Modules never read ``os.environ`` themselves: they take a :class:`Settings` (or a value
taken from it) as an argument, so tests and the Airflow tasks pass exactly what they mean.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The project checkout: ``include/newsdesk/config.py`` -> three levels up.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Where newsdesk keeps its state and which staging database it uses."""

    state_dir: Path
    db_url: str
    sources_file: Path
    templates_dir: Path
    #: Signs the links in subscribers' emails (``NEWSDESK_SECRET``); checked where it is used.
    secret: str | None = None
    #: Where the public subscription pages are served (the links in every message).
    public_url: str = "http://127.0.0.1:8025"
    #: Reply-To of delivered messages (``NEWSDESK_REPLY_TO``); none: replies go to From.
    reply_to: str | None = None
    #: DKIM signing: a PEM private key file and its DNS selector (both, or neither).
    dkim_key_file: Path | None = None
    dkim_selector: str | None = None
    #: The SMTP relay outside Airflow, as Airflow's ``smtp_default`` connection URI
    #: (``AIRFLOW_CONN_SMTP_DEFAULT``): the public app mails its confirmations through it.
    smtp_uri: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read ``NEWSDESK_*`` variables; every one has a default for the embedded setup.

        ``NEWSDESK_STATE_DIR`` (default ``<project>/.newsdesk``) holds the SQLite file and
        other local state; ``NEWSDESK_DB_URL`` (default: SQLite in the state directory) is the
        staging database; ``NEWSDESK_SOURCES`` (default ``include/sources/demo.yaml``) the
        source registry; ``NEWSDESK_SECRET`` (no default) signs subscribers' links;
        ``NEWSDESK_PUBLIC_URL`` is the public app's address; ``NEWSDESK_REPLY_TO``,
        ``NEWSDESK_DKIM_KEY_FILE`` and ``NEWSDESK_DKIM_SELECTOR`` shape delivered messages;
        ``AIRFLOW_CONN_SMTP_DEFAULT`` is the relay services outside Airflow send through.
        """
        env = os.environ if environ is None else environ
        state_dir = Path(env.get("NEWSDESK_STATE_DIR") or PROJECT_ROOT / ".newsdesk")
        db_url = env.get("NEWSDESK_DB_URL") or f"sqlite:///{state_dir / 'newsdesk.sqlite'}"
        sources = Path(env.get("NEWSDESK_SOURCES") or PROJECT_ROOT / "include/sources/demo.yaml")
        templates = Path(env.get("NEWSDESK_TEMPLATES") or PROJECT_ROOT / "templates")
        return cls(
            state_dir=state_dir, db_url=db_url, sources_file=sources, templates_dir=templates,
            secret=env.get("NEWSDESK_SECRET") or None,
            public_url=env.get("NEWSDESK_PUBLIC_URL") or cls.public_url,
            reply_to=env.get("NEWSDESK_REPLY_TO") or None,
            dkim_key_file=Path(env["NEWSDESK_DKIM_KEY_FILE"])
            if env.get("NEWSDESK_DKIM_KEY_FILE") else None,
            dkim_selector=env.get("NEWSDESK_DKIM_SELECTOR") or None,
            smtp_uri=env.get("AIRFLOW_CONN_SMTP_DEFAULT") or None,
        )
