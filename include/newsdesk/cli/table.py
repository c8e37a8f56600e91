"""Plain-text tables for terminal output (fixed-width columns, no colour, no wrapping)."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns separated by two spaces; ``None`` shows as ``-``.

    Cells keep only their first line, so one multi-line error does not break the grid.
    """
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))
    lines = [_line(headers, widths), _line(["-" * width for width in widths], widths)]
    lines.extend(_line(row, widths) for row in cells)
    return "\n".join(lines)


def shorten(text: str | None, width: int = 60) -> str | None:
    """``text`` cut to ``width`` characters with an ellipsis (for a cell; print it whole
    elsewhere)."""
    if text is None or len(text) <= width:
        return text
    return text[: width - 1] + "…"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    text = str(value)
    return text.splitlines()[0] if text else ""


def _line(values: Sequence[str], widths: Sequence[int]) -> str:
    padded = (value.ljust(width) for value, width in zip(values, widths, strict=True))
    return "  ".join(padded).rstrip()
