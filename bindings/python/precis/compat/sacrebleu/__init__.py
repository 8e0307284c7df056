"""Drop-in ``sacrebleu`` 2.6 (BLEU and chrF) backed by precis' C++ core.

``from precis.compat import sacrebleu`` (or ``import precis.compat.sacrebleu as sacrebleu``)
instead of ``import sacrebleu``; ``precis.compat.sacrebleu.metrics`` replaces
``sacrebleu.metrics``. Scores are on sacrebleu's 0..100 scale, with sacrebleu's objects,
signatures and warnings. TER, the test-set downloads and the MeCab / SentencePiece tokenizers
are not implemented by precis: they are taken from an installed sacrebleu, or raise an error
saying so. See docs/compat.md.
"""

from . import compat, metrics  # noqa: F401
from .compat import (  # noqa: F401
    corpus_bleu,
    corpus_chrf,
    raw_corpus_bleu,
    sentence_bleu,
    sentence_chrf,
)
from .metrics import BLEU, CHRF  # noqa: F401
from .metrics.helpers import extract_char_ngrams, extract_word_ngrams  # noqa: F401
from .version import __version__  # noqa: F401

# Names sacrebleu has that precis does not implement: looked up in an installed sacrebleu.
_FROM_SACREBLEU = {
    "TER": "sacrebleu.metrics",
    "corpus_ter": "sacrebleu.compat",
    "sentence_ter": "sacrebleu.compat",
    "DATASETS": "sacrebleu.dataset",
    "SACREBLEU_DIR": "sacrebleu.utils",
    "smart_open": "sacrebleu.utils",
    "download_test_set": "sacrebleu.utils",
    "get_source_file": "sacrebleu.utils",
    "get_reference_files": "sacrebleu.utils",
    "get_available_testsets": "sacrebleu.utils",
    "get_langpairs_for_testset": "sacrebleu.utils",
}

__all__ = [  # what precis implements; the names above are looked up on use
    "extract_word_ngrams", "extract_char_ngrams", "BLEU", "CHRF", "corpus_bleu",
    "raw_corpus_bleu", "sentence_bleu", "corpus_chrf", "sentence_chrf", "__version__",
]


def __getattr__(name):
    if name in _FROM_SACREBLEU:
        from . import _reference

        try:
            return getattr(_reference.load(_FROM_SACREBLEU[name], name), name)
        except ImportError as e:
            raise AttributeError(str(e)) from e
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
