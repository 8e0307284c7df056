from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from . import ScoreTable
from .embed import Encoder

Sources = Union[str, Sequence[str], Mapping[str, str], Sequence[Mapping[str, str]],
                Sequence[tuple[str, str]]]
SupportFn = Callable[[str, list[str], list[str]], float]

def citation_columns() -> list[str]: ...
def parse_citations(summary: str) -> dict[str, Any]: ...

class CitationScorer:
    def __init__(self, sources: Sources, *, unit: str = ..., min_claim_words: int = ...,
                 patterns: Sequence[str] = ..., builtin_markers: bool = ...,
                 footnotes: bool = ..., support_threshold: float = ...,
                 judge: Optional[str] = ..., word_order: bool = ...,
                 encoder: Optional[Union[Encoder, Callable[[list[str]], Any]]] = ...,
                 support: Optional[SupportFn] = ..., min_quote_words: int = ...,
                 stemmer: str = ..., stem_language: str = ...,
                 value_keys: Optional[Sequence[str]] = ...,
                 citation_keys: Optional[Sequence[str]] = ..., leaves_are_claims: bool = ...,
                 inline_markers: bool = ..., max_depth: int = ...,
                 function_words: str = ..., subject: Any = ..., check_facts: bool = ...,
                 fact_cap: float = ..., fact_context: float = ...,
                 min_source_support: float = ..., combine: str = ...,
                 embedding_weight: float = ...) -> None: ...
    def score(self, summary: str) -> dict[str, Any]: ...
    def score_structured(self, summary: str) -> dict[str, Any]: ...
    def claims(self, summary: str, structured: bool = ...) -> list[dict[str, Any]]: ...
    def resolve(self, key: str) -> Optional[str]: ...
    def support(self, claim: str, cited: Sequence[str]) -> float: ...
    def score_batch(self, summaries: Sequence[str], threads: int = ...,
                    structured: bool = ...) -> dict[str, Any]: ...
    def details_batch(self, summaries: Sequence[str], threads: int = ...,
                      structured: bool = ...) -> list[Union[dict[str, Any], str]]: ...

def citations(summary: str, sources: Sources, **options: Any) -> dict[str, Any]: ...
def structured_citations(summary: str, sources: Sources, **options: Any) -> dict[str, Any]: ...
def citation_batch(records: Optional[Iterable[Mapping[str, Any]]] = ..., *,
                   summaries: Optional[Sequence[str]] = ...,
                   sources: Optional[Sequence[Sources]] = ...,
                   ids: Optional[Sequence[str]] = ..., structured: bool = ...,
                   threads: int = ..., summary_field: str = ..., sources_field: str = ...,
                   id_field: str = ..., **options: Any) -> ScoreTable: ...
