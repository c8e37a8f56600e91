"""Every number that decides "same or not" in one frozen dataclass.

Tuning happens here and nowhere else; ``docs/dedupe.md`` names, for each field, the cases
(tests and generator variants) that set it. Callers that need other values pass a
``Thresholds(...)`` with the fields changed; the defaults are what production runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """Decision limits of the deduplication engine (see docs/dedupe.md)."""

    #: Events: start days (local calendar days) at most this far apart.
    event_start_days: int = 1
    #: Events: title Jaccard at or above this, over all words and over content words
    #: (without generic event words and partner names), is "similar titles".
    event_title_min: float = 0.6
    #: Events of two partners on the same start and end days in the same known city: this
    #: lower Jaccard of the titles' content words (no generic words, partner or city
    #: names) suffices.
    event_same_place_title_min: float = 0.5
    #: News/publications: published (or first seen) at most this many days apart.
    news_window_days: int = 14
    #: News/publications with summaries on both: title Jaccard at or above this ...
    news_title_min: float = 0.7
    #: ... and summary token Jaccard at or above this.
    news_summary_min: float = 0.6
    #: News/publications where a summary is missing: the title alone must reach this.
    news_title_only_min: float = 0.9
