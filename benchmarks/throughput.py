#!/usr/bin/env python3
"""Throughput of the batch API on the SummEval dev pairs (summary vs references[0]).

    PYTHONPATH=build/python .venv/bin/python benchmarks/throughput.py [--repeat 5]

Prints pairs/s per metric for 1 and 2 threads, and the ratio against the reference tools'
single-process speed on this machine class as measured for the foundation issue (rouge-score with
rouge1/rouge2/rougeL/rougeLsum and stemming: 250 pairs/s; sacrebleu sentence BLEU: 5,000/s;
sentence chrF: 1,400/s). Neither tool is installable here (not in Debian), so those figures are
constants, not measured in this run.
"""
import argparse
import json
import os
import time
from pathlib import Path

import precis

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PRECIS_DATA_DIR", ROOT.parent / "shared" / "data"))
REFERENCE_TOOLS = {"rouge": 250.0, "bleu": 5000.0, "chrf": 1400.0}


def best_rate(fn, pairs, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return pairs / best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4, help="copies of the 848 pairs per run")
    args = parser.parse_args()
    recs = [json.loads(line) for line in open(DATA / "summeval-dev.jsonl", encoding="utf-8")]
    summaries = [r["summary"] for r in recs] * args.copies
    references = [r["references"][0] for r in recs] * args.copies
    n = len(summaries)
    cases = {
        "rouge": dict(metrics=["rouge1", "rouge2", "rougeL", "rougeLsum"],
                      rouge={"use_stemmer": True, "tokenizer": "rouge_score"}),
        "rouge-unicode": dict(metrics=["rouge1", "rouge2", "rougeL", "rougeLsum"],
                              rouge={"use_stemmer": True}),
        "bleu": dict(metrics=["bleu"]),
        "chrf": dict(metrics=["chrf"]),
        "all six": dict(metrics=["rouge1", "rouge2", "rougeL", "rougeLsum", "bleu", "chrf"],
                        rouge={"use_stemmer": True}),
    }
    print(f"{n} pairs per run (SummEval dev x {args.copies}), best of {args.repeat}")
    print(f"{'metric':<14} {'1 thread':>12} {'2 threads':>12} {'scaling':>8} {'vs tool':>9}")
    for name, kw in cases.items():
        rates = [best_rate(lambda t=t: precis.score(summaries=summaries, references=references,
                                                     threads=t, **kw), n, args.repeat)
                 for t in (1, 2)]
        tool = REFERENCE_TOOLS.get(name)
        ratio = f"{rates[0] / tool:8.0f}x" if tool else ""
        print(f"{name:<14} {rates[0]:10,.0f}/s {rates[1]:10,.0f}/s {rates[1] / rates[0]:7.2f}x"
              f" {ratio:>9}")


if __name__ == "__main__":
    main()
