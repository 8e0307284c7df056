"""Drop-in ``rouge_score`` (rouge-score 0.1.2) backed by precis' C++ ROUGE.

Change ``from rouge_score import rouge_scorer, scoring`` to
``from precis.compat.rouge_score import rouge_scorer, scoring``; everything else stays. See
docs/compat.md for what is covered.
"""
