"""Speed of precis.compat against the packages it replaces, in one process.

Workloads on examples/data/articles.jsonl (each summary against each of its references; the
list of pairs repeated so that a round takes a measurable time):

- ``RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True).score``
  (the scorer built once, as users do);
- ``sentence_bleu(summary, references)`` and ``sentence_chrf(summary, references)`` (the
  function API, which builds its metric per call, as sacrebleu's does);
- ``BLEU(effective_order=True).sentence_score`` and ``CHRF().sentence_score`` with the metric
  built once;
- ``BLEU().corpus_score`` and ``CHRF().corpus_score`` of all summaries against two reference
  streams (the second with ``None`` where a record has one reference), reported per segment.

Rounds are interleaved (reference, compat, reference, compat, ...; the order alternates per
round) and the median wall time of the rounds is reported. Before timing, every workload is
checked to give the same numbers on both sides.

    PYTHONPATH=build/python python benchmarks/compat_speed.py [--rounds 7] [--repeat 20] [--json]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_pairs(repeat):
    records = [json.loads(line) for line in
               (ROOT / "examples" / "data" / "articles.jsonl").read_text("utf-8").splitlines()
               if line.strip()]
    rouge = [(ref, r["summary"]) for r in records for ref in r["references"]]
    sentence = [(r["summary"], r["references"]) for r in records]
    return rouge * repeat, sentence * repeat


def workloads(rouge_pairs, sentence_pairs):
    import sacrebleu as sb_ref
    from rouge_score import rouge_scorer as rs_ref

    from precis.compat import sacrebleu as sb_compat
    from precis.compat.rouge_score import rouge_scorer as rs_compat

    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]

    def rouge(module):
        scorer = module.RougeScorer(types, use_stemmer=True)
        return lambda: [scorer.score(t, p) for t, p in rouge_pairs]

    def function(module, name):
        fn = getattr(module, name)
        return lambda: [fn(h, refs).score for h, refs in sentence_pairs]

    streams = [[refs[0] for _, refs in sentence_pairs],
               [refs[1] if len(refs) > 1 else None for _, refs in sentence_pairs]]
    hyps = [h for h, _ in sentence_pairs]

    def corpus(module, name):
        m = getattr(module.metrics, name)()
        return lambda: m.corpus_score(hyps, streams).score

    def metric(module, name, **kw):
        m = getattr(module.metrics, name)(**kw)
        return lambda: [m.sentence_score(h, refs).score for h, refs in sentence_pairs]

    return [
        ("RougeScorer.score (stemmer, 4 types)", len(rouge_pairs), rouge(rs_ref), rouge(rs_compat)),
        ("sentence_bleu", len(sentence_pairs), function(sb_ref, "sentence_bleu"),
         function(sb_compat, "sentence_bleu")),
        ("sentence_chrf", len(sentence_pairs), function(sb_ref, "sentence_chrf"),
         function(sb_compat, "sentence_chrf")),
        ("BLEU(effective_order=True).sentence_score", len(sentence_pairs),
         metric(sb_ref, "BLEU", effective_order=True),
         metric(sb_compat, "BLEU", effective_order=True)),
        ("CHRF().sentence_score", len(sentence_pairs), metric(sb_ref, "CHRF"),
         metric(sb_compat, "CHRF")),
        ("BLEU().corpus_score (per segment)", len(sentence_pairs), corpus(sb_ref, "BLEU"),
         corpus(sb_compat, "BLEU")),
        ("CHRF().corpus_score (per segment)", len(sentence_pairs), corpus(sb_ref, "CHRF"),
         corpus(sb_compat, "CHRF")),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (median of them)")
    parser.add_argument("--repeat", type=int, default=20, help="copies of the pair list")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("--rounds must be at least 5")
    rouge_pairs, sentence_pairs = load_pairs(args.repeat)
    results = []
    for name, n, ref, compat in workloads(rouge_pairs, sentence_pairs):
        if ref() != compat():
            sys.exit(f"{name}: compat and reference disagree; not timing")
        times = {"reference": [], "compat": []}
        for k in range(args.rounds):
            order = [("reference", ref), ("compat", compat)]
            for side, fn in (order if k % 2 == 0 else order[::-1]):
                start = time.perf_counter()
                fn()
                times[side].append(time.perf_counter() - start)
        ref_s, compat_s = statistics.median(times["reference"]), statistics.median(times["compat"])
        results.append({"workload": name, "calls": n, "reference_s": ref_s, "compat_s": compat_s,
                        "reference_per_s": n / ref_s, "compat_per_s": n / compat_s,
                        "speedup": ref_s / compat_s})
    if args.json:
        print(json.dumps(results, indent=1))
        return
    import rouge_score  # noqa: F401
    import sacrebleu

    print(f"Python {sys.version.split()[0]}, sacrebleu {sacrebleu.__version__}, rouge-score 0.1.2;"
          f" median of {args.rounds} interleaved rounds")
    print(f"{'workload':45} {'calls':>6} {'reference/s':>12} {'compat/s':>12} {'speed-up':>9}")
    for r in results:
        print(f"{r['workload']:45} {r['calls']:6d} {r['reference_per_s']:12,.0f} "
              f"{r['compat_per_s']:12,.0f} {r['speedup']:8.1f}x")


if __name__ == "__main__":
    main()
