"""Building and storing revisions on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from tests.newsletter_factory import BUILT_AT, config, insert, registry, seed_items

from newsdesk.config import Settings
from newsdesk.edition.builder import build_edition, place_phrase
from newsdesk.edition.config import load_newsletter_config
from newsdesk.errors import ConfigError, EditionError
from newsdesk.render.render import render_edition
from newsdesk.review.lifecycle import list_revisions, load_revision
from newsdesk.store.database import session_scope
from newsdesk.store.models import EditionRevisionRow, ItemRow


def test_build_stores_a_reproducible_draft_revision(db_url: str) -> None:
    items, clusters = seed_items()
    insert(db_url, items, clusters)
    first = build_edition(db_url, "2020Q4", registry(), config(), created_by="tester",
                          note="first cut", built_at=BUILT_AT)
    assert (first.edition_key, first.number, first.status, first.note) == (
        "2020Q4", 1, "draft", "first cut")
    snapshot = first.snapshot
    assert [s.key for s in snapshot.sections] == ["undesa", "icap", "eropa", "respa", "upcoming"]
    shown = [i.item_id for s in snapshot.sections for i in s.items]
    assert 12 not in shown and 11 in shown  # the Jakarta conference once, by AAPA
    assert 14 not in shown and 10 not in shown  # June news, May conference
    second = build_edition(db_url, "2020Q4", registry(), config(), created_by="tester",
                           built_at=BUILT_AT)
    assert second.number == 2 and second.id != first.id
    assert second.snapshot == first.snapshot  # same data, same snapshot
    assert second.content_sha256 == first.content_sha256
    assert [r.number for r in list_revisions(db_url, "2020Q4")] == [1, 2]
    # Reproducible from the revision alone: the same bytes on every render.
    templates = Settings.from_env().templates_dir
    again = load_revision(db_url, first.id)
    assert render_edition(again.snapshot, templates) == render_edition(first.snapshot, templates)


def test_a_changed_snapshot_is_detected(db_url: str) -> None:
    items, clusters = seed_items()
    insert(db_url, items, clusters)
    rev = build_edition(db_url, "2020Q4", registry(), config(), created_by="tester")
    with session_scope(db_url) as session:
        session.execute(update(EditionRevisionRow).where(EditionRevisionRow.id == rev.id)
                        .values(snapshot=EditionRevisionRow.snapshot + " "))
    with pytest.raises(EditionError, match=f"edition revision {rev.id}: the snapshot does not"):
        load_revision(db_url, rev.id)
    with pytest.raises(EditionError, match="no edition revision 999"):
        load_revision(db_url, 999)


def test_empty_quarter_is_an_error_not_an_empty_edition(db_url: str) -> None:
    with pytest.raises(EditionError, match="edition 2019Q1: no news or events"):
        build_edition(db_url, "2019Q1", registry(), config(), created_by="tester")


def test_project_newsletter_file_loads_and_errors_name_the_field(tmp_path: Path) -> None:
    settings = load_newsletter_config()
    assert settings.timezone == "America/New_York" and "icap" in settings.partner_order
    bad = tmp_path / "newsletter.yaml"
    bad.write_text("timezone: Mars/Base\nread_more: 'More {url}'\n")
    with pytest.raises(ConfigError) as err:
        load_newsletter_config(bad)
    assert f"{bad}: timezone: unknown IANA time zone 'Mars/Base'" in str(err.value)
    assert (f"{bad}: read_more: may only use the {{what}} and {{title}} placeholders"
            in str(err.value))


@pytest.mark.parametrize(
    ("city", "country", "location", "online", "expected"),
    [
        ("Jakarta", "Indonesia", "Jakarta, Indonesia", False, "Jakarta, Indonesia"),
        ("Jakarta", "Indonesia", "Jakarta, Indonesia and online", True,
         "Jakarta, Indonesia and online"),
        (None, None, "Online", True, "Online"),
        (None, None, "Zoom", True, "Zoom"),
        # Template words are the edition's: no "En línea" in an English edition.
        (None, None, "En línea", True, "Online"),
        (None, None, "en ligne", None, "Online"),
        (None, None, "Virtual", True, "Online"),
        (None, None, None, True, "Online"),
        (None, "Morocco", "Maroc", False, "Morocco"),
        (None, None, "Palais des Nations", None, "Palais des Nations"),
        (None, None, None, None, ""),
    ],
)
def test_place_phrase(city: str | None, country: str | None, location: str | None,
                      online: bool | None, expected: str) -> None:
    item = ItemRow(city=city, country=country, location=location, online=online)
    assert place_phrase(item) == expected


def test_a_huge_title_is_capped_like_a_summary(db_url: str) -> None:
    """One 100,000-character title must not push the email over its size check."""
    items, clusters = seed_items()
    items[0].title = "Digital government " * 5300  # ~100,000 characters, words to cut at
    insert(db_url, items, clusters)
    rev = build_edition(db_url, "2020Q4", registry(), config(), created_by="tester",
                        built_at=BUILT_AT)
    shown = [i for s in rev.snapshot.sections for i in s.items if i.item_id == items[0].id]
    assert shown, "the item with the huge title is still in the edition"
    limit = config().title_chars
    assert len(shown[0].title) <= limit and shown[0].title.endswith("…")
    assert len(shown[0].read_more) <= limit + len("More about ")
    render_edition(rev.snapshot, Settings.from_env().templates_dir)  # no size failure
