"""The schema.org types a JSON-LD item may declare, and the item kind each one is.

Sites declare the most specific type they can (``OpinionNewsArticle``, ``LiveBlogPosting``,
``EducationEvent``), so a JSON-LD reader that knows only ``Event`` and ``NewsArticle``
refuses real pages. This module pins the part of the schema.org class hierarchy below
``Event`` and below the ``CreativeWork`` kinds a newsletter lists, as data.

Source: the "More specific types" lists of the schema.org pages https://schema.org/Event,
/PublicationEvent, /UserInteraction, /Article, /NewsArticle, /SocialMediaPosting,
/BlogPosting, /ScholarlyArticle and /TechArticle, copied in December 2026 (core and
pending terms; cross-checked with the type unions of the schema-dts 1.1.0 package).
schema.org adds types now and then: one added later is unknown here until this table is
updated, with one exception kept on purpose: an unknown name ending in ``Event``
(plug-ins invent ``VirtualEvent``, ``WebinarEvent``) is an event.
"""

from __future__ import annotations

from typing import Final

from newsdesk.records import ItemKind

#: Each pinned type and the type it is a "more specific type" of (one parent each: where
#: schema.org gives two, as for EventSeries, the one that decides the kind).
PARENTS: Final[dict[str, str]] = {
    # Event (https://schema.org/Event)
    "BusinessEvent": "Event", "ChildrensEvent": "Event", "ComedyEvent": "Event",
    "CourseInstance": "Event", "DanceEvent": "Event", "DeliveryEvent": "Event",
    "EducationEvent": "Event", "EventSeries": "Event", "ExhibitionEvent": "Event",
    "Festival": "Event", "FoodEvent": "Event", "Hackathon": "Event",
    "LiteraryEvent": "Event", "MusicEvent": "Event", "PublicationEvent": "Event",
    "SaleEvent": "Event", "ScreeningEvent": "Event", "SocialEvent": "Event",
    "SportsEvent": "Event", "TheaterEvent": "Event", "UserInteraction": "Event",
    "VisualArtsEvent": "Event",
    "BroadcastEvent": "PublicationEvent", "OnDemandEvent": "PublicationEvent",
    "UserBlocks": "UserInteraction", "UserCheckins": "UserInteraction",
    "UserComments": "UserInteraction", "UserDownloads": "UserInteraction",
    "UserLikes": "UserInteraction", "UserPageVisits": "UserInteraction",
    "UserPlays": "UserInteraction", "UserPlusOnes": "UserInteraction",
    "UserTweets": "UserInteraction",
    # Article (https://schema.org/Article), a CreativeWork
    "AdvertiserContentArticle": "Article", "NewsArticle": "Article", "Report": "Article",
    "SatiricalArticle": "Article", "ScholarlyArticle": "Article",
    "SocialMediaPosting": "Article", "TechArticle": "Article",
    "AnalysisNewsArticle": "NewsArticle", "AskPublicNewsArticle": "NewsArticle",
    "BackgroundNewsArticle": "NewsArticle", "OpinionNewsArticle": "NewsArticle",
    "ReportageNewsArticle": "NewsArticle", "ReviewNewsArticle": "NewsArticle",
    "MedicalScholarlyArticle": "ScholarlyArticle",
    "BlogPosting": "SocialMediaPosting", "DiscussionForumPosting": "SocialMediaPosting",
    "LiveBlogPosting": "BlogPosting",
    "APIReference": "TechArticle",
    # Other CreativeWorks a partner publishes (https://schema.org/CreativeWork)
    "Article": "CreativeWork", "Book": "CreativeWork", "Thesis": "CreativeWork",
}  # fmt: skip

#: Where a branch of :data:`PARENTS` becomes an item kind, or (None) is no item for a
#: newsletter: a parcel's delivery, a sale, a user's like, an advert, satire, a forum
#: post, software documentation, and CreativeWork in general (images, web pages, ...).
KINDS: Final[dict[str, ItemKind | None]] = {
    "Event": "event",
    "DeliveryEvent": None, "SaleEvent": None, "UserInteraction": None,
    "Article": "news",
    "AdvertiserContentArticle": None, "SatiricalArticle": None, "TechArticle": None,
    "SocialMediaPosting": None, "BlogPosting": "news",
    "Report": "publication", "ScholarlyArticle": "publication",
    "Book": "publication", "Thesis": "publication",
    "CreativeWork": None,
}  # fmt: skip


def kind_of_type(name: str) -> ItemKind | None:
    """The item kind of a schema.org type name (``OpinionNewsArticle`` -> ``"news"``).

    Walks up :data:`PARENTS` to the nearest entry of :data:`KINDS` (at most the table's
    size in steps). None for a type that is no newsletter item or is unknown, except an
    unknown name ending in ``Event``.
    """
    current: str | None = name
    for _step in range(len(PARENTS) + 1):
        if current is None:
            break
        if current in KINDS:
            return KINDS[current]
        current = PARENTS.get(current)
    return "event" if name not in PARENTS and name.endswith("Event") else None
