"""SummEval dev: summary-level Spearman of every embedding metric with the BERT encoder
(precis.BertEncoder, the packaged sentence-transformers/all-MiniLM-L6-v2) beside the hashed one.

For each article (doc_id): Spearman rho between a metric (the summary against its *source*
article; no reference) and the mean expert rating over that article's 16 system summaries;
constant articles skipped; rhos averaged (G-Eval's "summary level", as in data/README.md).
Each source is encoded once per configuration (EmbeddingScorer) and its 16 summaries scored
against it. Prints a markdown table (docs/metrics/embedding.md) and the time per configuration.

    HF_HUB_OFFLINE=1 PYTHONPATH=build/python .venv/bin/python benchmarks/meta_eval_encoder.py
"""
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

import precis

COLUMNS = (("document cosine", lambda r: r["document_cosine"]),
           ("alignment score (mean support)", lambda r: r["alignment"]["score"]),
           ("alignment min_support", lambda r: r["alignment"]["min_support"]),
           ("alignment coverage", lambda r: r["alignment"]["coverage"]),
           ("BERTScore-style F1", lambda r: r["bertscore"]["f1"]),
           ("BERTScore-style precision", lambda r: r["bertscore"]["precision"]),
           ("BERTScore-style recall", lambda r: r["bertscore"]["recall"]))


def main():
    data = Path(os.environ.get("PRECIS_DATA_DIR",
                               Path(__file__).resolve().parents[2] / "shared" / "data"))
    with open(data / "summeval-dev.jsonl", encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    by_doc = defaultdict(list)
    for i, r in enumerate(records):
        by_doc[r["doc_id"]].append(i)
    threads = int(os.environ.get("PRECIS_THREADS", "2"))
    bert = precis.load_encoder(threads=1)
    configs = [("hashed", precis.HashedEncoder(), {}),
               ("BERT", bert, {}),
               ("BERT, long texts chunked", precis.load_encoder(long_texts="chunk"), {}),
               ("BERT, sources in chunks of 3 sentences", bert, {"chunk_sentences": 3})]
    print(f"SummEval dev: {len(records)} summaries, {len(by_doc)} articles; summary-level "
          f"Spearman (per article, averaged), metric vs source; model {bert.id}")
    results = {}
    for name, enc, options in configs:
        t = time.perf_counter()
        values = np.full((len(records), len(COLUMNS)), np.nan)
        for doc, rows in by_doc.items():
            scorer = precis.EmbeddingScorer(records[rows[0]]["source"], encoder=enc, **options)
            out = scorer.score_batch([records[i]["summary"] for i in rows], threads=threads)
            for i, r in zip(rows, out):
                assert isinstance(r, dict), r
                values[i] = [get(r) for _, get in COLUMNS]
        results[name] = values
        print(f"{name}: {time.perf_counter() - t:.1f} s ({scorer.signature})", flush=True)
    docs = [r["doc_id"] for r in records]
    print()
    print("| metric | " + " | ".join(f"{n}: rel. / cons." for n, _, _ in configs) + " |")
    print("| --- |" + " --- |" * len(configs))
    for k, (metric, _) in enumerate(COLUMNS):
        cells = []
        for name, _, _ in configs:
            rho = [precis.stats.summary_level(results[name][:, k],
                                              [r["scores"][aspect] for r in records],
                                              docs)["value"]
                   for aspect in ("relevance", "consistency")]
            cells.append(f"{rho[0]:.3f} / {rho[1]:.3f}")
        print(f"| {metric} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
