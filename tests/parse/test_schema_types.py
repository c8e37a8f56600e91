"""The pinned schema.org hierarchy: subtypes are the kind of their branch."""

from __future__ import annotations

import pytest

from newsdesk.parse.schema_types import KINDS, PARENTS, kind_of_type


@pytest.mark.parametrize(("name", "kind"), [
    ("Event", "event"), ("EducationEvent", "event"), ("BusinessEvent", "event"),
    ("SocialEvent", "event"), ("EventSeries", "event"), ("CourseInstance", "event"),
    ("Hackathon", "event"), ("Festival", "event"), ("BroadcastEvent", "event"),
    ("Article", "news"), ("NewsArticle", "news"), ("OpinionNewsArticle", "news"),
    ("AnalysisNewsArticle", "news"), ("BlogPosting", "news"), ("LiveBlogPosting", "news"),
    ("Report", "publication"), ("ScholarlyArticle", "publication"),
    ("MedicalScholarlyArticle", "publication"), ("Book", "publication"),
    ("Thesis", "publication"),
    # Branches that are no newsletter item, and things that are not items at all.
    ("DeliveryEvent", None), ("SaleEvent", None), ("UserInteraction", None),
    ("UserComments", None), ("AdvertiserContentArticle", None), ("SatiricalArticle", None),
    ("DiscussionForumPosting", None), ("SocialMediaPosting", None), ("APIReference", None),
    ("CreativeWork", None), ("WebPage", None), ("Organization", None), ("", None),
    # Not schema.org, but what event plug-ins write: an event.
    ("WebinarEvent", "event"),
])
def test_kind_of_type(name: str, kind: str | None) -> None:
    assert kind_of_type(name) == kind


def test_every_branch_reaches_a_kind_or_a_decision() -> None:
    """The table is closed: each parent is itself pinned or decides a kind, no cycles."""
    for name in PARENTS:
        seen = {name}
        current = name
        while current not in KINDS:
            current = PARENTS[current]
            assert current not in seen
            seen.add(current)
