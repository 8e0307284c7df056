"""Drop-in replacements for reference tools, computed by precis' C++ core.

- ``precis.compat.rouge_score``: Google's ``rouge-score`` 0.1.2
  (``from precis.compat.rouge_score import rouge_scorer, scoring``).
- ``precis.compat.sacrebleu``: ``sacrebleu`` 2.6 BLEU and chrF
  (``from precis.compat import sacrebleu`` or ``from precis.compat.sacrebleu.metrics import BLEU``).

Same API, same numbers, same scales (sacrebleu's 0..100), faster. See docs/compat.md.
"""
