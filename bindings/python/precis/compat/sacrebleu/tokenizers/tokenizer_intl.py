"""sacrebleu.tokenizers.tokenizer_intl, computed by precis (see _core_tokenizers)."""

from ._core_tokenizers import TokenizerV14International  # noqa: F401
