"""sacrebleu's bootstrap resampling for ``corpus_score(..., n_bootstrap=N)``.

The resampling indices come from ``np.random.default_rng(SACREBLEU_SEED or 12345)`` in one
draw, as in sacrebleu 2.6, so the confidence intervals are the same. Paired significance tests
(``PairedTest``) are not reproduced; use sacrebleu itself for those.
"""

import os
from typing import List, Tuple

import numpy as np


def estimate_ci(scores: np.ndarray) -> Tuple[float, float]:
    """Mean and half the width of the 95% interval (the 1/40 and 39/40 order statistics)."""
    scores = np.sort(scores)
    n = len(scores)
    lower = n // 40
    upper = n - lower - 1
    return scores.mean(), 0.5 * (scores[upper] - scores[lower])


def _bootstrap_resample(stats, metric, n_samples: int = 1000) -> Tuple[str, List]:
    """(seed as a string, one Score per resample of the segments' statistics)."""
    seed = os.environ.get("SACREBLEU_SEED", "12345")
    rng = np.random.default_rng(None if seed.lower() == "none" else int(seed))
    idxs = rng.choice(len(stats), size=(n_samples, len(stats)), replace=True)
    stats_np = np.array(stats, dtype="float32")
    scores = [metric._compute_score_from_stats(sample.sum(0)) for sample in stats_np[idxs]]
    return str(seed).lower(), scores
