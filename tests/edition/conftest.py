"""Shared by the edition tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from dateutil.rrule import rrule


@pytest.fixture
def occurrences_examined(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Count every occurrence dateutil produces: the real expander, only observed, so a
    test can assert a bound on the work done without timing it."""
    produced = [0]
    original = rrule._iter  # type: ignore[attr-defined]

    def counted(self: rrule) -> Iterator[datetime]:
        for moment in original(self):
            produced[0] += 1
            yield moment

    monkeypatch.setattr(rrule, "_iter", counted)
    return lambda: produced[0]
