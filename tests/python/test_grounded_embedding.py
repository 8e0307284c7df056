"""Embedding support in the source-grounded metrics through the bindings: ``encoder=`` with a
tiny hand-made callable (hand-checked cosines), the max and mix combinations, the new sentence
fields, the default staying lexical, batches and errors."""

import numpy as np
import pytest

import precis

SOURCE = "The cat sat on the mat. The dog barked loudly."


def concepts(texts):
    # cat -> (1, 0), dog -> (0, 1), feline -> (0.8, 0.6); cos(feline, cat sentence) = 0.8.
    out = np.zeros((len(texts), 2), dtype=np.float32)
    for i, t in enumerate(texts):
        if "feline" in t:
            out[i] = (0.8, 0.6)
        elif "cat" in t:
            out[i] = (1.0, 0.0)
        elif "dog" in t:
            out[i] = (0.0, 1.0)
    return out


def test_default_is_lexical():
    s = precis.faithfulness("A feline rested.", SOURCE)["sentences"][0]
    assert s["support"] == 0.0
    assert s["lexical_support"] == 0.0
    assert s["embedding_support"] == 0.0
    assert s["embedding_source"] is None
    assert s["embedding_source_text"] is None
    assert "unsupported" in s["flags"]


def test_paraphrase_max_with_callable():
    f = precis.faithfulness("A feline rested.", SOURCE, encoder=concepts)
    s = f["sentences"][0]
    assert s["lexical_support"] == 0.0
    assert s["embedding_support"] == pytest.approx(0.8, abs=1e-6)
    assert s["support"] == pytest.approx(0.8, abs=1e-6)
    assert s["embedding_source"] == "1"
    assert s["embedding_source_index"] == 0
    assert (s["embedding_source_begin"], s["embedding_source_end"]) == (0, 23)
    assert s["embedding_source_text"] == "The cat sat on the mat."
    assert "unsupported" not in s["flags"]
    assert f["support_mean"] == pytest.approx(0.8, abs=1e-6)


def test_mix_and_encoder_object():
    enc = precis.callable_encoder(concepts, dimension=2, id="test-concepts")
    scorer = precis.GroundedScorer(SOURCE, encoder=enc, combine="mix", embedding_weight=0.25)
    s = scorer.faithfulness("A feline rested.")["sentences"][0]
    assert s["support"] == pytest.approx(0.25 * 0.8, abs=1e-6)
    assert "unsupported" in s["flags"]


def test_identity_with_hashed_encoder():
    s = precis.faithfulness("The dog barked loudly.", SOURCE,
                            encoder=precis.HashedEncoder())["sentences"][0]
    assert s["lexical_support"] == 1.0
    assert s["embedding_support"] == pytest.approx(1.0, abs=1e-5)
    assert s["embedding_source_text"] == s["source_text"] == "The dog barked loudly."


def test_batch_and_sentences_tables_take_the_encoder():
    summaries = ["A feline rested.", "The dog barked."]
    table = precis.grounded_sentences(summaries=summaries, sources=[SOURCE, SOURCE],
                                      encoder=concepts)
    assert table["embedding_support"][0] == pytest.approx(0.8, abs=1e-6)
    assert table["embedding_source"] == ["1", "1"]
    assert table["lexical_support"][0] == 0.0
    batch = precis.GroundedScorer(SOURCE, encoder=concepts).score_batch(summaries, threads=2)
    assert batch["faithfulness_support_mean"][0] == pytest.approx(0.8, abs=1e-6)
    lexical = precis.GroundedScorer(SOURCE).score_batch(summaries)
    assert lexical["faithfulness_support_mean"][0] == 0.0


def test_errors():
    with pytest.raises(precis.PrecisError, match=r"\[precis.invalid_argument\] unknown combine"):
        precis.faithfulness("x", SOURCE, encoder=concepts, combine="min")
    with pytest.raises(precis.PrecisError, match="embedding_weight must be in"):
        precis.faithfulness("x", SOURCE, encoder=concepts, combine="mix", embedding_weight=2.0)
    with pytest.raises(TypeError):
        precis.faithfulness("x", SOURCE, encoder=42)
