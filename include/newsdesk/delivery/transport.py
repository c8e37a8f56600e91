"""Transports: one job, push a finished message to one recipient and say what happened.

The manager owns the ledger and every decision about state; a transport only moves bytes
and classifies the answer (:class:`Outcome`): accepted, temporary (4xx, a dropped
connection: try again later) or permanent (5xx: this recipient is done). Adding a
transport never touches the ledger logic.

:class:`SmtpTransport` keeps one connection for a whole batch, reconnects when the server
drops it, paces itself to a configured rate and resets the session after a refusal
(reusing it as is gives "503 sender already specified"). :class:`DirectoryTransport` is the
local sink: it writes each message as an ``.eml`` into a directory with an HTML index
(:mod:`newsdesk.delivery.mailbox`), for demos and for operators without a relay.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from newsdesk.delivery.mailbox import Mailbox
from newsdesk.errors import ConfigError


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Envelope:
    """What goes over the wire: SMTP's envelope sender and recipient, and the bytes."""

    sender: str
    recipient: str
    data: bytes


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reply: str

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED


class Transport(Protocol):
    """push one message, flush what a transport may buffer, close the connection."""

    def push(self, envelope: Envelope) -> Outcome: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class Security(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the relay (Airflow's ``smtp_default`` connection).

    ``rate_per_s`` caps messages per second on this connection (0: no cap); the relay's
    own limits are usually lower than what a loop can push.
    """

    host: str
    port: int
    security: Security = Security.STARTTLS
    login: str | None = None
    password: str | None = None
    timeout_s: float = 30.0
    rate_per_s: float = 0.0

    def __repr__(self) -> str:  # never print the password
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, "
                f"security={self.security.value}, login={self.login!r})")

    @classmethod
    def from_connection(cls, *, host: str | None, port: int | None, login: str | None,
                        password: str | None, extra: dict[str, object]) -> SmtpSettings:
        """From the fields of an Airflow connection (the SMTP provider's extras).

        ``disable_ssl`` and ``disable_tls`` have the provider's meaning: SSL from the first
        byte unless disabled, else STARTTLS unless disabled, else plain (loopback sinks).
        """
        if not host:
            raise ConfigError("SMTP connection smtp_default: no host")

        def flag(name: str) -> bool:
            value = extra.get(name, False)
            return value is True or str(value).strip().lower() in {"1", "true", "yes"}

        if not flag("disable_ssl"):
            security = Security.SSL
        elif not flag("disable_tls"):
            security = Security.STARTTLS
        else:
            security = Security.NONE
        try:
            timeout = float(str(extra.get("timeout", 30)))
            rate = float(str(extra.get("rate_per_s", 0)))
        except ValueError as exc:
            raise ConfigError(f"SMTP connection smtp_default: timeout and rate_per_s must "
                              f"be numbers ({exc})") from exc
        default_port = 465 if security is Security.SSL else 587
        return cls(host=host, port=int(port or default_port), security=security,
                   login=login or None, password=password or None, timeout_s=timeout,
                   rate_per_s=max(rate, 0.0))

    @classmethod
    def from_uri(cls, uri: str) -> SmtpSettings:
        """From Airflow's connection URI form: ``smtp://login:pw@host:port?disable_ssl=true``."""
        parts = urlsplit(uri)
        if parts.scheme not in {"smtp", "smtps"}:
            raise ConfigError(f"SMTP connection {parts.scheme}://{parts.hostname}: "
                              "the URI must start with smtp://")
        extra: dict[str, object] = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            port = parts.port
        except ValueError as exc:
            raise ConfigError(f"SMTP connection to {parts.hostname}: bad port") from exc
        return cls.from_connection(host=parts.hostname, port=port,
                                   login=unquote(parts.username) if parts.username else None,
                                   password=unquote(parts.password) if parts.password else None,
                                   extra=extra)


class SmtpTransport:
    """One SMTP session reused for every push until it breaks or :meth:`close`."""

    def __init__(self, settings: SmtpSettings, *,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._sleep = sleep
        self._clock = clock
        self._next_slot = 0.0

    def push(self, envelope: Envelope) -> Outcome:
        self._pace()
        try:
            smtp = self._session()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            return Outcome(Verdict.TEMPORARY, f"cannot connect to {self._where()}: {exc}")
        try:
            refused = smtp.sendmail(envelope.sender, [envelope.recipient], envelope.data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return self._refused(code, text)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return self._refused(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            return Outcome(Verdict.TEMPORARY, f"connection to {self._where()} lost: {exc}")
        except smtplib.SMTPException as exc:
            self._drop()
            return Outcome(Verdict.TEMPORARY, f"{self._where()}: {exc}")
        if refused:  # one recipient per push: refused means this one
            code, text = next(iter(refused.values()))
            return self._refused(code, text)
        return Outcome(Verdict.ACCEPTED, "250 accepted")

    def flush(self) -> None:
        """Nothing is buffered: every push is a complete SMTP transaction."""

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
        self._drop()

    def _refused(self, code: int, text: bytes | str) -> Outcome:
        reply = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        # smtplib resets after a refused MAIL/RCPT/DATA; make sure, or start afresh.
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except (OSError, smtplib.SMTPException):
                self._drop()
        if 400 <= code < 500:
            return Outcome(Verdict.TEMPORARY, reply)
        return Outcome(Verdict.PERMANENT, reply)

    def _session(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self._settings
        smtp: smtplib.SMTP
        if s.security is Security.SSL:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
            if s.security is Security.STARTTLS:
                smtp.starttls(context=ssl.create_default_context())
        if s.login:
            smtp.login(s.login, s.password or "")
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
        self._smtp = None

    def _pace(self) -> None:
        if self._settings.rate_per_s <= 0:
            return
        now = self._clock()
        if self._next_slot > now:
            self._sleep(self._next_slot - now)
            now = self._next_slot
        self._next_slot = now + 1.0 / self._settings.rate_per_s

    def _where(self) -> str:
        return f"SMTP {self._settings.host}:{self._settings.port}"


class DirectoryTransport:
    """The local sink: every message an ``.eml`` in ``directory``, listed in ``index.html``."""

    def __init__(self, directory: Path) -> None:
        self._mailbox = Mailbox(directory)

    def push(self, envelope: Envelope) -> Outcome:
        path = self._mailbox.store(envelope.sender, [envelope.recipient], envelope.data)
        return Outcome(Verdict.ACCEPTED, f"250 stored as {path.name}")

    def flush(self) -> None:
        self._mailbox.write_index()

    def close(self) -> None:
        self._mailbox.write_index()
