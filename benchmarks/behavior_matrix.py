"""The behavioral matrix of docs/metrics/behavior.md: per metric and kind of error, the share of
minimal pairs where the faithful summary scores strictly higher than its corrupted twin.

    PYTHONPATH=build/python .venv/bin/python benchmarks/behavior_matrix.py [records.jsonl]

Prints a Markdown table; a declared cell (the metric promises to catch that error) is in bold.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

from precis import behavior

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests/data/behavior/records.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    pairs = behavior.minimal_pairs(records)
    counts = collections.Counter(p.perturbation for p in pairs)
    matrix = behavior.contract_matrix(pairs)
    metrics = list(behavior.METRICS)
    print(f"{len(records)} records, {len(pairs)} pairs\n")
    print("| error (pairs) | " + " | ".join(metrics) + " |")
    print("| --- |" + " ---: |" * len(metrics))
    for kind in behavior.PERTURBATIONS:
        cells = []
        for metric in metrics:
            correct, total = matrix[(metric, kind)]
            cell = f"{correct / total:.2f}"
            cells.append(f"**{cell}**" if kind in behavior.CONTRACT[metric] else cell)
        print(f"| {kind} ({counts[kind]}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
