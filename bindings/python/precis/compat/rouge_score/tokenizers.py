"""rouge-score's ``tokenizers`` module: the ``Tokenizer`` base class and ``DefaultTokenizer``."""

import abc

from . import tokenize


class Tokenizer(abc.ABC):
    """Abstract base class for a tokenizer; subclasses implement ``tokenize(text)``."""

    @abc.abstractmethod
    def tokenize(self, text):
        raise NotImplementedError("Tokenizer must override tokenize() method")


class DefaultTokenizer(Tokenizer):
    """rouge-score's default tokenizer (lowercase ``[a-z0-9]+`` runs, optional Porter stems)."""

    def __init__(self, use_stemmer=False):
        self._stemmer = tokenize.PorterStemmer() if use_stemmer else None

    def tokenize(self, text):
        return tokenize.tokenize(text, self._stemmer)
