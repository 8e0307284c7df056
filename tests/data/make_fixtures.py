#!/usr/bin/env python3
"""Writes the parity fixtures of the C++ tests from text the repository owns.

    .venv/bin/python tests/data/make_fixtures.py      # rouge-score 0.1.2, sacrebleu 2.6, nltk

Texts: the example articles and biographies (`examples/data/`) and the paragraphs of the
project's own documentation (tables, code, numbers and a little non-ASCII text), frozen into
`corpus.jsonl` so that later edits of the docs do not move the fixtures. The reference numbers
come from the reference tools, run here; the Python tests also compare with those tools live
(`tests/python/test_parity_live.py`), so these files only serve the C++ suite, which cannot call
Python. Output, all in this folder:

- `corpus.jsonl`: records `{doc_id, system_id, summary, source, references}`;
- `rouge-parity.jsonl`: `RougeScorer([...], use_stemmer=s).score(references[0], summary)` for
  s in (False, True), as [precision, recall, fmeasure] per type;
- `sacrebleu-parity.jsonl`: sentence BLEU (`BLEU(effective_order=True)`), chrF and chrF++ (0..100)
  against the first reference and against all of them;
- `sacrebleu-corpus.json`: corpus BLEU and chrF per system (first reference) and the signatures;
- `porter-nltk.tsv`: NLTK's `PorterStemmer().stem` of every lower-cased alphanumeric token.
"""
import json
import re
from pathlib import Path

import nltk
import rouge_score
import sacrebleu
from nltk.stem.porter import PorterStemmer
from rouge_score import rouge_scorer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
DOC_PAIRS_PER_FILE = 24


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def article_records():
    for r in read_jsonl(ROOT / "examples/data/articles.jsonl"):
        yield {"doc_id": r["id"], "system_id": r["system"], "summary": r["summary"],
               "source": r["source"], "references": r["references"]}


def biography_records():
    """Every summary of a person against that person's two faithful summaries (text and JSON)."""
    rows = read_jsonl(ROOT / "examples/data/biographies.jsonl")
    faithful = {}
    for r in rows:
        person, form, kind = r["id"].split("/")
        if kind == "faithful":
            faithful.setdefault(person, {})[form] = r["summary"]
    for r in rows:
        person, form, kind = r["id"].split("/")
        yield {"doc_id": person, "system_id": f"{form}/{kind}", "summary": r["summary"],
               "source": "\n".join(s["text"] for s in r["sources"]),
               "references": [faithful[person]["text"], faithful[person]["json"]]}


def doc_records():
    """Consecutive paragraphs of each doc page: a paragraph against the next two; the source is
    the paragraphs around them."""
    pages = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
    for page in pages:
        text = page.read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if 20 <= len(p.strip()) <= 1500]
        name = page.relative_to(ROOT).as_posix()
        step = max(1, (len(paragraphs) - 2) // DOC_PAIRS_PER_FILE)
        for i in range(0, len(paragraphs) - 2, step):
            yield {"doc_id": f"{name}#{i}", "system_id": name, "summary": paragraphs[i],
                   "source": "\n\n".join(paragraphs[max(0, i - 2):i + 6]),
                   "references": paragraphs[i + 1:i + 3]}


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    corpus = [*article_records(), *biography_records(), *doc_records()]
    for i, r in enumerate(corpus):
        r["id"] = f"{i:04d}"
    corpus = [{"id": r.pop("id"), **r} for r in corpus]
    write_jsonl(HERE / "corpus.jsonl", corpus)

    scorers = {stem: rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=stem)
               for stem in (False, True)}
    rouge_rows = []
    for r in corpus:
        scores = {}
        for stem, scorer in scorers.items():
            s = scorer.score(r["references"][0], r["summary"])
            scores["stem" if stem else "nostem"] = {
                t: [s[t].precision, s[t].recall, s[t].fmeasure] for t in ROUGE_TYPES}
        rouge_rows.append({"id": r["id"], "prediction": r["summary"],
                           "target": r["references"][0], "scores": scores})
    write_jsonl(HERE / "rouge-parity.jsonl", rouge_rows)

    bleu = sacrebleu.BLEU(effective_order=True)
    chrf, chrfpp = sacrebleu.CHRF(), sacrebleu.CHRF(word_order=2)
    bleu_rows = []
    for r in corpus:
        hyp, refs = r["summary"], r["references"]
        bleu_rows.append({
            "id": r["id"], "hypothesis": hyp, "references": refs,
            "bleu_1ref": bleu.sentence_score(hyp, refs[:1]).score,
            "bleu_nref": bleu.sentence_score(hyp, refs).score,
            "chrf_1ref": chrf.sentence_score(hyp, refs[:1]).score,
            "chrf_nref": chrf.sentence_score(hyp, refs).score,
            "chrfpp_1ref": chrfpp.sentence_score(hyp, refs[:1]).score})
    write_jsonl(HERE / "sacrebleu-parity.jsonl", bleu_rows)

    systems = {}
    for r in corpus:
        systems.setdefault(r["system_id"], []).append(r)
    corpus_bleu, corpus_chrf = sacrebleu.BLEU(), sacrebleu.CHRF()
    out = {"sacrebleu": sacrebleu.__version__, "systems": {}}
    for system, rows in sorted(systems.items()):
        hyps = [r["summary"] for r in rows]
        refs = [[r["references"][0] for r in rows]]
        out["systems"][system] = {"ids": [r["id"] for r in rows],
                                  "bleu": corpus_bleu.corpus_score(hyps, refs).score,
                                  "chrf": corpus_chrf.corpus_score(hyps, refs).score}
    out["signature_bleu"] = str(corpus_bleu.get_signature())
    out["signature_chrf"] = str(corpus_chrf.get_signature())
    with open(HERE / "sacrebleu-corpus.json", "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)

    stemmer = PorterStemmer()
    words = set()
    for r in corpus:
        for text in (r["summary"], r["source"], *r["references"]):
            words.update(re.findall(r"[a-z0-9]+", text.lower()))
    with open(HERE / "porter-nltk.tsv", "w", encoding="utf-8") as f:
        for w in sorted(words):
            f.write(f"{w}\t{stemmer.stem(w)}\n")
    print(f"{len(corpus)} records, {len(systems)} systems, {len(words)} words "
          f"(rouge-score {rouge_score.__version__ if hasattr(rouge_score, '__version__') else '0.1.2'}, "
          f"sacrebleu {sacrebleu.__version__}, nltk {nltk.__version__})")


if __name__ == "__main__":
    main()
