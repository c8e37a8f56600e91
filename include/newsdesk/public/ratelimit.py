"""How often the subscribe form may send mail: per address and per client IP, per hour.

A confirmation email goes to whatever address someone types, so the form is a way to
flood a stranger's inbox, or to use newsdesk's relay to spam. Counters live in the staging
database (:mod:`newsdesk.store.ratelimits`), so every process of the public service shares
them and a restart forgets nothing. Keys are HMACs of the address (case-folded) and of the
IP under the app's secret: the table never holds the values themselves.

Over a limit, nothing is sent and the visitor sees the same neutral page as everyone else
(HTTP 429 for the IP limit, which concerns the visitor's own traffic; the address limit
answers 200, because a different answer would tell a stranger the address was tried).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from newsdesk.store.ratelimits import count_hit, prune

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class RateLimits:
    """Requests allowed per fixed clock hour; the defaults suit a newsletter sign-up."""

    per_address: int = 3
    per_ip: int = 20


class Limited(StrEnum):
    NO = ""
    ADDRESS = "address"
    IP = "ip"


def window_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def check_subscribe(session: Session, limits: RateLimits, secret: str, *, address_key: str,
                    client_ip: str, now: datetime) -> Limited:
    """Count this request and say which limit, if any, it is over (the caller commits).

    The IP is counted first; a request over the IP limit is not counted against the
    address, so one noisy client cannot use up a stranger's allowance.
    """
    start = window_start(now)
    prune(session, start)
    if count_hit(session, _key(secret, "ip", client_ip), start) > limits.per_ip:
        return Limited.IP
    if count_hit(session, _key(secret, "address", address_key), start) > limits.per_address:
        return Limited.ADDRESS
    return Limited.NO


def _key(secret: str, kind: str, value: str) -> str:
    digest = hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:40]}"
