"""The Fetcher: one polite, defensive HTTP GET per call, for one ingestion run.

What a caller can rely on (see docs/fetching.md): only http/https; every host's resolved
addresses pass the address guard before any byte is sent, on the first request and after
every redirect, and connections go to exactly those addresses; robots.txt is obeyed; each
host sees at most one request per ``min_delay_s``; 429, 5xx and dropped connections are
retried with backoff; the body is capped at ``max_bytes`` of decoded bytes while
streaming; each exchange (connect, headers, body) ends within ``EXCHANGE_DEADLINE_FACTOR *
timeout_s``; every failure is a :class:`~newsdesk.errors.FetchError` whose message names
the URL. Credentials in a URL (``https://user:password@host/``) are sent as HTTP Basic
authentication to that origin only, and never appear in a message or a returned URL.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

import httpx

from newsdesk.credentials import redact_url, url_credentials
from newsdesk.errors import (
    BlockedAddressError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
)
from newsdesk.fetch.addresses import Resolver, system_resolver, vet_host
from newsdesk.fetch.decoding import ACCEPT_ENCODING, content_codings, decoded_pieces
from newsdesk.fetch.pacing import HostPacer, backoff_delay, retry_after_delay
from newsdesk.fetch.pinning import PinnedAddresses, PinnedTransport, exchange_deadline
from newsdesk.fetch.robots import (
    RobotsRules,
    origin_key,
    robots_url,
    rules_from_answer,
    unreachable,
)
from newsdesk.records import FetchedDocument
from newsdesk.registry import FetchSettings

EXCHANGE_DEADLINE_FACTOR = 5
"""One request's whole exchange (connect, headers, body) ends within this many ``timeout_s``."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class _Answer:
    """The last answer of one request: status and headers, body only when we read it."""

    url: str
    status_code: int
    headers: httpx.Headers
    body: bytes = b""
    attempts: int = 1


class Fetcher:
    """Fetches partner URLs politely and defensively; use as a context manager.

    ``transport`` replaces the network (tests pass ``httpx.MockTransport``); ``resolver``
    replaces DNS for the address guard; ``sleep`` is what every wait (pacing, backoff,
    Retry-After) calls, so tests can record waits instead of waiting. Safe to share
    between threads.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = settings
        self._resolver = resolver or system_resolver
        self._sleep = sleep
        self._pins = PinnedAddresses()
        self._pacer = HostPacer(settings.min_delay_s, sleep)
        self._rng = random.Random()
        self._robots: dict[tuple[str, str, int | None], RobotsRules] = {}
        self._robots_locks: dict[tuple[str, str, int | None], threading.Lock] = {}
        self._robots_guard = threading.Lock()
        self._auth: dict[tuple[str, str, int | None], httpx.BasicAuth] = {}
        timeout = settings.timeout_s
        self._client = httpx.Client(
            transport=transport or PinnedTransport(self._pins),
            timeout=httpx.Timeout(connect=timeout, read=timeout, write=timeout, pool=timeout),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,
            trust_env=False,  # an environment proxy would resolve names behind the guard's back
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchedDocument:
        """GET ``url`` and return what it answered, following up to ``max_redirects``.

        ``etag`` and ``last_modified`` (from the previous fetch) make it a conditional
        GET; a 304 comes back as ``not_modified=True`` with an empty body and the
        validators kept. ``content_type`` is the media type without parameters;
        ``encoding`` is the Content-Type's charset, if any; ``body`` is the raw bytes.
        """
        started = time.monotonic()
        url = self._admit(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        answer = self._follow(url, headers, obey_robots=True)
        elapsed = time.monotonic() - started
        if answer.status_code == 304:
            return FetchedDocument(
                url=answer.url,
                status_code=304,
                body=b"",
                content_type=None,
                encoding=None,
                etag=answer.headers.get("ETag", etag),
                last_modified=answer.headers.get("Last-Modified", last_modified),
                not_modified=True,
                elapsed_s=elapsed,
            )
        if not 200 <= answer.status_code < 300:
            raise HTTPStatusError(_status_message(url, answer), answer.status_code)
        return FetchedDocument(
            url=answer.url,
            status_code=answer.status_code,
            body=answer.body,
            content_type=_media_type(answer.headers),
            encoding=_charset(answer.headers),
            etag=answer.headers.get("ETag"),
            last_modified=answer.headers.get("Last-Modified"),
            elapsed_s=elapsed,
        )

    def robots_allowed(self, url: str) -> bool:
        """Whether the robots.txt of ``url``'s origin lets our user agent fetch it.

        An unreadable robots.txt (5xx, 429, timeout, network error) answers False for the
        rest of this fetcher's life. Raises BlockedAddressError when the host is refused.
        """
        url = self._admit(url)
        return self._robots_rules(url).allows(url, self._settings.user_agent)

    def _admit(self, url: str) -> str:
        """``url`` without credentials; any it carried are kept for its origin.

        From here on only the redacted URL is text (messages, redirects, the document's
        URL, and so every link resolved against it); the credentials travel as an
        ``Authorization`` header to that scheme, host and port, never to another.
        """
        credentials = url_credentials(url)
        clean = redact_url(url)
        if credentials is not None:
            try:
                origin = origin_key(clean)
            except httpx.InvalidURL:
                return clean  # refused with its own message by _check_scheme
            self._auth[origin] = httpx.BasicAuth(*credentials)
        return clean

    def _follow(self, url: str, headers: dict[str, str], *, obey_robots: bool) -> _Answer:
        current = url
        for _hop in range(self._settings.max_redirects + 1):
            host = self._vet(current, url)
            if obey_robots:
                self._require_robots(current)
            answer = self._request(current, host, headers)
            location = answer.headers.get("Location")
            if answer.status_code not in _REDIRECTS or location is None:
                return answer
            # A Location that brings credentials of its own gets them dropped, not used.
            current = redact_url(str(httpx.URL(current).join(location)))
        raise FetchError(
            f"{url}: more than {self._settings.max_redirects} redirects (last to {current})"
        )

    def _vet(self, url: str, first_url: str) -> str:
        """Check the scheme and the host's addresses, pin them; return the host to pace."""
        parsed = _check_scheme(url)
        host = parsed.raw_host.decode("ascii")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        where = url if url == first_url else f"{url} (redirected from {first_url})"
        allow_private = self._settings.allow_private_hosts
        self._pins.pin(
            host, vet_host(where, host, port, self._resolver, allow_private=allow_private)
        )
        return host

    def _require_robots(self, url: str) -> None:
        rules = self._robots_rules(url)
        if not rules.allows(url, self._settings.user_agent):
            raise RobotsDisallowedError(
                f"{url}: disallowed for user agent {self._settings.user_agent!r} by {rules.reason}"
            )

    def _robots_rules(self, url: str) -> RobotsRules:
        _check_scheme(url)
        key = origin_key(url)
        with self._robots_guard:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:  # one download per origin, even when threads ask at once
            rules = self._robots.get(key)
            if rules is None:
                rules = self._download_robots(robots_url(url))
                self._robots[key] = rules
            return rules

    def _download_robots(self, robots: str) -> RobotsRules:
        try:
            answer = self._follow(robots, {}, obey_robots=False)
        except BlockedAddressError:
            raise
        except FetchError as exc:
            return unreachable(robots, str(exc))
        return rules_from_answer(robots, answer.status_code, answer.body)

    def _request(self, url: str, host: str, headers: dict[str, str]) -> _Answer:
        """One GET of one vetted URL (no redirects followed), with retries and backoff."""
        attempts = self._settings.retries + 1
        for attempt in range(1, attempts + 1):
            self._pacer.wait(host)
            try:
                answer = self._send(url, headers, attempt)
            except _RETRY_ERRORS as exc:
                if attempt == attempts or _is_bad_location(exc):
                    raise self._transport_error(url, exc, attempt) from exc
                self._sleep(backoff_delay(attempt, self._settings.backoff_s, self._rng))
                continue
            except httpx.TimeoutException as exc:
                raise self._transport_error(url, exc, attempt) from exc
            except _DeadlinePassed as exc:
                raise FetchTimeoutError(
                    f"{url}: no complete answer within {exc.budget:g} s "
                    f"({EXCHANGE_DEADLINE_FACTOR} x timeout_s); stopped"
                ) from exc.__cause__
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
            except httpx.InvalidURL as exc:
                # Not an HTTPError: httpx raises it while preparing the next request for a
                # Location with a non-hierarchical scheme (data:, mailto:, urn:, ...).
                raise FetchError(f"{url}: redirect to an unusable Location ({exc})") from exc
            status = answer.status_code
            if (status == 429 or status >= 500) and attempt < attempts:
                delay = retry_after_delay(answer.headers.get("Retry-After"))
                if delay is None:
                    delay = backoff_delay(attempt, self._settings.backoff_s, self._rng)
                self._sleep(delay)
                continue
            return answer
        raise AssertionError("unreachable: the loop returns or raises on its last attempt")

    def _transport_error(self, url: str, exc: httpx.HTTPError, attempts: int) -> FetchError:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if isinstance(exc, httpx.TimeoutException):
            return FetchTimeoutError(
                f"{url}: no answer within timeout_s={self._settings.timeout_s} "
                f"({type(exc).__name__}){tries}"
            )
        return FetchError(f"{url}: {type(exc).__name__}: {exc}{tries}")

    def _send(self, url: str, headers: dict[str, str], attempt: int) -> _Answer:
        """One exchange under one deadline: ``timeout_s`` bounds each wait, and a server
        dripping a byte just inside it (in the headers or the body) would hold the task
        for hours, so connect, headers and body together get ``EXCHANGE_DEADLINE_FACTOR *
        timeout_s`` (enforced by the pinned transport's streams)."""
        budget = EXCHANGE_DEADLINE_FACTOR * self._settings.timeout_s
        deadline = time.monotonic() + budget
        try:
            with exchange_deadline(deadline):
                request = self._client.build_request("GET", url, headers=headers)
                response = self._client.send(request, stream=True, auth=self._auth_for(url))
                try:
                    if not 200 <= response.status_code < 300:
                        return _Answer(
                            url, response.status_code, response.headers, attempts=attempt
                        )
                    body = self._read_capped(url, response)
                    return _Answer(url, response.status_code, response.headers, body, attempt)
                finally:
                    response.close()
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline:
                raise _DeadlinePassed(budget) from exc
            raise

    def _auth_for(self, url: str) -> httpx.BasicAuth | None:
        return self._auth.get(origin_key(url)) if self._auth else None

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        """The decoded body, abandoned as soon as it passes ``max_bytes``.

        The Content-Encoding is undone here, in pieces of at most ``decoding.PIECE``
        bytes, so a small compressed body that inflates to gigabytes (a "zip bomb", also
        stacked as ``gzip, gzip``) costs at most ``max_bytes`` plus one piece.
        """
        limit = self._settings.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ResponseTooLargeError(
                f"{url}: Content-Length {declared} exceeds the limit of {limit} bytes"
            )
        codings = content_codings(url, response.headers.get_list("Content-Encoding"))
        body = bytearray()
        for piece in decoded_pieces(url, response.iter_raw(), codings):
            body += piece
            if len(body) > limit:
                raise ResponseTooLargeError(
                    f"{url}: body exceeds the limit of {limit} bytes; stopped reading"
                )
        return bytes(body)


class _DeadlinePassed(Exception):
    """An exchange ran out of its whole-exchange deadline (not one wait's timeout)."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"deadline of {budget:g} s passed")
        self.budget = budget


def _check_scheme(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"{url}: not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(f"{url}: only absolute http:// and https:// URLs are fetched")
    return parsed


def _is_bad_location(exc: httpx.HTTPError) -> bool:
    """httpx reports an unparsable ``Location`` as a RemoteProtocolError (raised while it
    parses the header, with the InvalidURL as context); unlike a dropped connection, a
    retry cannot mend it."""
    return isinstance(exc, httpx.RemoteProtocolError) and isinstance(
        exc.__context__, httpx.InvalidURL
    )


def _media_type(headers: httpx.Headers) -> str | None:
    media_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    return media_type or None


def _charset(headers: httpx.Headers) -> str | None:
    content_type = headers.get("Content-Type")
    if content_type is None:
        return None
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            return value.strip().strip('"').lower()
    return None


def _status_message(url: str, answer: _Answer) -> str:
    where = url if answer.url == url else f"{url} (redirected to {answer.url})"
    tries = f" after {answer.attempts} attempts" if answer.attempts > 1 else ""
    return f"{where}: HTTP {answer.status_code}{tries}"
