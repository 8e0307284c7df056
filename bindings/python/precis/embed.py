"""Embedding similarity: encoders, document cosine, sentence alignment, BERTScore-style matching.

Arrays are float32, C-contiguous, one vector per row; they pass to C++ without copies. A float64
or non-contiguous array raises ``TypeError``/``ValueError`` unless ``copy=True``. NaN or Inf
raise ``PrecisError`` (a ``ValueError``) naming the row. Docs: docs/embed.md and
docs/metrics/embedding.md.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from . import _core
from . import ScoreTable

__all__ = [
    "Encoder", "HashedEncoder", "PrecomputedEncoder", "CachedEncoder", "WordVectors",
    "WordVectorEncoder", "LsaEncoder", "callable_encoder",
    "cosine_similarity", "document_cosine", "align_sentences", "align_sentences_batch",
    "bertscore", "bertscore_batch", "relaxed_wmd", "EmbeddingScorer", "embedding_score",
]

Encoder = _core.Encoder
HashedEncoder = _core.HashedEncoder
PrecomputedEncoder = _core.PrecomputedEncoder
CachedEncoder = _core.CachedEncoder
WordVectors = _core.WordVectors
LsaEncoder = _core.LsaEncoder
WordVectorEncoder = _core.WordVectorEncoder

_EMBEDDING_COLUMNS = ("embedding_cosine", "alignment_support", "alignment_coverage",
                      "alignment_min_support", "bertscore_f1", "bertscore_precision",
                      "bertscore_recall")


def _arr(x, copy: bool):
    if copy:
        return np.ascontiguousarray(x, dtype=np.float32)
    return x


def callable_encoder(fn: Callable[[list], Any], *, dimension: Optional[int] = None,
                     id: Optional[str] = None, cache: Union[bool, str] = False) -> Encoder:
    """Wraps a Python callable ``list[str] -> array (n, dimension)`` as an encoder.

    precis calls it in batches (``batch_size`` of the scorer). Without ``dimension`` it is called
    once on ``["dimension probe"]`` to find out. ``id`` names the model for caching (default:
    the callable's qualified name). ``cache=True`` keeps vectors in memory, a path stores them in
    an SQLite file.
    """
    if dimension is None:
        dimension = int(np.asarray(fn(["dimension probe"])).shape[-1])
    if id is None:
        id = "python/" + getattr(fn, "__module__", "?") + "." + getattr(fn, "__qualname__",
                                                                          type(fn).__name__)
    enc = _core.callable_encoder(id, int(dimension), fn)
    if cache:
        enc = _core.CachedEncoder(enc, "" if cache is True else str(cache))
    return enc


def cosine_similarity(a, b, *, threads: int = 1, copy: bool = False) -> np.ndarray:
    """Cosine of every row of ``a`` with every row of ``b`` (one GEMM); float32 (len(a), len(b))."""
    return _core.cosine_similarity(_arr(a, copy), _arr(b, copy), threads)


def document_cosine(summary, sources, *, aggregation: str = "max",
                    source_offsets: Optional[Sequence[int]] = None, copy: bool = False) -> dict:
    """Cosine of the summary vector (mean of its normalized rows) with each source.

    ``source_offsets`` groups rows of ``sources`` (chunks) into sources; a source's cosine is the
    max over its chunks. ``aggregation``: ``max`` | ``mean`` | ``centroid``.
    """
    return _core.document_cosine(_arr(summary, copy), _arr(sources, copy), aggregation,
                                 None if source_offsets is None else list(source_offsets))


def align_sentences(summary, source, *, coverage_threshold: float = 0.5,
                    copy: bool = False) -> dict:
    """Each summary sentence's best source sentence (``best_source``, ``best_score``), their mean
    (``score``), the least-supported (``min_support``) and source ``coverage``."""
    return _core.align_sentences(_arr(summary, copy), _arr(source, copy), coverage_threshold)


def align_sentences_batch(summaries, summary_offsets: Sequence[int], sources,
                          source_offsets: Sequence[int], *, coverage_threshold: float = 0.5,
                          threads: int = 1, copy: bool = False) -> list:
    """``align_sentences`` of ragged records: record i is rows
    ``summary_offsets[i]:summary_offsets[i+1]`` against ``source_offsets[i]:source_offsets[i+1]``.
    Runs in C++ on ``threads`` threads with the GIL released."""
    return _core.align_sentences_batch(_arr(summaries, copy), list(summary_offsets),
                                       _arr(sources, copy), list(source_offsets),
                                       coverage_threshold, threads)


def bertscore(summary_tokens, source_tokens, *, summary_weights=None, source_weights=None,
              baseline: Optional[Sequence[float]] = None, copy: bool = False) -> dict:
    """Greedy matching P/R/F1 over token vectors (Zhang et al. 2020); optional IDF weights and
    baseline ``(precision, recall, f1)`` rescaling."""
    w1 = None if summary_weights is None else np.ascontiguousarray(summary_weights, np.float32)
    w2 = None if source_weights is None else np.ascontiguousarray(source_weights, np.float32)
    return _core.bertscore(_arr(summary_tokens, copy), _arr(source_tokens, copy), w1, w2,
                           None if baseline is None else list(baseline))


def bertscore_batch(summary_tokens, summary_offsets: Sequence[int], source_tokens,
                    source_offsets: Sequence[int], *, summary_weights=None, source_weights=None,
                    baseline: Optional[Sequence[float]] = None, threads: int = 1,
                    copy: bool = False) -> np.ndarray:
    """``bertscore`` of ragged records (rows ``offsets[i]:offsets[i+1]``, weights one per row);
    returns a float64 array (records, 3) of F1, precision, recall. GIL released."""
    w1 = None if summary_weights is None else np.ascontiguousarray(summary_weights, np.float32)
    w2 = None if source_weights is None else np.ascontiguousarray(source_weights, np.float32)
    return _core.bertscore_batch(_arr(summary_tokens, copy), list(summary_offsets),
                                 _arr(source_tokens, copy), list(source_offsets), w1, w2,
                                 None if baseline is None else list(baseline), threads)


def relaxed_wmd(summary_words, source_words, *, summary_weights=None, source_weights=None,
                copy: bool = False) -> dict:
    """Relaxed Word Mover's Distance (Kusner et al. 2015), a lower bound of WMD with Euclidean
    costs: ``{"distance", "summary_to_source", "source_to_summary"}``; a distance, not a score."""
    w1 = None if summary_weights is None else np.ascontiguousarray(summary_weights, np.float32)
    w2 = None if source_weights is None else np.ascontiguousarray(source_weights, np.float32)
    return _core.relaxed_wmd(_arr(summary_words, copy), _arr(source_words, copy), w1, w2)


def _as_encoder(encoder):
    if encoder is None:
        return _core.HashedEncoder()
    if isinstance(encoder, _core.Encoder):
        return encoder
    if callable(encoder):
        return callable_encoder(encoder)
    raise TypeError("encoder must be a precis Encoder or a callable list[str] -> array")


class EmbeddingScorer:
    """Sources analyzed and encoded once; ``score(summary)`` encodes only the summary.

    Default encoder: ``HashedEncoder()`` (lexical, no model). Options: ``aggregation``,
    ``chunk_sentences``, ``chunk_stride``, ``coverage_threshold``, ``idf``, ``baseline``,
    ``batch_size``.
    """

    def __init__(self, sources: Union[str, Sequence[str]], encoder=None, **options: Any):
        if isinstance(sources, str):
            sources = [sources]
        self._scorer = _core.EmbeddingScorer(_as_encoder(encoder), list(sources), **options)

    def score(self, summary: str) -> dict:
        return self._scorer.score(summary)

    def score_batch(self, summaries: Sequence[str], threads: int = 1) -> list:
        """One dict per summary, or the error message (a str) of a summary that failed."""
        return self._scorer.score_batch(list(summaries), threads)


def embedding_score(summaries: Sequence[str], sources: Sequence[Union[str, Sequence[str]]], *,
                    encoder=None, threads: int = 1, **options: Any) -> ScoreTable:
    """Embedding scores of ``summaries[i]`` against ``sources[i]`` for every i, in C++ with the
    GIL released. Columns: embedding_cosine, alignment_support, alignment_coverage,
    alignment_min_support, bertscore_f1, bertscore_precision, bertscore_recall, error."""
    values, errors = _core.embedding_batch(_as_encoder(encoder), list(summaries), list(sources),
                                           threads=threads, **options)
    table = ScoreTable()
    table["id"] = [str(i) for i in range(len(errors))]
    for k, name in enumerate(_EMBEDDING_COLUMNS):
        table[name] = values[:, k]
    table["error"] = errors
    table.corpus = {name: float(np.nanmean(values[:, k]))
                    if np.isfinite(values[:, k]).any() else float("nan")
                    for k, name in enumerate(_EMBEDDING_COLUMNS)}
    return table
