"""Thresholds: a metric set in TOML gives pass/fail columns and an overall verdict, and
``assert_passes`` gates a summarizer in a team's CI (docs/gate.md).

    # metrics.toml
    metrics = ["faithfulness", "conciseness", "citations"]

    [thresholds]
    faithfulness = { min = 0.6 }                       # every record
    citation_support = { min = 0.8 }
    citation_misattribution = { max = 0.0 }
    conciseness = { min = 0.9, aggregate = "mean" }    # the mean over records

    [gate]
    min_pass_rate = 0.95                               # share of records that must pass
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

__all__ = ["MetricSet", "Threshold", "Verdict", "assert_passes", "check", "load_metric_set"]


@dataclass(frozen=True)
class Threshold:
    """``min <= value <= max`` per record, or for the mean over records (``aggregate="mean"``)."""
    metric: str
    min: Optional[float] = None
    max: Optional[float] = None
    aggregate: Optional[str] = None  # None: every record; "mean": the mean over records

    def holds(self, value: float) -> bool:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def describe(self) -> str:
        bounds = [f">= {self.min:g}" if self.min is not None else "",
                  f"<= {self.max:g}" if self.max is not None else ""]
        scope = "mean " if self.aggregate == "mean" else ""
        return f"{scope}{self.metric} " + " and ".join(b for b in bounds if b)


@dataclass
class MetricSet:
    """What to compute and what must hold."""
    metrics: List[str] = field(default_factory=list)
    thresholds: List[Threshold] = field(default_factory=list)
    min_pass_rate: float = 1.0


@dataclass
class Verdict:
    """``table``: one ``<metric>_pass`` column per record-level threshold and ``passed``;
    ``aggregates``: {description: (value, held)}; ``passed``: the overall verdict."""
    table: Any
    pass_rate: float
    aggregates: Dict[str, tuple]
    passed: bool
    metric_set: MetricSet

    def __bool__(self) -> bool:
        return self.passed

    def explain(self, worst: int = 5) -> str:
        lines = [f"{'PASSED' if self.passed else 'FAILED'}: {self.pass_rate:.1%} of "
                 f"{len(self.table)} records pass (need {self.metric_set.min_pass_rate:.1%})"]
        for description, (value, held) in self.aggregates.items():
            lines.append(f"  {'ok  ' if held else 'FAIL'} {description}: {value:.4f}")
        failing = self.table[~self.table["passed"]]
        for label, row in failing.head(worst).iterrows():
            broken = [t.describe() for t in self.metric_set.thresholds
                      if t.aggregate is None and not row.get(f"{t.metric}_pass", True)]
            lines.append(f"  record {label}: fails {', '.join(broken) or 'a scoring error'}")
        if len(failing) > worst:
            lines.append(f"  ... and {len(failing) - worst} more records")
        return "\n".join(lines)


def _threshold(metric: str, spec: Union[Mapping[str, Any], float, int]) -> Threshold:
    if isinstance(spec, (int, float)):
        return Threshold(metric, min=float(spec))
    unknown = set(spec) - {"min", "max", "aggregate"}
    if unknown:
        raise ValueError(f"threshold for '{metric}': unknown key(s) {sorted(unknown)} "
                         "(min, max, aggregate)")
    aggregate = spec.get("aggregate")
    if aggregate not in (None, "mean", "record"):
        raise ValueError(f"threshold for '{metric}': aggregate must be 'mean' or 'record'")
    if spec.get("min") is None and spec.get("max") is None:
        raise ValueError(f"threshold for '{metric}' needs min or max")
    return Threshold(metric, spec.get("min"), spec.get("max"),
                     None if aggregate in (None, "record") else aggregate)


def load_metric_set(source: Union[str, Path, Mapping[str, Any]]) -> MetricSet:
    """A metric set from a TOML file (path), TOML text, or an already-parsed dict."""
    if isinstance(source, Mapping):
        data = dict(source)
    else:
        text = str(source)
        path = Path(text)
        if "\n" not in text and path.suffix == ".toml":
            with open(path, "rb") as f:
                data = tomllib.load(f)
        else:
            data = tomllib.loads(text)
    thresholds = [_threshold(m, spec) for m, spec in data.get("thresholds", {}).items()]
    rate = float(data.get("gate", {}).get("min_pass_rate", 1.0))
    if not 0.0 <= rate <= 1.0:
        raise ValueError("gate.min_pass_rate must be within 0..1")
    return MetricSet(list(data.get("metrics", [])), thresholds, rate)


def check(scores, metric_set: Union[MetricSet, str, Path, Mapping[str, Any]]) -> Verdict:
    """Applies a metric set to an evaluation (a DataFrame from ``precis.evaluate``). A record with
    an error, or without the metric, fails that metric's record-level threshold."""
    if not isinstance(metric_set, MetricSet):
        metric_set = load_metric_set(metric_set)
    table = scores.copy()
    passed = table["error"].isna() if "error" in table else None
    aggregates = {}
    for t in metric_set.thresholds:
        if t.metric not in table:
            raise ValueError(f"threshold on '{t.metric}', which the scores do not have "
                             f"(columns: {', '.join(c for c in table.columns if c != 'error')})")
        if t.aggregate == "mean":
            value = float(table[t.metric].mean())
            aggregates[t.describe()] = (value, t.holds(value))
            continue
        column = table[t.metric].map(lambda v, t=t: t.holds(v)).astype(bool)
        table[f"{t.metric}_pass"] = column
        passed = column if passed is None else passed & column
    table["passed"] = passed if passed is not None else True
    rate = float(table["passed"].mean()) if len(table) else 1.0
    verdict = rate >= metric_set.min_pass_rate and all(h for _, h in aggregates.values())
    return Verdict(table, rate, aggregates, verdict, metric_set)


def assert_passes(scores, metric_set: Union[MetricSet, str, Path, Mapping[str, Any]]) -> Verdict:
    """``check`` that raises ``AssertionError`` with the explanation when the gate fails, so a
    pytest test reads ``precis.assert_passes(precis.evaluate(df, ...), "metrics.toml")``."""
    verdict = check(scores, metric_set)
    if not verdict.passed:
        raise AssertionError(verdict.explain())
    return verdict
