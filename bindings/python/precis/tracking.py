"""MLflow logging of an evaluation: aggregate metrics, the per-record table and the HTML report
as artifacts of a run (docs/databricks.md).

    with mlflow.start_run():
        scores = precis.evaluate(df, ["faithfulness", "citations"])
        precis.log_to_mlflow(scores, records=df)          # report included when records given
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any, Optional

__all__ = ["log_to_mlflow"]


def log_to_mlflow(scores, *, records: Optional[Any] = None, verdict: Optional[Any] = None,
                  prefix: str = "precis", report: bool = True, table_name: str = "precis_scores",
                  **report_options: Any) -> dict:
    """Logs to the active MLflow run (one is started if none is): ``<prefix>/<metric>/mean`` and
    ``.../std`` of every score column, ``<prefix>/records`` and ``<prefix>/failed``, the verdict
    of a threshold check (``<prefix>/pass_rate``, ``<prefix>/passed``), the per-record table
    (``<table_name>.json``, via ``mlflow.log_table``) and, when ``records`` are given, the HTML
    report (``<prefix>_report.html``). Returns the metrics it logged."""
    import mlflow

    if mlflow.active_run() is None:
        mlflow.start_run()
    numeric = [c for c in scores.columns
               if c not in ("id", "error") and str(scores[c].dtype).startswith(("float", "int"))]
    logged = {f"{prefix}/records": float(len(scores)),
              f"{prefix}/failed": float(scores["error"].notna().sum()) if "error" in scores else 0.0}
    for c in numeric:
        mean, std = float(scores[c].mean()), float(scores[c].std())
        if not math.isnan(mean):
            logged[f"{prefix}/{c}/mean"] = mean
        if not math.isnan(std):
            logged[f"{prefix}/{c}/std"] = std
    if verdict is not None:
        logged[f"{prefix}/pass_rate"] = float(verdict.pass_rate)
        logged[f"{prefix}/passed"] = float(verdict.passed)
    mlflow.log_metrics(logged)
    table = scores.reset_index().rename(columns={"index": "record"})
    table["record"] = table["record"].astype(str)
    mlflow.log_table(data=table, artifact_file=f"{table_name}.json")
    if report and records is not None:
        from .report import report as write_report
        with tempfile.TemporaryDirectory() as folder:
            path = write_report(records, Path(folder) / f"{prefix}_report.html", **report_options)
            mlflow.log_artifact(str(path))
    return logged
