"""The tokenizers precis implements, as sacrebleu tokenizer objects.

``13a``, ``intl`` and ``zh`` call precis' C++ tokenizers, which right-strip the line first as
BLEU does before tokenizing; called directly on a line with trailing whitespace they can differ
from sacrebleu's objects (13a joins a trailing ``-`` + newline, intl splits a final punctuation
mark off a number before a trailing space). ``none`` and ``char`` are exact on any line.
"""

from precis import _core

from .tokenizer_base import BaseTokenizer


class _CoreTokenizer(BaseTokenizer):
    _name = ""

    def signature(self):
        return self._name

    def __call__(self, line):
        return _core.compat_sacrebleu_tokenize(line, self._name)


class Tokenizer13a(_CoreTokenizer):
    """mteval-v13a.pl, as WMT uses it (sacrebleu's default)."""
    _name = "13a"


class TokenizerV14International(_CoreTokenizer):
    """mteval-v14 international tokenization (Unicode punctuation and symbols)."""
    _name = "intl"


class TokenizerZh(_CoreTokenizer):
    """Every CJK character is a token; the rest as 13a's regular expressions."""
    _name = "zh"


class TokenizerChar(BaseTokenizer):
    """Every character is a token."""

    def signature(self):
        return "char"

    def __call__(self, line):
        return " ".join(line)


class NoneTokenizer(BaseTokenizer):
    """No tokenization (tokens are separated by whitespace)."""

    def signature(self):
        return "none"

    def __call__(self, line):
        return line


# sacrebleu name -> class, for the tokenizers computed in C++.
NATIVE = {
    "none": NoneTokenizer,
    "zh": TokenizerZh,
    "13a": Tokenizer13a,
    "intl": TokenizerV14International,
    "char": TokenizerChar,
}
