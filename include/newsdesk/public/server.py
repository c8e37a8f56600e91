"""Running the public app with uvicorn: in the foreground (the service) or in a thread.

uvicorn's access log is off: it would write every request path, and a path under
``/confirm/`` or ``/unsubscribe/`` carries a token that acts on someone's subscription.
:class:`~newsdesk.public.guards.PublicGuards` logs one line per request instead, token
redacted. ``X-Forwarded-For`` is believed only from uvicorn's ``forwarded_allow_ips``
(default: loopback, i.e. a reverse proxy on the same host), so the per-IP rate limit
counts the real client behind such a proxy and nobody else can choose their own IP.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn
from fastapi import FastAPI

from newsdesk.errors import ConfigError

STARTUP_TIMEOUT_S = 30.0


def _config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, access_log=False, lifespan="off",
                          log_level="info", server_header=False, log_config=None)


class _Stopped(Exception):
    """SIGTERM, re-raised by uvicorn after its graceful shutdown."""


def serve(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until SIGINT or SIGTERM, then return (exit status 0, no traceback).

    uvicorn shuts down gracefully on either signal and then raises it again for the
    handler that was there before; here that handler ends the serving quietly.
    """

    def _stop(signum: int, _frame: FrameType | None) -> None:
        raise _Stopped(signal.Signals(signum).name)

    server = uvicorn.Server(_config(app, host, port))
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not server.started:
        raise ConfigError(f"cannot serve the public app on {host}:{port} (see the log above)")


@contextmanager
def serving(app: FastAPI, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """The app served from a background thread; yields its base URL (``port=0``: a free
    port). For tests and ``make run``; stops the server when the block ends."""
    server = uvicorn.Server(_config(app, host, port))
    thread = threading.Thread(target=server.run, name="newsdesk-public", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ConfigError(f"the public app did not start on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()
    try:
        yield f"http://{host}:{bound[1]}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT_S)
