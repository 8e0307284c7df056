"""sacrebleu 2.6's BLEU (Papineni et al., 2002) on precis' C++ core.

Tokenizing and n-gram matching (nearly all of the time) run in C++ for whole corpora at once;
the score is then computed from the sufficient statistics by ``BLEU.compute_bleu``, which does
sacrebleu's arithmetic on its 0..100 scale in sacrebleu's order of operations, so scores,
precisions and brevity penalties are the same floating-point numbers.

Paths: the ``13a``, ``intl``, ``zh``, ``char`` and ``none`` tokenizers with ``max_ngram_order``
1..4 are computed in C++. Other tokenizers (from an installed sacrebleu) tokenize in Python and
match in C++. Orders above 4 (precis' kernel stops at 4) count n-grams in Python on the C++
tokenizer's output.
"""

import logging
import math
from typing import Any, Dict, List, Optional, Sequence

from precis import _core

from ..tokenizers import _core_tokenizers
from ..utils import sum_of_lists
from .base import Metric, Score, Signature
from .helpers import extract_all_word_ngrams

sacrelogger = logging.getLogger("sacrebleu")

# The default for the maximum n-gram order when computing precisions
MAX_NGRAM_ORDER = 4

# precis' BLEU kernel handles orders 1..4.
_CORE_MAX_ORDER = 4

_TOKENIZERS = {
    "none": "tokenizer_none.NoneTokenizer",
    "zh": "tokenizer_zh.TokenizerZh",
    "13a": "tokenizer_13a.Tokenizer13a",
    "intl": "tokenizer_intl.TokenizerV14International",
    "char": "tokenizer_char.TokenizerChar",
    "ja-mecab": "tokenizer_ja_mecab.TokenizerJaMecab",
    "ko-mecab": "tokenizer_ko_mecab.TokenizerKoMecab",
    "spm": "tokenizer_spm.TokenizerSPM",
    "flores101": "tokenizer_spm.Flores101Tokenizer",
    "flores200": "tokenizer_spm.Flores200Tokenizer",
    "spBLEU-1K": "tokenizer_spm.spBLEU1KTokenizer",
}


def _get_tokenizer(name: str):
    """The tokenizer class sacrebleu calls `name` (precis' for the five it implements)."""
    module_name, class_name = _TOKENIZERS[name].rsplit(".", 1)
    if name in _core_tokenizers.NATIVE:
        return _core_tokenizers.NATIVE[name]
    from .. import _reference

    module = _reference.load(f"sacrebleu.tokenizers.{module_name}", f"the '{name}' tokenizer")
    return getattr(module, class_name)


# C++ options by (tokenizer, lowercase, max_ngram_order); the smoothing does not affect the
# statistics, which are all C++ computes here.
_OPTIONS: Dict[tuple, Any] = {}


def _reference_text(ref: str) -> str:
    # precis skips empty reference strings; sacrebleu keeps them as references of length 0,
    # which a whitespace-only reference reproduces exactly (BLEU right-strips every line).
    return ref if ref else " "


class BLEUSignature(Signature):
    """The reproducibility signature of BLEU."""

    def __init__(self, args: dict):
        super().__init__(args)
        self._abbr.update({"case": "c", "eff": "e", "tok": "tok", "smooth": "s"})
        smooth = args["smooth_method"]
        default = BLEU.SMOOTH_DEFAULTS[smooth]
        if default is not None:
            value = args["smooth_value"]
            if value is None:
                value = default
            smooth += f"[{value:.2f}]"
        self.info.update({
            "case": "lc" if args["lowercase"] else "mixed",
            "eff": "yes" if args["effective_order"] else "no",
            "tok": args["tokenizer_signature"],
            "smooth": smooth,
        })


class BLEUScore(Score):
    """A BLEU score (0..100) with its n-gram counts, precisions and brevity penalty."""

    def __init__(self, score: float, counts: List[int], totals: List[int],
                 precisions: List[float], bp: float, sys_len: int, ref_len: int):
        super().__init__("BLEU", score)
        self.bp = bp
        self.counts = counts
        self.totals = totals
        self.sys_len = sys_len
        self.ref_len = ref_len
        self.precisions = precisions
        self.ratio = self.sys_len / self.ref_len if self.ref_len else 0
        # prec_str and _verbose (sacrebleu's text) are built on first use, see __getattr__.
        del self._verbose

    def __getattr__(self, name):
        # Only called for attributes not set yet: the two strings sacrebleu builds eagerly.
        if name == "prec_str":
            value = "/".join([f"{p:.1f}" for p in self.precisions])
        elif name == "_verbose":
            value = (f"{self.prec_str} (BP = {self.bp:.3f} ratio = {self.ratio:.3f} "
                     f"hyp_len = {self.sys_len:d} ref_len = {self.ref_len:d})")
        else:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self.__dict__[name] = value
        return value


class _PythonReferences:
    """Reference cache for the paths that prepare text in Python."""

    def __init__(self, metric: "BLEU", segments: List[List[str]]):
        self._metric = metric
        self._segments = segments
        self._core = None
        if metric._core_options is not None:
            prepared = [[_reference_text(metric._preprocess_segment(r)) for r in refs]
                        for refs in segments]
            self._core = _core.CompatBleuReferences(prepared, metric._core_options)
        else:
            self._infos = [metric._extract_reference_info(
                [metric._preprocess_segment(r) for r in refs]) for refs in segments]

    def __len__(self):
        return len(self._segments)

    def statistics(self, hypotheses):
        metric = self._metric
        n = min(len(hypotheses), len(self._segments))
        hyps = [metric._preprocess_segment(h) for h in hypotheses[:n]]
        if self._core is not None:
            return self._core.statistics(hyps)
        return [metric._compute_segment_statistics(h, info) for h, info in zip(hyps, self._infos)]


class BLEU(Metric):
    """Computes the BLEU metric given hypotheses and references (sacrebleu's ``BLEU``).

    :param lowercase: If True, lowercased BLEU is computed.
    :param force: Ignore data that looks already tokenized.
    :param tokenize: The tokenizer to use. If None, defaults to language-specific tokenizers with
        '13a' as the fallback default.
    :param smooth_method: 'floor', 'add-k', 'exp' or 'none'.
    :param smooth_value: The smoothing value for `floor` and `add-k`; None means the default.
    :param max_ngram_order: The maximum n-gram order (default: 4).
    :param effective_order: If True, stop including n-gram orders for which precision is 0
        (recommended for sentence-level BLEU).
    :param trg_lang: An optional language code to raise potential tokenizer warnings.
    :param references: Reference streams to prepare once for scoring many systems.
    """

    SMOOTH_DEFAULTS: Dict[str, Optional[float]] = {
        "none": None,
        "floor": 0.1,
        "add-k": 1,
        "exp": None,
    }

    TOKENIZERS = _TOKENIZERS.keys()

    TOKENIZER_DEFAULT = "13a"

    _TOKENIZER_MAP = {
        "zh": "zh",
        "ja": "ja-mecab",
        "ko": "ko-mecab",
    }

    _SIGNATURE_TYPE = BLEUSignature

    def __init__(self, lowercase: bool = False,
                 force: bool = False,
                 tokenize: Optional[str] = None,
                 smooth_method: str = "exp",
                 smooth_value: Optional[float] = None,
                 max_ngram_order: int = MAX_NGRAM_ORDER,
                 effective_order: bool = False,
                 trg_lang: str = "",
                 references: Optional[Sequence[Sequence[str]]] = None):
        super().__init__()
        self._force = force
        self.trg_lang = trg_lang
        self.lowercase = lowercase
        self.smooth_value = smooth_value
        self.smooth_method = smooth_method
        self.max_ngram_order = max_ngram_order
        self.effective_order = effective_order

        assert self.smooth_method in self.SMOOTH_DEFAULTS.keys(), \
            "Unknown smooth_method {self.smooth_method!r}"

        if tokenize is None:
            best_tokenizer = self.TOKENIZER_DEFAULT
            if self.trg_lang in self._TOKENIZER_MAP:
                best_tokenizer = self._TOKENIZER_MAP[self.trg_lang]
        else:
            best_tokenizer = tokenize
            if self.trg_lang == "zh" and best_tokenizer != "zh":
                sacrelogger.warning("Consider using the 'zh' or 'spm' tokenizer for Chinese.")
            if self.trg_lang == "ja" and best_tokenizer != "ja-mecab":
                sacrelogger.warning(
                    "Consider using the 'ja-mecab' or 'spm' tokenizer for Japanese.")
            if self.trg_lang == "ko" and best_tokenizer != "ko-mecab":
                sacrelogger.warning(
                    "Consider using the 'ko-mecab' or 'spm' tokenizer for Korean.")

        self.tokenizer = _get_tokenizer(best_tokenizer)()
        self.tokenizer_signature = self.tokenizer.signature()
        self._tokenizer_name = best_tokenizer
        self._setup_core()

        if references is not None:
            self._ref_cache = self._cache_references(references)

    def _setup_core(self):
        """Chooses the path: C++ throughout, Python tokenizer + C++ matching, or Python n-grams."""
        name = self._tokenizer_name
        native = name in _core_tokenizers.NATIVE and \
            type(self.tokenizer) is _core_tokenizers.NATIVE[name]
        in_core = isinstance(self.max_ngram_order, int) and \
            1 <= self.max_ngram_order <= _CORE_MAX_ORDER
        # Text goes to C++ as is (C++ lower-cases and tokenizes) only on the native path.
        self._core_native = native and in_core
        self._core_options = None
        if in_core:
            key = (name if native else "none", bool(self.lowercase) if native else False,
                   self.max_ngram_order)
            self._core_options = _OPTIONS.get(key)
            if self._core_options is None:
                self._core_options = _OPTIONS.setdefault(
                    key, _core.bleu_options(key[0], key[1], "exp", None, None, key[2]))

    # ---- BLEU from sufficient statistics ---------------------------------------------------

    @staticmethod
    def compute_bleu(correct: List[int],
                     total: List[int],
                     sys_len: int,
                     ref_len: int,
                     smooth_method: str = "none",
                     smooth_value=None,
                     effective_order: bool = False,
                     max_ngram_order: int = MAX_NGRAM_ORDER) -> BLEUScore:
        """BLEU from its sufficient statistics, with smoothing (Chen and Cherry, 2014): 'none',
        'floor' (method 1), 'add-k' (method 2) or 'exp' (method 3, NIST). As in sacrebleu,
        'add-k' adds `smooth_value` to `correct` and `total` in place for n > 1, and the
        returned score holds those lists.
        """
        assert smooth_method in BLEU.SMOOTH_DEFAULTS.keys(), \
            "Unknown smooth_method {smooth_method!r}"
        if smooth_value is None:
            smooth_value = BLEU.SMOOTH_DEFAULTS[smooth_method]

        bp = 1.0
        if sys_len < ref_len:
            bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0

        precisions = [0.0] * max_ngram_order
        # No match of any order: BLEU is 0 (sacrebleu #141).
        if not any(correct):
            return BLEUScore(0.0, correct, total, precisions, bp, sys_len, ref_len)

        halvings = 1.
        averaged = max_ngram_order
        for n in range(1, len(precisions) + 1):
            k = n - 1
            if smooth_method == "add-k" and n > 1:
                correct[k] += smooth_value
                total[k] += smooth_value
            if total[k] == 0:
                break
            if effective_order:
                averaged = n
            if correct[k] == 0:
                if smooth_method == "exp":
                    halvings *= 2
                    precisions[k] = 100. / (halvings * total[k])
                elif smooth_method == "floor":
                    precisions[k] = 100. * smooth_value / total[k]
            else:
                precisions[k] = 100. * correct[k] / total[k]

        # my_log: log with log(0) floored to -9999999999
        logs = [math.log(p) if p != 0.0 else -9999999999 for p in precisions[:averaged]]
        score = bp * math.exp(sum(logs) / averaged)
        return BLEUScore(score, correct, total, precisions, bp, sys_len, ref_len)

    def _compute_score_from_stats(self, stats: List[int]) -> BLEUScore:
        """The score of summed statistics [sys_len, ref_len, correct..., total...]."""
        return self.compute_bleu(
            correct=stats[2: 2 + self.max_ngram_order],
            total=stats[2 + self.max_ngram_order:],
            sys_len=int(stats[0]), ref_len=int(stats[1]),
            smooth_method=self.smooth_method, smooth_value=self.smooth_value,
            effective_order=self.effective_order,
            max_ngram_order=self.max_ngram_order)

    def _aggregate_and_compute(self, stats) -> BLEUScore:
        """The score of per-segment statistics (a list of lists, or the C++ array)."""
        if hasattr(stats, "sum"):
            if len(stats) == 0:
                raise IndexError("list index out of range")
            return self._compute_score_from_stats(stats.sum(axis=0).tolist())
        return self._compute_score_from_stats(sum_of_lists(stats))

    # ---- text and statistics ---------------------------------------------------------------

    def _preprocess_segment(self, sent: str) -> str:
        """Lower-cases (optionally), right-strips and tokenizes a line."""
        if self.lowercase:
            sent = sent.lower()
        return self.tokenizer(sent.rstrip())

    def _prepare_references(self, segments: List[List[str]]) -> Any:
        if self._core_native:
            return _core.CompatBleuReferences(
                [[_reference_text(r) for r in refs] for refs in segments], self._core_options)
        return _PythonReferences(self, segments)

    def _statistics(self, hypotheses: List[str], segments: List[List[str]]) -> Any:
        if self._core_native:
            return _core.compat_bleu_statistics(
                hypotheses, [[_reference_text(r) for r in refs] for refs in segments],
                self._core_options)
        return _PythonReferences(self, segments).statistics(hypotheses)

    def _get_closest_ref_len(self, hyp_len: int, ref_lens: List[int]) -> int:
        """The reference length closest to `hyp_len` (the shorter one on ties)."""
        best_diff, best_len = -1, -1
        for ref_len in ref_lens:
            diff = abs(hyp_len - ref_len)
            if best_diff == -1 or diff < best_diff:
                best_diff, best_len = diff, ref_len
            elif diff == best_diff and ref_len < best_len:
                best_len = ref_len
        return best_len

    def _extract_reference_info(self, refs: Sequence[str]) -> Dict[str, Any]:
        """Clipping counts (the maximum over the references) and the lengths of `refs`."""
        ngrams = None
        ref_lens = []
        for ref in refs:
            these, length = extract_all_word_ngrams(ref, 1, self.max_ngram_order)
            ref_lens.append(length)
            if ngrams is None:
                ngrams = these
            else:
                for gram, count in these.items():
                    ngrams[gram] = max(ngrams[gram], count)
        return {"ref_ngrams": ngrams, "ref_lens": ref_lens}

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: Dict) -> List[int]:
        """[hyp_len, ref_len, correct..., total...] of a preprocessed hypothesis."""
        ref_ngrams, ref_lens = ref_kwargs["ref_ngrams"], ref_kwargs["ref_lens"]
        hyp_ngrams, hyp_len = extract_all_word_ngrams(hypothesis, 1, self.max_ngram_order)
        ref_len = self._get_closest_ref_len(hyp_len, ref_lens)
        correct = [0 for _ in range(self.max_ngram_order)]
        total = correct[:]
        for gram, count in hyp_ngrams.items():
            k = len(gram) - 1
            total[k] += count
            if gram in ref_ngrams:
                correct[k] += min(count, ref_ngrams[gram])
        return [hyp_len, ref_len] + correct + total

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> BLEUScore:
        """BLEU of one hypothesis against one or several references."""
        if not self.effective_order:
            sacrelogger.warning(
                "It is recommended to enable `effective_order` for sentence-level BLEU.")
        if not self._core_native:
            return super().sentence_score(hypothesis, references)
        # The one-segment corpus of Metric.sentence_score, without its per-corpus machinery.
        self._check_sentence_score_args(hypothesis, references)
        lines = [_reference_text(r) for r in references if r is not None]
        self.num_refs = len(lines)
        if not lines:
            return super().sentence_score(hypothesis, references)
        stats = _core.compat_bleu_sentence(hypothesis, lines, self._core_options)
        return self._compute_score_from_stats(stats)
