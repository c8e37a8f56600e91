"""The Airflow Assets newsdesk produces, named once so producers and consumers agree.

DAG files import this module at parse time, so it imports nothing but ``airflow.sdk``.
A DAG that should run whenever fresh items land in staging declares
``schedule=[STAGING_ITEMS]``; ``partner_ingest`` lists it in the ``outlets`` of its final
task, so every finished ingest run (even one where some sources failed) emits an event.
"""

from __future__ import annotations

from airflow.sdk import Asset

#: The staging database's items and clusters, updated by ``partner_ingest``. The ``x-``
#: scheme marks a private URI that Airflow keeps as written.
STAGING_ITEMS = Asset(
    name="newsdesk-staging-items",
    uri="x-newsdesk://staging/items",
    group="newsdesk",
)
