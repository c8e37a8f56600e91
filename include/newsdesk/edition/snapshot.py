"""The snapshot: everything a render uses, frozen into a revision as JSON.

A render reads nothing but a snapshot (no registry, no settings file, no items table), so
rendering a revision next year gives the same bytes as today. ``SCHEMA`` is bumped when a
field is added; old snapshots keep rendering because new fields get defaults.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsdesk.errors import EditionError

SCHEMA = 2  # 2: summary_links, left_out
_FROZEN = ConfigDict(extra="forbid", frozen=True)

#: Base language subtags written right to left (``dir="rtl"`` on the item's block).
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ku", "ps", "sd",
                           "ug", "ur", "yi"})


def text_direction(language: str) -> Literal["ltr", "rtl"]:
    """``rtl`` for Arabic, Hebrew, Persian, Urdu…; ``ltr`` otherwise (``ar-EG`` -> rtl)."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


class SummaryLink(BaseModel):
    """A link kept from the partner's summary: ``summary[start:end]`` is its text."""

    model_config = _FROZEN

    start: int
    end: int
    url: str


class SnapshotItem(BaseModel):
    """One item as the newsletter shows it (already trimmed, dated and worded)."""

    model_config = _FROZEN

    item_id: int
    partner_id: str
    partner_short: str
    kind: str
    title: str
    url: str | None
    date_phrase: str
    place: str = ""
    summary: str = ""
    summary_cut: bool = False
    #: safe http(s) links of the summary, in order, not overlapping ("watch here")
    summary_links: list[SummaryLink] = Field(default_factory=list)
    read_more: str = ""
    language: str = "en"
    direction: Literal["ltr", "rtl"] = "ltr"
    also_reported_by: list[str] = Field(default_factory=list)


class SnapshotSection(BaseModel):
    """A heading and its items: one partner, the division, or the upcoming events."""

    model_config = _FROZEN

    key: str
    role: Literal["division", "partner", "upcoming"]
    heading: str
    short: str = ""
    intro: str = ""
    home_url: str | None = None
    items: list[SnapshotItem]


class LeftOutEntry(BaseModel):
    """An item editors may look for that the selection rule did not show, and why."""

    model_config = _FROZEN

    item_id: int
    partner_id: str
    title: str
    url: str | None = None
    reason: str


class ContactEntry(BaseModel):
    model_config = _FROZEN

    label: str
    url: str


class EditionSnapshot(BaseModel):
    """One edition as built: the render's only input."""

    model_config = _FROZEN

    schema_version: int = SCHEMA
    edition_key: str
    kind: str = "quarterly"
    title: str
    organisation: str
    period_label: str
    subject: str
    preheader: str
    intro: str = ""
    language: str = "en"
    timezone: str
    built_at: datetime
    sections: list[SnapshotSection]
    disclaimer: str
    contacts: list[ContactEntry]
    sender_name: str
    from_address: str
    test_to_address: str
    web_url: str
    archive_url: str
    #: shown to editors (the build's output, previews), never to subscribers
    left_out: list[LeftOutEntry] = Field(default_factory=list)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces): the same snapshot, the same bytes."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def snapshot_from_json(text: str, *, where: str) -> EditionSnapshot:
    """Read a stored snapshot; ``where`` (e.g. ``revision 12``) names it in errors."""
    try:
        return EditionSnapshot.model_validate_json(text)
    except ValidationError as exc:
        raise EditionError(f"{where}: the stored snapshot is not valid: {exc}") from exc
