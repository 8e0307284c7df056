"""Scores a JSONL file of records on a Dask cluster, one partition per task.

Each partition is scored by precis' batch API (C++, GIL released) inside a worker process; the
scoring function is a plain module-level function, so Dask can pickle it (pybind11 functions
cannot be pickled themselves). Prints the citation metrics by kind of summary.

    PYTHONPATH=build/python .venv/bin/python examples/dask_score.py \
        [--data examples/data/biographies.jsonl] [--workers 2]
"""

import argparse
import json
import os
import tempfile

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ["citation_coverage", "citation_validity", "citation_support", "citation_misattribution",
           "faithfulness"]


def score_partition(records):
    """One partition of records -> one DataFrame with their citation and faithfulness scores."""
    import precis

    records = list(records)
    if not records:
        return [pd.DataFrame()]
    cites = pd.DataFrame(precis.citation_batch(records, threads=1))
    grounded = pd.DataFrame(precis.grounded_batch(records, metrics=["faithfulness"], threads=1))
    cites["faithfulness"] = grounded["faithfulness"]
    cites["kind"] = [r["kind"] for r in records]
    return [cites]


def is_text(record):
    return record["format"] == "text"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(HERE, "data", "biographies.jsonl"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as scratch, \
            LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                         dashboard_address=None, local_directory=scratch) as cluster, \
            Client(cluster):
        bag = db.read_text(args.data, blocksize=16_000).map(json.loads).filter(is_text)
        parts = bag.map_partitions(score_partition).compute()
    table = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    print(f"scored {len(table)} records in {bag.npartitions} partitions, "
          f"{int(table['error'].notna().sum())} failed")
    print(table.groupby("kind")[COLUMNS].mean().round(3).to_string())


if __name__ == "__main__":
    main()
