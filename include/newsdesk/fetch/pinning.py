"""Connect to the very addresses the guard checked (no DNS-rebinding window).

Checking a name's addresses and then letting the HTTP library resolve the name again to
connect leaves a gap: a hostile DNS server can answer "public" to the check and "private"
to the connection. :class:`PinnedTransport` closes it. The fetcher records the vetted
addresses of each host in :class:`PinnedAddresses`; the transport's network backend
connects to those addresses only, and refuses a host that was never vetted. The URL keeps
the host name, so the ``Host`` header, TLS SNI and certificate checks use the name as usual.

httpx's own ``HTTPTransport`` cannot take a network backend, so this is a small transport
over an ``httpcore.ConnectionPool`` (public API of both libraries) that maps httpcore's
errors onto httpx's, as ``HTTPTransport`` does.

The same backend enforces the fetcher's whole-exchange deadline (:func:`exchange_deadline`):
httpx's timeouts bound each single wait, so a server sending one header byte just inside
the read timeout would hold a fetch for as long as it likes. Every connect, read and write
of the exchange is given at most the time left before the deadline, and none starts after it.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

# Most specific first: the first match wins.
_ERROR_MAP: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "newsdesk_exchange_deadline", default=None
)


@contextlib.contextmanager
def exchange_deadline(deadline: float) -> Iterator[None]:
    """Within the block, this thread's network waits end by ``deadline`` (``time.monotonic``).

    httpx's sync client does its I/O in the calling thread, so a context variable reaches
    the streams of whatever connection the pool picks for the request.
    """
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to the time left before the deadline; past it, ``error``."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the whole-exchange deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by the exchange deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class PinnedAddresses:
    """Thread-safe map from host name to the addresses the guard accepted for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_host: dict[str, tuple[str, ...]] = {}

    def pin(self, host: str, addresses: Iterable[str]) -> None:
        with self._lock:
            self._by_host[host.lower()] = tuple(addresses)

    def lookup(self, host: str) -> tuple[str, ...]:
        with self._lock:
            return self._by_host.get(host.lower(), ())


class PinnedBackend(httpcore.NetworkBackend):
    """A network backend that dials a host's pinned addresses instead of resolving it, and
    whose streams keep the exchange deadline."""

    def __init__(self, pins: PinnedAddresses, inner: httpcore.NetworkBackend | None = None):
        self._pins = pins
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._pins.lookup(host)
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no vetted address; refusing to connect")
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    _bounded(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError(f"unix socket {path}: not allowed for fetching")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class PinnedTransport(httpx.BaseTransport):
    """An httpx transport whose connections go only to pinned addresses (no proxies)."""

    def __init__(self, pins: PinnedAddresses) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=PinnedBackend(pins),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            core_response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseStream(core_response),
            extensions=core_response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._response.iter_stream()

    def close(self) -> None:
        with _httpx_errors():
            self._response.close()


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    """Re-raise httpcore's errors as the httpx errors the fetcher (and httpx users) expect."""
    try:
        yield
    except Exception as exc:
        for core_error, httpx_error in _ERROR_MAP:
            if isinstance(exc, core_error):
                raise httpx_error(str(exc)) from exc
        raise
