"""Candidate blocking: which earlier items a new item is compared with.

A new item is never compared with every stored item. It is looked up in:

- exact maps of canonical URL and content hash;
- events: ``(start day, title word)`` for days within ``event_start_days``, and
  ``(start day, city)`` for the same-place rule;
- news and publications: ``(14-day bucket, title word)`` for neighbouring buckets.

Title words are indexed by **prefix filtering**: words are ordered rarest first (by
document frequency over the batch) and only the first ``|x| - ceil(t·|x|) + 1`` are
keys. Two word sets with Jaccard >= t always share one of those words, so blocking loses
no pair the title rule would accept, while the keys are the rare, short-listed words.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

from newsdesk.dedupe.similarity import Profile
from newsdesk.dedupe.thresholds import Thresholds


def prefix_words(words: Iterable[str], rank: Mapping[str, int], threshold: float) -> list[str]:
    """The rarest words of a set that any Jaccard >= ``threshold`` partner must share one of.

    Words missing from ``rank`` sort first (unseen means rare).
    """
    ordered = sorted(words, key=lambda w: (rank.get(w, -1), w))
    size = len(ordered)
    keep = size - math.ceil(threshold * size - 1e-9) + 1
    return ordered[:max(keep, 0)]


class _Window:
    """Posting lists per time slot (a day, a 14-day bucket) that forget old slots.

    Items arrive in time order (``cluster_records`` sorts them), so a slot older than
    ``keep`` slots behind the newest can never hold a candidate again: dropping it keeps
    the lists small and in cache, and the run linear in the number of items.
    """

    def __init__(self, keep: int) -> None:
        self._keep = keep
        self._slots: dict[int, dict[Hashable, list[int]]] = {}
        self._newest: int | None = None

    def add(self, slot: int, keys: Iterable[Hashable], item_id: int) -> None:
        lists = self._slots.setdefault(slot, defaultdict(list))
        for key in keys:
            lists[key].append(item_id)
        if self._newest is None or slot > self._newest:
            self._newest = slot
            for old in [s for s in self._slots if s < slot - self._keep]:
                del self._slots[old]

    def find(self, slots: Iterable[int], keys: Sequence[Hashable], found: set[int]) -> None:
        for slot in slots:
            lists = self._slots.get(slot)
            if lists is None:
                continue
            for key in keys:
                hits = lists.get(key)
                if hits:
                    found.update(hits)


class CandidateIndex:
    """Grows as items are added in time order; lookups return ids added earlier.

    The exact maps keep everything (a URL matches whenever it was seen); the title-word
    lists keep only the time slots a later item can still reach. Local event days may run
    up to two days behind the UTC order items arrive in, hence the margin.
    """

    def __init__(self, rank: Mapping[str, int], thresholds: Thresholds) -> None:
        self._rank = rank
        self._th = thresholds
        self._event_t = min(thresholds.event_title_min, 1.0)
        self._news_t = min(thresholds.news_title_min, thresholds.news_title_only_min)
        self.by_url: dict[str, list[int]] = defaultdict(list)
        self.by_hash: dict[str, list[int]] = defaultdict(list)
        self._events = _Window(keep=thresholds.event_start_days + 2)
        self._news = _Window(keep=1)

    def _event_keys(self, p: Profile) -> list[Hashable]:
        keys: list[Hashable] = list(prefix_words(p.title.words, self._rank, self._event_t))
        if p.city is not None:
            keys.append(("city", p.city))
        return keys

    def _news_keys(self, p: Profile) -> list[Hashable]:
        return list(prefix_words(p.title.words, self._rank, self._news_t))

    def _bucket(self, p: Profile) -> int:
        return math.floor(p.when_days / max(self._th.news_window_days, 1))

    def add(self, item_id: int, p: Profile) -> None:
        record = p.record
        if record.canonical_url:
            self.by_url[record.canonical_url].append(item_id)
        if record.content_hash:
            self.by_hash[record.content_hash].append(item_id)
        if p.is_event:
            self._events.add(p.day, self._event_keys(p), item_id)
        else:
            self._news.add(self._bucket(p), self._news_keys(p), item_id)

    def fuzzy_candidates(self, p: Profile) -> set[int]:
        """Ids whose title could pass this item's similarity rule (a superset).

        Events: title words on the days within ``event_start_days``, and the same city on
        the same day; news: title words in this and the neighbouring buckets.
        """
        found: set[int] = set()
        if p.is_event:
            span = self._th.event_start_days
            words = prefix_words(p.title.words, self._rank, self._event_t)
            self._events.find(range(p.day - span, p.day + span + 1), words, found)
            if p.city is not None:
                self._events.find((p.day,), [("city", p.city)], found)
        else:
            bucket = self._bucket(p)
            self._news.find((bucket - 1, bucket, bucket + 1), self._news_keys(p), found)
        return found
