"""Candidate blocking: prefix filtering never loses a pair the title rule accepts."""

from __future__ import annotations

import itertools
import random

from newsdesk.dedupe.index import prefix_words
from newsdesk.dedupe.tokens import jaccard


def test_prefix_filtering_keeps_every_pair_above_the_threshold() -> None:
    rng = random.Random(3)
    vocabulary = [f"w{n}" for n in range(12)]
    sets = [frozenset(rng.sample(vocabulary, rng.randint(1, 7))) for _ in range(250)]
    rank = {w: rng.randrange(100) for w in vocabulary}
    for threshold in (0.3, 0.6, 0.7, 0.9):
        prefixes = [set(prefix_words(s, rank, threshold)) for s in sets]
        for (a, pa), (b, pb) in itertools.combinations(zip(sets, prefixes, strict=True), 2):
            if jaccard(a, b) >= threshold:
                assert pa & pb, (sorted(a), sorted(b), threshold)


def test_prefix_is_the_rarest_words() -> None:
    rank = {"conference": 900, "annual": 500, "aapa": 3, "jakarta": 10}
    words = {"conference", "annual", "aapa", "jakarta"}
    assert prefix_words(words, rank, 0.6) == ["aapa", "jakarta"]
    assert prefix_words(words, rank, 1.0) == ["aapa"]
    assert prefix_words({"unseen", "aapa"}, rank, 1.0) == ["unseen"]
