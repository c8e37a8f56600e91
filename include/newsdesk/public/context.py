"""Everything the routes need, fixed when the app is created (no global state)."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.public.confirmation import MailFrom, TransportFactory
from newsdesk.public.pages import Pages
from newsdesk.public.ratelimit import RateLimits


@dataclass(frozen=True)
class PublicContext:
    db_url: str
    secret: str
    #: The address people reach the app at: the confirmation links point here.
    public_url: str
    transport_factory: TransportFactory
    mail_from: MailFrom
    limits: RateLimits
    pages: Pages

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")
