"""newsdesk: partner news and event calendars into an edited, trusted newsletter.

The package is the whole domain: the Airflow DAGs in ``dags/``, the CLI and the UI plugin
are thin layers that call these modules, so every behaviour is importable and testable
without Airflow running.
"""

from newsdesk.errors import NewsdeskError

__version__ = "0.1.0"

__all__ = ["NewsdeskError", "__version__"]
