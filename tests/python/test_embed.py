"""precis.embed: zero-copy arrays, clear errors, encoders (hashed, callable, precomputed,
cached), metrics against numpy twins, ragged batches, threads."""
import sqlite3

import numpy as np
import pytest

import precis


def _cos(a, b):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    na = np.linalg.norm(a, axis=1, keepdims=True)
    nb = np.linalg.norm(b, axis=1, keepdims=True)
    na[na == 0] = 1
    nb[nb == 0] = 1
    return (a / na) @ (b / nb).T


def test_cosine_similarity_matches_numpy_on_random_arrays():
    rng = np.random.default_rng(0)
    for _ in range(50):
        a = rng.standard_normal((rng.integers(1, 30), 17)).astype(np.float32)
        b = rng.standard_normal((rng.integers(1, 30), 17)).astype(np.float32)
        got = precis.cosine_similarity(a, b, threads=2)
        assert got.dtype == np.float32 and got.shape == (len(a), len(b))
        np.testing.assert_allclose(got, _cos(a, b), atol=2e-5)


def test_array_errors_are_clear():
    a = np.ones((3, 4), np.float32)
    with pytest.raises(TypeError, match=r"a has dtype float64; precis needs float32"):
        precis.cosine_similarity(a.astype(np.float64), a)
    np.testing.assert_allclose(precis.cosine_similarity(a.astype(np.float64), a, copy=True), 1.0,
                               atol=1e-6)
    with pytest.raises(TypeError, match=r"b must be a numpy.ndarray of float32, not list"):
        precis.cosine_similarity(a, [[1.0]])
    with pytest.raises(ValueError, match=r"b must be C-contiguous"):
        precis.cosine_similarity(a, np.ones((4, 6), np.float32)[:, ::2])
    with pytest.raises(ValueError, match=r"must be 1-D or 2-D, not 3-D"):
        precis.cosine_similarity(a, np.ones((1, 2, 4), np.float32))
    with pytest.raises(precis.PrecisError,
                       match=r"^\[precis.invalid_argument\] a has dimension 4 but b has "
                             r"dimension 5$"):
        precis.cosine_similarity(a, np.ones((2, 5), np.float32))
    bad = a.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"^\[precis.invalid_argument\] source: row 2 column 1 "
                                         r"is NaN$"):
        precis.align_sentences(a, bad)
    bad[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"row 2 column 1 is infinite"):
        precis.bertscore(bad, a)
    with pytest.raises(ValueError, match=r"summary: empty matrix \(0 x 4\)"):
        precis.align_sentences(np.zeros((0, 4), np.float32), a)


def test_zero_copy_view_sees_caller_memory():
    # A view into a bigger C-contiguous array is accepted without copying: change the memory
    # and the result changes accordingly.
    base = np.zeros((4, 3), np.float32)
    base[:, 0] = 1
    view = base[1:3]
    assert precis.cosine_similarity(view, base)[0, 0] == pytest.approx(1.0)
    base[1] = [0, 1, 0]
    assert precis.cosine_similarity(view, base)[0, 0] == pytest.approx(0.0)


def test_alignment_and_ragged_batch():
    rng = np.random.default_rng(1)
    sums = [rng.standard_normal((rng.integers(1, 5), 8)).astype(np.float32) for _ in range(40)]
    srcs = [rng.standard_normal((rng.integers(1, 12), 8)).astype(np.float32) for _ in range(40)]
    so = np.concatenate([[0], np.cumsum([len(s) for s in sums])])
    to = np.concatenate([[0], np.cumsum([len(s) for s in srcs])])
    batch = precis.align_sentences_batch(np.vstack(sums), so, np.vstack(srcs), to, threads=2)
    assert len(batch) == 40
    for s, t, r in zip(sums, srcs, batch):
        c = _cos(s, t)
        # The chosen source sentence is a best one (random vectors can tie within float error).
        np.testing.assert_allclose(c[np.arange(len(c)), r["best_source"]], c.max(axis=1),
                                   atol=2e-5)
        np.testing.assert_allclose(r["best_score"], c.max(axis=1), atol=2e-5)
        assert r["score"] == pytest.approx(c.max(axis=1).mean(), abs=2e-5)
        assert r["coverage"] == pytest.approx(c.max(axis=0).mean(), abs=2e-5)
    with pytest.raises(ValueError, match=r"summary_offsets must start at 0 and end at"):
        precis.align_sentences_batch(np.vstack(sums), so[:-1], np.vstack(srcs), to)


def test_bertscore_matches_numpy_twin():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((7, 5)).astype(np.float32)
    y = rng.standard_normal((11, 5)).astype(np.float32)
    wx = rng.random(7).astype(np.float32)
    wy = rng.random(11).astype(np.float32)
    c = _cos(x, y)
    p = (wx * c.max(axis=1)).sum() / wx.sum()
    r = (wy * c.max(axis=0)).sum() / wy.sum()
    got = precis.bertscore(x, y, summary_weights=wx, source_weights=wy)
    assert got["precision"] == pytest.approx(p, abs=1e-5)
    assert got["recall"] == pytest.approx(r, abs=1e-5)
    assert got["f1"] == pytest.approx(2 * p * r / (p + r), abs=1e-5)
    b = (0.1, 0.2, 0.3)
    res = precis.bertscore(x, y, summary_weights=wx, source_weights=wy, baseline=b)
    assert res["precision"] == pytest.approx((p - 0.1) / 0.9, abs=1e-5)


def test_hashed_encoder_threads_and_idf():
    e = precis.HashedEncoder(dimension=256, seed=3)
    texts = [f"text number {i} about cats and dogs" for i in range(300)]
    one = e.encode(texts)
    two = e.encode(texts, threads=2)
    np.testing.assert_array_equal(one, two)
    assert one.shape == (300, 256) and one.dtype == np.float32
    fitted = e.fit_idf(texts)
    assert len(fitted.idf) == 256 and fitted.id != e.id
    assert e.with_idf(fitted.idf).id == fitted.id
    with pytest.raises(TypeError, match="texts must be a list of str, not str"):
        e.encode("just one")


def test_callable_encoder_is_called_in_batches_and_cached(tmp_path):
    calls = []

    def model(texts):
        calls.append(len(texts))
        return np.array([[len(t), t.count("a") + 1.0] for t in texts], dtype=np.float64)

    enc = precis.callable_encoder(model, dimension=2, id="toy")
    out = enc.encode([f"a{'a' * i}" for i in range(10)], batch_size=4)
    assert calls == [4, 4, 2] and out.dtype == np.float32 and out.shape == (10, 2)

    path = tmp_path / "cache.sqlite"
    cached = precis.callable_encoder(model, dimension=2, id="toy", cache=str(path))
    calls.clear()
    first = cached.encode(["x", "ab", "x"])
    second = cached.encode(["ab", "x"])
    assert calls == [3] and cached.hits == 2 and cached.misses == 3
    np.testing.assert_array_equal(first[1], second[0])
    again = precis.CachedEncoder(precis.callable_encoder(model, dimension=2, id="toy"), str(path))
    calls.clear()
    again.encode(["x", "ab"])
    assert calls == [] and again.hits == 2
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM precis_embeddings").fetchone()[0] == 2

    def broken(texts):
        return np.zeros((len(texts), 3))

    with pytest.raises(ValueError, match=r"callback encoder 'b' returned a 1 x 3 matrix for 1 "
                                         r"texts \(expected 1 x 2\)"):
        precis.callable_encoder(broken, dimension=2, id="b").encode(["x"])

    def raises(texts):
        raise RuntimeError("model is down")

    with pytest.raises(RuntimeError, match="model is down"):
        precis.callable_encoder(raises, dimension=2, id="r").encode(["x"])


def test_precomputed_encoder():
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    enc = precis.PrecomputedEncoder("pre", ["a", "b"], v)
    np.testing.assert_array_equal(enc.encode(["b", "a"]), v[::-1])
    with pytest.raises(ValueError, match=r"no vector for text 0 \('c'\)"):
        enc.encode(["c"])


def test_scorer_text_level_and_batch_threads():
    src = ("The city council approved the new budget on Monday. Spending on schools rises by "
           "ten percent. Critics said the plan ignores public transport.")
    scorer = precis.EmbeddingScorer(src, encoder="hashed")
    same = scorer.score(src)
    assert same["document_cosine"] == pytest.approx(1.0, abs=1e-5)
    assert same["bertscore"]["f1"] == pytest.approx(1.0, abs=1e-5)
    good = scorer.score("The council approved a budget raising school spending.")
    bad = scorer.score("A volcano erupted near the island.")
    assert good["alignment"]["score"] > bad["alignment"]["score"]
    assert good["bertscore"]["f1"] > bad["bertscore"]["f1"]
    summaries = ["The council approved a budget.", "Critics disliked the plan.", "bad \udcff"] * 20
    res = scorer.score_batch(summaries, threads=2)
    assert isinstance(res[2], str) and res[2].startswith("[precis.invalid_utf8] record 2:")
    assert res[3]["bertscore"] == res[0]["bertscore"]

    table = precis.embedding_score(summaries[:2] + [""], [src, [src, "Another source."], src],
                                   encoder="hashed", threads=2)
    assert list(table["error"]) == [None, None, None]
    assert table["embedding_cosine"][2] == 0.0
    assert table["bertscore_f1"][0] > 0.2

    # A Python model as encoder, through the text-level scorer, with threads (GIL taken inside).
    def model(texts):
        return precis.HashedEncoder(dimension=64).encode(list(texts))

    t2 = precis.embedding_score(summaries[:2], [src, src], encoder=model, threads=2)
    t3 = precis.embedding_score(summaries[:2], [src, src],
                                encoder=precis.HashedEncoder(dimension=64))
    np.testing.assert_allclose(t2["bertscore_f1"], t3["bertscore_f1"], atol=1e-6)


def test_word_vectors_text_binary_cache_and_oov(tmp_path):
    words = ["the", "cat", "sat"]
    vecs = np.array([[0.5, 0, 0], [1, 2, 3], [-1, 0.25, 4]], np.float32)
    txt = tmp_path / "v.txt"
    txt.write_text("".join(f"{w} " + " ".join(map(str, v)) + "\n" for w, v in zip(words, vecs)))
    binp = tmp_path / "v.bin"
    with open(binp, "wb") as f:
        f.write(b"3 3\n")
        for w, v in zip(words, vecs):
            f.write(w.encode() + b" " + v.astype("<f4").tobytes() + b"\n")
    a = precis.WordVectors(str(txt))
    b = precis.WordVectors(str(binp))
    a.save(str(tmp_path / "v.pwv"))
    c = precis.WordVectors(str(tmp_path / "v.pwv"))
    assert len(a) == len(b) == len(c) == 3 and a.dimension == 3 and "cat" in c
    for wv in (a, b, c):
        enc = precis.WordVectorEncoder(wv, "toy")
        out = enc.encode(["The cat, the dog."])
        np.testing.assert_allclose(out[0], (vecs[0] * 2 + vecs[1]) / 3, rtol=1e-6)
        assert enc.tokens_seen == 4 and enc.oov_tokens == 1
    sif = precis.WordVectorEncoder(a, "toy", pooling="sif", sif_a=0.1,
                                   frequency_corpus=["the the cat"])
    out = sif.encode(["sat"])
    np.testing.assert_allclose(out[0], vecs[2], rtol=1e-6)  # absent from the corpus: weight 1
    with pytest.raises(ValueError, match=r"line 1: value 2 is not a number"):
        (tmp_path / "bad.txt").write_text("a 1 x\n")
        precis.WordVectors(str(tmp_path / "bad.txt"))


def test_lsa_fit_save_load(tmp_path):
    corpus = [f"{w} {w}s and the {v}" for w in ("goal", "vote", "storm") for v in "abcdefgh"]
    lsa = precis.LsaEncoder.fit(corpus, rank=4, dimension=128, seed=1)
    assert lsa.dimension == 4 and len(lsa.singular_values) == 4
    lsa.save(str(tmp_path / "m.lsa"))
    again = precis.LsaEncoder.load(str(tmp_path / "m.lsa"))
    assert again.id == lsa.id
    np.testing.assert_array_equal(again.encode(corpus[:3]), lsa.encode(corpus[:3]))


def test_bertscore_batch_equals_single_and_surrogates():
    rng = np.random.default_rng(5)
    xs = [rng.standard_normal((rng.integers(1, 9), 6)).astype(np.float32) for _ in range(30)]
    ys = [rng.standard_normal((rng.integers(1, 20), 6)).astype(np.float32) for _ in range(30)]
    xo = np.concatenate([[0], np.cumsum([len(x) for x in xs])])
    yo = np.concatenate([[0], np.cumsum([len(y) for y in ys])])
    wx = rng.random(int(xo[-1])).astype(np.float32)
    wy = rng.random(int(yo[-1])).astype(np.float32)
    out = precis.bertscore_batch(np.vstack(xs), xo, np.vstack(ys), yo, summary_weights=wx,
                                 source_weights=wy, threads=2)
    assert out.shape == (30, 3)
    for i in range(30):
        one = precis.bertscore(xs[i], ys[i], summary_weights=wx[xo[i]:xo[i + 1]],
                               source_weights=wy[yo[i]:yo[i + 1]])
        assert out[i].tolist() == [one["f1"], one["precision"], one["recall"]]
    scorer = precis.EmbeddingScorer("A source sentence.", encoder="hashed")
    with pytest.raises(ValueError, match=r"^\[precis.invalid_utf8\] summary: invalid UTF-8"):
        scorer.score("bad \udcff")


def test_relaxed_wmd_matches_numpy():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    y = rng.standard_normal((9, 4)).astype(np.float32)
    d = np.sqrt(((x[:, None, :].astype(np.float64) - y[None, :, :]) ** 2).sum(-1))
    got = precis.relaxed_wmd(x, y)
    assert got["summary_to_source"] == pytest.approx(d.min(axis=1).mean(), abs=1e-4)
    assert got["source_to_summary"] == pytest.approx(d.min(axis=0).mean(), abs=1e-4)
    assert got["distance"] == max(got["summary_to_source"], got["source_to_summary"])
