from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from . import ScoreTable
from .embed import Encoder

Sources = Union[str, Sequence[str], Mapping[str, str], Sequence[Mapping[str, str]]]

GROUNDED_METRICS: tuple[str, ...]

class GroundedScorer:
    def __init__(self, sources: Sources, query: Optional[str] = ..., *, stemmer: str = ...,
                 stem_language: str = ..., filler_language: str = ...,
                 extra_fillers: Sequence[str] = ..., budget: Optional[float] = ...,
                 budget_unit: str = ..., support_threshold: float = ...,
                 redundancy_threshold: float = ..., position_prior: bool = ...,
                 ignore_citations: bool = ...,
                 encoder: Optional[Union[Encoder, Callable[[list[str]], Any]]] = ...,
                 combine: str = ..., embedding_weight: float = ...) -> None: ...
    def score(self, summary: str) -> dict[str, dict[str, Any]]: ...
    def relevance(self, summary: str) -> dict[str, Any]: ...
    def faithfulness(self, summary: str) -> dict[str, Any]: ...
    def conciseness(self, summary: str) -> dict[str, Any]: ...
    def score_batch(self, summaries: Sequence[str], threads: int = ...) -> dict[str, Any]: ...

def grounded(summary: str, sources: Sources, query: Optional[str] = ...,
             **options: Any) -> dict[str, dict[str, Any]]: ...
def relevance(summary: str, sources: Sources, query: Optional[str] = ...,
              **options: Any) -> dict[str, Any]: ...
def faithfulness(summary: str, sources: Sources, **options: Any) -> dict[str, Any]: ...
def conciseness(summary: str, sources: Optional[Sources] = ..., **options: Any) -> dict[str, Any]: ...
def filler_phrases(language: str = ...) -> list[str]: ...
def grounded_batch(records: Optional[Iterable[Mapping[str, Any]]] = ..., *,
                   summaries: Optional[Sequence[str]] = ...,
                   sources: Optional[Sequence[Sources]] = ...,
                   queries: Optional[Sequence[Optional[str]]] = ...,
                   ids: Optional[Sequence[str]] = ..., metrics: Sequence[str] = ...,
                   threads: int = ..., summary_field: str = ..., sources_field: str = ...,
                   query_field: str = ..., id_field: str = ..., **options: Any) -> ScoreTable: ...
def grounded_sentences(records: Optional[Iterable[Mapping[str, Any]]] = ..., *,
                       summaries: Optional[Sequence[str]] = ...,
                       sources: Optional[Sequence[Sources]] = ...,
                       queries: Optional[Sequence[Optional[str]]] = ...,
                       ids: Optional[Sequence[str]] = ..., threads: int = ...,
                       summary_field: str = ..., sources_field: str = ..., query_field: str = ...,
                       id_field: str = ..., **options: Any) -> dict[str, list[Any]]: ...
