"""Citation metrics through the bindings: dicts with claim details and spans, structured
summaries, Python support callables, GIL-free batches into pandas, errors, and the expected
verdicts of examples/data/biographies.jsonl."""

import json
import math
import os
import threading

import pytest

import precis

HERE = os.path.dirname(os.path.abspath(__file__))
BIOGRAPHIES = os.path.join(HERE, "..", "..", "examples", "data", "biographies.jsonl")
PEOPLE = [("a", "Alice works as a nurse in Boston."), ("b", "Alice has two cats."),
          ("c", "The weather was rainy.")]


def test_one_summary_dict():
    s = "Alice works as a nurse [1]. Alice has two cats [1]. She likes jazz [4]. Alice lives."
    r = precis.citations(s, PEOPLE)
    assert r["claims"] == 4 and r["cited_claims"] == 3
    assert r["coverage"] == 0.75
    assert r["validity"] == pytest.approx(2 / 3)
    assert r["dangling"] == ["4"]
    assert r["unused"] == ["b", "c"]
    assert r["support_recall"] == 0.25 and r["score"] == 0.25
    c0, c1 = r["claim_details"][:2]
    assert (c0["begin"], c0["end"]) == (0, 27)
    assert s[c0["begin"]:c0["end"]] == "Alice works as a nurse [1]."
    assert c0["text"] == "Alice works as a nurse."
    assert c0["citations"] == [{"key": "1", "style": "bracket", "begin": 23, "end": 26}]
    assert c0["cited"] == ["a"] and c0["supported"] and c0["pointer"] is None
    assert c1["misattributed"] and c1["better_source"] == "b"
    assert r["misattribution"] == 0.5


def test_parse_and_resolve():
    p = precis.parse_citations("X [1-2]. Y [^3].\n\nSources:\n[1] a\n[2] b\n")
    assert [m["key"] for m in p["markers"]] == ["1", "2", "3"]
    assert [f["key"] for f in p["footnotes"]] == ["1", "2"]
    scorer = precis.CitationScorer(PEOPLE)
    assert scorer.resolve("2") == "b" and scorer.resolve("doc3") == "c"
    assert scorer.resolve("zz") is None
    assert scorer.support("Alice has two cats", ["b"]) == 1.0


def test_word_order_option():
    scorer = precis.CitationScorer(PEOPLE, word_order=True)
    assert scorer.support("Alice has two cats", ["b"]) == 1.0
    assert scorer.support("two cats has Alice", ["b"]) == pytest.approx(math.sqrt(1 / 3))
    assert precis.CitationScorer(PEOPLE).support("two cats has Alice", ["b"]) == 1.0


def test_function_words_no_source_has_are_left_out():
    posts = [("post_1", "I start my night shift at the hospital."),
             ("post_2", "Our cat Miso turned five.")]
    claim = "She works nights at a hospital [1]."
    default = precis.citations(claim, posts)["claim_details"][0]
    plain = precis.citations(claim, posts, function_words="none")["claim_details"][0]
    assert default["supported"] and not plain["supported"]
    assert default["support"] > plain["support"]
    rare, unseen = math.log(8 / 3), math.log(8.0)
    # "she" is in neither post: without it, "works as a nurse" is all in "a".
    assert precis.CitationScorer(PEOPLE).support("She works as a nurse", ["a"]) == 1.0
    assert precis.CitationScorer(PEOPLE, function_words="none").support(
        "She works as a nurse", ["a"]) == pytest.approx(4 * rare / (4 * rare + unseen))
    with pytest.raises(ValueError, match="no built-in function-word list for language 'xx'"):
        precis.CitationScorer(PEOPLE, function_words="xx")


def test_quotes_and_structured():
    r = precis.citations('She said "works as a nurse" [a].', PEOPLE)
    assert r["quotes"] == 1 and r["quote_details"][0]["found_in"] == "a"
    assert r["quote_details"][0]["text"] == "works as a nurse"
    js = '```json\n{"job": {"value": "nurse in Boston", "sources": ["a"]}, "pets": ' \
         '{"value": "two cats", "sources": [3]}, "city": "Boston"}\n```'
    s = precis.structured_citations(js, PEOPLE)
    assert [c["pointer"] for c in s["claim_details"]] == ["/job", "/pets", "/city"]
    assert s["claim_details"][1]["misattributed"]
    assert s["coverage"] == pytest.approx(2 / 3)
    assert precis.CitationScorer(PEOPLE).claims(js, structured=True)[1]["keys"] == ["3"]


def test_python_support_callable_and_encoder():
    calls = []

    def judge(claim, ids, texts):
        calls.append((claim, tuple(ids)))
        return 1.0 if any("nurse" in t for t in texts) and "nurse" in claim else 0.0

    r = precis.citations("Alice is a nurse [b]. Alice is a nurse [a].", PEOPLE, support=judge)
    assert not r["claim_details"][0]["supported"]
    assert r["claim_details"][0]["better_source"] == "a"
    assert r["claim_details"][1]["supported"]
    assert calls
    e = precis.citations("Alice works as a nurse in Boston [a].", PEOPLE,
                         encoder=precis.HashedEncoder())
    assert e["claim_details"][0]["support"] == pytest.approx(1.0, abs=1e-5)


def _concepts(texts):
    """(cat words, nurse words, 1): cosines known by hand."""
    import numpy as np

    return np.array([[float("cat" in t or "feline" in t), float("nurse" in t), 1.0]
                     for t in texts], dtype=np.float32)


def test_combined_judge_is_the_max_of_lexical_and_embedding():
    summary = "Alice owns a feline [b]. Alice owns a feline [a]."
    lexical = precis.citations(summary, PEOPLE)["claim_details"]
    both = precis.citations(summary, PEOPLE, judge="combined", encoder=_concepts)["claim_details"]
    for lex, c in zip(lexical, both):
        assert c["lexical_support"] == pytest.approx(lex["support"])
        assert c["support"] == pytest.approx(max(c["lexical_support"], c["embedding_support"]))
    assert both[0]["embedding_support"] == pytest.approx(1.0, abs=1e-6)
    assert both[1]["embedding_support"] == pytest.approx(0.5, abs=1e-6)
    assert both[0]["supported"] and not lexical[0]["supported"]
    mixed = precis.citations(summary, PEOPLE, judge="combined", encoder=_concepts,
                             combine="mix", embedding_weight=0.25)["claim_details"]
    assert mixed[0]["support"] == pytest.approx(0.75 * both[0]["lexical_support"] + 0.25)
    capped = precis.citations("Alice has five cats [b].", PEOPLE, judge="combined",
                              encoder=_concepts)["claim_details"][0]
    assert capped["mismatched_facts"] == ["five"] and capped["support"] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="unknown combine 'min'"):
        precis.citations(summary, PEOPLE, judge="combined", encoder=_concepts, combine="min")


def test_which_part_each_cited_source_supports():
    sources = [("a", "The council approved the new budget on Monday."),
               ("b", "The mayor resigned after the vote."),
               ("c", "My dog stole a sock again today.")]
    summary = "The council approved the new budget and the mayor resigned [a][b]."
    claim = precis.citations(summary, sources)["claim_details"][0]
    assert claim["cited"] == ["a", "b"]
    texts = [[p["text"] for p in parts] for parts in claim["cited_parts"]]
    assert texts == [["council approved the new budget"], ["mayor resigned"]]
    for parts in claim["cited_parts"]:
        for p in parts:
            assert summary[p["begin"]:p["end"]] == p["text"]
    wrong = precis.citations(summary.replace("[a][b]", "[a][c]"), sources)["claim_details"][0]
    assert wrong["unsupporting"] == ["c"]
    assert [len(parts) for parts in wrong["cited_parts"]] == [1, 0]


def test_batch_columns_errors_and_threads():
    scorer = precis.CitationScorer(PEOPLE)
    summaries = [f"Alice works as a nurse [{1 + i % 4}]." for i in range(200)] + ["bad [1"]
    table = scorer.score_batch(summaries, threads=4)
    assert set(precis.citation_columns()) <= set(table)
    assert len(table["citation_score"]) == 201
    assert table["citation_validity"][3] == 0.0 and table["citation_validity"][0] == 1.0
    one = scorer.score(summaries[5])
    assert table["citation_support"][5] == one["support_recall"]
    details = scorer.details_batch(summaries[:3], threads=2)
    assert details[0]["claim_details"][0]["cited"] == ["a"]
    # Per-record sources, a failing record keeps its row.
    t = precis.citation_batch(summaries=["Alice has two cats [2].", "x [1]."],
                              sources=[PEOPLE, [("a", "x"), ("a", "y")]], threads=2)
    assert t["citation_score"][0] == 1.0
    assert math.isnan(t["citation_score"][1])
    assert t["error"][1] == ("[precis.invalid_argument] record 1 (id '1'), duplicate source id "
                             "'a'")
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(t)
    assert list(df["id"]) == ["0", "1"]


def test_python_judge_in_threads_is_safe():
    lock = threading.Lock()
    seen = []

    def judge(claim, ids, texts):
        with lock:
            seen.append(ids[0])
        return 0.9

    scorer = precis.CitationScorer(PEOPLE, support=judge)
    t = scorer.score_batch([f"Claim number {i} here [a]." for i in range(64)], threads=4)
    assert all(v == 1.0 for v in t["citation_score"])
    assert len(seen) == 64


def test_errors():
    with pytest.raises(precis.PrecisError, match=r"^\[precis.invalid_argument\] duplicate source "
                                                 r"id 'a'$"):
        precis.CitationScorer([("a", "x"), ("a", "y")])
    with pytest.raises(precis.PrecisError, match=r"^\[precis.parse_error\] structured summary: "):
        precis.structured_citations('{"a": ', PEOPLE)
    with pytest.raises(precis.PrecisError, match="unknown judge"):
        precis.CitationScorer(PEOPLE, judge="nli")
    deep = "[" * 10000 + "]" * 10000
    with pytest.raises(precis.PrecisError, match="too deep|deeper|depth"):
        precis.structured_citations(deep, PEOPLE)
    assert precis.structured_citations(deep, PEOPLE, max_depth=10000)["claims"] == 0
    big = "Alice " * 200000 + "[1]."
    assert precis.citations(big, PEOPLE)["claims"] == 1


def load_biographies():
    with open(BIOGRAPHIES, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_biographies_dataset_shape():
    rows = load_biographies()
    people = {r["person"] for r in rows}
    assert len(people) >= 20
    assert all(5 <= len(r["sources"]) <= 15 for r in rows)
    kinds = {(r["format"], r["kind"]) for r in rows}
    assert ("text", "faithful") in kinds and ("json", "wrong_citation") in kinds


@pytest.mark.parametrize("row", load_biographies(), ids=lambda r: r["id"])
def test_biographies_expected_verdicts(row):
    scorer = precis.CitationScorer(row["sources"])
    r = scorer.score_structured(row["summary"]) if row["format"] == "json" \
        else scorer.score(row["summary"])
    e = row["expected"]
    for key in ("claims", "cited_claims", "citations", "valid_citations", "dangling",
                "supported_claims", "misattributed_claims", "unused"):
        assert r[key] == e[key], key
    details = r["claim_details"]
    assert [i for i, c in enumerate(details) if not c["supported"]] == e["unsupported_claims"]
    assert [i for i, c in enumerate(details) if c["misattributed"]] == e["misattributed"]
    assert r["citations"] - r["relevant_citations"] - \
        sum(len(c["dangling"]) for c in details) - \
        sum(len(c["cited"]) for c in details if not c["supported"]) == e["irrelevant_citations"]
