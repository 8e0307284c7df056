"""The examples a notebook user starts from run as shipped: the notebook executes headless and
the Dask script scores every text record on a two-worker cluster with the same numbers as one
direct batch call."""

import json
import os
import subprocess
import sys

import nbclient
import nbformat
import pandas as pd
import pytest

import precis

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EXAMPLES = os.path.join(ROOT, "examples")


def _env():
    # Kernels and workers are fresh interpreters: give them this test's precis.
    env = dict(os.environ)
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(precis.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_dir, env.get("PYTHONPATH")) if p)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def test_notebook_executes(monkeypatch):
    for key, value in _env().items():
        monkeypatch.setenv(key, value)
    folder = os.path.join(EXAMPLES, "notebooks")
    nb = nbformat.read(os.path.join(folder, "evaluate_summaries.ipynb"), as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": folder}}).execute()
    outputs = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                      for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "error" not in [o.get("output_type") for c in nb.cells if c.cell_type == "code"
                           for o in c.outputs]
    assert "wrong_citation" in outputs and "hallucinating" in outputs


def test_dask_example_matches_a_direct_batch():
    data = os.path.join(EXAMPLES, "data", "biographies.jsonl")
    run = subprocess.run([sys.executable, os.path.join(EXAMPLES, "dask_score.py"), "--data", data],
                         env=_env(), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    records = [json.loads(line) for line in open(data, encoding="utf-8")]
    text = [r for r in records if r["format"] == "text"]
    assert lines[0].startswith(f"scored {len(text)} records") and lines[0].endswith(" 0 failed")
    direct = pd.DataFrame(precis.citation_batch(text, threads=0))
    direct["kind"] = [r["kind"] for r in text]
    means = direct.groupby("kind")["citation_support"].mean().round(3)
    printed = {line.split()[0]: float(line.split()[3]) for line in lines[3:]}
    assert printed == pytest.approx(means.to_dict(), abs=1e-9)
