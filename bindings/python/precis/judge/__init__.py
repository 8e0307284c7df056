"""precis.judge: LLM judges.

Until release 0.2 the structured-output functions lived here; they are in
:mod:`precis.structured` now (``parse_json_output``, ``JsonSchema``, ``ValidationTable``,
``compare_json``, also top-level names of ``precis``). Reaching them through ``precis.judge``
still works for one release and warns with a :class:`DeprecationWarning`.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []

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
