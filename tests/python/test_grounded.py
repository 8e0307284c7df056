"""Source-grounded metrics through the bindings: dicts with per-sentence details, the cached
scorer, GIL-free batches into pandas, errors, and agreement between the paths."""

import math

import pytest

import precis

ARTICLE = ("Heavy rain flooded the river valley on Monday. Farmers lost most of their wheat "
           "harvest. The regional council promised emergency funds for repairs.")


def test_one_record_dict_has_parts_and_sentences():
    r = precis.grounded("Rain flooded the valley. It cost 5 million.", ARTICLE)
    assert set(r) == {"relevance", "faithfulness", "conciseness"}
    for part in r.values():
        assert 0.0 <= part["score"] <= 1.0
    f = r["faithfulness"]
    assert len(f["novel_ngram_ratio"]) == 4
    s0, s1 = f["sentences"]
    assert (s0["begin"], s0["end"], s0["text"]) == (0, 24, "Rain flooded the valley.")
    assert s0["best_source"] == "1"
    assert s0["source_text"] == "Heavy rain flooded the river valley on Monday."
    assert s0["support"] == 1.0
    assert s1["unsupported_numbers"] == [(33, 34, "5")]
    assert "unsupported_number" in s1["flags"]
    assert [x["text"] for x in f["fragments"]][:2] == ["Rain flooded the", "valley"]


def test_clipped_precision_and_diversity_fields():
    # Source tokens: the x2, cat, sat, on, mat; the second "cat" and "sat" exceed their count.
    summary = "The cat sat. The cat sat."
    f = precis.faithfulness(summary, "the cat sat on the mat")
    assert f["unigram_precision"] == 1.0
    assert f["clipped_precision"] == pytest.approx(4 / 6)
    assert f["score"] == pytest.approx(4 / 6)
    assert f["over_repeated"] == 2
    s0, s1 = f["sentences"]
    assert s0["precision"] == 1.0 and s0["over_repeated"] == []
    assert s1["precision"] == pytest.approx(1 / 3)
    assert s1["over_repeated"] == [(17, 20, "cat"), (21, 24, "sat")]
    assert "over_repeated" in s1["flags"] and "over_repeated" not in s0["flags"]
    r = precis.relevance("the cat saw the dog", "the cat saw the dog")
    h = -(0.4 * math.log(0.4) + 3 * 0.2 * math.log(0.2))
    assert r["diversity"] == pytest.approx(h / math.log(5))
    assert r["score"] == pytest.approx(r["coverage"] * (1 - r["redundancy"]) * r["diversity"])
    table = precis.grounded_batch(summaries=[summary], sources=["the cat sat on the mat"])
    assert table["faithfulness_clipped_precision"][0] == pytest.approx(4 / 6)
    assert table["faithfulness_over_repeated"][0] == 2
    one = precis.relevance(summary, "the cat sat on the mat")
    assert table["relevance_diversity"][0] == one["diversity"]
    assert table["relevance"][0] == one["score"]
    rows = precis.grounded_sentences(summaries=[summary], sources=["the cat sat on the mat"])
    assert rows["precision"] == [1.0, pytest.approx(1 / 3)]
    assert rows["over_repeated"][1] == [(17, 20, "cat"), (21, 24, "sat")]


def test_sources_forms_and_best_source_id():
    summary = "The council promised funds."
    for sources in ({"news": ARTICLE, "other": "Cats sleep a lot."},
                    [{"id": "news", "text": ARTICLE}, {"id": "other", "text": "Cats sleep."}],
                    [("news", ARTICLE), ("other", "Cats sleep.")]):
        r = precis.faithfulness(summary, sources)
        assert r["sentences"][0]["best_source"] == "news"
    r = precis.faithfulness(summary, [ARTICLE, "Cats sleep."])
    assert r["sentences"][0]["best_source"] == "1"


def same(a, b):
    """Equality where NaN equals NaN (an empty summary scores NaN)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def test_edges_are_documented_values():
    # Nothing to judge: NaN, not a silent 0.
    assert math.isnan(precis.faithfulness("", ARTICLE)["score"])
    assert math.isnan(precis.relevance("", ARTICLE)["score"])
    assert math.isnan(precis.conciseness("  ", ARTICLE)["score"])
    assert precis.faithfulness("rain", [])["score"] == 0.0
    assert precis.faithfulness("rain", ARTICLE)["score"] == 1.0


def test_conciseness_options_and_fillers():
    r = precis.conciseness("Basically the rain flooded the valley.", ARTICLE, budget=3)
    assert r["filler_phrases"] == 1
    assert r["length"] == 6
    assert math.isclose(r["length_penalty"], math.exp(1 - 2))
    assert "in order to" in precis.filler_phrases("en")
    with pytest.raises(precis.PrecisError, match=r"\[precis.invalid_argument\] no built-in filler"):
        precis.conciseness("x", ARTICLE, filler_language="xx")
    with pytest.raises(precis.PrecisError, match="budget_unit"):
        precis.conciseness("x", ARTICLE, budget_unit="pages")


def test_invalid_inputs_raise_precis_error():
    with pytest.raises(precis.PrecisError, match=r"\[precis.invalid_utf8\] source '1'"):
        precis.faithfulness("x", "bad \udcff")
    with pytest.raises(precis.PrecisError, match="must be a string"):
        precis.faithfulness(3, ARTICLE)


def test_scorer_agrees_with_free_functions():
    scorer = precis.GroundedScorer(ARTICLE, query="wheat harvest")
    plain = precis.GroundedScorer(ARTICLE)
    for s in ("Farmers lost the wheat harvest.", "Rain fell. Rain fell.", ""):
        assert same(scorer.relevance(s), precis.relevance(s, ARTICLE, query="wheat harvest"))
        assert same(plain.faithfulness(s), precis.faithfulness(s, ARTICLE))
        assert same(plain.conciseness(s), precis.conciseness(s, ARTICLE))
    table = scorer.score_batch(["Farmers lost the wheat harvest.", "x"], threads=2)
    assert table["relevance"][0] == scorer.relevance("Farmers lost the wheat harvest.")["score"]
    assert table["error"] == [None, None]


def test_batch_into_pandas_matches_single_calls(corpus):
    pd = pytest.importorskip("pandas")
    records = corpus[:48]
    table = precis.grounded_batch([{"id": r["system_id"], "summary": r["summary"],
                                    "source": r["source"]} for r in records], threads=2)
    df = pd.DataFrame(table)
    assert len(df) == 48
    # Only summaries without words have an error (NaN scores, "no words to judge").
    blank = [not any(c.isalnum() for c in r["summary"]) for r in records]
    assert [isinstance(e, str) and e.startswith("[precis.empty_summary]")
            for e in df["error"]] == blank
    for col in ("relevance", "faithfulness", "conciseness"):
        assert df[col][[not b for b in blank]].between(0, 1).all()
    for i in (0, 17, 47):
        one = precis.grounded(records[i]["summary"], records[i]["source"])
        assert df["faithfulness"][i] == one["faithfulness"]["score"]
        assert df["relevance"][i] == one["relevance"]["score"]
        assert df["conciseness"][i] == one["conciseness"]["score"]


def test_batch_keeps_rows_of_bad_records():
    table = precis.grounded_batch(summaries=["Rain fell.", "Rain fell."],
                                  sources=[ARTICLE, "bad \udcff"], metrics=["faithfulness"])
    assert table["error"][0] is None
    assert table["error"][1].startswith("[precis.invalid_utf8] record 1 (id '1'), source '1'")
    assert math.isnan(table["faithfulness"][1])
    with pytest.raises(precis.PrecisError, match="unknown metric"):
        precis.grounded_batch(summaries=["x"], sources=[ARTICLE], metrics=["nope"])


def test_score_engine_accepts_grounded_metrics_without_references():
    # precis.score's batch passes references only; the grounded metrics go through grounded_batch.
    table = precis.grounded_batch(summaries=["Rain fell."], sources=[[ARTICLE]],
                                  queries=["rain"], ids=["a"])
    assert table["id"] == ["a"]
    assert table["relevance_query_coverage"][0] == 1.0


def test_sentence_details_as_a_table(corpus):
    pd = pytest.importorskip("pandas")
    records = [{"id": r["system_id"], "summary": r["summary"], "source": r["source"]}
               for r in corpus[:16]]
    records.append({"id": "empty summary", "summary": "", "source": ARTICLE})
    records.append({"id": "bad", "summary": "x", "source": "bad \udcff"})
    df = pd.DataFrame(precis.grounded_sentences(records, threads=2))
    assert set(df["record"]) == set(range(18))
    first = precis.faithfulness(records[0]["summary"], records[0]["source"])["sentences"]
    rows = df[df["record"] == 0]
    assert list(rows["support"]) == [s["support"] for s in first]
    assert list(rows["begin"]) == [s["begin"] for s in first]
    assert list(rows["best_source"]) == [s["best_source"] for s in first]
    empty = df[df["id"] == "empty summary"]
    assert len(empty) == 1 and pd.isna(empty["sentence"].iloc[0])
    assert pd.isna(empty["error"].iloc[0])
    bad = df[df["id"] == "bad"]
    assert bad["error"].iloc[0].startswith("[precis.invalid_utf8] record 17 (id 'bad'), source '1'")


def test_citation_markers_are_not_content():
    sources = {"post_1": "Maria works as a nurse.", "post_2": "Maria lives in Denver."}
    cited = "Maria works as a nurse [1]. Maria lives in Denver [2]."
    r = precis.faithfulness(cited, sources)
    assert r["score"] == 1.0
    assert all(not s["unsupported_numbers"] for s in r["sentences"])
    assert r["sentences"][0]["text"] == "Maria works as a nurse [1]."
    raw = precis.faithfulness(cited, sources, ignore_citations=False, check_facts=False)
    assert raw["score"] == 9 / 11
    # With the fact checks, the markers' numbers are numbers no source writes: capped.
    checked = precis.faithfulness(cited, sources, ignore_citations=False)
    assert "fact_mismatch" in checked["sentences"][0]["flags"]
    assert checked["score"] < raw["score"]
    assert [s["unsupported_numbers"] for s in raw["sentences"]] == [[(24, 25, "1")], [(51, 52, "2")]]
