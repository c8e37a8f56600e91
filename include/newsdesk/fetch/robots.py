"""robots.txt policy: what a partner's robots.txt answer means for our user agent.

The fetcher downloads ``/robots.txt`` once per scheme, host and port (through the same
address guard, size cap and timeouts as any fetch) and keeps the :class:`RobotsRules` it
yields for its lifetime, i.e. one ingestion run. Status handling follows RFC 9309 where it
speaks and common crawler practice where it does not:

- 2xx: the file's rules apply (parsed with protego);
- 401 and 403: everything is disallowed (the site refuses crawlers; Google's old convention);
- 429, 5xx, network errors, timeouts, an oversized file: everything is disallowed for this
  run (RFC 9309 2.3.1.4: assume complete disallow when robots.txt is unreachable);
- any other 4xx (404, 410, ...): everything is allowed (no robots.txt).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from protego import Protego


@dataclass(frozen=True)
class RobotsRules:
    """The verdict for one origin; ``reason`` says where it came from, for error messages."""

    robots_url: str
    reason: str
    parser: Protego | None = None
    allow_all: bool = False

    def allows(self, url: str, user_agent: str) -> bool:
        if self.parser is not None:
            return bool(self.parser.can_fetch(url, user_agent))
        return self.allow_all


def robots_url(url: str) -> str:
    """The robots.txt URL that governs ``url`` (same scheme, host and port)."""
    return str(httpx.URL(url).copy_with(path="/robots.txt", query=None, fragment=None))


def origin_key(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: robots.txt is per origin, not per host."""
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port


def rules_from_answer(robots: str, status_code: int, body: bytes) -> RobotsRules:
    """Turn the final answer to a robots.txt request into rules."""
    if 200 <= status_code < 300:
        text = body.decode("utf-8", errors="replace")
        return RobotsRules(robots, f"{robots} (HTTP {status_code})", parser=Protego.parse(text))
    if status_code in (401, 403):
        return RobotsRules(robots, f"{robots} answers HTTP {status_code}: crawling refused")
    if status_code == 429 or status_code >= 500:
        return unreachable(robots, f"HTTP {status_code}")
    if 400 <= status_code < 500:
        return RobotsRules(robots, f"{robots} answers HTTP {status_code}: no rules", allow_all=True)
    return unreachable(robots, f"unexpected HTTP {status_code}")


def unreachable(robots: str, why: str) -> RobotsRules:
    """Rules for a robots.txt we could not read: disallow everything for this run."""
    return RobotsRules(
        robots, f"{robots} could not be read ({why}); treating the site as disallowed this run"
    )
