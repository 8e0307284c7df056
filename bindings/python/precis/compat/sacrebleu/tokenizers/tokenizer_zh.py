"""sacrebleu.tokenizers.tokenizer_zh, computed by precis (see _core_tokenizers)."""

from ._core_tokenizers import TokenizerZh  # noqa: F401
