"""sacrebleu.tokenizers.tokenizer_char, computed by precis (see _core_tokenizers)."""

from ._core_tokenizers import TokenizerChar  # noqa: F401
