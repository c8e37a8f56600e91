"""newsdesk's public web app: subscribe (double opt-in), confirm, unsubscribe (RFC 8058).

:func:`create_app` builds it; :func:`~newsdesk.public.server.serve` runs it with uvicorn
(``newsdesk public serve``). The routes live in ``routes``, the pages in
``templates/public/``, and the parts every route shares in modules of their own:
``guards`` (security headers, body bound, log lines), ``csrf``, ``ratelimit`` and
``confirmation`` (the double opt-in email). See docs/public.md.
"""

from newsdesk.public.app import create_app
from newsdesk.public.confirmation import MailFrom
from newsdesk.public.ratelimit import RateLimits

__all__ = ["MailFrom", "RateLimits", "create_app"]
