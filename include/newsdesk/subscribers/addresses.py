"""What counts as one address: email-validator's normal form, case-folded for uniqueness."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from newsdesk.errors import SubscriberError


@dataclass(frozen=True)
class NormalisedAddress:
    """``email`` is what we send to; ``key`` is what makes two spellings one subscriber."""

    email: str
    key: str


def normalise(raw: str, *, where: str) -> NormalisedAddress:
    """Validate the syntax (no DNS lookup: tests and imports stay on loopback) and normalise.

    Local parts are case-sensitive by the RFC but not in practice: every provider people use
    treats ``Ana@`` and ``ana@`` as one mailbox, so the key folds case and one person cannot
    hold two subscriptions to a list by capitalising differently.
    """
    text = raw.strip()
    if "\r" in text or "\n" in text:
        raise SubscriberError(f"{where}: address contains a line break: {raw!r}")
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise SubscriberError(f"{where}: invalid address {raw!r}: {exc}") from None
    return NormalisedAddress(email=valid.normalized, key=valid.normalized.casefold())
