"""Per-host pacing and the backoff arithmetic, with a fake clock: nothing really waits."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from newsdesk.fetch.pacing import HostPacer, backoff_delay, retry_after_delay


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def test_requests_to_one_host_get_slots_min_delay_apart() -> None:
    clock = FakeClock()
    pacer = HostPacer(2.0, clock.sleep, clock=lambda: clock.now)
    pacer.wait("eropa.example")  # first request: no wait
    pacer.wait("EROPA.example")  # same host, any case
    clock.now += 1.5
    pacer.wait("eropa.example")
    assert clock.sleeps == [2.0, 2.5]  # slots at 100, 102, 104


def test_hosts_are_paced_independently() -> None:
    clock = FakeClock()
    pacer = HostPacer(2.0, clock.sleep, clock=lambda: clock.now)
    pacer.wait("eropa.example")
    pacer.wait("nispa.example")
    clock.now += 5
    pacer.wait("eropa.example")
    assert clock.sleeps == []


def test_pacing_is_thread_safe() -> None:
    clock = FakeClock()
    pacer = HostPacer(1.0, clock.sleep, clock=lambda: clock.now)
    threads = [threading.Thread(target=pacer.wait, args=("eropa.example",)) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # Sixteen concurrent requests took sixteen distinct slots: 0 s (no sleep), 1 s ... 15 s.
    assert sorted(clock.sleeps) == [float(n) for n in range(1, 16)]


def test_backoff_doubles_with_bounded_jitter() -> None:
    rng = random.Random(7)
    for attempt, base in [(1, 1.5), (2, 3.0), (3, 6.0)]:
        delay = backoff_delay(attempt, 1.5, rng)
        assert base <= delay <= base * 1.25


@pytest.mark.parametrize(
    ("header", "expected"),
    [("12", 12.0), (" 0 ", 0.0), ("86400", 60.0), (None, None), ("soon", None), ("-5", None)],
)
def test_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert retry_after_delay(header) == expected


def test_retry_after_http_date() -> None:
    now = datetime(2024, 4, 15, 9, 0, tzinfo=UTC)
    assert retry_after_delay(format_datetime(now + timedelta(seconds=45), usegmt=True), now) == 45
    assert retry_after_delay(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert retry_after_delay(format_datetime(now + timedelta(hours=1), usegmt=True), now) == 60
