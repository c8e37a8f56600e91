"""What every response of the public app gets: security headers, a body bound, a log line.

An ASGI middleware rather than per-route code, so a route added later cannot forget it.

- Headers: a Content-Security-Policy that allows nothing but this origin's stylesheet and
  forms posting back to it (no script, no frames, no inline style), ``X-Frame-Options:
  DENY``, ``Referrer-Policy: no-referrer`` (a page URL holds a token: no other site may see
  it), ``nosniff`` and ``Cache-Control: no-store``.
- Bodies: a ``Content-Length`` above the bound is answered 413 before any byte is read;
  a chunked body that grows past it is cut off and answered 413 too.
- Logs: one line per request, ``method path status ms``, with the token segment of
  ``/confirm/…`` and ``/unsubscribe/…`` replaced by ``{token}``. Tokens are capabilities
  (whoever holds one can unsubscribe that person), so they must not land in log files;
  uvicorn's own access log is turned off for the same reason (:mod:`newsdesk.public.server`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("newsdesk.public")

#: Forms are a few short fields; the one-click body is 26 bytes.
MAX_BODY_BYTES = 16 * 1024

HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
]
_TOKEN_PATHS = ("/confirm/", "/unsubscribe/")


class PublicGuards:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        state: dict[str, Any] = {"status": 0, "received": 0, "too_large": False,
                                 "replaced": False}
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _too_large(send, state)
        else:
            try:
                await self.app(scope, self._bounded(receive, state),
                               self._guarded(send, state))
            except Exception:
                if not state["too_large"]:
                    raise
                if not state["replaced"]:  # the app gave up on the cut-off body: answer it
                    await _too_large(send, state)
        log.info("%s %s %s %.0fms", scope["method"], redact(scope["path"]), state["status"],
                 (time.monotonic() - started) * 1000)

    def _bounded(self, receive: Receive, state: dict[str, Any]) -> Receive:
        async def bounded() -> Message:
            if state["too_large"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.max_body_bytes:
                    state["too_large"] = True
                    return {"type": "http.disconnect"}
            return message

        return bounded

    def _guarded(self, send: Send, state: dict[str, Any]) -> Send:
        async def guarded(message: Message) -> None:
            if state["replaced"]:
                return  # the app's own answer to a body we cut off: 413 went instead
            if message["type"] == "http.response.start":
                if state["too_large"]:
                    await _too_large(send, state)
                    return
                state["status"] = message["status"]
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        return guarded


def redact(path: str) -> str:
    """The path as it may be logged: a link's token segment replaced by ``{token}``."""
    for prefix in _TOKEN_PATHS:
        if path.startswith(prefix):
            return prefix + "{token}"
    return path[:200]


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, state: dict[str, Any]) -> None:
    state.update(status=413, replaced=True)
    body = b"Request body too large.\n"
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()), (b"connection", b"close"), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
