"""precis on a real local Spark session (PySpark from PyPI, Java 17, local[2]) and MLflow
logging into a local tracking folder."""
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import precis

ROOT = Path(__file__).resolve().parents[2]
METRICS = ["relevance", "faithfulness", "conciseness", "citations"]


def _biographies():
    with open(ROOT / "examples" / "data" / "biographies.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return pd.DataFrame([{"id": r["id"], "kind": r["kind"], "summary": r["summary"],
                          "sources": r["sources"]} for r in rows])


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    pyspark = pytest.importorskip("pyspark", reason="PySpark is in the test extra")
    from pyspark.sql import SparkSession
    local = tmp_path_factory.mktemp("spark")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("precis-test")
               .config("spark.ui.enabled", "false")
               .config("spark.local.dir", str(local))
               .config("spark.sql.warehouse.dir", str(local / "warehouse"))
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.executorEnv.PYTHONPATH", os.environ.get("PYTHONPATH", ""))
               .getOrCreate())
    yield session
    session.stop()


def test_spark_scores_equal_a_direct_call(spark):
    from precis.spark import evaluate_spark
    frame = _biographies()
    bad = frame.index[5]
    frame.loc[bad, "summary"] = None  # a bad row keeps its place and says why
    sdf = spark.createDataFrame(frame).repartition(4)
    scored = evaluate_spark(sdf, METRICS, id="id", keep=["id", "kind"]).toPandas()
    scored = scored.set_index("id").loc[frame["id"]]
    direct = precis.evaluate(frame, METRICS, id="id").set_index("id")
    assert len(scored) == len(frame)
    for column in ("relevance", "faithfulness", "conciseness", "citation_score",
                   "citation_support"):
        np.testing.assert_array_equal(scored[column].to_numpy(), direct[column].to_numpy())
    assert "field 'summary' is missing" in scored.loc[frame.loc[bad, "id"], "error"]
    assert scored["error"].notna().sum() == 1


def test_mlflow_logs_aggregates_the_table_and_the_report(tmp_path, monkeypatch):
    mlflow = pytest.importorskip("mlflow", reason="MLflow is in the test extra")
    # A folder store (mlflow-skinny has no SQL backend; MLflow 3 asks to opt in to folders).
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    mlflow.set_tracking_uri((tmp_path / "mlruns").as_uri())
    mlflow.set_experiment("precis-test")
    frame = _biographies().head(40)
    scores = precis.evaluate(frame, METRICS, id="id")
    verdict = precis.check(scores, {"thresholds": {"citation_support": 0.8}})
    with mlflow.start_run() as run:
        logged = precis.log_to_mlflow(scores, records=frame, verdict=verdict, system="kind")
    client = mlflow.tracking.MlflowClient()
    data = client.get_run(run.info.run_id).data
    assert data.metrics["precis/records"] == 40
    assert data.metrics["precis/faithfulness/mean"] == pytest.approx(scores["faithfulness"].mean())
    assert data.metrics["precis/pass_rate"] == pytest.approx(verdict.pass_rate)
    assert set(logged) <= set(data.metrics)
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"precis_scores.json", "precis_report.html"} <= artifacts
    table = json.loads(Path(client.download_artifacts(run.info.run_id, "precis_scores.json",
                                                      str(tmp_path))).read_text())
    assert len(table["data"]) == 40
