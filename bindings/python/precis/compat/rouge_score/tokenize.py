"""rouge-score's ``tokenize`` module: lowercase, runs of ``[a-z0-9]``, optional stemming.

With no stemmer or a Porter stemmer (this package's, or NLTK's ``PorterStemmer`` in its default
mode) the tokens come from precis' C++ tokenizer and NLTK-identical Porter stemmer; any other
stemmer object runs the same steps in Python.
"""

import re

from precis import _core

NON_ALPHANUM_PATTERN = r"[^a-z0-9]+"
NON_ALPHANUM_RE = re.compile(NON_ALPHANUM_PATTERN)
SPACES_PATTERN = r"\s+"
SPACES_RE = re.compile(SPACES_PATTERN)
VALID_TOKEN_PATTERN = r"^[a-z0-9]+$"
VALID_TOKEN_RE = re.compile(VALID_TOKEN_PATTERN)


class PorterStemmer(object):
    """NLTK's Porter stemmer (NLTK_EXTENSIONS mode), computed by precis' C++ stemmer."""

    def stem(self, word):
        return _core.porter_stem(word)


def _is_core_porter(stemmer):
    """True for stemmers whose results precis' C++ Porter stemmer reproduces."""
    if isinstance(stemmer, PorterStemmer):
        return type(stemmer).stem is PorterStemmer.stem
    cls = type(stemmer)
    if cls.__name__ != "PorterStemmer" or cls.__module__ != "nltk.stem.porter":
        return False
    return getattr(stemmer, "mode", None) == "NLTK_EXTENSIONS"


def _as_str(text):
    return text.decode("utf-8") if isinstance(text, bytes) else text


def _tokenize_python(text, stemmer):
    text = NON_ALPHANUM_RE.sub(" ", _as_str(text.lower()))
    tokens = SPACES_RE.split(text)
    if stemmer:
        # rouge-score stems only words of more than 3 characters.
        tokens = [_as_str(stemmer.stem(t)) if len(t) > 3 else t for t in tokens]
    return [t for t in tokens if VALID_TOKEN_RE.match(t)]


def tokenize(text, stemmer):
    """Tokenize input text into a list of tokens (rouge-score's approach, after ROUGE-1.5.5)."""
    if not stemmer:
        return _core.compat_rouge_score_tokenize(_as_str(text), False)
    if _is_core_porter(stemmer):
        return _core.compat_rouge_score_tokenize(_as_str(text), True)
    return _tokenize_python(text, stemmer)
