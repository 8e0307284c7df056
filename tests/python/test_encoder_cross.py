"""The C++ cross-encoder (BertForSequenceClassification head) against transformers on a tiny
randomly initialized classifier this test creates. Needs torch and transformers."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

import precis  # noqa: E402
from precis import encoder as pe  # noqa: E402

WORDS = ("the a council budget approved rejected mayor said city park percent rise fell not "
         "never always vote on tuesday ten twenty naïve café 北京 [MASK] , . !").split()


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    torch = pytest.importorskip("torch", reason="cross-encoder parity needs torch")
    transformers = pytest.importorskip("transformers", reason="cross-encoder parity needs transformers")
    folder = str(tmp_path_factory.mktemp("tiny-nli"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
        set(w.lower() for w in WORDS) | set("abcdefghijklmnopqrstuvwxyz") - {"[mask]"})
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    tok = transformers.BertTokenizerFast(os.path.join(folder, "vocab.txt"), model_max_length=48)
    torch.manual_seed(3)
    config = transformers.BertConfig(
        vocab_size=len(vocab), hidden_size=40, num_hidden_layers=2, num_attention_heads=5,
        intermediate_size=72, max_position_embeddings=64, num_labels=3,
        id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
        label2id={"contradiction": 0, "entailment": 1, "neutral": 2})
    model = transformers.BertForSequenceClassification(config).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    model.save_pretrained(folder, safe_serialization=True)
    tok.save_pretrained(folder)
    return folder, model, tok


def _pairs(n, seed=0):
    rng = random.Random(seed)
    make = lambda k: " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, k)))  # noqa: E731
    return [(make(rng.choice([5, 30])), make(rng.choice([5, 40]))) for _ in range(n)]


def test_cross_encoder_logits_match_transformers(classifier):
    torch = pytest.importorskip("torch")
    folder, model, tok = classifier
    pairs = _pairs(300)
    ours = pe.BertCrossEncoder(folder, threads=2)
    assert ours.labels == ["contradiction", "entailment", "neutral"]
    assert ours.max_length == 48
    got = ours.predict(pairs)
    enc = tok([a for a, _ in pairs], [b for _, b in pairs], truncation=True, max_length=48,
              padding=True, return_tensors="pt")
    for i in (0, 7, 123):  # the pair ids, truncation included
        a, b = pairs[i]
        ids, types = ours_ids = pe.WordpieceTokenizer(folder).encode_pair(a, b, 48)
        ref = tok(a, b, truncation=True, max_length=48)
        assert ids == ref["input_ids"] and types == ref["token_type_ids"], ours_ids
    with torch.no_grad():
        ref = model(**enc).logits.numpy()
    diff = float(np.abs(got - ref).max())
    print(f"cross-encoder: {len(pairs)} pairs, max abs diff {diff:.3g}")
    assert diff <= 1e-4


def test_cross_encoder_needs_a_classifier(tmp_path, classifier):
    import shutil
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder, _, tok = classifier
    config = transformers.BertConfig.from_pretrained(folder)
    bare = transformers.BertModel(config)
    out = str(tmp_path / "bare")
    bare.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    with pytest.raises(precis.PrecisError, match=r"no tensor 'classifier.weight'"):
        pe.BertCrossEncoder(out)
    shutil.rmtree(out)
    del torch


def test_nli_support_plugs_into_citations(classifier):
    folder, model, tok = classifier
    judge = pe.nli_support(pe.BertCrossEncoder(folder))
    p = judge("the mayor approved the budget", ["1"], ["the council approved the budget ."])
    assert 0.0 <= p <= 1.0
    result = precis.citations("The council approved the budget [1].",
                              {"1": "The council approved the budget on Tuesday."}, support=judge)
    assert "support" in " ".join(result.keys())
    with pytest.raises(ValueError, match="labels"):
        pe.nli_support(pe.BertCrossEncoder(folder), label="yes")
