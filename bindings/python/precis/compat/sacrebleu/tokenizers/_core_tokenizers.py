"""The tokenizers precis implements, as sacrebleu tokenizer objects.

``13a``, ``intl`` and ``zh`` call precis' C++ tokenizers. These right-strip the line first (as
BLEU does before tokenizing), while sacrebleu's tokenizer objects keep trailing whitespace, which
13a (a trailing ``-`` + newline is removed) and intl (punctuation before whitespace is split off
a number) react to; so a line with trailing whitespace is tokenized with a sentinel word after
it, which is then dropped. ``none`` and ``char`` are plain Python, exact by construction.
"""

from precis import _core

from .tokenizer_base import BaseTokenizer


class _CoreTokenizer(BaseTokenizer):
    _name = ""
    _keeps_trailing_space = True  # False for zh, which strips the line itself

    def signature(self):
        return self._name

    def __call__(self, line):
        if self._keeps_trailing_space and line[-1:].isspace():
            # " x" keeps the trailing whitespace in the text precis tokenizes; x becomes a token
            # of its own (nothing in 13a or intl joins across a space) and is dropped.
            out = _core.compat_sacrebleu_tokenize(line + " x", self._name)
            return out[:-2] if len(out) > 1 else ""
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
    _keeps_trailing_space = False


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
