"""Dedupe engine: time to cluster 10k, 50k and 100k generated items, and its accuracy.

The corpus comes from :mod:`newsdesk.dedupe.synthetic` (a known share of near-duplicates
and hard negatives, a constant number of items per day so a bigger archive spans more
days). Printed: the clustering time for each size (best of a few runs for the small
ones, to damp the noise of a shared machine), the growth ratios 50k/10k (linear: 5) and
100k/10k (linear: 10; the goal is at most 12), and pairwise precision and recall against
the generator's truth (goals: >= 0.98 and >= 0.95). Generation is not timed.
"""

from __future__ import annotations

import time

from newsdesk.dedupe import cluster_records
from newsdesk.dedupe.synthetic import PARTNERS, generate_corpus, pairwise_scores

SIZES = (10_000, 50_000, 100_000)
RUNS = {10_000: 5, 50_000: 2, 100_000: 2}


def main() -> None:
    partners = {pid: (short,) for pid, short in PARTNERS.items()}
    timings: dict[int, float] = {}
    for size in SIZES:
        corpus = generate_corpus(size)
        best = float("inf")
        for _ in range(RUNS[size]):
            started = time.perf_counter()
            clusters = cluster_records(corpus.records, partners=partners)
            best = min(best, time.perf_counter() - started)
        timings[size] = best
        precision, recall = pairwise_scores([c.members for c in clusters], corpus.truth)
        multi = sum(1 for c in clusters if c.size > 1)
        print(f"{size:>7} items: {best:6.2f} s  {len(clusters)} clusters ({multi} multi-item)"
              f"  precision {precision:.4f}  recall {recall:.4f}", flush=True)
    base = timings[SIZES[0]]
    print(f"growth 50k/10k: {timings[50_000] / base:.2f} (linear 5.0)")
    print(f"growth 100k/10k: {timings[100_000] / base:.2f} per 10x (goal <= 12)")


if __name__ == "__main__":
    main()
