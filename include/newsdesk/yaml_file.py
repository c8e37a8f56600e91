"""The one YAML loader for newsdesk's files (source registry, newsletter settings, entries).

Why one: every YAML file gets the same three guarantees, each a one-line error naming the
file: the bytes must be UTF-8 (else the byte offset), the YAML must parse (else line and
problem, not PyYAML's multi-line ``"<unicode string>"`` report), and a key repeated in one
mapping is refused with its line (PyYAML silently keeps the second, so a partner pasted
twice or an edited ``timezone:`` added below the old one would be taken without notice).
:func:`read_yaml_located` also says on which line each value stands, so that a file that
is valid YAML but not a valid registry is reported by line as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated within one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path, error: type[Exception], what: str) -> Any:
    """Load ``path``; any problem raises ``error`` with one line ``"{path}: ..."``.

    ``what`` names the file's role in the message (``"the registry"``)."""
    text = _read_text(path, error, what)
    with _one_line_errors(path, error):
        return yaml.load(text, Loader=_UniqueKeyLoader)


#: Where a value stands in a YAML file: its path of keys and list indices -> its line (1-based).
Lines = dict[tuple[str | int, ...], int]


def read_yaml_located(path: Path, error: type[Exception], what: str) -> tuple[Any, Lines]:
    """:func:`read_yaml`, and the line of every mapping key and list entry in the file
    (``("partners", 0, "sources", 1, "kind") -> 14``)."""
    text = _read_text(path, error, what)
    with _one_line_errors(path, error):
        loader = _UniqueKeyLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            return loader.construct_document(node), _lines(node)
        finally:
            loader.dispose()


def _lines(root: yaml.Node) -> Lines:
    """Walk the node tree once (iteratively; an alias met twice is walked once)."""
    lines: Lines = {}
    seen: set[int] = set()
    stack: list[tuple[tuple[str | int, ...], yaml.Node]] = [((), root)]
    while stack:
        where, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    child = (*where, str(key_node.value))
                    lines.setdefault(child, key_node.start_mark.line + 1)
                    stack.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*where, index)
                lines.setdefault(child, item.start_mark.line + 1)
                stack.append((child, item))
    return lines


def read_yaml_rows(path: Path, error: type[Exception], what: str) -> list[tuple[int, Any]]:
    """Load a top-level YAML list as ``(line, value)`` pairs, ``line`` 1-based.

    For files of rows (manual entries), where every bad row is reported by its line.
    An empty file is no rows; anything but a list at the top level is an error.
    """
    text = _read_text(path, error, what)
    with _one_line_errors(path, error):
        loader = _UniqueKeyLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return []
            if not isinstance(node, yaml.SequenceNode):
                raise error(f"{path}: {what} must be a list at the top level")
            return [(child.start_mark.line + 1, loader.construct_object(child, deep=True))
                    for child in node.value]
        finally:
            loader.dispose()


def _read_text(path: Path, error: type[Exception], what: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: {what} is not UTF-8 (byte {exc.start})") from None


@contextmanager
def _one_line_errors(path: Path, error: type[Exception]) -> Iterator[None]:
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" line {mark.line + 1}:" if mark is not None else ""
        raise error(f"{path}:{line} not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
