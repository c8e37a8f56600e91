"""Accuracy on a generated corpus with known duplicates and hard negatives.

The benchmark measures the same at 10k-100k items; this is the small, always-run check.
"""

from __future__ import annotations

from newsdesk.dedupe import cluster_records
from newsdesk.dedupe.synthetic import PARTNERS, generate_corpus, pairwise_scores

NAMES = {pid: (short,) for pid, short in PARTNERS.items()}


def test_generator_is_deterministic_and_has_duplicates() -> None:
    a, b = generate_corpus(500, seed=11), generate_corpus(500, seed=11)
    assert a == b
    things = set(a.truth.values())
    assert 0.6 * len(a.records) < len(things) < 0.9 * len(a.records)


def test_precision_and_recall_on_a_generated_corpus() -> None:
    for seed in (1, 2):
        corpus = generate_corpus(4000, seed=seed)
        clusters = cluster_records(corpus.records, partners=NAMES)
        precision, recall = pairwise_scores([c.members for c in clusters], corpus.truth)
        assert precision >= 0.98, (seed, precision)
        assert recall >= 0.95, (seed, recall)


def test_input_order_does_not_change_the_result() -> None:
    corpus = generate_corpus(1500, seed=5)
    forward = cluster_records(corpus.records, partners=NAMES)
    backward = cluster_records(list(reversed(corpus.records)), partners=NAMES)
    assert forward == backward


def test_pairwise_scores_count_pairs() -> None:
    truth = {1: 1, 2: 1, 3: 1, 4: 2}
    assert pairwise_scores([(1, 2, 3), (4,)], truth) == (1.0, 1.0)
    assert pairwise_scores([(1, 2), (3, 4)], truth) == (0.5, 1 / 3)
