"""precis: scores LLM-written summaries against their sources and references.

Every score is on the 0..1 scale (sacrebleu reports BLEU and chrF on 0..100; precis divides by
100). Batch functions run in C++ with the GIL released and take ``threads=`` (0 = all cores);
they return a :class:`ScoreTable`, which is a ``dict`` of columns, so ``pandas.DataFrame(table)``
(or ``table.to_pandas()``) is one call. A record that cannot be scored keeps its row, with NaN
scores and its reason in the ``error`` column.

Docs: docs/python.md and docs/metrics/*.md in the source tree.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from . import _core
from ._core import PrecisError, normalize, porter_stem, split_sentences, tokenize

__version__ = _core.__version__

__all__ = [
    "PrecisError", "ScoreTable", "BleuScorer", "ChrfScorer", "RougeScorer",
    "bleu", "bleu_batch", "bleu_signature", "chrf", "chrf_batch", "chrf_signature",
    "corpus_bleu", "corpus_chrf", "normalize", "porter_stem", "rouge", "rouge_batch", "score",
    "split_sentences", "tokenize",
]

References = Union[str, Sequence[str]]
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


# ---- options: keyword arguments, one place each --------------------------------------------

def _rouge_options(types=ROUGE_TYPES, tokenizer="unicode", use_stemmer=False, aggregate="max",
                   stemmer="porter", stem_language="english"):
    if isinstance(types, str):
        types = [types]
    return _core.rouge_options(list(types), tokenizer, use_stemmer, aggregate, stemmer,
                               stem_language)


def _bleu_options(tokenize="13a", lowercase=False, smooth_method="exp", smooth_value=None,
                  effective_order=None, max_ngram_order=4):
    return _core.bleu_options(tokenize, lowercase, smooth_method, smooth_value, effective_order,
                              max_ngram_order)


def _chrf_options(char_order=6, word_order=0, beta=2.0, lowercase=False, whitespace=False,
                  eps_smoothing=False):
    return _core.chrf_options(char_order, word_order, beta, lowercase, whitespace, eps_smoothing)


# ---- one summary ---------------------------------------------------------------------------

def rouge(summary: str, references: References, *, types: Sequence[str] = ROUGE_TYPES,
          tokenizer: str = "unicode", use_stemmer: bool = False, aggregate: str = "max",
          stemmer: str = "porter", stem_language: str = "english") -> dict:
    """ROUGE of ``summary`` against one or several references.

    ``tokenizer="rouge_score"`` reproduces Google's rouge-score 0.1.2 exactly (ASCII only);
    the default ``"unicode"`` tokenizes any script. With several references, ``aggregate="max"``
    keeps the best reference per type (as rouge-score), ``"mean"`` averages.
    Returns ``{type: {"f1", "precision", "recall", "overlap", "summary_count",
    "reference_count"}}``.
    """
    return _core.rouge(summary, references, _rouge_options(types, tokenizer, use_stemmer,
                                                           aggregate, stemmer, stem_language))


def bleu(summary: str, references: References, *, tokenize: str = "13a",
         lowercase: bool = False, smooth_method: str = "exp",
         smooth_value: Optional[float] = None, effective_order: Optional[bool] = None,
         max_ngram_order: int = 4) -> dict:
    """Sentence BLEU as sacrebleu's ``BLEU(effective_order=True).sentence_score``, on 0..1."""
    return _core.bleu(summary, references, _bleu_options(tokenize, lowercase, smooth_method,
                                                         smooth_value, effective_order,
                                                         max_ngram_order))


def chrf(summary: str, references: References, *, char_order: int = 6, word_order: int = 0,
         beta: float = 2.0, lowercase: bool = False, whitespace: bool = False,
         eps_smoothing: bool = False) -> dict:
    """Sentence chrF (``word_order=2``: chrF++) as sacrebleu's ``CHRF().sentence_score``, 0..1."""
    return _core.chrf(summary, references, _chrf_options(char_order, word_order, beta, lowercase,
                                                         whitespace, eps_smoothing))


def corpus_bleu(summaries: Sequence[str], references: Sequence[References], *,
                threads: int = 0, **options: Any) -> dict:
    """Corpus BLEU from summed statistics, as sacrebleu's ``BLEU().corpus_score``.

    ``references[i]`` holds the reference(s) of ``summaries[i]``.
    """
    return _core.corpus_bleu(list(summaries), list(references), _bleu_options(**options), threads)


def corpus_chrf(summaries: Sequence[str], references: Sequence[References], *,
                threads: int = 0, **options: Any) -> dict:
    """Corpus chrF from summed statistics, as sacrebleu's ``CHRF().corpus_score``."""
    return _core.corpus_chrf(list(summaries), list(references), _chrf_options(**options), threads)


def bleu_signature(nrefs: int = 1, corpus_level: bool = True, **options: Any) -> str:
    """sacrebleu's signature string for these BLEU options."""
    return _core.bleu_signature(_bleu_options(**options), nrefs, corpus_level)


def chrf_signature(nrefs: int = 1, **options: Any) -> str:
    """sacrebleu's signature string for these chrF options."""
    return _core.chrf_signature(_chrf_options(**options), nrefs)


class RougeScorer:
    """ROUGE against fixed references, prepared once; ``score`` is thread-safe."""

    def __init__(self, references: References, **options: Any):
        self._scorer = _core.RougeScorer(references, _rouge_options(**options))

    def score(self, summary: str) -> dict:
        return self._scorer.score(summary)

    def score_batch(self, summaries: Sequence[str], threads: int = 0) -> list:
        """One dict per summary, or the error message (a str) of a summary that failed."""
        return self._scorer.score_batch(list(summaries), threads)


class BleuScorer:
    """Sentence BLEU against fixed references, tokenized and counted once."""

    def __init__(self, references: References, **options: Any):
        self._scorer = _core.BleuScorer(references, _bleu_options(**options))

    def score(self, summary: str) -> dict:
        return self._scorer.score(summary)


class ChrfScorer:
    """Sentence chrF against fixed references, counted once."""

    def __init__(self, references: References, **options: Any):
        self._scorer = _core.ChrfScorer(references, _chrf_options(**options))

    def score(self, summary: str) -> dict:
        return self._scorer.score(summary)


# ---- many records --------------------------------------------------------------------------

class ScoreTable(dict):
    """Columns of a batch: ``id``, one column per score (numpy arrays), and ``error``.

    ``pandas.DataFrame(table)`` or ``table.to_pandas()`` makes a DataFrame in one call.
    ``table.corpus`` holds corpus-level scores (BLEU and chrF from summed statistics, ROUGE
    as the mean F1 over the records that scored).
    """

    corpus: dict

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(self)

    @property
    def failed(self) -> list:
        """(row, error) of every record that failed."""
        return [(i, e) for i, e in enumerate(self["error"]) if e is not None]


def _records_to_columns(records, summary_field, references_field, id_field):
    summaries, references, ids = [], [], []
    rows = records.to_dict("records") if hasattr(records, "to_dict") else records
    for i, rec in enumerate(rows):
        if summary_field not in rec:
            raise PrecisError(f"[precis.invalid_argument] record {i}: field '{summary_field}' "
                              "is missing")
        summaries.append(rec[summary_field])
        references.append(rec.get(references_field))
        ids.append(str(rec[id_field]) if id_field in rec else str(i))
    return summaries, references, ids


def score(records: Optional[Iterable[Mapping[str, Any]]] = None, *,
          summaries: Optional[Sequence[str]] = None,
          references: Optional[Sequence[References]] = None,
          ids: Optional[Sequence[str]] = None,
          metrics: Sequence[str] = ("rouge1", "rouge2", "rougeL", "rougeLsum", "bleu", "chrf"),
          threads: int = 0, summary_field: str = "summary",
          references_field: str = "references", id_field: str = "id",
          rouge: Optional[Mapping[str, Any]] = None, bleu: Optional[Mapping[str, Any]] = None,
          chrf: Optional[Mapping[str, Any]] = None) -> ScoreTable:
    """Scores many records at once, in C++ on ``threads`` threads with the GIL released.

    Give either ``records`` (a list of dicts or a DataFrame with ``summary`` and ``references``
    fields) or ``summaries`` and ``references`` (``references[i]``: a string or a list of them).
    ``metrics``: rouge1..rouge9, rougeL, rougeLsum, bleu, chrf, chrfpp. ``rouge``, ``bleu`` and
    ``chrf`` take the keyword options of the single-pair functions.
    """
    if records is not None:
        if summaries is not None or references is not None:
            raise PrecisError("[precis.invalid_argument] give records, or summaries and "
                              "references, not both")
        summaries, references, found_ids = _records_to_columns(records, summary_field,
                                                               references_field, id_field)
        ids = ids if ids is not None else found_ids
    if summaries is None or references is None:
        raise PrecisError("[precis.invalid_argument] give records, or summaries and references")
    rid, columns, values, errors, corpus = _core.score_batch(
        list(summaries), list(references), None if ids is None else [str(i) for i in ids],
        list(metrics), _rouge_options(**(rouge or {})), _bleu_options(**(bleu or {})),
        _chrf_options(**(chrf or {})), threads)
    table = ScoreTable()
    table["id"] = rid
    for k, name in enumerate(columns):
        table[name] = values[:, k]
    table["error"] = errors
    table.corpus = corpus
    return table


def rouge_batch(summaries: Sequence[str], references: Sequence[References], *,
                threads: int = 0, types: Sequence[str] = ROUGE_TYPES, **options: Any) -> ScoreTable:
    """ROUGE of ``summaries[i]`` against ``references[i]`` for every i; see :func:`rouge`."""
    return score(summaries=summaries, references=references, metrics=list(types),
                 threads=threads, rouge=options)


def bleu_batch(summaries: Sequence[str], references: Sequence[References], *,
               threads: int = 0, **options: Any) -> ScoreTable:
    """Sentence BLEU of every pair; see :func:`bleu`."""
    return score(summaries=summaries, references=references, metrics=["bleu"], threads=threads,
                 bleu=options)


def chrf_batch(summaries: Sequence[str], references: Sequence[References], *,
               threads: int = 0, **options: Any) -> ScoreTable:
    """Sentence chrF of every pair (``word_order=2``: chrF++); see :func:`chrf`."""
    return score(summaries=summaries, references=references, metrics=["chrf"], threads=threads,
                 chrf=options)

# Areas with modules of their own; their public names are precis' too.
from . import embed as _embed, grounded as _grounded, structured as _structured  # noqa: E402
from . import citations as _citations  # noqa: E402
from .grounded import *  # noqa: F401,F403,E402
from .embed import *  # noqa: F401,F403,E402
from .structured import *  # noqa: F401,F403,E402
from .citations import *  # noqa: F401,F403,E402

__all__ += _grounded.__all__ + _embed.__all__ + _structured.__all__ + _citations.__all__

# Meta-evaluation: precis.stats holds the correlations and bootstrap; the two table functions are
# top-level names too.
from . import stats  # noqa: E402
from .stats import compare_systems, meta_evaluate  # noqa: E402

__all__ += ["stats", "meta_evaluate", "compare_systems"]
from .report import report  # noqa: E402

__all__ += ["report"]
from .evaluate import Evaluation, evaluate  # noqa: E402

__all__ += ["Evaluation", "evaluate"]
from .gate import MetricSet, Verdict, assert_passes, check, load_metric_set  # noqa: E402

__all__ += ["MetricSet", "Verdict", "assert_passes", "check", "load_metric_set"]
from .tracking import log_to_mlflow  # noqa: E402  (imports mlflow only when called)

__all__ += ["log_to_mlflow"]
# The C++ BERT sentence encoder and cross-encoder (docs/encoder.md).
from . import encoder  # noqa: E402
from .encoder import BertCrossEncoder, BertEncoder, find_model, load_encoder  # noqa: E402,F401
__all__ += ["encoder", "BertEncoder", "BertCrossEncoder", "find_model", "load_encoder"]
