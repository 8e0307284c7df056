"""Side by side, one process, same arrays: precis.cosine_similarity vs numpy ``a @ b.T``.

Arrays: 4096 x 384 by 4096 x 384 float32 (issue 5), fixed seed. precis normalizes the rows and
then multiplies (one GEMM, Eigen); numpy's line is the raw product on the BLAS numpy is linked
against (printed), so precis does slightly more work. Target: precis within 1.25x of numpy.
Also: hashed encoder throughput (MB/s, one thread and two).

    PYTHONPATH=build/python .venv/bin/python benchmarks/embed_vs_numpy.py
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

import precis


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def blas_name():
    try:
        from numpy.__config__ import get_info  # numpy < 2
        info = get_info("blas_opt_info") or get_info("blas_info")
        return ",".join(info.get("libraries", [])) or "unknown"
    except Exception:  # pragma: no cover
        return "unknown"


def main():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4096, 384), dtype=np.float32)
    b = rng.standard_normal((4096, 384), dtype=np.float32)
    an = a / np.linalg.norm(a, axis=1, keepdims=True)
    bn = b / np.linalg.norm(b, axis=1, keepdims=True)
    ours = precis.cosine_similarity(a, b)
    err = float(np.abs(ours - an @ bn.T).max())
    repeat = int(os.environ.get("REPEAT", "3"))
    t_np = best_of(lambda: a @ b.T, repeat)
    t_np_cos = best_of(lambda: (a / np.linalg.norm(a, axis=1, keepdims=True))
                       @ (b / np.linalg.norm(b, axis=1, keepdims=True)).T, repeat)
    rows = [("numpy a @ b.T", t_np)]
    rows.append(("numpy cosine (normalize + @)", t_np_cos))
    for threads in (1, 2):
        rows.append((f"precis.cosine_similarity threads={threads}",
                     best_of(lambda: precis.cosine_similarity(a, b, threads=threads), repeat)))
    print(f"numpy {np.__version__}, BLAS: {blas_name()}; 4096x384 @ 4096x384.T float32; "
          f"max |precis - numpy cosine| = {err:.2e}")
    flops = 2 * 4096 * 4096 * 384
    for name, t in rows:
        print(f"  {name:42s} {t * 1e3:9.1f} ms  {flops / t / 1e9:7.1f} GFLOP/s  "
              f"ratio vs numpy a@b.T: {t / t_np:5.2f}x")

    data = Path(os.environ.get("PRECIS_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data"))
    texts = []
    with open(data / "summeval-dev.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            texts += [r["source"], r["summary"]]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    enc = precis.HashedEncoder(dimension=384)
    for threads in (1, 2):
        t = best_of(lambda: enc.encode(texts, threads=threads), repeat)
        print(f"  hashed encoder d=384 threads={threads}: {mb / t:7.1f} MB/s ({mb:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
