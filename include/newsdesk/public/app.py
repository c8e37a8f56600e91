"""The app factory: the public pages as one FastAPI app over the staging database.

It needs only the database, the signing secret and a way to send the confirmation email,
so production runs it as its own small service outside Airflow (docs/public.md).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse

from newsdesk.config import Settings
from newsdesk.public.confirmation import MailFrom, TransportFactory
from newsdesk.public.context import PublicContext
from newsdesk.public.guards import MAX_BODY_BYTES, PublicGuards
from newsdesk.public.pages import Pages
from newsdesk.public.ratelimit import RateLimits
from newsdesk.public.routes import router
from newsdesk.subscribers.tokens import require_secret


def create_app(settings: Settings, transport_factory: TransportFactory, *,
               mail_from: MailFrom | None = None, limits: RateLimits | None = None,
               max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The public app for ``settings`` (database, secret, public URL, templates).

    ``transport_factory`` makes the transport each confirmation email goes through;
    ``mail_from`` defaults to the newsletter's sender (``include/newsletter.yaml``).
    A missing or short secret is a :class:`~newsdesk.errors.ConfigError` here, at start-up,
    not at the first sign-up.
    """
    if mail_from is None:
        from newsdesk.edition.config import load_newsletter_config

        newsletter = load_newsletter_config()
        mail_from = MailFrom(newsletter.sender_name, newsletter.from_address)
    context = PublicContext(db_url=settings.db_url, secret=require_secret(settings.secret),
                            public_url=settings.public_url,
                            transport_factory=transport_factory, mail_from=mail_from,
                            limits=limits or RateLimits(), pages=Pages(settings.templates_dir))
    app = FastAPI(title="newsdesk public pages", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.public = context
    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def _bad_form(_request: Request, _exc: RequestValidationError) -> HTMLResponse:
        return HTMLResponse(context.pages.render(
            "invalid.html", reason="The form could not be read; please send it again."),
            status_code=400)

    app.add_middleware(PublicGuards, max_body_bytes=max_body_bytes)
    return app
