"""Bad input gets a clear error naming the record and field; a batch loses no record."""
import math

import pandas as pd
import pytest

import precis


def test_batch_reports_every_record_failed_ones_included():
    table = precis.score(
        summaries=["the cat sat", "bad \udcff byte", "no references", None, "ok"],
        references=[["the cat sat down"], "x", None, "y", ["ok", 3]],
        ids=["a", "b", "c", "d", "e"], metrics=["rouge1", "bleu"])
    df = pd.DataFrame(table)
    assert len(df) == 5
    assert pd.isna(df["error"][0]) and df["rouge1"][0] > 0
    assert df["error"][1] == ("[precis.invalid_utf8] record 1 (id 'b'), field 'summary': "
                              "invalid UTF-8 at byte 4")
    assert df["error"][2] == ("[precis.invalid_argument] record 2 (id 'c'), field 'references' "
                              "is empty: reference-based metrics need at least one")
    assert df["error"][3] == ("[precis.invalid_argument] record 3 (id 'd'), field 'summary' "
                              "must be a string, not NoneType")
    assert df["error"][4] == ("[precis.invalid_argument] record 4 (id 'e'), field "
                              "'references[1]' must be a string, not int")
    assert all(math.isnan(v) for v in df["rouge1"][1:])
    assert [i for i, _ in table.failed] == [1, 2, 3, 4]


def test_option_mistakes_raise_precis_error():
    with pytest.raises(precis.PrecisError, match=r"\[precis.invalid_argument\] unknown metric"):
        precis.score(summaries=["a"], references=["b"], metrics=["rouge1", "meteor"])
    with pytest.raises(precis.PrecisError, match="unknown ROUGE tokenizer 'nltk'"):
        precis.rouge("a", "b", tokenizer="nltk")
    with pytest.raises(precis.PrecisError, match="summaries but"):
        precis.score(summaries=["a", "b"], references=["b"])
    with pytest.raises(ValueError):  # PrecisError is a ValueError
        precis.bleu("a", "b", tokenize="moses")


def test_invalid_utf8_in_single_calls_names_the_field():
    with pytest.raises(precis.PrecisError, match="invalid_utf8"):
        precis.rouge("ok", "bad \udcff")
