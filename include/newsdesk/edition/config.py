"""Newsletter settings (``include/newsletter.yaml``): what an edition says and in which order.

Read once, validated up front; an error names the file and the field. The builder copies
every value the render needs into the revision's snapshot, so changing this file never
changes an edition that was already built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newsdesk.config import PROJECT_ROOT
from newsdesk.errors import ConfigError
from newsdesk.yaml_file import read_yaml

DEFAULT_NEWSLETTER_FILE = PROJECT_ROOT / "include" / "newsletter.yaml"


class ContactLink(BaseModel):
    """A footer contact link: an absolute http(s) URL or a ``mailto:`` address."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    url: str

    @field_validator("url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith(("https://", "http://", "mailto:")):
            raise ValueError("must be an absolute http(s) URL or a mailto: address")
        return value


class NewsletterConfig(BaseModel):
    """The quarterly newsletter's settings; every field has the seed's value as default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = "UNPAN Partners' Newsletter"
    organisation: str = "United Nations Public Administration Network (UNPAN)"
    timezone: str = "America/New_York"
    language: str = "en"
    summary_chars: int = Field(480, ge=80, le=4000)
    #: Titles are capped too: one runaway title must not push the email past Gmail's clip.
    title_chars: int = Field(200, ge=40, le=1000)
    #: Link text after each summary: short; its aria-label adds the item's title for screen
    #: readers (docs/newsletter.md). ``{what}`` is "event", "story" or "publication";
    #: ``{title}`` (the whole title) is allowed but doubles the email's length.
    read_more: str = "More about this {what}"
    preheader: str = "News and upcoming events from UNPAN partners, {period}."
    intro: str = ""
    upcoming_heading: str = "Upcoming events"
    upcoming_intro: str = "Partner events planned for {period}."
    #: An event announced in the quarter is shown as upcoming when it starts within this
    #: many months after the quarter (the next quarter's events always are).
    upcoming_horizon_months: int = Field(6, ge=3, le=24)
    partner_order: list[str] = Field(default_factory=list)
    disclaimer: str = ("The views expressed are those of the individual authors and do not "
                       "imply any expression of opinion on the part of the United Nations.")
    contacts: list[ContactLink] = Field(default_factory=list)
    sender_name: str = "UNPAN Team"
    from_address: str = "unpan@example.org"
    test_to_address: str = "newsletter-test@example.org"
    #: The public web archive; edition pages live at ``<archive_url>/<key>/``.
    archive_url: str = "https://unpan.example.org/newsletter/"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("archive_url")
    @classmethod
    def _archive_absolute(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("read_more")
    @classmethod
    def _read_more_format(cls, value: str) -> str:
        try:
            value.format(title="x", what="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError("may only use the {what} and {title} placeholders") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_newsletter_config(path: str | Path = DEFAULT_NEWSLETTER_FILE) -> NewsletterConfig:
    """Read and validate the newsletter file; raise :class:`ConfigError` naming the place."""
    path = Path(path)
    raw: Any = read_yaml(path, ConfigError, "the newsletter settings") or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the newsletter settings must be a mapping")
    try:
        return NewsletterConfig.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: {'.'.join(str(p) for p in err['loc']) or 'top level'}: "
                 f"{err['msg'].removeprefix('Value error, ')}" for err in exc.errors()]
        raise ConfigError("\n".join(lines)) from None
