"""Access to the real sacrebleu, for the parts precis does not implement (TER, datasets, the
MeCab / SentencePiece tokenizers). Raises a clear error when it is not installed."""

import importlib
import sys


def load(module="sacrebleu", what="this feature"):
    """Imports `module` from the real sacrebleu package."""
    compat = sys.modules.get(__package__)
    try:
        top = importlib.import_module("sacrebleu")
    except ImportError as e:
        raise ImportError(
            f"precis.compat.sacrebleu does not implement {what}; it falls back to sacrebleu, "
            "which is not installed (pip install sacrebleu==2.6.0)") from e
    if top is compat:
        raise ImportError(f"precis.compat.sacrebleu does not implement {what}, and 'sacrebleu' "
                          "is aliased to precis.compat.sacrebleu, so there is nothing to fall "
                          "back to")
    return importlib.import_module(module)
