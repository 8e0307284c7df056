from typing import Any, Mapping, Optional, Sequence, TypedDict, Union

Json = Any

class Repair(TypedDict):
    kind: str  # byte_order_mark | code_fence | leading_text | trailing_text | trailing_comma
    begin: int
    end: int

class ParseError(TypedDict):
    kind: str  # empty | truncated | syntax | invalid_utf8 | too_deep
    offset: int
    byte_offset: Optional[int]
    message: str

class ParsedOutput(TypedDict):
    value: Json
    json: Optional[str]
    repairs: list[Repair]
    error: Optional[ParseError]
    begin: int
    end: int

class Violation(TypedDict):
    pointer: str
    keyword: str
    message: str

class ValidationResult(TypedDict):
    score: float
    valid: bool
    violations: list[Violation]
    parse: dict[str, Any]

class FieldComparison(TypedDict):
    pointer: str
    method: str  # exact | normalized | numeric | set | ordered | missing | type_mismatch
    score: float
    precision: float
    recall: float
    expected: str
    actual: Optional[str]

class ComparisonResult(TypedDict):
    score: float
    fields: int
    matched: int
    missing: int
    details: list[FieldComparison]
    extra: list[str]
    parse: dict[str, Any]

def parse_json_output(text: str, *, max_depth: int = ..., strip_code_fences: bool = ...,
                      strip_prose: bool = ..., allow_trailing_commas: bool = ...) -> ParsedOutput: ...

class ValidationTable(dict[str, list[Any]]):
    def to_pandas(self) -> Any: ...

class UncheckedFormat(TypedDict):
    pointer: str
    format: str

def schema_of(schema: Any) -> Any: ...

class JsonSchema:
    def __init__(self, schema: Union[Mapping[str, Any], bool, str, type], *, max_depth: int = ...,
                 max_violations: int = ..., check_formats: bool = ...) -> None: ...
    @property
    def unchecked_formats(self) -> list[UncheckedFormat]: ...
    def validate(self, document: Json, *, tolerant: Optional[bool] = ...) -> ValidationResult: ...
    def validate_batch(self, documents: Sequence[Json], *, tolerant: bool = ...,
                       threads: int = ...) -> ValidationTable: ...

def compare_json(output: Json, gold: Json, *, strings: str = ..., lists: str = ...,
                 tolerance: float = ..., relative_tolerance: float = ...,
                 rules: Optional[Mapping[str, Union[str, Mapping[str, Any]]]] = ...) -> ComparisonResult: ...
