"""sacrebleu.tokenizers.tokenizer_13a, computed by precis (see _core_tokenizers)."""

from ._core_tokenizers import Tokenizer13a  # noqa: F401
