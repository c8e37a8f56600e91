"""Records in, clusters out: candidate edges, then merges strongest first.

Every item is compared only with the candidates the index returns for it (see
``index``). Accepted pairs become edges in three tiers: same canonical URL, same content
hash, similar by the event or news rule. Edges are merged in order (tier, then score
descending, then positions in date order), Kruskal-style, into a union-find that
refuses any merge joining two items an editor split (a cannot-link holds even
transitively: A~B, B~C and the split A|C leave C out of A's cluster), or giving a
cluster two places or dates spread wider than the rules allow for a pair. The order
makes the result deterministic.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from newsdesk.dedupe.index import CandidateIndex
from newsdesk.dedupe.records import Cluster, DedupeRecord, PartnerNames
from newsdesk.dedupe.representative import choose_representative
from newsdesk.dedupe.similarity import (
    EVENT_KINDS,
    Profile,
    build_profile,
    modes_conflict,
    same_content_contradicted,
    same_event,
    same_news,
)
from newsdesk.dedupe.thresholds import Thresholds
from newsdesk.dedupe.tokens import (
    GENERIC_WORDS,
    expansion_pattern,
    fold,
    partner_prefix,
    words_of,
)

TIER_URL, TIER_HASH, TIER_SIMILAR = 0, 1, 2
Edge = tuple[int, float, int, int]  # tier, -score, low index, high index


@dataclass(frozen=True, slots=True)
class Extent:
    """What a component as a whole claims: one place, and how far its dates spread.

    Pairwise rules look at two items; these limits hold for the whole cluster, so an
    announcement without a place cannot bridge one title held in two cities, and a chain
    of "within a day" steps cannot stretch an event cluster over a week.
    """

    city: str | None
    country: str | None
    modes: frozenset[str | None]  # attendance modes of its members (see attendance_mode)
    event_days: tuple[int, int] | None  # first and last start day of its events
    news_days: tuple[float, float] | None  # first and last publication of the rest

    @classmethod
    def of(cls, p: Profile) -> Extent:
        return cls(p.city, p.country, frozenset((p.mode,)),
                   (p.day, p.day) if p.is_event else None,
                   None if p.is_event else (p.when_days, p.when_days))


def _span(a: tuple[Any, Any] | None, b: tuple[Any, Any] | None) -> tuple[Any, Any] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


T = TypeVar("T")


class _Conflict(Exception):
    """Two known values of one place attribute differ."""


def _agree(x: T | None, y: T | None) -> T | None:
    """The known one of two values; :class:`_Conflict` when both are known and differ."""
    if x is not None and y is not None and x != y:
        raise _Conflict
    return x if x is not None else y


def _merge_extents(a: Extent, b: Extent, th: Thresholds) -> Extent | None:
    """The extent of the union, or None when it breaks a place or a date limit."""
    try:
        city, country = _agree(a.city, b.city), _agree(a.country, b.country)
    except _Conflict:
        return None
    modes = a.modes | b.modes
    if modes_conflict(modes):
        return None
    events, news = _span(a.event_days, b.event_days), _span(a.news_days, b.news_days)
    if events is not None and events[1] - events[0] > th.event_start_days:
        return None
    if news is not None and news[1] - news[0] > th.news_window_days:
        return None
    return Extent(city, country, modes, events, news)


class ConstrainedUnionFind:
    """Union-find over ``0..n-1`` whose components keep what they must not join.

    Two constraints: editor cannot-links (item positions), and the component's
    :class:`Extent` (one place, a bounded date spread).
    """

    def __init__(self, extents: Sequence[Extent], thresholds: Thresholds) -> None:
        self.parent = list(range(len(extents)))
        self.extent = list(extents)
        self.cannot: dict[int, set[int]] = {}
        self._th = thresholds

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        self.cannot.setdefault(self.find(a), set()).add(b)
        self.cannot.setdefault(self.find(b), set()).add(a)

    def union(self, a: int, b: int, *, check_extent: bool = True) -> bool:
        """Join the components of a and b unless a constraint forbids it.

        ``check_extent`` is off for same-URL merges: one page is one item, whatever two
        partners wrote about its place and dates (the lower root's extent is kept).
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        extent = _merge_extents(self.extent[ra], self.extent[rb], self._th)
        if extent is None:
            if check_extent:
                return False
            extent = self.extent[min(ra, rb)]
        ca, cb = self.cannot.get(ra), self.cannot.get(rb)
        if ca and any(self.find(x) == rb for x in ca):
            return False
        if cb and any(self.find(x) == ra for x in cb):
            return False
        if ra > rb:
            ra, rb, ca, cb = rb, ra, cb, ca
        self.parent[rb] = ra
        self.extent[ra] = extent
        if cb:
            self.cannot.pop(rb)
            self.cannot.setdefault(ra, set()).update(cb)
        return True


def _word_rank(profiles: Sequence[Profile]) -> dict[str, int]:
    """Document frequency of each title word: the global order prefix filtering needs."""
    counts: Counter[str] = Counter()
    for p in profiles:
        counts.update(p.title.words)
    return dict(counts)


def _prefix_pattern(partners: PartnerNames) -> re.Pattern[str] | None:
    aliases = tuple(sorted({a for names in partners.values() for a in names}
                           | set(partners)))
    return partner_prefix(aliases)


def _partner_words(names: Sequence[str]) -> frozenset[str]:
    """Words of a partner's short names (one or two words: ``AAPA``, ``inap-mexico``).

    Long names ("Asian Association for Public Administration") are left out: their words
    are common title words, not a reference to the partner.
    """
    words: set[str] = set()
    for name in names:
        parts = words_of(name)
        if 0 < len(parts) <= 2:
            words.update(w for w in parts if w not in GENERIC_WORDS)
    return frozenset(words)


def _expansions(partners: PartnerNames) -> dict[str, str]:
    """Folded full partner names (three words or more) -> the partner's folded acronym.

    The acronym is the first name of one or two words (the registry's short name comes
    first); a partner without one has nothing to expand to.
    """
    found: dict[str, str] = {}
    for names in partners.values():
        short = next((fold(n).strip() for n in names if 0 < len(n.split()) <= 2), None)
        if short is None:
            continue
        for name in names:
            if len(words_of(name)) >= 3 or len(name.split()) >= 3:
                found.setdefault(" ".join(fold(name).split()), short)
    return found


def _edges(profiles: Sequence[Profile], thresholds: Thresholds) -> list[Edge]:
    """Every accepted pair, each found from the later item's index lookups."""
    index = CandidateIndex(_word_rank(profiles), thresholds)
    edges: list[Edge] = []
    for i, p in enumerate(profiles):
        record = p.record
        exact: set[int] = set()
        if record.canonical_url:
            for j in index.by_url.get(record.canonical_url, ()):
                edges.append((TIER_URL, -1.0, j, i))
                exact.add(j)
        if record.content_hash:
            for j in index.by_hash.get(record.content_hash, ()):
                if j not in exact and not same_content_contradicted(profiles[j], p, thresholds):
                    edges.append((TIER_HASH, -1.0, j, i))
                    exact.add(j)
        rule = same_event if p.is_event else same_news
        for j in index.fuzzy_candidates(p):
            if j in exact:
                continue
            score = rule(profiles[j], p, thresholds)
            if score is not None:
                edges.append((TIER_SIMILAR, -score, j, i))
        index.add(i, p)
    return edges


def _time_order(record: DedupeRecord) -> tuple[float, int]:
    """Work through items by date: an item's candidates are then the items handled just
    before it, close in memory too (ids follow ingest order, not event dates)."""
    when = (record.starts_at if record.kind in EVENT_KINDS and record.starts_at else
            record.published_at or record.first_seen)
    return when.timestamp(), record.id


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic GC while building: the engine allocates millions of small objects and no
    cycles, and collector passes over the growing heap made the run superlinear in size."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cluster_records(
    records: Iterable[DedupeRecord],
    *,
    partners: PartnerNames | None = None,
    cannot_link: Iterable[tuple[int, int]] = (),
    thresholds: Thresholds | None = None,
) -> list[Cluster]:
    """Group records that report the same thing; every record lands in exactly one cluster.

    ``partners`` maps partner ids to their short names and aliases (for the partner-label
    stripping and the representative rule; without it the partner id is the only name).
    ``cannot_link`` holds editor splits as item-id pairs; pairs naming unknown ids are
    ignored (the item is gone). Clusters come back ordered by id (smallest member id).
    """
    with _gc_paused():
        return _cluster(list(records), partners or {}, cannot_link, thresholds or Thresholds())


def _cluster(records: list[DedupeRecord], names: PartnerNames,
             cannot_link: Iterable[tuple[int, int]], th: Thresholds) -> list[Cluster]:
    ordered = sorted(records, key=_time_order)
    known: dict[str, Sequence[str]] = {r.partner_id: (r.partner_id,) for r in ordered}
    known.update(names)
    prefix = _prefix_pattern(known)
    words = {partner: _partner_words(aliases) for partner, aliases in known.items()}
    everyone = frozenset().union(*words.values())
    expansions = _expansions(known)
    expansion_re = expansion_pattern(expansions)
    profiles = [build_profile(r, prefix, words[r.partner_id], everyone, expansions,
                              expansion_re) for r in ordered]
    position = {r.id: i for i, r in enumerate(ordered)}

    uf = ConstrainedUnionFind([Extent.of(p) for p in profiles], th)
    for a, b in cannot_link:
        if a in position and b in position and a != b:
            uf.forbid(position[a], position[b])
    for tier, _score, i, j in sorted(_edges(profiles, th)):
        uf.union(i, j, check_extent=tier != TIER_URL)

    groups: dict[int, list[DedupeRecord]] = {}
    for i, record in enumerate(ordered):
        groups.setdefault(uf.find(i), []).append(record)
    clusters = []
    for members in groups.values():
        members.sort(key=lambda r: r.id)
        representative = (members[0].id if len(members) == 1 else
                          choose_representative(members, names))
        clusters.append(Cluster(id=members[0].id, representative_id=representative,
                                members=tuple(r.id for r in members)))
    clusters.sort(key=lambda c: c.id)
    return clusters
