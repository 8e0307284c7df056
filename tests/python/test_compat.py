"""precis.compat against the reference packages, number for number, on the repository's texts.

ROUGE must be identical (values and their Python types); sacrebleu's scores must agree within
1e-9 (they are in fact identical: the statistics come from C++ and the final arithmetic follows
sacrebleu's order of operations); counts, lengths and signatures exactly.
"""

import json
import logging
import math
import random
from pathlib import Path

import numpy as np
import pytest

rouge_scorer_ref = pytest.importorskip("rouge_score.rouge_scorer")
sacrebleu_ref = pytest.importorskip("sacrebleu")

from rouge_score import scoring as scoring_ref  # noqa: E402
from rouge_score import tokenize as tokenize_ref  # noqa: E402
from rouge_score import tokenizers as tokenizers_ref  # noqa: E402
from sacrebleu.metrics import BLEU as BLEU_ref, CHRF as CHRF_ref  # noqa: E402

import precis  # noqa: E402
from precis.compat import sacrebleu as sacrebleu_compat  # noqa: E402
from precis.compat.rouge_score import rouge_scorer, scoring, tokenize, tokenizers  # noqa: E402
from precis.compat.sacrebleu.metrics import BLEU, CHRF  # noqa: E402
from precis.compat.sacrebleu.metrics import bleu as bleu_module  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RECORDS = [json.loads(line) for line in
           (ROOT / "examples" / "data" / "articles.jsonl").read_text("utf-8").splitlines()
           if line.strip()]
SUMMARIES = [r["summary"] for r in RECORDS]
REFERENCES = [r["references"] for r in RECORDS]
SOURCES = [r["source"] for r in RECORDS]

# Pairs (target, prediction): every reference and the source of a record against its summary,
# the references against each other, and edge texts.
EDGE = ["", "/", "\n\n", "The KELVIN sign: \u212a and \u0130stanbul.", "a\nb\n\nc", "  \t"]
PAIRS = ([(ref, r["summary"]) for r in RECORDS for ref in r["references"] + [r["source"]]]
         + [(r["references"][0], r["references"][-1]) for r in RECORDS]
         + [(a, b) for a in EDGE for b in EDGE[:3] + [SUMMARIES[0]]])

ROUGE_TYPES = ["rouge1", "rouge2", "rouge3", "rouge9", "rougeL", "rougeLsum"]


def typed(scores):
    """A score dict with the Python type of every value, so 0 and 0.0 differ."""
    return {k: [(type(v).__name__, v) for v in s] for k, s in scores.items()}


# ---- rouge_score -------------------------------------------------------------------------

@pytest.mark.parametrize("use_stemmer", [False, True])
def test_rouge_score_identical(use_stemmer):
    ours = rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=use_stemmer)
    ref = rouge_scorer_ref.RougeScorer(ROUGE_TYPES, use_stemmer=use_stemmer)
    for target, prediction in PAIRS:
        assert typed(ours.score(target, prediction)) == \
            typed(ref.score(target, prediction)), (target, prediction)


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_rouge_score_multi_identical(use_stemmer):
    ours = rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=use_stemmer)
    ref = rouge_scorer_ref.RougeScorer(ROUGE_TYPES, use_stemmer=use_stemmer)
    for r in RECORDS:
        targets = r["references"] + [r["source"], ""]
        assert typed(ours.score_multi(targets, r["summary"])) == \
            typed(ref.score_multi(targets, r["summary"]))
    # ties keep the first target, as np.argmax
    assert ours.score_multi(["a b", "b a"], "a b c") == ref.score_multi(["a b", "b a"], "a b c")


def test_rouge_type_handling_as_reference():
    for types in (["rouge1", "rouge1"], ("rougeLsum",), [], ["rouge1\n"], ["rougeL", "rouge4"]):
        ours = rouge_scorer.RougeScorer(types).score(SUMMARIES[0], REFERENCES[0][0])
        ref = rouge_scorer_ref.RougeScorer(types).score(SUMMARIES[0], REFERENCES[0][0])
        assert list(ours) == list(ref) and typed(ours) == typed(ref)
    for bad in (["rouge0"], ["rouge10"], ["rougen"], ["rouge1", "rougeW"]):
        scorer = rouge_scorer.RougeScorer(bad)  # checked when scoring, as rouge-score does
        with pytest.raises(ValueError) as ours:
            scorer.score("a b", "a")
        with pytest.raises(ValueError) as ref:
            rouge_scorer_ref.RougeScorer(bad).score("a b", "a")
        assert str(ours.value) == str(ref.value)
    with pytest.raises(ValueError):
        rouge_scorer.RougeScorer(["rouge1"]).score_multi([], "a")
    assert rouge_scorer.RougeScorer([]).score_multi([], "a") == {}


def test_rouge_on_random_texts():
    words = ["running", "runs", "the", "cat", "Cats", "it's", "14,000", "caf\u00e9", "\u212aelvin",
             "\u0130stanbul", "\n", "\n", ".", "generously", "a", "b", "b"]
    rng = random.Random(9)

    def text():
        return " ".join(rng.choice(words) for _ in range(rng.randint(0, 14)))

    scorers = [(rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=s),
                rouge_scorer_ref.RougeScorer(ROUGE_TYPES, use_stemmer=s)) for s in (False, True)]
    for _ in range(300):
        target, prediction = text(), text()
        for ours, ref in scorers:
            assert typed(ours.score(target, prediction)) == typed(ref.score(target, prediction))
        targets = [text() for _ in range(rng.randint(1, 3))]
        assert typed(scorers[1][0].score_multi(targets, prediction)) == \
            typed(scorers[1][1].score_multi(targets, prediction))


class WhitespaceTokenizer(tokenizers.Tokenizer):
    """A user tokenizer keeping case, punctuation and any script."""

    def tokenize(self, text):
        return text.split()


class CharacterTokenizer:
    """Duck-typed (no base class): every non-space character, lower-cased."""

    def tokenize(self, text):
        return [c for c in text.lower() if not c.isspace()]


@pytest.mark.parametrize("make", [WhitespaceTokenizer, CharacterTokenizer,
                                  lambda: tokenizers_ref.DefaultTokenizer(use_stemmer=True)])
def test_rouge_custom_tokenizer_identical(make):
    tok = make()
    ours = rouge_scorer.RougeScorer(ROUGE_TYPES, tokenizer=tok)
    ref = rouge_scorer_ref.RougeScorer(ROUGE_TYPES, tokenizer=tok)
    for target, prediction in PAIRS:
        assert typed(ours.score(target, prediction)) == typed(ref.score(target, prediction))
    for r in RECORDS:
        assert ours.score_multi(r["references"], r["summary"]) == \
            ref.score_multi(r["references"], r["summary"])
    only_lsum = rouge_scorer.RougeScorer(["rougeLsum"], tokenizer=tok)
    only_lsum_ref = rouge_scorer_ref.RougeScorer(["rougeLsum"], tokenizer=tok)
    for target, prediction in PAIRS:
        assert only_lsum.score(target, prediction) == only_lsum_ref.score(target, prediction)


def test_rouge_tokenize_module_identical():
    from nltk.stem import porter, snowball

    for text in [t for pair in PAIRS for t in pair]:
        assert tokenize.tokenize(text, None) == tokenize_ref.tokenize(text, None)
        assert tokenize.tokenize(text, porter.PorterStemmer()) == \
            tokenize_ref.tokenize(text, porter.PorterStemmer())
        snow = snowball.SnowballStemmer("english")  # not Porter: the Python path
        assert tokenize.tokenize(text, snow) == tokenize_ref.tokenize(text, snow)
        assert tokenizers.DefaultTokenizer(True).tokenize(text) == \
            tokenizers_ref.DefaultTokenizer(True).tokenize(text)


def test_rouge_private_helpers_identical():
    rng = random.Random(7)
    for _ in range(300):
        ref = [rng.randint(0, 4) for _ in range(rng.randint(0, 12))]
        sents = [[rng.randint(0, 4) for _ in range(rng.randint(0, 8))]
                 for _ in range(rng.randint(0, 3))]
        can = sents[0] if sents else []
        assert rouge_scorer._lcs_table(ref, can) == rouge_scorer_ref._lcs_table(ref, can)
        assert rouge_scorer.lcs_ind(ref, can) == rouge_scorer_ref.lcs_ind(ref, can)
        assert rouge_scorer._union_lcs(ref, sents) == rouge_scorer_ref._union_lcs(ref, sents)
        assert typed({"s": rouge_scorer._summary_level_lcs([ref], sents)}) == \
            typed({"s": rouge_scorer_ref._summary_level_lcs([ref], sents)})
        assert typed({"s": rouge_scorer._score_lcs(ref, can)}) == \
            typed({"s": rouge_scorer_ref._score_lcs(ref, can)})
        for n in (1, 2):
            a = rouge_scorer._create_ngrams(ref, n)
            b = rouge_scorer._create_ngrams(can, n)
            assert a == rouge_scorer_ref._create_ngrams(ref, n)
            assert rouge_scorer._score_ngrams(a, b) == rouge_scorer_ref._score_ngrams(a, b)


@pytest.mark.parametrize("n_samples,block_cells", [(1000, None), (37, 50), (5, 1)])
def test_bootstrap_aggregator_same_numbers_for_same_seed(n_samples, block_cells, monkeypatch):
    if block_cells is not None:
        monkeypatch.setattr(scoring, "_BLOCK_CELLS", block_cells)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL", "rougeLsum"], use_stemmer=True)
    ours = scoring.BootstrapAggregator(confidence_interval=0.9, n_samples=n_samples)
    ref = scoring_ref.BootstrapAggregator(confidence_interval=0.9, n_samples=n_samples)
    for target, prediction in PAIRS:
        ours.add_scores(scorer.score(target, prediction))
        ref.add_scores(rouge_scorer_ref.RougeScorer(
            ["rouge1", "rougeL", "rougeLsum"], use_stemmer=True).score(target, prediction))
    np.random.seed(1234)
    a = ours.aggregate()
    after_ours = np.random.random()
    np.random.seed(1234)
    b = ref.aggregate()
    after_ref = np.random.random()
    assert a == b  # exactly, and the global random state is left where rouge-score leaves it
    assert after_ours == after_ref
    assert isinstance(a["rouge1"], scoring.AggregateScore)
    assert isinstance(a["rouge1"].mid, scoring.Score)


@pytest.mark.parametrize("records", [1, 2, 7, 100, 1500])
def test_bootstrap_aggregator_on_random_scores(records):
    rng = np.random.default_rng(records)
    rows = [scoring.Score(*rng.random(3)) for _ in range(records)]
    ours, ref = scoring.BootstrapAggregator(), scoring_ref.BootstrapAggregator(n_samples=1000)
    for k, row in enumerate(rows):
        ours.add_scores({"a": row, "b": row._replace(fmeasure=k / records)})
        ref.add_scores({"a": row, "b": row._replace(fmeasure=k / records)})
    np.random.seed(99)
    a = ours.aggregate()
    np.random.seed(99)
    assert a == ref.aggregate()


def test_rouge_scores_are_namedtuples():
    s = rouge_scorer.RougeScorer(["rouge1"]).score("a b", "a")["rouge1"]
    assert isinstance(s, scoring.Score) and s._fields == ("precision", "recall", "fmeasure")
    assert isinstance(rouge_scorer.RougeScorer(["rouge1"]), scoring.BaseScorer)
    assert scoring.fmeasure(0.5, 0.25) == scoring_ref.fmeasure(0.5, 0.25)


# ---- sacrebleu ---------------------------------------------------------------------------

def same_bleu(a, b):
    assert abs(a.score - b.score) <= 1e-9
    assert a.score == b.score  # the statistics are exact and so is the arithmetic
    assert (list(a.counts), list(a.totals), a.sys_len, a.ref_len) == \
        (list(b.counts), list(b.totals), b.sys_len, b.ref_len)
    assert list(a.precisions) == list(b.precisions) and a.bp == b.bp
    assert (a.prec_str, a.ratio, a._verbose) == (b.prec_str, b.ratio, b._verbose)
    sig = "nrefs:1|tok:13a"
    assert str(a) == str(b)
    assert a.format(width=4, signature=sig, is_json=True) == \
        b.format(width=4, signature=sig, is_json=True)


def same_chrf(a, b):
    assert abs(a.score - b.score) <= 1e-9
    assert a.score == b.score and a.name == b.name and str(a) == str(b)


BLEU_OPTIONS = [{}, {"tokenize": "intl"}, {"tokenize": "zh"}, {"tokenize": "char"},
                {"tokenize": "none"}, {"lowercase": True}, {"smooth_method": "none"},
                {"smooth_method": "floor"}, {"smooth_method": "floor", "smooth_value": 0.25},
                {"smooth_method": "add-k"}, {"smooth_method": "add-k", "smooth_value": 2},
                {"max_ngram_order": 1}, {"max_ngram_order": 3}, {"max_ngram_order": 5},
                {"max_ngram_order": 6}, {"trg_lang": "zh"}]


@pytest.mark.parametrize("options", BLEU_OPTIONS, ids=lambda o: json.dumps(o))
@pytest.mark.parametrize("effective_order", [False, True])
def test_bleu_identical(options, effective_order):
    ours = BLEU(effective_order=effective_order, **options)
    ref = BLEU_ref(effective_order=effective_order, **options)
    for hyp, refs in zip(SUMMARIES + SOURCES, REFERENCES + REFERENCES):
        same_bleu(ours.sentence_score(hyp, refs), ref.sentence_score(hyp, refs))
        assert str(ours.get_signature()) == str(ref.get_signature())
    streams = [[r[0] for r in REFERENCES], [r[1] if len(r) > 1 else None for r in REFERENCES]]
    same_bleu(ours.corpus_score(SUMMARIES, streams), ref.corpus_score(SUMMARIES, streams))
    assert ours.get_signature().format(short=True) == ref.get_signature().format(short=True)
    assert ours._extract_corpus_statistics(SUMMARIES, streams) == \
        ref._extract_corpus_statistics(SUMMARIES, streams)


@pytest.mark.parametrize("options", [{}, {"word_order": 2}, {"lowercase": True},
                                     {"whitespace": True}, {"eps_smoothing": True}, {"beta": 3},
                                     {"char_order": 8, "word_order": 4}, {"char_order": 0,
                                                                          "word_order": 2},
                                     {"char_order": 10, "word_order": 5}, {"beta": -1}],
                         ids=lambda o: json.dumps(o))
def test_chrf_identical(options):
    ours, ref = CHRF(**options), CHRF_ref(**options)
    for hyp, refs in zip(SUMMARIES + SOURCES, REFERENCES + REFERENCES):
        same_chrf(ours.sentence_score(hyp, refs), ref.sentence_score(hyp, refs))
    streams = [[r[0] for r in REFERENCES], [r[-1] for r in REFERENCES]]
    same_chrf(ours.corpus_score(SUMMARIES, streams), ref.corpus_score(SUMMARIES, streams))
    assert str(ours.get_signature()) == str(ref.get_signature())
    assert ours._extract_corpus_statistics(SUMMARIES, streams) == \
        ref._extract_corpus_statistics(SUMMARIES, streams)


def test_function_api_identical():
    for hyp, refs in zip(SUMMARIES, REFERENCES):
        same_bleu(sacrebleu_compat.sentence_bleu(hyp, refs), sacrebleu_ref.sentence_bleu(hyp, refs))
        same_chrf(sacrebleu_compat.sentence_chrf(hyp, refs, word_order=2),
                  sacrebleu_ref.sentence_chrf(hyp, refs, word_order=2))
    streams = [[r[0] for r in REFERENCES]]
    same_bleu(sacrebleu_compat.corpus_bleu(SUMMARIES, streams),
              sacrebleu_ref.corpus_bleu(SUMMARIES, streams))
    same_bleu(sacrebleu_compat.raw_corpus_bleu(SUMMARIES, streams),
              sacrebleu_ref.raw_corpus_bleu(SUMMARIES, streams))
    same_chrf(sacrebleu_compat.corpus_chrf(SUMMARIES, streams, remove_whitespace=False),
              sacrebleu_ref.corpus_chrf(SUMMARIES, streams, remove_whitespace=False))
    assert sacrebleu_compat.__version__ == sacrebleu_ref.__version__
    assert sacrebleu_compat.extract_char_ngrams("a bc", 2) == \
        sacrebleu_ref.extract_char_ngrams("a bc", 2)
    assert sacrebleu_compat.extract_word_ngrams(["a", "b", "c"], 2) == \
        sacrebleu_ref.extract_word_ngrams(["a", "b", "c"], 2)


def test_cached_references_and_bootstrap_identical():
    streams = [[r[0] for r in REFERENCES], [r[-1] for r in REFERENCES]]
    for ours, ref in ((BLEU(references=streams), BLEU_ref(references=streams)),
                      (CHRF(word_order=2, references=streams),
                       CHRF_ref(word_order=2, references=streams))):
        for hyps in (SUMMARIES, SOURCES, SUMMARIES[:4]):
            a, b = ours.corpus_score(hyps, None), ref.corpus_score(hyps, None)
            assert a.score == b.score and str(a) == str(b)
        a = ours.corpus_score(SUMMARIES, None, n_bootstrap=200)
        b = ref.corpus_score(SUMMARIES, None, n_bootstrap=200)
        assert (a._mean, a._ci) == (b._mean, b._ci) and str(a) == str(b)
        assert str(ours.get_signature()) == str(ref.get_signature())
    with pytest.raises(RuntimeError):
        BLEU().corpus_score(SUMMARIES, None)


EMPTY_CASES = [("a", ["", "a b c"]), ("a b c d e", ["", "a b c"]), ("a", [""]), ("", ["a"]),
               ("abc", ["x", ""]), ("abc", ["", "x"]), ("x y", ["", " ", "x"]), ("", [""]),
               ("a b", ["a b", ""]), ("a b", [None, "a b", ""]), ("a b c", ["a b", None])]


@pytest.mark.parametrize("hyp,refs", EMPTY_CASES)
def test_empty_references_as_sacrebleu(hyp, refs):
    """sacrebleu keeps empty reference strings (length 0, all-zero chrF statistics)."""
    same_bleu(BLEU(effective_order=True).sentence_score(hyp, refs),
              BLEU_ref(effective_order=True).sentence_score(hyp, refs))
    for options in ({}, {"whitespace": True}, {"eps_smoothing": True}, {"word_order": 2}):
        same_chrf(CHRF(**options).sentence_score(hyp, refs),
                  CHRF_ref(**options).sentence_score(hyp, refs))
        streams = [[refs[0], "q r"], [refs[-1], None]] + [[r, "q"] for r in refs[1:-1]]
        same_chrf(CHRF(**options).corpus_score([hyp, "q r"], streams),
                  CHRF_ref(**options).corpus_score([hyp, "q r"], streams))
        same_chrf(CHRF(references=streams, **options).corpus_score([hyp, "q r"], None),
                  CHRF_ref(references=streams, **options).corpus_score([hyp, "q r"], None))
    streams = [[refs[0], "q r"], [refs[-1], None]] + [[r, "q"] for r in refs[1:-1]]
    same_bleu(BLEU(references=streams).corpus_score([hyp, "q r"], None),
              BLEU_ref(references=streams).corpus_score([hyp, "q r"], None))


def test_compute_bleu_identical_on_random_statistics():
    rng = random.Random(3)
    for _ in range(3000):
        order = rng.randint(1, 6)
        total = [rng.randint(0, 6) for _ in range(order)]
        correct = [rng.randint(0, t) for t in total]
        sys_len, ref_len = rng.randint(0, 9), rng.randint(0, 9)
        method = rng.choice(["none", "floor", "add-k", "exp"])
        value = rng.choice([None, 0.0, 0.01, 0.5, 3])
        eff = rng.random() < 0.5
        c1, t1, c2, t2 = list(correct), list(total), list(correct), list(total)
        a = BLEU.compute_bleu(c1, t1, sys_len, ref_len, smooth_method=method, smooth_value=value,
                              effective_order=eff, max_ngram_order=order)
        b = BLEU_ref.compute_bleu(c2, t2, sys_len, ref_len, smooth_method=method,
                                  smooth_value=value, effective_order=eff, max_ngram_order=order)
        assert (a.score, a.precisions, a.bp, a.counts, a.totals) == \
            (b.score, b.precisions, b.bp, b.counts, b.totals)
        assert (c1, t1) == (c2, t2)  # add-k changes the caller's lists, as in sacrebleu


def test_bleu_agrees_with_precis_core():
    for hyp, refs in zip(SUMMARIES + SOURCES, REFERENCES + REFERENCES):
        ours = BLEU(effective_order=True).sentence_score(hyp, refs).score
        assert math.isclose(ours, 100 * precis.bleu(hyp, refs)["score"], rel_tol=0,
                            abs_tol=1e-9)
        chrf = CHRF().sentence_score(hyp, refs).score
        assert math.isclose(chrf, 100 * precis.chrf(hyp, refs)["score"], rel_tol=0,
                            abs_tol=1e-9)


def test_bleu_python_tokenizer_path_identical(monkeypatch):
    """A tokenizer precis does not implement (here sacrebleu's own 13a object) tokenizes in
    Python and the n-grams are matched in C++."""
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    monkeypatch.setattr(bleu_module, "_get_tokenizer", lambda name: Tokenizer13a)
    ours = BLEU(effective_order=True, lowercase=True)
    assert ours._core_options is not None and not ours._core_native
    ref = BLEU_ref(effective_order=True, lowercase=True)
    for hyp, refs in zip(SUMMARIES, REFERENCES):
        same_bleu(ours.sentence_score(hyp, refs), ref.sentence_score(hyp, refs))
    streams = [[r[0] for r in REFERENCES]]
    same_bleu(BLEU(references=streams).corpus_score(SUMMARIES, None),
              BLEU_ref(references=streams).corpus_score(SUMMARIES, None))


def test_errors_and_warnings_as_sacrebleu(caplog):
    for kwargs in ({"tokenize": "no-such"},):
        with pytest.raises(KeyError):
            BLEU(**kwargs)
        with pytest.raises(KeyError):
            BLEU_ref(**kwargs)
    with pytest.raises(AssertionError):
        BLEU(smooth_method="nope")
    for bad in ((1, ["a"]), ("a", "a"), ("a", [1])):
        with pytest.raises(TypeError) as ours:
            BLEU().sentence_score(*bad)
        with pytest.raises(TypeError) as ref:
            BLEU_ref().sentence_score(*bad)
        assert str(ours.value) == str(ref.value)
    with pytest.raises(ValueError):
        BLEU().get_signature()  # nrefs unknown before scoring
    with caplog.at_level(logging.WARNING, logger="sacrebleu"):
        BLEU().sentence_score("a .", ["a ."])
        BLEU().corpus_score(["x ."] * 100, [["x ."] * 100])
    messages = [r.getMessage() for r in caplog.records]
    assert any("effective_order" in m for m in messages)
    assert any("100 lines" in m for m in messages)


def test_tokenizer_objects():
    for name in ("13a", "intl", "zh", "char", "none"):
        ours, ref = BLEU(tokenize=name).tokenizer, BLEU_ref(tokenize=name).tokenizer
        assert ours.signature() == ref.signature()
        trailing = ["a-\n", "a-\n  ", "5. ", "x.\n\n", "(5, ", " ", "", "\u4e2d\u6587 ,\n",
                    "a-<skipped>\n", "&amp;\t"]
        for text in SUMMARIES + SOURCES + ["a-b 5.0, x&amp;y <skipped> (hi)"] + trailing:
            assert ours(text) == ref(text)


def test_tokenizer_objects_on_random_lines():
    pieces = ["a", "5", "-", "\n", " ", "\t", ".", ",", "&amp;", "&quot;", "<skipped>", "(", ")",
              "\u4e2d", "\u2014", "\u00e9", "$", "'", "\u3000", "\u00a0"]
    rng = random.Random(11)
    lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(1500)]
    for name in ("13a", "intl", "zh", "char", "none"):
        ours, ref = BLEU(tokenize=name).tokenizer, BLEU_ref(tokenize=name).tokenizer
        for line in lines:
            assert ours(line) == ref(line), (name, line)


def test_scores_on_random_segments():
    words = ["a", "b", "A", "c.", "(b)", "5,0", "-", "\u4e2d", "\u00c9t\u00e9", "x-y", "&amp;",
             "\u0130", "\u03a3"]
    rng = random.Random(5)

    def text():
        return " ".join(rng.choice(words) for _ in range(rng.randint(0, 9)))

    for _ in range(400):
        hyp = text()
        refs = [text() for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            refs.append("")
        bleu_options = {"tokenize": rng.choice(["13a", "intl", "zh", "char", "none"]),
                        "lowercase": rng.random() < 0.5,
                        "max_ngram_order": rng.choice([1, 2, 4, 4, 5])}
        same_bleu(BLEU(effective_order=True, **bleu_options).sentence_score(hyp, refs),
                  BLEU_ref(effective_order=True, **bleu_options).sentence_score(hyp, refs))
        chrf_options = {"char_order": rng.choice([1, 3, 6]), "word_order": rng.choice([0, 2]),
                        "lowercase": rng.random() < 0.5, "whitespace": rng.random() < 0.3,
                        "eps_smoothing": rng.random() < 0.3}
        same_chrf(CHRF(**chrf_options).sentence_score(hyp, refs),
                  CHRF_ref(**chrf_options).sentence_score(hyp, refs))


def test_not_implemented_parts_come_from_sacrebleu():
    assert sacrebleu_compat.TER is sacrebleu_ref.TER
    assert sacrebleu_compat.corpus_ter is sacrebleu_ref.corpus_ter
    from precis.compat.sacrebleu.metrics import TER

    assert TER is sacrebleu_ref.metrics.TER


@pytest.mark.parametrize("test_type", ["bs", "ar"])
def test_sacrebleu_paired_significance_accepts_compat_metrics(test_type):
    """sacrebleu's PairedTest drives metrics through their statistics methods."""
    from sacrebleu.metrics import CHRF as CHRF_ref_class
    from sacrebleu.significance import PairedTest

    streams = [[r[0] for r in REFERENCES]]
    systems = [("summaries", SUMMARIES), ("sources", SOURCES),
               ("second references", [r[-1] for r in REFERENCES])]
    results = []
    for bleu, chrf in ((BLEU_ref, CHRF_ref_class), (BLEU, CHRF)):
        metrics = {"BLEU": bleu(references=streams), "chrF": chrf(references=streams)}
        signatures, scores = PairedTest(systems, metrics, references=None, test_type=test_type,
                                        n_samples=200)()
        results.append(({k: str(v) for k, v in signatures.items()}, repr(scores)))
    assert results[0] == results[1]


def test_rouge_bytes_as_reference():
    target, prediction = "The cat sat.\nOn the mat été".encode(), b"the cat. on a mat"
    for stem in (False, True):
        types = ["rouge1", "rougeL", "rougeLsum"]
        assert rouge_scorer.RougeScorer(types, use_stemmer=stem).score(target, prediction) == \
            rouge_scorer_ref.RougeScorer(types, use_stemmer=stem).score(target, prediction)


def test_pickling_rebuilds_the_cpp_state():
    import pickle

    streams = [[r[0] for r in REFERENCES]]
    scorer = rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=True)
    before = scorer.score(REFERENCES[0][0], SUMMARIES[0])
    assert pickle.loads(pickle.dumps(scorer)).score(REFERENCES[0][0], SUMMARIES[0]) == before
    for metric in (BLEU(), CHRF(word_order=2), BLEU(references=streams, max_ngram_order=6),
                   BLEU(references=streams), CHRF(references=streams)):
        copy = pickle.loads(pickle.dumps(metric))
        refs = None if metric._ref_segments else streams
        assert copy.corpus_score(SUMMARIES, refs).score == \
            metric.corpus_score(SUMMARIES, refs).score
        assert str(copy.get_signature()) == str(metric.get_signature())
