"""sacrebleu.tokenizers.tokenizer_none, computed by precis (see _core_tokenizers)."""

from ._core_tokenizers import NoneTokenizer  # noqa: F401
