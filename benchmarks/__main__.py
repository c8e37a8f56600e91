"""`make bench`: run every benchmark module and print its figures.

Each ``benchmarks/bench_*.py`` has a ``main()`` that measures against a baseline taken in
the same run and prints ratios, so the numbers compare across machines. Pass module names
(``python -m benchmarks ingest dedupe``) to run only some.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
