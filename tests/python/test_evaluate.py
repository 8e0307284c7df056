"""precis.evaluate: every metric in one call, one row per record, and no record ever lost."""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import precis

ROOT = Path(__file__).resolve().parents[2]
POSTS = [{"id": "p1", "text": "I work as a nurse at Mercy Hospital."},
         {"id": "p2", "text": "I have lived in Denver for ten years."}]
GOOD = "Maria works as a nurse at Mercy Hospital [p1]. She has lived in Denver for ten years [p2]."


def _biographies():
    with open(ROOT / "examples" / "data" / "biographies.jsonl", encoding="utf-8") as f:
        return pd.DataFrame([json.loads(line) for line in f]).set_index("id")


def test_biographies_with_every_metric_in_one_call():
    frame = _biographies()
    frame["references"] = [frame.loc[i.rsplit("/", 1)[0] + "/faithful", "summary"]
                           for i in frame.index]
    # The hashed encoder: this test is about evaluate's plumbing over every metric (264 records);
    # the default BERT encoder through evaluate is tested in test_encoder.py.
    ev = precis.evaluate(frame, ["relevance", "faithfulness", "conciseness", "citations",
                                 "embedding", "rouge1", "bleu"], details=True, encoder="hashed")
    scores = ev.scores
    assert len(scores) == len(frame) and list(scores.index) == list(frame.index)
    assert scores["error"].isna().all()
    for column in ("relevance", "faithfulness", "conciseness", "citation_score",
                   "citation_support", "embedding_cosine", "rouge1", "bleu"):
        assert scores[column].notna().all(), column
    # The metrics tell the faithful summaries from the broken ones.
    by_kind = scores.groupby(frame["kind"]).mean(numeric_only=True)
    assert by_kind.loc["faithful", "citation_support"] > by_kind.loc["hallucinated",
                                                                     "citation_support"]
    assert by_kind.loc["faithful", "citation_score"] > by_kind.loc["wrong_citation",
                                                                   "citation_score"]
    assert by_kind.loc["faithful", "conciseness"] > by_kind.loc["redundant", "conciseness"]
    # Structured (JSON) summaries are read field by field: their citations are found.
    json_faithful = scores[(frame["format"] == "json") & (frame["kind"] == "faithful")]
    assert (json_faithful["citation_coverage"] == 1).all()
    # Detail tables are long-form and keyed by the input's index.
    assert set(ev.sentences["record"]) == set(frame.index)
    assert set(ev.claims["record"]) <= set(frame.index) and len(ev.claims) > len(frame)
    bad = ev.claims[ev.claims["record"] == "bio_01/text/wrong_citation"]
    assert (~bad["supported"]).any()
    parts = ev.claims[ev.claims["cited"].map(len) > 0]["cited_parts"]
    assert all(set(p) <= set(c) for p, c in zip(parts, ev.claims.loc[parts.index, "cited"]))
    assert any(any(texts) for p in parts for texts in p.values())


def test_schema_and_gold_with_a_pydantic_model():
    pydantic = pytest.importorskip("pydantic")

    class Person(pydantic.BaseModel):
        name: str
        age: int
        city: str | None = None

    records = [{"summary": '{"name": "Maria", "age": 24}', "gold": {"name": "Maria", "age": 24}},
               {"summary": '{"name": "Maria", "age": "old"}', "gold": {"name": "Maria", "age": 24}},
               {"summary": "no json here", "gold": {"name": "Maria", "age": 24}}]
    ev = precis.evaluate(records, ["schema", "json_match"], schema=Person, details=True)
    s = ev.scores
    assert list(s["schema_valid"]) [:2] == [1.0, 0.0]
    assert s["json_match"][0] == 1.0 and s["json_match"][1] == 0.5
    assert "no JSON value" in s["error"][2] and pd.isna(s["error"][0])
    age = ev.fields[(ev.fields["record"] == 1) & (ev.fields["check"] == "schema")]
    assert list(age["pointer"]) == ["/age"]


def test_jsonl_path_and_progress_bar(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"summary": GOOD, "sources": POSTS}) + "\n{broken\n[1, 2]\n",
                    encoding="utf-8")
    scores = precis.evaluate(path, ["faithfulness"], progress=True)
    assert len(scores) == 3 and scores["faithfulness"][0] > 0.8
    assert "line 2: malformed JSON" in scores["error"][1]
    assert "line 3: not a JSON object" in scores["error"][2]
    assert "grounded metrics" in capsys.readouterr().err  # tqdm wrote its bar to stderr
    precis.evaluate(path, ["faithfulness"], progress=False)
    assert capsys.readouterr().err == ""


def _raising_encoder(texts):
    raise RuntimeError("service unavailable")


# Each entry: a bad record, the metrics to ask for, the field its error must name.
CATALOG = [
    ({"summary": None, "sources": POSTS}, ["faithfulness"], "summary"),
    ({"summary": float("nan"), "sources": POSTS}, ["faithfulness"], "summary"),
    ({"summary": np.float64("nan"), "sources": POSTS}, ["relevance"], "summary"),
    ({"summary": pd.NA, "sources": POSTS}, ["relevance"], "summary"),
    ({"summary": 3, "sources": POSTS}, ["faithfulness"], "summary"),
    ({"summary": 2.5, "sources": POSTS}, ["conciseness"], "summary"),
    ({"summary": True, "sources": POSTS}, ["faithfulness"], "summary"),
    ({"summary": b"bytes", "sources": POSTS}, ["faithfulness"], "summary"),
    ({"summary": "bad \udcff byte", "sources": POSTS}, ["faithfulness"], "summary"),
    ({"summary": "\ud800", "sources": POSTS}, ["citations"], "summary"),
    ({"sources": POSTS}, ["faithfulness"], "summary"),
    ({"summary": GOOD}, ["faithfulness"], "sources"),
    ({"summary": GOOD, "sources": None}, ["relevance"], "sources"),
    ({"summary": GOOD, "sources": float("nan")}, ["citations"], "sources"),
    ({"summary": GOOD, "sources": []}, ["faithfulness"], "sources"),
    ({"summary": GOOD, "sources": 42}, ["faithfulness"], "sources"),
    ({"summary": GOOD, "sources": [None]}, ["faithfulness"], "sources[0]"),
    ({"summary": GOOD, "sources": [{"id": "p1"}]}, ["citations"], "sources[0]"),
    ({"summary": GOOD, "sources": [{"id": "p1", "text": None}]}, ["citations"], "sources[0].text"),
    ({"summary": GOOD, "sources": [{"id": "p1", "text": 5}]}, ["citations"], "sources[0].text"),
    ({"summary": GOOD, "sources": ["ok", "bad \udcff"]}, ["faithfulness"], "sources[1]"),
    ({"summary": GOOD, "sources": {"p1": None}}, ["citations"], "sources.p1"),
    ({"summary": GOOD, "references": None}, ["rouge1"], "references"),
    ({"summary": GOOD, "references": []}, ["bleu"], "references"),
    ({"summary": GOOD, "references": [None]}, ["chrf"], "references[0]"),
    ({"summary": GOOD, "references": ["ok", 7]}, ["rouge2"], "references[1]"),
    ({"summary": GOOD, "references": "bad \udcff"}, ["rougeL"], "references"),
    ({"summary": None, "references": ["x"]}, ["rougeLsum"], "summary"),
    ({"summary": GOOD}, ["json_match"], "gold"),
    ({"summary": GOOD, "gold": None}, ["json_match"], "gold"),
    ({"summary": "not json", "gold": {"a": 1}}, ["json_match"], "summary"),
    ({"summary": GOOD, "sources": POSTS, "query": 17}, ["relevance"], None),  # ignored, scored
    ({"summary": GOOD, "sources": POSTS}, ["embedding"], "embedding"),  # the encoder raises
]


@pytest.mark.parametrize("bad, metrics, field", CATALOG,
                         ids=[f"{i:02d}-{c[2]}" for i, c in enumerate(CATALOG)])
def test_a_bad_record_keeps_its_row_and_the_others_score(bad, metrics, field):
    good = {"summary": GOOD, "sources": POSTS, "references": [GOOD], "gold": {"a": 1}}
    records = [dict(good, id="first"), dict(bad, id="bad"), dict(good, id="last")]
    encoder = None
    if "embedding" in metrics and field == "embedding":
        encoder = precis.callable_encoder(_raising_encoder, dimension=4)
    scores = precis.evaluate(records, metrics, id="id", encoder=encoder)
    assert len(scores) == 3 and list(scores["id"]) == ["first", "bad", "last"]
    metric_columns = [c for c in scores.columns if c not in ("id", "error")]
    if field is None:
        assert scores["error"].isna().all(), scores["error"][1]
        return
    error = scores["error"][1]
    assert error and error.startswith("record bad") and field in error, error
    if "json_match" not in metrics and field != "embedding":
        for row in (0, 2):
            assert scores["error"][row] is None or isinstance(scores["error"][row], float)
            assert all(not math.isnan(scores[c][row]) for c in metric_columns), scores.iloc[row]
    if metrics != ["json_match"] or field == "gold":  # a summary that is not JSON scores 0
        assert all(math.isnan(scores[c][1]) for c in metric_columns
                   if c.startswith(metrics[0][:5]))


def test_catalog_size():
    assert len(CATALOG) >= 30


def test_unknown_metric_and_missing_schema_are_caller_mistakes():
    with pytest.raises(ValueError, match="unknown metric"):
        precis.evaluate([{"summary": "x"}], ["rouge7x"])
    with pytest.raises(ValueError, match="needs schema="):
        precis.evaluate([{"summary": "x"}], ["schema"])
