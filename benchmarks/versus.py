#!/usr/bin/env python3
"""precis against the reference tools, side by side in one process.

    PYTHONPATH=build/python python benchmarks/versus.py [--rounds 5] [--only rouge,bleu]

Times the Python batch API of precis and the reference tools (rouge-score 0.1.2, sacrebleu 2.6)
on the same pairs, in interleaved rounds (precis, tool, precis, tool, ...), and reports the
median pairs/s of each and their ratio:

- ROUGE-1/2/L/Lsum with the stemmer: ``precis.score(metrics=[...], rouge={"tokenizer":
  "rouge_score", "use_stemmer": True})`` against ``RougeScorer([...], use_stemmer=True).score``
  in a loop;
- sentence BLEU: ``metrics=["bleu"]`` against ``BLEU(effective_order=True).sentence_score``;
- chrF: ``metrics=["chrf"]`` against ``CHRF().sentence_score``;
- chrF++: ``metrics=["chrfpp"]`` against ``CHRF(word_order=2).sentence_score``.

"1 thread" is precis with ``threads=1`` against the tool in this process; "all threads" is
precis with ``threads=0`` against the tool in a pool of as many worker processes as there are
cores (each worker builds its own scorer once; the pairs go out in one chunk per worker).

Data: the SummEval dev pairs (summary vs references[0]) from ``../shared/data`` next to the
repository (or ``$PRECIS_DATA_DIR``) when present, and a generated set (seeded, English-like
words with a Zipf distribution, three to five sentences a line each, references sharing about
half the summary's words). A timed precis call covers at least ``--min-time`` seconds (the pairs
are repeated as needed); the tools score every pair once per round.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import multiprocessing as mp
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import precis

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PRECIS_DATA_DIR", ROOT.parent / "shared" / "data"))
ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]

CASES = {
    "rouge": dict(metrics=ROUGE_TYPES, rouge={"tokenizer": "rouge_score", "use_stemmer": True}),
    "bleu": dict(metrics=["bleu"]),
    "chrf": dict(metrics=["chrf"]),
    "chrf++": dict(metrics=["chrfpp"]),
}


# ---- the reference tools -------------------------------------------------------------------

def make_tool(case):
    """A function scoring one (summary, reference) pair with the reference tool."""
    if case == "rouge":
        from rouge_score import rouge_scorer

        scorer = rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=True)
        return lambda s, r: scorer.score(r, s)
    from sacrebleu.metrics import BLEU, CHRF

    metric = {"bleu": lambda: BLEU(effective_order=True), "chrf": CHRF,
              "chrf++": lambda: CHRF(word_order=2)}[case]()
    return lambda s, r: metric.sentence_score(s, [r])


_worker_tools = {}


def _worker_score(args):
    case, pairs = args
    if case not in _worker_tools:
        _worker_tools[case] = make_tool(case)
    tool = _worker_tools[case]
    for s, r in pairs:
        tool(s, r)
    return len(pairs)


# ---- data ----------------------------------------------------------------------------------

def summeval_pairs():
    path = DATA / "summeval-dev.jsonl"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f if line.strip()]
    return [r["summary"] for r in recs], [r["references"][0] for r in recs]


def generated_pairs(n=1000, seed=20261203):
    rng = random.Random(seed)
    syllables = ["ka", "ro", "mi", "ten", "sa", "lo", "ver", "din", "ha", "pre", "con", "ing",
                 "ed", "tion", "al", "ly", "er", "ment", "ous", "s"]
    vocab = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
                    for _ in range(6000)})
    cum, total = [], 0.0
    for k in range(len(vocab)):
        total += 1.0 / (k + 1)
        cum.append(total)  # Zipf weights, accumulated once (rng.choices would redo it per call)

    def sentence(words):
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "!", "?"])

    summaries, references = [], []
    for _ in range(n):
        lines_s, lines_r = [], []
        for _ in range(rng.randint(3, 5)):
            words = rng.choices(vocab, cum_weights=cum, k=rng.randint(8, 22))
            lines_s.append(sentence(words))
            kept = [w if rng.random() < 0.5 else rng.choices(vocab, cum_weights=cum)[0]
                    for w in words]
            lines_r.append(sentence(kept[: max(4, len(kept) - rng.randint(0, 5))]))
        summaries.append("\n".join(lines_s))
        references.append("\n".join(lines_r[: rng.randint(2, len(lines_r))]))
    return summaries, references


# ---- timing --------------------------------------------------------------------------------

def precis_rate(case, summaries, references, threads, min_time):
    """Pairs/s of one timed batch call over copies of the pairs covering `min_time` seconds."""
    kw = CASES[case]
    probe = time.perf_counter()
    precis.score(summaries=summaries, references=references, threads=threads, **kw)
    once = time.perf_counter() - probe
    copies = max(1, int(min_time / max(once, 1e-6)))
    s, r = summaries * copies, references * copies
    start = time.perf_counter()
    precis.score(summaries=s, references=r, threads=threads, **kw)
    return len(s) / (time.perf_counter() - start)


def tool_rate(tool, summaries, references):
    start = time.perf_counter()
    for s, r in zip(summaries, references):
        tool(s, r)
    return len(summaries) / (time.perf_counter() - start)


def pool_rate(pool, workers, case, summaries, references):
    pairs = list(zip(summaries, references))
    chunks = [(case, pairs[k::workers]) for k in range(workers)]
    start = time.perf_counter()
    done = sum(pool.map(_worker_score, chunks))
    return done / (time.perf_counter() - start)


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(name):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"CPU: {model}, {cores} cores usable ({os.cpu_count()} online), load {load}\n"
            f"Python {platform.python_version()} ({sys.executable}), {platform.platform()}\n"
            f"precis {precis.__version__}, rouge-score {version('rouge-score')}, "
            f"sacrebleu {version('sacrebleu')}, nltk {version('nltk')}, "
            f"regex {version('regex')}"), cores


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median)")
    parser.add_argument("--min-time", type=float, default=0.5,
                        help="seconds each timed precis call covers at least")
    parser.add_argument("--only", default=",".join(CASES), help="cases, comma-separated")
    parser.add_argument("--datasets", default="summeval,generated")
    parser.add_argument("--no-pool", action="store_true",
                        help="skip the all-threads comparison (tools in a process pool)")
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("--rounds must be at least 5 (the median of at least five rounds)")
    info, cores = machine()
    print(info)
    print(f"median of {args.rounds} interleaved rounds; precis through precis.score(...)")
    datasets = {}
    if "summeval" in args.datasets:
        pairs = summeval_pairs()
        if pairs is None:
            print(f"(SummEval dev not found under {DATA}: skipped)")
        else:
            datasets["SummEval dev"] = pairs
    if "generated" in args.datasets:
        datasets["generated"] = generated_pairs()
    cases = [c for c in args.only.split(",") if c]
    pool = None if args.no_pool else mp.get_context("fork").Pool(cores)
    rows = []
    try:
        for dname, (summaries, references) in datasets.items():
            words = sum(len(s.split()) for s in summaries) / len(summaries)
            print(f"\n{dname}: {len(summaries)} pairs, {words:.0f} summary words on average")
            for case in cases:
                tool = make_tool(case)
                if pool is not None:  # warm the workers' scorers
                    pool.map(_worker_score, [(case, [(summaries[0], references[0])])] * cores)
                tool(summaries[0], references[0])
                got = {"p1": [], "t1": [], "pn": [], "tn": []}
                for _ in range(args.rounds):
                    got["p1"].append(precis_rate(case, summaries, references, 1, args.min_time))
                    got["t1"].append(tool_rate(tool, summaries, references))
                    if pool is not None:
                        got["pn"].append(precis_rate(case, summaries, references, 0,
                                                     args.min_time))
                        got["tn"].append(pool_rate(pool, cores, case, summaries, references))
                med = {k: statistics.median(v) if v else float("nan") for k, v in got.items()}
                rows.append((dname, case, med, got))
                line = (f"  {case:<7} 1 thread: precis {med['p1']:>10,.0f}/s  tool "
                        f"{med['t1']:>7,.0f}/s  {med['p1'] / med['t1']:6.1f}x")
                if pool is not None:
                    line += (f"   {cores} threads: precis {med['pn']:>10,.0f}/s  tool "
                             f"{med['tn']:>7,.0f}/s  {med['pn'] / med['tn']:6.1f}x")
                print(line, flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    print("\nratio ranges over the rounds (precis / tool, round by round, 1 thread):")
    for dname, case, _, got in rows:
        ratios = [p / t for p, t in zip(got["p1"], got["t1"])]
        print(f"  {dname:<13} {case:<7} {min(ratios):6.1f}x .. {max(ratios):6.1f}x")


if __name__ == "__main__":
    main()
