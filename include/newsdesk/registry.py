"""The source registry: which partners newsdesk follows and how to read each source.

The YAML layout is a contract shared with other tooling (see docs/sources.md): fields are
only ever added, and only as optional ones. Loading validates everything up front, so a
typo is reported as ``FILE: partner 'eropa', sources[1].url: ...`` before any fetch runs.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsdesk.credentials import redact_url
from newsdesk.errors import RegistryError
from newsdesk.records import ItemKind
from newsdesk.yaml_file import Lines, read_yaml_located

if TYPE_CHECKING:
    from newsdesk.parse.parser import SourceParser

_STRICT = ConfigDict(extra="forbid", frozen=True)


class FetchSettings(BaseModel):
    """How politely and how defensively we fetch (the registry's ``settings`` block)."""

    model_config = _STRICT

    user_agent: str = "newsdesk/0.1 (+mailto:unpan@example.org)"
    timeout_s: float = Field(20.0, gt=0, le=300)
    max_bytes: int = Field(5_000_000, gt=0)
    min_delay_s: float = Field(1.0, ge=0)
    allow_private_hosts: bool = False
    max_redirects: int = Field(5, ge=0, le=20)
    retries: int = Field(3, ge=0, le=10)
    backoff_s: float = Field(1.0, ge=0)


class SourceBase(BaseModel):
    """What every source kind has. A kind is a subclass with a ``kind`` literal, its own
    fields, and :meth:`parser` naming the module that reads it (imported only then)."""

    model_config = _STRICT

    url: str
    enabled: bool = True
    id: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    language: str | None = None  # overrides the partner's default language

    @field_validator("url")
    @classmethod
    def _absolute_http(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an absolute http:// or https:// URL")
        return value

    def parser(self) -> SourceParser:
        """The parser of this source's kind, bound to this source."""
        raise NotImplementedError(f"source kind {type(self).__name__} names no parser")


class FeedSource(SourceBase):
    kind: Literal["feed"]
    item_kind: ItemKind = "news"

    def parser(self) -> SourceParser:
        from newsdesk.parse.feed import FeedParser

        return FeedParser(self)


class HtmlSelectors(BaseModel):
    """CSS selectors; a value may end in ``@attr`` to take that attribute's value."""

    model_config = _STRICT

    item: str
    title: str
    link: str | None = None
    date: str | None = None
    summary: str | None = None
    location: str | None = None
    end: str | None = None


class HtmlSource(SourceBase):
    kind: Literal["html"]
    item_kind: ItemKind = "news"
    selectors: HtmlSelectors | None = None
    date_format: str | None = None  # strptime format, e.g. "%d/%m/%Y"
    date_order: Literal["DMY", "MDY", "YMD"] | None = None
    follow: bool = False
    discover_feed: bool = False

    def parser(self) -> SourceParser:
        from newsdesk.parse.html import HtmlParser

        return HtmlParser(self)

    @model_validator(mode="after")
    def _selectors_or_discovery(self) -> HtmlSource:
        if self.selectors is None and not self.discover_feed:
            raise ValueError("an html source needs 'selectors' or 'discover_feed: true'")
        return self


class IcsSource(SourceBase):
    kind: Literal["ics"]

    def parser(self) -> SourceParser:
        from newsdesk.parse.ics import IcsParser

        return IcsParser(self)


class JsonldSource(SourceBase):
    kind: Literal["jsonld"]

    def parser(self) -> SourceParser:
        from newsdesk.parse.jsonld import JsonldParser

        return JsonldParser(self)


#: Every source kind: adding one is its class above and its name here.
AnySource = FeedSource | HtmlSource | IcsSource | JsonldSource
Source = Annotated[AnySource, Field(discriminator="kind")]


class Partner(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)
    short: str = Field(min_length=1)
    region: str | None = None
    language: str | None = None
    timezone: str | None = None  # IANA zone for times a source gives without one
    home: str | None = None  # public home page, shown in the newsletter's section header
    division: bool = False  # the division's own publications (UN DESA / DPIDG)
    sources: list[Source] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value


class Registry(BaseModel):
    model_config = _STRICT

    settings: FetchSettings = Field(default_factory=FetchSettings)
    partners: list[Partner]

    @model_validator(mode="after")
    def _unique_ids(self) -> Registry:
        seen: set[str] = set()
        for partner in self.partners:
            if partner.id in seen:
                raise ValueError(f"partner id {partner.id!r} is used twice")
            seen.add(partner.id)
        keys: set[str] = set()
        for partner in self.partners:
            for source in partner.sources:
                key = source_key(partner, source)
                if key in keys:
                    raise ValueError(f"source {key!r} of partner {partner.id!r} is listed twice")
                keys.add(key)
        return self

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        raise RegistryError(f"no partner {partner_id!r} in the registry")

    def enabled_sources(self) -> list[tuple[Partner, AnySource]]:
        """Every enabled source with its partner, in registry order."""
        return [(p, s) for p in self.partners for s in p.sources if s.enabled]

    def source(self, source_id: str) -> tuple[Partner, AnySource]:
        for partner in self.partners:
            for source in partner.sources:
                if source_key(partner, source) == source_id:
                    return partner, source
        raise RegistryError(f"no source {source_id!r} in the registry")


def source_key(partner: Partner, source: AnySource) -> str:
    """A stable id for a source: its own ``id``, else partner, kind and a hash of its URL.

    Derived from the URL rather than the list position, so reordering the YAML keeps every
    source's fetch history and conditional-GET validators; from the URL without its
    credentials, so that a changed password keeps them too and the id says nothing of it.
    """
    if source.id:
        return f"{partner.id}/{source.id}"
    digest = hashlib.sha1(redact_url(source.url).encode()).hexdigest()[:8]
    return f"{partner.id}/{source.kind}-{digest}"


def load_registry(path: str | Path) -> Registry:
    """Read and validate a registry file; raise :class:`RegistryError` naming the place."""
    path = Path(path)
    raw, lines = read_yaml_located(path, RegistryError, "the registry")
    return parse_registry(raw, origin=str(path), lines=lines)


def parse_registry(raw: Any, *, origin: str = "<registry>", lines: Lines | None = None
                   ) -> Registry:
    """Validate already-loaded YAML data; ``origin`` names it in errors, and ``lines``
    (from :func:`~newsdesk.yaml_file.read_yaml_located`) gives each error its line."""
    if not isinstance(raw, dict):
        raise RegistryError(f"{origin}: the registry must be a mapping with 'partners'")
    try:
        return Registry.model_validate(raw)
    except ValidationError as exc:
        errors = [f"{origin}:{_line(lines or {}, err)} {_describe(raw, err)}"
                  for err in exc.errors()]
        raise RegistryError("\n".join(errors)) from None


#: The ``kind`` values a source may have (the discriminator's tags, in the union's order).
SOURCE_KINDS: tuple[str, ...] = tuple(
    get_args(model.model_fields["kind"].annotation)[0] for model in get_args(AnySource))


def _steps(err: Any) -> list[str | int]:
    """The error's location in the YAML: pydantic's, without the union's kind tags."""
    return [step for step in err["loc"] if step not in SOURCE_KINDS]


def _line(lines: Lines, err: Any) -> str:
    """`` line N:`` of the deepest part of the error's location the file has (a missing
    field is reported at its parent), or "" without line information."""
    steps = _steps(err)
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        steps.append("kind")
    for end in range(len(steps), 0, -1):
        line = lines.get(tuple(steps[:end]))
        if line is not None:
            return f" line {line}:"
    return ""


def _describe(raw: dict[str, Any], err: Any) -> str:
    """Turn a pydantic error location into ``partner 'eropa', sources[1].url: message``."""
    loc = list(err["loc"])
    where: list[str] = []
    if len(loc) >= 2 and loc[0] == "partners" and isinstance(loc[1], int):
        partners = raw.get("partners") or []
        entry = partners[loc[1]] if loc[1] < len(partners) else None
        pid = entry.get("id") if isinstance(entry, dict) else None
        where.append(f"partner {pid!r}" if pid else f"partners[{loc[1]}]")
        loc = loc[2:]
    # Discriminated unions add the kind as a location step: drop it.
    loc = [step for step in loc if step not in SOURCE_KINDS]
    message = err["msg"].removeprefix("Value error, ")
    allowed = ", ".join(SOURCE_KINDS)
    if err["type"] == "union_tag_invalid":
        loc.append("kind")
        message = f"unknown kind {err['ctx']['tag']!r} (allowed: {allowed})"
    elif err["type"] == "union_tag_not_found":
        loc.append("kind")
        message = f"missing (allowed: {allowed})"
    path = ""
    for step in loc:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    if path:
        where.append(path)
    return f"{', '.join(where) or 'top level'}: {message}"
