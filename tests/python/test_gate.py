"""Thresholds from a TOML metric set, the verdict, and the pytest assertion helper."""
import json
from pathlib import Path

import pandas as pd
import pytest

import precis

ROOT = Path(__file__).resolve().parents[2]
METRIC_SET = """
metrics = ["faithfulness", "conciseness", "citations"]

[thresholds]
citation_support = { min = 0.8 }
citation_misattribution = { max = 0.0 }
conciseness = { min = 0.9, aggregate = "mean" }

[gate]
min_pass_rate = 0.9
"""


@pytest.fixture(scope="module")
def biographies():
    with open(ROOT / "examples" / "data" / "biographies.jsonl", encoding="utf-8") as f:
        frame = pd.DataFrame([json.loads(line) for line in f]).set_index("id")
    return frame[frame["format"] == "text"]


def test_faithful_summaries_pass_the_gate_and_broken_ones_fail(biographies, tmp_path):
    path = tmp_path / "metrics.toml"
    path.write_text(METRIC_SET, encoding="utf-8")
    metric_set = precis.load_metric_set(path)
    assert metric_set.metrics == ["faithfulness", "conciseness", "citations"]
    faithful = biographies[biographies["kind"] == "faithful"]
    verdict = precis.assert_passes(precis.evaluate(faithful, metric_set.metrics), path)
    assert verdict.passed and verdict.pass_rate == 1.0
    assert verdict.table["citation_support_pass"].all()

    wrong = biographies[biographies["kind"] == "wrong_citation"]
    scores = precis.evaluate(wrong, metric_set.metrics)
    verdict = precis.check(scores, METRIC_SET)  # TOML text works too
    assert not verdict.passed and verdict.pass_rate < 0.9
    assert not verdict.table["citation_misattribution_pass"].all()
    with pytest.raises(AssertionError, match=r"FAILED: .* records pass .*\n.*mean conciseness "
                                             r">= 0.9.*\n  record bio_\d+/text/wrong_citation: "
                                             r"fails citation_support >= 0.8"):
        precis.assert_passes(scores, metric_set)


def test_a_record_with_an_error_fails_and_aggregates_are_checked():
    scores = pd.DataFrame({"faithfulness": [0.9, float("nan"), 0.2],
                           "error": [None, "record 1: field 'summary' is missing", None]})
    verdict = precis.check(scores, {"thresholds": {"faithfulness": 0.5},
                                    "gate": {"min_pass_rate": 0.3}})
    assert list(verdict.table["passed"]) == [True, False, False]
    assert verdict.passed and verdict.pass_rate == pytest.approx(1 / 3)
    mean_gate = {"thresholds": {"faithfulness": {"min": 0.6, "aggregate": "mean"}}}
    assert not precis.check(scores, mean_gate).passed  # mean 0.55 of the scored records


def test_mistakes_in_a_metric_set_are_named():
    with pytest.raises(ValueError, match="unknown key"):
        precis.load_metric_set({"thresholds": {"x": {"minimum": 1}}})
    with pytest.raises(ValueError, match="needs min or max"):
        precis.load_metric_set({"thresholds": {"x": {}}})
    with pytest.raises(ValueError, match="which the scores do not have"):
        precis.check(pd.DataFrame({"a": [1.0], "error": [None]}), {"thresholds": {"b": 0.5}})
