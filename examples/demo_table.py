#!/usr/bin/env python3
"""The demo's table: mean scores of the example biographies by kind of summary, so a reader sees
which metric tells which failure. Standard library only (runs on the `precis score` output).

    python3 examples/demo_table.py examples/data/biographies.jsonl build/demo-biographies.jsonl
"""
import json
import sys
from collections import defaultdict

COLUMNS = [("relevance", "relev"), ("faithfulness", "faith"), ("conciseness", "concise"),
           ("citation_coverage", "cover"), ("citation_validity", "valid"),
           ("citation_support", "support"), ("citation_precision", "precis"),
           ("citation_misattribution", "misattr")]
LEGEND = {
    "faithful": "every claim true and cited to the post that says it",
    "hallucinated": "one claim no post supports (cited all the same)",
    "wrong_citation": "one claim cited to the wrong post",
    "dangling": "one citation to a post that does not exist",
    "uncited": "two claims carry no citation",
    "redundant": "the first claim said twice",
    "verbose": "uncited filler sentences around the faithful claims",
    "over_cited": "one claim also cites an unrelated post",
}


def main(records_path, results_path):
    with open(records_path, encoding="utf-8") as f:
        kinds = {r["id"]: (r["format"], r["kind"]) for r in map(json.loads, f)}
    sums = defaultdict(lambda: defaultdict(float))
    counts = defaultdict(int)
    with open(results_path, encoding="utf-8") as f:
        for row in map(json.loads, f):
            key = kinds.get(row.get("id"))
            if key is None or row.get("error"):
                continue
            counts[key] += 1
            for column, _ in COLUMNS:
                sums[key][column] += row.get(column) or 0.0
    header = f"{'format':6} {'kind':15} {'n':>3} " + " ".join(f"{h:>7}" for _, h in COLUMNS)
    print(header)
    print("-" * len(header))
    for key in sorted(counts, key=lambda k: (k[0] != "text", list(LEGEND).index(k[1]))):
        means = " ".join(f"{sums[key][c] / counts[key]:7.3f}" for c, _ in COLUMNS)
        print(f"{key[0]:6} {key[1]:15} {counts[key]:3d} {means}")
    print()
    print("kinds:")
    for kind, meaning in LEGEND.items():
        print(f"  {kind:15} {meaning}")
    print("columns: " + ", ".join(f"{h} = {c}" for c, h in COLUMNS))
    print("(misattr: lower is better; every other column: higher is better)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
