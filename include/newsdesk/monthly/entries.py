"""Manual entries of a monthly update: read from YAML or CSV, checked, sanitised.

Many of the division's activities (missions, visits, bilateral meetings) are on no
website, so editors write them. A file holds one row per entry::

    - key: tbilisi-visit            # optional; default: the title as a slug
      title: Visit of the Delegation from the City Government of Tbilisi
      date: 2014-06-05              # end_date: 2014-06-13 for a range
      paragraphs: ["At the request of ...", "DPADM staff ..."]
      list: ["developing a normative framework ...", "improving the ranking ..."]
      list_after: 1                 # paragraphs before the inline list (default: all)
      more_details_url: https://...
      more_details_text: "For more details on the Forum, please see:"
      parent: unpsa-2014            # a lettered sub-item of that entry

CSV has the same columns; paragraphs are separated by a blank line and list items by a
line break inside their cell. Every bad row is reported with its line and field, and a
file with any bad row imports nothing (half a month is worse than none). Text goes
through the same sanitiser as scraped summaries and is stored as text: the templates
add all of an entry's markup, so none of an editor's (or a pasted page's) reaches email.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newsdesk.errors import EditionError
from newsdesk.normalize.sanitize import html_to_text, sanitize_html
from newsdesk.yaml_file import read_yaml_rows

#: Bounds on what one file may hold (a pasted book must not become an email).
MAX_ROWS = 500
MAX_TITLE, MAX_PARAGRAPH, MAX_PARAGRAPHS = 300, 6000, 20
MAX_LIST_ITEM, MAX_LIST_ITEMS = 1000, 30
COLUMNS = ("key", "title", "date", "end_date", "paragraphs", "list", "list_after",
           "more_details_url", "more_details_text", "parent")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


@dataclass(frozen=True)
class ManualEntry:
    """One checked, sanitised entry as it is stored (``sequence``: its place in the file)."""

    key: str
    title: str
    starts_on: date
    ends_on: date | None
    paragraphs: tuple[str, ...]
    list_items: tuple[str, ...] = ()
    list_after: int | None = None
    more_details_url: str | None = None
    more_details_text: str | None = None
    parent_key: str | None = None
    sequence: int = 0


class _Row(BaseModel):
    """One row as written; the validators turn CSV cells and YAML values into one shape."""

    model_config = ConfigDict(extra="forbid")

    key: str | None = None
    title: str = Field(min_length=1)
    on: date = Field(alias="date")
    end_date: date | None = None
    paragraphs: list[str] = Field(min_length=1, max_length=MAX_PARAGRAPHS)
    items: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS, alias="list")
    list_after: int | None = Field(None, ge=0)
    more_details_url: str | None = None
    more_details_text: str | None = Field(None, max_length=MAX_TITLE)
    parent: str | None = None

    @field_validator("key", "end_date", "list_after", "more_details_url", "more_details_text",
                     "parent", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("key", "parent")
    @classmethod
    def _key_shape(cls, value: str | None) -> str | None:
        if value is not None and not _KEY.match(value):
            raise ValueError("lower-case letters, digits and dashes, at most 100")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        text = " ".join(clean_text(value).split())
        if not text:
            raise ValueError("is empty once markup is removed")
        if len(text) > MAX_TITLE:
            raise ValueError(f"{len(text)} characters, at most {MAX_TITLE}")
        return text

    @field_validator("paragraphs", mode="before")
    @classmethod
    def _split_paragraphs(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [p for p in re.split(r"\n\s*\n", value) if p.strip()]
        return value

    @field_validator("items", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [line for line in value.splitlines() if line.strip()]
        return value

    @field_validator("paragraphs")
    @classmethod
    def _clean_paragraphs(cls, value: list[str]) -> list[str]:
        return _cleaned(value, MAX_PARAGRAPH, "paragraph")

    @field_validator("items")
    @classmethod
    def _clean_list(cls, value: list[str]) -> list[str]:
        return _cleaned(value, MAX_LIST_ITEM, "list item")

    @field_validator("more_details_url")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+\S*$", value.strip()):
            raise ValueError("must be an absolute http(s) URL")
        return value.strip() if value else value


def clean_text(value: str) -> str:
    """An editor's text through the scraped items' sanitiser, then as plain text."""
    return html_to_text(sanitize_html(value))


def _cleaned(values: list[str], limit: int, what: str) -> list[str]:
    out: list[str] = []
    for number, value in enumerate(values, 1):
        text = clean_text(value)
        if not text.strip():
            raise ValueError(f"{what} {number} is empty once markup is removed")
        if len(text) > limit:
            raise ValueError(f"{what} {number}: {len(text)} characters, at most {limit}")
        out.append(text)
    return out


def slug(title: str) -> str:
    """A key from a title: ASCII, lower case, dashes (``"9th Jeju Forum"`` → ``9th-jeju-forum``)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    return "-".join(words)[:100].strip("-") or "entry"


def read_entries(path: Path) -> list[ManualEntry]:
    """Every entry of ``path`` (``.yaml``, ``.yml`` or ``.csv``), checked as a whole.

    Raises :class:`EditionError` listing every bad row as ``FILE line N, field F: problem``.
    """
    rows = _raw_rows(path)
    if len(rows) > MAX_ROWS:
        raise EditionError(f"{path}: {len(rows)} entries, at most {MAX_ROWS} in one file")
    problems: list[str] = []
    entries: list[tuple[int, ManualEntry]] = []
    for sequence, (line, raw) in enumerate(rows, 1):
        where = f"{path} line {line}"
        if isinstance(raw, _Unreadable):
            problems.append(f"{where}: {raw.reason}")
            continue
        if not isinstance(raw, dict):
            problems.append(f"{where}: an entry must be a mapping of fields")
            continue
        try:
            row = _Row.model_validate(raw)
        except ValidationError as exc:
            problems += [f"{where}, field {'.'.join(str(p) for p in err['loc']) or '?'}: "
                         f"{err['msg'].removeprefix('Value error, ')}" for err in exc.errors()]
            continue
        entry = ManualEntry(
            key=row.key or slug(row.title), title=row.title, starts_on=row.on,
            ends_on=row.end_date, paragraphs=tuple(row.paragraphs), list_items=tuple(row.items),
            list_after=row.list_after, more_details_url=row.more_details_url,
            more_details_text=row.more_details_text, parent_key=row.parent, sequence=sequence)
        problems += _row_problems(entry, where)
        entries.append((line, entry))
    problems += _cross_row_problems(path, entries)
    if problems:
        raise EditionError("\n".join(problems))
    return [entry for _line, entry in entries]


def _row_problems(entry: ManualEntry, where: str) -> list[str]:
    problems: list[str] = []
    if entry.ends_on is not None and entry.ends_on < entry.starts_on:
        problems.append(f"{where}, field end_date: {entry.ends_on} is before the date "
                        f"{entry.starts_on}")
    if entry.list_after is not None and not entry.list_items:
        problems.append(f"{where}, field list_after: there is no list")
    if entry.list_after is not None and entry.list_after > len(entry.paragraphs):
        problems.append(f"{where}, field list_after: {entry.list_after} is more than the "
                        f"{len(entry.paragraphs)} paragraph(s)")
    if entry.parent_key == entry.key:
        problems.append(f"{where}, field parent: an entry cannot be its own parent")
    return problems


def _cross_row_problems(path: Path, entries: list[tuple[int, ManualEntry]]) -> list[str]:
    """Duplicate keys and parents: one level of sub-items, parents in the same file."""
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for line, entry in entries:
        if entry.key in first_line:
            problems.append(f"{path} line {line}, field key: {entry.key!r} is already the key "
                            f"of line {first_line[entry.key]}")
        else:
            first_line[entry.key] = line
    by_key = {entry.key: entry for _line, entry in entries}
    for line, entry in entries:
        if entry.parent_key is None or entry.parent_key == entry.key:
            continue
        parent = by_key.get(entry.parent_key)
        if parent is None:
            problems.append(f"{path} line {line}, field parent: no entry {entry.parent_key!r} "
                            "in this file")
        elif parent.parent_key is not None:
            problems.append(f"{path} line {line}, field parent: {entry.parent_key!r} is itself "
                            "a sub-item (one level of a, b, c only)")
    return problems


@dataclass(frozen=True)
class _Unreadable:
    """A CSV row that is not a row of the header's columns."""

    reason: str


def _raw_rows(path: Path) -> list[tuple[int, Any]]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml_rows(path, EditionError, "the entries file")
    if suffix == ".csv":
        return _csv_rows(path)
    raise EditionError(f"{path}: entries are read from .yaml, .yml or .csv files")


def _csv_rows(path: Path) -> list[tuple[int, Any]]:
    """CSV rows with the line each starts on (a quoted cell may span lines)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise EditionError(f"{path}: cannot read the entries file: {exc.strerror or exc}"
                           ) from exc
    except UnicodeDecodeError as exc:
        raise EditionError(f"{path}: the entries file is not UTF-8 (byte {exc.start})") from None
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader, None)
        if header is None:
            return []
        header = [name.strip() for name in header]
        unknown = [name for name in header if name not in COLUMNS]
        if unknown:
            raise EditionError(f"{path} line 1: unknown column(s) {', '.join(unknown)} "
                               f"(known: {', '.join(COLUMNS)})")
        rows: list[tuple[int, Any]] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) > len(header):
                    rows.append((start, _Unreadable(f"{len(cells)} cells for {len(header)} "
                                                    "columns")))
                else:
                    rows.append((start, {k: v for k, v in zip(header, cells, strict=False)
                                         if v.strip()}))
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                break
        return rows
    except csv.Error as exc:
        raise EditionError(f"{path} line {reader.line_num}: not valid CSV: {exc}") from None


def entry_as_row(entry: ManualEntry) -> dict[str, Any]:
    """The entry as a file row again (what ``export`` writes; importing it is a no-op)."""
    row: dict[str, Any] = {"key": entry.key, "title": entry.title, "date": entry.starts_on}
    if entry.ends_on is not None:
        row["end_date"] = entry.ends_on
    row["paragraphs"] = list(entry.paragraphs)
    if entry.list_items:
        row["list"] = list(entry.list_items)
    if entry.list_after is not None:
        row["list_after"] = entry.list_after
    if entry.more_details_url:
        row["more_details_url"] = entry.more_details_url
    if entry.more_details_text:
        row["more_details_text"] = entry.more_details_text
    if entry.parent_key:
        row["parent"] = entry.parent_key
    return row
