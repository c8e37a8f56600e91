"""Where an iCalendar document goes wrong: the line, and what is wrong with it in words.

The ``icalendar`` library knows no line numbers and reports a broken content line in
Python's words ("not enough values to unpack (expected 2, got 1)"). An operator needs
"line 14: parameter TZID of DTSTART has no value (expected TZID=value)". This module reads
the document's content lines itself (RFC 5545 section 3.1: ``NAME *(";" param) ":"
value``, folded lines unfolded) only when something is wrong, so the ordinary path pays
nothing for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z0-9-]+")  # iana-token or x-name
_UNQUOTED = re.compile(r'[^";:,]*')  # paramtext: anything but DQUOTE, ";", ":" and ","
_QUOTED = re.compile(r'"[^"]*"')


@dataclass(frozen=True)
class ContentLine:
    """One unfolded content line: where it starts (1-based), its text, its upper-cased
    property name ("" when it has none) and what is wrong with it (None if nothing)."""

    number: int
    text: str
    name: str
    problem: str | None


def content_lines(text: str) -> list[ContentLine]:
    """Every non-blank content line of a document, unfolded, in order."""
    lines: list[ContentLine] = []
    start = 0
    parts: list[str] = []  # the physical lines of the content line being read
    for number, physical in enumerate(text.splitlines(), start=1):
        if physical[:1] in (" ", "\t") and parts:
            parts.append(physical[1:])
            continue
        if parts:
            lines.append(_content_line(start, "".join(parts)))
        start, parts = number, [physical]
    if parts:
        lines.append(_content_line(start, "".join(parts)))
    return [line for line in lines if line.text.strip()]


def document_problem(text: str) -> str | None:
    """``line N: what is wrong`` for the first malformed line or BEGIN/END out of order."""
    open_components: list[tuple[str, int]] = []
    for line in content_lines(text):
        if line.problem:
            return f"line {line.number}: {line.problem}"
        kind = line.text.partition(":")[2].strip().upper()
        if line.name == "BEGIN":
            open_components.append((kind, line.number))
        elif line.name == "END":
            if not open_components:
                return f"line {line.number}: END:{kind} without a BEGIN:{kind} before it"
            began, at = open_components.pop()
            if began != kind:
                return (f"line {line.number}: END:{kind} where BEGIN:{began} of line {at} "
                        f"should end first")
    return None


def vevent_lines(text: str) -> list[list[ContentLine]]:
    """The content lines of each VEVENT inside a VCALENDAR, in document order (the order
    in which ``Calendar.walk("VEVENT")`` meets them)."""
    events: list[list[ContentLine]] = []
    stack: list[str] = []
    for line in content_lines(text):
        kind = line.text.partition(":")[2].strip().upper()
        if line.name == "BEGIN":
            if kind == "VEVENT" and "VCALENDAR" in stack:
                events.append([])
            stack.append(kind)
            continue
        if line.name == "END" and stack:
            stack.pop()
            continue
        if stack and stack[-1] == "VEVENT" and "VCALENDAR" in stack and events:
            events[-1].append(line)
    return events


def event_problem(lines: list[ContentLine], name: str | None, message: str) -> str:
    """One of icalendar's per-event errors in plain words with its line.

    ``name`` is the property icalendar blames (None for a line it could not split); the
    line is looked up among the event's own ``lines``. Falls back to icalendar's words
    when the line cannot be found.
    """
    if name is None:
        broken = next((line for line in lines if line.problem), None)
        if broken is not None:
            return f"line {broken.number}: {broken.problem}"
        return f"a line icalendar cannot read ({message})"
    where = next((line for line in lines if line.name == name.upper()), None)
    at = f" on line {where.number}" if where is not None else ""
    return f"{name}{at}: {message}"


def _content_line(number: int, text: str) -> ContentLine:
    match = _NAME.match(text)
    name = match.group().upper() if match else ""
    return ContentLine(number, text, name, _problem(text, match))


def _problem(text: str, match: re.Match[str] | None) -> str | None:
    shown = text if len(text) <= 80 else text[:77] + "..."
    if match is None:
        return f"{shown!r} has no property name (expected NAME:value)"
    name, position = match.group().upper(), match.end()
    if not text.startswith((";", ":"), position):
        return f"{shown!r} is not a property (expected NAME:value)"
    while text.startswith(";", position):
        parameter = _NAME.match(text, position + 1)
        if parameter is None:
            return f"{name} has a parameter without a name (after ';')"
        pname, position = parameter.group().upper(), parameter.end()
        if not text.startswith("=", position):
            return f"parameter {pname} of {name} has no value (expected {pname}=value)"
        position += 1
        while True:
            if text.startswith('"', position):
                quoted = _QUOTED.match(text, position)
                if quoted is None:
                    return f"parameter {pname} of {name} opens a quote that is never closed"
                position = quoted.end()
            else:
                unquoted = _UNQUOTED.match(text, position)
                position = unquoted.end() if unquoted else position
            if not text.startswith(",", position):
                break
            position += 1
    if not text.startswith(":", position):
        return f"{name} has no ':' after its parameters (at {text[position:position + 20]!r})"
    return None
