"""Statistics for meta-evaluation: correlations as scipy computes them, the summary-level and
system-level protocols, and seeded bootstrap intervals that resample documents (docs/stats.md).

Every function takes plain sequences, numpy arrays or pandas Series; groups (documents, systems)
are any hashable labels. The work runs in C++ (``include/precis/stats/``).
"""

from __future__ import annotations

from typing import Any, Hashable, Iterable, Optional, Sequence

import numpy as np

from . import _core

__all__ = [
    "average_ranks", "compare_correlations", "compare_means", "compare_systems", "correlation", "kendall",
    "meta_evaluate", "pearson", "spearman", "summary_level", "summary_level_interval",
    "system_level",
]

METHODS = ("pearson", "spearman", "kendall")


def _floats(values, name):
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if np.isnan(array).any():
        raise ValueError(f"{name} has NaN at position {int(np.flatnonzero(np.isnan(array))[0])}; "
                         "drop those rows first")
    return array


def _codes(labels: Iterable[Hashable]) -> np.ndarray:
    """Group labels as int64 codes in order of first appearance."""
    seen: dict = {}
    return np.fromiter((seen.setdefault(label, len(seen)) for label in labels), dtype=np.int64)


def average_ranks(values) -> np.ndarray:
    """Ranks 1..n, ties sharing their average rank (``scipy.stats.rankdata``)."""
    return _core.average_ranks(_floats(values, "values"))


def correlation(x, y, method: str = "spearman") -> float:
    """``pearson``, ``spearman``, ``kendall`` (tau-b, scipy's default), ``kendall_b`` or
    ``kendall_c`` of x and y; NaN when undefined (fewer than two values, a constant side)."""
    return _core.correlation(_floats(x, "x"), _floats(y, "y"), method)


def pearson(x, y) -> float:
    """Pearson's r, as ``scipy.stats.pearsonr(x, y).statistic``."""
    return correlation(x, y, "pearson")


def spearman(x, y) -> float:
    """Spearman's rho (average ranks for ties), as ``scipy.stats.spearmanr(x, y).statistic``."""
    return correlation(x, y, "spearman")


def kendall(x, y, variant: str = "b") -> float:
    """Kendall's tau-b or tau-c, as ``scipy.stats.kendalltau(x, y, variant=...).statistic``."""
    if variant not in ("b", "c"):
        raise ValueError(f"variant must be 'b' or 'c', not {variant!r}")
    return correlation(x, y, "kendall_" + variant)


def summary_level(metric, human, documents, method: str = "spearman") -> dict:
    """Per document, the correlation over its summaries; then the mean over documents. Documents
    where either side is constant, or with one summary, are skipped (the G-Eval/UniEval protocol).
    Returns ``{"value", "documents_used", "documents_skipped"}``."""
    return _core.summary_level(_floats(metric, "metric"), _floats(human, "human"),
                               _codes(documents), method)


def system_level(metric, human, systems, method: str = "spearman") -> float:
    """The correlation of the per-system means."""
    return _core.system_level(_floats(metric, "metric"), _floats(human, "human"),
                              _codes(systems), method)


def summary_level_interval(metric, human, documents, method: str = "spearman", *,
                           resamples: int = 1000, confidence: float = 0.95,
                           seed: int = 0) -> dict:
    """Summary-level correlation with a percentile bootstrap interval over documents (a resampled
    document brings all its summaries). Returns ``{"estimate", "low", "high",
    "resamples_used"}``; the same seed gives the same interval on every platform."""
    return _core.summary_level_interval(_floats(metric, "metric"), _floats(human, "human"),
                                        _codes(documents), method, resamples, confidence, seed)


def compare_correlations(metric_a, metric_b, human, documents, method: str = "spearman", *,
                         resamples: int = 1000, confidence: float = 0.95, seed: int = 0) -> dict:
    """Paired bootstrap over documents of the difference between two metrics' summary-level
    correlations with the same human ratings (after Deutsch, Dror and Roth 2021). Returns
    ``{"estimate", "low", "high", "resamples_used", "p_value"}`` (two-sided)."""
    return _core.compare_correlations(_floats(metric_a, "metric_a"), _floats(metric_b, "metric_b"),
                                      _floats(human, "human"), _codes(documents), method,
                                      resamples, confidence, seed)


def compare_means(a, b, *, resamples: int = 1000, confidence: float = 0.95, seed: int = 0) -> dict:
    """Paired bootstrap of mean(a) - mean(b) where a[i] and b[i] score the same document
    (Koehn 2004). Returns ``{"estimate", "low", "high", "resamples_used", "p_value"}``."""
    return _core.compare_means(_floats(a, "a"), _floats(b, "b"), resamples, confidence, seed)


# ---- tables ------------------------------------------------------------------------------------

def _frame(data):
    import pandas as pd  # optional dependency: only the table functions need it
    return data if isinstance(data, pd.DataFrame) else pd.DataFrame(dict(data))


def meta_evaluate(results, human, *, metrics: Optional[Sequence[str]] = None,
                  document: str = "doc_id", system: Optional[str] = None,
                  methods: Sequence[str] = METHODS, resamples: int = 1000,
                  confidence: float = 0.95, seed: int = 0):
    """Every metric against every human label, as a DataFrame with one row per (metric, human
    label, method, level): the summary-level correlation with its bootstrap interval and, when
    ``system`` names a column, the system-level correlation.

    ``results`` is a DataFrame (or dict of columns) with the metric columns and the ``document``
    column; ``human`` is a DataFrame of human labels aligned with it row by row, or the names of
    columns of ``results``. Rows where a metric or label is missing are left out of that pair.
    """
    import pandas as pd
    table = _frame(results).reset_index(drop=True)
    if isinstance(human, str):
        human = [human]
    labels = (table[list(human)] if isinstance(human, (list, tuple))
              else _frame(human).reset_index(drop=True))
    if len(labels) != len(table):
        raise ValueError(f"human has {len(labels)} rows, results {len(table)}")
    if metrics is None:
        skip = {document, system, "id", "error", *labels.columns}
        metrics = [c for c in table.columns
                   if c not in skip and pd.api.types.is_numeric_dtype(table[c])]
    rows = []
    for metric in metrics:
        for label in labels.columns:
            keep = table[metric].notna() & labels[label].notna()
            x = table.loc[keep, metric].to_numpy(np.float64)
            y = labels.loc[keep, label].to_numpy(np.float64)
            docs = table.loc[keep, document].tolist()
            for method in methods:
                ci = summary_level_interval(x, y, docs, method, resamples=resamples,
                                            confidence=confidence, seed=seed)
                used = summary_level(x, y, docs, method)
                rows.append({"metric": metric, "human": label, "method": method,
                             "level": "summary", "value": ci["estimate"], "low": ci["low"],
                             "high": ci["high"], "documents": used["documents_used"],
                             "n": int(keep.sum())})
                if system is not None:
                    systems = table.loc[keep, system].tolist()
                    rows.append({"metric": metric, "human": label, "method": method,
                                 "level": "system",
                                 "value": system_level(x, y, systems, method),
                                 "low": np.nan, "high": np.nan,
                                 "documents": used["documents_used"], "n": int(keep.sum())})
    return pd.DataFrame(rows)


def compare_systems(results, metric: str, *, system: str = "system_id",
                    document: str = "doc_id", resamples: int = 1000, confidence: float = 0.95,
                    seed: int = 0):
    """Systems ranked by their mean ``metric``, each with a bootstrap interval of its mean and a
    paired bootstrap against the system ranked just above it on the documents both scored.
    Returns a DataFrame: system, mean, low, high, documents, vs (the system above),
    difference, difference_low, difference_high, p_value."""
    import pandas as pd
    table = _frame(results)
    table = table[table[metric].notna()]
    by_system = {s: g.groupby(document)[metric].mean() for s, g in table.groupby(system, sort=False)}
    ranked = sorted(by_system, key=lambda s: -by_system[s].mean())
    rows = []
    for rank, name in enumerate(ranked):
        scores = by_system[name]
        own = compare_means(scores.to_numpy(), np.zeros(len(scores)), resamples=resamples,
                            confidence=confidence, seed=seed)
        row: dict[str, Any] = {"system": name, "mean": own["estimate"], "low": own["low"],
                               "high": own["high"], "documents": len(scores), "vs": None,
                               "difference": np.nan, "difference_low": np.nan,
                               "difference_high": np.nan, "p_value": np.nan}
        if rank > 0:
            above = by_system[ranked[rank - 1]]
            shared = scores.index.intersection(above.index)
            if len(shared) > 0:
                diff = compare_means(scores[shared].to_numpy(), above[shared].to_numpy(),
                                     resamples=resamples, confidence=confidence, seed=seed)
                row.update(vs=ranked[rank - 1], difference=diff["estimate"],
                           difference_low=diff["low"], difference_high=diff["high"],
                           p_value=diff["p_value"])
        rows.append(row)
    return pd.DataFrame(rows)
