"""Meta-evaluation of precis' citation support judge on ExpertQA (claim level).

ExpertQA (Malaviya et al., NAACL 2024) has expert judgments of whether the evidence an answer
cites supports each claim: Complete / Partial / Incomplete / Missing. Here: the claims that come
with evidence, label 1 = Complete, 0 = Incomplete (Partial is reported separately, Missing has no
evidence). For each claim the cited evidence passages are the sources (ids = their markers) and
every signal is scored; the script prints AUROC (probability that a Complete claim scores above an
Incomplete one, ties count 1/2) on all of them, on those whose evidence has text (454 cite only a
URL), and on two disjoint halves split by question (a check that nothing was tuned to one half:
no signal has a fitted parameter).

    HF_HUB_OFFLINE=1 PYTHONPATH=build/python .venv/bin/python benchmarks/meta_eval_expertqa.py \
        [--data ../shared/data/expertqa-dev.jsonl] [--threshold 0.5] [--encoder bert|none]

Signals:
- ``baseline_unigram``: share of the claim's lower-cased word tokens found anywhere in its
  evidence (the issue's baseline, AUROC about 0.53).
- ``precis_support``: precis' lexical judge, ``CitationScorer(evidence).support(claim, cited)``:
  idf-weighted share of the claim's stems found in the best sentence of at least one cited
  passage (the kernel shared with the faithfulness metrics; docs/metrics/citations.md).
- ``precis_support_ordered``: the same judge with ``word_order=True``: sqrt(kernel support x share
  of the claim's stem bigrams found within a sentence of a cited passage); content words *and*
  how they are put together.
- ``precis_mean_support``: the same through the full parser (``score(claim)``: markers parsed,
  claim split into sentences, mean support).
- ``bigram_recall`` / ``trigram_recall``: share of the claim's stemmed n-grams found contiguously
  in the evidence: wording copied in order, which a recombination of source words lacks.
- ``evidence_chars``: total evidence length (log): more retrieved text leaves less of the claim
  unaddressed; a prior, not a judgment of content.
- ``precis_embedding``: the embedding judge (``judge="embedding"``, the BERT encoder: the
  packaged all-MiniLM-L6-v2 run by precis.BertEncoder): max(0, cosine) of the claim with its best
  sentence of a cited passage.
- ``precis_combined``: the combined judge (``judge="combined"``, same encoder): max(lexical
  judge, embedding judge) per claim, nothing fitted (docs/metrics/citations.md, "Combined
  judge").
- ``precis_combined_mean``: the same through the full parser (``score(claim)``, with the fact
  checks' cap, as ``precis_mean_support``); ``precis_combined_nofacts``: the same with
  ``check_facts=False``.
- ``rank_mean``: mean of the ranks of precis_support_ordered and evidence_chars (no weights
  fitted; a rank over the data set, not a judge of one claim).
- ``answer_coverage``: share of the whole *answer's* distinct lower-cased words found in the
  claim's evidence: a diagnostic, not a judgment of the claim (every claim of an answer that cites
  the same passages gets the same value).

The ``within`` column is the AUROC over the Complete/Incomplete pairs of claims *from the same
answer* only (evidence with text): it removes what differs between answers (the system that wrote
it, the retrieval, the expert who labelled it), which is where a judgment of the claim itself must
show. Claim-level lexical signals sit near 0.5 there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sys

import precis

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data", "expertqa-dev.jsonl")
MARKER = re.compile(r"\[\d+(?:\s*[,-]\s*\d+)*\]")
WORD = re.compile(r"\w+")


def auroc(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y]
    neg = sorted(s for s, y in zip(scores, labels) if not y)
    if not pos or not neg:
        return float("nan")
    import bisect

    total = 0.0
    for s in pos:
        lo = bisect.bisect_left(neg, s)
        hi = bisect.bisect_right(neg, s)
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


_stems = {}


def stems(text):
    out = []
    for w in WORD.findall(text.lower()):
        s = _stems.get(w)
        if s is None:
            s = _stems[w] = precis.porter_stem(w)
        out.append(s)
    return out


def ngram_recall(claim, evidence, n):
    grams = {tuple(claim[i:i + n]) for i in range(len(claim) - n + 1)}
    if not grams:
        return 0.0
    have = {tuple(evidence[i:i + n]) for i in range(len(evidence) - n + 1)}
    return len(grams & have) / len(grams)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--encoder", default="bert",
                    help="encoder of the embedding and combined judges: bert (the packaged "
                         "all-MiniLM-L6-v2), a model folder, or none")
    args = ap.parse_args()
    encoder = None
    if args.encoder != "none":
        from precis import encoder as pe

        encoder = (pe.load_encoder(threads=1) if args.encoder == "bert"
                   else pe.load_encoder(args.encoder, threads=1))

    rows = [json.loads(line) for line in open(args.data, encoding="utf-8")]
    rows = [r for r in rows if r["evidence"] and r["support"] in ("Complete", "Incomplete",
                                                                   "Partial")]
    signals = {k: [] for k in ("baseline_unigram", "precis_support", "precis_support_ordered",
                               "precis_mean_support",
                               "bigram_recall", "trigram_recall", "evidence_chars",
                               "answer_coverage")}
    if encoder is not None:
        for k in ("precis_embedding", "precis_combined", "precis_combined_mean",
                  "precis_combined_nofacts"):
            signals[k] = []
    labels, half, partial, has_text, answer = [], [], [], [], []
    for r in rows:
        # Sources: the cited passages, ids = their markers (duplicates merged).
        sources = {}
        for e in r["evidence"]:
            key = str(e["marker"])
            sources[key] = (sources[key] + "\n" + e["text"]) if key in sources else e["text"]
        claim = MARKER.sub("", r["claim"]).strip()
        evidence = "\n".join(sources.values())
        cw = set(WORD.findall(claim.lower()))
        ew = set(WORD.findall(evidence.lower()))
        signals["baseline_unigram"].append(len(cw & ew) / max(1, len(cw)))
        scorer = precis.CitationScorer(list(sources.items()), support_threshold=args.threshold)
        signals["precis_support"].append(scorer.support(claim, list(sources)))
        ordered = precis.CitationScorer(list(sources.items()), word_order=True,
                                         support_threshold=args.threshold)
        signals["precis_support_ordered"].append(ordered.support(claim, list(sources)))
        res = scorer.score(r["claim"])
        signals["precis_mean_support"].append(res["mean_support"])
        cs, es = stems(claim), stems(evidence)
        signals["bigram_recall"].append(ngram_recall(cs, es, 2))
        signals["trigram_recall"].append(ngram_recall(cs, es, 3))
        signals["evidence_chars"].append(math.log(1 + len(evidence)))
        if encoder is not None:
            emb = precis.CitationScorer(list(sources.items()), judge="embedding", encoder=encoder,
                                        support_threshold=args.threshold)
            signals["precis_embedding"].append(emb.support(claim, list(sources)))
            both = precis.CitationScorer(list(sources.items()), judge="combined", encoder=encoder,
                                         support_threshold=args.threshold)
            signals["precis_combined"].append(both.support(claim, list(sources)))
            res = both.score(r["claim"])
            signals["precis_combined_mean"].append(res["mean_support"])
            # Without the fact checks: the uncapped combination of each claim's two parts.
            parts = [max(c["lexical_support"], c["embedding_support"])
                     for c in res["claim_details"]]
            signals["precis_combined_nofacts"].append(sum(parts) / max(1, len(parts)))
        aw = set(WORD.findall(MARKER.sub("", r["answer"]).lower()))
        signals["answer_coverage"].append(len(aw & ew) / max(1, len(aw)))
        answer.append(r["id"].rsplit("/", 1)[0])
        labels.append(r["support"] == "Complete")
        partial.append(r["support"] == "Partial")
        has_text.append(bool(evidence.strip()))
        qhash = hashlib.sha1(r["question"].encode("utf-8")).digest()[0]
        half.append(qhash % 2)
    rk = {k: list(precis.stats.average_ranks(v)) for k, v in signals.items()}
    signals["rank_mean"] = [(a + b) / 2 for a, b in zip(rk["precis_support_ordered"],
                                                       rk["evidence_chars"])]

    keep = [i for i in range(len(labels)) if not partial[i]]
    text = [i for i in keep if has_text[i]]
    n_pos = sum(labels[i] for i in keep)
    print(f"ExpertQA claims with evidence: {len(keep)} (Complete {n_pos}, Incomplete "
          f"{len(keep) - n_pos}); Partial {sum(partial)} excluded.")
    print(f"Of those, {len(keep) - len(text)} cite evidence whose text is empty (only a URL: "
          "bing_chat, gpt4); no text judge can see anything there, so every signal ties on them.")
    groups = {}
    for i in text:
        groups.setdefault(answer[i], []).append(i)
    pairs = [(i, j) for g in groups.values() for i in g for j in g if labels[i] and not labels[j]]
    print(f"{len(pairs)} Complete/Incomplete pairs within the same answer (column 'within').")
    print(f"{'signal':<22}{'all':>7}{'text':>7}{'text A':>8}{'text B':>8}{'C+P|I':>7}"
          f"{'within':>8}")
    cp = [labels[i] or partial[i] for i in range(len(labels))]
    for name, values in signals.items():
        def sub(idx, lab=labels):
            return auroc([values[i] for i in idx], [lab[i] for i in idx])

        a = [i for i in text if half[i] == 0]
        b = [i for i in text if half[i] == 1]
        tp = [i for i in range(len(labels)) if has_text[i]]
        within = sum(1.0 if values[i] > values[j] else 0.5 if values[i] == values[j] else 0.0
                     for i, j in pairs) / max(1, len(pairs))
        print(f"{name:<22}{sub(keep):>7.3f}{sub(text):>7.3f}{sub(a):>8.3f}{sub(b):>8.3f}"
              f"{sub(tp, cp):>7.3f}{within:>8.3f}")
    print("all: every claim with evidence; text: claims whose evidence has text; text A / B: two "
          "disjoint halves by question; C+P|I: Complete or Partial vs Incomplete (text); within: "
          "pairs from the same answer (text).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
