"""The editors' UI: the newsletter's pages inside Airflow (an Airflow 3.3 plugin's app).

``plugins/newsdesk_editor.py`` only wires :func:`newsdesk.editor_ui.app.create_app` into
an ``AirflowPlugin``; the pages, their security and their forms live here (see
docs/review.md). Only ``app`` and ``access`` import Airflow (which reads its configuration
on first import), so the pure parts (``csrf``, ``forms``, ``pages``, ``preview``,
``templating``) can be imported anywhere.
"""
