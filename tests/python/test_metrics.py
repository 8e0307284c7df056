"""The Python API against the reference tools' fixtures and against itself."""
import math

import numpy as np
import pandas as pd
import pytest

import precis

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


@pytest.mark.parametrize("stem", ["stem", "nostem"])
def test_rouge_matches_rouge_score_fixtures(rouge_parity, stem):
    worst = 0.0
    for rec in rouge_parity:
        got = precis.rouge(rec["prediction"], rec["target"], tokenizer="rouge_score",
                           use_stemmer=stem == "stem")
        for t in TYPES:
            want = rec["scores"][stem][t]
            have = [got[t]["precision"], got[t]["recall"], got[t]["f1"]]
            worst = max(worst, max(abs(a - b) for a, b in zip(have, want)))
    assert worst <= 1e-12


def test_rouge_batch_equals_single_calls(rouge_parity):
    recs = rouge_parity[:200]
    table = precis.rouge_batch([r["prediction"] for r in recs], [r["target"] for r in recs],
                               tokenizer="rouge_score", use_stemmer=True, threads=2)
    for i, rec in enumerate(recs):
        one = precis.rouge(rec["prediction"], rec["target"], tokenizer="rouge_score",
                           use_stemmer=True)
        for t in TYPES:
            assert table[t][i] == one[t]["f1"]
            assert table[t + "_precision"][i] == one[t]["precision"]


def test_bleu_and_chrf_match_sacrebleu_fixtures(sacrebleu_parity):
    worst = 0.0
    for rec in sacrebleu_parity:
        hyp, refs = rec["hypothesis"], rec["references"]
        worst = max(worst,
                    abs(100 * precis.bleu(hyp, refs[:1])["score"] - rec["bleu_1ref"]),
                    abs(100 * precis.bleu(hyp, refs)["score"] - rec["bleu_nref"]),
                    abs(100 * precis.chrf(hyp, refs[:1])["score"] - rec["chrf_1ref"]),
                    abs(100 * precis.chrf(hyp, refs)["score"] - rec["chrf_nref"]),
                    abs(100 * precis.chrf(hyp, refs[:1], word_order=2)["score"]
                        - rec["chrfpp_1ref"]))
    assert worst <= 1e-9


def test_scorers_agree_with_free_functions(sacrebleu_parity):
    rec = sacrebleu_parity[0]
    refs = list(rec["references"])
    rs, bs, cs = precis.RougeScorer(refs), precis.BleuScorer(refs), precis.ChrfScorer(refs)
    del refs  # scorers own what they need
    for other in sacrebleu_parity[:50]:
        hyp = other["hypothesis"]
        assert rs.score(hyp) == precis.rouge(hyp, rec["references"])
        assert bs.score(hyp) == precis.bleu(hyp, rec["references"])
        assert cs.score(hyp) == precis.chrf(hyp, rec["references"])
    batch = rs.score_batch([o["hypothesis"] for o in sacrebleu_parity[:50]], threads=2)
    assert batch[3] == rs.score(sacrebleu_parity[3]["hypothesis"])


def test_score_table_is_a_dataframe_in_one_call(corpus):
    recs = corpus[:64]
    table = precis.score(recs, metrics=["rouge1", "rougeLsum", "bleu", "chrf", "chrfpp"],
                         id_field="doc_id", threads=2)
    df = pd.DataFrame(table)
    assert list(df.columns) == ["id", "rouge1", "rouge1_precision", "rouge1_recall", "rougeLsum",
                                "rougeLsum_precision", "rougeLsum_recall", "bleu", "chrf",
                                "chrfpp", "error"]
    assert len(df) == 64 and df["error"].isna().all()
    assert df["id"].tolist() == [r["doc_id"] for r in recs]
    assert table.to_pandas().equals(df)
    assert ((df["bleu"] >= 0) & (df["bleu"] <= 1)).all()
    # A DataFrame of records works as input too.
    again = precis.score(pd.DataFrame(recs), metrics=["bleu"], id_field="doc_id")
    np.testing.assert_array_equal(again["bleu"], table["bleu"])


def test_threads_do_not_change_results(corpus):
    summaries = [r["summary"] for r in corpus]
    references = [r["references"] for r in corpus]
    one = precis.score(summaries=summaries, references=references, threads=1)
    two = precis.score(summaries=summaries, references=references, threads=2)
    for name in one:
        if name not in ("id", "error"):
            np.testing.assert_array_equal(one[name], two[name])
    assert one.corpus == two.corpus


def test_corpus_scores_match_sacrebleu_corpus_fixture(corpus):
    import json
    from conftest import DATA
    fixture = json.load(open(DATA / "sacrebleu-corpus.json", encoding="utf-8"))
    by_id = {r["id"]: r for r in corpus}
    for system, want in fixture["systems"].items():
        recs = [by_id[i] for i in want["ids"]]
        sums = [r["summary"] for r in recs]
        refs = [r["references"][0] for r in recs]
        assert abs(100 * precis.corpus_bleu(sums, refs)["score"] - want["bleu"]) <= 1e-9
        assert abs(100 * precis.corpus_chrf(sums, refs)["score"] - want["chrf"]) <= 1e-9
        table = precis.score(summaries=sums, references=refs, metrics=["bleu", "chrf"])
        assert abs(100 * table.corpus["bleu"] - want["bleu"]) <= 1e-9
        assert abs(100 * table.corpus["chrf"] - want["chrf"]) <= 1e-9


def test_unicode_mode_scores_non_latin_text():
    zh = precis.rouge("杭州龙井茶产量增加", "杭州龙井茶春季产量增长")
    ru = precis.rouge("В Казани открыли станцию метро", "В Казани открылась станция метро")
    assert zh["rouge1"]["f1"] > 0.3 and ru["rouge1"]["f1"] > 0.3
    # rouge-score's tokenizer drops everything outside [a-z0-9]: it scores these 0.
    assert precis.rouge("杭州龙井茶产量增加", "杭州龙井茶春季产量增长",
                        tokenizer="rouge_score")["rouge1"]["f1"] == 0.0


def test_edge_values_are_documented_numbers():
    empty = precis.rouge("", "a reference")
    assert empty["rouge1"]["f1"] == 0.0 and not math.isnan(empty["rougeL"]["precision"])
    assert precis.bleu("", "a reference")["score"] == 0.0
    assert precis.chrf("", "a reference")["score"] == 0.0
    assert precis.rouge("word", "word")["rouge1"]["f1"] == 1.0
