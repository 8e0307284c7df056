"""rouge-score's ``rouge_scorer`` module, scored by precis' C++ ROUGE.

``RougeScorer(rouge_types, use_stemmer=False, split_summaries=False, tokenizer=None)`` with
``score(target, prediction)`` and ``score_multi(targets, prediction)`` behaves as rouge-score
0.1.2's, warts included: types are checked when scoring, not at construction; ROUGE-L and
ROUGE-Lsum of a text without tokens are ``Score(0, 0, 0)`` with integer zeros; ``score_multi``
keeps, per type, the first target with the highest F-measure.

The default tokenizer (with or without its Porter stemmer) runs in C++. A tokenizer object of
your own is called from Python as rouge-score calls it; its tokens are then mapped to
placeholder words (equal tokens to equal words) and scored by the same C++ kernels, so the
numbers are those rouge-score computes from those tokens.
"""

import collections
import logging
import re

from precis import _core

from . import scoring
from . import tokenize
from . import tokenizers

_log = logging.getLogger(__name__)

_NGRAM_TYPE = re.compile(r"rouge[0-9]$")
_LCS_TYPES = ("rougeL", "rougeLsum")


def _core_type(rouge_type):
    """precis' name for `rouge_type`, raising rouge-score's errors for invalid types."""
    if rouge_type == "rougeL" or rouge_type == "rougeLsum":
        return rouge_type
    name = rouge_type.decode("utf-8") if isinstance(rouge_type, bytes) else rouge_type
    if not isinstance(name, str):
        raise TypeError("not expecting type '%s'" % type(rouge_type))
    if _NGRAM_TYPE.match(name):
        n = int(name[5:])
        if n <= 0:
            raise ValueError("rougen requires positive n: %s" % rouge_type)
        return "rouge%d" % n
    raise ValueError("Invalid rouge type: %s" % rouge_type)


def _to_score(core_type, d):
    # rouge-score returns integer zeros for ROUGE-L and -Lsum when either side has no tokens.
    if core_type in _LCS_TYPES and (d["summary_count"] == 0 or d["reference_count"] == 0):
        return scoring.Score(precision=0, recall=0, fmeasure=0)
    return scoring.Score(precision=d["precision"], recall=d["recall"], fmeasure=d["f1"])


class _Vocabulary(object):
    """Maps tokens of a custom tokenizer to placeholder words the C++ tokenizer keeps whole."""

    def __init__(self):
        self._ids = {}

    def words(self, tokens):
        ids = self._ids
        return [ids.setdefault(t, "w%d" % len(ids)) for t in tokens]


class RougeScorer(scoring.BaseScorer):
    """Calculate rouge scores between two blobs of text.

    Sample usage:
      scorer = RougeScorer(['rouge1', 'rougeL'], use_stemmer=True)
      scores = scorer.score('The quick brown fox jumps over the lazy dog',
                            'The quick brown dog jumps on the log.')
    """

    def __init__(self, rouge_types, use_stemmer=False, split_summaries=False, tokenizer=None):
        self.rouge_types = rouge_types
        if tokenizer:
            self._tokenizer = tokenizer
        else:
            self._tokenizer = tokenizers.DefaultTokenizer(use_stemmer)
            _log.info("Using default tokenizer.")
        self._split_summaries = split_summaries
        self._options = {}

    # ---- public API ------------------------------------------------------------------------

    def score_multi(self, targets, prediction):
        """Per type, the score against the target with the highest F-measure (the first on ties)."""
        targets = list(targets)
        types = list(self.rouge_types)
        if not targets:
            if types:
                raise ValueError("attempt to get argmax of an empty sequence")
            return {}
        stemming = self._core_stemming()
        if stemming is None or (self._split_summaries and self._wants_lsum(types)):
            return self._score_multi_generic(targets, prediction, types)
        core_types = [_core_type(t) for t in types]
        targets = [tokenize._as_str(t) for t in targets]
        result = _core.rouge(tokenize._as_str(prediction), targets,
                             self._core_options(core_types, stemming))
        return {t: _to_score(c, result[c]) for t, c in zip(types, core_types)}

    def score(self, target, prediction):
        """Calculates rouge scores between the target and prediction: a dict of type -> Score."""
        types = list(self.rouge_types)
        core_types = [_core_type(t) for t in types]
        stemming = self._core_stemming()
        if stemming is None:
            return self._score_custom(target, prediction, types, core_types)
        target = tokenize._as_str(target)
        prediction = tokenize._as_str(prediction)
        if not core_types:
            return {}
        if self._split_summaries and "rougeLsum" in core_types:
            # NLTK's sentences, one per line: the C++ splits ROUGE-Lsum sentences at "\n" only.
            lsum = _core.rouge(self._sentence_lines(prediction), self._sentence_lines(target),
                               self._core_options(["rougeLsum"], stemming))
            rest = [c for c in core_types if c != "rougeLsum"]
            result = dict(lsum)
            if rest:
                result.update(_core.rouge(prediction, target, self._core_options(rest, stemming)))
        else:
            result = _core.rouge(prediction, target, self._core_options(core_types, stemming))
        return {t: _to_score(c, result[c]) for t, c in zip(types, core_types)}

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_options"] = {}  # C++ options are made again when needed
        return state

    # ---- helpers ---------------------------------------------------------------------------

    def _core_stemming(self):
        """False/True (use the stemmer) when the C++ tokenizer reproduces ours, else None."""
        tok = self._tokenizer
        if not isinstance(tok, tokenizers.DefaultTokenizer):
            return None
        if type(tok).tokenize is not tokenizers.DefaultTokenizer.tokenize:
            return None
        stemmer = getattr(tok, "_stemmer", None)
        if not stemmer:
            return False
        return True if tokenize._is_core_porter(stemmer) else None

    def _core_options(self, core_types, stemming):
        key = (tuple(sorted(set(core_types))), stemming)
        options = self._options.get(key)
        if options is None:
            options = _core.rouge_options(list(key[0]), "rouge_score", stemming, "max", "porter",
                                          "english")
            self._options[key] = options
        return options

    @staticmethod
    def _wants_lsum(types):
        return any(_core_type(t) == "rougeLsum" for t in types)

    def _sentences(self, text):
        if self._split_summaries:
            import nltk  # only needed for split_summaries, as in rouge-score

            sents = nltk.sent_tokenize(text)
        else:
            # Assume sentences are separated by newline.
            sents = tokenize._as_str(text).split("\n")
        return [s for s in sents if len(s)]

    def _sentence_lines(self, text):
        # Inside a sentence a line break is a token separator like a space.
        return "\n".join(s.replace("\n", " ") for s in self._sentences(text))

    def _score_custom(self, target, prediction, types, core_types):
        """A tokenizer object of the user's: its tokens, scored by the C++ kernels."""
        vocab = _Vocabulary()
        only_lsum = len(types) == 1 and types[0] == "rougeLsum"
        texts = {}
        if not only_lsum:
            texts["whole"] = [vocab.words(self._tokenizer.tokenize(target)),
                              vocab.words(self._tokenizer.tokenize(prediction))]
        if "rougeLsum" in core_types:
            texts["lines"] = [
                [vocab.words(self._tokenizer.tokenize(s)) for s in self._sentences(target)],
                [vocab.words(self._tokenizer.tokenize(s)) for s in self._sentences(prediction)]]
        if not core_types:
            return {}
        rest = [c for c in core_types if c != "rougeLsum"]
        result = {}
        if "lines" in texts:
            lines_t, lines_p = texts["lines"]
            joined = [sum(lines_t, []), sum(lines_p, [])]
            # When the sentences hold exactly the tokens of the whole text, one call does all.
            together = rest and texts["whole"] == joined
            wanted = core_types if together else ["rougeLsum"]
            result.update(_core.rouge("\n".join(" ".join(s) for s in lines_p),
                                      "\n".join(" ".join(s) for s in lines_t),
                                      self._core_options(wanted, False)))
            if together:
                rest = []
        if rest:
            whole_t, whole_p = texts["whole"]
            result.update(_core.rouge(" ".join(whole_p), " ".join(whole_t),
                                      self._core_options(rest, False)))
        return {t: _to_score(c, result[c]) for t, c in zip(types, core_types)}

    def _score_multi_generic(self, targets, prediction, types):
        per_target = [self.score(t, prediction) for t in targets]
        best = {}
        for k in types:
            f = [s[k].fmeasure for s in per_target]
            best[k] = per_target[f.index(max(f))][k]
        return best


# ---- rouge-score's module-level helpers, on token lists -------------------------------------

def _create_ngrams(tokens, n):
    """Counter of the n-grams (tuples) of `tokens`."""
    return collections.Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _score_ngrams(target_ngrams, prediction_ngrams):
    """ROUGE-N Score from two n-gram Counters (clipped overlap)."""
    overlap = sum(min(count, prediction_ngrams[g]) for g, count in target_ngrams.items())
    precision = overlap / max(sum(prediction_ngrams.values()), 1)
    recall = overlap / max(sum(target_ngrams.values()), 1)
    return scoring.Score(precision=precision, recall=recall,
                         fmeasure=scoring.fmeasure(precision, recall))


def _score_token_lists(target_lines, prediction_lines, core_type):
    vocab = _Vocabulary()
    t = "\n".join(" ".join(vocab.words(s)) for s in target_lines)
    p = "\n".join(" ".join(vocab.words(s)) for s in prediction_lines)
    options = _core.rouge_options([core_type], "rouge_score", False, "max", "porter", "english")
    return _to_score(core_type, _core.rouge(p, t, options)[core_type])


def _score_lcs(target_tokens, prediction_tokens):
    """ROUGE-L Score of two token lists (computed by the C++ kernel)."""
    return _score_token_lists([target_tokens], [prediction_tokens], "rougeL")


def _summary_level_lcs(ref_sent, can_sent):
    """ROUGE-Lsum Score of two lists of tokenized sentences (computed by the C++ kernel)."""
    return _score_token_lists(ref_sent, can_sent, "rougeLsum")


def _lcs_table(ref, can):
    """The (len(ref)+1) x (len(can)+1) LCS length table."""
    table = [[0] * (len(can) + 1) for _ in range(len(ref) + 1)]
    for i, r in enumerate(ref, 1):
        above, row = table[i - 1], table[i]
        for j, c in enumerate(can, 1):
            row[j] = above[j - 1] + 1 if r == c else max(above[j], row[j - 1])
    return table


def _backtrack_norec(t, ref, can):
    """Indices into `ref` of one LCS, read back from the bottom-right cell of table `t`."""
    i, j = len(ref), len(can)
    picked = []
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            picked.append(i - 1)
            i, j = i - 1, j - 1
        elif t[i][j - 1] > t[i - 1][j]:
            j -= 1
        else:
            i -= 1
    picked.reverse()
    return picked


def lcs_ind(ref, can):
    """Returns one of the longest LCS (indices into `ref`)."""
    return _backtrack_norec(_lcs_table(ref, can), ref, can)


def _find_union(lcs_list):
    """Sorted union of several LCS index lists."""
    return sorted(set().union(*lcs_list))


def _union_lcs(ref, c_list):
    """Tokens of `ref` in the union LCS with every candidate sentence of `c_list`."""
    return [ref[i] for i in _find_union([lcs_ind(ref, c) for c in c_list])]
