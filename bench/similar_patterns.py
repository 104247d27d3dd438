"""Which similarity finds a log's true template among its system's templates: TF-IDF or MinHash.

For each Loghub sample in ../shared/data/loghub (or --loghub), one message of each true
event is the query, every true template of that system the candidates; a hit at k means
the query's own template is among the k ranked first. Prints recall at 1 and 3 per system
and overall, and the time per query, for both methods (analysis.tools.similarity).

    .venv/bin/python bench/similar_patterns.py
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gogent.settings")
django.setup()  # the module reads no database, but imports the logs app's constants

from analysis.tools.similarity import minhash_rank, tfidf_rank  # noqa: E402
from logs.sources import LOGHUB_SAMPLES  # noqa: E402

METHODS: dict[str, Callable[[str, Sequence[str]], list[tuple[int, float]]]] = {
    "tfidf": tfidf_rank,
    "minhash": minhash_rank,
}


def system_queries(folder: Path) -> tuple[list[str], list[tuple[str, int]]]:
    """(templates, [(message, index of its template)]) of one Loghub sample."""
    name = folder.name
    with open(folder / f"{name}_2k.log_templates.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    index = {row["EventId"]: n for n, row in enumerate(rows)}
    templates = [row["EventTemplate"] for row in rows]
    seen: set[str] = set()
    queries = []
    with open(folder / f"{name}_2k.log_structured.csv", newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            event = row["EventId"]
            if event in index and event not in seen:
                seen.add(event)
                queries.append((row["Content"], index[event]))
    return templates, queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loghub", type=Path, default=LOGHUB_SAMPLES)
    args = parser.parse_args()
    systems = sorted(p for p in args.loghub.iterdir() if p.is_dir())
    totals = {name: [0, 0, 0, 0.0] for name in METHODS}  # hits@1, hits@3, queries, seconds
    print(f"{'system':<10} {'events':>6}  " + "  ".join(f"{m:>22}" for m in METHODS))
    for folder in systems:
        templates, queries = system_queries(folder)
        cells = []
        for name, rank in METHODS.items():
            started = time.perf_counter()
            hits1 = hits3 = 0
            for message, truth in queries:
                top = [index for index, _ in rank(message, templates)[:3]]
                hits1 += top[:1] == [truth]
                hits3 += truth in top
            seconds = time.perf_counter() - started
            total = totals[name]
            total[0] += hits1
            total[1] += hits3
            total[2] += len(queries)
            total[3] += seconds
            cells.append(f"@1 {hits1 / len(queries):.3f} @3 {hits3 / len(queries):.3f}")
        print(f"{folder.name:<10} {len(queries):>6}  " + "  ".join(f"{c:>22}" for c in cells))
    print("overall:")
    for name, (hits1, hits3, queries, seconds) in totals.items():
        print(
            f"  {name:<8} recall@1 {hits1 / queries:.3f}  recall@3 {hits3 / queries:.3f}  "
            f"{seconds / queries * 1000:.2f} ms per query ({queries} queries)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
