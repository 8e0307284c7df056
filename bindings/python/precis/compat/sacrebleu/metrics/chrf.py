"""sacrebleu 2.6's chrF (Popović 2015) and chrF++ (Popović 2017) on precis' C++ core.

Character and word n-gram statistics of the best reference per segment, and the F-score of the
(summed) statistics on sacrebleu's 0..100 scale, come from precis' chrF kernel, which follows
sacrebleu operation by operation. Orders beyond the kernel's (``char_order`` > 8,
``word_order`` > 4) and negative ``beta`` run sacrebleu's algorithm in Python.
"""

import math
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from precis import _core

from ..utils import sum_of_lists
from .base import Metric, Score, Signature
from .helpers import extract_all_char_ngrams, extract_word_ngrams

_CORE_MAX_CHAR_ORDER = 8
_CORE_MAX_WORD_ORDER = 4


class CHRFSignature(Signature):
    """The reproducibility signature of chrF."""

    def __init__(self, args: dict):
        super().__init__(args)
        self._abbr.update({"case": "c", "eff": "e", "nc": "nc", "nw": "nw", "space": "s"})
        self.info.update({
            "case": "lc" if args["lowercase"] else "mixed",
            "eff": "yes" if not args["eps_smoothing"] else "no",
            "nc": args["char_order"],
            "nw": args["word_order"],
            "space": "yes" if args["whitespace"] else "no",
        })


class CHRFScore(Score):
    """A chrF score (0..100); its name is ``chrF<beta>`` plus one ``+`` per word order."""

    def __init__(self, score: float, char_order: int, word_order: int, beta: int):
        self.beta = beta
        self.char_order = char_order
        self.word_order = word_order
        super().__init__(f"chrF{self.beta}" + "+" * self.word_order, score)


class _PythonReferences:
    """Reference cache of the Python path (sacrebleu's n-gram Counters)."""

    def __init__(self, metric: "CHRF", segments: List[List[str]]):
        self._metric = metric
        self._infos = [metric._extract_reference_info(
            [metric._preprocess_segment(r) for r in refs]) for refs in segments]

    def __len__(self):
        return len(self._infos)

    def statistics(self, hypotheses):
        m = self._metric
        n = min(len(hypotheses), len(self._infos))
        return [m._compute_segment_statistics(m._preprocess_segment(h), info)
                for h, info in zip(hypotheses[:n], self._infos)]


class _CoreReferences:
    """Reference cache of the C++ path; fixes up segments that have empty references."""

    def __init__(self, metric: "CHRF", segments: List[List[str]]):
        self._metric = metric
        self._segments = segments
        self._core = _core.CompatChrfReferences(segments, metric._core_options)

    def __len__(self):
        return len(self._segments)

    def statistics(self, hypotheses):
        stats, best = self._core.statistics(hypotheses)
        return self._metric._with_empty_references(stats, best, self._segments)


class CHRF(Metric):
    """Computes the chrF(++) metric given hypotheses and references (sacrebleu's ``CHRF``).

    :param char_order: Character n-gram order.
    :param word_order: Word n-gram order. If equals to 2, the metric is referred to as chrF++.
    :param beta: Determine the importance of recall w.r.t precision.
    :param lowercase: Enable case-insensitivity.
    :param whitespace: If `True`, include whitespaces when extracting character n-grams.
    :param eps_smoothing: If `True`, applies epsilon smoothing similar to reference chrF++.py,
        NLTK and Moses implementations. Otherwise, it takes into account effective match order
        similar to sacreBLEU < 2.0.0.
    :param references: Reference streams to prepare once for scoring many systems.
    """

    CHAR_ORDER = 6

    WORD_ORDER = 0

    BETA = 2

    _PUNCTS = set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')

    _SIGNATURE_TYPE = CHRFSignature

    def __init__(self, char_order: int = CHAR_ORDER,
                 word_order: int = WORD_ORDER,
                 beta: int = BETA,
                 lowercase: bool = False,
                 whitespace: bool = False,
                 eps_smoothing: bool = False,
                 references: Optional[Sequence[Sequence[str]]] = None):
        super().__init__()
        self.beta = beta
        self.char_order = char_order
        self.word_order = word_order
        self.order = self.char_order + self.word_order
        self.lowercase = lowercase
        self.whitespace = whitespace
        self.eps_smoothing = eps_smoothing
        self._setup_core()
        if references is not None:
            self._ref_cache = self._cache_references(references)

    def _setup_core(self):
        """C++ options when the kernel covers these settings, else None (the Python path)."""
        self._core_options = None
        if self._fits_core():
            self._core_options = _core.chrf_options(
                self.char_order, self.word_order, float(self.beta), bool(self.lowercase),
                bool(self.whitespace), bool(self.eps_smoothing))

    def _fits_core(self) -> bool:
        ints = all(isinstance(v, int) for v in (self.char_order, self.word_order))
        return (ints and 0 <= self.char_order <= _CORE_MAX_CHAR_ORDER
                and 0 <= self.word_order <= _CORE_MAX_WORD_ORDER and self.order >= 1
                and isinstance(self.beta, (int, float)) and math.isfinite(self.beta)
                and self.beta >= 0)

    # ---- sacrebleu's algorithm in Python (private API; the fallback path) -------------------

    @staticmethod
    def _get_match_statistics(hyp_ngrams: Counter, ref_ngrams: Counter) -> List[int]:
        """[hypothesis n-grams (0 if the reference has none), reference n-grams, matches]."""
        matches, hyp_count = 0, 0
        for gram, count in hyp_ngrams.items():
            hyp_count += count
            if gram in ref_ngrams:
                matches += min(count, ref_ngrams[gram])
        return [hyp_count if ref_ngrams else 0, sum(ref_ngrams.values()), matches]

    def _remove_punctuation(self, sent: str) -> List[str]:
        """Words, with one ASCII punctuation mark split off the end (or else the start)."""
        words = []
        for w in sent.split():
            if len(w) == 1:
                words.append(w)
            elif w[-1] in self._PUNCTS:
                # '(hi)' becomes '(hi' and ')' (sacrebleu issue #124).
                words += [w[:-1], w[-1]]
            elif w[0] in self._PUNCTS:
                words += [w[0], w[1:]]
            else:
                words.append(w)
        return words

    def _preprocess_segment(self, sent: str) -> str:
        return sent.lower() if self.lowercase else sent

    def _compute_f_score(self, statistics: List[int]) -> float:
        """chrF (0..100) of flat [hyp, ref, match] statistics per order."""
        eps = 1e-16
        score = 0.0
        effective_order = 0
        factor = self.beta ** 2
        avg_prec, avg_rec = 0.0, 0.0
        for i in range(self.order):
            n_hyp, n_ref, n_match = statistics[3 * i: 3 * i + 3]
            prec = n_match / n_hyp if n_hyp > 0 else eps
            rec = n_match / n_ref if n_ref > 0 else eps
            denom = factor * prec + rec
            score += ((1 + factor) * prec * rec / denom) if denom > 0 else eps
            if n_hyp > 0 and n_ref > 0:
                avg_prec += prec
                avg_rec += rec
                effective_order += 1
        if self.eps_smoothing:
            return 100 * score / self.order
        if effective_order == 0:
            avg_prec = avg_rec = 0.0
        else:
            avg_prec /= effective_order
            avg_rec /= effective_order
        if avg_prec + avg_rec:
            score = (1 + factor) * avg_prec * avg_rec
            score /= ((factor * avg_prec) + avg_rec)
            return 100 * score
        return 0.0

    def _extract_reference_info(self, refs: Sequence[str]) -> Dict[str, List[List[Counter]]]:
        ngrams = []
        for ref in refs:
            stats = extract_all_char_ngrams(ref, self.char_order, self.whitespace)
            if self.word_order > 0:
                words = self._remove_punctuation(ref)
                for n in range(self.word_order):
                    stats.append(extract_word_ngrams(words, n + 1))
            ngrams.append(stats)
        return {"ref_ngrams": ngrams}

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: Dict) -> List[int]:
        """Statistics of the reference with the best F-score (the first on ties)."""
        best_stats = []
        best_f = -1.0
        hyp_ngrams = extract_all_char_ngrams(hypothesis, self.char_order, self.whitespace)
        if self.word_order > 0:
            words = self._remove_punctuation(hypothesis)
            hyp_ngrams.extend([extract_word_ngrams(words, n)
                               for n in range(1, self.word_order + 1)])
        for ref_ngrams in ref_kwargs["ref_ngrams"]:
            stats = []
            for h, r in zip(hyp_ngrams, ref_ngrams):
                stats.extend(self._get_match_statistics(h, r))
            f = self._compute_f_score(stats)
            if f > best_f:
                best_f = f
                best_stats = stats
        return best_stats

    # ---- scores ----------------------------------------------------------------------------

    def _compute_score_from_stats(self, stats: List[int]) -> CHRFScore:
        return CHRFScore(self._compute_f_score(stats), self.char_order, self.word_order,
                         self.beta)

    def _aggregate_and_compute(self, stats) -> CHRFScore:
        if hasattr(stats, "sum"):
            if len(stats) == 0:
                raise IndexError("list index out of range")
            summed = stats.sum(axis=0).tolist()
            return CHRFScore(_core.compat_chrf_score100(summed, self._core_options),
                             self.char_order, self.word_order, self.beta)
        return self._compute_score_from_stats(sum_of_lists(stats))

    # ---- statistics ------------------------------------------------------------------------

    def _prepare_references(self, segments: List[List[str]]) -> Any:
        if self._core_options is not None:
            return _CoreReferences(self, segments)
        return _PythonReferences(self, segments)

    def _statistics(self, hypotheses: List[str], segments: List[List[str]]) -> Any:
        if self._core_options is None:
            return _PythonReferences(self, segments).statistics(hypotheses)
        stats, best = _core.compat_chrf_statistics(hypotheses, segments, self._core_options)
        return self._with_empty_references(stats, best, segments)

    def _with_empty_references(self, stats: np.ndarray, best: np.ndarray,
                               segments: List[List[str]]) -> np.ndarray:
        """Applies `_empty_reference_wins` to every segment."""
        for i, refs in enumerate(segments[:len(stats)]):
            if "" in refs and self._empty_reference_wins(stats[i].tolist(), int(best[i]), refs):
                stats[i, :] = 0
        return stats

    def _empty_reference_wins(self, row: List[int], best: int, refs: List[str],
                              f: Optional[float] = None) -> bool:
        """sacrebleu scores an empty reference string (all-zero statistics) and keeps it when
        its F-score is the best, the first on ties; precis skips it. True when it wins over the
        reference precis chose (`best`, with statistics `row` and F-score `f`)."""
        if "" not in refs or all(r == "" for r in refs):
            return False  # all empty: precis scores one empty reference, as sacrebleu's first
        zero_f = _core.compat_chrf_score100([0] * len(row), self._core_options)
        if f is None:
            f = _core.compat_chrf_score100(row, self._core_options)
        return zero_f > f or (zero_f == f and refs.index("") < best)

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> CHRFScore:
        """chrF of one hypothesis against one or several references (the best one counts)."""
        if self._core_options is None:
            return super().sentence_score(hypothesis, references)
        self._check_sentence_score_args(hypothesis, references)
        lines = [r for r in references if r is not None]
        self.num_refs = len(lines)
        if not lines:
            return super().sentence_score(hypothesis, references)
        row, best, f = _core.compat_chrf_sentence(hypothesis, lines, self._core_options)
        if "" in lines and self._empty_reference_wins(row, best, lines, f):
            f = _core.compat_chrf_score100([0] * len(row), self._core_options)
        return CHRFScore(f, self.char_order, self.word_order, self.beta)
