"""sacrebleu's ``Score``, ``Signature`` and ``Metric`` base classes.

``Metric`` keeps sacrebleu's flow (argument checks, reference caching with ``num_refs``,
``sentence_score`` as a one-segment corpus, bootstrap confidence intervals) but lets BLEU and
chrF compute the per-segment statistics of a whole corpus in one call into precis' C++ core.
"""

import json
import logging
import statistics
from abc import ABCMeta, abstractmethod
from typing import Any, List, Optional, Sequence

from ..version import __version__

sacrelogger = logging.getLogger("sacrebleu")


class Score:
    """A metric's score with sacrebleu's formatting: ``name``, ``score`` (0..100)."""

    def __init__(self, name: str, score: float):
        self.name = name
        self.score = score
        # Set by estimate_ci after bootstrap resampling.
        self._mean = -1.0
        self._ci = -1.0
        # Details printed after the score.
        self._verbose = ""

    def format(self, width: int = 2, score_only: bool = False, signature: str = "",
               is_json: bool = False) -> str:
        """sacrebleu's text (or JSON with ``is_json``) for this score."""
        sc = f"{self.score:.{width}f}"
        d = {"name": self.name, "score": float(sc), "signature": signature}
        if self._mean > 0:
            mean = f"{self._mean:.{width}f}"
            ci = f"{self._ci:.{width}f}"
            confidence = f"μ = {mean} ± {ci}"
            sc += f" ({confidence})"
            if is_json:
                d["confidence_mean"] = float(mean)
                d["confidence_var"] = float(ci)
                d["confidence"] = confidence
        line = f"{self.name}|{signature}" if signature else self.name
        line = f"{line} = {sc}"
        if self._verbose:
            line += f" {self._verbose}"
            d["verbose_score"] = self._verbose
        if score_only:
            return sc
        if is_json:
            for part in signature.split("|"):
                key, value = part.split(":")
                d[key] = value
            return json.dumps(d, indent=1, ensure_ascii=False)
        return line

    def estimate_ci(self, scores: List["Score"]):
        """Stores the mean and the 95% interval half-width of bootstrap `scores`."""
        raw = sorted(x.score for x in scores)
        lower = len(raw) // 40
        upper = len(raw) - lower - 1
        self._ci = 0.5 * (raw[upper] - raw[lower])
        self._mean = statistics.mean(raw)

    def __repr__(self):
        return self.format()


class Signature:
    """sacrebleu's reproducibility signature, built from a metric's attributes."""

    def __init__(self, args: dict):
        self._abbr = {
            "version": "v", "nrefs": "#", "test": "t", "lang": "l", "subset": "S",
            "origlang": "o", "bs": "bs", "ar": "ar", "seed": "rs",
        }
        if "num_refs" not in args:
            raise ValueError("Number of references unknown, please evaluate the metric first.")
        num_refs = args["num_refs"]
        if num_refs == -1:
            num_refs = "var"
        # Global items; None values are left out of the string.
        self.info = {
            "version": __version__,
            "nrefs": num_refs,
            "bs": args.get("n_bootstrap", None),
            "ar": None,
            "seed": args.get("seed", None),
            "test": args.get("test_set", None),
            "lang": args.get("langpair", None),
            "origlang": args.get("origlang", None),
            "subset": args.get("subset", None),
        }

    def format(self, short: bool = False) -> str:
        """``key:value`` pairs joined by ``|``, version last; ``short`` uses abbreviations."""
        keys = [k for k in self.info if k != "version"] + ["version"]
        pairs = []
        for name in keys:
            value = self.info[name]
            if value is None:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            pairs.append(f"{self._abbr[name] if short else name}:{value}")
        return "|".join(pairs)

    def update(self, key: str, value: Any):
        self.info[key] = value

    def __str__(self):
        return self.format()

    def __repr__(self):
        return self.format()


class Metric(metaclass=ABCMeta):
    """Base class of BLEU and CHRF with sacrebleu's public behaviour."""

    _SIGNATURE_TYPE = Signature

    def __init__(self):
        self._ref_cache = None
        self._ref_segments = None
        # Only BLEU warns about tokenized input; True silences the check for other metrics.
        self._force = True
        self.n_bootstrap = None
        self.seed = None

    # ---- argument checks (sacrebleu's messages) --------------------------------------------

    def _check_sentence_score_args(self, hyp: str, refs: Sequence[str]):
        prefix = self.__class__.__name__
        err = None
        if not isinstance(hyp, str):
            err = "The argument `hyp` should be a string."
        elif isinstance(refs, str) or not isinstance(refs, Sequence):
            err = "The argument `refs` should be a sequence of strings."
        elif not isinstance(refs[0], str) and refs[0] is not None:
            err = "Each element of `refs` should be a string."
        if err:
            raise TypeError(f"{prefix}: {err}")

    def _check_corpus_score_args(self, hyps: Sequence[str],
                                 refs: Optional[Sequence[Sequence[str]]]):
        prefix = self.__class__.__name__
        err = None
        if not isinstance(hyps, Sequence):
            err = "`hyps` should be a sequence of strings."
        elif not isinstance(hyps[0], str):
            err = "Each element of `hyps` should be a string."
        elif any(line is None for line in hyps):
            err = "Undefined line in hypotheses stream!"
        if refs is not None:
            if not isinstance(refs, Sequence):
                err = "`refs` should be a sequence of sequence of strings."
            elif not isinstance(refs[0], Sequence):
                err = "Each element of `refs` should be a sequence of strings."
            elif not isinstance(refs[0][0], str) and refs[0][0] is not None:
                err = "`refs` should be a sequence of sequence of strings."
        if err:
            raise TypeError(f"{prefix}: {err}")

    # ---- what each metric provides ---------------------------------------------------------

    @abstractmethod
    def _compute_score_from_stats(self, stats: List[Any]) -> Any:
        """The score of already summed statistics."""

    @abstractmethod
    def _aggregate_and_compute(self, stats: List[List[Any]]) -> Any:
        """The score of a list of per-segment statistics."""

    @abstractmethod
    def _preprocess_segment(self, sent: str) -> str:
        """The segment as the metric sees it (lower-cased, tokenized)."""

    @abstractmethod
    def _prepare_references(self, segments: List[List[str]]) -> Any:
        """A reference cache (with ``statistics(hypotheses)`` and ``len``) for `segments`."""

    @abstractmethod
    def _statistics(self, hypotheses: List[str], segments: List[List[str]]) -> Any:
        """Per-segment statistics of `hypotheses` against `segments` (same length)."""

    # ---- shared flow -----------------------------------------------------------------------

    def _reference_segments(self, references: Sequence[Sequence[str]]) -> List[List[str]]:
        """The references of each segment (None dropped); sets ``num_refs`` as sacrebleu."""
        segments = []
        counts = set()
        for refs in zip(*references):
            lines = [x for x in refs if x is not None]
            counts.add(len(lines))
            segments.append(lines)
        self.num_refs = next(iter(counts)) if len(counts) == 1 else -1
        return segments

    def _cache_references(self, references: Sequence[Sequence[str]]) -> Any:
        """Prepares the references of a corpus once (the ``references=`` argument)."""
        self._ref_segments = self._reference_segments(references)
        return self._prepare_references(self._ref_segments)

    # ---- pickling: C++ objects are rebuilt, not pickled ------------------------------------

    @abstractmethod
    def _setup_core(self):
        """(Re)creates the C++ options from the metric's attributes."""

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_core_options", None)
        if state.get("_ref_segments") is not None:
            state["_ref_cache"] = None  # rebuilt from _ref_segments
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._setup_core()
        if getattr(self, "_ref_segments", None) is not None:
            self._ref_cache = self._prepare_references(self._ref_segments)

    def _warn_tokenized(self, hypotheses: Sequence[str]):
        if self._force:
            return
        if sum(1 for h in hypotheses if h.endswith(" .")) >= 100:
            sacrelogger.warning("That's 100 lines that end in a tokenized period ('.')")
            sacrelogger.warning("It looks like you forgot to detokenize your test data, which "
                                "may hurt your score.")
            sacrelogger.warning("If you insist your data is detokenized, or don't care, you can "
                                "suppress this message with the `force` parameter.")

    def _corpus_statistics(self, hypotheses: Sequence[str],
                           references: Optional[Sequence[Sequence[str]]]) -> Any:
        """Per-segment statistics (an array or a list of lists), as sacrebleu pairs them."""
        hypotheses = list(hypotheses)
        if references:
            segments = self._reference_segments(references)
            n = min(len(hypotheses), len(segments))
            self._warn_tokenized(hypotheses[:n])
            return self._statistics(hypotheses[:n], segments[:n])
        if self._ref_cache:
            self._warn_tokenized(hypotheses[:len(self._ref_cache)])
            return self._ref_cache.statistics(hypotheses)
        raise RuntimeError("No references provided and the cache is empty.")

    def _extract_corpus_statistics(self, hypotheses: Sequence[str],
                                   references: Optional[Sequence[Sequence[str]]]) -> Any:
        """sacrebleu's per-segment statistics: a list of lists of numbers."""
        stats = self._corpus_statistics(hypotheses, references)
        return stats.tolist() if hasattr(stats, "tolist") else stats

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> Any:
        """The metric of one hypothesis against one or several references."""
        self._check_sentence_score_args(hypothesis, references)
        stats = self._corpus_statistics([hypothesis], [[refs] for refs in references])
        return self._aggregate_and_compute(stats)

    def corpus_score(self, hypotheses: Sequence[str],
                     references: Optional[Sequence[Sequence[str]]],
                     n_bootstrap: int = 1) -> Any:
        """The metric of a corpus; ``references`` holds one stream per reference (or None to use
        the references given at construction). ``n_bootstrap > 1`` adds a 95% confidence
        interval from bootstrap resampling."""
        self._check_corpus_score_args(hypotheses, references)
        stats = self._corpus_statistics(hypotheses, references)
        actual = self._aggregate_and_compute(stats)
        if n_bootstrap > 1:
            from ..significance import _bootstrap_resample

            rows = stats.tolist() if hasattr(stats, "tolist") else stats
            self.n_bootstrap = n_bootstrap
            self.seed, resampled = _bootstrap_resample(rows, self, n_bootstrap)
            actual.estimate_ci(resampled)
        return actual

    def get_signature(self) -> Signature:
        """The reproducibility signature (available once references are known)."""
        return self._SIGNATURE_TYPE(self.__dict__)
