"""Politeness between requests: a minimum delay per host, and how long to back off.

Partners are small organisations on small servers; ingesting many sources of one partner
in parallel tasks must not look like a burst. :class:`HostPacer` hands out one time slot
per request and host, ``min_delay_s`` apart, so threads sharing a fetcher queue up instead
of all sleeping the same delay and then firing together.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_AFTER_CAP_S = 60.0
"""We wait at most this long for a ``Retry-After``, whatever the server asks."""


class HostPacer:
    """Keeps requests to one host at least ``min_delay_s`` apart (thread-safe)."""

    def __init__(
        self,
        min_delay_s: float,
        sleep: Callable[[float], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._min_delay_s = min_delay_s
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    def wait(self, host: str) -> None:
        """Block until this request's slot for ``host`` has come.

        The slot is reserved under the lock and slept for outside it, so one thread
        waiting for a slow host never holds up requests to other hosts.
        """
        key = host.lower()
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(key, now))
            self._next_slot[key] = slot + self._min_delay_s
        if slot > now:
            self._sleep(slot - now)


def backoff_delay(attempt: int, backoff_s: float, rng: random.Random) -> float:
    """Exponential backoff with jitter before retry number ``attempt`` (1-based).

    ``backoff_s * 2**(attempt-1)`` plus up to a quarter of that again, so that sources of
    one partner failing together do not retry in lockstep.
    """
    base = backoff_s * 2 ** (attempt - 1)
    return base + rng.uniform(0, base / 4)


def retry_after_delay(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, capped at :data:`RETRY_AFTER_CAP_S`.

    Accepts delta-seconds and HTTP dates (a date in the past means "now"); returns
    ``None`` for a missing or unreadable header, so the caller falls back to backoff.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_S)
