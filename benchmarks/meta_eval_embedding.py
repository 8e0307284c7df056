"""Summary-level Spearman of precis' embedding metrics with SummEval human judgments.

For each article (doc_id): Spearman rho between a metric and the mean expert rating over that
article's 16 system summaries; articles where either side is constant are skipped; the rhos are
averaged (G-Eval's "summary level", as in data/README.md). Metrics are computed against the
*source* article (no reference), with the hashed TF-IDF encoder (default options; and with IDF
fitted on the dev sources).

    PYTHONPATH=build/python .venv/bin/python benchmarks/meta_eval_embedding.py
"""
import json
import os
import sys
from pathlib import Path

import numpy as np

import precis

COLUMNS = ("embedding_cosine", "alignment_support", "alignment_coverage",
           "alignment_min_support", "bertscore_f1", "bertscore_precision", "bertscore_recall")


def summary_level(records, values, aspect):
    r = precis.stats.summary_level(values, [r["scores"][aspect] for r in records],
                                   [r["doc_id"] for r in records])
    return r["value"], r["documents_used"]


def main():
    data = Path(os.environ.get("PRECIS_DATA_DIR",
                               Path(__file__).resolve().parents[2] / "shared" / "data"))
    with open(data / "summeval-dev.jsonl", encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    summaries = [r["summary"] for r in records]
    sources = [r["source"] for r in records]
    base = precis.HashedEncoder()
    # LSA fitted (unsupervised) on the sentences of the 53 dev sources: no labels, no summaries.
    sentences = [s for src in sorted(set(sources)) for s, _, _ in precis.split_sentences(src)]
    lsa = precis.LsaEncoder.fit(sentences, rank=128, seed=0)
    # An honest small word-vector file: every word of the dev sources encoded by that LSA model,
    # written as GloVe text (most frequent first) and read back through precis.WordVectors.
    import re
    import tempfile
    from collections import Counter
    counts = Counter(w for src in set(sources) for w in re.findall(r"[a-z0-9']+", src.lower()))
    vocab = [w for w, _ in counts.most_common()]
    vecs = lsa.encode(vocab)
    tmp = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    with tmp:
        for w, v in zip(vocab, vecs):
            tmp.write(w + " " + " ".join(f"{x:.5f}" for x in v) + "\n")
    wv = precis.WordVectors(tmp.name)
    os.unlink(tmp.name)
    wv_mean = precis.WordVectorEncoder(wv, "lsa-words-dev")
    wv_sif = precis.WordVectorEncoder(wv, "lsa-words-dev", pooling="sif",
                                      frequency_corpus=sorted(set(sources)))
    configs = [("hashed d=1024", base, {}),
               ("hashed d=1024 + IDF(dev sources)",
                base.fit_idf(sorted(set(sources))), {}),
               ("hashed d=1024, chunks of 3 sentences", base, {"chunk_sentences": 3}),
               (f"LSA k=128 on {len(sentences)} dev source sentences", lsa, {}),
               ("LSA k=128, chunks of 3 sentences", lsa, {"chunk_sentences": 3}),
               (f"word vectors ({len(vocab)} LSA words), mean", wv_mean, {}),
               (f"word vectors ({len(vocab)} LSA words), SIF", wv_sif, {})]
    print(f"SummEval dev: {len(records)} summaries, "
          f"{len({r['doc_id'] for r in records})} articles; summary-level Spearman "
          "(per article, averaged)")
    print(f"{'encoder / metric':62s} {'relevance':>10s} {'consistency':>12s}")
    for name, enc, options in configs:
        table = precis.embedding_score(summaries, sources, encoder=enc, threads=2, **options)
        assert all(e is None for e in table["error"]), [e for e in table["error"] if e]
        for col in COLUMNS:
            rel, n1 = summary_level(records, table[col], "relevance")
            con, n2 = summary_level(records, table[col], "consistency")
            print(f"{name + ' / ' + col:62s} {rel:10.3f} {con:12.3f}   (articles {n1}/{n2})")
    print(f"word-vector OOV: {wv_sif.oov_tokens} of {wv_sif.tokens_seen} tokens (mean encoder: "
          f"{wv_mean.oov_tokens} of {wv_mean.tokens_seen})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
