"""Every output of the grounded metrics and of citation scoring, written as canonical JSON, so that
two builds can be compared byte for byte (an optimization of their cost must not change a single
value). Inputs: the repository's tests/data/corpus.jsonl and examples/data/*.jsonl, each record
also with its summary made long (the summaries of all records of its source joined, so that
summaries have hundreds of sentences, repeats and near-repeats), under several option sets.

    PYTHONPATH=build/python python benchmarks/scaling_equality.py > after.json
    cmp before.json after.json
"""

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import precis

ROOT = Path(__file__).resolve().parent.parent


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def canonical(value):
    """Floats as repr (exact), NaN as a string; dicts with sorted keys."""
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def cases():
    """(name, summary, sources, query) for every record, short and long."""
    corpus = [r for r in load(ROOT / "tests/data/corpus.jsonl") if isinstance(r.get("summary"), str)]
    by_doc = defaultdict(list)
    for r in corpus:
        by_doc[r["doc_id"]].append(r)
        yield r["id"], r["summary"], r["source"], r.get("query")
    for doc, rs in sorted(by_doc.items()):
        long = "\n".join(r["summary"] for r in rs) * 3
        yield f"{doc}/long", long, rs[0]["source"], None
        yield f"{doc}/long+query", long, rs[0]["source"], rs[0]["summary"][:80]
    bios = load(ROOT / "examples/data/biographies.jsonl")
    by_person = defaultdict(list)
    for r in bios:
        if isinstance(r["summary"], str):
            by_person[r["person"]].append(r)
            yield r["id"], r["summary"], r["sources"], None
    for person, rs in sorted(by_person.items()):
        yield f"{person}/long", " ".join(r["summary"] for r in rs) * 4, rs[0]["sources"], None
    for r in load(ROOT / "examples/data/articles.jsonl"):
        yield r["id"], r["summary"], r["source"], None


GROUNDED_OPTIONS = [{}, {"redundancy_threshold": 0.3}, {"redundancy_threshold": 1.0},
                    {"position_prior": False, "stemmer": "none"}]
CITATION_OPTIONS = [{}, {"unit": "clause"}, {"word_order": True}, {"support_threshold": 0.2},
                    {"unit": "clause", "min_claim_words": 4, "word_order": True}]


def main():
    out = {}
    for name, summary, sources, query in cases():
        row = {}
        for k, o in enumerate(GROUNDED_OPTIONS):
            row[f"grounded{k}"] = precis.GroundedScorer(sources, query, **o).score(summary)
        for k, o in enumerate(CITATION_OPTIONS):
            row[f"citations{k}"] = precis.CitationScorer(sources, **o).score(summary)
        out[name] = row
    json.dump(canonical(out), sys.stdout, indent=0, sort_keys=True)
    sys.stdout.write("\n")
    print(f"{len(out)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
