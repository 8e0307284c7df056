"""Citation metrics: coverage, validity, support (ALCE-style recall), precision, misattribution,
source utilization and quote check, for summaries with citation markers (``[1]``, ``[1-3]``,
``[^1]``, ``[doc3]``, ``【1†source】``, ``(Source: id)``, footnote lists, your own patterns) or
structured summaries (JSON whose fields carry their sources, reported by JSON Pointer).

Support is judged by the lexical kernel shared with the source-grounded metrics (default;
``word_order=True`` also asks for the claim's word pairs in the cited source; function words
that no source has, like "she" for a post's "I", are left out unless ``function_words="none"``), by an
encoder (``judge="embedding"``, ``encoder=``), by both (``judge="combined"``, ``encoder="bert"``:
max of the lexical and the embedding support, or ``combine="mix"`` with ``embedding_weight``)
or by your function (``support=``, a callable
``(claim: str, ids: list[str], texts: list[str]) -> float`` in [0, 1]). Docs:
docs/metrics/citations.md.

``sources`` may be a string, a list of strings (ids "1", "2", ...), a dict ``{id: text}``, a
list of ``{"id": ..., "text": ...}`` dicts or of ``(id, text)`` pairs.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from . import _core
from .grounded import subject_names

__all__ = [
    "CitationScorer", "citation_batch", "citation_columns", "citations", "parse_citations",
    "structured_citations",
]


def _citation_options(unit: str = "sentence", min_claim_words: int = 1,
                      patterns: Sequence[str] = (), builtin_markers: bool = True,
                      footnotes: bool = True, support_threshold: float = 0.5,
                      judge: Optional[str] = None, word_order: bool = False,
                      encoder: Any = None,
                      support: Optional[Callable[..., float]] = None,
                      min_quote_words: int = 2, stemmer: str = "porter",
                      stem_language: str = "english",
                      value_keys: Optional[Sequence[str]] = None,
                      citation_keys: Optional[Sequence[str]] = None,
                      leaves_are_claims: bool = True, inline_markers: bool = True,
                      max_depth: int = 1000, function_words: str = "en",
                      subject: Any = None, check_facts: bool = True, fact_cap: float = 0.25,
                      fact_context: float = 0.5, min_source_support: float = 0.15,
                      combine: str = "max", embedding_weight: float = 0.5):
    if judge is None:
        judge = "custom" if support is not None else "embedding" if encoder is not None \
            else "lexical"
    if encoder is not None:
        from .embed import _as_encoder

        encoder = _as_encoder(encoder)
    return _core.citation_options(
        unit, min_claim_words, list(patterns), builtin_markers, footnotes, support_threshold,
        judge, word_order, encoder, support, min_quote_words, stemmer, stem_language,
        None if value_keys is None else list(value_keys),
        None if citation_keys is None else list(citation_keys), leaves_are_claims,
        inline_markers, max_depth, function_words, subject_names(subject), check_facts,
        fact_cap, fact_context, min_source_support, combine, embedding_weight)


def citation_columns() -> list:
    """Names of the numeric columns of batch results (``citation_score``, ...)."""
    return _core.citation_columns()


def parse_citations(summary: str) -> dict:
    """The built-in markers (``key``, ``style``, ``begin``, ``end``) and footnotes of a text."""
    return _core.parse_citations(summary)


class CitationScorer:
    """Sources analyzed and indexed once (ids must be distinct); scores many summaries.

    ``score`` returns a dict of the metrics with ``claim_details`` (per claim: text, byte span or
    JSON ``pointer``, citations, cited ids, dangling keys, support, misattribution),
    ``quote_details``, ``dangling`` and ``unused``. ``score_batch`` returns a dict of columns.
    Thread-safe; the C++ work runs without the GIL (a Python ``support`` callable takes it).
    """

    def __init__(self, sources: Any, **options: Any):
        self._scorer = _core.CitationScorer(sources, _citation_options(**options))

    def score(self, summary: str) -> dict:
        """Citation metrics of a plain-text summary with markers."""
        return self._scorer.score(summary, False)

    def score_structured(self, summary: str) -> dict:
        """Citation metrics of a structured (JSON) summary; claims are named by JSON Pointer."""
        return self._scorer.score(summary, True)

    def claims(self, summary: str, structured: bool = False) -> list:
        """The claims and their citation keys, without scoring."""
        return self._scorer.claims(summary, structured)

    def resolve(self, key: str) -> Optional[str]:
        """The source id a citation key names, or None."""
        return self._scorer.resolve(key)

    def support(self, claim: str, cited: Sequence[str]) -> float:
        """Support of ``claim`` by the sources ``cited`` (ids or keys) under this judge."""
        return self._scorer.support(claim, list(cited))

    def score_batch(self, summaries: Sequence[str], threads: int = 0,
                    structured: bool = False) -> dict:
        """Every summary against these sources: a dict of columns plus ``error``."""
        columns, values, errors = self._scorer.score_batch(list(summaries), structured, threads)
        table = {name: values[:, k] for k, name in enumerate(columns)}
        table["error"] = errors
        return table

    def details_batch(self, summaries: Sequence[str], threads: int = 0,
                      structured: bool = False) -> list:
        """One result dict per summary (or the error message, a str, of one that failed)."""
        return self._scorer.details_batch(list(summaries), structured, threads)


def citations(summary: str, sources: Any, **options: Any) -> dict:
    """Citation metrics of one plain-text summary; see :class:`CitationScorer`."""
    return CitationScorer(sources, **options).score(summary)


def structured_citations(summary: str, sources: Any, **options: Any) -> dict:
    """Citation metrics of one structured (JSON) summary; see :class:`CitationScorer`."""
    return CitationScorer(sources, **options).score_structured(summary)


def citation_batch(records: Optional[Iterable[Mapping[str, Any]]] = None, *,
                   summaries: Optional[Sequence[str]] = None,
                   sources: Optional[Sequence[Any]] = None,
                   ids: Optional[Sequence[str]] = None, structured: bool = False,
                   threads: int = 0, summary_field: str = "summary",
                   sources_field: str = "sources", id_field: str = "id", **options: Any):
    """Many records (each with its own sources) in C++ on ``threads`` threads, GIL released.

    Give ``records`` (dicts or a DataFrame with ``summary`` and ``sources``) or ``summaries`` and
    ``sources``. ``structured=True`` reads every summary as JSON. Returns a ``ScoreTable`` (``id``,
    the ``citation_*`` columns, ``error``); ``pandas.DataFrame(table)`` is one call.
    """
    from .grounded import _columns, _table

    summaries, sources, _, ids = _columns(records, summaries, sources, None, ids, summary_field,
                                          sources_field, "query", id_field)
    return _table(*_core.citation_batch(summaries, sources, ids, _citation_options(**options),
                                        structured, threads))
