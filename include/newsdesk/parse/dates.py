"""Reading the dates partner pages write: ISO 8601 attributes and human text.

Shared by the HTML and JSON-LD parsers. A date-only value stays a :class:`date` (an
all-day event, a publication day) and a value with a time of day is a :class:`datetime`,
aware only when the text states an offset. Nothing here guesses: text without at least a
month and a year, relative phrases ("yesterday") and bare numbers give ``None``, and the
caller turns that into a warning naming the text.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

DateOrder = Literal["DMY", "MDY", "YMD"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_HAS_TIME = re.compile(r"\d{1,2}[:h.]\d{2}(?!\d)|\d\s*[ap]\.?m\b", re.IGNORECASE)
# A date written with dots (13.10.2020) must not look like a time of day (13.10).
_DOTTED_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")


def parse_iso(text: str) -> datetime | date | None:
    """An ISO 8601 date or date-time (``Z`` or an offset makes it aware), else ``None``."""
    value = text.strip()
    try:
        if _ISO_DATE.match(value):
            return date.fromisoformat(value)
        if _ISO_DATETIME.match(value):
            return datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return None


def parse_date_text(
    text: str,
    *,
    date_format: str | None = None,
    date_order: DateOrder | None = None,
    language: str | None = None,
) -> datetime | date | None:
    """Read a date as a partner page writes it; ``None`` when it cannot be read for sure.

    In order: ISO 8601; the source's ``date_format`` (strptime) when it has one; else
    dateparser restricted to absolute dates in the source's language, day-first or
    month-first as the source's ``date_order`` says ("13 de noviembre de 2020",
    "30/10/2020"). A month and year without a day mean the first of the month.
    """
    value = " ".join(text.split())
    if not value:
        return None
    iso = parse_iso(value)
    if iso is not None:
        return iso
    if date_format:
        try:
            parsed = datetime.strptime(value, date_format)
        except ValueError:
            return None
        return parsed if _format_has_time(date_format) else parsed.date()
    return _parse_with_dateparser(value, date_order, language)


def _format_has_time(date_format: str) -> bool:
    return any(code in date_format for code in ("%H", "%I", "%M", "%S", "%p", "%X", "%c"))


def _parse_with_dateparser(
    value: str, date_order: DateOrder | None, language: str | None
) -> datetime | date | None:
    # Imported here: dateparser loads its language data on import, which the DAG
    # processor and the CLI's start-up should not pay for.
    import dateparser

    settings: dict[str, Any] = {
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        # Never invent a part: "Monday" or "10:00" is not a date, nor is "yesterday".
        "REQUIRE_PARTS": ["month", "year"],
        "PARSERS": ["custom-formats", "absolute-time"],
    }
    if date_order:
        settings["DATE_ORDER"] = date_order
    languages = [language.split("-")[0].lower()] if language else None
    try:
        parsed = dateparser.parse(value, languages=languages, settings=settings)
    except ValueError:  # an unknown language code in the registry
        parsed = dateparser.parse(value, settings=settings)
    if parsed is None:
        return None
    without_dates = _DOTTED_DATE.sub(" ", value)
    return parsed if _HAS_TIME.search(without_dates) else parsed.date()


def as_datetime(value: datetime | date | None) -> datetime | None:
    """A publication moment: a bare date becomes midnight of that day (naive)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)
