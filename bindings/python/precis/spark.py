"""precis on Spark: score a Spark DataFrame partition by partition with ``precis.evaluate``
(Arrow-backed ``mapInPandas``), the result another Spark DataFrame with the same rows
(docs/databricks.md).

    from precis.spark import evaluate_spark
    scored = evaluate_spark(spark_df, ["faithfulness", "citations"], id="id")
    scored.write.format("delta").saveAsTable("summaries_scored")

Columns of the input pass through unchanged (``keep=``, default all but the long texts are
kept), followed by the metric columns (double) and ``error`` (string). Each executor scores its
partitions in C++ on ``threads`` threads; nothing is collected on the driver.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional, Sequence

from .evaluate import DEFAULT_METRICS, evaluate

__all__ = ["evaluate_spark", "metric_columns"]


def metric_columns(metrics: Sequence[str], **options: Any) -> list:
    """The score columns ``precis.evaluate`` gives for ``metrics`` (found by scoring one record
    on the driver), so the Spark schema is known before any partition runs."""
    probe = {"summary": "A probe [1].", "sources": [{"id": "1", "text": "A probe."}],
             "references": ["A probe."], "gold": {}}
    keep = {k: v for k, v in options.items() if k in ("schema", "encoder", "rouge", "bleu",
                                                     "chrf", "grounded", "citations")}
    frame = evaluate([probe], metrics, **keep)
    return [c for c in frame.columns if c not in ("id", "error")]


def evaluate_spark(df, metrics: Sequence[str] = DEFAULT_METRICS, *,
                   keep: Optional[Sequence[str]] = None, threads: int = 1, **options: Any):
    """Scores every row of the Spark DataFrame ``df`` (columns as ``precis.evaluate`` reads them:
    ``summary``, ``sources`` as a string, an array of strings or an array of
    ``struct<id, text>``, ``references``, ...). Returns a Spark DataFrame: the ``keep`` columns of
    the input (default: all of them), then one double column per score and ``error``."""
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    keep = list(df.columns if keep is None else keep)
    scores = metric_columns(metrics, **options)
    schema = StructType([df.schema[c] for c in keep] +
                        [StructField(c, DoubleType(), True) for c in scores] +
                        [StructField("error", StringType(), True)])

    def score_partition(frames: Iterator) -> Iterator:
        import pandas as pd
        for frame in frames:
            if frame.empty:
                continue
            frame = frame.reset_index(drop=True)
            result = evaluate(frame, metrics, threads=threads, progress=False, **options)
            out = frame[keep].copy()
            for c in scores:
                out[c] = result[c].astype("float64") if c in result else float("nan")
            out["error"] = result["error"].astype(object).where(result["error"].notna(), None)
            yield pd.DataFrame(out)

    return df.mapInPandas(score_partition, schema=schema)
