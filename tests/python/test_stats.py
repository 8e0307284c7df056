"""precis.stats against scipy.stats (exact to 1e-12) and the meta-evaluation tables."""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sp

import precis
from precis import stats


def _cases():
    rng = np.random.default_rng(5)
    for trial in range(300):
        n = int(rng.integers(2, 60))
        if trial % 3 == 0:  # ratings on a 1-5 scale: many ties
            x = rng.integers(1, 6, n).astype(float)
            y = rng.integers(1, 4, n) + rng.integers(0, 2, n) * 0.5
        elif trial % 3 == 1:
            x = rng.standard_normal(n)
            y = 0.5 * x + rng.standard_normal(n)
        else:
            x = np.round(rng.random(n), 1)
            y = np.round(rng.random(n) + x, 2)
        yield x, y


@pytest.mark.parametrize("name", ["pearson", "spearman", "kendall_b", "kendall_c"])
def test_coefficients_equal_scipy(name):
    reference = {
        "pearson": lambda x, y: sp.pearsonr(x, y).statistic,
        "spearman": lambda x, y: sp.spearmanr(x, y).statistic,
        "kendall_b": lambda x, y: sp.kendalltau(x, y, variant="b").statistic,
        "kendall_c": lambda x, y: sp.kendalltau(x, y, variant="c").statistic,
    }[name]
    checked = 0
    for x, y in _cases():
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns on a constant input, then returns NaN
            want = reference(x, y)
        got = stats.correlation(x, y, name)
        if np.isnan(want):
            assert np.isnan(got), (x, y)
        else:
            assert got == pytest.approx(want, abs=1e-12), (x, y)
            checked += 1
    assert checked > 250


def test_summary_and_system_level_follow_the_protocol():
    rng = np.random.default_rng(9)
    docs = np.repeat(np.arange(30), 8)
    systems = np.tile([f"S{k}" for k in range(8)], 30)
    human = rng.integers(1, 6, len(docs)).astype(float)
    human[docs == 3] = 4.0  # a document whose ratings are all equal is skipped
    metric = human + rng.standard_normal(len(docs))
    per_doc = []
    for d in range(30):
        m, h = metric[docs == d], human[docs == d]
        if len(set(h)) > 1 and len(set(m)) > 1:
            per_doc.append(sp.spearmanr(m, h).statistic)
    got = stats.summary_level(metric, human, docs)
    assert got["value"] == pytest.approx(np.mean(per_doc), abs=1e-12)
    assert got["documents_used"] == 29 and got["documents_skipped"] == 1
    frame = pd.DataFrame({"m": metric, "h": human, "s": systems})
    means = frame.groupby("s", sort=False).mean()
    assert stats.system_level(metric, human, systems, "kendall") == pytest.approx(
        sp.kendalltau(means["m"], means["h"]).statistic, abs=1e-12)


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(2)
    docs = np.repeat(np.arange(40), 6)
    human = rng.standard_normal(len(docs))
    good, noisy = human + 0.3 * rng.standard_normal(len(docs)), human + 3 * rng.standard_normal(len(docs))
    a = stats.summary_level_interval(good, human, docs, seed=7, resamples=400)
    assert a == stats.summary_level_interval(good, human, docs, seed=7, resamples=400)
    assert a["low"] < a["estimate"] < a["high"] and a["resamples_used"] == 400
    assert a != stats.summary_level_interval(good, human, docs, seed=8, resamples=400)
    d = stats.compare_correlations(good, noisy, human, docs, resamples=400)
    assert d["low"] > 0 and d["p_value"] < 0.01
    with pytest.raises(ValueError, match="NaN at position 2"):
        stats.spearman([1, 2, np.nan], [1, 2, 3])
    with pytest.raises(precis.PrecisError, match="unknown correlation"):
        stats.correlation([1, 2], [1, 2], "cosine")


def test_meta_evaluate_and_compare_systems_tables(corpus):
    # Human-like labels made from the repository corpus: ROUGE-1 against the reference, with noise.
    records = [r for r in corpus if r["doc_id"].startswith("bio_")]
    table = pd.DataFrame(precis.score(records, metrics=["rouge1", "chrf"], id_field="doc_id"))
    table["doc_id"] = [r["doc_id"] for r in records]
    table["system_id"] = [r["system_id"] for r in records]
    rng = np.random.default_rng(4)
    human = pd.DataFrame({"quality": table["rouge1"] + 0.05 * rng.standard_normal(len(table))})
    result = precis.meta_evaluate(table, human, metrics=["rouge1", "chrf"], system="system_id",
                                  resamples=200)
    assert set(result["method"]) == {"pearson", "spearman", "kendall"}
    assert set(result["level"]) == {"summary", "system"}
    top = result[(result.metric == "rouge1") & (result.method == "spearman")
                 & (result.level == "summary")].iloc[0]
    assert top["low"] <= top["value"] <= top["high"] and top["value"] > 0.5
    ranked = precis.compare_systems(table, "rouge1", resamples=200)
    assert list(ranked["mean"]) == sorted(ranked["mean"], reverse=True)
    assert pd.isna(ranked["vs"].iloc[0]) and ranked["vs"].iloc[1] == ranked["system"].iloc[0]
    assert (ranked["difference"].iloc[1:] <= 0).all()
