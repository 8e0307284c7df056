"""precis.judge: LLM judges, with the plumbing that makes them trustworthy.

Two ways to reach a model: :class:`OpenAIClient` (any OpenAI-compatible chat-completions
endpoint: base URL, model, API key from an environment variable) or your own function
(:class:`CallableModel`, sync or async; a plain callable is wrapped for you). Judges:
:class:`RubricJudge` (G-Eval: relevance, consistency, coherence, fluency, conciseness),
:class:`CitationSupportJudge` (claim-level; also the citation metrics' ``support=``),
:class:`ExtractionJudge` (field-level, JSON extractions against sources) and
:class:`PairwiseJudge` (order swapped). Templates are versioned and overridable
(:mod:`precis.judge.templates`). Docs: docs/judge/index.md.

Until release 0.2 the structured-output functions lived here; they are in
:mod:`precis.structured` now (``parse_json_output``, ``JsonSchema``, ``ValidationTable``,
``compare_json``, also top-level names of ``precis``). Reaching them through ``precis.judge``
still works for one release and warns with a :class:`DeprecationWarning`.
"""

from __future__ import annotations

import warnings
from typing import Any

from . import templates
from .client import (CallableModel, ChatModel, Completion, JudgeCache, JudgeError, OpenAIClient,
                     Prices, RateLimiter, RefusalError, TransientError, Usage, as_model)
from .judges import (CitationSupportJudge, ExtractionJudge, JudgeResults, PairwiseJudge,
                     RubricJudge, format_sources, weighted_choice)
from .templates import Rubric, Template

__all__ = [
    "CallableModel", "ChatModel", "CitationSupportJudge", "Completion", "ExtractionJudge",
    "JudgeCache", "JudgeError", "JudgeResults", "OpenAIClient", "PairwiseJudge", "Prices",
    "RateLimiter", "RefusalError", "Rubric", "RubricJudge", "Template", "TransientError", "Usage",
    "as_model", "format_sources", "templates", "weighted_choice",
]

# Names that moved to precis.structured in 0.2 (deprecated here; removed in the release after).
_MOVED_TO_STRUCTURED = ("JsonSchema", "ValidationTable", "compare_json", "parse_json_output")


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_STRUCTURED:
        warnings.warn(f"precis.judge.{name} moved to precis.structured.{name} (or precis.{name}); "
                      "the old name will be removed in the next release", DeprecationWarning,
                      stacklevel=2)
        from .. import structured

        return getattr(structured, name)
    raise AttributeError(f"module 'precis.judge' has no attribute '{name}'")
