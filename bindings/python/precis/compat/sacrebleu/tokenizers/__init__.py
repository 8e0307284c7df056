"""sacrebleu's BLEU tokenizers: ``13a``, ``intl``, ``zh``, ``char`` and ``none`` run in precis'
C++ core; the others (``ja-mecab``, ``ko-mecab``, ``spm``, ``flores101``, ``flores200``,
``spBLEU-1K``) are taken from an installed sacrebleu (see docs/compat.md)."""

from .tokenizer_base import BaseTokenizer  # noqa: F401
