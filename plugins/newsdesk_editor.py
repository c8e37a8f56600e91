"""The editors' UI in Airflow: wiring only (the app lives in ``newsdesk.editor_ui``).

Airflow 3.3 mounts the FastAPI app at ``/newsdesk`` on its API server and shows an entry
"Newsletter editions" in the UI's navigation (an external view, opened inside the UI at
``/plugin/newsdesk``). Airflow adds no authentication to a plugin's app: every route of
``newsdesk.editor_ui`` checks the signed-in user and their rights on the
``quarterly_newsletter`` DAG itself. CSRF tokens are keyed with Airflow's
``[api] secret_key``, which every API server of one deployment shares.
"""

from __future__ import annotations

from typing import Any, ClassVar

from airflow.configuration import conf
from airflow.plugins_manager import AirflowPlugin

from newsdesk.config import Settings
from newsdesk.editor_ui.app import URL_PREFIX, create_app

_app = create_app(Settings.from_env(), secret=conf.get("api", "secret_key"))


class NewsdeskEditorPlugin(AirflowPlugin):
    name = "newsdesk_editor"
    fastapi_apps: ClassVar[list[dict[str, Any]]] = [
        {"app": _app, "url_prefix": URL_PREFIX, "name": "newsdesk editors"}]
    external_views: ClassVar[list[dict[str, Any]]] = [
        {"name": "Newsletter editions", "href": f"{URL_PREFIX}/", "destination": "nav",
         "url_route": "newsdesk", "nav_top_level": True}]
