"""rouge-score's ``scoring`` module: score tuples, the scorer base class and bootstrap aggregation.

``BootstrapAggregator`` draws its resamples from NumPy's global random state exactly as
rouge-score 0.1.2 does (one ``np.random.choice`` of the record indices per sample, score types
in the order they were first added), so the same ``np.random.seed`` gives the same intervals.
"""

import abc
import collections
from typing import Dict

import numpy as np


class Score(collections.namedtuple("Score", ["precision", "recall", "fmeasure"])):
    """Tuple containing precision, recall, and f-measure values."""


class BaseScorer(object, metaclass=abc.ABCMeta):
    """Base class for Scorer objects."""

    @abc.abstractmethod
    def score(self, target: str, prediction: str) -> Dict[str, Score]:
        """Calculates score between the target and prediction; a dict of type -> Score."""


class AggregateScore(collections.namedtuple("AggregateScore", ["low", "mid", "high"])):
    """Tuple containing confidence intervals for scores."""


# Resamples are drawn in blocks of at most this many (sample, record) cells, so memory stays
# bounded while the draws leave the global random state in the same order as one
# np.random.choice per sample.
_BLOCK_CELLS = 1 << 20


class BootstrapAggregator(object):
    """Aggregates scores to provide confidence intervals (rouge-score's algorithm)."""

    def __init__(self, confidence_interval=0.95, n_samples=1000):
        if confidence_interval < 0 or confidence_interval > 1:
            raise ValueError("confidence_interval must be in range [0, 1]")
        if n_samples <= 0:
            raise ValueError("n_samples must be positive")
        self._n_samples = n_samples
        self._confidence_interval = confidence_interval
        self._scores = collections.defaultdict(list)

    def add_scores(self, scores):
        """Adds one record's scores: a dict of score type -> score namedtuple."""
        for score_type, score in scores.items():
            self._scores[score_type].append(score)

    def aggregate(self):
        """A dict of score type -> AggregateScore(low, mid, high)."""
        result = {}
        for score_type, scores in self._scores.items():
            matrix = np.vstack(tuple(scores))
            bounds = self._bootstrap_resample(matrix)
            kind = scores[0].__class__
            low, mid, high = (kind(*bounds[j, :]) for j in range(3))
            result[score_type] = AggregateScore(low=low, mid=mid, high=high)
        return result

    def _bootstrap_resample(self, matrix):
        """(3, measures) matrix: the low, mid (0.5) and high percentiles of resampled means."""
        records = matrix.shape[0]
        population = np.arange(records)
        means = np.zeros((self._n_samples, matrix.shape[1]))
        block = max(1, _BLOCK_CELLS // max(records, 1))
        for start in range(0, self._n_samples, block):
            stop = min(start + block, self._n_samples)
            # One draw of shape (samples, records) takes the same values from the legacy
            # generator as `stop - start` draws of `records` indices each.
            picks = np.random.choice(population, size=(stop - start, records))
            # Summed over the records axis one record after another, as np.mean(sample, axis=0)
            # sums each sample, so the means are the same floating-point numbers.
            means[start:stop, :] = np.mean(matrix[picks, :], axis=1)
        delta = (1 - self._confidence_interval) / 2
        q = 100 * np.array([delta, 0.5, 1 - delta])
        return np.percentile(means, q, axis=0)


def fmeasure(precision, recall):
    """Computes f-measure given precision and recall values."""
    if precision + recall > 0:
        return 2 * precision * recall / (precision + recall)
    return 0.0
