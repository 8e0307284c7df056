"""Source-grounded metrics: contextual relevance, faithfulness proxies and conciseness.

No references, no models: the summary is compared with its sources (one or many, with ids) and
an optional query. Every result has a headline ``score`` in [0, 1] (higher is better), its
parts, and per-sentence details (byte spans into the summary, the best-supporting source id and
sentence, flags). Docs: docs/metrics/relevance.md, faithfulness.md, conciseness.md.

``sources`` may be a string, a list of strings (ids "1", "2", ...), a dict ``{id: text}``, or a
list of ``{"id": ..., "text": ...}`` dicts.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence

from . import _core

__all__ = [
    "GroundedScorer", "conciseness", "faithfulness", "filler_phrases", "grounded",
    "grounded_batch", "grounded_sentences", "relevance",
]

GROUNDED_METRICS = ("relevance", "faithfulness", "conciseness")


def _grounded_options(stemmer: str = "porter", stem_language: str = "english",
                      filler_language: str = "en", extra_fillers: Sequence[str] = (),
                      budget: Optional[float] = None, budget_unit: str = "words",
                      support_threshold: float = 0.5, redundancy_threshold: float = 0.6,
                      position_prior: bool = True, ignore_citations: bool = True,
                      encoder: Any = None, combine: str = "max",
                      embedding_weight: float = 0.5, subject: Any = None,
                      check_facts: bool = True, fact_cap: float = 0.25,
                      fact_context: float = 0.5, grounding_threshold: float = 0.2,
                      recall_sentences: int = 5, recall_weight: float = 0.25,
                      coverage_sentences: int = 1):
    if encoder is not None:
        from .embed import _as_encoder

        encoder = _as_encoder(encoder)
    return _core.grounded_options(stemmer, stem_language, filler_language, list(extra_fillers),
                                  budget, budget_unit, support_threshold, redundancy_threshold,
                                  position_prior, ignore_citations, encoder, combine,
                                  embedding_weight, subject_names(subject), check_facts,
                                  fact_cap, fact_context, grounding_threshold, recall_sentences,
                                  recall_weight, coverage_sentences)


def subject_names(subject: Any) -> list:
    """A record's subject as a list of names: ``"Maria Lopez"``, ``["Maria Lopez", "Maria"]``
    or ``{"name": "Maria Lopez", "aliases": ["Maria"]}``; None or NaN for none."""
    if subject is None or isinstance(subject, float) and subject != subject:
        return []
    if isinstance(subject, str):
        return [subject]
    if isinstance(subject, Mapping):
        names = [subject["name"]] if subject.get("name") else []
        return names + [str(a) for a in subject.get("aliases") or ()]
    return [str(s) for s in subject]


class GroundedScorer:
    """Sources (and query) analyzed and indexed once; scores many summaries.

    ``score``, ``relevance``, ``faithfulness`` and ``conciseness`` return dicts with per-sentence
    details; ``score_batch`` returns a dict of columns (``pandas.DataFrame(...)`` takes it).
    Thread-safe; the C++ work runs without the GIL.

    ``encoder=`` (a precis ``Encoder`` or a callable ``list[str] -> array``) adds an embedding
    support signal: each summary sentence's best cosine with a source sentence, combined with the
    lexical support by ``combine="max"`` (default) or ``"mix"`` (``(1 - w) lexical + w
    embedding``, ``w = embedding_weight``, default 0.5). Without an encoder support is lexical.
    Sentence details then carry ``lexical_support``, ``embedding_support`` and
    ``embedding_source`` / ``embedding_source_text`` (docs/metrics/faithfulness.md).
    """

    def __init__(self, sources: Any, query: Optional[str] = None, **options: Any):
        self._scorer = _core.GroundedScorer(sources, query, _grounded_options(**options))

    def score(self, summary: str) -> dict:
        """``{"relevance": {...}, "faithfulness": {...}, "conciseness": {...}}``."""
        return self._scorer.score(summary, "all")

    def relevance(self, summary: str) -> dict:
        return self._scorer.score(summary, "relevance")

    def faithfulness(self, summary: str) -> dict:
        return self._scorer.score(summary, "faithfulness")

    def conciseness(self, summary: str) -> dict:
        return self._scorer.score(summary, "conciseness")

    def score_batch(self, summaries: Sequence[str], threads: int = 0) -> dict:
        """Every summary against these sources: a dict of columns plus ``error``."""
        columns, values, errors = self._scorer.score_batch(list(summaries), threads)
        table = {name: values[:, k] for k, name in enumerate(columns)}
        table["error"] = errors
        return table


def grounded(summary: str, sources: Any, query: Optional[str] = None, **options: Any) -> dict:
    """All three metrics of one summary: ``{"relevance", "faithfulness", "conciseness"}``."""
    return GroundedScorer(sources, query, **options).score(summary)


def relevance(summary: str, sources: Any, query: Optional[str] = None, **options: Any) -> dict:
    """Contextual relevance: ``score``, ``alignment``, ``coverage``, ``query_coverage``,
    ``redundancy``, ``diversity``, ``sentences``."""
    return GroundedScorer(sources, query, **options).relevance(summary)


def faithfulness(summary: str, sources: Any, **options: Any) -> dict:
    """Faithfulness proxies: ``score`` (clipped unigram precision), ``clipped_precision``,
    ``over_repeated``, support, novel n-gram ratios, fragments, ``sentences``."""
    return GroundedScorer(sources, None, **options).faithfulness(summary)


def conciseness(summary: str, sources: Any = None, **options: Any) -> dict:
    """Conciseness: ``score``, compression, redundancy, fillers, length penalty, ``sentences``."""
    return GroundedScorer(sources, None, **options).conciseness(summary)


def filler_phrases(language: str = "en") -> list:
    """The built-in filler and hedge phrases of ``language``."""
    return _core.filler_phrases(language)


def _table(rid, columns, values, errors):
    """A batch's (ids, column names, values matrix, errors) as a ScoreTable, one row per record."""
    from . import ScoreTable

    table = ScoreTable()
    table["id"] = rid
    for k, name in enumerate(columns):
        table[name] = values[:, k]
    table["error"] = errors
    table.corpus = {}
    return table


def _columns(records, summaries, sources, queries, ids, summary_field, sources_field,
             query_field, id_field):
    from . import PrecisError

    if records is not None:
        if summaries is not None or sources is not None:
            raise PrecisError("[precis.invalid_argument] give records, or summaries and sources, "
                              "not both")
        rows = records.to_dict("records") if hasattr(records, "to_dict") else list(records)
        summaries, sources, queries, found = [], [], [], []
        for i, rec in enumerate(rows):
            if summary_field not in rec:
                raise PrecisError(f"[precis.invalid_argument] record {i}: field "
                                  f"'{summary_field}' is missing")
            summaries.append(rec[summary_field])
            src = rec.get(sources_field)
            if src is None and sources_field == "sources":
                src = rec.get("source")
            sources.append(src)
            queries.append(rec.get(query_field))
            found.append(str(rec[id_field]) if id_field in rec else str(i))
        ids = ids if ids is not None else found
    if summaries is None or sources is None:
        raise PrecisError("[precis.invalid_argument] give records, or summaries and sources")
    return (list(summaries), list(sources), None if queries is None else list(queries),
            None if ids is None else [str(i) for i in ids])


def grounded_sentences(records: Optional[Iterable[Mapping[str, Any]]] = None, *,
                       summaries: Optional[Sequence[str]] = None,
                       sources: Optional[Sequence[Any]] = None,
                       queries: Optional[Sequence[Optional[str]]] = None,
                       ids: Optional[Sequence[str]] = None, threads: int = 0,
                       summary_field: str = "summary", sources_field: str = "sources",
                       query_field: str = "query", id_field: str = "id", **options: Any) -> dict:
    """Per-sentence details of many records: a dict of columns with one row per summary sentence
    (``record``, ``id``, ``sentence``, ``begin``, ``end``, ``text``, ``support``,
    ``lexical_support``, ``embedding_support``, ``embedding_source``, ``salience``,
    ``best_source``, ``source_begin``, ``source_end``, ``redundant_with``,
    ``novel_bigram_ratio``, ``precision``, ``over_repeated``, ``unsupported_numbers``,
    ``novel_names``, ``fillers``, ``flags``,
    ``error``); ``pandas.DataFrame(...)`` takes it. A record without sentences, or that failed,
    has one row with ``sentence`` None. Runs in C++ without the GIL."""
    s, src, q, i = _columns(records, summaries, sources, queries, ids, summary_field,
                            sources_field, query_field, id_field)
    return _core.grounded_sentences(s, src, q, i, _grounded_options(**options), threads)


def grounded_batch(records: Optional[Iterable[Mapping[str, Any]]] = None, *,
                   summaries: Optional[Sequence[str]] = None,
                   sources: Optional[Sequence[Any]] = None,
                   queries: Optional[Sequence[Optional[str]]] = None,
                   ids: Optional[Sequence[str]] = None,
                   metrics: Sequence[str] = GROUNDED_METRICS, threads: int = 0,
                   summary_field: str = "summary", sources_field: str = "sources",
                   query_field: str = "query", id_field: str = "id", **options: Any):
    """Many records in C++ on ``threads`` threads with the GIL released.

    Give ``records`` (dicts or a DataFrame with ``summary``, ``sources`` (or ``source``) and
    optionally ``query``) or ``summaries`` and ``sources`` (``sources[i]`` for ``summaries[i]``).
    Records with the same sources share one prepared scorer. Returns a ``ScoreTable`` (a dict of
    columns: ``id``, the metric columns, ``error``); ``pandas.DataFrame(table)`` is one call.
    """
    summaries, sources, queries, ids = _columns(records, summaries, sources, queries, ids,
                                                summary_field, sources_field, query_field,
                                                id_field)
    return _table(*_core.grounded_batch(summaries, sources, queries, ids, list(metrics),
                                         _grounded_options(**options), threads))
