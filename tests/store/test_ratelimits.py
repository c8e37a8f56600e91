"""The rate-limit counters count each request exactly once, also when requests race."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from newsdesk.store.database import session_scope
from newsdesk.store.models import RateLimitRow
from newsdesk.store.ratelimits import count_hit, prune

HOUR = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)


def test_counts_per_key_and_window(db_url: str) -> None:
    with session_scope(db_url) as session:
        assert [count_hit(session, "ip:a", HOUR) for _ in range(3)] == [1, 2, 3]
        assert count_hit(session, "ip:b", HOUR) == 1
        assert count_hit(session, "ip:a", HOUR + timedelta(hours=1)) == 1
    with session_scope(db_url) as session:
        assert prune(session, HOUR + timedelta(hours=1)) == 2
        assert [(r.key, r.window_start, r.hits) for r in session.query(RateLimitRow)] == [
            ("ip:a", HOUR + timedelta(hours=1), 1)]


def test_concurrent_hits_each_see_their_own_count(db_url: str) -> None:
    seen: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def hit() -> None:
        start.wait()
        with session_scope(db_url) as session:
            count = count_hit(session, "address:x", HOUR)
        with lock:
            seen.append(count)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(seen) == list(range(1, 9))
