"""The manual entries of a month in the staging database: import, export, list.

What ``newsdesk monthly entries import|export|list`` calls (and the plugin will).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from newsdesk.monthly.entries import COLUMNS, ManualEntry, entry_as_row, read_entries
from newsdesk.monthly.month import Month
from newsdesk.store import entries as store
from newsdesk.store.database import require_migrated, session_scope
from newsdesk.store.entries import ImportCounts


def import_entries(db_url: str, month: Month | str, path: Path, *, by: str) -> ImportCounts:
    """Check every row of ``path``, then store all of them for ``month`` (or none).

    Idempotent: entries are keyed by month and key, so the same file twice changes nothing.
    """
    month = Month.parse(month) if isinstance(month, str) else month
    entries = read_entries(path)
    require_migrated(db_url)
    with session_scope(db_url) as session:
        return store.save_entries(session, month.key, entries, by=by)


def list_entries(db_url: str, month: Month | str) -> list[ManualEntry]:
    month = Month.parse(month) if isinstance(month, str) else month
    require_migrated(db_url)
    with session_scope(db_url) as session:
        return store.month_entries(session, month.key)


def export_entries(entries: list[ManualEntry], fmt: str = "yaml") -> str:
    """The entries as a file ``import`` reads back to the same rows (``yaml`` or ``csv``)."""
    rows = [entry_as_row(entry) for entry in entries]
    if fmt == "yaml":
        return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=100) if rows \
            else "[]\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cells = {**row, "paragraphs": "\n\n".join(row["paragraphs"]),
                 "list": "\n".join(row.get("list", []))}
        writer.writerow({name: cells.get(name, "") for name in COLUMNS})
    return out.getvalue()
