"""One exception tree for newsdesk.

Every message names the place it comes from (registry file and field, partner and source,
URL, row), because the reader of an error is an operator looking at one failed task in the
Airflow UI with nothing else in front of them. Catch these narrowly; never turn one into an
empty success.
"""


class NewsdeskError(Exception):
    """Root of every error newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """A setting (environment, CLI option, Airflow variable) has a wrong value."""


class RegistryError(NewsdeskError):
    """The source registry file is unreadable or invalid."""


class FetchError(NewsdeskError):
    """A source could not be fetched. The message names the URL."""


class BlockedAddressError(FetchError):
    """The URL resolves to (or redirects to) a private, loopback or link-local address."""


class RobotsDisallowedError(FetchError):
    """The partner's robots.txt disallows our user agent on this URL."""


class ResponseTooLargeError(FetchError):
    """The body grew past ``max_bytes`` while streaming; nothing of it was kept."""


class FetchTimeoutError(FetchError):
    """Connecting or reading took longer than ``timeout_s``."""


class HTTPStatusError(FetchError):
    """The server answered with a status we do not accept (after retries)."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class ParseError(NewsdeskError):
    """A fetched document could not be turned into items as a whole."""


class StoreError(NewsdeskError):
    """The staging database refused an operation or is not migrated."""


class EditionError(NewsdeskError):
    """An edition or one of its revisions cannot be built or changed."""


class RenderCheckError(NewsdeskError):
    """A rendered email failed one of the email checks; the message lists every failure."""


class MessageError(NewsdeskError):
    """An email cannot be built: a header value would break the header block (injection)."""


class SourceFailedError(NewsdeskError):
    """One source's ingestion failed (the fetch log has the details).

    Raised by the Airflow task for that source, so its mapped instance shows as failed with
    the reason in the log while the other sources carry on.
    """


class ReviewError(EditionError):
    """A review step is refused: wrong state, no approval, a hash that does not match.

    A subclass of :class:`EditionError` because every refusal is about one edition's
    revision, and callers that handle edition errors handle these too.
    """


class SubscriberError(NewsdeskError):
    """A subscriber operation is refused: a bad address, an unknown list, a wrong status."""


class TokenError(NewsdeskError):
    """A signed link (confirm, unsubscribe) is forged, altered, expired or names nobody."""


class DeliveryError(NewsdeskError):
    """A delivery operation is refused: a wrong list, an illegal ledger move, a bad edition."""
