"""Operators' subscriber files: import a CSV, export one, mark a provider's bounce list.

An import is idempotent (a second run of the same file changes nothing) and never stops at
a bad row: every row is checked, the good ones are imported, and each bad one is reported
with its line number and reason, so a 5,000-row file with three typos needs one fix and one
re-run, not a bisection. Outside files are bounded: a file above :data:`MAX_FILE_BYTES`, a
row count above :data:`MAX_ROWS` or a field above :data:`MAX_FIELD_CHARS` is an error naming
the file or the line, before it can fill memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsdesk.errors import SubscriberError
from newsdesk.store.models import SubscriberRow
from newsdesk.subscribers import lifecycle
from newsdesk.subscribers.addresses import normalise
from newsdesk.subscribers.lifecycle import Status

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ROWS = 500_000
MAX_FIELD_CHARS = 1_000
#: The columns an import reads; only ``email`` is required.
COLUMNS = ("email", "name", "organisation", "language", "consent_source", "consent_at")
EXPORT_COLUMNS = ("email", "name", "organisation", "language", "status", "status_changed_at",
                  "status_via", "consent_source", "consent_at")

#: Called with the bytes read so far (the CLI draws a progress bar with it).
Progress = Callable[[int], None]


@dataclass
class BadRow:
    line: int
    reason: str


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Rows naming someone who unsubscribed or bounced: left as they are, never resubscribed.
    kept_out: int = 0
    bad: list[BadRow] = field(default_factory=list)


def import_csv(session: Session, path: Path, list_name: str, *,
               progress: Progress | None = None) -> ImportReport:
    """Import ``path`` into ``list_name`` as active subscribers (their consent is the file's).

    ``consent_source`` defaults to ``import <file name>``. The caller commits.
    """
    lifecycle.require_list(list_name)
    report = ImportReport()
    default_source = f"import {path.name}"[:200]
    with _open_bounded(path) as stream:
        reader = csv.DictReader(_counted(stream, path, progress), restval="", strict=True)
        header = _header(reader, path)
        if "email" not in header:
            raise SubscriberError(f"{path}:1: no 'email' column (columns: {', '.join(header)})")
        line = 1
        for index, record in enumerate(_records(reader, path), start=1):
            start, line = line + 1, reader.line_num
            if index > MAX_ROWS:
                raise SubscriberError(f"{path}:{start}: more than {MAX_ROWS} rows; split the file")
            try:
                _import_row(session, list_name, record, default_source, report,
                            where=f"line {start}")
            except SubscriberError as exc:
                report.bad.append(BadRow(start, str(exc).removeprefix(f"line {start}: ")))
    return report


def _import_row(session: Session, list_name: str, record: dict[str, str | None],
                default_source: str, report: ImportReport, *, where: str) -> None:
    values = {name: (record.get(name) or "").strip() for name in COLUMNS}
    if record.get(None):  # type: ignore[call-overload]  # DictReader's key for extra fields
        raise SubscriberError(f"{where}: more fields than the header has columns")
    if not values["email"]:
        raise SubscriberError(f"{where}: the email field is empty")
    normalise(values["email"], where=where)
    consent_at = _when(values["consent_at"], where=where) if values["consent_at"] else None
    existing = lifecycle.find(session, list_name, values["email"])
    _row, changed = lifecycle.add_active(
        session, list_name, values["email"], name=values["name"],
        organisation=values["organisation"], language=values["language"] or "en",
        consent_source=values["consent_source"] or default_source, consent_at=consent_at)
    if existing is None:
        report.added += 1
    elif existing.status in (Status.UNSUBSCRIBED, Status.BOUNCED):
        report.kept_out += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


def mark_bounced_file(session: Session, path: Path, list_name: str) -> tuple[int, list[BadRow]]:
    """Mark each address of ``path`` (one a line; blank lines and ``#`` comments skipped)
    bounced on ``list_name``. Returns how many changed status and the lines not used."""
    lifecycle.require_list(list_name)
    changed, bad = 0, []
    with _open_bounded(path) as stream:
        for number, raw in enumerate(_lines(stream, path), start=1):
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            if number > MAX_ROWS:
                raise SubscriberError(f"{path}:{number}: more than {MAX_ROWS} lines")
            try:
                before = lifecycle.find(session, list_name, text)
            except SubscriberError as exc:
                bad.append(BadRow(number, str(exc).removeprefix(f"list {list_name}: ")))
                continue
            if before is None:
                bad.append(BadRow(number, f"{text!r} is not on {list_name}"))
                continue
            status = before.status
            lifecycle.mark_bounced(session, list_name, text)
            changed += status != before.status
    return changed, bad


def export_csv(session: Session, list_name: str, out: IO[str], *,
               status: Status | None = None) -> int:
    """Write the list (optionally one status) as CSV, in id order; returns the row count.

    The file re-imports as it is: the import keeps unsubscribed and bounced people out."""
    query = select(SubscriberRow).where(SubscriberRow.list_name == lifecycle.require_list(
        list_name)).order_by(SubscriberRow.id)
    if status is not None:
        query = query.where(SubscriberRow.status == status)
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in session.scalars(query.execution_options(yield_per=1000)):
        writer.writerow([_cell(getattr(row, name)) for name in EXPORT_COLUMNS])
        count += 1
    return count


def counts(session: Session) -> dict[tuple[str, str], int]:
    """``(list, status) -> subscribers``, for every list and status that has any."""
    rows = session.execute(select(SubscriberRow.list_name, SubscriberRow.status,
                                  func.count()).group_by(SubscriberRow.list_name,
                                                         SubscriberRow.status))
    return {(list_name, status): n for list_name, status, n in rows}


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return "" if value is None else str(value)


def _when(text: str, *, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SubscriberError(f"{where}: consent_at {text!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _open_bounded(path: Path) -> IO[bytes]:
    """The file, opened as bytes: decoding line by line lets a bad byte name its line."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SubscriberError(f"{path}: {size} bytes is above the {MAX_FILE_BYTES}-byte limit")
        return path.open("rb")
    except OSError as exc:
        raise SubscriberError(f"{path}: cannot read: {exc.strerror}") from None


def _counted(stream: IO[bytes], path: Path, progress: Progress | None) -> Iterator[str]:
    """The file's lines as text, each refused above the field bound, reporting bytes read."""
    done = 0
    for line, size in _decoded(stream, path, limit=MAX_FIELD_CHARS * len(COLUMNS) * 2,
                               what="longer than any valid row"):
        done += size
        if progress is not None:
            progress(done)
        yield line


def _lines(stream: IO[bytes], path: Path) -> Iterator[str]:
    for line, _size in _decoded(stream, path, limit=MAX_FIELD_CHARS,
                                  what=f"line longer than {MAX_FIELD_CHARS} characters"):
        yield line


def _decoded(stream: IO[bytes], path: Path, *, limit: int, what: str
             ) -> Iterator[tuple[str, int]]:
    """UTF-8 lines with their size in bytes (a leading byte-order mark dropped); reads at
    most ``limit`` bytes per line, so one endless line cannot fill memory."""
    number = 0
    while raw := stream.readline(limit + 1):
        number += 1
        if len(raw) > limit:
            raise SubscriberError(f"{path}:{number}: {what}")
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise SubscriberError(f"{path}:{number}: not UTF-8") from None
        yield text, len(raw)


def _header(reader: csv.DictReader[str], path: Path) -> list[str]:
    try:
        names = reader.fieldnames
    except csv.Error as exc:
        raise SubscriberError(f"{path}:1: {exc}") from None
    if not names:
        raise SubscriberError(f"{path}: empty file, expected a header line with 'email'")
    return [name.strip().lower() for name in names]


def _records(reader: csv.DictReader[str], path: Path) -> Iterator[dict[str, str | None]]:
    """Rows with lower-cased column names; a malformed or oversized field names its line."""
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    while True:
        start = reader.line_num + 1  # the line the next record begins on
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SubscriberError(f"{path}:{start}: {exc}") from None
        for name, value in record.items():
            if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
                raise SubscriberError(f"{path}:{start}: field {name!r} is longer "
                                      f"than {MAX_FIELD_CHARS} characters")
        yield record
